"""payflow.validator: the pre-submission linter behind ``payflow lint``."""
