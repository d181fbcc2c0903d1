"""What an expression's circuit will hold, counted on its syntax tree before it is built.

Building a circuit (a gate, a wire and a label per node) takes milliseconds for a long
expression; counting its syntax tree takes a small fraction of that. So the limits on
nesting (`MAX_DEPTH`), gates (`MAX_GATES`) and the numerical checks' cost (inputs × gates)
refuse an expression that is too large before any of it is built: a client looping on one
cannot keep a core busy with work that ends in a 422.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

CHAIN_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)  # the binary operators of a circuit


@dataclass(frozen=True)
class Size:
    """Distinct variable names, gates as built without `decompose` (decomposed composites
    add gates of their own) and the deepest nesting, as the parser counts them for an
    expression that parses into a circuit."""

    inputs: int
    gates: int
    depth: int


def measure(tree: ast.Expression) -> Size:
    """Count the variables, gate-making nodes and nesting of `tree` in one linear walk of
    the nodes the parser walks (a rejected node's insides are not counted)."""
    names: set[str] = set()
    gates = deepest = 0
    stack: list[tuple[ast.AST, int]] = [(tree.body, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(node, ast.BinOp):
            gates += 1
            chained = isinstance(node.op, CHAIN_OPS) and isinstance(node.left, ast.BinOp) \
                and isinstance(node.left.op, CHAIN_OPS)  # a + b - c: a loop, not nesting
            stack += ((node.left, depth + (not chained)), (node.right, depth + 1))
        elif isinstance(node, ast.Call):
            gates += 1
            stack += ((arg, depth + 1) for arg in node.args)
        elif isinstance(node, ast.UnaryOp) and constant_number(node) is None:
            while isinstance(node, ast.UnaryOp):  # a chain of signs: a gate per minus
                gates += isinstance(node.op, ast.USub)
                node, depth = node.operand, depth + 1
            stack.append((node, depth))
        elif isinstance(node, ast.Name):
            names.add(node.id)
    return Size(len(names), gates, deepest)


def constant_number(node: ast.expr) -> float | None:
    """A literal number, possibly signed (`-3`, `+-2.5`: a constant, not a gate), or None."""
    sign = 1.0
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign = -sign if isinstance(node.op, ast.USub) else sign
        node = node.operand
    value = node.value if isinstance(node, ast.Constant) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return sign * float(value)
    except OverflowError:
        return None
