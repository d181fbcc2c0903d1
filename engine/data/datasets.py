"""Datasets: the seeds' own data, TF-Playground-style 2-D sets, and users' CSV/JSON rows.

CONTRACT: `make_dataset(name, samples, noise, seed, classes)` and the parsers return a `Dataset`;
invalid input raises `DatasetError` naming row and column.

Every generated set is a pure function of (samples, noise, seed): `noise` is the standard
deviation of Gaussian noise added to the inputs (to the targets for the regression sets).
Classification targets are 0/1, one column; the multi-class sets ("blobs", "spirals") take
a number of `classes` and give one-hot targets, one column per class (for a softmax output
and cross-entropy).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.data.features import FEATURE_NAMES, FEATURES, expand
from engine.data.userdata import (
    MAX_NAME_CHARS,
    check_names,
    dataset_arrays,
    parse_table,
    split_columns,
)
from engine.errors import DatasetError

DATASET_NAMES = (
    "two-two-one", "celsius", "xor", "circle", "gaussian", "spiral", "regression", "high-school",
    "blobs", "spirals",
)
MIN_CLASSES, MAX_CLASSES = 2, 8
MAX_SAMPLES = 100_000
DOCUMENT_KEYS = ("name", "inputs", "targets", "input_names", "target_names", "test_inputs",
                 "test_targets", "features")
MAX_TEST_RATIO = 0.9


@dataclass(frozen=True)
class Dataset:
    """Rows of inputs and targets; `input_names`/`target_names` label the columns."""

    name: str
    inputs: np.ndarray  # (m, n_inputs) float64
    targets: np.ndarray  # (m, n_targets) float64
    input_names: tuple[str, ...]
    target_names: tuple[str, ...]
    # Held-out rows (TF Playground's train/test split): never trained or stepped on, only
    # measured. `inputs`/`targets` are the training rows.
    test_inputs: np.ndarray | None = None
    test_targets: np.ndarray | None = None
    # Derived input columns after x1, x2 (engine/data/features.py), e.g. ("x1_squared",).
    features: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready rows (Python floats, exact through json)."""
        doc = {
            "name": self.name,
            "inputs": self.inputs.tolist(),
            "targets": self.targets.tolist(),
            "input_names": list(self.input_names),
            "target_names": list(self.target_names),
        }
        if self.test_inputs is not None and self.test_targets is not None:
            doc.update(test_inputs=self.test_inputs.tolist(),
                       test_targets=self.test_targets.tolist())
        if self.features:
            doc["features"] = list(self.features)
        return doc

    @classmethod
    def from_trusted_dict(cls, data: Mapping[str, Any]) -> Dataset:
        """Inverse of `to_dict` for rows this program wrote itself: no checks again."""
        def rows(key: str) -> np.ndarray | None:
            return np.asarray(data[key], dtype=np.float64) if key in data else None

        return cls(data["name"], np.asarray(data["inputs"], dtype=np.float64),
                   np.asarray(data["targets"], dtype=np.float64),
                   tuple(data["input_names"]), tuple(data["target_names"]),
                   test_inputs=rows("test_inputs"), test_targets=rows("test_targets"),
                   features=tuple(data.get("features", ())))

    def with_features(self, features: Sequence[str]) -> Dataset:
        """This dataset with derived features as extra input columns (held-out rows too)."""
        if not features:
            return self
        unknown = [f for f in features if f not in FEATURES]
        if unknown:
            raise DatasetError(f"unknown feature {unknown[0]!r:.40}; choose from "
                               f"{', '.join(FEATURE_NAMES)}", field="features")
        if len(set(features)) != len(features):
            raise DatasetError("each feature at most once", field="features")
        if self.inputs.shape[1] != 2 or self.features:
            raise DatasetError("derived features need a dataset of two inputs (x1, x2)",
                               field="features")
        test = None if self.test_inputs is None else expand(self.test_inputs, features)
        return dataclasses.replace(
            self, inputs=expand(self.inputs, features), test_inputs=test,
            input_names=(*self.input_names[:2], *(FEATURES[f][0] for f in features)),
            features=tuple(features))

    def split(self, test_ratio: float, seed: int = 0) -> Dataset:
        """This dataset with a share of its rows held out for testing, chosen by the seed
        (at least one row stays for training); test_ratio 0 gives it back unchanged."""
        if not 0 <= test_ratio <= MAX_TEST_RATIO:
            raise DatasetError(f"test_ratio must be from 0 to {MAX_TEST_RATIO}, got {test_ratio:g}",
                               field="test_ratio")
        m = len(self.inputs)
        held = min(round(m * test_ratio), m - 1)
        if held <= 0:
            return self
        order = np.random.default_rng([seed, 0x7E57]).permutation(m)
        test, train = np.sort(order[:held]), np.sort(order[held:])
        return Dataset(self.name, self.inputs[train], self.targets[train], self.input_names,
                       self.target_names, self.inputs[test], self.targets[test], self.features)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Dataset:
        """Inverse of `to_dict`; validates like `dataset_from_rows`, and every field.

        Errors name the field, e.g. "dataset.input_names" or "dataset.colour".
        """
        if not isinstance(data, Mapping):
            raise DatasetError("must be an object with inputs and targets", field="dataset")
        for key in data:
            if key not in DOCUMENT_KEYS:
                raise DatasetError(f"unknown field; known fields: {', '.join(DOCUMENT_KEYS)}",
                                   field=f"dataset.{str(key)[:40]}")
        for key in ("inputs", "targets"):
            if key not in data:
                raise DatasetError("missing (one row per sample)", field=f"dataset.{key}")
        name = data.get("name", "custom")
        if not isinstance(name, str) or len(name) > MAX_NAME_CHARS:
            raise DatasetError(f"must be text of at most {MAX_NAME_CHARS} characters, got "
                               f"{name!r:.40}", field="dataset.name")
        rows = dataset_from_rows(data["inputs"], data["targets"], name,
                                 data.get("input_names"), data.get("target_names"),
                                 label="dataset.")
        features = data.get("features", [])
        if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
            raise DatasetError("must be a list of feature names", field="dataset.features")
        if features:
            rows = _with_known_features(rows, features)
        if ("test_inputs" in data) != ("test_targets" in data):
            raise DatasetError("give test_inputs and test_targets together, or neither",
                               field="dataset.test_inputs")
        if "test_inputs" not in data:
            return rows
        held = dataset_from_rows(data["test_inputs"], data["test_targets"], name,
                                 data.get("input_names"), data.get("target_names"),
                                 label="dataset.test_")
        if held.inputs.shape[1] != rows.inputs.shape[1] or \
                held.targets.shape[1] != rows.targets.shape[1]:
            raise DatasetError("test rows need as many columns as the training rows",
                               field="dataset.test_inputs")
        return dataclasses.replace(rows, test_inputs=held.inputs, test_targets=held.targets)


