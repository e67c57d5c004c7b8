"""Report and Issue: the verdict's attributes, its JSON shape, the SCIM error, equality, repr,
and what `normalized` is for each kind of body."""

from __future__ import annotations

import gc
import json
import weakref
from typing import Any

import pytest

import atlscim

USER = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    "userName": "bjensen@example.com",
    "emails": [{"value": "bjensen@example.com", "type": "work", "primary": True}],
}
NO_PRIMARY = {**USER, "emails": [{"value": "bjensen@example.com", "type": "work"}]}
PROFILE = atlscim.Profile(verified_domains=["example.com"])


def test_a_valid_request() -> None:
    report = PROFILE.check("POST", "/Users", USER)
    assert (report.valid, report.status, report.issues) == (True, None, [])
    assert report.to_scim_error() is None
    assert report.to_dict() == {
        "valid": True, "status": None, "issues": [], "omitted": 0, "sentStatus": None, "normalized": USER
    }
    assert report.omitted == 0


def test_an_invalid_request_is_a_report_not_an_exception() -> None:
    report = PROFILE.check("POST", "/Users", NO_PRIMARY)
    assert report.valid is False and report.status == 400
    (issue,) = report.issues
    assert isinstance(issue, atlscim.Issue)
    assert (issue.severity, issue.rule, issue.path, issue.pointer) == ("error", "ATL-U-003", "emails", "/emails")
    assert issue.status == 400 and issue.scim_type is None
    assert "primary" in issue.detail


def test_to_dict_is_the_shared_json_shape() -> None:
    report = PROFILE.check("POST", "/Users", NO_PRIMARY)
    shape = report.to_dict()
    assert list(shape) == ["valid", "status", "issues", "omitted", "sentStatus", "normalized"]
    assert shape["sentStatus"] == report.sent_status == 400
    assert shape["issues"] == [report.issues[0].to_dict()]
    assert list(shape["issues"][0]) == ["severity", "rule", "path", "pointer", "status", "scimType", "detail"]
    assert shape["normalized"] == NO_PRIMARY
    json.dumps(shape)  # plain JSON all the way down


def test_a_report_keeps_max_issues_and_counts_the_rest() -> None:
    profile = atlscim.Profile.from_config({"limits": {"max_issues": 2}})
    report = profile.check("POST", "/Users", {**USER, "phoneNumbers": [1, 2, 3, 4, 5]})
    assert report.omitted == 3 and report.to_dict()["omitted"] == 3
    assert [(i.rule, i.pointer) for i in report.issues] == [
        ("RFC-T-001", "/phoneNumbers/0"), ("RFC-T-001", "/phoneNumbers/1"), ("RFC-J-006", "")
    ]
    assert report.status == 400 and "3 more issues" in report.issues[-1].detail


