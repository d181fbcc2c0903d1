"""Cross-field rules of request bodies, written as JSON Schema so the OpenAPI document says
what the models' validators enforce (clients and fuzzers then send only acceptable bodies).

Each function returns a schema fragment; `rules(...)` joins them for `json_schema_extra`.
"Given" means present and not null, as the validators read it.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

Schema = dict[str, Any]


def given(name: str) -> Schema:
    """The field is present and not null."""
    return {"required": [name], "properties": {name: {"not": {"type": "null"}}}}


def any_given(*names: str) -> Schema:
    """At least one of the fields is given."""
    return {"anyOf": [given(name) for name in names]}


def together(*names: str) -> Schema:
    """All of the fields, or none of them."""
    return {"anyOf": [{"allOf": [given(n) for n in names]}, {"not": any_given(*names)}]}


def at_most_one(*groups: str | tuple[str, ...]) -> Schema:
    """No two of the groups (a field, or fields that go together) are given at once."""
    sets = [(g,) if isinstance(g, str) else g for g in groups]
    return {"not": {"anyOf": [{"allOf": [any_given(*a), any_given(*b)]}
                              for a, b in combinations(sets, 2)]}}


def nonempty(name: str) -> Schema:
    """The field is a list with at least one item."""
    return {"required": [name], "properties": {name: {"type": "array", "minItems": 1}}}


def only_with(name: str, needs: Schema, refuses: Schema) -> Schema:
    """When `name` is given, `needs` holds and `refuses` does not."""
    return {"anyOf": [{"not": given(name)}, {"allOf": [needs, {"not": refuses}]}]}


def rules(*fragments: Schema, **extra: Any) -> Schema:
    """`json_schema_extra` for a model: every rule must hold (allOf), plus e.g. examples."""
    return {"allOf": list(fragments), **extra}
