"""atlscim's pre-flight checks inside a requests session (``pip install "atlscim[requests]"``).

    session = requests.Session()
    session.mount("https://", atlscim.requests.Adapter(
        profile=atlscim.Profile(verified_domains=["example.com"]),
        base_url="https://api.atlassian.com/scim/directory/DIRECTORY_ID"))
    r = session.post(f"{base}/Users", json=user)   # raises atlscim.ScimError before sending an invalid user
    atlscim.requests.exchange(r).response.retryable

The options are those of ``atlscim.httpx.Transport`` (see it, and ``atlscim.preflight``). Only
requests under ``base_url`` are checked, whatever prefix the adapter is mounted on; others pass
through untouched. Each SCIM response carries an ``atlscim.preflight.Exchange`` as its
``atlscim`` attribute; ``exchange(response)`` reads it with its type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests
import requests.adapters
from requests.structures import CaseInsensitiveDict

from atlscim._native import Profile
from atlscim.preflight import Exchange, OnInvalid, Preflight

__all__ = ["Adapter", "Exchange", "exchange"]


def exchange(response: requests.Response) -> Exchange | None:
    """The Exchange an ``Adapter`` attached to a response; None for a request it did not check."""
    found = getattr(response, "atlscim", None)
    return found if isinstance(found, Exchange) else None


class Adapter(requests.adapters.HTTPAdapter):
    """A requests transport adapter that checks each SCIM request before sending it. Keyword
    arguments beyond atlscim's go to ``requests.adapters.HTTPAdapter`` (pool sizes, retries)."""

    def __init__(
        self,
        *,
        profile: Profile | None = None,
        base_url: str,
        on_invalid: OnInvalid = "raise",
        send_normalized: bool = False,
        remember_current: bool = False,
        max_remembered: int = 10_000,
        **adapter_options: Any,
    ) -> None:
        super().__init__(**adapter_options)
        self.preflight = Preflight(
            profile=profile, base_url=base_url, on_invalid=on_invalid, send_normalized=send_normalized,
            remember_current=remember_current, max_remembered=max_remembered,
        )

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: None | float | tuple[float, float] | tuple[float, None] = None,
        verify: bool | str = True,
        cert: None | bytes | str | tuple[bytes | str, bytes | str] = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        preflight = self.preflight
        body = request.body
        if body is not None and not isinstance(body, (bytes, str)):
            body = None  # a file or a generator: sent as it is, checked without a body
        # One call into the compiled module each way (atlscim.preflight): path, check and verdict,
        # then the Exchange.
        verdict = preflight.checkpoint.before(request.method or "GET", request.url or "", body)
        if verdict is None:
            return super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)
        if verdict.skip:
            skipped = requests.Response()
            skipped.status_code = 204
            skipped.reason = "No Content"
            skipped.url = request.url or ""
            skipped.request = request
            skipped._content = b""
            skipped.headers = CaseInsensitiveDict()
            skipped.atlscim = preflight.skipped(verdict)  # type: ignore[attr-defined]
            return skipped
        if verdict.body is not None:
            request = request.copy()
            request.body = verdict.body
            request.headers["Content-Length"] = str(len(verdict.body))
        response = super().send(request, stream, timeout, verify, cert, proxies)
        found = preflight.after(request.method or "GET", verdict, response.status_code, response.content, response.headers)
        response.atlscim = found  # type: ignore[attr-defined]
        return response
