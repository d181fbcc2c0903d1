"""Circuits: the seeds' numbers to 1e-6, gradients vs central differences, a hostile parser."""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.circuits.circuit import MAX_GATES, CircuitError
from engine.circuits.expression import MAX_DEPTH, MAX_EXPRESSION_CHARS, parse_expression
from engine.circuits.gates import GATES
from engine.circuits.trace import CIRCUIT_PRESETS, trace_expression
from engine.errors import EngineError

NEURON = {"a": 1.0, "b": 2.0, "c": -3.0, "x": -1.0, "y": 3.0}


def grads(trace) -> dict[str, float]:
    return {name.name: name.grad for name in trace.inputs}


def test_add_multiply_circuit_of_seed_004() -> None:
    trace = trace_expression("(x + y) * z", {"x": -2, "y": 5, "z": -4})
    assert trace.output == pytest.approx(-12, abs=1e-6)
    assert grads(trace) == pytest.approx({"x": -4, "y": -4, "z": 3}, abs=1e-6)


def test_one_neuron_output_and_gradients() -> None:
    trace = trace_expression("sigmoid(a*x + b*y + c)", NEURON)
    assert trace.output == pytest.approx(0.8807971, abs=1e-6)
    expected = {"a": -0.1049936, "b": 0.3149808, "c": 0.1049936, "x": 0.1049936,
                "y": 0.2099872}
    assert grads(trace) == pytest.approx(expected, abs=1e-6)


def test_one_neuron_nudge_up_gives_0_8825502() -> None:
    trace = trace_expression("sigmoid(a*x + b*y + c)", NEURON, step_size=0.01)
    assert trace.nudged_output == pytest.approx(0.8825502, abs=1e-6)
    assert trace.nudged_values is not None
    assert trace.nudged_values["a"] == pytest.approx(1 - 0.01 * 0.1049936, abs=1e-6)


def test_nudge_down_lowers_the_output() -> None:
    trace = trace_expression("sigmoid(a*x + b*y + c)", NEURON, step_size=0.01,
                             direction="down")
    assert trace.nudged_output is not None and trace.nudged_output < trace.output


def test_numerical_gradients_agree_with_analytic_ones() -> None:
    trace = trace_expression("sigmoid(a*x + b*y + c)", NEURON)
    assert trace.h == 0.0001
    for item in trace.inputs:
        assert item.numerical_grad == pytest.approx(item.grad, abs=1e-8)
        assert item.forward_difference_grad == pytest.approx(item.grad, abs=1e-4)


def test_decomposed_sigmoid_at_1_matches_seed_002() -> None:
    trace = trace_expression("sigmoid(x)", {"x": 1.0}, decompose=True)
    assert [g.op for g in trace.gates] == ["neg", "exp", "add", "div"]
    wires = {w.id: w for w in trace.wires}
    outs = [wires[g.output] for g in trace.gates]
    assert [w.value for w in outs] == pytest.approx(
        [-1, 0.3678794, 1.3678794, 0.7310586], abs=1e-6)
    # Gradients of D with respect to C, B, A and x, as the article lists them.
    assert [outs[2].grad, outs[1].grad, outs[0].grad, wires["w0"].grad] == pytest.approx(
        [-0.5344466, -0.5344466, -0.1966119, 0.1966119], abs=1e-6)


def test_each_preset_traces_and_matches_its_seed() -> None:
    outputs = {"add-multiply": -12.0, "one-neuron": 0.8807971, "sigmoid-decomposed": 0.7310586}
    for preset in CIRCUIT_PRESETS:
        trace = trace_expression(preset.expression, preset.values, preset.decompose,
                                 preset.step_size)
        assert trace.output == pytest.approx(outputs[preset.id], abs=1e-6)


def test_fan_out_accumulates_gradients() -> None:
    trace = trace_expression("x * x + x", {"x": 3.0})
    assert grads(trace)["x"] == pytest.approx(2 * 3 + 1)
    assert len([w for w in trace.wires if w.kind == "input"]) == 1


def test_max_routes_the_gradient_to_the_larger_input() -> None:
    trace = trace_expression("max(x, y) * 2", {"x": 1.0, "y": 4.0})
    assert grads(trace) == {"x": 0.0, "y": 2.0}


