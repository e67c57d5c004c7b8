"""Profile.check_batch and Batch: the rules only a batch can see, the iterable read as it goes,
and clear errors for items that are not requests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

import atlscim


def user(name: str, email: str | None = None) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": name,
        "emails": [{"value": email or name, "type": "work", "primary": True}],
    }


PROFILE = atlscim.Profile(verified_domains=["example.com"])


def rules_of(report: atlscim.Report) -> list[str]:
    return [i.rule for i in report.issues]


def test_a_user_sent_twice_is_a_409_the_second_time() -> None:
    reports = PROFILE.check_batch([
        ("POST", "/Users", user("a@example.com")),
        ("POST", "/Users", json.dumps(user("A@Example.com", "other@example.com"))),
        ("DELETE", "/Users/9"),
        ("PUT", "/Users/9", user("c@example.com"), {"id": "9", "userName": "c@example.com"}),
    ])
    assert [r.valid for r in reports] == [True, False, True, False]
    assert (reports[1].status, rules_of(reports[1])) == (409, ["ATL-U-007"])
    assert "ATL-U-023" in rules_of(reports[3])  # a user this batch deleted
    # The same requests one at a time through a Batch.
    batch = PROFILE.batch()
    assert batch.check("POST", "/Users", user("a@example.com")).valid
    second = batch.check("POST", "/Users", user("A@Example.com", "other@example.com"))
    assert rules_of(second) == ["ATL-U-007"]
    assert batch.summary() == {"requests": 2, "valid": 1, "invalid": 1, "by_rule": {"ATL-U-007": 1}}
    assert repr(batch) == "<Batch 2 requests: 1 valid, 1 invalid>"
    assert batch.profile is PROFILE


def test_batches_are_independent() -> None:
    first, second = PROFILE.batch(), PROFILE.batch()
    assert first.check("POST", "/Users", user("a@example.com")).valid
    assert second.check("POST", "/Users", user("a@example.com")).valid
    assert PROFILE.check_batch([("POST", "/Users", user("a@example.com"))])[0].valid


def test_the_iterable_is_read_as_it_goes() -> None:
    pulled: list[int] = []

    def requests() -> Iterator[Any]:
        for i in range(10):
            pulled.append(i)
            yield ("POST", "/Users", user(f"u{i}@example.com")) if i != 2 else ("POST",)

    with pytest.raises(TypeError, match=r"requests\[2\]: expected a \(method, path\[, body\[, current\]\]\) tuple"):
        PROFILE.check_batch(requests())
    assert pulled == [0, 1, 2]


@pytest.mark.parametrize(
    ("item", "words"),
    [
        ({"method": "POST"}, r"requests\[0\]: expected a .* tuple, got a dict"),
        (("POST", "/Users", None, None, None), r"requests\[0\]: .* got 5 items"),
        ((1, "/Users"), r"requests\[0\]: method must be a str"),
        (("POST", b"/Users"), r"requests\[0\]: path must be a str"),
        (("POST", "/Users", {"userName": {1, 2}}), r"requests\[0\]: body: a set at /userName"),
        (("PUT", "/Users/1", {}, {"x": float("nan")}), r"requests\[0\]: current: the float NaN at /x"),
    ],
)
def test_items_that_are_not_requests_raise_type_error_saying_which(item: Any, words: str) -> None:
    with pytest.raises(TypeError, match=words):
        PROFILE.check_batch([item])


def test_bodies_in_every_form_and_normalized() -> None:
    body = {**user("a@example.com"), "active": "False"}
    reports = PROFILE.check_batch([
        ["POST", "/Users", body],
        ("POST", "/Users", json.dumps(user("b@example.com")).encode()),
        ("GET", "/Users?filter=userName eq \"a@example.com\""),
        ("POST", "/Users", "{not json"),
    ])
    assert reports[0].normalized["active"] is False and body["active"] == "False"
    assert reports[1].valid and reports[1].normalized["userName"] == "b@example.com"
    assert reports[2].valid and reports[2].normalized is None
    assert rules_of(reports[3]) == ["RFC-J-001"] and reports[3].normalized is None
    same = user("c@example.com")
    assert PROFILE.batch().check("POST", "/Users", same).normalized is same


def test_a_dict_inside_itself_is_reported_in_a_batch_as_check_reports_it() -> None:
    body: dict[str, Any] = user("a@example.com")
    body["self"] = body
    # A batch reaches the core by the route Profile.check takes: the core stops at its depth
    # limit and reports it.
    report = PROFILE.batch().check("POST", "/Users", body)
    assert report.valid is False and "RFC-J-003" in rules_of(report)
    assert report.to_dict() == PROFILE.check("POST", "/Users", body).to_dict()


def test_a_batch_normalizes_the_dict_as_it_was_checked() -> None:
    body = {**user("a@example.com"), "active": "true", "emails": [{"value": "a@example.com", "primary": True}]}
    checked = json.loads(json.dumps(body))
    batch = PROFILE.batch()
    report = batch.check("POST", "/Users", body)
    # The caller's dict changes after the check: normalized is the body that was checked.
    body["active"] = "no"
    body["emails"][0]["value"] = "changed@example.com"
    assert report.normalized == {**checked, "active": True}
    assert report.normalized is report.normalized
    assert report.to_dict() == PROFILE.check("POST", "/Users", checked).to_dict()
