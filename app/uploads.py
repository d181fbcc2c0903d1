"""Users' data → engine Datasets: CSV (multipart or text/csv) and JSON rows or columns."""

from __future__ import annotations

from dataclasses import dataclass, replace

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from app.csvcheck import MAX_NAME_CHARS, check_csv, check_width
from app.errors import LimitError
from app.schemas.datasets import DatasetCreate
from engine.data.datasets import Dataset, dataset_from_rows, parse_csv
from engine.data.userdata import one_hot
from engine.errors import DatasetError


def _columns(text: str | None) -> list[str | int] | None:
    """`"x, 1"` → ["x", 1]: names stay names, integers are column indices."""
    if text is None or not text.strip():
        return None
    return [int(p) if p.strip().isdigit() else p.strip() for p in text.split(",")]


@dataclass(frozen=True)
class CsvQuery:
    """Column choices of an upload: query parameters (text/csv), or form fields or query
    parameters (multipart)."""

    input_columns: str | None = None
    target_columns: str | None = None
    name: str | None = None
    class_column: str | None = None


FORM_FIELDS = ("file", "input_columns", "target_columns", "name", "class_column")


async def _form(request: Request) -> FormData:
    """The multipart form; Starlette's 400s (no boundary, too many parts) become 422s."""
    try:
        form = await request.form(max_files=1, max_fields=len(FORM_FIELDS))
    except (HTTPException, MultiPartException) as exc:
        text = getattr(exc, "detail", None) or getattr(exc, "message", "") or str(exc)
        raise LimitError(f"multipart: {str(text).rstrip('.')}; send one part named 'file' "
                         "(the CSV) and optionally input_columns, target_columns, name, with "
                         "the Content-Type and boundary your HTTP client writes "
                         "(curl -F file=@data.csv)") from exc
    unknown = sorted(set(form) - set(FORM_FIELDS))
    if unknown:
        await form.close()
        raise LimitError(f"multipart: unknown field {unknown[0]!r}; the fields are "
                         f"{', '.join(FORM_FIELDS)}")
    return form


def _class_column(text: str | None) -> str | int | None:
    """A class column by name, or by index when it is all digits."""
    columns = _columns(text)
    if columns is None:
        return None
    if len(columns) != 1:
        raise DatasetError("class_column: name one column (its labels become one-hot targets)")
    return columns[0]


def _parse(text: str, inputs: list[str | int] | None, targets: list[str | int] | None,
           name: str, max_neurons: int, class_column: str | int | None = None) -> Dataset:
    """The engine's CSV parser, behind the bounds JSON rows get from their schema."""
    check_csv(text, 2 * max_neurons)
    dataset = parse_csv(text, input_columns=inputs, target_columns=targets, name=name,
                        class_column=class_column)
    check_width(dataset, max_neurons)
    return dataset


async def dataset_from_upload(request: Request, kind: str, max_neurons: int,
                              query: CsvQuery) -> Dataset:
    """CSV from a multipart `file` field (with optional column choices) or a raw text body."""
    filename = None
    if kind == "multipart/form-data":
        form = await _form(request)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise LimitError("file: attach the CSV as a multipart field named 'file'")
        raw = await upload.read()
        query = _merge(form, query)
        filename = upload.filename
    else:
        raw = await request.body()
    if query.name is not None and len(query.name) > MAX_NAME_CHARS:
        raise LimitError(f"name: {len(query.name)} characters exceed the limit of "
                         f"{MAX_NAME_CHARS}")
    name = query.name or (filename or "upload")[:MAX_NAME_CHARS]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError("the file is not UTF-8 text (save the CSV as UTF-8)") from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # CR-only files (old Mac Excel)
    return await run_in_threadpool(
        _parse, text, _columns(query.input_columns), _columns(query.target_columns), name,
        max_neurons, _class_column(query.class_column))


def _merge(form: FormData, query: CsvQuery) -> CsvQuery:
    """Column choices from form fields or the query string (either, not both)."""
    values: dict[str, str | None] = {}
    for field in ("input_columns", "target_columns", "name", "class_column"):
        in_form, in_query = _text_field(form.get(field)), getattr(query, field)
        if in_form is not None and in_query is not None:
            raise LimitError(f"{field}: given both as a form field and in the query; "
                             "give it once")
        values[field] = in_form if in_form is not None else in_query
    return CsvQuery(**values)


def _text_field(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _pick(columns: list[str], refs: list[str | int], what: str) -> list[int]:
    picked = []
    for ref in refs:
        if isinstance(ref, int):
            if ref >= len(columns):
                raise DatasetError(f"{what}: column {ref} does not exist "
                                   f"(there are {len(columns)})", column=ref)
            picked.append(ref)
        elif ref in columns:
            picked.append(columns.index(ref))
        else:
            raise DatasetError(f"{what}: no column named {ref!r}", column=ref)
    return picked


def dataset_from_json(body: DatasetCreate) -> Dataset:
    """JSON `inputs`/`targets` rows, or `rows` split by `input_columns`/`target_columns`."""
    if body.inputs is not None and body.targets is not None:
        return dataset_from_rows(body.inputs, body.targets, name=body.name)
    rows = body.rows or []
    width = len(rows[0])
    for r, row in enumerate(rows):
        if len(row) != width:
            raise DatasetError(f"has {len(row)} values, row 0 has {width}", row=r)
    columns = body.columns or [str(i) for i in range(width)]
    if len(columns) != width:
        raise DatasetError(f"columns names {len(columns)} columns but rows have {width}")
    if len(set(columns)) != len(columns):
        twice = next(c for c in columns if columns.count(c) > 1)
        raise DatasetError(f"columns: {twice!r} names two columns; give each its own name",
                           column=columns.index(twice, columns.index(twice) + 1))
    if body.class_column is not None:
        targets = _pick(columns, [body.class_column], "class_column")
    else:
        targets = _pick(columns, body.target_columns or [width - 1], "target_columns")
    inputs = _pick(columns, body.input_columns or
                   [i for i in range(width) if i not in targets], "input_columns")
    if not inputs:
        raise DatasetError("input_columns: no input column left")
    both = sorted(set(inputs) & set(targets))
    if both:
        raise DatasetError(f"column {columns[both[0]]!r} cannot be both an input and a "
                           "target", column=both[0])
    dataset = dataset_from_rows([[row[i] for i in inputs] for row in rows],
                                [[row[i] for i in targets] for row in rows], name=body.name)
    dataset = replace(dataset, input_names=tuple(columns[i] for i in inputs),
                      target_names=tuple(columns[i] for i in targets))
    if body.class_column is None:
        return dataset
    labels = [f"{row[targets[0]]:g}" for row in rows]
    one, names = one_hot(labels, columns[targets[0]])
    return replace(dataset, targets=one, target_names=names)
