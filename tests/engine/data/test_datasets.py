"""Datasets: the seeds' data, generated 2-D sets, and the user's rows with clear errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from engine.data.datasets import (
    DATASET_NAMES,
    Dataset,
    dataset_from_rows,
    make_dataset,
    parse_csv,
)
from engine.errors import DatasetError

SHAPES = {"two-two-one": (1, 2, 1), "celsius": (100, 1, 1), "xor": (4, 2, 1),
          "circle": (200, 2, 1), "gaussian": (200, 2, 1), "spiral": (200, 2, 1),
          "regression": (100, 1, 1), "high-school": (1, 10, 2), "blobs": (300, 2, 3),
          "spirals": (300, 2, 3)}


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_default_shapes_names_and_seeds(name: str) -> None:
    m, n_in, n_out = SHAPES[name]
    data = make_dataset(name, noise=0.1, seed=3)
    assert data.name == name
    assert data.inputs.shape == (m, n_in) and data.targets.shape == (m, n_out)
    assert data.inputs.dtype == np.float64
    assert len(data.input_names) == n_in and len(data.target_names) == n_out
    again = make_dataset(name, noise=0.1, seed=3)
    assert np.array_equal(data.inputs, again.inputs)
    assert np.array_equal(data.targets, again.targets)


@pytest.mark.parametrize("name", ["circle", "gaussian", "spiral"])
def test_classification_sets_are_balanced_and_seeded(name: str) -> None:
    data = make_dataset(name, samples=101, seed=1)
    labels = data.targets.ravel()
    assert set(labels.tolist()) == {0.0, 1.0} and labels.sum() == 50
    other = make_dataset(name, samples=101, seed=2, noise=0.05)
    assert not np.array_equal(data.inputs, other.inputs)


def test_seed_data() -> None:
    two = make_dataset("two-two-one")
    assert two.inputs.tolist() == [[2.0, 3.0]] and two.targets.tolist() == [[1.0]]
    celsius = make_dataset("celsius")
    assert celsius.inputs[:, 0].tolist() == list(range(-50, 50))
    np.testing.assert_allclose(celsius.targets[:, 0], 1.8 * np.arange(-50, 50) + 32)
    xor = make_dataset("xor")
    assert xor.targets.ravel().tolist() == [0.0, 1.0, 1.0, 0.0]


def test_circle_separates_inner_from_outer() -> None:
    data = make_dataset("circle", samples=300)
    radius = np.hypot(data.inputs[:, 0], data.inputs[:, 1])
    inner = data.targets[:, 0] == 1.0
    assert radius[inner].max() <= 0.5 and radius[~inner].min() >= 0.7


@pytest.mark.parametrize(("kwargs", "text"), [
    ({"name": "moons"}, "unknown dataset"),
    ({"name": "xor", "samples": 0}, "samples"),
    ({"name": "xor", "samples": 2.5}, "samples"),
    ({"name": "xor", "noise": -1.0}, "noise"),
    ({"name": "xor", "noise": float("nan")}, "noise"),
    ({"name": "xor", "seed": -2}, "seed"),
])
def test_make_dataset_rejects_bad_arguments(kwargs: dict, text: str) -> None:
    with pytest.raises(DatasetError, match=text):
        make_dataset(**kwargs)


def test_dict_round_trip_is_exact() -> None:
    data = make_dataset("spiral", samples=30, noise=0.1, seed=4)
    back = Dataset.from_dict(json.loads(json.dumps(data.to_dict())))
    assert back.inputs.tobytes() == data.inputs.tobytes()
    assert back.targets.tobytes() == data.targets.tobytes()
    assert (back.name, back.input_names, back.target_names) == ("spiral", ("x1", "x2"),
                                                                ("label",))


def test_rows() -> None:
    data = dataset_from_rows([[1, 2], [3, 4.5]], [0, 1])
    assert data.inputs.tolist() == [[1.0, 2.0], [3.0, 4.5]]
    assert data.targets.tolist() == [[0.0], [1.0]]


@pytest.mark.parametrize(("inputs", "targets", "row", "column"), [
    ([[1, 2], [3, "x"]], [[0], [1]], 1, 1),
    ([[1, 2], [3]], [[0], [1]], 1, None),
    ([[1, 2], [3, float("inf")]], [[0], [1]], 1, 1),
    ([[1, 2], [3, True]], [[0], [1]], 1, 1),
    ([[1, 2]], [[None]], 0, 0),
    ([[1, 2], [3, 4]], [[0]], None, None),
    ([], [], None, None),
    ("1,2", [[0]], None, None),
])
def test_rows_errors_name_row_and_column(inputs, targets, row, column) -> None:
    with pytest.raises(DatasetError) as err:
        dataset_from_rows(inputs, targets)
    assert (err.value.row, err.value.column) == (row, column)


def test_csv_with_header_and_default_target() -> None:
    data = parse_csv("celsius, extra ,fahrenheit\n0,1,32\n100,2,212\n\n")
    assert data.input_names == ("celsius", "extra") and data.target_names == ("fahrenheit",)
    assert data.inputs.tolist() == [[0.0, 1.0], [100.0, 2.0]]
    assert data.targets.tolist() == [[32.0], [212.0]]


def test_csv_without_header_and_chosen_columns() -> None:
    data = parse_csv("1,2,3\n4,5,6\n", input_columns=[2], target_columns=[0, 1])
    assert data.inputs.tolist() == [[3.0], [6.0]]
    assert data.targets.tolist() == [[1.0, 2.0], [4.0, 5.0]]
    named = parse_csv("a,b,c\n1,2,3\n", input_columns=["c"], target_columns=["a"])
    assert named.inputs.tolist() == [[3.0]] and named.target_names == ("a",)


@pytest.mark.parametrize(("text", "kwargs", "row", "column"), [
    ("a,b\n1,2\n3,x\n", {}, 2, 1),
    ("a,b\n1,2\n3\n", {}, 2, None),
    ("1,2\n3,nan\n", {}, 1, 1),
    ("1,2\n3,inf\n", {}, 1, 1),
    ("a,b\n", {}, None, None),
    ("", {}, None, None),
    ("a,b\n1,2\n", {"target_columns": ["z"]}, None, "z"),
    ("a,b\n1,2\n", {"target_columns": [5]}, None, 5),
    ("a,b\n1,2\n", {"input_columns": ["a"], "target_columns": ["a"]}, None, 0),
    ("a\n1\n", {}, None, None),
])
def test_csv_errors_name_row_and_column(text, kwargs, row, column) -> None:
    with pytest.raises(DatasetError) as err:
        parse_csv(text, **kwargs)
    assert (err.value.row, err.value.column) == (row, column)


@pytest.mark.parametrize("cell", ["1_000", "١٢", "１２", "0x1A", "1e", "--1", "Infinity",
                                  "nan", "1.5.2", "+", "."])
def test_csv_accepts_only_plain_ascii_numbers(cell: str) -> None:
    with pytest.raises(DatasetError) as err:
        parse_csv(f"a,b\n1,2\n3,{cell}\n")
    assert (err.value.row, err.value.column) == (2, 1)


def test_csv_plain_forms_all_parse() -> None:
    data = parse_csv("a,b\n 1 ,-2.5\n+.5,3.\n1e3,-4E-2\n")
    assert data.inputs.ravel().tolist() == [1.0, 0.5, 1000.0]
    assert data.targets.ravel().tolist() == [-2.5, 3.0, -0.04]


def test_csv_cell_longer_than_the_field_limit_names_row_and_column() -> None:
    import csv

    long = "1" * (csv.field_size_limit() + 1)
    with pytest.raises(DatasetError) as err:
        parse_csv(f"a,b,c\n1,2,3\n4,{long},6\n")
    assert (err.value.row, err.value.column) == (2, 1)
    with pytest.raises(DatasetError) as err:
        parse_csv(f"a,{'x' * (csv.field_size_limit() + 1)}\n1,2\n")
    assert (err.value.row, err.value.column) == (0, 1)


@pytest.mark.parametrize(("header", "column"), [("a,b,a", 2), ("a,,b", 1), ("x, ,y", 1)])
def test_csv_header_names_must_be_distinct_and_non_empty(header: str, column: int) -> None:
    with pytest.raises(DatasetError) as err:
        parse_csv(f"{header}\n1,2,3\n")
    assert (err.value.row, err.value.column) == (None, column)


def test_columns_split_shares_the_csv_rules() -> None:
    from engine.data.datasets import dataset_from_columns

    rows = [[0.0, 1.0, 32.0], [100.0, 2.0, 212.0]]
    data = dataset_from_columns(rows, ["c", "e", "f"], target_columns=["f"])
    assert data.input_names == ("c", "e") and data.targets.ravel().tolist() == [32.0, 212.0]
    for kwargs, column in (({"input_columns": ["c"], "target_columns": ["c"]}, 0),
                           ({"input_columns": [1], "target_columns": ["e"]}, 1),
                           ({"input_columns": ["c", 0]}, 0)):
        with pytest.raises(DatasetError) as err:
            dataset_from_columns(rows, ["c", "e", "f"], **kwargs)
        assert err.value.column == column
    with pytest.raises(DatasetError) as err:
        dataset_from_columns(rows, ["c", "c", "f"])
    assert err.value.column == 1


def _doc(**change) -> dict:
    return {**make_dataset("xor").to_dict(), **change}


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"input_names": [{"a": 2}, "x2"]}, "dataset.input_names", "must be text"),
    ({"input_names": ["x1", "x" * 101]}, "dataset.input_names", "1 to 100 characters"),
    ({"target_names": ["label", "extra"]}, "dataset.target_names", "1 column name"),
    ({"input_names": ["x", "x"]}, "dataset.input_names", "names two columns"),
    ({"name": 7}, "dataset.name", "must be text"),
    ({"preset": "xor"}, "dataset.preset", "unknown field"),
    ({"inputs": [[0.0, True]] * 4}, "dataset.inputs", "not a number"),
])
def test_dataset_from_dict_validates_every_field(change, field, words) -> None:
    with pytest.raises(DatasetError) as err:
        Dataset.from_dict(_doc(**change))
    assert str(err.value).startswith(field) and words in str(err.value)


def test_dataset_from_dict_needs_an_object_with_rows() -> None:
    doc = _doc()
    del doc["targets"]
    with pytest.raises(DatasetError, match=r"dataset\.targets: missing"):
        Dataset.from_dict(doc)
    with pytest.raises(DatasetError, match="dataset: must be an object"):
        Dataset.from_dict([1])  # type: ignore[arg-type]


def test_data_and_weights_of_one_seed_are_different_numbers() -> None:
    """Regression: the high-school preset seeds its data and its N(0, 1) weights with 0; from
    one stream its one sample was a copy of W1's first row."""
    from engine.presets import build_preset

    network, data = build_preset("high-school")
    first_row = np.asarray(network.weights[0])[0]
    assert not np.allclose(data.inputs[0], first_row)
    weights = np.round(np.asarray(network.weights[0]), 12)
    assert not np.isin(np.round(data.inputs[0], 12), weights).any()
    same_seed = np.random.default_rng(0).standard_normal(10)
    assert not np.allclose(make_dataset("high-school", seed=0).inputs[0], same_seed)
