"""Every size limit holds for a dict body as it does for the same body as text (issue 11):
``max_body_bytes`` counts a dict's compact JSON size as it is read, and ``max_string_bytes``
covers member names and read-only, unsupported and unknown attributes. The shared vectors in
tests/vectors/limits_input_forms.json hold the same facts at small limits; these are at the
default limits, with inputs too large to write into a vector."""

from __future__ import annotations

import json
from typing import Any

import atlscim

PROFILE = atlscim.Profile()
USER: dict[str, Any] = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    "userName": "bjensen@example.com",
    "emails": [{"value": "bjensen@example.com", "type": "work", "primary": True}],
}
MIB = "a" * (1 << 20)


def located(report: atlscim.Report) -> list[tuple[str, str]]:
    return [(i.rule, i.pointer) for i in report.issues]


def test_a_dict_over_max_body_bytes_is_refused_like_its_text() -> None:
    # Over the default 16 MiB in strings each within the 64 KiB string limit.
    chunk = "b" * (60 << 10)
    body = {**USER, "x-bulk": [chunk] * 300}
    text = json.dumps(body, separators=(",", ":"))
    assert len(text) > 16 << 20
    for form in (body, text):
        report = PROFILE.check("POST", "/Users", form)
        assert located(report) == [("RFC-J-004", "")], type(form)
        assert report.status == 413
    patch = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "add", "path": "x-bulk", "value": [chunk] * 300}],
    }
    assert located(PROFILE.check("PATCH", "/Users/1", patch)) == [("RFC-J-004", "")]
    # In a batch too (the dict is read into a value there).
    [report] = PROFILE.check_batch([("POST", "/Users", body)])
    assert located(report) == [("RFC-J-004", "")]


def test_a_dict_at_the_limit_is_checked() -> None:
    body = {**USER, "title": "t" * 40}
    compact = len(json.dumps(body, separators=(",", ":"), ensure_ascii=False))
    at = atlscim.Profile(limits={"max_body_bytes": compact})
    below = atlscim.Profile(limits={"max_body_bytes": compact - 1})
    assert at.check("POST", "/Users", body).valid
    assert located(below.check("POST", "/Users", body)) == [("RFC-J-004", "")]


def test_a_mib_id_password_or_member_name_is_refused_and_located() -> None:
    cases: list[tuple[dict[str, Any], list[tuple[str, str]]]] = [
        ({**USER, "id": MIB}, [("ATL-U-010", "/id"), ("RFC-J-005", "/id")]),
        ({**USER, "password": MIB}, [("ATL-U-011", "/password"), ("RFC-J-005", "/password")]),
        ({**USER, MIB: True}, [("RFC-J-005", "")]),
        ({**USER, "name": {MIB: "x"}}, [("RFC-J-005", "/name")]),
        ({**USER, "x-custom": {"deep": [MIB]}}, [("RFC-A-001", "/x-custom"), ("RFC-J-005", "/x-custom")]),
    ]
    for body, expected in cases:
        as_dict = PROFILE.check("POST", "/Users", body)
        as_text = PROFILE.check("POST", "/Users", json.dumps(body))
        assert located(as_dict) == located(as_text) == expected, expected
        assert not as_dict.valid
        # The member name is not spelled out in full anywhere in the report.
        assert all(len(i.detail) < 200 and len(i.pointer) < 200 for i in as_dict.issues)
