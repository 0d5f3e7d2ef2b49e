"""The generic generator: synthetic 3.0/3.1 specs, the payouts service over loopback,
determinism, formatting, and clear refusals of what it cannot handle."""

from __future__ import annotations

import hashlib
import importlib
import json
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from types import ModuleType

import jwt
import pytest
import yaml

from payflow.codegen.client import generate_client
from payflow.codegen.errors import CodegenError
from tests.client.conftest import API_KEY, KeyPair
from tests.client.loopback import Seen, serve

PAYOUT_SPEC = "reference/fireblocks-openapi-1.8.0-payments-payout.yaml"

PETS_30 = {
    "openapi": "3.0.3",
    "info": {"title": "Pets", "version": "1"},
    "paths": {
        "/pets": {
            "get": {
                "parameters": [
                    {"$ref": "#/components/parameters/Limit"},
                    {
                        "name": "class",
                        "in": "query",
                        "schema": {"$ref": "#/components/schemas/Kind"},
                    },
                    {
                        "name": "X-Trace-Id",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "tags",
                        "in": "query",
                        "explode": False,
                        "schema": {"type": "array", "items": {"type": "string"}},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "pets",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Pet"},
                                }
                            }
                        },
                    }
                },
            },
            "post": {
                "operationId": "createPet",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                    },
                },
                "responses": {
                    "201": {
                        "description": "created",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                        },
                    },
                    "400": {"description": "bad"},
                },
            },
        },
        "/pets/{petId}": {
            "parameters": [
                {"name": "petId", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "delete": {"operationId": "deletePet", "responses": {"204": {"description": "gone"}}},
            "get": {
                "operationId": "import",
                "responses": {
                    "200": {
                        "description": "a photo",
                        "content": {"image/png": {"schema": {"type": "string"}}},
                    }
                },
            },
        },
    },
    "components": {
        "parameters": {"Limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}},
        "schemas": {
            "Kind": {"type": "string", "enum": ["cat", "dog"]},
            "Cat": {
                "type": "object",
                "required": ["kind", "name"],
                "properties": {
                    "kind": {"type": "string", "enum": ["cat"]},
                    "name": {"type": "string"},
                },
            },
            "Dog": {
                "type": "object",
                "required": ["kind", "bark"],
                "properties": {
                    "kind": {"type": "string", "enum": ["dog"]},
                    "bark": {"type": "boolean"},
                },
            },
            "Pet": {
                "oneOf": [
                    {"$ref": "#/components/schemas/Cat"},
                    {"$ref": "#/components/schemas/Dog"},
                ],
                "discriminator": {"propertyName": "kind"},
            },
        },
    },
}

NOTES_31 = {
    "openapi": "3.1.0",
    "info": {"title": "Notes", "version": "1"},
    "paths": {
        "/notes/{noteId}": {
            "put": {
                "parameters": [
                    {
                        "name": "noteId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                    {"name": "lang", "in": "query", "schema": {"type": ["string", "null"]}},
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["text"],
                                "properties": {
                                    "text": {"type": "string"},
                                    "colour": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "saved",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "id": {"type": "integer"},
                                        "state": {"const": "SAVED"},
                                    },
                                }
                            }
                        },
                    }
                },
            }
        }
    },
}


def _generate(tmp_path: Path, spec: dict | Path, **kw) -> tuple[ModuleType, Path]:
    name = f"gen_{uuid.uuid4().hex[:8]}"
    if isinstance(spec, dict):
        path = tmp_path / "spec.yaml"
        path.write_text(yaml.safe_dump(spec, sort_keys=False))
    else:
        path = spec
    out = tmp_path / "pkgs" / name
    generate_client(path, out, package=name, **kw)
    sys.path.insert(0, str(out.parent))
    try:
        module = importlib.import_module(name)
    finally:
        sys.path.remove(str(out.parent))
    return module, out


@pytest.fixture
def json_handler():
    def make(routes):
        def handler(seen: Seen):
            status, body = routes(seen)
            if body is None:
                return status, {}, b""
            if isinstance(body, bytes):
                return status, {"Content-Type": "image/png"}, body
            return status, {"Content-Type": "application/json"}, json.dumps(body).encode()

        return handler

    return make