def test_to_scim_error_is_what_atlassian_would_answer() -> None:
    error = PROFILE.check("POST", "/Users", NO_PRIMARY).to_scim_error()
    assert error is not None
    assert error["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert error["status"] == "400"  # a string, as RFC 7644 and Atlassian write it
    assert "scimType" not in error  # Atlassian sends none for this one
    assert "primary" in error["detail"]
    typed = PROFILE.check("POST", "/Users", {**USER, "userName": 42}).to_scim_error()
    assert typed is not None and typed["scimType"] == "invalidValue"


def test_warnings_carry_no_status_and_lenient_fixes_the_status_as_sent() -> None:
    report = PROFILE.check("POST", "/Users", {**USER, "active": "False", "addresses": []})
    assert report.valid is True and report.status is None
    statuses = {(i.severity, i.rule, i.status, i.scim_type) for i in report.issues}
    # The string "False" is fixed in normalized; Atlassian answers the body as sent with 400.
    assert statuses == {("info", "ATL-U-017", 400, "invalidValue"), ("warning", "ATL-U-011", None, None)}


def test_normalized_is_the_same_dict_when_nothing_is_fixed() -> None:
    body = json.loads(json.dumps(USER))
    report = PROFILE.check("POST", "/Users", body)
    assert report.normalized is body
    assert report.to_dict()["normalized"] is body


def test_normalized_applies_the_fixes_and_leaves_the_callers_dict_alone() -> None:
    body: dict[str, Any] = {
        **USER, "active": "False", "id": "x", "emails": [{"value": "bjensen@example.com", "primary": "True"}]
    }
    before = json.dumps(body, sort_keys=True)
    report = PROFILE.check("POST", "/Users", body)
    # The caller changes their dict after the check: normalized is still that of the checked body.
    body["emails"][0]["value"] = "someone.else@example.com"
    body["userName"] = "changed"
    expected = {**USER, "active": False, "emails": [{"value": "bjensen@example.com", "primary": True}]}
    assert report.normalized == expected
    assert report.normalized is report.normalized  # built once
    assert json.dumps(json.loads(before), sort_keys=True) == before  # (sanity: the original text)
    assert "id" in body and body["active"] == "False"  # the fixes went to a copy


def test_fixes_are_the_changes_normalized_makes_as_data() -> None:
    body: dict[str, Any] = {**USER, "active": "False", "id": "x"}
    report = PROFILE.check("POST", "/Users", body)
    assert sorted(report.fixes, key=lambda f: f["path"]) == [
        {"op": "replace", "path": "/active", "value": False},
        {"op": "remove", "path": "/id"},
    ]
    # Applied to the caller's own copy, they give normalized.
    mine = json.loads(json.dumps(body))
    for fix in report.fixes:
        key = fix["path"].lstrip("/")
        if fix["op"] == "replace":
            mine[key] = fix["value"]
        elif fix["op"] == "remove":
            del mine[key]
    assert mine == report.normalized
    assert PROFILE.check("POST", "/Users", USER).fixes == []


def test_normalized_from_text() -> None:
    text = json.dumps({**USER, "active": "False"})
    for body in (text, text.encode()):
        report = PROFILE.check("POST", "/Users", body)
        assert report.normalized == {**USER, "active": False}
    assert PROFILE.check("POST", "/Users", json.dumps(USER)).normalized == USER


def test_normalized_is_none_when_the_body_cannot_be_read() -> None:
    for body in ("{", b"\xff", "[]", None):
        report = PROFILE.check("POST", "/Users", body)
        assert report.valid is False and report.normalized is None, body


def test_reports_compare_equal_by_value() -> None:
    a = PROFILE.check("POST", "/Users", NO_PRIMARY)
    b = PROFILE.check("POST", "/Users", json.dumps(NO_PRIMARY))
    c = PROFILE.check("POST", "/Users", USER)
    assert a == b and not (a != b)
    assert a != c and not (a == c)
    assert a != "not a report"
    # Same issues, different normalized body: not equal.
    other = {**NO_PRIMARY, "displayName": "Babs"}
    assert PROFILE.check("POST", "/Users", other) != a
    with pytest.raises(TypeError):
        hash(a)


def test_repr_shows_the_verdict_and_the_first_issues() -> None:
    assert repr(PROFILE.check("POST", "/Users", USER)) == "<Report valid>"
    many = {"userName": 1, "emails": 2, "title": 3, "nickName": 4, "displayName": 5}
    text = repr(PROFILE.check("POST", "/Users", many))
    # A userName that is not a string is ATL-U-001 under the Atlassian profile (reference §11).
    assert text.startswith("<Report invalid (400); error ATL-U-001 at userName: ")
    assert text.count("; error ") == 3 and "more>" in text


def test_issues_compare_hash_and_print() -> None:
    a = PROFILE.check("POST", "/Users", NO_PRIMARY).issues[0]
    b = PROFILE.check("POST", "/Users", NO_PRIMARY).issues[0]
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert str(a).startswith("error ATL-U-003 at emails: ")
    assert repr(a).startswith("Issue(severity=\"error\", rule=\"ATL-U-003\", path=\"emails\", pointer=\"/emails\", status=400")
    assert a != PROFILE.check("POST", "/Users", {**USER, "userName": 42}).issues[0]


def test_reports_and_issues_are_immutable() -> None:
    report = PROFILE.check("POST", "/Users", NO_PRIMARY)
    with pytest.raises(AttributeError):
        report.valid = True  # type: ignore[misc]
    with pytest.raises(AttributeError):
        report.issues[0].rule = "X"  # type: ignore[misc]
    report.issues.clear()  # a new list each time
    assert len(report.issues) == 1
    with pytest.raises(TypeError):
        atlscim.Report()


def test_requests_without_a_body() -> None:
    assert PROFILE.check("DELETE", "/Users/2819c223").valid is True
    report = PROFILE.check("GET", "/Users?filter=userName eq \"bjensen\"")
    assert report.valid is True
    missing = PROFILE.check("POST", "/Users")
    assert (missing.valid, missing.status, [i.rule for i in missing.issues]) == (False, 400, ["RFC-J-002"])


def test_routing_problems_are_reports() -> None:
    assert [i.rule for i in PROFILE.check("FETCH", "/Users", USER).issues] == ["RFC-R-002"]
    assert [i.rule for i in PROFILE.check("POST", "/Accounts", USER).issues] == ["RFC-R-001"]


def test_current_is_used_by_a_put() -> None:
    current = {**USER, "id": "2819c223", "title": "Tour Guide", "nickName": "Babs"}
    report = PROFILE.check("PUT", "/Users/2819c223", USER, current=current)
    assert [(i.severity, i.rule) for i in report.issues] == [("warning", "ATL-U-021")]
    assert "title" in report.issues[0].detail
    assert PROFILE.check("PUT", "/Users/2819c223", USER).issues == []
    assert PROFILE.check("PUT", "/Users/2819c223", json.dumps(USER), current=current) == report


class Sentinel:
    """Something a weak reference can watch."""


def test_a_body_holding_its_own_report_is_collected() -> None:
    class Body(dict[str, Any]):
        """A dict that a weak reference can watch."""

    body = Body(USER)
    watch = weakref.ref(body)
    report = PROFILE.check("POST", "/Users", body)
    assert report.normalized is body
    body["report"] = report  # body -> report -> body
    del body, report
    gc.collect()
    assert watch() is None


def test_normalized_holding_its_own_report_is_collected() -> None:
    report = PROFILE.check("POST", "/Users", json.dumps({**USER, "active": "False"}))
    normalized = report.normalized
    normalized["report"] = report  # report -> normalized -> report
    normalized["sentinel"] = Sentinel()
    watch = weakref.ref(normalized["sentinel"])
    del report, normalized
    gc.collect()
    assert watch() is None
