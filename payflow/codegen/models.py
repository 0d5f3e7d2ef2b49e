"""Generate pydantic v2 models from JSON Schema files with datamodel-code-generator.

The tool writes each input path into the header of every module, so the inputs are first
copied into a scratch folder of a fixed name: the output is then identical byte for byte
wherever the repository lives.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from payflow.codegen.errors import CodegenError
from payflow.codegen.formatting import format_python
from payflow.codegen.options import DATAMODEL_CODEGEN_OPTIONS, OPENAPI_OPTIONS, as_arguments

__all__ = ["CodegenError", "generate_models"]

#: Folder name the inputs are staged under; it appears in generated headers.
STAGED_INPUT = "schemas"


def generate_models(
    inputs: Iterable[Path],
    out_dir: Path,
    *,
    input_file_type: str = "jsonschema",
    options: Mapping[str, object] | None = None,
) -> None:
    """Generate a models package from ``inputs`` into ``out_dir`` (created or replaced).

    ``inputs`` are JSON Schema files referring to each other by relative file name, or a
    single OpenAPI document (``input_file_type="openapi"``).
    """
    if options is None:
        options = OPENAPI_OPTIONS if input_file_type == "openapi" else DATAMODEL_CODEGEN_OPTIONS
    opts = dict(options)
    opts["input-file-type"] = input_file_type
    inputs = sorted(Path(p) for p in inputs)
    if not inputs:
        raise CodegenError("no schema files to generate models from")
    with tempfile.TemporaryDirectory(prefix="payflow-codegen-") as scratch:
        stage = Path(scratch) / STAGED_INPUT
        stage.mkdir()
        for path in inputs:
            shutil.copyfile(path, stage / path.name)
        produced = Path(scratch) / "out"
        if input_file_type == "jsonschema":
            # A folder of schema files becomes a package with one module per file.
            target, output = STAGED_INPUT, produced
        else:
            # One document becomes the package's __init__.py.
            target, output = f"{STAGED_INPUT}/{inputs[0].name}", produced / "__init__.py"
            produced.mkdir()
        cmd = [
            sys.executable,
            "-m",
            "datamodel_code_generator",
            "--input",
            target,
            "--output",
            str(output.relative_to(scratch)),
            *as_arguments(opts),
        ]
        result = subprocess.run(cmd, cwd=scratch, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise CodegenError(
                "datamodel-code-generator failed: " + (detail[-1] if detail else "no output")
            )
        # The tool formats at its own line length; bring every module to the repository's.
        for module in sorted(produced.rglob("*.py")):
            module.write_text(
                format_python(module.read_text(encoding="utf-8"), name=module.name),
                encoding="utf-8",
            )
        if out_dir.exists():
            shutil.rmtree(out_dir)
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(produced, out_dir)
