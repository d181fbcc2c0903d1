"""The request schemas' enumerations stay equal to the engine's names."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from app.schemas import networks
from engine.data import datasets
from engine.nn import network


@pytest.mark.parametrize("literal,names", [
    (networks.Activation, network.ACTIVATION_NAMES),
    (networks.Loss, network.LOSS_NAMES),
    (networks.Reduction, network.REDUCTIONS),
    (networks.Optimizer, network.OPTIMIZERS),
    (networks.Regularization, network.REGULARIZATIONS),
    (networks.Init, network.INITS),
    (networks.DatasetName, datasets.DATASET_NAMES),
])
def test_literals_match_the_engine(literal: Any, names: tuple[str, ...]) -> None:
    assert set(get_args(literal)) == set(names)


def test_the_documented_trace_example_is_a_valid_trace() -> None:
    from app.schemas.training import TraceOut, _example_trace

    trace = TraceOut.model_validate(_example_trace())
    assert next(e for e in trace.edges if e.layer == 2).grad == -0.68765
