"""The engine's three rooms: no import circle anywhere, and each room's doors are the ones
the package docstring names (data knows nothing of networks; circuits reach nn only
through `circuits.neuron`; nn knows nothing of circuits, data or presets)."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "engine"


def module_name(path: Path) -> str:
    parts = path.relative_to(ENGINE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every engine module `path` imports, at any depth (TYPE_CHECKING and lazy ones too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in ENGINE.rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in modules and m != name}
            for name, path in modules.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A path that returns to its start, or None (depth-first search with colours)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_finder_sees_a_circle_when_there_is_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_engine_has_no_import_circle() -> None:
    assert find_cycle(graph()) is None


def crossings(room: str) -> set[tuple[str, str]]:
    """(module, imported) pairs where a module of `room` imports another engine room."""
    prefix = f"engine.{room}"
    return {(name, target) for name, targets in graph().items() if name.startswith(prefix)
            for target in targets
            if not target.startswith(prefix) and target not in ("engine", "engine.errors")}


def test_data_knows_nothing_of_networks_or_circuits() -> None:
    assert crossings("data") == set()


def test_nn_knows_nothing_of_circuits_data_or_presets() -> None:
    assert crossings("nn") == set()


def test_circuits_reach_the_network_only_through_the_neuron_module() -> None:
    assert {module for module, _ in crossings("circuits")} == {"engine.circuits.neuron"}
