"""Schema evolution: compare two versions of the schemas, rewrite requests between shapes.

- :mod:`payflow.evolution.loader` reads JSON Schema files and OpenAPI documents (YAML or
  JSON), keeps the source line of every node and resolves ``$ref`` across files.
- :mod:`payflow.evolution.diff` compares two versions and classifies every change by
  direction (what clients send, what clients read); :mod:`payflow.evolution.report` renders
  the result as text, JSON, Markdown or SARIF.
- :mod:`payflow.evolution.upgrade` rewrites workflow-execution requests between the v1 and v2
  shapes; :mod:`payflow.evolution.atomic` writes files atomically.

Import the sub-modules directly; this package module imports nothing heavy.
"""
