"""The docs page (/api/v1/docs/): the published OpenAPI document read back in Chinese for an app team — each
operation with its parameters, request fields and answers, each schema with its fields. Server-rendered from
the same document as /api/v1/openapi.json (nothing written twice, no script, no CDN)."""

from functools import lru_cache

from drf_spectacular.generators import SchemaGenerator

SECURITY = {"bearer": "须登录（Authorization: Bearer 访问令牌）", "partnerKey": "合作应用密钥（X-Api-Key）"}
TAGS = {
    "auth": "登录与令牌",
    "me": "本人信息与个人信息变更",
    "account": "个人账户与缴存明细",
    "documents": "证明打印",
    "messages": "消息中心",
    "withdrawals": "提取",
    "applications": "我发起的（申请与材料）",
    "loans": "我的贷款",
    "loan-applications": "我发起的（贷款申请）",
    "standing": "委托提取",
    "consents": "授权管理",
    "partner": "合作应用接口",
}
WHERE = {"path": "路径", "query": "查询参数", "header": "请求头"}
PARAM_TEXT = {  # path parameters drf-spectacular reads from the URL without a description
    "application_id": "申请的 id（申请列表、提交答复中的 id）", "message_id": "消息的 id",
    "standing_id": "委托提取协议的 id", "client_id": "合作应用编号（中心公布）",
}  # fmt: skip


@lru_cache(maxsize=1)
def openapi_document() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _type(node: dict, schemas: dict) -> str:
    if "$ref" in node:
        return node["$ref"].rsplit("/", 1)[-1]
    if "allOf" in node:
        return " / ".join(_type(n, schemas) for n in node["allOf"])
    if node.get("type") == "array":
        return f"{_type(node.get('items', {}), schemas)} 的列表"
    kind = {"string": "字符串", "integer": "整数", "boolean": "true/false", "object": "对象", "number": "数"}.get(
        node.get("type", ""), node.get("type", "")
    )
    fmt = {"decimal": "（十进制字符串）", "date": "（日期 YYYY-MM-DD）", "date-time": "（时间 ISO 8601，+08:00）",
           "uuid": "（UUID）", "binary": "（文件）"}.get(node.get("format", ""), "")  # fmt: skip
    enum = f"：{' / '.join(str(v) for v in node['enum'])}" if node.get("enum") else ""
    return f"{kind}{fmt}{enum}" + ("，可为 null" if node.get("nullable") else "")


def _fields(node: dict, schemas: dict) -> list[dict]:
    node = schemas.get(node["$ref"].rsplit("/", 1)[-1], {}) if "$ref" in node else node
    required = set(node.get("required", []))
    return [
        {"name": name, "type": _type(prop, schemas), "required": name in required,
         "text": prop.get("description", "") or _ref_description(prop, schemas)}
        for name, prop in node.get("properties", {}).items()
    ]  # fmt: skip


def _ref_description(prop: dict, schemas: dict) -> str:
    if "allOf" in prop and prop["allOf"] and "$ref" in prop["allOf"][0]:
        return schemas.get(prop["allOf"][0]["$ref"].rsplit("/", 1)[-1], {}).get("description", "")
    return ""


def _parameter(p: dict, schemas: dict) -> dict:
    text = p.get("description", "") or PARAM_TEXT.get(p["name"], "")
    return {"name": p["name"], "where": WHERE.get(p["in"], p["in"]), "required": p.get("required", False),
            "type": _type(p.get("schema", {}), schemas), "text": text}  # fmt: skip


def _answer(status: str, answer: dict, schemas: dict) -> dict:
    content: dict = answer.get("content") or {}
    media = next(iter(content), None)
    node: dict = content[media].get("schema", {}) if media else {}
    items = node.get("items", {}) if node.get("type") == "array" else node
    model = items["$ref"].rsplit("/", 1)[-1] if "$ref" in items else None
    return {"status": status, "text": answer.get("description", ""), "model": model,
            "label": _type(node, schemas) if node else "—", "media": media}  # fmt: skip


def docs_sections() -> tuple[list[dict], list[dict]]:
    """(operations grouped by tag in the document's order, schemas) for the template."""
    document = openapi_document()
    schemas = document.get("components", {}).get("schemas", {})
    groups: dict[str, dict] = {}
    for path, item in document["paths"].items():
        for method, op in item.items():
            tag = (op.get("tags") or ["其他"])[0]
            group = groups.setdefault(tag, {"tag": tag, "title": TAGS.get(tag, tag), "operations": []})
            body = op.get("requestBody", {}).get("content", {})
            media, schema = next(iter(body.items()), (None, None))
            security = [next(iter(s), "") for s in op.get("security", [])]
            group["operations"].append({
                "id": op["operationId"], "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "description": op.get("description", ""),
                "security": "、".join(SECURITY[s] for s in security if s in SECURITY) or "无需登录",
                "parameters": [_parameter(p, schemas) for p in op.get("parameters", [])],
                "media": media, "body": _fields(schema["schema"], schemas) if schema else [],
                "body_name": _type(schema["schema"], schemas) if schema else "",
                "answers": [_answer(status, answer, schemas) for status, answer in op["responses"].items()
                            if not status.startswith(("4", "5"))],
                "errors": "、".join(s for s in op["responses"] if s.startswith(("4", "5"))),
            })  # fmt: skip
    models = [{"name": name, "text": node.get("description", ""), "fields": _fields(node, schemas)}
              for name, node in sorted(schemas.items())]  # fmt: skip
    order = list(TAGS)
    return sorted(groups.values(), key=lambda g: order.index(g["tag"]) if g["tag"] in order else len(order)), models
