"""Numbers and arrays written as Python source that reads back to the same bits.

`repr(float)` is the shortest text that round-trips exactly, so a script built from these
literals starts from exactly the network's numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

WIDTH = 96  # characters per line of a literal, indentation included


def number(x: float) -> str:
    """A float as exact source text (always with a point or exponent: float, not int)."""
    return repr(float(x))


def _wrap(items: Sequence[str], indent: str) -> list[str]:
    """Comma-separated items packed into lines of at most WIDTH characters."""
    lines: list[str] = []
    line = indent
    for item in items:
        piece = f"{item}, "
        if len(line) + len(piece) > WIDTH and line.strip():
            lines.append(line.rstrip())
            line = indent
        line += piece
    lines.append(line.rstrip().rstrip(","))
    return lines


def vector(values: np.ndarray, indent: str, around: int = 0) -> str:
    """A 1-D array as `[a, b, c]`, wrapped below `indent` when long.

    `around` counts the characters the line adds around the list (a call, a comma).
    """
    items = [number(x) for x in values]
    one_line = f"[{', '.join(items)}]"
    if len(indent) + len(one_line) + around <= WIDTH:
        return one_line
    body = _wrap(items, indent + "    ")
    body[-1] += ","
    return "[\n" + "\n".join(body) + f"\n{indent}]"


def matrix(values: np.ndarray, indent: str) -> str:
    """A 2-D array as a list of rows, one row (or a wrapped block) per line."""
    rows = [f"{indent}    {vector(row, indent + '    ', 1)}," for row in values]
    return "[\n" + "\n".join(rows) + f"\n{indent}]"


def array(call: str, values: np.ndarray | None, indent: str = "") -> str:
    """`call(<literal>)` for a 1-D or 2-D array, or `None`."""
    if values is None:
        return "None"
    text = (vector(values, indent, len(call) + 3) if values.ndim == 1
            else matrix(values, indent))
    return f"{call}({text})"


def array_list(call: str, arrays: Sequence[np.ndarray | None], name: str, note: str) -> str:
    """`name = [call([...]), ...]  # note`, one array per layer."""
    items = [f"    {array(call, a, '    ')}," for a in arrays]
    return f"{name} = [  # {note}\n" + "\n".join(items) + "\n]"
