"""`python -m benchmarks`: every benchmark in turn (engine, API, page), each in its own process.

Each prints its figures as ratios against a baseline measured in the same run and exits 1 when
a floor is missed; this runner exits 1 if any did. Run one alone with `python -m benchmarks.X`.
"""

from __future__ import annotations

import subprocess
import sys

SUITES = ("engine", "api", "wire", "page", "follow", "classroom", "hardening")


def main() -> int:
    failed = []
    for name in SUITES:
        print(f"\n=== benchmarks.{name} ===", flush=True)
        if subprocess.run([sys.executable, "-m", f"benchmarks.{name}"], check=False).returncode:
            failed.append(name)
    print("\nall floors met" if not failed else f"\nfloors missed in: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
