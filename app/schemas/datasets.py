"""Datasets: JSON rows a user brings, and what the API says about a dataset."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from app.schemas.common import MAX_NEURONS, MAX_SAMPLES, Public, Rows, Strict, Value
from app.schemas.rules import (
    any_given,
    at_most_one,
    given,
    nonempty,
    only_with,
    rules,
    together,
)

Column = Annotated[str, Field(min_length=1, max_length=64)]
ColumnRef = Column | Annotated[int, Field(ge=0, lt=2 * MAX_NEURONS)]
WideRows = Annotated[
    list[Annotated[list[Value], Field(min_length=1, max_length=2 * MAX_NEURONS)]],
    Field(min_length=1, max_length=MAX_SAMPLES),
]


class DatasetCreate(Strict):
    """Either `inputs` + `targets` rows, or `rows` with `input_columns`/`target_columns`."""

    model_config = Strict.model_config | {
        "json_schema_extra": rules(
            together("inputs", "targets"), any_given("inputs", "rows"),
            at_most_one(("inputs", "targets"), "rows"),
            only_with("class_column", needs=given("rows"), refuses=nonempty("target_columns")),
            examples=[
                {"name": "and", "inputs": [[0, 0], [0, 1], [1, 0], [1, 1]],
                 "targets": [[0], [0], [0], [1]]},
                {"name": "f", "columns": ["c", "f"], "rows": [[0, 32], [100, 212]],
                 "input_columns": ["c"], "target_columns": ["f"]},
            ])
    }

    name: Column = "upload"
    inputs: Rows | None = None
    targets: Rows | None = None
    columns: list[Column] | None = Field(None, max_length=2 * MAX_NEURONS)
    rows: WideRows | None = Field(None, description="one row per sample, all columns")
    input_columns: list[ColumnRef] | None = Field(None, max_length=MAX_NEURONS)
    target_columns: list[ColumnRef] | None = Field(None, max_length=MAX_NEURONS)
    class_column: ColumnRef | None = Field(None, description="with rows, instead of "
                                           "target_columns: a column of class numbers, one-hot "
                                           "encoded (one target per class)")

    @model_validator(mode="after")
    def _one_form(self) -> DatasetCreate:
        if (self.inputs is None) != (self.targets is None):
            raise ValueError("inputs and targets go together")
        if (self.inputs is None) == (self.rows is None):
            raise ValueError("give either inputs and targets, or rows")
        if self.class_column is not None and (self.rows is None or self.target_columns):
            raise ValueError("class_column goes with rows, instead of target_columns")
        return self


class DatasetInfo(Public):
    """The network's data: names, size, rows when small, bounds of the 2-D input plane."""

    name: str
    samples: int
    input_names: list[str]
    target_names: list[str]
    inputs: list[list[float]] | None = Field(
        None, description="rows, when ≤ 1,000 samples (else GET /api/networks/{id}/data)")
    targets: list[list[float]] | None = None
    bounds: list[list[float]] | None = Field(
        None, description="[[x_min, x_max], [y_min, y_max]] for 2-input data (grid of predict)")
    test_samples: int = Field(0, description="held-out rows (not in `samples`)")
    features: list[str] = Field(default_factory=list,
                                description="derived input columns after x1, x2, if any")
    test_inputs: list[list[float]] | None = Field(None, description="held-out rows, when small")
    test_targets: list[list[float]] | None = None


class DataRows(Public):
    """One page of a network's data rows (GET /api/networks/{id}/data), in the data's order."""

    samples: int = Field(description="rows in the whole dataset")
    offset: int = Field(description="index of the first row on this page")
    input_names: list[str]
    target_names: list[str]
    inputs: list[list[float]]
    targets: list[list[float]]
    next_offset: int | None = Field(description="offset of the next page; null on the last")


class DatasetPublic(DatasetInfo):
    """A stored dataset; use its `id` as `dataset_id` when creating a network."""

    id: str | None = Field(description="null for built-in datasets")


class NamedDatasetPublic(Public):
    """A built-in dataset you can name in a spec, with what a menu needs to offer it."""

    name: str
    title: str
    description: str
    task: str = Field(description='"classification" (0/1 labels), "multiclass" (one-hot '
                      'targets, one column per class: softmax + cross-entropy) or "regression"')
    default_samples: int = Field(description="samples when the spec gives none")
    input_names: list[str] = Field(description="one per input column: the input layer's size")
    target_names: list[str] = Field(description="one per target: the output layer's size")
    classes: int | None = Field(None, description="multi-class sets: the default number of "
                                "classes (`dataset.classes` chooses another)")
