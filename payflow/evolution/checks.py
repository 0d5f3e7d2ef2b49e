"""The table of checks: every change kind, its stable id and its classification by direction.

Anchored on oasdiff's breaking-change rules. A schema is a contract in two directions:

- **request** (what clients send: request bodies, parameters): the server validates it, so a
  change that makes a formerly valid request invalid (narrowing: a new required property, a
  removed enum value, a tightened bound, a closed object) is *breaking*; widening is *info*.
- **response** (what clients read): clients parse it, so a change that lets the server send
  something a client did not expect (widening: a new type, a property no longer guaranteed) is
  *breaking*; a new enum value or a new oneOf branch is a *warning* (it breaks readers that
  switch exhaustively); narrowing is *info*.
- **both**: a schema that is used both ways (or a bare JSON Schema file whose use is unknown):
  the worse of the two.

Check ids are ``<scope>-<kind>`` and never change meaning; a retired id is never reused.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BREAKING",
    "CHECKS",
    "DIRECTIONS",
    "INFO",
    "KINDS",
    "LEVELS",
    "WARNING",
    "Check",
    "Kind",
    "check_for",
    "worst",
]

BREAKING, WARNING, INFO = "breaking", "warning", "info"
#: Classifications, least severe first.
LEVELS: tuple[str, ...] = (INFO, WARNING, BREAKING)
DIRECTIONS: tuple[str, ...] = ("request", "response", "both")
_SCOPE = {"request": "request", "response": "response", "both": "schema"}


def worst(*levels: str) -> str:
    return max(levels, key=LEVELS.index)


@dataclass(frozen=True)
class Kind:
    """A kind of schema change and its classification when found in each direction."""

    name: str
    request: str
    response: str
    summary: str

    def level(self, direction: str) -> str:
        if direction == "request":
            return self.request
        if direction == "response":
            return self.response
        return worst(self.request, self.response)


@dataclass(frozen=True)
class Check:
    """One check: a kind seen in one direction. ``id`` is stable."""

    id: str
    kind: str
    direction: str
    classification: str
    summary: str


_SCHEMA_KINDS = (
    Kind("property-added", INFO, INFO, "An optional property was added."),
    Kind(
        "required-property-added",
        BREAKING,
        INFO,
        "A required property was added: requests without it are rejected.",
    ),
    Kind(
        "property-removed",
        WARNING,
        WARNING,
        "An optional property was removed: requests that send it are ignored or refused; "
        "readers that use it lose it.",
    ),
    Kind(
        "required-property-removed",
        WARNING,
        BREAKING,
        "A required property was removed: readers relying on it break.",
    ),
    Kind(
        "property-removed-closed",
        BREAKING,
        WARNING,
        "A property was removed from a closed object (additionalProperties: false): requests "
        "that still send it are rejected.",
    ),
    Kind(
        "property-became-required",
        BREAKING,
        INFO,
        "A property became required: requests without it are rejected.",
    ),
    Kind(
        "property-became-optional",
        INFO,
        BREAKING,
        "A property became optional: readers can no longer count on it.",
    ),
    Kind("type-changed", BREAKING, BREAKING, "The type changed to an unrelated one."),
    Kind(
        "type-narrowed",
        BREAKING,
        INFO,
        "The type was narrowed (e.g. number to integer, a type where there was none).",
    ),
    Kind(
        "type-widened",
        INFO,
        BREAKING,
        "The type was widened (e.g. integer to number, null allowed): readers get values "
        "they did not expect.",
    ),
    Kind(
        "enum-value-added",
        INFO,
        WARNING,
        "An enum value was added: readers that switch exhaustively over the values break.",
    ),
    Kind(
        "enum-value-removed",
        BREAKING,
        INFO,
        "An enum value was removed: requests that send it are rejected.",
    ),
    Kind("enum-added", BREAKING, INFO, "The value is now restricted to an enum."),
    Kind("enum-removed", INFO, WARNING, "The enum restriction was removed: any value may come."),
    Kind(
        "bound-tightened",
        BREAKING,
        INFO,
        "A bound was tightened (minimum, maximum, exclusive bounds, minLength, maxLength, "
        "minItems, maxItems, pattern added, ...): values valid before are rejected.",
    ),
    Kind(
        "bound-loosened",
        INFO,
        WARNING,
        "A bound was loosened: readers that relied on the old bound may get larger/longer values.",
    ),
    Kind(
        "pattern-changed",
        WARNING,
        WARNING,
        "The pattern changed: some values valid before may be rejected, others accepted.",
    ),
    Kind("format-changed", WARNING, WARNING, "The format annotation changed."),
    Kind(
        "additional-properties-closed",
        BREAKING,
        INFO,
        "The object was closed (additionalProperties: false): requests with any other "
        "property are rejected.",
    ),
    Kind(
        "additional-properties-opened",
        INFO,
        INFO,
        "The object was opened: other properties may appear.",
    ),
    Kind(
        "branch-added",
        INFO,
        WARNING,
        "A oneOf/anyOf branch was added: readers may receive a shape they do not handle.",
    ),
    Kind(
        "branch-removed",
        BREAKING,
        INFO,
        "A oneOf/anyOf branch was removed: requests of that shape are rejected.",
    ),
    Kind(
        "wrapped-in-union",
        INFO,
        INFO,
        "The schema was wrapped into a oneOf/anyOf: the former shape continues as one branch "
        "(compared with it); the other branches are reported as added.",
    ),
    Kind(
        "unwrapped-from-union",
        INFO,
        INFO,
        "A oneOf/anyOf was replaced by a single schema; each former branch is compared with it.",
    ),
    Kind(
        "union-keyword-changed",
        WARNING,
        WARNING,
        "oneOf became anyOf or the reverse (exclusivity of the branches changed).",
    ),
    Kind(
        "constraint-changed",
        WARNING,
        WARNING,
        "A constraint this tool does not analyse (not, if/then/else, dependentRequired, "
        "patternProperties, ...) changed: review it by hand.",
    ),
)

KINDS: dict[str, Kind] = {k.name: k for k in _SCHEMA_KINDS}

#: Checks outside schemas (endpoints, parameters, bodies, statuses, files): fixed direction.
_API_CHECKS = (
    Check("api-endpoint-added", "endpoint-added", "both", INFO, "A path was added."),
    Check(
        "api-endpoint-removed",
        "endpoint-removed",
        "both",
        BREAKING,
        "A path was removed: calls to it fail.",
    ),
    Check("api-operation-added", "operation-added", "both", INFO, "An operation was added."),
    Check(
        "api-operation-removed",
        "operation-removed",
        "both",
        BREAKING,
        "An operation (method on a path) was removed: calls to it fail.",
    ),
    Check(
        "api-security-changed",
        "security-changed",
        "request",
        WARNING,
        "The security requirements of an operation changed.",
    ),
    Check(
        "request-parameter-added",
        "parameter-added",
        "request",
        INFO,
        "An optional parameter was added.",
    ),
    Check(
        "request-parameter-added-required",
        "required-parameter-added",
        "request",
        BREAKING,
        "A required parameter was added: calls without it are rejected.",
    ),
    Check(
        "request-parameter-removed",
        "parameter-removed",
        "request",
        WARNING,
        "A parameter was removed: clients that send it have it ignored or refused.",
    ),
    Check(
        "request-parameter-became-required",
        "parameter-became-required",
        "request",
        BREAKING,
        "A parameter became required: calls without it are rejected.",
    ),
    Check(
        "request-parameter-became-optional",
        "parameter-became-optional",
        "request",
        INFO,
        "A parameter became optional.",
    ),
    Check("request-body-added", "body-added", "request", INFO, "An optional body was added."),
    Check(
        "request-body-added-required",
        "required-body-added",
        "request",
        BREAKING,
        "A required request body was added: calls without a body are rejected.",
    ),
    Check(
        "request-body-removed",
        "body-removed",
        "request",
        WARNING,
        "The request body was removed.",
    ),
    Check(
        "request-body-became-required",
        "body-became-required",
        "request",
        BREAKING,
        "The request body became required: calls without a body are rejected.",
    ),
    Check(
        "request-body-became-optional",
        "body-became-optional",
        "request",
        INFO,
        "The request body became optional.",
    ),
    Check(
        "request-media-type-added",
        "media-type-added",
        "request",
        INFO,
        "A request media type was added.",
    ),
    Check(
        "request-media-type-removed",
        "media-type-removed",
        "request",
        BREAKING,
        "A request media type was removed: bodies of that type are rejected.",
    ),
    Check(
        "response-status-added",
        "status-added",
        "response",
        INFO,
        "A response status was added.",
    ),
    Check(
        "response-success-status-removed",
        "success-status-removed",
        "response",
        BREAKING,
        "A success (2xx) response status was removed: clients expecting it break.",
    ),
    Check(
        "response-status-removed",
        "status-removed",
        "response",
        WARNING,
        "A non-success response status was removed.",
    ),
    Check(
        "response-media-type-added",
        "media-type-added",
        "response",
        INFO,
        "A response media type was added.",
    ),
    Check(
        "response-media-type-removed",
        "media-type-removed",
        "response",
        BREAKING,
        "A response media type was removed: clients that asked for it break.",
    ),
    Check("file-added", "file-added", "both", INFO, "A schema file was added."),
    Check(
        "file-removed",
        "file-removed",
        "both",
        BREAKING,
        "A schema file was removed: references to it break.",
    ),
)


def _build() -> dict[str, Check]:
    checks: dict[str, Check] = {}
    for kind in _SCHEMA_KINDS:
        for direction in DIRECTIONS:
            cid = f"{_SCOPE[direction]}-{kind.name}"
            checks[cid] = Check(cid, kind.name, direction, kind.level(direction), kind.summary)
    for check in _API_CHECKS:
        assert check.id not in checks, check.id
        checks[check.id] = check
    return dict(sorted(checks.items()))


#: Every check by id, sorted by id.
CHECKS: dict[str, Check] = _build()


def check_for(kind: str, direction: str) -> Check:
    """The check of a schema ``kind`` seen in ``direction``."""
    return CHECKS[f"{_SCOPE[direction]}-{kind}"]
