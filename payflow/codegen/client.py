"""Generate a Python client package from an OpenAPI 3.0/3.1 document.

    generate_client(spec, out_dir, package="payouts")

writes ``out_dir`` (a package): ``__init__.py`` (``Client``, ``AsyncClient``, ``errors``,
``models``), ``_client.py`` (rendered from templates/client.py.j2: one method per operation)
and the models:

- component schemas defined in the document -> ``models/`` by datamodel-code-generator
  (OpenAPI input; class = component name);
- component schemas that only ``$ref`` a JSON Schema file next to the document -> reused from
  ``models_package`` when given (module = file stem with ``-``/``.`` -> ``_``, class = the
  schema's ``title``), the way payflow's own client reuses ``payflow.generated.models``;
  otherwise generated from those files into ``ext_models/``.

Output is formatted and deterministic (no timestamps, no absolute paths): two runs give the
same bytes. Anything the generator cannot handle raises CodegenError naming the construct.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import jinja2

from payflow.codegen.errors import CodegenError
from payflow.codegen.formatting import format_python
from payflow.codegen.models import generate_models
from payflow.codegen.spec import Operation, Param, Spec, load_spec

__all__ = ["generate_client"]

TEMPLATES = Path(__file__).with_name("templates")
_PLACEHOLDER = re.compile(r"@([A-Za-z0-9_.\-:/#$~]+?)(?=[\s,\]|)]|$)")


def _classes(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.ClassDef)}


def _match_class(component: str, classes: set[str]) -> str | None:
    if component in classes:
        return component
    key = re.sub(r"[^0-9a-z]", "", component.lower())
    hits = [c for c in classes if re.sub(r"[^0-9a-z]", "", c.lower()) == key]
    return hits[0] if len(hits) == 1 else None


def _file_closure(spec_dir: Path, files: Iterable[str]) -> list[Path]:
    """The referenced schema files plus every file they reference, transitively."""
    todo, seen = list(files), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        text = (spec_dir / name).read_text(encoding="utf-8")
        for ref in re.findall(r'"\$ref"\s*:\s*"([^"#]+)', text):
            todo.append(ref)
    return [spec_dir / name for name in sorted(seen)]


class _Renderer:
    def __init__(self, spec: Spec, type_of: dict[str, str]) -> None:
        self.spec = spec
        self.type_of = type_of

    def resolve(self, annotation: str) -> str:
        def sub(match: re.Match[str]) -> str:
            key = match.group(1)
            if key not in self.type_of:
                raise CodegenError(f"no model for schema '{key}'")
            return self.type_of[key]

        return _PLACEHOLDER.sub(sub, annotation)

    def body_annotation(self, op: Operation) -> str:
        assert op.body is not None
        ann = self.resolve(op.body.annotation)
        if op.body.kind == "json" and ann not in {"str", "int", "float", "bool", "Any"}:
            ann = f"{ann} | Mapping[str, Any]"
        return ann

    def signature(self, op: Operation, *, with_self: bool) -> str:
        parts = ["self"] if with_self else []
        parts += [f"{p.py_name}: {self.resolve(p.annotation)}" for p in op.path_params]
        if op.body is not None and op.body.required:
            parts.append(f"body: {self.body_annotation(op)}")
        keyword: list[str] = []
        if op.body is not None and not op.body.required:
            keyword.append(f"body: {self.body_annotation(op)} | None = None")
        for p in op.keyword_params:
            ann = self.resolve(p.annotation)
            if p.required:
                keyword.append(f"{p.py_name}: {ann}")
            else:
                optional = ann if ann == "Any" or ann.endswith("| None") else f"{ann} | None"
                keyword.append(f"{p.py_name}: {optional} = None")
        if op.takes_idempotency_key:
            keyword.append("idempotency_key: str | None = None")
        keyword += [
            "extra_headers: Mapping[str, str] | None = None",
            "timeout: float | None = None",
        ]
        return ", ".join([*parts, "*", *keyword])

    def call_args(self, op: Operation) -> str:
        args = [p.py_name for p in op.path_params]
        if op.body is not None and op.body.required:
            args.append("body")
        kw = [p.py_name for p in op.keyword_params]
        if op.body is not None and not op.body.required:
            kw.insert(0, "body")
        if op.takes_idempotency_key:
            kw.append("idempotency_key")
        kw += ["extra_headers", "timeout"]
        return ", ".join([*args, *(f"{k}={k}" for k in kw)])

    @staticmethod
    def path_expr(op: Operation) -> str:
        by_name = {p.name: p for p in op.path_params}
        if not by_name:
            return json.dumps(op.path)
        out = op.path.replace("{", "{{").replace("}", "}}")
        for name, p in by_name.items():
            out = out.replace("{{" + name + "}}", f"{{path_param({name!r}, {p.py_name})}}")
        return "f" + json.dumps(out).replace("\\'", "'")

    @staticmethod
    def query_value(p: Param) -> str:
        if p.is_array and not p.explode:
            return (
                f'None if {p.py_name} is None else ",".join(str(getattr(v, "value", v)) '
                f"for v in {p.py_name})"
            )
        return p.py_name

    def docstring(self, op: Operation) -> str:
        lines = [op.summary or op.name.replace("_", " ").capitalize(), "", f"``{op.where}``"]
        documented = [p for p in op.params if p.description]
        if documented:
            lines += ["", "Args:"]
            lines += [f"    {p.py_name}: {p.description}" for p in documented]
        text = "\n        ".join(line.rstrip() for line in lines)
        text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        return f'"""{text}\n        """'


def _header_source(spec: Spec, source: str | None) -> str:
    return source or spec.path.name


def generate_client(
    spec_path: Path,
    out_dir: Path,
    *,
    package: str | None = None,
    models_package: str | None = None,
    spec_resource: tuple[str, str] | None = None,
    source: str | None = None,
) -> list[Path]:
    """Generate the client package for ``spec_path`` into ``out_dir`` (replaced).

    ``package``: the import name the package will have (used in docs only; imports inside
    the package are relative). ``models_package``: reuse models of external schema files
    from this package. ``spec_resource``: (package, file name) where the OpenAPI document is
    found at run time (for response validation); default: a copy inside the package.
    ``source``: how the header names the document (default: its file name).
    """
    spec = load_spec(Path(spec_path))
    if not spec.operations:
        raise CodegenError(f"{spec.path.name} has no operations")
    package = package or out_dir.name
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", package):
        raise CodegenError(f"not a Python package name: {package!r}")
    label = _header_source(spec, source)
    with tempfile.TemporaryDirectory(prefix="payflow-client-") as scratch:
        stage = Path(scratch) / "pkg"
        stage.mkdir()
        type_of: dict[str, str] = {}
        imports: list[str] = []

        # Models of the components defined in the document.
        has_models = bool(spec.local_components)
        if has_models:
            normalised = Path(scratch) / "in" / spec.path.name
            normalised.parent.mkdir()
            normalised = normalised.with_suffix(".json")
            normalised.write_text(json.dumps(spec.document, indent=2), encoding="utf-8")
            generate_models([normalised], stage / "models", input_file_type="openapi")
            classes = _classes(stage / "models" / "__init__.py")
            for name in spec.local_components:
                cls = _match_class(name, classes)
                if cls is None:
                    raise CodegenError(
                        f"no model class was generated for components/schemas/{name}"
                    )
                type_of[name] = f"models.{cls}"
            imports.append(("relative", "from . import models"))

        # Models of JSON Schema files the document $refs: reused or generated once.
        if spec.external:
            if models_package:
                origin_of = {}
                for model in spec.external.values():
                    found = importlib.util.find_spec(f"{models_package}.{model.module}")
                    if found is None or not found.origin:
                        raise CodegenError(
                            f"{models_package}.{model.module} (models of {model.file}) "
                            "is not importable"
                        )
                    origin_of[model.module] = Path(found.origin)
                prefix = f"from {models_package} import"
            else:
                files = _file_closure(spec.path.parent, spec.external_files)
                generate_models(files, stage / "ext_models")
                origin_of = {
                    m.module: stage / "ext_models" / f"{m.module}.py"
                    for m in spec.external.values()
                }
                prefix = "from .ext_models import"
            for key, model in spec.external.items():
                origin = origin_of[model.module]
                if not origin.is_file() or model.class_name not in _classes(origin):
                    raise CodegenError(
                        f"no class {model.class_name} in the models of {model.file} "
                        f"({model.module}) for components/schemas/{key}"
                    )
                type_of[key] = f"{model.module}.{model.class_name}"
            modules = sorted({m.module for m in spec.external.values()})
            kind = "absolute" if models_package else "relative"
            imports.append((kind, prefix, modules))
        bundled_spec = None
        if spec_resource is None:
            bundled_spec = "openapi" + spec.path.suffix
            shutil.copyfile(spec.path, stage / bundled_spec)
            if spec.external and not models_package:
                for f in _file_closure(spec.path.parent, spec.external_files):
                    shutil.copyfile(f, stage / f.name)

        renderer = _Renderer(spec, type_of)
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            autoescape=False,
        )
        context = {
            "source": label,
            "title": spec.title,
            "version": spec.version,
            "package": package,
            "operations": spec.operations,
            "has_models": has_models,
            "spec_resource": spec_resource,
            "bundled_spec": bundled_spec,
            "signature": renderer.signature,
            "call_args": renderer.call_args,
            "path_expr": renderer.path_expr,
            "query_value": renderer.query_value,
            "docstring": renderer.docstring,
        }
        for op in spec.operations:
            for r in op.responses:
                r.annotation = renderer.resolve(r.annotation)
                r.runtime = renderer.resolve(r.runtime)
        rendered_types = " ".join(
            [renderer.signature(op, with_self=False) for op in spec.operations]
            + [r.runtime + " " + r.annotation for op in spec.operations for r in op.responses]
        )
        context["typing_imports"] = ["Any"] + (["Literal"] if "Literal[" in rendered_types else [])
        runtime = {"AsyncAPIClient", "RequestOptions", "SyncAPIClient"}
        if any(op.path_params for op in spec.operations):
            runtime.add("path_param")
        runtime |= {r.runtime for op in spec.operations for r in op.responses} & {
            "EMPTY",
            "RAW_BYTES",
        }
        names = sorted(runtime, key=lambda n: (not n.isupper(), n))
        absolute = [f"from payflow.runtime import {', '.join(names)}"]
        relative = []
        for kind, *rest in imports:
            if len(rest) == 1:
                line = rest[0]
            else:  # (prefix, modules): import only the modules the operations use
                used = [m for m in rest[1] if re.search(rf"\b{m}\.", rendered_types)]
                if not used:
                    continue
                line = f"{rest[0]} {', '.join(used)}"
            (absolute if kind == "absolute" else relative).append(line)
        context["absolute_imports"] = sorted(absolute)
        context["relative_imports"] = sorted(relative)
        for template, target in (
            ("client.py.j2", "_client.py"),
            ("package_init.py.j2", "__init__.py"),
        ):
            code = env.get_template(template).render(**context)
            (stage / target).write_text(format_python(code, name=target), encoding="utf-8")
        (stage / "py.typed").write_text("", encoding="utf-8")

        if out_dir.exists():
            shutil.rmtree(out_dir)
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(stage, out_dir)
    return sorted(p for p in out_dir.rglob("*") if p.is_file())
