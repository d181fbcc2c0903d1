"""Any whitespace between tokens is a space: a formula over two lines, a tab, or a no-break
space pasted from a web page parses as typed on one line, with the same columns."""

from __future__ import annotations

import pytest

from engine.circuits.circuit import CircuitError
from engine.circuits.expression import parse_expression
from engine.circuits.trace import trace_expression

VALUES = {"a": 1.0, "b": 2.0, "c": -3.0, "x": -1.0, "y": 3.0}


@pytest.mark.parametrize("expression", [
    "a*x +\n b*y + c",
    "a*x\n+ b*y\n+ c",
    "a*x\r\n+ b*y + c",
    "a*x\t+\tb*y + c",
    "a*x\u00a0+ b*y + c",
    "a*x\u2003+ b*y\u3000+ c",
    "\n a*x + b*y + c\n",
    "a*x + \\\nb*y + c",
    "sigmoid(a*x\n+ b*y)\n+ c",
])
def test_whitespace_of_any_kind_separates_tokens(expression: str) -> None:
    one_line = " ".join(expression.replace("\\", "").split())
    trace, expected = trace_expression(expression, VALUES), trace_expression(one_line, VALUES)
    assert trace.output == expected.output
    assert [(i.name, i.grad) for i in trace.inputs] == [(i.name, i.grad)
                                                         for i in expected.inputs]
    assert trace_expression("a*x +\n b*y + c", VALUES).output == 2.0


def test_a_newline_keeps_columns_counted_over_the_whole_text() -> None:
    with pytest.raises(CircuitError) as err:
        parse_expression("x +\n y.z")  # y.z starts at character 6
    assert "(column 6)" in str(err.value)


def test_whitespace_is_still_not_a_token() -> None:
    with pytest.raises(CircuitError, match="syntax error at column 3"):
        parse_expression("x\ny")
