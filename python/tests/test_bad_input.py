"""Bodies that are not SCIM get a report; Python values that cannot be JSON at all get a
TypeError (or ValueError for a dict inside itself) that says where they are; nothing crashes."""

from __future__ import annotations

import datetime
import enum
import json
from collections import OrderedDict
from typing import Any

import pytest

import atlscim
from shared_vectors import nested_arrays

USER = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    "userName": "bjensen@example.com",
    "emails": [{"value": "bjensen@example.com", "type": "work", "primary": True}],
}
PROFILE = atlscim.Profile()


def rules_of(report: atlscim.Report) -> list[str]:
    return [i.rule for i in report.issues]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({**USER, "displayName": {"a", "b"}}, "body: a set at /displayName cannot be sent as JSON"),
        ({**USER, "emails": [{"value": datetime.date(2024, 1, 1)}]}, "body: a date at /emails/0/value"),
        ({**USER, "x": float("nan")}, "body: the float NaN at /x"),
        ({**USER, "x": [float("inf")]}, "body: the float inf at /x/0"),
        ({**USER, "name": {1: "a"}}, "body: a key that is an int at /name"),
        ({**USER, "displayName": "\ud800"}, "a str with a lone surrogate (not valid Unicode) at /displayName"),
        ({**USER, "a/b~c": {"d": object()}}, "an object at /a~1b~0c/d"),
        ({**USER, "x": 10**400}, "an int too large for a JSON number at /x"),
        ({**USER, "x": bytearray(b"{}")}, "a bytearray at /x"),
        (bytearray(b"{}"), "body: a bytearray cannot be sent as JSON"),
    ],
)
def test_values_json_cannot_carry_raise_type_error_saying_where(body: Any, words: str) -> None:
    with pytest.raises(TypeError) as raised:
        PROFILE.check("POST", "/Users", body)
    assert words in str(raised.value)


def test_current_that_json_cannot_carry_raises_type_error() -> None:
    with pytest.raises(TypeError, match=r"current: a set at /title"):
        PROFILE.check("PUT", "/Users/1", USER, current={"title": {"x"}})


def test_a_dict_inside_itself() -> None:
    body: dict[str, Any] = dict(USER)
    body["self"] = body
    # The core stops at its depth limit, as it does for text, and reports it.
    report = PROFILE.check("POST", "/Users", body)
    assert report.valid is False and "RFC-J-003" in rules_of(report)
    current: dict[str, Any] = {}
    current["self"] = current
    with pytest.raises(ValueError, match="current is nested too deeply"):
        PROFILE.check("PUT", "/Users/1", USER, current=current)
    with pytest.raises(atlscim.ConfigError, match="nested too deeply"):
        atlscim.Profile.from_config({"limits": current})


def test_text_that_is_not_utf8_is_reported() -> None:
    for body in (b'{"userName": "\xff"}', "{\"userName\": \"\udcff\"}"):
        report = PROFILE.check("POST", "/Users", body)
        assert report.valid is False and rules_of(report) == ["RFC-J-001"]
        assert "not valid UTF-8" in report.issues[0].detail


def test_deep_nesting_as_a_dict_has_the_verdict_of_the_same_text() -> None:
    for depth in (10, 40, 10_000):
        text = '{"userName":' + "[" * depth + "]" * depth + "}"
        as_text = PROFILE.check("POST", "/Users", text)
        as_dict = PROFILE.check("POST", "/Users", {"userName": nested_arrays(depth)})
        assert sorted(rules_of(as_dict)) == sorted(rules_of(as_text)), depth
        assert as_dict.valid is False


def test_huge_strings_have_the_verdict_of_the_same_text() -> None:
    body = {**USER, "displayName": "a" * (1 << 20)}
    as_dict = PROFILE.check("POST", "/Users", body)
    assert rules_of(as_dict) == rules_of(PROFILE.check("POST", "/Users", json.dumps(body))) == ["RFC-J-005"]


def test_json_values_that_are_not_objects_are_reported() -> None:
    bodies: tuple[Any, ...] = ([USER], (1, 2), 42, 4.5, True, "[]", "42", '"text"', "", b"")
    for body in bodies:
        report = PROFILE.check("POST", "/Users", body)
        assert report.valid is False and report.status == 400, body
        assert rules_of(report) in (["RFC-J-002"], ["RFC-J-001"]), body


def test_big_ints_read_as_numbers_like_json_text() -> None:
    for value in (2**63, 2**64 + 1, -(2**63) - 1, 10**30):
        as_dict = PROFILE.check("POST", "/Users", {**USER, "userName": value})
        as_text = PROFILE.check("POST", "/Users", json.dumps({**USER, "userName": value}))
        # A number, not a string: ATL-U-001 (userName must be a string) under the Atlassian profile.
        assert rules_of(as_dict) == rules_of(as_text) == ["ATL-U-001"], value


class Kind(str, enum.Enum):
    WORK = "work"


class Flag(enum.IntEnum):
    ON = 1


def test_subclasses_of_json_types_read_as_their_base() -> None:
    body = OrderedDict(USER)
    body["emails"] = [OrderedDict(value="bjensen@example.com", type=Kind.WORK, primary=True)]
    body["schemas"] = tuple(USER["schemas"])
    report = PROFILE.check("POST", "/Users", body)
    assert report.valid is True and report.issues == []
    assert report.normalized is body
    flagged = PROFILE.check("POST", "/Users", {**USER, "active": Flag.ON})
    assert rules_of(flagged) == rules_of(PROFILE.check("POST", "/Users", json.dumps({**USER, "active": 1})))


def test_a_fixed_body_normalizes_every_json_form_as_its_json_text() -> None:
    # `active` as a string is fixed, so normalized is read back from the check's record of the
    # dict: exact scalars directly, subclasses and ints past 64 bits through the reader.
    extras = {"x1": 2**64 + 1, "x2": -(2**63) - 1, "x3": 2**63, "x4": 10**30, "x5": Flag.ON, "x6": -7,
              "x7": 1.5, "x8": Kind.WORK, "x9": None, "x10": False, "x11": "é\u2028"}
    body = OrderedDict({**USER, "active": "true", "urn:example:ext": OrderedDict(extras)})
    as_dict = PROFILE.check("POST", "/Users", body)
    as_text = PROFILE.check("POST", "/Users", json.dumps(body))
    # (Ints past 64 bits become floats, as serde_json reads them from text.)
    assert as_dict.normalized == as_text.normalized
    assert as_dict.normalized is not body and as_dict.normalized["active"] is True
    assert isinstance(as_dict.normalized["urn:example:ext"]["x4"], float)
    for batch in (PROFILE.batch(), None):
        got = batch.check("POST", "/Users", body) if batch else PROFILE.check_batch([("POST", "/Users", body)])[0]
        assert got.normalized == as_text.normalized


def test_a_tuple_body_member_is_copied_as_a_list_in_normalized() -> None:
    body = {"userName": "bjensen@example.com", "emails": ({"value": "bjensen@example.com", "primary": True},)}
    report = PROFILE.check("POST", "/Users", body)  # schemas missing: added in normalized
    assert report.normalized["emails"] == [{"value": "bjensen@example.com", "primary": True}]
    assert report.normalized["schemas"] == USER["schemas"]


def test_argument_types() -> None:
    with pytest.raises(TypeError):
        PROFILE.check(1, "/Users", USER)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        PROFILE.check("POST", None, USER)  # type: ignore[arg-type]
