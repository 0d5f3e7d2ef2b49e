"""The rules of ``payflow lint``, one per module (parse and schema codes are grouped in
``parse_codes`` and ``schema_codes``). :mod:`payflow.validator.registry` lists them by code."""
