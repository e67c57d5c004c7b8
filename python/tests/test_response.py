"""atlscim.classify_response: the three body shapes Atlassian answers with, the waits, and the
forms a connector has its body and headers in."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

import atlscim

NOW = 1_763_900_000.0
CONFLICT = {
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
    "status": "409",
    "scimType": "uniqueness",
    "detail": "Resource [USER]: with email[a@b.c] already exists.",
}


class Headers(Mapping[str, str]):
    """A headers object like those of requests and httpx: a mapping, not a dict."""

    def __init__(self, **items: str) -> None:
        self._items = {k.replace("_", "-"): v for k, v in items.items()}

    def __getitem__(self, key: str) -> str:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


def test_a_scim_error_body_in_every_form() -> None:
    forms: list[Any] = [json.dumps(CONFLICT), json.dumps(CONFLICT).encode(), CONFLICT]
    responses = [atlscim.classify_response(409, body) for body in forms]
    assert responses[0] == responses[1] == responses[2]
    r = responses[0]
    assert (r.status, r.kind, r.retryable, r.retry_after) == (409, "conflict", False, None)
    assert (r.scim_type, r.rule, r.trace_id) == ("uniqueness", "ATL-U-008", None)
    assert r.detail == CONFLICT["detail"]
    assert r.to_dict() == {"status": 409, "kind": "conflict", "retryable": False, "retryAfter": None,
                           "retryAfterClamped": False, "scimType": "uniqueness", "detail": CONFLICT["detail"], "traceId": None,
                           "rule": "ATL-U-008"}


def test_waits_from_headers_in_every_form() -> None:
    for headers in ({"retry-after": "30"}, [("Retry-After", "30")], Headers(Retry_After="30"),
                    (("RETRY-AFTER", " 30 "),)):
        r = atlscim.classify_response(429, None, headers)
        assert (r.kind, r.retryable, r.retry_after, r.rule) == ("rate_limited", True, 30.0, "ATL-R-001"), headers
    reset = atlscim.classify_response(503, b"<html>busy</html>", {"X-RateLimit-Reset": str(NOW + 12)}, now=NOW)
    assert (reset.kind, reset.retry_after, reset.detail) == ("server_error", 12.0, "<html>busy</html>")
    assert repr(reset) == '<Response 503 server_error, retry after 12s, ATL-R-001: "<html>busy</html>">'


def test_auth_failures_are_not_retried() -> None:
    r = atlscim.classify_response(401, '{"error":"Missing authorization header","traceId":"4f3c"}',
                                  {"Retry-After": "30"})
    assert (r.kind, r.retryable, r.retry_after, r.trace_id) == ("credential_rejected", False, None, "4f3c")


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="headers: expected"):
        atlscim.classify_response(429, "", [("Retry-After", 30)])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="headers: expected"):
        atlscim.classify_response(429, "", ["Retry-After"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="body: a set"):
        atlscim.classify_response(400, {"detail": {"x"}})
    with pytest.raises(OverflowError):
        atlscim.classify_response(70000, "")
    with pytest.raises(TypeError):
        atlscim.classify_response(429, "", {}, NOW)  # type: ignore[call-arg]


def test_profile_key_expiry_reads_the_configured_date() -> None:
    day = 86_400
    expires = 1_809_129_600  # 2027-05-01T00:00:00Z
    profile = atlscim.Profile(key_expires="2027-05-01", key_expiry_warning_days=14)
    assert profile.key_expiry(expires - 15 * day) == {"state": "valid", "days_left": 15}
    assert profile.key_expiry(expires - 14 * day) == {"state": "expires_soon", "days_left": 14}
    assert profile.key_expiry(expires) == {"state": "expired", "days_left": 0}
    assert atlscim.Profile().key_expiry(expires) is None


def test_key_expiry_warns_within_the_window() -> None:
    day = 86_400
    expires = 1_800_000_000
    assert atlscim.key_expiry(expires, expires - 31 * day) == {"state": "valid", "days_left": 31}
    assert atlscim.key_expiry(expires, expires - 30 * day) == {"state": "expires_soon", "days_left": 30}
    assert atlscim.key_expiry(expires, expires - 10 * day, warn_days=7)["state"] == "valid"
    assert atlscim.key_expiry(expires, expires) == {"state": "expired", "days_left": 0}
    assert atlscim.key_expiry(expires, expires + day + 1) == {"state": "expired", "days_left": -2}
