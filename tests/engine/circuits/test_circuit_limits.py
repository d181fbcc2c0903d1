"""Circuit limits: long operator chains are not nesting, deep nesting never overflows the
stack, labels read as `ast.unparse` writes them, and columns count from 1."""

from __future__ import annotations

import ast
import itertools
import keyword
import random
import string
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.circuits.circuit import MAX_GATES, CircuitError
from engine.circuits.expression import MAX_DEPTH, parse_expression
from engine.circuits.size import measure
from engine.circuits.trace import MAX_CHECK_EVALUATIONS, trace_expression


@pytest.mark.parametrize("op", ["+", "*", "-", "/"])
def test_a_300_term_chain_of_one_operator_is_fine(op: str) -> None:
    expression = op.join(["x"] * 300)  # 599 characters, 299 gates
    trace = trace_expression(expression, {"x": 1.0})
    assert len(trace.gates) == 299 <= MAX_GATES
    expected = {"+": (300.0, 300.0), "*": (1.0, 300.0), "-": (-298.0, -298.0),
                "/": (1.0, -298.0)}[op]
    assert (trace.output, trace.inputs[0].grad) == pytest.approx(expected)


def test_a_chain_longer_than_the_gate_limit_says_gates_not_depth() -> None:
    with pytest.raises(CircuitError, match="more than 300 gates"):
        parse_expression("+".join(["x"] * 500))  # 999 characters


def test_mixed_chains_keep_their_gate_order_and_labels() -> None:
    circuit = parse_expression("a*x + b*y - c/d + e**2")
    assert [g.op for g in circuit.gates] == ["mul", "mul", "add", "div", "sub", "pow", "add"]
    assert circuit.wires[circuit.output].label == "a * x + b * y - c / d + e ** 2"


def _nested(levels: int) -> str:
    return "x*(" * levels + "x" + ")" * levels


def _with_stack_used(frames: int, call):
    """Run `call` with `frames` Python frames already on the stack (as inside a server)."""
    result: list = []

    def dig(n: int) -> None:
        if n:
            dig(n - 1)
        else:
            try:
                result.append(call())
            except Exception as exc:
                result.append(exc)

    thread = threading.Thread(target=dig, args=(frames,))
    thread.start()
    thread.join()
    return result[0]


@pytest.mark.parametrize("expression", [_nested(MAX_DEPTH), "-" * MAX_DEPTH + "x",
                                        "exp(" * 120 + "x" + ")" * 120])
def test_deep_nesting_at_the_limit_works_even_with_a_used_stack(expression: str) -> None:
    circuit = _with_stack_used(300, lambda: parse_expression(expression))
    assert not isinstance(circuit, Exception), circuit
    assert len(circuit.gates) in (MAX_DEPTH, 120)


@pytest.mark.parametrize("expression", ["-" * (MAX_DEPTH + 1) + "x", "-" * 998 + "x",
                                        "(" * 300 + "x" + ")" * 300, _nested(MAX_DEPTH + 1)])
def test_nesting_past_the_limit_is_a_circuit_error(expression: str) -> None:
    error = _with_stack_used(300, lambda: parse_expression(expression))
    assert isinstance(error, CircuitError)
    assert "nested" in str(error) or "parentheses" in str(error)


@pytest.mark.parametrize(("expression", "text"), [
    ("x +", "syntax error at the end (column 4)"),
    ("  x +", "syntax error at the end (column 6)"),
    ("x y", "syntax error at column 3"),
    ("  x y", "syntax error at column 5"),
    ("x + y.z", "(column 5)"),
    ("  x + y.z", "(column 7)"),
    ("(x +\n y.z)", "(column 7)"),
])
def test_columns_count_characters_from_1(expression: str, text: str) -> None:
    with pytest.raises(CircuitError) as info:
        parse_expression(expression)
    assert text in str(info.value)


ATOMS = ["x", "y", "2", "0.5", "-x", "sigmoid(x)", "max(x, y)", "-3"]
OPS = [" + ", " - ", "*", "/", " ** 2", "**-1"]


def _expression(rng: random.Random, leaves: int) -> str:
    """A random expression of the whitelisted syntax with about `leaves` atoms."""
    if leaves <= 1:
        return rng.choice(ATOMS)
    kind = rng.randrange(4)
    inner = _expression(rng, leaves - 1)
    if kind == 0:
        op = rng.choice(OPS)
        return inner + op if "**" in op else inner + op + _expression(rng, leaves // 2)
    return {1: "({})", 2: "tanh({})", 3: "-({})"}[kind].format(inner)


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32), leaves=st.integers(1, 12))
def test_gate_labels_are_what_ast_unparse_writes(seed: int, leaves: int) -> None:
    expression = _expression(random.Random(seed), leaves)
    try:
        circuit = parse_expression(expression)
    except CircuitError:
        return
    tree = ast.parse(expression, mode="eval")
    texts = {ast.unparse(node) for node in ast.walk(tree)}
    for gate in circuit.gates:
        assert circuit.wires[gate.output].label in texts
    if circuit.gates and not circuit.decomposed:
        assert circuit.wires[circuit.output].label == ast.unparse(tree.body)