def test_openapi_30_synthetic_spec_over_loopback(
    tmp_path: Path, keys: KeyPair, json_handler
) -> None:
    pkg, out = _generate(tmp_path, PETS_30)
    client_cls = pkg.Client
    names = sorted(n for n in vars(client_cls) if not n.startswith("_"))
    # derived name (no operationId), keyword-safe name, snake_case operationIds
    assert names == ["create_pet", "delete_pet", "get_pets", "import_"]

    def routes(seen: Seen):
        if seen.method == "GET" and seen.path == "/v1/pets":
            return 200, [{"kind": "cat", "name": "Tom"}, {"kind": "dog", "bark": True}]
        if seen.method == "POST":
            return 201, json.loads(seen.body)
        if seen.method == "DELETE":
            return 204, None
        if seen.path == "/v1/pets/a%20b":
            return 200, b"\x89PNG"
        return 404, {"error": {"type": "NOT_FOUND", "message": "no such pet"}}

    with (
        serve(json_handler(routes)) as server,
        client_cls(
            base_url=server.base_url, api_key=API_KEY, private_key=keys.private_pem
        ) as client,
    ):
        pets = client.get_pets(x_trace_id="t-1", limit=5, class_="cat", tags=["a", "b"])
        # oneOf + discriminator: a pydantic discriminated union (a RootModel around it)
        assert [type(p.root).__name__ for p in pets] == ["Cat", "Dog"]
        with pytest.raises(
            Exception, match=r"union_tag_invalid|does not match any of the expected tags"
        ):
            pkg.models.Pet.model_validate({"kind": "cow"})
        get = server.seen[-1]
        assert get.query == {"limit": ["5"], "class": ["cat"], "tags": ["a,b"]}
        assert get.headers["x-trace-id"] == "t-1"
        claims = jwt.decode(get.headers["authorization"][7:], keys.public_key, algorithms=["RS256"])
        assert claims["uri"] == get.raw_path  # the JWT names the path and query as received

        client.get_pets(x_trace_id="t-2")  # optional query params are left out
        assert server.seen[-1].query == {}

        created = client.create_pet({"kind": "dog", "bark": False}, idempotency_key="k-1")
        assert type(created.root).__name__ == "Dog" and created.root.bark is False
        post = server.seen[-1]
        assert post.headers["idempotency-key"] == "k-1"
        claims = jwt.decode(
            post.headers["authorization"][7:], keys.public_key, algorithms=["RS256"]
        )
        assert claims["bodyHash"] == hashlib.sha256(post.body).hexdigest()

        assert client.delete_pet("p1") is None and server.seen[-1].path == "/v1/pets/p1"
        assert client.import_("a b") == b"\x89PNG"  # non-JSON content: raw bytes, not dropped
        with pytest.raises(pkg.errors.NotFoundError, match="no such pet"):
            client.import_("nobody")
        with pytest.raises(ValueError, match="must not be empty"):
            client.delete_pet("")
    source = (out / "_client.py").read_text()
    assert "def get_pets(" in source and "x_trace_id: str," in source  # required header: no default
    assert "limit: int | None = None" in source
    assert "class_: models.Kind | None = None" in source


def test_openapi_31_synthetic_spec_async(tmp_path: Path, keys: KeyPair, json_handler) -> None:
    import asyncio

    pkg, out = _generate(tmp_path, NOTES_31)

    def routes(seen: Seen):
        body = json.loads(seen.body)
        assert body == {"text": "hi", "colour": 3}
        return 200, {"id": int(seen.path.rsplit("/", 1)[1]), "state": "SAVED"}

    async def main(base_url: str):
        async with pkg.AsyncClient(
            base_url=base_url, api_key=API_KEY, private_key=keys.private_pem
        ) as c:
            return await c.put_notes_by_note_id(7, {"text": "hi", "colour": 3}, lang=None)

    with serve(json_handler(routes)) as server:
        result = asyncio.run(main(server.base_url))
    assert result.id == 7 and type(result).__name__ == "PutNotesByNoteIdResponse"
    assert server.seen[0].query == {}
    source = (out / "_client.py").read_text()
    assert (
        "body: models.PutNotesByNoteIdRequest | Mapping[str, Any]" in source
    )  # hoisted inline body
    assert "lang: str | None = None" in source


