"""A client that knows only the published OpenAPI document: it finds each operation by its operationId,
builds the URL from the path template, refuses to send a field or parameter the document does not declare,
and checks every answer against the document (the status must be declared, the body must match its schema).
The app team's view of the API: if the contract and the code drift apart, these tests fail."""

import json
import re
import uuid

TYPES = {"integer": int, "number": (int, float), "boolean": bool}
FORMATS = {"date-time": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00", "date": r"\d{4}-\d\d-\d\d"}


class ContractError(AssertionError):
    pass


class OpenApiClient:
    def __init__(self, http, schema: dict):
        self.http, self.schema = http, schema
        self.ops = {}
        for path, item in schema["paths"].items():
            for method, op in item.items():
                self.ops[op["operationId"]] = (method, path, op)
        self.token: str | None = None
        self.api_key: str | None = None

    # --- schema ---------------------------------------------------------------------------------------
    def resolve(self, node: dict) -> dict:
        while "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            node = self.schema["components"]["schemas"][name]
        return node

    def check(self, node: dict, value, where: str = "$") -> None:
        node = self.resolve(node)
        if "allOf" in node:
            for part in node["allOf"]:
                self.check(part, value, where)
            return
        if "oneOf" in node or "anyOf" in node:
            self._one_of(node.get("oneOf") or node.get("anyOf"), value, where)
            return
        if value is None:
            if node.get("nullable") or node.get("type") is None and not node.get("enum"):
                return
            raise ContractError(f"{where}: null where the document does not allow it")
        if "enum" in node and value not in node["enum"]:
            raise ContractError(f"{where}: {value!r} not in {node['enum']}")
        kind = node.get("type")
        if kind == "object":
            self._object(node, value, where)
        elif kind == "array":
            if not isinstance(value, list):
                raise ContractError(f"{where}: expected an array")
            for index, item in enumerate(value):
                self.check(node.get("items", {}), item, f"{where}[{index}]")
        elif kind == "string":
            self._string(node, value, where)
        elif kind in TYPES and (not isinstance(value, TYPES[kind]) or isinstance(value, bool) != (kind == "boolean")):
            raise ContractError(f"{where}: expected {kind}, got {value!r}")

    def _one_of(self, options, value, where):
        errors = []
        for option in options:
            try:
                self.check(option, value, where)
                return
            except ContractError as exc:
                errors.append(str(exc))
        raise ContractError(f"{where}: matches none of {errors}")

    def _object(self, node, value, where):
        if not isinstance(value, dict):
            raise ContractError(f"{where}: expected an object, got {value!r}")
        props = node.get("properties", {})
        missing = [name for name in node.get("required", []) if name not in value]
        if missing:
            raise ContractError(f"{where}: required {missing} missing")
        extra = node.get("additionalProperties")
        for name, item in value.items():
            if name in props:
                self.check(props[name], item, f"{where}.{name}")
            elif isinstance(extra, dict):
                self.check(extra, item, f"{where}.{name}")
            elif props:
                raise ContractError(f"{where}: {name!r} is not in the document")

    @staticmethod
    def _string(node, value, where):
        if not isinstance(value, str):
            raise ContractError(f"{where}: expected a string, got {value!r}")
        if (pattern := node.get("pattern")) and not re.search(pattern, value):
            raise ContractError(f"{where}: {value!r} does not match {pattern}")
        fmt = node.get("format")
        if fmt == "uuid":
            uuid.UUID(value)
        if fmt in FORMATS and not re.fullmatch(FORMATS[fmt], value):
            raise ContractError(f"{where}: {value!r} is not {fmt} (ISO 8601, +08:00)")

    # --- calls ----------------------------------------------------------------------------------------
    def call(self, operation_id: str, *, path=None, query=None, body=None, files=None, headers=None, auth=True):
        method, template, op = self.ops[operation_id]
        params = {(p["in"], p["name"]): p for p in op.get("parameters", [])}
        url = self._url(operation_id, template, params, path, query, headers)
        sent_headers = dict(headers or {})
        kwargs = self._body(operation_id, op, body, files)
        if auth and self.token:
            sent_headers["Authorization"] = f"Bearer {self.token}"
        if auth and self.api_key:
            sent_headers["X-Api-Key"] = self.api_key
        status, content_type, raw = self.http(method, url, query or {}, sent_headers, **kwargs)
        return self._answer(operation_id, op, status, content_type, raw)

    @staticmethod
    def _url(operation_id, template, params, path, query, headers):
        url = template
        for name, value in (path or {}).items():
            if ("path", name) not in params:
                raise ContractError(f"{operation_id}: no path parameter {name}")
            url = url.replace("{" + name + "}", str(value))
        if "{" in url:
            raise ContractError(f"{operation_id}: unfilled path parameter in {url}")
        for name in query or {}:
            if ("query", name) not in params:
                raise ContractError(f"{operation_id}: no query parameter {name}")
        for name in headers or {}:
            if ("header", name) not in params:
                raise ContractError(f"{operation_id}: no header parameter {name}")
        for (where, name), p in params.items():
            if where == "header" and p.get("required") and name not in (headers or {}):
                raise ContractError(f"{operation_id}: required header {name} missing")
        return url

    def _body(self, operation_id, op, body, files) -> dict:
        kwargs: dict = {}
        if body is not None or files is not None:
            content = op.get("requestBody", {}).get("content", {})
            media = "multipart/form-data" if files is not None else "application/json"
            if media not in content:
                raise ContractError(f"{operation_id}: the document takes no {media} body")
            declared = self.resolve(content[media]["schema"])
            unknown = set(body or {}) - set(declared.get("properties", {})) - set(files or {})
            if unknown:
                raise ContractError(f"{operation_id}: fields not in the document: {unknown}")
            kwargs = {"media": media, "body": body or {}, "files": files}
        return kwargs

    def _answer(self, operation_id, op, status, content_type, raw):
        responses = op["responses"]
        if str(status) not in responses:
            raise ContractError(f"{operation_id}: status {status} is not declared ({list(responses)}): {raw[:300]!r}")
        declared = responses[str(status)].get("content", {})
        if "application/pdf" in declared:
            assert content_type.startswith("application/pdf"), content_type
            return status, raw
        if not declared:
            return status, None
        data = json.loads(raw)
        self.check(declared["application/json"]["schema"], data, f"{operation_id}:{status}")
        return status, data


def django_http(client, prefix: str = ""):
    """The transport over Django's test client (or a requests.Session with a base URL: `requests_http`)."""

    def send(method, url, query, headers, media=None, body=None, files=None):
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        target = prefix + url
        if method == "get":
            response = client.get(target, query, **extra)
        elif media == "multipart/form-data":
            response = getattr(client, method)(target, {**body, **files}, **extra)
        else:
            data = json.dumps(body) if body is not None else ""
            response = getattr(client, method)(target, data, content_type="application/json", **extra)
        return response.status_code, response.get("Content-Type", ""), response.content

    return send


def requests_http(session, base: str):
    def send(method, url, query, headers, media=None, body=None, files=None):
        if media == "multipart/form-data":
            response = session.request(method, base + url, params=query, headers=headers, data=body, files=files)
        else:
            response = session.request(method, base + url, params=query, headers=headers, json=body)
        return response.status_code, response.headers.get("Content-Type", ""), response.content

    return send