def _names(count: int) -> list[str]:
    """a, b, …, z, aa, ab, … without Python's keywords (`as`, `if`, `in`, `is`, `or`)."""
    pairs = ("".join(p) for p in itertools.product(string.ascii_lowercase, repeat=2))
    return [n for n in itertools.chain(string.ascii_lowercase, pairs)
            if not keyword.iskeyword(n)][:count]


def test_a_sum_of_300_variables_is_refused_naming_the_limit() -> None:
    names = _names(300)
    expression = "+".join(names)
    assert len(expression) < 900  # within the 1,000 characters an expression may have
    with pytest.raises(CircuitError) as refused:
        trace_expression(expression, dict.fromkeys(names, 1.0))
    assert refused.value.where == "values"
    assert refused.value.message == (
        "300 values: a circuit of 300 variables has at least 299 gates, and its numerical "
        "checks would evaluate at least 300 × 299 = 89,700 gates, above the limit of "
        f"{MAX_CHECK_EVALUATIONS:,}; use at most 141 variables")


def test_141_variables_fit_and_142_are_refused_before_parsing() -> None:
    names = _names(142)
    trace = trace_expression("+".join(names[:141]), dict.fromkeys(names[:141], 1.0))
    assert len(trace.inputs) == 141 and trace.output == 141.0  # 141 × 140 = 19,740
    with pytest.raises(CircuitError) as refused:  # "x" is never parsed: values come first
        trace_expression("x.y", dict.fromkeys(names, 1.0))
    assert refused.value.message.startswith("142 values: a circuit of 142 variables has at "
                                            "least 141 gates")


def test_a_long_sum_of_fewer_variables_is_refused_by_its_gate_count() -> None:
    names = _names(100)
    expression = "+".join(names * 3)[:899].rstrip("+")  # 299 gates over 100 variables
    with pytest.raises(CircuitError) as refused:
        trace_expression(expression, dict.fromkeys(names, 1.0))
    assert refused.value.where == "expression"
    assert refused.value.message == (
        "the numerical checks would evaluate 100 inputs × 299 gates = 29,900 gates, above "
        f"the limit of {MAX_CHECK_EVALUATIONS:,}; use fewer variables or a smaller expression")


def test_circuits_within_the_limit_keep_their_checks() -> None:
    names = _names(140)  # 140 × 139 = 19,460 gate evaluations
    trace = trace_expression("+".join(names), dict.fromkeys(names, 1.0))
    assert trace.output == 140.0
    assert all(i.numerical_grad == pytest.approx(1.0) for i in trace.inputs)


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32), leaves=st.integers(1, 40))
def test_the_syntax_trees_count_is_the_built_circuits(seed: int, leaves: int) -> None:
    """The limits are checked on counts taken before the circuit is built: they must be
    the circuit's own."""
    expression = _expression(random.Random(seed), leaves)
    try:
        circuit = parse_expression(expression)
    except CircuitError:
        return
    size = measure(ast.parse(expression, mode="eval"))
    assert (size.inputs, size.gates) == (len(circuit.input_names), len(circuit.gates))


@pytest.mark.parametrize(("expression", "depth"), [
    ("x", 0), ("a*x + b*y - c/d + e**2", 2), ("-" * 300 + "3", 0), ("-" * 7 + "x", 7),
    (_nested(12), 12), ("exp(" * 5 + "x" + ")" * 5, 5), ("pow(x, 2) + -(-y)", 3),
])
def test_the_syntax_trees_depth_is_the_parsers(expression: str, depth: int) -> None:
    assert measure(ast.parse(expression, mode="eval")).depth == depth


@pytest.mark.parametrize(("expression", "message"), [
    # A refusal for size comes before the parser walks the tree: the bad name at the end of
    # this 300-variable sum is never reached.
    ("+".join(_names(299)) + "+y.z", "the numerical checks would evaluate 299 inputs × "
     "299 gates = 89,401 gates"),
    ("+".join(["x*x*x"] * 150), f"the circuit has more than {MAX_GATES} gates"),
    ("-" * 998 + "x", f"the expression is nested more than {MAX_DEPTH} levels deep"),
])
def test_too_large_is_refused_before_the_circuit_is_built(expression: str, message: str
                                                          ) -> None:
    with pytest.raises(CircuitError) as refused:
        trace_expression(expression, {})
    assert refused.value.message.startswith(message)
