"""The API as a contract an integrator can rely on, checked over every operation at once (enumerated from
the API itself, so a new endpoint is covered without touching this file): one JSON error body, 422 for
whatever the schema refuses (unknown query parameters and body fields included), bounded pages, every path
with or without its trailing slash, and an OpenAPI document that names every answer."""

import json
import re
from pathlib import Path
from typing import get_args

import pytest
from django.conf import settings
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel

from catalog.models import Store
from config.api import api
from core.api import PageOut
from inventory.models import GoodsReceipt
from tests.factories import StoreFactory

pytestmark = pytest.mark.django_db

OPENAPI = None


def openapi():
    global OPENAPI
    if OPENAPI is None:  # as served: JSON, so status codes are strings
        OPENAPI = json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))
    return OPENAPI


def concrete(path):
    """A path of the document with every {param} filled (an id nobody has; names pass the schema)."""
    return re.sub(r"\{(\w+)\}", lambda m: "submit" if m.group(1) == "name" else "999999", path)


def list_operations():
    """Every GET answering a page: (path, the operation's query parameters)."""
    found = []
    for path, methods in openapi()["paths"].items():
        get = methods.get("get")
        if not get:
            continue
        schema = get["responses"]["200"]["content"]["application/json"]["schema"]
        name = schema.get("$ref", "").rsplit("/", 1)[-1]
        properties = openapi()["components"]["schemas"].get(name, {}).get("properties", {})
        if {"items", "next", "count", "limit", "offset"} <= set(properties):
            found.append((path, {p["name"]: p for p in get.get("parameters", []) if p["in"] == "query"}))
    return found


def required_query(params):
    """Values for the query parameters a list requires (the open entries' supplier and period)."""
    values = {}
    for name, param in params.items():
        if param.get("required"):
            fmt = param["schema"].get("format")
            values[name] = "2026-01-01" if fmt == "date" else "1"
    return values


def test_every_list_is_found_and_shares_one_pagination():
    paths = {path for path, _params in list_operations()}
    assert {"/api/v1/orders", "/api/v1/shipments", "/api/v1/aftersales/tickets", "/api/v1/supplier-entries",
            "/api/v1/statements", "/api/v1/statements/open-entries", "/api/v1/stock/balances",
            "/api/v1/stock/ledger", "/api/v1/stock/receipts", "/api/v1/catalog/products/"} <= paths
    for path, methods in openapi()["paths"].items():
        if "get" in methods:
            schema = methods["get"]["responses"]["200"]["content"]["application/json"]["schema"]
            assert schema.get("type") != "array", f"{path} lists without the shared pagination"
    for path, params in list_operations():
        assert {"limit", "offset", "with_count"} <= set(params), path


# The supplier portal's endpoints open only to supplier logins' tokens (accounts.tokens.SupplierTokenAuth).
PORTAL = "/api/v1/portal/"


def clients(api_client):
    """path → the client of a token that may call it: a manager's, or a supplier login's for the portal."""
    internal, _user = api_client("manager")
    supplier, _user = api_client("supplier")
    return lambda path: supplier if path.startswith(PORTAL) else internal


def test_every_list_refuses_an_unknown_parameter_and_a_wrong_type_with_422(api_client):
    client_for = clients(api_client)
    for path, params in list_operations():
        client = client_for(path)
        url = concrete(path)
        base = required_query(params)
        response = client.get(url, {**base, "bogus": "1"})
        assert response.status_code == 422, (path, response.content)
        assert response.json()["errors"] == {"bogus": ["Unknown parameter."]}, path
        for name, param in params.items():
            schema = param["schema"]
            kinds = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
            if kinds & {"integer", "number", "boolean"} or schema.get("format") in ("date", "date-time") \
                    or "enum" in schema or "$ref" in schema or any("$ref" in s for s in schema.get("anyOf", [])):
                response = client.get(url, {**base, name: "not-a-value²"})
                assert response.status_code == 422, (path, name, response.status_code)
                assert name in response.json()["errors"], (path, name, response.json())
        for bad in ({"offset": 2**64}, {"offset": -1}, {"limit": 0}, {"limit": 10**30}):
            response = client.get(url, {**base, **bad})
            assert response.status_code == 422, (path, bad)
            assert list(response.json()["errors"]) == list(bad), (path, bad)


