"""Optional response validation against the OpenAPI document with openapi-core.

Off by default (openapi-core costs ~0.4 s to import). ``strict`` raises
APIResponseValidationError on any drift; otherwise each distinct drift is logged and warned
about once (``ResponseDriftWarning``) and the response is still returned.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
import yaml

from payflow.runtime._exceptions import APIResponseValidationError

if TYPE_CHECKING:
    from payflow.runtime._base_client import RequestOptions

__all__ = ["ResponseDriftWarning", "ResponseValidator"]

log = logging.getLogger("payflow.client")


class ResponseDriftWarning(UserWarning):
    """A response did not match the API description."""


class _Request:
    def __init__(self, request: httpx.Request, path_pattern: str) -> None:
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self._request = request
        url = request.url
        self.host_url = f"{url.scheme}://{url.netloc.decode('ascii')}"
        self.path = url.path
        self.path_pattern = path_pattern
        # Only what matters for finding the operation; request headers (credentials) stay out.
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list(url.params.multi_items())),
            header=Headers({"Content-Type": request.headers.get("Content-Type", "")}),
        )

    @property
    def method(self) -> str:
        return self._request.method.lower()

    @property
    def body(self) -> bytes | None:
        return self._request.content or None

    @property
    def content_type(self) -> str:
        return self._request.headers.get("Content-Type", "").lower()


class _Response:
    def __init__(self, response: httpx.Response) -> None:
        from werkzeug.datastructures import Headers

        self.status_code = response.status_code
        self.content_type = response.headers.get("Content-Type", "").lower()
        self.headers = Headers(dict(response.headers))
        self.data = response.content


class ResponseValidator:
    def __init__(self, spec_path: Path, base_url: str, *, strict: bool = False) -> None:
        from openapi_core import OpenAPI

        data = yaml.safe_load(Path(spec_path).read_text(encoding="utf-8"))
        data["servers"] = [{"url": base_url}]  # validate against where we actually talk
        self._openapi = OpenAPI.from_dict(data, base_uri=Path(spec_path).resolve().as_uri())
        self._base_path = urlsplit(base_url).path.rstrip("/")
        self.strict = strict
        self._seen: set[tuple[str, str]] = set()

    def check(
        self, options: RequestOptions, request: httpx.Request, response: httpx.Response
    ) -> None:
        pattern = self._base_path + (options.path_template or options.path)
        try:
            self._openapi.validate_response(_Request(request, pattern), _Response(response))
        except Exception as error:  # openapi-core raises a family of errors; all mean drift
            detail = _describe(error)
            what = f"{options.method.upper()} {options.path_template or options.path}"
            if self.strict:
                raise APIResponseValidationError(
                    f"response of {what} does not match the API description: {detail}",
                    status_code=response.status_code,
                    method=options.method.upper(),
                    path=options.path,
                ) from None
            key = (what, detail)
            if key not in self._seen:
                self._seen.add(key)
                log.warning("response drift on %s: %s", what, detail)
                warnings.warn(
                    f"response drift on {what}: {detail}", ResponseDriftWarning, stacklevel=6
                )


def _describe(error: BaseException) -> str:
    parts = [str(error)]
    for sub in getattr(error, "schema_errors", ()) or ():
        path = "/".join(str(p) for p in getattr(sub, "absolute_path", ()))
        parts.append(f"/{path}: {getattr(sub, 'message', sub)}")
    cause = error.__cause__
    if cause is not None:
        for sub in getattr(cause, "schema_errors", ()) or ():
            path = "/".join(str(p) for p in getattr(sub, "absolute_path", ()))
            parts.append(f"/{path}: {getattr(sub, 'message', sub)}")
    return "; ".join(dict.fromkeys(parts))
