"""The hand-written runtime every generated payflow client imports: Fireblocks auth,
configuration, retries, errors, waiting and optional response validation.

Generated code imports from here only; nothing here is generated.
"""

from payflow.runtime import _exceptions as errors
from payflow.runtime._auth import FireblocksAuth, load_private_key
from payflow.runtime._base_client import (
    EMPTY,
    IDEMPOTENCY_HEADER,
    RAW_BYTES,
    AsyncAPIClient,
    BaseClient,
    RequestOptions,
    SyncAPIClient,
    encode_json,
    path_param,
)
from payflow.runtime._config import ResolvedConfig, resolve
from payflow.runtime._retry import RetryPolicy

__all__ = [
    "EMPTY",
    "IDEMPOTENCY_HEADER",
    "RAW_BYTES",
    "AsyncAPIClient",
    "BaseClient",
    "FireblocksAuth",
    "RequestOptions",
    "ResolvedConfig",
    "RetryPolicy",
    "SyncAPIClient",
    "encode_json",
    "errors",
    "load_private_key",
    "path_param",
    "resolve",
]
