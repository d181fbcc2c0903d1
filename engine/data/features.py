"""Derived input features, as TF Playground offers them: X₁², X₂², X₁X₂, sin X₁, sin X₂.

They are extra input columns computed from a 2-input dataset's own two (which stay first), so
a network can draw curved boundaries with fewer hidden neurons (`Dataset.with_features`). The
dataset remembers which it has (`Dataset.features`), so a grid over the input plane gets the
same columns (`expand`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Column = Callable[[np.ndarray], np.ndarray]

FEATURES: dict[str, tuple[str, Column]] = {
    "x1_squared": ("x1²", lambda X: X[:, 0] ** 2),
    "x2_squared": ("x2²", lambda X: X[:, 1] ** 2),
    "x1_x2": ("x1·x2", lambda X: X[:, 0] * X[:, 1]),
    "sin_x1": ("sin x1", lambda X: np.sin(X[:, 0])),
    "sin_x2": ("sin x2", lambda X: np.sin(X[:, 1])),
}
FEATURE_NAMES = tuple(FEATURES)


def expand(plane: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """Points of the 2-D input plane (m, 2) with the features' columns appended."""
    return np.column_stack([plane[:, :2], *(FEATURES[f][1](plane) for f in features)])
