"""Messages of a saved network that does not fit its own spec say what to change."""

from __future__ import annotations

import pytest

from engine.errors import SpecError
from engine.nn.network import Network
from tests.engine.nets import make_net


def test_optimizer_state_for_sgd_says_sgd_keeps_none() -> None:
    saved = make_net("adam").to_dict()
    saved["spec"]["optimizer"] = "sgd"  # an Adam export edited to plain gradient descent
    with pytest.raises(SpecError) as err:
        Network.from_dict(saved)
    assert err.value.field == "network.optimizer_state.m"
    assert err.value.message == ("unknown field: sgd keeps no optimizer state; give {} (or "
                                 "leave optimizer_state out)")


def test_optimizer_state_of_another_optimizer_names_the_known_fields() -> None:
    saved = make_net("adam").to_dict()
    saved["spec"]["optimizer"] = "momentum"
    with pytest.raises(SpecError) as err:
        Network.from_dict(saved)
    assert err.value.message == "unknown field; known fields: velocity"