def test_every_gate_has_a_local_derivative_matching_finite_differences() -> None:
    args = {1: (0.7,), 2: (0.7, 1.3)}
    for kind in GATES.values():
        params = (3.0,) if kind.op == "pow" else ()
        values = args[kind.arity]
        _, local = kind.compute(*values, *params)
        for i in range(kind.arity):
            up = list(values)
            down = list(values)
            up[i] += 1e-6
            down[i] -= 1e-6
            numeric = (kind.compute(*up, *params)[0] - kind.compute(*down, *params)[0]) / 2e-6
            assert local[i] == pytest.approx(numeric, abs=1e-6), kind.op


def test_each_decomposition_equals_its_composite_gate() -> None:
    for name in ("sigmoid", "tanh", "relu", "leaky_relu"):
        for x in (-1.5, 0.3, 2.0):
            whole = trace_expression(f"{name}(x * 2)", {"x": x})
            parts = trace_expression(f"{name}(x * 2)", {"x": x}, decompose=True)
            assert parts.output == pytest.approx(whole.output, abs=1e-12)
            assert grads(parts)["x"] == pytest.approx(grads(whole)["x"], abs=1e-12)


def test_pow_with_constant_exponent_and_negative_numbers() -> None:
    trace = trace_expression("x ** 2 + pow(y, -1) - -3", {"x": 3.0, "y": 2.0})
    assert trace.output == pytest.approx(9 + 0.5 + 3)
    assert grads(trace) == pytest.approx({"x": 6.0, "y": -0.25})


def test_output_grad_seeds_the_backward_pass() -> None:
    trace = trace_expression("a * x", {"a": 2.0, "x": 5.0}, output_grad=-0.5)
    assert grads(trace) == pytest.approx({"a": -2.5, "x": -1.0})
    assert trace.inputs[0].numerical_grad == pytest.approx(-2.5, abs=1e-6)


# --- random expressions against an independent evaluator ---------------------------------

Expr = tuple[str, Callable[[dict[str, float]], float]]
NAMES = ("a", "b", "c")


def _leaf() -> st.SearchStrategy[Expr]:
    names = st.sampled_from(NAMES).map(lambda n: (n, lambda v, n=n: v[n]))
    numbers = st.sampled_from([0.5, 1.0, 2.0, 3.0]).map(lambda k: (repr(k), lambda v, k=k: k))
    return names | numbers


def _extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    binary = st.tuples(st.sampled_from(["+", "-", "*"]), children, children).map(
        lambda t: (f"({t[1][0]} {t[0]} {t[2][0]})", _binop(t[0], t[1][1], t[2][1])))
    unary = st.tuples(st.sampled_from(["sigmoid", "tanh", "exp_small", "square", "neg"]),
                      children).map(lambda t: _unary(t[0], t[1]))
    return binary | unary


def _binop(op: str, f: Callable, g: Callable) -> Callable[[dict[str, float]], float]:
    if op == "+":
        return lambda v: f(v) + g(v)
    if op == "-":
        return lambda v: f(v) - g(v)
    return lambda v: f(v) * g(v)


def _unary(name: str, child: Expr) -> Expr:
    text, f = child
    table: dict[str, Expr] = {
        "sigmoid": (f"sigmoid({text})", lambda v: 1 / (1 + math.exp(-f(v)))),
        "tanh": (f"tanh({text})", lambda v: math.tanh(f(v))),
        "exp_small": (f"exp(tanh({text}))", lambda v: math.exp(math.tanh(f(v)))),
        "square": (f"({text}) ** 2", lambda v: f(v) ** 2),
        "neg": (f"-({text})", lambda v: -f(v)),
    }
    return table[name]


@settings(max_examples=150, deadline=None)
@given(
    expr=st.recursive(_leaf(), _extend, max_leaves=8),
    values=st.fixed_dictionaries({n: st.floats(-2, 2) for n in NAMES}),
    decompose=st.booleans(),
)
def test_random_expressions_gradients_match_central_differences(expr, values, decompose):
    text, f = expr
    circuit = parse_expression(text, decompose)
    used = {n: values[n] for n in circuit.input_names}
    trace = trace_expression(text, used, decompose=decompose)
    assert trace.output == pytest.approx(f(values), rel=1e-9, abs=1e-9)
    h = 1e-6
    for item in trace.inputs:
        up, down = dict(values), dict(values)
        up[item.name] += h
        down[item.name] -= h
        numeric = (f(up) - f(down)) / (2 * h)
        assert item.grad == pytest.approx(numeric, rel=1e-4, abs=1e-5), (text, item.name)


# --- the parser refuses everything but arithmetic -------------------------------------------

