"""A safe parser from an expression string to a `Circuit`: Python's `ast` with a whitelist.

Allowed: numbers, variable names, + - * / **, unary - and +, and calls to the gate functions
(`engine.gates.FUNCTIONS`). Everything else is rejected with a message that quotes the
culprit. The string is only parsed, never evaluated: no `eval`, no `exec`, no `compile`.
With `decompose=True` composite gates are built from elementary ones (seed 002: sigmoid as
−x, exp, 1 +, 1 /).
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable

from engine.circuits.circuit import (
    MAX_GATES,
    Circuit,
    CircuitBuilder,
    CircuitError,
    too_many_gates,
)
from engine.circuits.gates import FUNCTIONS, GATES, LEAKY_SLOPE
from engine.circuits.labels import Labels
from engine.circuits.size import Size, constant_number, measure

MAX_EXPRESSION_CHARS = 1000
MAX_DEPTH = 200
NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")
_CONTINUATION = re.compile(r"\\(?:\r\n|\n|\r)")

BINARY_OPS: dict[type[ast.operator], str] = {
    ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow",
}
OPERATOR_TEXT: dict[type[ast.AST], str] = {
    ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
    ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&", ast.Invert: "~", ast.Not: "not",
}
NODE_TEXT: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access", ast.Subscript: "subscript", ast.Lambda: "lambda",
    ast.Constant: "constant", ast.JoinedStr: "f-string", ast.ListComp: "comprehension",
    ast.SetComp: "comprehension", ast.DictComp: "comprehension",
    ast.GeneratorExp: "generator expression", ast.Compare: "comparison",
    ast.BoolOp: "boolean operator", ast.IfExp: "conditional expression",
    ast.NamedExpr: "assignment expression", ast.Starred: "starred argument",
    ast.Tuple: "tuple", ast.List: "list", ast.Dict: "dict", ast.Set: "set",
    ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Slice: "slice",
}


def parse_expression(
    expression: str, decompose: bool = False, max_gates: int = MAX_GATES,
    admit: Callable[[Size], None] | None = None,
) -> Circuit:
    """Build the circuit of `expression`; raises CircuitError saying what is not allowed.

    Columns in messages count characters of `expression` from 1. Before anything is built,
    the syntax tree's size is checked against MAX_DEPTH and `max_gates` and handed to
    `admit`, which may refuse it (the numerical checks' budget, engine/circuits/trace.py):
    see size.py.
    """
    if len(expression) > MAX_EXPRESSION_CHARS:
        raise CircuitError(f"the expression has {len(expression)} characters; "
                           f"at most {MAX_EXPRESSION_CHARS} are allowed", where="expression")
    expression = _one_line(expression)
    source = expression.strip()
    if not source:
        raise CircuitError("the expression is empty", where="expression")
    lead = len(expression) - len(expression.lstrip())
    try:
        with warnings.catch_warnings():  # "2if …": Python warns on stderr; the walk refuses it
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise _syntax_error(exc, source, lead) from None
    except (RecursionError, MemoryError, ValueError):
        raise CircuitError("the expression is nested too deeply", where="expression") from None
    size = measure(tree)
    if size.depth > MAX_DEPTH:
        raise _too_deep()
    if size.gates > max_gates:
        raise CircuitError(too_many_gates(max_gates), where="gates")
    if admit is not None:
        admit(size)
    builder = CircuitBuilder(max_gates)
    try:
        output = _Translator(source, lead, builder, decompose).visit(tree.body, 0)
    except RecursionError:  # a safety net: MAX_DEPTH keeps the walk far from the limit
        raise CircuitError("the expression is nested too deeply", where="expression") from None
    return builder.build(source, output, decompose)


def _too_deep() -> CircuitError:
    return CircuitError(f"the expression is nested more than {MAX_DEPTH} levels deep",
                        where="expression")


def _one_line(expression: str) -> str:
    """Every whitespace character (newline, tab, no-break space …) as a plain space.

    Python's eval mode ends an expression at a newline and refuses U+00A0, but a formula
    typed over two lines or pasted from a web page means the same; one space per character
    keeps columns as they were. A `\\` line continuation becomes spaces too.
    """
    expression = _CONTINUATION.sub(lambda m: " " * len(m.group()), expression)
    return "".join(" " if ch.isspace() else ch for ch in expression)


def _column(source: str, lead: int, line: int | None, offset: int | None) -> int:
    """1-based column in the original expression of a 1-based (line, offset) in `source`."""
    lines = source.split("\n")
    if not line or not offset:  # the parser ran off the end
        return lead + len(source) + 1
    before = sum(len(text) + 1 for text in lines[:line - 1])
    return lead + before + offset


def _syntax_error(exc: SyntaxError, source: str, lead: int) -> CircuitError:
    column = _column(source, lead, exc.lineno, exc.offset)
    where = f"at the end (column {column})" if not exc.offset else f"at column {column}"
    return CircuitError(f"syntax error {where}: {exc.msg}", where="expression")


class _Translator:
    """Walks the syntax tree, checking each node against the whitelist as it builds gates."""

    def __init__(self, source: str, lead: int, builder: CircuitBuilder, decompose: bool
                 ) -> None:
        self.source = source
        self.lead = lead  # characters stripped before `source`, for columns
        self.builder = builder
        self.decompose = decompose
        self.labels = Labels()

    def visit(self, node: ast.expr, depth: int) -> int:
        """The wire that carries `node`'s value."""
        if depth > MAX_DEPTH:
            raise _too_deep()
        if isinstance(node, ast.Constant):
            return self._number(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.UnaryOp):
            return self._unary(node, depth)
        if isinstance(node, ast.BinOp):
            return self._binary(node, depth)
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        raise self._reject(node)

    def _text(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.source, node) or ast.unparse(node)

    def _reject(self, node: ast.AST, what: str | None = None) -> CircuitError:
        what = what or NODE_TEXT.get(type(node), type(node).__name__)
        line = getattr(node, "lineno", 1)
        offset = len(self.source.split("\n")[line - 1].encode()[:getattr(
            node, "col_offset", 0)].decode(errors="ignore")) + 1  # col_offset counts bytes
        column = _column(self.source, self.lead, line, offset)
        return CircuitError(f"{what} is not allowed: {self._text(node)!r} (column {column})",
                            where=self._text(node))

    def _number(self, node: ast.Constant) -> int:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._reject(node, _constant_kind(value))
        try:
            number = float(value)
        except OverflowError:
            raise CircuitError(f"the number {self._text(node)} is too large",
                               where=self._text(node)) from None
        return self.builder.constant(number, self._text(node))

    def _name(self, node: ast.Name) -> int:
        if node.id in FUNCTIONS:
            raise CircuitError(f"{node.id} is a function; call it as {node.id}(...)",
                               where=node.id)
        if not NAME_PATTERN.fullmatch(node.id):
            raise CircuitError(f"the name {node.id!r} is not allowed: names start with a "
                               "letter and hold letters, digits and _ (at most 32)",
                               where=node.id)
        return self.builder.input(node.id)

    def _unary(self, node: ast.UnaryOp, depth: int) -> int:
        if isinstance(node.op, ast.UAdd):
            return self.visit(node.operand, depth + 1)
        if not isinstance(node.op, ast.USub):
            raise self._reject(node, f"the operator {OPERATOR_TEXT[type(node.op)]!r}")
        number = constant_number(node)
        if number is not None:  # -3 is a number, not a gate
            return self.builder.constant(number, self._text(node))
        return self._apply("neg", [self.visit(node.operand, depth + 1)], node)

    def _binary(self, node: ast.BinOp, depth: int) -> int:
        """A chain like a + b - c * d: the left operands are walked in a loop, not nested.

        Only the right operands (and the chain's first operand) are a level deeper, so the
        depth limit counts nesting a learner wrote (parentheses, calls, unary signs), and
        a 300-term sum costs no recursion.
        """
        if type(node.op) not in BINARY_OPS:
            raise self._reject(node, f"the operator {OPERATOR_TEXT[type(node.op)]!r}")
        chain: list[ast.BinOp] = []
        start: ast.expr = node
        while isinstance(start, ast.BinOp) and type(start.op) in BINARY_OPS:
            chain.append(start)
            start = start.left
        wire = self.visit(start, depth + 1)
        for link in reversed(chain):
            op = BINARY_OPS[type(link.op)]
            if op == "pow":
                wire = self._power(link, wire, link.right)
            else:
                wire = self._apply(op, [wire, self.visit(link.right, depth + 1)], link)
        return wire

    def _pow(self, node: ast.expr, base: ast.expr, exponent: ast.expr, depth: int) -> int:
        self._exponent(node, exponent)
        return self._power(node, self.visit(base, depth + 1), exponent)

    def _exponent(self, node: ast.expr, exponent: ast.expr) -> float:
        value = constant_number(exponent)
        if value is None:
            raise CircuitError(f"the exponent must be a number: {self._text(exponent)!r} in "
                               f"{self._text(node)!r}", where=self._text(exponent))
        return value

    def _power(self, node: ast.expr, base: int, exponent: ast.expr) -> int:
        return self._apply("pow", [base], node, param=self._exponent(node, exponent))

    def _call(self, node: ast.Call, depth: int) -> int:
        name = node.func.id if isinstance(node.func, ast.Name) else self._text(node.func)
        if not isinstance(node.func, ast.Name) or name not in FUNCTIONS:
            raise CircuitError(f"calling {name!r} is not allowed; the functions are "
                               f"{', '.join(FUNCTIONS)}", where=name)
        if node.keywords:
            raise self._reject(node.keywords[0], f"a keyword argument in {name}()")
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self._reject(arg)
        if len(node.args) != FUNCTIONS[name]:
            raise CircuitError(f"{name} takes {FUNCTIONS[name]} argument(s), got "
                               f"{len(node.args)}: {self._text(node)!r}", where=name)
        if name == "pow":
            return self._pow(node, node.args[0], node.args[1], depth)
        return self._apply(name, [self.visit(a, depth + 1) for a in node.args], node)

    def _apply(self, op: str, inputs: list[int], node: ast.expr, param: float | None = None
               ) -> int:
        label = self.labels.text(node)
        if self.decompose and op in DECOMPOSE:
            return DECOMPOSE[op](self.builder, inputs[0], self.builder.wires[inputs[0]].label)
        assert op in GATES
        return self.builder.gate(op, inputs, label, param)


def _constant_kind(value: object) -> str:
    """How a rejected literal is named in the error message."""
    if isinstance(value, str | bytes):
        return "a string"
    if isinstance(value, complex):
        return "a complex number"
    return f"the constant {value!r}"


def _wrap(label: str) -> str:
    """Parenthesise a label that is more than one name, number or call."""
    return label if re.fullmatch(r"[\w.]+(\(.*\))?", label) else f"({label})"


def _sigmoid(b: CircuitBuilder, x: int, label: str) -> int:
    """σ(x) = 1 / (1 + exp(−x)): four elementary gates, as in seed 002."""
    a = b.gate("neg", [x], f"-{_wrap(label)}")
    e = b.gate("exp", [a], f"exp(-{_wrap(label)})")
    c = b.gate("add", [b.constant(1.0, "1"), e], f"1 + exp(-{_wrap(label)})")
    return b.gate("div", [b.constant(1.0, "1"), c], f"1 / (1 + exp(-{_wrap(label)}))")


def _tanh(b: CircuitBuilder, x: int, label: str) -> int:
    """tanh(x) = (exp(2x) − 1) / (exp(2x) + 1): one exp wire fans out to two gates."""
    two_x = b.gate("mul", [b.constant(2.0, "2"), x], f"2*{_wrap(label)}")
    e = b.gate("exp", [two_x], f"exp(2*{_wrap(label)})")
    top = b.gate("sub", [e, b.constant(1.0, "1")], f"exp(2*{_wrap(label)}) - 1")
    bottom = b.gate("add", [e, b.constant(1.0, "1")], f"exp(2*{_wrap(label)}) + 1")
    return b.gate("div", [top, bottom], f"tanh({label})")


def _relu(b: CircuitBuilder, x: int, label: str) -> int:
    """relu(x) = max(0, x): the max gate routes the gradient to x only when x > 0."""
    return b.gate("max", [b.constant(0.0, "0"), x], f"max(0, {label})")


def _leaky_relu(b: CircuitBuilder, x: int, label: str) -> int:
    """leaky_relu(x) = max(slope·x, x) for a slope below 1: x fans out to two gates."""
    scaled = b.gate("mul", [b.constant(LEAKY_SLOPE, f"{LEAKY_SLOPE:g}"), x],
                    f"{LEAKY_SLOPE:g}*{_wrap(label)}")
    # slope·x first: at x = 0 the tie goes to it, so the gradient there is the slope, as in
    # the leaky_relu gate.
    return b.gate("max", [scaled, x], f"max({LEAKY_SLOPE:g}*{_wrap(label)}, {label})")


DECOMPOSE = {"sigmoid": _sigmoid, "tanh": _tanh, "relu": _relu, "leaky_relu": _leaky_relu}
