"""Validation of the user's own data: JSON rows and CSV text, with row/column in errors."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.errors import DatasetError

MAX_ROWS = 100_000
MAX_COLUMNS = 1_000
MAX_NAME_CHARS = 100
# Plain ASCII decimal or scientific notation: what float() reads minus "1_000", "inf",
# "nan" and non-ASCII digits ("١٢", "１２"), which it also accepts.
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _number(value: Any, row: int, column: int, label: str) -> float:
    """A finite float from a JSON number, else DatasetError at (row, column)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise DatasetError(f"{value!r:.40} is not a number", row, column, label)
    x = float(value)
    if not math.isfinite(x):
        raise DatasetError(f"{value!r} is not a finite number", row, column, label)
    return x


def dataset_arrays(rows: Any, label: str) -> np.ndarray:
    """Rows of numbers (a bare number is a one-column row) as an (m, n) float64 array."""
    if isinstance(rows, np.ndarray):
        rows = rows.tolist()
    if not isinstance(rows, Sequence) or isinstance(rows, str) or not rows:
        raise DatasetError("must be a non-empty list of rows", field=label)
    if len(rows) > MAX_ROWS:
        raise DatasetError(f"at most {MAX_ROWS} rows, got {len(rows)}", field=label)
    width = None
    out = []
    for r, row in enumerate(rows):
        cells = [row] if isinstance(row, int | float) and not isinstance(row, bool) else row
        if not isinstance(cells, Sequence) or isinstance(cells, str):
            raise DatasetError("each row must be a list of numbers", r, field=label)
        if width is None:
            width = len(cells)
            if not 1 <= width <= MAX_COLUMNS:
                raise DatasetError(f"rows need 1 to {MAX_COLUMNS} columns", r, field=label)
        if len(cells) != width:
            raise DatasetError(f"expected {width} columns, got {len(cells)}", r, field=label)
        out.append([_number(v, r, c, label) for c, v in enumerate(cells)])
    return np.array(out, dtype=np.float64)


@dataclass(frozen=True)
class Table:
    """A parsed CSV split into input and target columns."""

    inputs: np.ndarray
    targets: np.ndarray
    input_names: tuple[str, ...]
    target_names: tuple[str, ...]


def _is_number(cell: str) -> bool:
    return NUMBER.fullmatch(cell) is not None


def _read_lines(text: str) -> list[tuple[int, list[str]]]:
    """(line index, stripped cells) of every non-blank line."""
    if not isinstance(text, str) or not text.strip():
        raise DatasetError("the CSV text is empty")
    lines = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    r = 0  # the record being read
    try:
        for cells in reader:
            stripped = [c.strip() for c in cells]
            if any(stripped):
                lines.append((r, stripped))
            r += 1
    except csv.Error as exc:
        raise DatasetError(f"unreadable CSV ({exc})", r,
                           _long_cell(text, reader.line_num)) from None
    if len(lines) > MAX_ROWS + 1:
        raise DatasetError(f"at most {MAX_ROWS} rows")
    return lines


def _long_cell(text: str, line_num: int) -> int | None:
    """The column of the first over-long cell on the line the reader failed on, if any."""
    lines = text.splitlines()
    if not 1 <= line_num <= len(lines):
        return None
    limit = csv.field_size_limit()
    for c, cell in enumerate(lines[line_num - 1].split(",")):
        if len(cell) > limit:
            return c
    return None


def check_names(names: Any, label: str, width: int) -> tuple[str, ...]:
    """`width` column names: strings of 1 to MAX_NAME_CHARS characters, no two alike."""
    if not isinstance(names, Sequence) or isinstance(names, str) or len(names) != width:
        raise DatasetError(f"must list {width} column name(s)", field=label)
    seen: set[str] = set()
    for c, name in enumerate(names):
        if not isinstance(name, str):
            raise DatasetError(f"a column name must be text, got {name!r:.40}", column=c,
                               field=label)
        if not name.strip() or len(name) > MAX_NAME_CHARS:
            raise DatasetError(f"a column name needs 1 to {MAX_NAME_CHARS} characters, got "
                               f"{len(name.strip())}", column=c, field=label)
        if name in seen:
            raise DatasetError(f"{name!r} names two columns; give each its own name",
                               column=c, field=label)
        seen.add(name)
    return tuple(names)


def _column(choice: Any, names: Sequence[str]) -> int:
    """A column index from a header name or an index."""
    if isinstance(choice, int) and not isinstance(choice, bool):
        if not 0 <= choice < len(names):
            raise DatasetError(f"no column {choice}; there are {len(names)}", column=choice)
        return choice
    if not isinstance(choice, str):
        raise DatasetError(f"a column is chosen by name or 0-based index, got {choice!r:.40}")
    if choice in names:
        return names.index(choice)
    raise DatasetError(f"no column named {choice!r:.60}; columns: {', '.join(names)}",
                       column=choice[:MAX_NAME_CHARS])