HOSTILE = [
    ("__import__('os')", "__import__"),
    ("__import__('os').system('ls')", "__import__"),
    ("os.system('ls')", "os.system"),
    ("x.__class__", "attribute"),
    ("().__class__.__bases__[0]", "not allowed"),
    ("x[0]", "subscript"),
    ("lambda: 1", "lambda"),
    ("(lambda: 1)()", "lambda"),
    ("'abc'", "string"),
    ("b'abc'", "string"),
    ("f'{x}'", "f-string"),
    ("[x for x in y]", "comprehension"),
    ("(x for x in y)", "generator"),
    ("{x: 1}", "dict"),
    ("eval('1')", "eval"),
    ("exec('1')", "exec"),
    ("open('/etc/passwd')", "open"),
    ("getattr(x, 'a')", "getattr"),
    ("max(x, y=1)", "keyword"),
    ("max(*x)", "starred"),
    ("x // y", "//"),
    ("x % y", "%"),
    ("x @ y", "@"),
    ("x < y", "comparison"),
    ("x and y", "boolean"),
    ("x if y else z", "conditional"),
    ("(x := 1)", "assignment"),
    ("~x", "~"),
    ("True", "True"),
    ("None", "None"),
    ("1j", "complex"),
    ("x ** y", "exponent must be a number"),
    ("exp", "is a function"),
    ("exp(x, y)", "takes 1 argument"),
    ("_secret", "_secret"),
    ("__builtins__", "__builtins__"),
    ("import os", "syntax error"),
    ("x; y", "syntax error"),
    ("1e400", "not finite"),
    ("", "empty"),
]


@pytest.mark.parametrize(("expression", "culprit"), HOSTILE)
def test_hostile_expressions_are_rejected_naming_the_culprit(expression, culprit) -> None:
    with pytest.raises(CircuitError) as info:
        parse_expression(expression)
    assert culprit in str(info.value)
    assert isinstance(info.value, EngineError)


def test_limits_on_length_depth_and_gate_count() -> None:
    with pytest.raises(CircuitError, match="characters"):
        parse_expression("x" + " + x" * MAX_EXPRESSION_CHARS)
    with pytest.raises(CircuitError, match="nested"):
        parse_expression("-" * (MAX_DEPTH + 5) + "x")
    with pytest.raises(CircuitError, match="gates"):
        parse_expression("+".join(["x*x*x"] * 150))  # 449 gates in 899 characters
    assert len(parse_expression("+".join(["x*x*x"] * 100)).gates) == 299 <= MAX_GATES
    with pytest.raises(CircuitError, match="nested"):
        parse_expression("(" * 300 + "x" + ")" * 300)


@pytest.mark.parametrize(("expression", "values", "where"), [
    ("exp(x)", {"x": 1000.0}, "g0"),
    ("log(x)", {"x": -1.0}, "g0"),
    ("x / y", {"x": 1.0, "y": 0.0}, "g0"),
    ("x ** 0.5", {"x": -4.0}, "g0"),
    ("x * y * y", {"x": 1e300, "y": 1e300}, "g0"),
])
def test_non_finite_values_raise_saying_where(expression, values, where) -> None:
    with pytest.raises(CircuitError) as info:
        trace_expression(expression, values)
    assert info.value.where == where
    assert where in str(info.value)


def test_missing_unknown_and_non_finite_values_are_rejected() -> None:
    with pytest.raises(CircuitError, match="no value given for y"):
        trace_expression("x + y", {"x": 1.0})
    with pytest.raises(CircuitError, match="q is not in the expression"):
        trace_expression("x", {"x": 1.0, "q": 2.0})
    with pytest.raises(CircuitError, match="not finite"):
        trace_expression("x", {"x": math.inf})


ALPHABET = "xy12.e+-*/()_ ,'[]:=<>%~@!\"abcdefghijklmnoprstuvw"


@pytest.mark.parametrize(("text", "refusal"), [
    ("2if 1 else 3", "conditional expression is not allowed"),
    ("1or x", "boolean operator is not allowed"),
])
def test_a_number_run_into_a_keyword_is_refused_without_a_python_warning(
        text: str, refusal: str) -> None:
    """Python parses "2if" with a SyntaxWarning on stderr: a learner's typo must not reach
    the server's log, only the answer's message."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails the test
        with pytest.raises(CircuitError, match=refusal):
            parse_expression(text)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list(ALPHABET)), max_size=40))
def test_any_text_either_parses_or_raises_a_circuit_error(text: str) -> None:
    try:
        circuit = parse_expression(text)
    except CircuitError:
        return
    values = {name: 0.5 for name in circuit.input_names}
    with contextlib.suppress(CircuitError):
        trace_expression(text, values, step_size=0.1)
