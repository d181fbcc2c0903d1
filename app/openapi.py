"""The OpenAPI document, exact: every $ref resolves, every SSE event is a schema, and links
tell a client (and stateful fuzzers) that a created id feeds the routes under it.

FastAPI builds the document from the routes; this adds what it cannot see: the JSON body
of `POST /api/datasets` (the route reads its body itself, to also take CSV), the events of a
streamed train, and OpenAPI links from each create to the operations on what it created.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from app.quotas import CREATES as QUOTA_CREATES
from app.ratelimit import RULES
from app.schemas.datasets import DatasetCreate
from app.schemas.sessions import SessionImport
from app.schemas.training import SSE_EVENTS
from app.settings import Settings

REF = "#/components/schemas/{model}"
# Operation (method, path) that creates something → the path parameter its `id` fills.
CREATES = {
    ("post", "/api/networks"): ("/api/networks/{network_id}", "network_id"),
    ("post", "/api/networks/import"): ("/api/networks/{network_id}", "network_id"),
    ("post", "/api/datasets"): ("/api/datasets/{dataset_id}", "dataset_id"),
}


def sse_schema() -> dict[str, Any]:
    """One Server-Sent Event, as OpenAPI 3.2 (and tools reading 3.1) describe event streams:
    its `event` name and its `data`, a JSON document of the schema that name selects.
    Lines starting with `:` are keep-alive comments, not events."""
    return {"oneOf": [{
        "type": "object", "required": ["event", "data"],
        "properties": {
            "event": {"const": name},
            "data": {"type": "string", "contentMediaType": "application/json",
                     "contentSchema": {"$ref": REF.format(model=model.__name__)}},
        },
    } for name, model in SSE_EVENTS.items()]}


def _add_schemas(document: dict[str, Any], models: list[tuple[type[BaseModel], str]]) -> None:
    """Put models (and the models they use) into components, keeping FastAPI's own."""
    _, defs = models_json_schema(models, ref_template=REF)  # type: ignore[arg-type]
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in defs.get("$defs", {}).items():
        schemas.setdefault(name, schema)


def _link_name(method: str, path: str) -> str:
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    return f"{method}_{'item' if tail.startswith('{') else tail}"


def _add_links(document: dict[str, Any]) -> None:
    """Each create's 201 links to every operation on the id it answers with."""
    paths = document["paths"]
    for (method, path), (prefix, param) in CREATES.items():
        response = paths.get(path, {}).get(method, {}).get("responses", {}).get("201")
        if response is None:
            continue
        links = response.setdefault("links", {})
        for target, operations in paths.items():
            if not target.startswith(prefix):
                continue
            for target_method, operation in operations.items():
                links[_link_name(target_method, target)] = {
                    "operationId": operation["operationId"],
                    "parameters": {param: "$response.body#/id"},
                }


# Component names as resources: a tool reading `dataset_id` in a create looks for a
# `Dataset` that some operation answers with (schemathesis' stateful tests start from there).
RESOURCE_NAMES = {"DatasetPublic": "Dataset"}


def _rename_components(document: dict[str, Any]) -> dict[str, Any]:
    """Rename schemas (and every $ref to them) to the names of the resources they are."""
    text = json.dumps(document)
    for old, new in RESOURCE_NAMES.items():
        text = text.replace(f'"{REF.format(model=old)}"', f'"{REF.format(model=new)}"')
    renamed: dict[str, Any] = json.loads(text)
    schemas = renamed["components"]["schemas"]
    for old, new in RESOURCE_NAMES.items():
        schemas[new] = schemas.pop(old)
    return renamed


def _server_limits(document: dict[str, Any], settings: Settings) -> None:
    """The schema states this server's limits where its settings lower the API's ceilings."""
    schemas = document["components"]["schemas"]
    schemas["TrainRequest"]["properties"]["epochs"]["maximum"] = settings.max_epochs
    for holder in (schemas["LiveOptions"]["properties"]["grid_resolution"]["anyOf"],
                   *(p["schema"].get("anyOf", []) for p in document["paths"][
                       "/api/networks/{network_id}/predict"]["get"]["parameters"]
                     if p["name"] == "resolution")):
        for option in holder:
            if option.get("type") == "integer":
                option["maximum"] = settings.max_grid_resolution


RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before trying again",
                               "schema": {"type": "integer"}}}
ERROR_REF = {"application/json": {"schema": {"$ref": REF.format(model="ErrorBody")}}}


def _limit_answers(document: dict[str, Any]) -> None:
    """429 on the rate-limited operations (app/ratelimit.py), 507 on the creates a full
    store refuses (app/quotas.py), each with its Retry-After."""
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            concrete = re.sub(r"\{[^/]+\}", "x", path)
            responses = operation.setdefault("responses", {})
            if any(rule.method == method.upper() and rule.path.match(concrete)
                   for rule in RULES):
                responses["429"] = {
                    "description": "Too many such requests (per address, per network or in "
                                   "total); `message` names the limit.",
                    "headers": RETRY_AFTER, "content": ERROR_REF}
            if method == "post" and QUOTA_CREATES.match(path):
                responses["507"] = {
                    "description": "The server holds its maximum of networks or bytes; "
                                   "`message` says which.",
                    "headers": RETRY_AFTER, "content": ERROR_REF}


def install(app: FastAPI, settings: Settings) -> None:
    """Replace app.openapi with the exact document (built once, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version,
                                   description=app.description, routes=app.routes)
            _add_schemas(document, [(DatasetCreate, "validation"),
                                    (SessionImport, "validation")])
            _add_schemas(document, [(model, "serialization") for model in SSE_EVENTS.values()])
            _add_links(document)
            _server_limits(document, settings)
            _limit_answers(document)
            app.openapi_schema = _rename_components(document)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
