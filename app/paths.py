"""Where the page's files live.

In the repository, `static/` and `templates/` sit next to `app/` (the top level stays the map
of the project). A wheel cannot install top-level folders, so the build copies them into the
package as `app/site/static` and `app/site/templates` (pyproject.toml, force-include); an
installed app finds them there, an editable or source checkout next to `app/`.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _site_root() -> Path:
    packaged = PACKAGE / "site"
    return packaged if (packaged / "static").is_dir() else PACKAGE.parent


SITE_ROOT = _site_root()
STATIC_DIR = SITE_ROOT / "static"
TEMPLATES_DIR = SITE_ROOT / "templates"
