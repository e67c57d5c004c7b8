"""Pre-flight checks inside an HTTP client: what ``atlscim.httpx`` and ``atlscim.requests`` share.

A ``Preflight`` acts on the requests under one SCIM base URL (``https://api.atlassian.com/scim/
directory/{directoryId}``) and lets every other request through untouched. Before a SCIM request
goes out it is checked with the profile (method, path relative to the base URL with its query
string, body); after the answer comes back, ``classify_response`` says what it means. Both go on
the response as an ``Exchange`` (the answer is classified when ``Exchange.response`` is first
read).

``Exchange`` (``report``, ``response``, ``sent_normalized``, ``synthetic``) and ``Verdict`` (``path``,
``report``, ``body``, ``skip``: what to send) are made in the compiled module, with the path under the
base URL and the body to send, in one call per request each way (``_Checkpoint``): in Python they
cost about as much as the check itself (issue 16). What depends on the options stays here and is
called back only when needed: raising or logging an invalid request, and the remembered
``current``.

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
from typing import Any, Literal
from urllib.parse import SplitResult, urlsplit

from atlscim._native import Exchange, Profile, Report, Verdict, _Checkpoint
from atlscim.errors import ScimError

__all__ = ["Exchange", "OnInvalid", "Preflight", "Verdict"]

OnInvalid = Literal["raise", "log", "send"]
logger = logging.getLogger("atlscim")


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(parts: SplitResult) -> tuple[str, str, str, int | None] | None:
    """Scheme, user info, host and port as a request reaches them: ``https://host:443`` and
    ``https://host`` are one origin (httpx drops a default port from the URLs it sends), hosts
    compare ignoring case. None for a port that is not a number."""
    try:
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if port is None:
        port = _DEFAULT_PORTS.get(scheme)
    userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
    return (scheme, userinfo, (parts.hostname or "").lower(), port)


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
        origin = _origin(base)
        if origin is None:
            raise ValueError(f"base_url has an invalid port: {base_url!r}")
        self._origin = origin
        self._base_path = base.path.rstrip("/")
        self.on_invalid: OnInvalid = on_invalid
        self.send_normalized = send_normalized
        self.remember_current = remember_current
        self.max_remembered = max_remembered
        self._current: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()  # one client may be used from many threads
        # The options are read here, once: set them when making the Preflight.
        self.checkpoint = _Checkpoint(
            self.profile, self._prefix, self._parsed_scim_path, send_normalized=send_normalized,
            on_invalid=None if on_invalid == "send" else self._invalid,
            recall=self._recall if remember_current else None,
            remember=self._remember if remember_current else None,
        )

    def scim_path(self, url: object) -> str | None:
        """The request's path relative to the base URL, with its query string ("/Users?filter=…"),
        or None when the URL is not under the base URL. ``url`` is a str or an ``httpx.URL``."""
        return self.checkpoint.scim_path(url)

    def _parsed_scim_path(self, url: str) -> str | None:
        # A URL that does not start with base_url as written (another case, a default port...).
        parts = urlsplit(url)
        if _origin(parts) != self._origin:
            return None
        path = parts.path
        if path != self._base_path and not path.startswith(self._base_path + "/"):
            return None
        relative = path[len(self._base_path) :] or "/"
        return relative + ("?" + parts.query if parts.query else "")

    def before(self, method: str, url: str, body: bytes | str | None) -> Verdict | None:
        """Checks a request to ``url`` (None when it is not under the base URL: not checked): raises
        ``ScimError`` or logs when it is invalid, as ``on_invalid`` says, and says what to send.
        An empty body is no body. (The transports call ``checkpoint.before`` itself, which can
        also read the body only for a URL it checks.)"""
        return self.checkpoint.before(method, url, body)

    def _invalid(self, method: str, path: str, report: Report) -> None:
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
        logger.warning(
            "%s %s: Atlassian would answer %s: %s %s at %s: %s",
            method, path, report.status, first.rule, first.severity, first.pointer or "/", first.detail,
        )

    def after(self, method: str, verdict: Verdict, status: int, body: bytes, headers: Mapping[str, str]) -> Exchange:
        """Remembers the answer as ``current`` when asked, and makes the Exchange (the answer is
        classified when ``Exchange.response`` is first read)."""
        return self.checkpoint.exchange(method, verdict, status, body, headers)

    def skipped(self, verdict: Verdict) -> Exchange:
        """The Exchange of a request not sent because there was nothing to send."""
        return self.checkpoint.skipped(verdict)

    def _recall(self, path: str) -> Any:
        with self._lock:
            return self._current.get(_resource(path))

    def _remember(self, method: str, path: str, status: int, body: bytes) -> None:
        method = method.upper()
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
