"""Pre-flight checks inside an HTTP client: what ``atlscim.httpx`` and ``atlscim.requests`` share.

A ``Preflight`` acts on the requests under one SCIM base URL (``https://api.atlassian.com/scim/
directory/{directoryId}``) and lets every other request through untouched. Before a SCIM request
goes out it is checked with the profile (method, path relative to the base URL with its query
string, body); after the answer comes back, ``classify_response`` says what it means. Both go on
the response as an ``Exchange`` (the answer is classified when ``Exchange.response`` is first
read).

The checks that depend on what Atlassian holds now (a PUT that would clear attributes, an email
moving to an unverified domain, a group rename) need ``current``, the resource as it is. Without
it those rules are off. ``remember_current=True`` keeps each resource the server answers with
(the JSON body of a 200 answer whose ``id`` is the last segment of the request path: a GET, PUT or
PATCH of ``/Users/{id}`` or ``/Groups/{id}``) and passes it as ``current`` to later requests to the
same path; a DELETE forgets it. At most ``max_remembered`` resources are kept, the least recently
used going first.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Literal, NamedTuple
from urllib.parse import urlsplit

from atlscim._native import Profile, Report, Response, classify_response
from atlscim.errors import ScimError

__all__ = ["Exchange", "OnInvalid", "Preflight", "Verdict"]

OnInvalid = Literal["raise", "log", "send"]
logger = logging.getLogger("atlscim")


class Exchange:
    """What atlscim saw of one SCIM request and its answer.

    ``report`` is the check of the request as the caller made it; ``response`` is
    ``classify_response`` on the answer (retry, wait, auth, which rule); ``sent_normalized`` is
    True when the body sent was ``report.normalized`` rather than the caller's; ``synthetic`` is
    True when no request went out because there was nothing to send (the answer is a 204 made
    here).

    ``response`` is worked out the first time it is read, from the answer's status, body and
    headers as they came back, and kept: a caller who never looks at it does not pay for reading
    the headers into the core (most of what a transport would otherwise add to the check).
    """

    __slots__ = ("report", "sent_normalized", "synthetic", "_answer", "_response", "_max_wait_from")

    def __init__(
        self,
        report: Report,
        response: Response | None = None,
        *,
        sent_normalized: bool = False,
        synthetic: bool = False,
        answer: tuple[int, bytes | None, Mapping[str, str]] | None = None,
        profile: Profile | None = None,
    ) -> None:
        if (response is None) == (answer is None):
            raise TypeError("Exchange needs either response or answer")
        self.report = report
        self.sent_normalized = sent_normalized
        self.synthetic = synthetic
        self._answer = answer
        self._response = response
        self._max_wait_from = profile

    @property
    def response(self) -> Response:
        if self._response is None:
            assert self._answer is not None
            status, body, headers = self._answer
            # The profile's classify holds waits to its limits.max_retry_after.
            profile = self._max_wait_from
            self._response = (
                profile.classify_response(status, body, headers) if profile is not None
                else classify_response(status, body, headers)
            )
            self._answer = None
        return self._response

    def __repr__(self) -> str:
        return (f"Exchange(report={self.report!r}, response={self.response!r}, "
                f"sent_normalized={self.sent_normalized!r}, synthetic={self.synthetic!r})")


class Verdict(NamedTuple):
    """The decision on one request before it is sent: ``body`` is what to send (None: the
    caller's body, unchanged), ``skip`` means send nothing and answer 204. A named tuple: made
    on every request, and a frozen dataclass costs a microsecond to build."""

    path: str
    report: Report
    body: bytes | None
    skip: bool


class Preflight:
    """The checks one transport or adapter makes; see the module documentation."""

    def __init__(
        self,
        *,
        profile: Profile | None,
        base_url: str,
        on_invalid: OnInvalid = "raise",
        send_normalized: bool = False,
        remember_current: bool = False,
        max_remembered: int = 10_000,
    ) -> None:
        if on_invalid not in ("raise", "log", "send"):
            raise ValueError(f'on_invalid must be "raise", "log" or "send", not {on_invalid!r}')
        if max_remembered < 0:
            raise ValueError("max_remembered must not be negative")
        base = urlsplit(base_url)
        if not base.scheme or not base.netloc:
            raise ValueError(f"base_url must be an absolute URL, not {base_url!r}")
        self.profile = profile if profile is not None else Profile()
        self.base_url = base_url
        self._prefix = base_url.rstrip("/")
        self._origin = (base.scheme.lower(), base.netloc.lower())
        self._base_path = base.path.rstrip("/")
        self.on_invalid: OnInvalid = on_invalid
        self.send_normalized = send_normalized
        self.remember_current = remember_current
        self.max_remembered = max_remembered
        self._current: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()  # one client may be used from many threads

    def scim_path(self, url: str) -> str | None:
        """The request's path relative to the base URL, with its query string ("/Users?filter=…"),
        or None when the URL is not under the base URL."""
        # The common case, a URL built from base_url as written, without parsing it.
        if url.startswith(self._prefix):
            rest = url[len(self._prefix) :].split("#", 1)[0]
            if not rest:
                return "/"
            if rest[0] == "/":
                return rest
            if rest[0] == "?":
                return "/" + rest
        parts = urlsplit(url)
        if (parts.scheme.lower(), parts.netloc.lower()) != self._origin:
            return None
        path = parts.path
        if path != self._base_path and not path.startswith(self._base_path + "/"):
            return None
        relative = path[len(self._base_path) :] or "/"
        return relative + ("?" + parts.query if parts.query else "")

    def before(self, method: str, path: str, body: bytes | None) -> Verdict:
        """Checks a request to ``path`` (from ``scim_path``): raises ``ScimError`` or logs when it
        is invalid, as ``on_invalid`` says, and says what to send."""
        current = None
        if self.remember_current:
            with self._lock:
                current = self._current.get(_resource(path))
        report = self.profile.check(method, path, body, current=current)
        if not report.valid:
            first = next(i for i in report.issues if i.severity == "error")
            if self.on_invalid == "raise":
                raise ScimError(
                    f"{method} {path}: Atlassian would answer {report.status}: {first.detail}",
                    status=report.status,
                    scim_type=first.scim_type,
                    rule=first.rule,
                    path=first.path,
                    pointer=first.pointer,
                    report=report,
                )
            if self.on_invalid == "log":
                logger.warning(
                    "%s %s: Atlassian would answer %s: %s %s at %s: %s",
                    method, path, report.status, first.rule, first.severity, first.pointer or "/", first.detail,
                )
            return Verdict(path, report, None, False)
        if not self.send_normalized or body is None:
            return Verdict(path, report, None, False)
        if report.nothing_to_send:
            return Verdict(path, report, None, True)
        normalized = json.dumps(report.normalized, ensure_ascii=False, separators=(",", ":")).encode()
        return Verdict(path, report, normalized, False)

    def after(self, method: str, verdict: Verdict, status: int, body: bytes, headers: Mapping[str, str]) -> Exchange:
        """Classifies the answer, remembers it as ``current`` when asked, and makes the Exchange."""
        if self.remember_current:
            self._remember(method.upper(), verdict.path, status, body)
        return Exchange(
            verdict.report, answer=(status, body or None, headers), profile=self.profile,
            sent_normalized=verdict.body is not None,
        )

    def skipped(self, verdict: Verdict) -> Exchange:
        """The Exchange of a request not sent because there was nothing to send."""
        return Exchange(verdict.report, self.profile.classify_response(204), synthetic=True)

    def _remember(self, method: str, path: str, status: int, body: bytes) -> None:
        key = _resource(path)
        if method == "DELETE" and 200 <= status < 300:
            with self._lock:
                self._current.pop(key, None)
            return
        if method not in ("GET", "PUT", "PATCH") or status != 200 or "?" in path or not body:
            return
        try:
            resource = json.loads(body)
        except ValueError:
            return
        # Only an answer that is the resource at this very path (not a list, not an error).
        if not isinstance(resource, dict) or not key.endswith("/" + str(resource.get("id"))):
            return
        with self._lock:
            self._current[key] = resource
            self._current.move_to_end(key)
            while len(self._current) > self.max_remembered:
                self._current.popitem(last=False)


def _resource(path: str) -> str:
    return path.split("?", 1)[0].rstrip("/")
