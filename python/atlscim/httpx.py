"""atlscim's pre-flight checks inside an httpx client (``pip install "atlscim[httpx]"``).

    client = httpx.Client(transport=atlscim.httpx.Transport(
        profile=atlscim.Profile(verified_domains=["example.com"]),
        base_url="https://api.atlassian.com/scim/directory/DIRECTORY_ID"))
    r = client.post(f"{base}/Users", json=user)   # raises atlscim.ScimError before sending an invalid user
    r.extensions["atlscim"].response.retryable     # and says what the answer means

Only requests under ``base_url`` are checked; others pass through untouched. Each SCIM response
carries an ``atlscim.preflight.Exchange`` in ``response.extensions["atlscim"]``: the ``report`` on
the request and ``classify_response`` on the answer. The response body is read in the transport
to classify it (SCIM answers are small JSON documents).

- ``on_invalid``: ``"raise"`` (the default) raises ``atlscim.ScimError`` (with ``.report``) and
  sends nothing; ``"log"`` logs a warning on the ``atlscim`` logger and sends; ``"send"`` sends
  without a word (the report is still attached).
- ``send_normalized`` (default False: no silent rewrite): send ``report.normalized``, the body
  with atlscim's lenient fixes, instead of the caller's. When the fixes leave nothing to send (a
  PATCH of no-ops), no request goes out and a 204 made here comes back, its Exchange marked
  ``synthetic``.
- ``remember_current``: the rules that depend on the resource as Atlassian holds it now are off
  without ``current``; with this on, the transport remembers the resources the server answers
  with and checks later requests to the same path against them (``atlscim.preflight``).
"""

from __future__ import annotations

import httpx

from atlscim._native import Profile
from atlscim.preflight import Exchange, OnInvalid, Preflight, Verdict

__all__ = ["AsyncTransport", "Exchange", "Transport"]


def _request(request: httpx.Request, verdict: Verdict) -> httpx.Request:
    """The request with the normalized body (``verdict.body``) instead of the caller's."""
    assert verdict.body is not None
    headers = httpx.Headers(request.headers)
    headers["Content-Length"] = str(len(verdict.body))
    return httpx.Request(
        request.method, request.url, headers=headers, content=verdict.body, extensions=request.extensions
    )


def _skipped(request: httpx.Request, preflight: Preflight, verdict: Verdict) -> httpx.Response:
    return httpx.Response(204, request=request, extensions={"atlscim": preflight.skipped(verdict)})


class Transport(httpx.BaseTransport):
    """An httpx transport that checks each SCIM request before ``base_transport`` sends it (an
    ``httpx.HTTPTransport()`` when None). See the module documentation for the options."""

    def __init__(
        self,
        base_transport: httpx.BaseTransport | None = None,
        *,
        profile: Profile | None = None,
        base_url: str,
        on_invalid: OnInvalid = "raise",
        send_normalized: bool = False,
        remember_current: bool = False,
        max_remembered: int = 10_000,
    ) -> None:
        self.base_transport = base_transport if base_transport is not None else httpx.HTTPTransport()
        self.preflight = Preflight(
            profile=profile, base_url=base_url, on_invalid=on_invalid, send_normalized=send_normalized,
            remember_current=remember_current, max_remembered=max_remembered,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        # One call into the compiled module each way (atlscim.preflight): path, check and verdict,
        # then the Exchange.
        preflight = self.preflight
        verdict = preflight.checkpoint.before(request.method, str(request.url), None, request.read)
        if verdict is None:
            return self.base_transport.handle_request(request)
        if verdict.skip:
            return _skipped(request, preflight, verdict)
        response = self.base_transport.handle_request(request if verdict.body is None else _request(request, verdict))
        body = response.read()
        response.extensions["atlscim"] = preflight.after(request.method, verdict, response.status_code, body, response.headers)
        return response

    def close(self) -> None:
        self.base_transport.close()


class AsyncTransport(httpx.AsyncBaseTransport):
    """The async twin of ``Transport``, for ``httpx.AsyncClient`` (``base_transport`` defaults
    to ``httpx.AsyncHTTPTransport()``). The checks run in the calling task: they take
    microseconds."""

    def __init__(
        self,
        base_transport: httpx.AsyncBaseTransport | None = None,
        *,
        profile: Profile | None = None,
        base_url: str,
        on_invalid: OnInvalid = "raise",
        send_normalized: bool = False,
        remember_current: bool = False,
        max_remembered: int = 10_000,
    ) -> None:
        self.base_transport = base_transport if base_transport is not None else httpx.AsyncHTTPTransport()
        self.preflight = Preflight(
            profile=profile, base_url=base_url, on_invalid=on_invalid, send_normalized=send_normalized,
            remember_current=remember_current, max_remembered=max_remembered,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        preflight = self.preflight
        if preflight.scim_path(str(request.url)) is None:
            return await self.base_transport.handle_async_request(request)  # its body unread
        verdict = preflight.checkpoint.before(request.method, str(request.url), await request.aread())
        assert verdict is not None
        if verdict.skip:
            return _skipped(request, preflight, verdict)
        response = await self.base_transport.handle_async_request(request if verdict.body is None else _request(request, verdict))
        body = await response.aread()
        response.extensions["atlscim"] = preflight.after(request.method, verdict, response.status_code, body, response.headers)
        return response

    async def aclose(self) -> None:
        await self.base_transport.aclose()