def test_every_operation_refuses_an_unknown_query_parameter_before_doing_anything(api_client):
    client_for = clients(api_client)
    for path, methods in openapi()["paths"].items():
        for method in methods:
            url = f"{concrete(path)}?bogus=1&also=2"
            call = getattr(client_for(path), method)
            response = call(url) if method == "get" else call(url, {}, content_type="application/json")
            assert response.status_code == 422, (method, path, response.status_code)
            assert response.json()["errors"] == {"also": ["Unknown parameter."], "bogus": ["Unknown parameter."]}


def test_a_page_says_where_the_next_one_is_and_counts_only_when_asked(api_client):
    client, _user = api_client("manager")
    for _ in range(3):
        StoreFactory()
    first = client.get("/api/v1/catalog/stores/", {"limit": 2}).json()
    assert (first["count"], first["limit"], first["offset"], len(first["items"])) == (None, 2, 0, 2)
    body = client.get(first["next"]).json()
    assert body["offset"] == 2 and body["next"] is None and len(body["items"]) == 1
    counted = client.get("/api/v1/catalog/stores/", {"limit": 2, "with_count": "true"}).json()
    assert counted["count"] == Store.objects.count() == 3


def test_a_body_with_an_unknown_field_is_refused_and_changes_nothing(api_client):
    client, _user = api_client("warehouse")
    response = client.post("/api/v1/stock/receipts", {"supplier": 1, "warehouse": 1, "lines": [], "discount": 5},
                           content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == {"discount": ["Extra inputs are not permitted"]}
    assert not GoodsReceipt.objects.exists()
    nested = client.post("/api/v1/stock/receipts", {"supplier": 1, "warehouse": 1, "lines": [
        {"product": 1, "quantity": 1, "unit_cost": "1.00", "colour": "red"}]}, content_type="application/json")
    assert nested.status_code == 422 and list(nested.json()["errors"]) == ["lines.0.colour"]


def test_every_input_schema_refuses_unknown_fields():
    for path, operation in api.operations():
        for model in operation.models:
            if model.__ninja_param_source__ not in ("body",):
                continue
            for field in model.model_fields.values():
                for schema in _models(field.annotation):
                    assert schema.model_config.get("extra") == "forbid", (path, schema.__name__)


def test_an_unreadable_body_and_an_error_are_json(api_client):
    client, _user = api_client("sales")
    response = client.post("/api/v1/orders", "{not json", content_type="application/json")
    assert response.status_code == 422 and response["Content-Type"] == "application/json; charset=utf-8"
    assert "detail" in response.json()


def _other_slash(path):
    return path[:-1] if path.endswith("/") else path + "/"


def test_every_path_answers_json_with_and_without_its_trailing_slash(api_client):
    client, _user = api_client("manager")
    for path, methods in openapi()["paths"].items():
        for method in methods:
            for url in (concrete(path), _other_slash(concrete(path))):
                call = getattr(client, method)
                response = call(url, {}, content_type="application/json") if method != "get" else call(url)
                assert response.status_code not in (301, 302, 405, 500), (method, url, response.status_code)
                assert response["Content-Type"].startswith("application/json"), (method, url)
                assert "detail" in response.json() or response.status_code < 300, (method, url)


def test_a_post_to_the_other_slash_is_the_same_post(api_client):
    client, _user = api_client("manager")
    response = client.post("/api/v1/catalog/warehouses", {"code": "gz", "name": "Guangzhou"},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["code"] == "gz"
    assert client.get(f"/api/v1/catalog/warehouses/{response.json()['id']}").json()["name"] == "Guangzhou"


@pytest.mark.parametrize("url", ["/api/v1/nope", "/api/v1/nope/", "/api/v2/orders", "/api/", "/api/v1/orders/x/y"])
def test_an_unknown_api_path_is_the_json_404(client, url):
    for method in ("get", "post", "patch"):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url)
        assert response.json() == {"detail": "Not found."}


def test_a_wrong_method_is_json_too(api_client):
    client, _user = api_client("manager")
    response = client.delete("/api/v1/orders")
    assert response.status_code == 405 and response.json()["detail"]


def test_the_openapi_document_declares_every_answer_with_the_error_body():
    document = openapi()
    error_ref = "#/components/schemas/ErrorOut"
    operation_ids = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            statuses = {"401", "403", "404", "422"} | ({"400", "409"} if method != "get" else set())
            declared = {str(status) for status in operation["responses"]}
            assert statuses <= declared, (method, path, statuses - declared)
            assert operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"] == error_ref
            assert operation.get("description"), (method, path)
            operation_ids.append(operation["operationId"])
    assert len(operation_ids) == len(set(operation_ids))
    for operation_id in operation_ids:
        assert re.fullmatch(r"[a-z]+_[a-z_]+", operation_id) and "_api_" not in operation_id, operation_id
    assert "shipments_approve" in operation_ids
    transition = document["paths"]["/api/v1/aftersales/tickets/{ticket_id}/transitions/{name}"]["post"]
    name = next(p for p in transition["parameters"] if p["name"] == "name")
    assert set(name["schema"]["enum"]) >= {"submit", "approve", "resolve", "close"}


def _models(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models(field.annotation)
    for arg in get_args(annotation):
        yield from _models(arg)


def test_no_two_schemas_share_a_component_name():
    """Component names are class names: two classes of one name would overwrite each other in the document
    (OrderOut.lines once pointed at the shipment line schema that way)."""
    by_name = {}
    for _path, operation in api.operations():
        models = list(operation.models) + [m for m in operation.response_models.values() if m is not None]
        for model in models:
            for field in model.model_fields.values():
                for schema in _models(field.annotation):
                    by_name.setdefault(schema.__name__, set()).add(schema)
    clashes = {name: classes for name, classes in by_name.items() if len(classes) > 1}
    assert not clashes
    components = openapi()["components"]["schemas"]
    order_lines = components["OrderOut"]["properties"]["lines"]["items"]["$ref"]
    assert order_lines.endswith("/OrderLineOut") and "open_quantity" in components["OrderLineOut"]["properties"]
    assert issubclass(by_name["OrderRowPage"].pop(), PageOut)


def test_every_schema_is_described():
    for name, schema in openapi()["components"]["schemas"].items():
        if "enum" in schema:
            continue
        assert schema.get("description"), name


def test_the_docs_page_is_served_from_our_own_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/static/vendor/swagger-ui/swagger-ui.css" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "nothing from a CDN"
    settings_json = json.loads(re.search(r'id="swagger-settings">(.*?)</script>', html, re.S).group(1))
    assert settings_json["url"] == "/api/v1/openapi.json"
    base = Path(settings.BASE_DIR)
    assert "swagger-ui-dist" in json.loads((base / "package.json").read_text())["dependencies"]
    assert "swagger-ui-dist" in (base / "package-lock.json").read_text()
    vendor = (base / "scripts/vendor_assets.sh").read_text()
    assert "swagger-ui-dist/swagger-ui-bundle.js" in vendor and "swagger-ui-dist/swagger-ui.css" in vendor


@pytest.mark.parametrize("params", [{"store": 2**70}, {"store": -(2**64)}, {"external_order_no": "A\x00B"}])
def test_a_filter_value_no_column_can_hold_is_a_422_not_a_500(api_client, params):
    client, _user = api_client("manager")
    response = client.get("/api/v1/orders", params)
    assert response.status_code == 422 and list(response.json()["errors"]) == list(params)


def test_a_path_id_beyond_a_bigint_is_refused_as_json(api_client):
    client, _user = api_client("manager")
    response = client.get(f"/api/v1/shipments/{2**70}")
    assert response.status_code in (404, 422) and response.json()["detail"]
    assert client.get("/api/v1/supplier-entries", {"supplier": 2**63}).status_code == 422
