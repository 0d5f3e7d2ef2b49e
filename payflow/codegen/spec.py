"""Read an OpenAPI 3.0/3.1 document into the small model the client templates render.

What is understood: path/query/header parameters (also ``$ref``'d, path-level or per
operation), JSON request bodies (``$ref``'d or inline), raw binary bodies, JSON success
responses (one model per documented 2xx), empty responses (204) and non-JSON responses (raw
bytes). Inline request/response schemas are hoisted into ``components/schemas`` under a name
derived from the operation so datamodel-code-generator models them like any other schema.

Everything else a client would have to get right and this generator does not (cookie
parameters, ``deepObject``/``spaceDelimited``/``pipeDelimited`` styles, object-valued query
parameters, form and multipart bodies, parameters described by ``content``) is refused with a
``CodegenError`` naming the construct and where it is, e.g.
``unsupported: parameter style 'deepObject' at GET /x``. Nothing is silently skipped.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from payflow.codegen.errors import CodegenError
from payflow.codegen.naming import (
    RESERVED,
    operation_name_from_path,
    pascal_case,
    safe_identifier,
    snake_case,
)

__all__ = ["Body", "Operation", "Param", "Response", "Spec", "load_spec"]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
IDEMPOTENCY_HEADER = "idempotency-key"
#: Header parameters the runtime sets itself (auth, content negotiation).
MANAGED_HEADERS = frozenset({"authorization", "x-api-key", "accept", "content-type"})
_JSON_TYPE = re.compile(r"^application/([\w.+-]*\+)?json(;.*)?$|^\*/\*$", re.IGNORECASE)
_BINARY_TYPES = ("application/octet-stream",)
_PRIMITIVES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


@dataclass
class Param:
    name: str  # on the wire
    py_name: str
    location: str  # path | query | header
    required: bool
    annotation: str
    description: str = ""
    explode: bool = True
    is_array: bool = False


@dataclass
class Body:
    annotation: str
    required: bool
    kind: str  # json | bytes
    content_type: str
    description: str = ""


@dataclass
class Response:
    status: str  # "200", "2XX", "default"
    annotation: str  # python type of the result
    runtime: str  # expression for the runtime's response table
    kind: str  # model | empty | bytes


@dataclass
class Operation:
    name: str
    operation_id: str
    method: str
    path: str
    summary: str
    description: str
    params: list[Param]
    body: Body | None
    responses: list[Response]
    takes_idempotency_key: bool

    @property
    def where(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def return_annotation(self) -> str:
        kinds = list(dict.fromkeys(r.annotation for r in self.responses))
        return " | ".join(kinds) if kinds else "None"

    @property
    def path_params(self) -> list[Param]:
        return [p for p in self.params if p.location == "path"]

    @property
    def keyword_params(self) -> list[Param]:
        rest = [p for p in self.params if p.location != "path"]
        return [p for p in rest if p.required] + [p for p in rest if not p.required]


@dataclass
class ExternalModel:
    file: str  # relative to the spec
    fragment: str  # "" or "/$defs/Name"
    module: str  # module name inside the models package (file stem, - and . -> _)
    class_name: str


@dataclass
class Spec:
    path: Path
    document: dict[str, Any]  # normalised: inline bodies/responses hoisted
    version: str
    title: str
    operations: list[Operation] = field(default_factory=list)
    external: dict[str, ExternalModel] = field(default_factory=dict)  # component -> model
    local_components: list[str] = field(default_factory=list)

    @property
    def external_files(self) -> list[str]:
        return sorted({m.file for m in self.external.values()})


def load_document(path: Path) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CodegenError(f"cannot read {path}: {exc.strerror}") from None
    try:
        data = json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise CodegenError(f"{path} is not valid JSON/YAML: {exc}") from None
    if not isinstance(data, dict):
        raise CodegenError(f"{path} is not an OpenAPI document (no mapping at the top)")
    return data


def module_for_file(file_name: str) -> str:
    """``workflow-execution-request.v1.schema.json`` -> ``workflow_execution_request_v1_schema``
    (the module datamodel-code-generator writes for that file)."""
    stem = file_name.rsplit("/", 1)[-1]
    if stem.endswith(".json"):
        stem = stem[: -len(".json")]
    return re.sub(r"[^0-9a-zA-Z_]", "_", stem)


class _Reader:
    def __init__(self, path: Path, document: dict[str, Any]) -> None:
        self.path = path
        self.doc = document
        self.external: dict[str, ExternalModel] = {}
        self._file_cache: dict[str, Any] = {}

    # -- references ------------------------------------------------------------------------

    def resolve(self, node: Any, where: str, kind: str) -> Any:
        """Follow local ``$ref``s (``#/components/...``) of parameters, bodies, responses."""
        seen = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise CodegenError(f"unsupported: external $ref '{ref}' to a {kind} at {where}")
            if ref in seen:
                raise CodegenError(f"circular $ref '{ref}' at {where}")
            seen.add(ref)
            node = self.doc
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(node, dict) or part not in node:
                    raise CodegenError(f"unresolvable $ref '{ref}' at {where}")
                node = node[part]
        return node

    def _external_file(self, file: str) -> Any:
        if file not in self._file_cache:
            target = self.path.parent / file
            try:
                self._file_cache[file] = json.loads(target.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CodegenError(f"cannot read the schema file {file} ($ref'd): {exc}") from None
        return self._file_cache[file]

    def external_model(self, ref: str, where: str) -> ExternalModel:
        file, _, fragment = ref.partition("#")
        if not file.endswith(".json"):
            raise CodegenError(
                f"unsupported: external $ref '{ref}' (only JSON Schema files) at {where}"
            )
        node = self._external_file(file)
        name = None
        for part in [p for p in fragment.split("/") if p]:
            if not isinstance(node, dict) or part not in node:
                raise CodegenError(f"unresolvable $ref '{ref}' at {where}")
            node, name = node[part], part
        title = node.get("title") if isinstance(node, dict) else None
        class_name = title or name
        if not class_name:
            raise CodegenError(f"cannot name the model of '{ref}' (no title) at {where}")
        return ExternalModel(file, fragment, module_for_file(file), re.sub(r"\W", "", class_name))

    # -- types -----------------------------------------------------------------------------

    def annotation(self, schema: Any, where: str) -> str:
        """Python annotation for a schema (component refs become model names)."""
        if schema is None or schema is True or schema == {}:
            return "Any"
        if not isinstance(schema, dict):
            raise CodegenError(f"unsupported: schema {schema!r} at {where}")
        if "$ref" in schema:
            ref = schema["$ref"]
            prefix = "#/components/schemas/"
            if ref.startswith(prefix):
                return f"@{ref[len(prefix) :]}"  # placeholder, resolved after models exist
            if not ref.startswith("#"):
                key = f"__external__{ref}"
                self.external[key] = self.external_model(ref, where)
                return f"@{key}"
            raise CodegenError(f"unsupported: $ref '{ref}' in a schema at {where}")
        for combo in ("oneOf", "anyOf"):
            if combo in schema:
                parts = [self.annotation(s, where) for s in schema[combo]]
                return " | ".join(dict.fromkeys(parts))
        if "allOf" in schema:
            if len(schema["allOf"]) == 1:
                return self.annotation(schema["allOf"][0], where)
            return "dict[str, Any]"
        nullable = bool(schema.get("nullable"))
        types = schema.get("type")
        if isinstance(types, list):
            nullable = nullable or "null" in types
            types = [t for t in types if t != "null"]
            if len(types) != 1:
                inner = " | ".join(self.annotation({**schema, "type": t}, where) for t in types)
                return f"{inner} | None" if nullable else inner or "Any"
            types = types[0]
        if "enum" in schema and all(isinstance(v, str | int | bool) for v in schema["enum"]):
            values = [v for v in schema["enum"] if v is not None]
            text = f"Literal[{', '.join(repr(v) for v in values)}]"
        elif "const" in schema:
            text = f"Literal[{schema['const']!r}]"
        elif types in _PRIMITIVES:
            text = _PRIMITIVES[types]
            if types == "string" and schema.get("format") == "binary":
                text = "bytes"
        elif types == "array":
            text = f"list[{self.annotation(schema.get('items'), where)}]"
        elif types == "object" or "properties" in schema:
            text = "dict[str, Any]"
        else:
            text = "Any"
        return f"{text} | None" if nullable else text


def _is_inline_model(schema: Any) -> bool:
    """An inline schema datamodel-code-generator should model (vs. a plain Python type)."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return False
    if schema.get("type") == "array":
        return _is_inline_model(schema.get("items"))
    return bool(
        schema.get("type") == "object"
        or "properties" in schema
        or any(k in schema for k in ("oneOf", "anyOf", "allOf"))
    )


def _json_media(content: dict[str, Any]) -> tuple[str, Any] | None:
    for media, body in content.items():
        if _JSON_TYPE.match(media.strip()):
            return media, body
    return None


def _operation_names(
    doc: dict[str, Any],
) -> list[tuple[str, str, dict[str, Any], dict[str, Any], str]]:
    """(path, method, operation, path item, python name) in document order; names unique."""
    out = []
    names: dict[str, str] = {}
    for path, item in (doc.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        if "$ref" in item:
            raise CodegenError(f"unsupported: path item $ref at {path}")
        for method in HTTP_METHODS:
            op = item.get(method)
            if op is None:
                continue
            where = f"{method.upper()} {path}"
            op_id = op.get("operationId")
            name = safe_identifier(
                snake_case(op_id) if op_id else operation_name_from_path(method, path)
            )
            if name in names:
                raise CodegenError(
                    f"two operations map to the method name '{name}': {names[name]} and {where}"
                )
            if name.startswith("_") or name in {"close", "with_options"}:
                raise CodegenError(
                    f"operation name '{name}' at {where} would shadow client internals"
                )
            names[name] = where
            out.append((path, method, op, item, name))
    return out


def _hoist_inline_schemas(doc: dict[str, Any]) -> None:
    """Give inline body/response object schemas a component name of their own."""
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for _path, _method, op, _item, name in _operation_names(doc):
        base = pascal_case(name)
        targets = []
        body = op.get("requestBody")
        if isinstance(body, dict) and "content" in body:
            targets.append((body["content"], f"{base}Request"))
        success = [s for s in (op.get("responses") or {}) if str(s).startswith("2")]
        for status in success:
            resp = op["responses"][status]
            if isinstance(resp, dict) and "content" in resp:
                suffix = "Response" if len(success) == 1 else f"Response{status}"
                targets.append((resp["content"], base + suffix))
        for content, wanted in targets:
            found = _json_media(content or {})
            if not found or not _is_inline_model(found[1].get("schema")):
                continue
            component = wanted
            n = 2
            while component in schemas:
                component, n = f"{wanted}{n}", n + 1
            schemas[component] = found[1]["schema"]
            found[1]["schema"] = {"$ref": f"#/components/schemas/{component}"}


def _param(reader: _Reader, raw: Any, where: str) -> Param | None:
    p = reader.resolve(raw, where, "parameter")
    name, location = p.get("name"), p.get("in")
    if not name or location not in {"path", "query", "header", "cookie"}:
        raise CodegenError(f"invalid parameter {p!r} at {where}")
    if location == "cookie":
        raise CodegenError(f"unsupported: cookie parameter '{name}' at {where}")
    if "content" in p:
        raise CodegenError(f"unsupported: parameter '{name}' described by content at {where}")
    if location == "header" and name.lower() in MANAGED_HEADERS:
        return None  # set by the runtime; OpenAPI says such parameters are ignored
    default_style = {"path": "simple", "header": "simple", "query": "form"}[location]
    style = p.get("style", default_style)
    if style != default_style:
        raise CodegenError(f"unsupported: parameter style '{style}' at {where}")
    schema = p.get("schema") or {}
    resolved = reader.resolve(schema, where, "schema") if "$ref" in schema else schema
    kind = resolved.get("type")
    is_array = kind == "array"
    if kind == "object" or (resolved.get("properties") and kind is None):
        raise CodegenError(f"unsupported: object-valued {location} parameter '{name}' at {where}")
    if is_array and location == "path":
        raise CodegenError(f"unsupported: array-valued path parameter '{name}' at {where}")
    explode = p.get("explode", style == "form")
    required = bool(p.get("required")) or location == "path"
    return Param(
        name=name,
        py_name=safe_identifier(snake_case(name)),
        location=location,
        required=required,
        annotation=reader.annotation(schema, f"parameter '{name}' at {where}"),
        description=" ".join(str(p.get("description", "")).split()),
        explode=bool(explode),
        is_array=is_array,
    )


def _body(reader: _Reader, op: dict[str, Any], where: str) -> Body | None:
    raw = op.get("requestBody")
    if raw is None:
        return None
    body = reader.resolve(raw, where, "request body")
    content = body.get("content") or {}
    required = bool(body.get("required"))
    description = " ".join(str(body.get("description", "")).split())
    json_media = _json_media(content)
    if json_media:
        media, obj = json_media
        schema = obj.get("schema")
        return Body(
            reader.annotation(schema, f"request body at {where}"),
            required,
            "json",
            media,
            description,
        )
    for media in content:
        if media.lower() in _BINARY_TYPES:
            return Body("bytes", required, "bytes", media, description)
    kinds = ", ".join(sorted(content)) or "none"
    raise CodegenError(f"unsupported: request body content type(s) {kinds} at {where}")


def _responses(reader: _Reader, op: dict[str, Any], where: str) -> list[Response]:
    table = op.get("responses") or {}
    success = [str(s) for s in table if str(s).startswith("2")]
    if not success and "default" in table:
        success = ["default"]
    out = []
    for status in success:
        resp = reader.resolve(
            table[status] if status in table else table[int(status)], where, "response"
        )
        content = resp.get("content") or {}
        if not content:
            out.append(Response(status, "None", "EMPTY", "empty"))
            continue
        json_media = _json_media(content)
        if json_media is None:
            # Not JSON (text, a file...): returned as the raw bytes, never dropped.
            out.append(Response(status, "bytes", "RAW_BYTES", "bytes"))
            continue
        schema = json_media[1].get("schema")
        annotation = reader.annotation(schema, f"response {status} at {where}")
        out.append(Response(status, annotation, annotation, "model"))
    if not out:
        out.append(Response("2XX", "None", "EMPTY", "empty"))
    return out


def _unique_names(params: list[Param], where: str) -> None:
    taken = set(RESERVED)
    for p in params:
        name = p.py_name
        if name in taken:
            name = f"{name}_{p.location}"
        if name in taken:
            raise CodegenError(f"parameter name clash on '{p.py_name}' at {where}")
        p.py_name = name
        taken.add(name)


def load_spec(path: Path) -> Spec:
    """Parse and check ``path``; raise CodegenError on anything the generator cannot handle."""
    path = Path(path)
    original = load_document(path)
    version = str(original.get("openapi", ""))
    if not re.match(r"^3\.[01]\.\d+", version):
        found = f"swagger {original['swagger']}" if "swagger" in original else version or "none"
        raise CodegenError(f"unsupported: OpenAPI version {found} (3.0 and 3.1 are supported)")
    doc = copy.deepcopy(original)
    _hoist_inline_schemas(doc)
    reader = _Reader(path, doc)
    components = (doc.get("components") or {}).get("schemas") or {}
    external: dict[str, ExternalModel] = {}
    local: list[str] = []
    for name, schema in components.items():
        ref = schema.get("$ref", "") if isinstance(schema, dict) else ""
        if ref and not ref.startswith("#") and len(schema) == 1:
            external[name] = reader.external_model(ref, f"components/schemas/{name}")
        else:
            local.append(name)
    spec = Spec(
        path=path,
        document=doc,
        version=version,
        title=str((doc.get("info") or {}).get("title", path.name)),
        external=external,
        local_components=local,
    )
    for api_path, method, op, item, name in _operation_names(doc):
        where = f"{method.upper()} {api_path}"
        if op.get("callbacks"):
            raise CodegenError(f"unsupported: callbacks at {where}")
        merged: dict[tuple[str, str], Param] = {}
        for raw in list(item.get("parameters") or []) + list(op.get("parameters") or []):
            param = _param(reader, raw, where)
            if param is not None:
                merged[(param.location, param.name)] = param
        params = list(merged.values())
        idem = [
            p for p in params if p.location == "header" and p.name.lower() == IDEMPOTENCY_HEADER
        ]
        params = [p for p in params if p not in idem]
        for segment in re.findall(r"{([^}]+)}", api_path):
            if not any(p.location == "path" and p.name == segment for p in params):
                raise CodegenError(f"path parameter '{segment}' is not declared at {where}")
        _unique_names(params, where)
        summary = " ".join(str(op.get("summary", "")).split())
        spec.operations.append(
            Operation(
                name=name,
                operation_id=str(op.get("operationId") or ""),
                method=method,
                path=api_path,
                summary=summary,
                description=str(op.get("description") or "").strip(),
                params=params,
                body=_body(reader, op, where),
                responses=_responses(reader, op, where),
                takes_idempotency_key=method == "post" or bool(idem),
            )
        )
    for key, model in reader.external.items():
        spec.external[key] = model
    return spec
