"""/api/datasets: built-in dataset names, and users' own data (CSV upload or JSON rows)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from app.csvcheck import MAX_NAME_CHARS
from app.deps import SettingsDep, StoreDep
from app.errors import LimitError
from app.jsonbody import parse_json
from app.schemas.common import errors
from app.schemas.datasets import DatasetCreate, DatasetPublic, NamedDatasetPublic
from app.serialize import builtin_public, dataset_public
from app.uploads import CsvQuery, dataset_from_json, dataset_from_upload
from engine.data.datasets import DATASET_NAMES, describe_builtin

CsvParam = Annotated[str | None, Query(
    max_length=4096, description="CSV uploads (text/csv, or multipart instead of the form "
    "field): comma-separated names or indices (input_columns, target_columns), or one "
    "class_column")]
NameParam = Annotated[str | None, Query(
    max_length=MAX_NAME_CHARS, description="CSV uploads: the dataset's name")]

router = APIRouter(prefix="/api/datasets", tags=["datasets"], responses=errors(422))

UPLOAD_DOC: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/DatasetCreate"}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary", "description": "numeric CSV"},
        "input_columns": {"type": "string", "description": "comma-separated names/indices"},
        "target_columns": {"type": "string", "description": "default: the last column"},
        "class_column": {"type": "string", "description": "instead of target_columns: a "
                         "column of class labels (any text), one-hot encoded"},
        "name": {"type": "string"}}}},
    "text/csv": {"schema": {"type": "string"}},
}}}


@router.get("", summary="List built-in datasets")
def list_datasets() -> list[NamedDatasetPublic]:
    """Names usable as `dataset.name` in a network spec, with their columns and default size."""
    return [builtin_public(describe_builtin(name)) for name in DATASET_NAMES]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Upload a dataset",
             openapi_extra=UPLOAD_DOC, responses=errors(413))
async def create_dataset(request: Request, store: StoreDep, settings: SettingsDep,
                         input_columns: CsvParam = None, target_columns: CsvParam = None,
                         name: NameParam = None, class_column: CsvParam = None
                         ) -> DatasetPublic:
    """Store CSV (multipart `file` or a `text/csv` body) or JSON rows; answer with its id.

    Every value must be a finite number; a 422 names the row and column of a bad one.
    By default the last CSV column is the target. A `class_column` (name or index, instead of
    target columns) may hold any labels, text included: each distinct label becomes one
    target column, one-hot ("kind=cat"), for a softmax output with cross-entropy.
    Use the id as `dataset_id` in a spec.
    """
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in ("multipart/form-data", "text/csv", "text/plain"):
        query = CsvQuery(input_columns, target_columns, name, class_column)
        dataset = await dataset_from_upload(request, kind, settings.max_neurons, query)
    elif kind != "application/json" and not kind.endswith("+json"):
        raise LimitError(f"body: send JSON rows with the header Content-Type: "
                         f"application/json, or CSV as text/csv or multipart (this request's "
                         f"Content-Type: {kind or 'none'})")
    else:
        raw = parse_json(await request.body(), "the body (or, for CSV, send text/csv)")
        try:
            body = DatasetCreate.model_validate(raw)
        except ValidationError as exc:
            raise RequestValidationError(
                [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from exc
        dataset = dataset_from_json(body)
    if len(dataset.inputs) > settings.max_samples:
        raise LimitError(f"{len(dataset.inputs)} samples exceed the limit of "
                         f"{settings.max_samples}")
    ident = await run_in_threadpool(store.put_dataset, dataset)
    return dataset_public(ident, dataset)


@router.get("/{dataset_id}", summary="Read an uploaded dataset", responses=errors(404))
def get_dataset(dataset_id: Annotated[str, Path(max_length=64)], store: StoreDep
                ) -> DatasetPublic:
    """Its names, size and (when ≤ 1,000 samples) its rows."""
    return dataset_public(dataset_id, store.get_dataset(dataset_id))