def _with_known_features(rows: Dataset, features: Sequence[str]) -> Dataset:
    """An imported dataset's `features`: known names, and as many extra columns after x1, x2."""
    unknown = [f for f in features if f not in FEATURES]
    if unknown or len(set(features)) != len(features):
        raise DatasetError(f"unknown or repeated feature in {list(features)!r:.80}; choose "
                           f"from {', '.join(FEATURES)}", field="dataset.features")
    if rows.inputs.shape[1] != 2 + len(features):
        raise DatasetError(f"{len(features)} features need {2 + len(features)} input columns "
                           "(x1, x2, then the features)", field="dataset.features")
    return dataclasses.replace(rows, features=tuple(features))


def _xy(name: str, X: np.ndarray, y: np.ndarray) -> Dataset:
    """A 2-D classification set: inputs x1, x2 and a 0/1 label."""
    return Dataset(name, X, y.reshape(-1, 1).astype(np.float64), ("x1", "x2"), ("label",))


def _two_two_one(m: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Seed 003: one sample, inputs 2 and 3, target 1."""
    return Dataset("two-two-one", np.array([[2.0, 3.0]]), np.array([[1.0]]), ("i1", "i2"),
                   ("target",))


def _celsius(m: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Seed 000: Celsius −50 … 49 (evenly spread when m ≠ 100), F = 1.8·C + 32."""
    c = np.linspace(-50.0, 49.0, m).reshape(-1, 1)
    f = 1.8 * c + 32.0
    if noise > 0:
        f = f + rng.normal(0.0, noise, f.shape)
    return Dataset("celsius", c, f, ("celsius",), ("fahrenheit",))


def _xor(m: int, noise: float, rng: np.random.Generator) -> Dataset:
    """The XOR truth table; more samples cycle through its four corners."""
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    X = corners[np.arange(m) % 4]
    y = np.logical_xor(X[:, 0], X[:, 1])
    return _xy("xor", X + rng.normal(0.0, noise, X.shape) if noise > 0 else X, y)


def _circle(m: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Playground "circle": label 1 inside radius 0.5, label 0 in the ring 0.7 … 1."""
    inner = m // 2
    radius = np.concatenate([rng.uniform(0.0, 0.5, inner), rng.uniform(0.7, 1.0, m - inner)])
    angle = rng.uniform(0.0, 2.0 * math.pi, m)
    X = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    X = X + rng.normal(0.0, noise, X.shape) if noise > 0 else X
    return _xy("circle", X, np.arange(m) < inner)


def _gaussian(m: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Two blobs (std 0.4): label 1 around (0.6, 0.6), label 0 around (−0.6, −0.6)."""
    half = m // 2
    centers = np.where((np.arange(m) < half)[:, None], 0.6, -0.6)
    X = centers + rng.normal(0.0, 0.4 + noise, (m, 2))
    return _xy("gaussian", X, np.arange(m) < half)


def _spiral(m: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Playground "spiral": two arms of radius 0 … 1, turned half a circle apart."""
    half = m // 2
    i = np.concatenate([np.arange(half), np.arange(m - half)])
    n = np.where(np.arange(m) < half, half, m - half)
    r = i / np.maximum(n, 1)
    t = 1.75 * r * 2.0 * math.pi + np.where(np.arange(m) < half, 0.0, math.pi)
    X = np.column_stack([r * np.sin(t), r * np.cos(t)])
    X = X + rng.normal(0.0, noise, X.shape) if noise > 0 else X
    return _xy("spiral", X, np.arange(m) < half)


def _regression(m: int, noise: float, rng: np.random.Generator) -> Dataset:
    """A 1-D curve to fit: y = sin(π·x) on x in [−1, 1]."""
    x = np.linspace(-1.0, 1.0, m).reshape(-1, 1)
    y = np.sin(math.pi * x)
    y = y + rng.normal(0.0, noise, y.shape) if noise > 0 else y
    return Dataset("regression", x, y, ("x",), ("y",))


def _high_school(m: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Seed 002: random N(0, 1) inputs (10) and targets (2), as the article draws them."""
    X = rng.standard_normal((m, 10))
    Y = rng.standard_normal((m, 2))
    return Dataset("high-school", X, Y, tuple(f"x{i + 1}" for i in range(10)), ("t1", "t2"))


def _classes(name: str, X: np.ndarray, labels: np.ndarray, k: int) -> Dataset:
    """A 2-D set with k classes: one-hot targets, one column per class."""
    names = tuple(f"class {c + 1}" for c in range(k))
    return Dataset(name, X, np.eye(k)[labels], ("x1", "x2"), names)


def _labels(m: int, k: int) -> np.ndarray:
    """Class of each row: k contiguous blocks of (nearly) equal size."""
    return np.arange(m) * k // m


def _blobs(m: int, noise: float, rng: np.random.Generator, k: int) -> Dataset:
    """k Gaussian blobs (std 0.2) around a circle of radius 0.7, one class each."""
    labels = _labels(m, k)
    angle = 2.0 * math.pi * labels / k + math.pi / 2
    centers = 0.7 * np.column_stack([np.cos(angle), np.sin(angle)])
    X = centers + rng.normal(0.0, 0.2 + noise, (m, 2))
    return _classes("blobs", X, labels, k)


def _spirals(m: int, noise: float, rng: np.random.Generator, k: int) -> Dataset:
    """A k-arm spiral: arms of radius 0 … 1 over one turn, turned 1/k of a circle apart."""
    labels = _labels(m, k)
    sizes = np.bincount(labels, minlength=k)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    r = (np.arange(m) - starts[labels]) / np.maximum(sizes[labels], 1)
    t = 2.0 * math.pi * (r + labels / k)
    X = np.column_stack([r * np.sin(t), r * np.cos(t)])
    X = X + rng.normal(0.0, noise, X.shape) if noise > 0 else X
    return _classes("spirals", X, labels, k)


Maker = Callable[[int, float, np.random.Generator], Dataset]
ClassMaker = Callable[[int, float, np.random.Generator, int], Dataset]


@dataclass(frozen=True)
class BuiltinDataset:
    """What a built-in dataset is, for menus: its shape, default size and kind of task."""

    name: str
    title: str
    description: str
    task: str  # "classification" (0/1 labels), "multiclass" (one-hot) or "regression"
    default_samples: int
    input_names: tuple[str, ...]
    target_names: tuple[str, ...]
    classes: int | None = None  # multi-class sets: the default number of classes


# name -> (generator, default samples, title, task); the generator's docstring describes it.
_MAKERS: dict[str, tuple[Maker, int, str, str]] = {
    "two-two-one": (_two_two_one, 1, "2-2-1 article sample", "regression"),
    "celsius": (_celsius, 100, "Celsius to Fahrenheit", "regression"),
    "xor": (_xor, 4, "XOR truth table", "classification"),
    "circle": (_circle, 200, "Circle", "classification"),
    "gaussian": (_gaussian, 200, "Two Gaussian blobs", "classification"),
    "spiral": (_spiral, 200, "Spiral", "classification"),
    "regression": (_regression, 100, "Sine curve (1-D regression)", "regression"),
    "high-school": (_high_school, 1, "Random 10 → 2 regression", "regression"),
}
# name -> (generator, default samples, title, default classes): one-hot multi-class sets.
_CLASS_MAKERS: dict[str, tuple[ClassMaker, int, str, int]] = {
    "blobs": (_blobs, 300, "Blobs (3+ classes)", 3),
    "spirals": (_spirals, 300, "Spiral arms (3+ classes)", 3),
}


def _unknown(name: str) -> DatasetError:
    return DatasetError(f"unknown dataset {name!r}; choose from {', '.join(DATASET_NAMES)}")


def describe_builtin(name: str) -> BuiltinDataset:
    """Menu facts about a built-in dataset (its columns come from a one-sample build)."""
    if name in _CLASS_MAKERS:
        cmaker, default, title, k = _CLASS_MAKERS[name]
        sample = cmaker(k, 0.0, np.random.default_rng(0), k)
        description = " ".join((cmaker.__doc__ or title).split())
        return BuiltinDataset(name, title, description, "multiclass", default,
                              sample.input_names, sample.target_names, k)
    if name not in _MAKERS:
        raise _unknown(name)
    maker, default, title, task = _MAKERS[name]
    sample = maker(1, 0.0, np.random.default_rng(0))
    description = " ".join((maker.__doc__ or title).split())
    return BuiltinDataset(name, title, description, task, default, sample.input_names,
                          sample.target_names)


def make_dataset(
    name: str, samples: int | None = None, noise: float = 0.0, seed: int = 0,
    classes: int | None = None,
) -> Dataset:
    """A named dataset; `samples` None means the dataset's own default size.

    `classes` (multi-class sets only; default their own) is the number of one-hot classes.
    """
    if name not in _MAKERS and name not in _CLASS_MAKERS:
        raise _unknown(name)
    default = _CLASS_MAKERS[name][1] if name in _CLASS_MAKERS else _MAKERS[name][1]
    m = default if samples is None else samples
    if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= MAX_SAMPLES:
        raise DatasetError(f"samples must be an integer from 1 to {MAX_SAMPLES}, got {samples!r}")
    if isinstance(noise, bool) or not isinstance(noise, int | float) or not (
        math.isfinite(noise) and noise >= 0
    ):
        raise DatasetError(f"noise must be a finite number ≥ 0, got {noise!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise DatasetError(f"seed must be a non-negative integer, got {seed!r}")
    rng = np.random.default_rng([seed, DATA_STREAM])
    if name not in _CLASS_MAKERS:
        if classes is not None:
            raise DatasetError(f"{name} has no classes to choose; the multi-class sets are "
                               f"{', '.join(_CLASS_MAKERS)}", field="dataset.classes")
        return _MAKERS[name][0](m, float(noise), rng)
    maker, _default, _title, k = _CLASS_MAKERS[name]
    k = k if classes is None else classes
    if isinstance(k, bool) or not isinstance(k, int) or not MIN_CLASSES <= k <= MAX_CLASSES:
        raise DatasetError(f"classes must be an integer from {MIN_CLASSES} to {MAX_CLASSES}, "
                           f"got {classes!r}", field="dataset.classes")
    if m < k:
        raise DatasetError(f"{k} classes need at least {k} samples, got {m}",
                           field="dataset.samples")
    return maker(m, float(noise), rng, k)


# Data is drawn from its own stream of the seed. With plain default_rng(seed) a preset whose
# data and weights share a seed (high-school: both 0, both N(0, 1)) got inputs equal to the
# first row of W1, and the chain-rule panel printed "0.1257302 · 0.1257302 + …".
DATA_STREAM = 0x64617461  # "data"


def dataset_from_rows(
    inputs: Sequence[Sequence[float]], targets: Sequence[Sequence[float]], name: str = "custom",
    input_names: Sequence[str] | None = None, target_names: Sequence[str] | None = None,
    label: str = "",
) -> Dataset:
    """The user's own rows (JSON style); a bare number counts as a one-column row.

    Column names default to x1…, y1…; given ones must be distinct text. `label` prefixes
    the field names in errors ("dataset." for a saved document).
    """
    X = dataset_arrays(inputs, f"{label}inputs")
    Y = dataset_arrays(targets, f"{label}targets")
    if X.shape[0] != Y.shape[0]:
        raise DatasetError(f"{X.shape[0]} input rows but {Y.shape[0]} target rows")
    names_in = (tuple(f"x{i + 1}" for i in range(X.shape[1])) if input_names is None
                else check_names(input_names, f"{label}input_names", X.shape[1]))
    names_out = (tuple(f"y{i + 1}" for i in range(Y.shape[1])) if target_names is None
                 else check_names(target_names, f"{label}target_names", Y.shape[1]))
    return Dataset(name, X, Y, names_in, names_out)


def dataset_from_columns(
    rows: Sequence[Sequence[float]], columns: Sequence[str] | None = None,
    input_columns: Sequence[str | int] | None = None,
    target_columns: Sequence[str | int] | None = None, name: str = "custom",
) -> Dataset:
    """Rows of a table split into inputs and targets by column name or index, as for CSV.

    Default: the last column is the target; `columns` names them (default "0", "1", …).
    """
    table = dataset_arrays(rows, "rows")
    width = table.shape[1]
    names = (tuple(str(i) for i in range(width)) if columns is None
             else check_names(columns, "columns", width))
    inp, tgt = split_columns(names, input_columns, target_columns)
    return Dataset(name, table[:, inp], table[:, tgt], tuple(names[c] for c in inp),
                   tuple(names[c] for c in tgt))


def parse_csv(
    text: str,
    input_columns: Sequence[str | int] | None = None,
    target_columns: Sequence[str | int] | None = None,
    name: str = "upload",
    class_column: str | int | None = None,
) -> Dataset:
    """Numeric CSV with an optional header; default: last column is the target.

    Columns are chosen by header name or 0-based index; a DatasetError's `row` is the
    0-based line of the text (the header, if any, is row 0). A `class_column` (any labels)
    becomes one-hot targets instead, one column per class.
    """
    table = parse_table(text, input_columns, target_columns, class_column)
    return Dataset(name, table.inputs, table.targets, table.input_names, table.target_names)
