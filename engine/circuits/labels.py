"""Wire labels: `ast.unparse`'s text for the circuit's syntax nodes, without recursion.

`ast.unparse` recurses once or more per level, so a 500-term chain like x+x+…+x (a legal
1000-character expression) would overflow the Python stack; `Labels` gives the same text
built bottom-up with an explicit stack, each node's text cached so that labelling every
gate of a chain stays linear.
"""

from __future__ import annotations

import ast

# Python's operator precedences as `ast.unparse` uses them (higher binds tighter).
ARITH, TERM, FACTOR, POWER, AWAIT, ATOM = range(6)
BINARY: dict[type[ast.operator], tuple[str, int]] = {
    ast.Add: ("+", ARITH), ast.Sub: ("-", ARITH), ast.Mult: ("*", TERM),
    ast.Div: ("/", TERM), ast.Pow: ("**", POWER),
}
UNARY: dict[type[ast.unaryop], str] = {ast.USub: "-", ast.UAdd: "+"}

Text = tuple[str, int]  # (text, precedence of its outermost operator)


def _children(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return [node.func, *node.args]
    return []


def _wrap(text: Text, needed: int) -> str:
    """Parenthesise where the context binds tighter than the text's own operator."""
    return f"({text[0]})" if needed > text[1] else text[0]


def _compose(node: ast.AST, kids: list[Text]) -> Text:
    """One node's text from its children's, as `ast.unparse` writes it."""
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        symbol, own = BINARY[type(node.op)]
        left, right = (own + 1, own) if symbol == "**" else (own, own + 1)
        return f"{_wrap(kids[0], left)} {symbol} {_wrap(kids[1], right)}", own
    if isinstance(node, ast.UnaryOp) and type(node.op) in UNARY:
        return UNARY[type(node.op)] + _wrap(kids[0], FACTOR), FACTOR
    if isinstance(node, ast.Call) and not node.keywords:
        return f"{kids[0][0]}({', '.join(text for text, _ in kids[1:])})", ATOM
    if isinstance(node, ast.Name | ast.Constant):
        return ast.unparse(node), ATOM
    return ast.unparse(node), ATOM  # never reached for parsed circuits: rejected earlier


class Labels:
    """Cached `ast.unparse` text of the nodes of one syntax tree."""

    def __init__(self) -> None:
        self._done: dict[int, Text] = {}

    def text(self, root: ast.AST) -> str:
        """The text of `root`, computing its subtree's texts children first."""
        done = self._done
        stack: list[tuple[ast.AST, bool]] = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if id(node) in done:
                continue
            kids = _children(node)
            if not expanded and kids:
                stack.append((node, True))
                stack.extend((kid, False) for kid in kids)
                continue
            done[id(node)] = _compose(node, [done[id(kid)] for kid in kids])
        return done[id(root)][0]
