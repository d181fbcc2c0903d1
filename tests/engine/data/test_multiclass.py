"""Multi-class built-in sets (blobs, k-arm spirals) and a CSV class column as one-hot targets."""

from __future__ import annotations

import numpy as np
import pytest

from engine.data.datasets import describe_builtin, make_dataset, parse_csv
from engine.errors import DatasetError
from engine.nn.network import Network, NetworkSpec


@pytest.mark.parametrize("name", ["blobs", "spirals"])
@pytest.mark.parametrize("k", [2, 3, 5])
def test_k_classes_one_hot_in_equal_blocks(name: str, k: int) -> None:
    d = make_dataset(name, samples=100, seed=3, classes=k)
    assert d.inputs.shape == (100, 2) and d.targets.shape == (100, k)
    assert set(d.targets.sum(axis=1)) == {1.0}  # one-hot
    counts = d.targets.sum(axis=0)
    assert counts.max() - counts.min() <= 1
    assert d.target_names == tuple(f"class {c + 1}" for c in range(k))


def test_default_is_three_classes_and_the_menu_says_so() -> None:
    assert make_dataset("spirals").targets.shape == (300, 3)
    entry = describe_builtin("blobs")
    assert (entry.task, entry.classes, len(entry.target_names)) == ("multiclass", 3, 3)
    assert describe_builtin("xor").classes is None


def test_spiral_arms_start_at_the_centre_a_third_of_a_turn_apart() -> None:
    d = make_dataset("spirals", samples=30, classes=3)
    starts = d.inputs[[0, 10, 20]]
    assert np.allclose(starts, 0.0)
    ends = d.inputs[[9, 19, 29]]
    angles = np.degrees(np.arctan2(ends[:, 0], ends[:, 1])) % 360
    assert np.allclose(np.diff(angles) % 360, 120.0, atol=40)


def test_classes_are_refused_where_they_mean_nothing() -> None:
    with pytest.raises(DatasetError, match="xor has no classes"):
        make_dataset("xor", classes=3)
    with pytest.raises(DatasetError, match="from 2 to 8"):
        make_dataset("blobs", classes=9)
    with pytest.raises(DatasetError, match="at least 4 samples"):
        make_dataset("blobs", samples=3, classes=4)


def test_a_softmax_net_learns_three_spiral_arms() -> None:
    d = make_dataset("spirals", samples=300, classes=3)
    spec = NetworkSpec.from_dict({"layers": [2, 8, 8, 3], "activations": ["tanh", "tanh",
                                  "softmax"], "loss": "cross_entropy", "optimizer": "adam",
                                  "learning_rate": 0.03})
    net = Network(spec)
    net.train(d.inputs, d.targets, 500)
    accuracy = (net.predict(d.inputs).argmax(1) == d.targets.argmax(1)).mean()
    assert accuracy >= 0.9


def test_csv_class_column_of_text_labels() -> None:
    d = parse_csv("a,b,kind\n1,2,cat\n3,4,dog\n5,6,cat\n7,8,bird\n", class_column="kind")
    assert d.input_names == ("a", "b")
    assert d.target_names == ("kind=bird", "kind=cat", "kind=dog")
    assert d.targets.tolist() == [[0, 1, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0]]


def test_csv_class_column_by_index_orders_numbers_numerically() -> None:
    d = parse_csv("1,2,3\n3,4,10\n5,6,2\n", class_column=2)
    assert d.target_names == ("column2=2", "column2=3", "column2=10")
    assert d.targets.tolist() == [[0, 1, 0], [0, 0, 1], [1, 0, 0]]


@pytest.mark.parametrize(("text", "kwargs", "message"), [
    ("a,k\n1,x\n2,x\n", {"class_column": "k"}, "single class"),
    ("a,k\n1,x\n2,y\n", {"class_column": "k", "target_columns": ["a"]}, "not both"),
    ("a,k\n1,x\n2,\n", {"class_column": "k"}, "row 2, column 1: the class label is empty"),
    ("a,k\n1,x\n2,y\n", {"class_column": "z"}, "no column named 'z'"),
])
def test_csv_class_column_mistakes(text: str, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(DatasetError, match=message):
        parse_csv(text, **kwargs)  # type: ignore[arg-type]
