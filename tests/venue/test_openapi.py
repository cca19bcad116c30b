"""The OpenAPI 3.1 file inside the package agrees with the route table and the protocol dataclasses.

Each check is a function returning the problems it found, run on the committed spec (no
problems) and on deliberately broken copies (the problem is named), so the checks can fail.
To change the API: edit ROUTES and ``tests/venue/openapi_ops.py``, run
``python -m tests.venue.openapi_gen``, commit both.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from importlib import resources
from typing import Any

import aiohttp
import pytest

from evaluator_app.protocol import artefacts, draw, messages
from evaluator_app.venue.api.routes import ROUTES
from evaluator_app.venue.errors import NotFound
from tests.venue import openapi_gen

METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def load_spec() -> dict[str, Any]:
    return json.loads(
        resources.files("evaluator_app.venue.api").joinpath("openapi.json").read_text("utf-8")
    )


def route_problems(spec: dict[str, Any]) -> list[str]:
    in_routes = {(m.upper(), p) for m, p, _ in ROUTES}
    in_spec = {
        (m.upper(), p) for p, item in spec.get("paths", {}).items() for m in item if m in METHODS
    }
    return [f"route missing from spec: {m} {p}" for m, p in sorted(in_routes - in_spec)] + [
        f"spec names a route that does not exist: {m} {p}" for m, p in sorted(in_spec - in_routes)
    ]


def _resolve(spec: dict[str, Any], ref: str) -> Any:
    if not ref.startswith("#/"):
        raise KeyError(ref)
    node: Any = spec
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def structure_problems(spec: dict[str, Any]) -> list[str]:
    problems = []
    if not str(spec.get("openapi", "")).startswith("3.1."):
        problems.append(f"openapi must be 3.1.x, is {spec.get('openapi')!r}")
    if "bearer" not in spec.get("components", {}).get("securitySchemes", {}):
        problems.append("no bearer security scheme")
    for path, item in spec.get("paths", {}).items():
        declared_in_path = {part[1:-1] for part in path.split("/") if part.startswith("{")}
        for method, op in item.items():
            if method not in METHODS:
                continue
            if not op.get("responses"):
                problems.append(f"{method.upper()} {path}: no responses")
            params = {p["name"] for p in op.get("parameters", []) if p.get("in") == "path"}
            if params != declared_in_path:
                problems.append(
                    f"{method.upper()} {path}: path parameters {sorted(params)} "
                    f"!= {sorted(declared_in_path)}"
                )
            if op.get("security") != [] and "401" not in op.get("responses", {}):
                problems.append(f"{method.upper()} {path}: authenticated but no 401 answer")
            for code, answer in op.get("responses", {}).items():
                if not code.startswith("4"):
                    continue
                try:
                    schema = _resolve(spec, answer["$ref"])["content"]["application/json"]["schema"]
                except (KeyError, TypeError):
                    schema = None
                if schema != {"$ref": "#/components/schemas/Error"}:
                    problems.append(f"{method.upper()} {path} {code}: not the JSON error body")
    for ref in _refs(spec):
        try:
            _resolve(spec, ref)
        except (KeyError, TypeError):
            problems.append(f"unresolved $ref {ref}")
    return problems


def _protocol_class(name: str) -> type | None:
    modules = (messages, artefacts, draw)
    cls = next((c for m in modules if (c := getattr(m, name, None)) is not None), None)
    return cls if dataclasses.is_dataclass(cls) else None


def dataclass_problems(spec: dict[str, Any]) -> list[str]:
    problems = []
    schemas = spec.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        if "x-dataclass" not in schema:
            continue
        cls = _protocol_class(schema["x-dataclass"])
        if cls is None:
            problems.append(
                f"{name}: x-dataclass {schema['x-dataclass']} is not a protocol dataclass"
            )
            continue
        fields = dataclasses.fields(cls)
        if set(schema.get("properties", {})) != {f.name for f in fields}:
            problems.append(
                f"{name}: properties {sorted(schema.get('properties', {}))} "
                f"!= fields of {cls.__name__} {sorted(f.name for f in fields)}"
            )
        required = {
            f.name
            for f in fields
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        }
        if set(schema.get("required", [])) != required:
            problems.append(
                f"{name}: required {sorted(schema.get('required', []))} != {sorted(required)}"
            )
        if schema.get("additionalProperties") is not False:
            problems.append(f"{name}: must refuse unknown fields (additionalProperties: false)")
    # every JSON request body is a dataclass schema or an inline closed object
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            body = (
                op.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema")
                if isinstance(op, dict)
                else None
            )
            if body is None:
                continue
            target = _resolve(spec, body["$ref"]) if "$ref" in body else body
            if "$ref" in body and "x-dataclass" not in target:
                problems.append(
                    f"{method.upper()} {path}: request body {body['$ref']} names no dataclass"
                )
            if target.get("additionalProperties") is not False:
                problems.append(f"{method.upper()} {path}: request body accepts unknown fields")
    error = schemas.get("Error", {})
    sample = NotFound("x").body()
    if set(error.get("properties", {})) != set(sample) or set(
        schemas.get("ErrorBody", {}).get("properties", {})
    ) != set(sample["error"]):
        problems.append("Error schema differs from VenueError.body()")
    return problems


def test_spec_matches_routes_structure_and_dataclasses() -> None:
    spec = load_spec()
    assert route_problems(spec) == []
    assert structure_problems(spec) == []
    assert dataclass_problems(spec) == []


def test_spec_passes_an_openapi_31_validator() -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(load_spec(), cls=validator.OpenAPIV31SpecValidator)


def test_committed_spec_is_what_the_generator_writes() -> None:
    assert (
        resources.files("evaluator_app.venue.api").joinpath("openapi.json").read_text("utf-8")
        == openapi_gen.render()
    ), "regenerate with: python -m tests.venue.openapi_gen"


def test_checks_catch_a_missing_route_an_extra_route_and_a_stale_schema() -> None:
    spec = load_spec()
    broken = copy.deepcopy(spec)
    del broken["paths"]["/api/v1/sessions/{sid}/sheets"]["post"]
    broken["paths"]["/api/v1/sessions/{sid}/nothing"] = {
        "get": {"responses": {"200": {"description": "x"}}}
    }
    problems = route_problems(broken)
    assert "route missing from spec: POST /api/v1/sessions/{sid}/sheets" in problems
    assert "spec names a route that does not exist: GET /api/v1/sessions/{sid}/nothing" in problems

    broken = copy.deepcopy(spec)
    broken["openapi"] = "3.0.3"
    broken["paths"]["/api/v1/me"]["get"]["responses"] = {}
    broken["paths"]["/api/v1/sessions"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ] = {"$ref": "#/components/schemas/Nope"}
    problems = structure_problems(broken)
    assert any("3.1.x" in p for p in problems) and any(
        "/api/v1/me: no responses" in p for p in problems
    )
    assert "unresolved $ref #/components/schemas/Nope" in problems

    broken = copy.deepcopy(spec)
    broken["components"]["schemas"]["CreateSession"]["properties"]["extra"] = {"type": "string"}
    del broken["components"]["schemas"]["SignedUpload"]["properties"]["pdf"]
    broken["components"]["schemas"]["PhaseChange"]["required"] = ["target", "reason"]
    problems = dataclass_problems(broken)
    assert any(p.startswith("CreateSession: properties") for p in problems)
    assert any(p.startswith("SignedUpload: properties") for p in problems)
    assert any(p.startswith("PhaseChange: required") for p in problems)


async def test_venue_serves_the_spec(harness) -> None:  # type: ignore[no-untyped-def]
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{harness.base_url}/api/v1/openapi.json", ssl=harness.client_ssl) as response,
    ):
        assert response.status == 200 and response.content_type == "application/json"
        assert json.loads(await response.read()) == load_spec()
