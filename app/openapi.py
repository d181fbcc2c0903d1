"""The OpenAPI document, exact: every $ref resolves, every SSE event is a schema, and links
tell a client (and stateful fuzzers) that a created id feeds the routes under it.

FastAPI builds the document from the routes; this adds what it cannot see: the JSON body
of `POST /api/datasets` (the route reads its body itself, to also take CSV), the events of a
streamed train, and OpenAPI links from each create to the operations on what it created.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from app.schemas.datasets import DatasetCreate
from app.schemas.training import SSE_EVENTS

REF = "#/components/schemas/{model}"
# Operation (method, path) that creates something → the path parameter its `id` fills.
CREATES = {
    ("post", "/api/networks"): ("/api/networks/{network_id}", "network_id"),
    ("post", "/api/networks/import"): ("/api/networks/{network_id}", "network_id"),
    ("post", "/api/datasets"): ("/api/datasets/{dataset_id}", "dataset_id"),
}


def sse_schema() -> dict[str, Any]:
    """The text/event-stream body: a string of events, each event's data named by schema."""
    return {
        "type": "string",
        "description": "`event: NAME` + `data: JSON` blocks; `x-sse-events` gives each "
                       "event's data schema. Lines starting with `:` are keep-alive comments.",
        "x-sse-events": {name: {"$ref": REF.format(model=model.__name__)}
                         for name, model in SSE_EVENTS.items()},
    }


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


def install(app: FastAPI) -> None:
    """Replace app.openapi with the exact document (built once, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version,
                                   description=app.description, routes=app.routes)
            _add_schemas(document, [(DatasetCreate, "validation")])
            _add_schemas(document, [(model, "serialization") for model in SSE_EVENTS.values()])
            _add_links(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