def test_payouts_client_generated_and_called_over_loopback(
    tmp_path: Path, keys: KeyPair, shared_dir: Path, json_handler
) -> None:
    spec = shared_dir / PAYOUT_SPEC
    if not spec.is_file():
        pytest.skip(f"{spec} is absent")
    pkg, out = _generate(tmp_path, spec)
    payouts: dict[str, dict] = {}

    def routes(seen: Seen):
        claims = jwt.decode(
            seen.headers["authorization"][7:], keys.public_key, algorithms=["RS256"]
        )
        if claims["bodyHash"] != hashlib.sha256(seen.body).hexdigest() or claims["sub"] != API_KEY:
            return 401, {"error": {"type": "AUTHENTICATION", "message": "bad token"}}
        parts = seen.path.split("/")
        if seen.method == "POST" and seen.path == "/v1/payments/payout":
            request = json.loads(seen.body)
            pid = f"po-{len(payouts) + 1}"
            payouts[pid] = {
                "payoutId": pid,
                "paymentAccount": request["paymentAccount"],
                "createdAt": 1645365800,
                "state": "REQUESTED",
                "status": "REGISTERED",
                "initMethod": "API",
                "instructionSet": [
                    {**i, "id": f"i{n}", "state": "NOT_STARTED", "transactions": []}
                    for n, i in enumerate(request["instructionSet"])
                ],
            }
            return 200, payouts[pid]
        if seen.method == "POST" and seen.path.endswith("/actions/execute") and parts[4] in payouts:
            return 200, {"payoutId": parts[4]}
        if seen.method == "GET" and parts[-1] in payouts:
            return 200, payouts[parts[-1]]
        return 404, {"error": {"type": "NOT_FOUND", "message": "no payout"}}

    body = pkg.models.CreatePayoutRequest.model_validate(
        {
            "paymentAccount": {"id": "EX_SUB1", "type": "EXCHANGE_ACCOUNT"},
            "instructionSet": [
                {
                    "payeeAccount": {"id": "w1", "type": "EXTERNAL_WALLET"},
                    "amount": {"amount": "43", "assetId": "USDC"},
                }
            ],
        }
    )
    with (
        serve(json_handler(routes)) as server,
        pkg.Client(
            base_url=server.base_url, api_key=API_KEY, private_key=keys.private_pem
        ) as client,
    ):
        created = client.create_payout(body=body)
        assert isinstance(created, pkg.models.PayoutResponse)
        assert (
            created.status.value == "REGISTERED" and created.instructionSet[0].amount.amount == "43"
        )
        assert "idempotency-key" in server.seen[-1].headers
        dispatched = client.execute_payout_action(created.payoutId, idempotency_key="exec-1")
        assert dispatched.payoutId == created.payoutId
        assert server.seen[-1].path == f"/v1/payments/payout/{created.payoutId}/actions/execute"
        assert server.seen[-1].headers["idempotency-key"] == "exec-1"
        assert client.get_payout(created.payoutId).payoutId == created.payoutId
        with pytest.raises(pkg.errors.NotFoundError):
            client.get_payout("po-missing")
    assert (out / "openapi.yaml").read_bytes() == spec.read_bytes()


def test_output_is_deterministic_formatted_and_names_its_source(tmp_path: Path) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text(yaml.safe_dump(PETS_30, sort_keys=False))
    first, second = tmp_path / "a" / "pets", tmp_path / "b" / "pets"
    generate_client(spec, first)
    generate_client(spec, second)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert Path("_client.py") in files and Path("models/__init__.py") in files
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
    header = (first / "_client.py").read_text().splitlines()[:2]
    assert header == ["# Code generated by payflow codegen - DO NOT EDIT.", "# Source: pets.yaml"]
    ruff = shutil.which("ruff")
    if ruff:
        result = subprocess.run(
            [
                ruff,
                "format",
                "--check",
                "--no-cache",
                "--line-length",
                "100",
                str(first / "_client.py"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout


def _with(path_item: dict) -> dict:
    return {"openapi": "3.0.0", "info": {"title": "x", "version": "1"}, "paths": {"/x": path_item}}


REFUSALS = [
    (
        _with(
            {
                "get": {
                    "parameters": [
                        {
                            "name": "f",
                            "in": "query",
                            "style": "deepObject",
                            "schema": {"type": "object"},
                        }
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        ),
        "unsupported: parameter style 'deepObject' at GET /x",
    ),
    (
        _with(
            {
                "get": {
                    "parameters": [{"name": "s", "in": "cookie", "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        ),
        "unsupported: cookie parameter 's' at GET /x",
    ),
    (
        _with(
            {
                "post": {
                    "requestBody": {
                        "content": {"multipart/form-data": {"schema": {"type": "object"}}}
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            }
        ),
        "unsupported: request body content type(s) multipart/form-data at POST /x",
    ),
    (
        _with(
            {
                "get": {
                    "parameters": [{"name": "f", "in": "query", "schema": {"type": "object"}}],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        ),
        "unsupported: object-valued query parameter 'f' at GET /x",
    ),
    (
        _with(
            {
                "get": {"operationId": "a", "responses": {"200": {"description": "ok"}}},
                "post": {"operationId": "A", "responses": {"200": {"description": "ok"}}},
            }
        ),
        "two operations map to the method name 'a'",
    ),
    ({"swagger": "2.0", "info": {}, "paths": {}}, "unsupported: OpenAPI version swagger 2.0"),
]


@pytest.mark.parametrize(("spec", "message"), REFUSALS)
def test_unsupported_constructs_are_refused_by_name(
    tmp_path: Path, spec: dict, message: str
) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec))
    with pytest.raises(CodegenError) as info:
        generate_client(path, tmp_path / "out")
    assert message in str(info.value)
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_cli_codegen_reports_errors_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(REFUSALS[0][0]))
    result = subprocess.run(
        [sys.executable, "-m", "payflow", "codegen", str(path), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "CodegenError: unsupported: parameter style 'deepObject' at GET /x"
    ]


def test_project_client_reuses_the_generated_models() -> None:
    from payflow.generated.models import workflow_configuration_schema as wc
    from payflow.generated.payments_flows import _client

    source = Path(_client.__file__).read_text()
    assert "from payflow.generated.models import" in source
    assert not (Path(_client.__file__).parent / "models").exists()
    assert _client.Client.get_flow_configuration.__annotations__["return"] == (
        "workflow_configuration_schema.WorkflowConfiguration"
    )
    assert _client.workflow_configuration_schema is wc
    assert _client._spec_path().is_file()
