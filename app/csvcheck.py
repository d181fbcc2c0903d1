"""Bounds on uploaded CSV that JSON rows get from their schema: size of values and names,
columns a network can use, one unambiguous name per column; errors name row and column.

Rows are counted as the engine counts them (0-based CSV records, the header is row 0).
"""

from __future__ import annotations

import csv
import io

from app.schemas.common import MAX_ABS_VALUE
from engine.data.datasets import Dataset
from engine.errors import DatasetError

MAX_NAME_CHARS = 64


def _number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def _check_header(cells: list[str], row: int) -> None:
    """Every column named, each name short and used once."""
    seen: dict[str, int] = {}
    for c, name in enumerate(cells):
        if not name:
            raise DatasetError("empty header name; name every column", row, c)
        if len(name) > MAX_NAME_CHARS:
            raise DatasetError(f"header name longer than {MAX_NAME_CHARS} characters", row, c)
        if name in seen:
            raise DatasetError(f"header name {name!r} is also column {seen[name]}; "
                               "give each column its own name", row, c)
        seen[name] = c


def _check_cells(cells: list[str], row: int) -> None:
    for c, cell in enumerate(cells):
        x = _number(cell)
        if x is not None and abs(x) > MAX_ABS_VALUE:
            raise DatasetError(f"{cell} is beyond the limit |x| ≤ {MAX_ABS_VALUE:g}", row, c)


def _too_long(text: str, line: int) -> int | None:
    """The column of the over-long cell on a physical line, if a plain split finds it."""
    lines = text.splitlines()
    if not 0 <= line < len(lines):
        return None
    limit = csv.field_size_limit()
    return next((c for c, cell in enumerate(lines[line].split(",")) if len(cell) > limit), None)


def check_csv(text: str, max_columns: int) -> None:
    """Raise DatasetError (row, column) for what the engine's parser would accept or crash on."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    following, first = 0, True  # the record being read when csv raises
    try:
        for row, raw in enumerate(reader):
            following = row + 1
            cells = [cell.strip() for cell in raw]
            if not any(cells):
                continue
            if len(cells) > max_columns:
                raise DatasetError(f"{len(cells)} columns exceed the limit of {max_columns} "
                                   "(inputs and targets of the largest network)", row)
            if first and not all(_number(cell) is not None for cell in cells):
                _check_header(cells, row)
            else:
                _check_cells(cells, row)
            first = False
    except csv.Error as exc:
        raise DatasetError(f"cannot read this CSV ({exc}); cells are limited to "
                           f"{csv.field_size_limit()} characters", following,
                           _too_long(text, reader.line_num - 1)) from exc


def check_width(dataset: Dataset, max_neurons: int) -> None:
    """At most one input per input neuron and one target per output neuron of a network."""
    for names, what in ((dataset.input_names, "input_columns"),
                        (dataset.target_names, "target_columns")):
        if len(names) > max_neurons:
            raise DatasetError(f"{what}: {len(names)} columns exceed the limit of "
                               f"{max_neurons} (neurons in a layer); choose {what}")
