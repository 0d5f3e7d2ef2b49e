"""Code generation: pydantic models (datamodel-code-generator) and HTTP clients from schemas."""
