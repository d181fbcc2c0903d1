"""JSON the app parses itself (uploads, `predict?inputs=`), with 422s that say what to change."""

from __future__ import annotations

import json
from typing import Any

from app.errors import LimitError, json_problem


def parse_json(raw: str | bytes, what: str = "the body") -> Any:
    """json.loads that answers 422 (LimitError) for bad, deep or non-UTF-8 text, never 500."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError ⊂ Value
        raise LimitError(json_problem(exc, what)) from exc