def _columns(choices: Any, names: Sequence[str], label: str) -> list[int]:
    """Distinct column indices for a list of names or indices."""
    if not isinstance(choices, Sequence) or isinstance(choices, str):
        raise DatasetError(f"{label} must be a list of column names or indices")
    picked = [_column(c, names) for c in choices]
    for i, c in enumerate(picked):
        if c in picked[:i]:
            raise DatasetError(f"{label}: column {names[c]!r} is chosen twice", column=c)
    return picked


def split_columns(
    names: Sequence[str], inputs: Sequence[str | int] | None,
    targets: Sequence[str | int] | None,
) -> tuple[list[int], list[int]]:
    """Input and target column indices (default: last column is the target, the rest
    inputs); no column may be both. Shared by CSV and JSON-rows uploads."""
    n = len(names)
    tgt = _columns(targets, names, "target columns") if targets is not None else [n - 1]
    inp = (_columns(inputs, names, "input columns") if inputs is not None
           else [c for c in range(n) if c not in tgt])
    if not inp or not tgt:
        raise DatasetError("need at least one input column and one target column")
    both = set(inp) & set(tgt)
    if both:
        c = min(both)
        raise DatasetError(f"column {names[c]!r} cannot be both input and target", column=c)
    return inp, tgt


def _label_key(label: str) -> tuple[int, float, str]:
    """Numbers in numeric order first (2 before 10), then text labels alphabetically."""
    return (0, float(label), "") if _is_number(label) else (1, 0.0, label)


def one_hot(labels: Sequence[str], column: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """One-hot targets for class labels, one column per distinct label, named "column=label".

    Classes are ordered numbers first (numerically), then text; at least two are needed.
    """
    classes = sorted(set(labels), key=_label_key)
    if len(classes) < 2:
        raise DatasetError(f"the class column {column!r} holds a single class "
                           f"({classes[0]!r:.40}); it needs at least two")
    index = {label: c for c, label in enumerate(classes)}
    targets = np.eye(len(classes))[[index[label] for label in labels]]
    names = tuple(f"{column}={label}"[:MAX_NAME_CHARS] for label in classes)
    if len(set(names)) != len(names):
        raise DatasetError(f"class labels of {column!r} are too long to tell apart")
    return targets, names


def _header(first: list[str], class_column: str | int | None) -> bool:
    """Whether the first line names the columns (any non-number outside a class column)."""
    if isinstance(class_column, str):
        return True  # a class column chosen by name needs a header to name it
    return not all(_is_number(c) for i, c in enumerate(first) if i != class_column)


def parse_table(
    text: str, inputs: Sequence[str | int] | None, targets: Sequence[str | int] | None,
    class_column: str | int | None = None,
) -> Table:
    """Parse CSV text: optional header, numbers only, the same width on every row.

    A `class_column` (name or index; instead of target columns) may hold any labels, text
    included; it becomes one-hot targets, one column per class.
    """
    if class_column is not None and targets is not None:
        raise DatasetError("give either target columns or a class column, not both")
    lines = _read_lines(text)
    first = lines[0][1]
    header = _header(first, class_column)
    names = list(check_names(first, "header", len(first)) if header
                 else [f"column{c}" for c in range(len(first))])
    body = lines[1:] if header else lines
    if not body:
        raise DatasetError("the CSV has a header but no data rows")
    klass = None if class_column is None else _column(class_column, names)
    values = np.zeros((len(body), len(names)))
    labels: list[str] = []
    for i, (r, cells) in enumerate(body):
        if len(cells) != len(names):
            raise DatasetError(f"expected {len(names)} columns, got {len(cells)}", r)
        for c, cell in enumerate(cells):
            if c == klass:
                if not cell:
                    raise DatasetError("the class label is empty", r, c)
                labels.append(cell)
                continue
            if not _is_number(cell):
                raise DatasetError(f"{cell!r:.40} is not a plain decimal number (ASCII digits, "
                                   "optional sign, point and exponent, e.g. -1.5e3)", r, c)
            values[i, c] = float(cell)
            if not math.isfinite(values[i, c]):
                raise DatasetError(f"{cell!r} is not a finite number", r, c)
    if klass is not None:
        inp, _ = split_columns(names, inputs, [klass])
        one, target_names = one_hot(labels, names[klass])
        return Table(values[:, inp], one, tuple(names[c] for c in inp), target_names)
    inp, tgt = split_columns(names, inputs, targets)
    return Table(values[:, inp], values[:, tgt], tuple(names[c] for c in inp),
                 tuple(names[c] for c in tgt))
