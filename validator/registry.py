"""Code -> rule table. Codes are stable: a retired code stays listed in :data:`RETIRED` and is
never given to another rule.

Code scheme: PF0xx parse and limits, PF1xx schema, PF2xx request rules, PF3xx cross-checks
with ``--config``.
"""

from __future__ import annotations

from payflow.validator.rules.account_without_id import AccountWithoutId
from payflow.validator.rules.amount_and_percentage import AmountAndPercentage
from payflow.validator.rules.asset_continuity import AssetContinuity
from payflow.validator.rules.base import Rule
from payflow.validator.rules.config_id_mismatch import ConfigIdMismatch
from payflow.validator.rules.config_not_usable import ConfigNotUsable
from payflow.validator.rules.duplicate_operation_id import DuplicateOperationId
from payflow.validator.rules.empty_instruction_set import EmptyInstructionSet
from payflow.validator.rules.empty_one_time_address import EmptyOneTimeAddress
from payflow.validator.rules.equal_conversion_assets import EqualConversionAssets
from payflow.validator.rules.field_not_for_operation import FieldNotForOperation
from payflow.validator.rules.first_operation_without_amount import FirstOperationWithoutAmount
from payflow.validator.rules.invalid_amount import InvalidAmount
from payflow.validator.rules.invalid_percentage import InvalidPercentage
from payflow.validator.rules.invalid_slippage import InvalidSlippage
from payflow.validator.rules.missing_config_id import MissingConfigId
from payflow.validator.rules.missing_operation_id import MissingOperationId
from payflow.validator.rules.missing_operation_parameter import MissingOperationParameter
from payflow.validator.rules.neither_amount_nor_percentage import NeitherAmountNorPercentage
from payflow.validator.rules.no_amount import NoAmount
from payflow.validator.rules.other_shape_field import OtherShapeField
from payflow.validator.rules.parse_codes import PARSE_CODES
from payflow.validator.rules.percentages_over_hundred import PercentagesOverHundred
from payflow.validator.rules.schema_codes import SCHEMA_CODES
from payflow.validator.rules.unknown_account_type import UnknownAccountType
from payflow.validator.rules.unknown_field import UnknownField
from payflow.validator.rules.unknown_operation_id import UnknownOperationId

__all__ = ["ALL", "CHECKS", "RETIRED", "RULES", "SCHEMA_LAYER_CODES", "get"]

#: Rules that inspect the parsed request (request layer) or cross-check it (config layer).
CHECKS: tuple[type[Rule], ...] = (
    NoAmount,
    AmountAndPercentage,
    NeitherAmountNorPercentage,
    InvalidAmount,
    InvalidPercentage,
    PercentagesOverHundred,
    EmptyInstructionSet,
    InvalidSlippage,
    DuplicateOperationId,
    MissingConfigId,
    MissingOperationId,
    EqualConversionAssets,
    AccountWithoutId,
    UnknownAccountType,
    EmptyOneTimeAddress,
    ConfigIdMismatch,
    ConfigNotUsable,
    UnknownOperationId,
    FieldNotForOperation,
    FirstOperationWithoutAmount,
    MissingOperationParameter,
    AssetContinuity,
)

#: Request-rule codes that the schema layer emits itself (they come from additionalProperties).
SCHEMA_DERIVED: tuple[type[Rule], ...] = (OtherShapeField, UnknownField)

ALL: tuple[type[Rule], ...] = tuple(
    sorted((*PARSE_CODES, *SCHEMA_CODES, *CHECKS, *SCHEMA_DERIVED), key=lambda r: r.code)
)
RULES: dict[str, type[Rule]] = {rule.code: rule for rule in ALL}
_BY_NAME: dict[str, type[Rule]] = {rule.name: rule for rule in ALL}

#: Codes emitted by the schema layer; request rules may replace them (see Rule.replaces).
SCHEMA_LAYER_CODES = frozenset(
    {rule.code for rule in SCHEMA_CODES} | {rule.code for rule in SCHEMA_DERIVED}
)

#: Retired code -> why. Never reuse these codes.
RETIRED: dict[str, str] = {}


def get(code_or_name: str) -> type[Rule] | None:
    """A rule by code (``PF204``, case-insensitive) or name (``invalid-amount``)."""
    key = code_or_name.strip()
    return RULES.get(key.upper()) or _BY_NAME.get(key.lower())
