"""A schemathesis check (loaded through SCHEMATHESIS_HOOKS) that the OpenAPI document and the
request models agree: a body the schema calls valid is never refused by the models.

Schemathesis' own positive_data_acceptance check expects 2xx for schema-valid requests. Some
rules cannot be written in JSON Schema because they depend on stored data (a sample index
within the network's data, a layer that has a bias, rows as wide as the input layer) or on
an expression's parse; those refusals are 422s whose `detail` is the one-line message. A
refusal by the request models themselves is a 422 whose `detail` is the list of validation
errors: for a schema-valid request that means schema and models disagree, which this check
reports.
"""

from __future__ import annotations

import json

import schemathesis


@schemathesis.check
def models_agree_with_schema(ctx, response, case) -> bool | None:
    """A positive (schema-valid) case must not be refused by the request models."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    try:
        detail = json.loads(response.content).get("detail")
    except (ValueError, AttributeError):
        return None
    if isinstance(detail, list):
        raise AssertionError(f"a schema-valid request was refused by the request models: "
                             f"{json.dumps(detail)[:500]}")
    return None


PRESETS = ("two-two-one", "xor", "celsius", "high-school", "deep-sigmoid")
KEPT_FIELDS = ("learning_rate", "seed", "optimizer", "reduction", "init", "init_scale")


@schemathesis.hook
def map_case(context, case):
    """Stateful scenarios start from a create that works: a preset with a few harmless
    overrides. A random full spec almost never matches its random data (layer widths,
    one activation per layer), so the scenarios would never reach step, train, reset or
    predict. The other phases keep sending every kind of create."""
    operation = context.operation
    meta = case.meta
    if (operation is None or meta is None or meta.phase.name.value != "stateful"
            or not meta.generation.mode.is_positive or operation.method.upper() != "POST"
            or operation.path != "/api/networks" or not isinstance(case.body, dict)):
        return case
    body = case.body
    preset = body.get("preset") or PRESETS[len(json.dumps(body)) % len(PRESETS)]
    case.body = {"preset": preset, **{k: body[k] for k in KEPT_FIELDS
                                      if body.get(k) is not None}}
    return case
