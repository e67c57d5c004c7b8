"""Recursion ceilings on a 1 MiB thread stack (docs/robustness.md "Limits"): the deepest input each
limit accepts is checked and applied from a thread whose stack is 1 MiB, as an appliance's would
be; one level past the ceiling is a located issue; a limit over its ceiling is a ConfigError. An
overflow would kill the interpreter with SIGSEGV, so surviving is part of each test."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Callable
from typing import Any

import pytest

import atlscim
from shared_vectors import nested_arrays

STACK = 1 << 20
RAISED = {"max_filter_depth": 64, "max_filter_terms": 1_000_000, "max_filter_length": 100_000_000, "max_string_bytes": 100_000_000}
GROUP = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
    "id": "g1",
    "displayName": "staff",
    "members": [{"value": "u1"}, {"value": "u2"}],
}
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def on_small_stack(work: Callable[[], None]) -> None:
    """Runs ``work`` in a thread with a 1 MiB stack; re-raises what it raised."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            failure.append(e)

    previous = threading.stack_size(STACK)
    try:
        thread = threading.Thread(target=run)
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if failure:
        raise failure[0]


def deepest_filter(depth: int) -> str:
    """A filter nested ``depth`` levels, each costing the most stack a level can (as in
    core/tests/recursion.rs): a value filter, then ``not (… and a pr or b pr)`` around it."""
    inner = 'emails[type eq "work" and value pr or primary eq true]'
    return "not (" * (depth - 1) + inner + " and a pr or b pr)" * (depth - 1)


def get(profile: atlscim.Profile, text: str) -> atlscim.Report:
    return profile.check("GET", "/Users?filter=" + urllib.parse.quote(text))


def remove(filter_text: str) -> dict[str, Any]:
    return {"schemas": [PATCH_OP], "Operations": [{"op": "remove", "path": f"members[{filter_text}]"}]}


def parens(depth: int) -> str:
    return "(" * (depth - 1) + 'value eq "u1"' + ")" * (depth - 1)


def only(report: atlscim.Report) -> tuple[str, str]:
    assert len(report.issues) == 1, report
    return report.issues[0].rule, report.issues[0].pointer


def test_filters_at_the_ceiling() -> None:
    profile = atlscim.Profile.from_config({"profile": "rfc", "limits": RAISED})

    def work() -> None:
        assert get(profile, deepest_filter(64)).valid
        assert only(get(profile, deepest_filter(65))) == ("RFC-F-001", "/filter")
        at = remove(parens(64))
        for body in (at, json.dumps(at)):
            assert profile.check("PATCH", "/Groups/g1", body, current=GROUP).valid
        assert profile.apply_patch(GROUP, at, "Group")["members"] == [{"value": "u2"}]
        past = profile.check("PATCH", "/Groups/g1", remove(parens(65)), current=GROUP)
        assert only(past) == ("RFC-P-002", "/Operations/0/path")
        # On its own a filter parses with the default limits (32 levels): printed, as a tree,
        # and evaluated; each level is `not (… or b pr)`, false when b is present.
        f = atlscim.parse_filter(deepest_filter(32))
        assert atlscim.parse_filter(str(f)) == f
        assert f.to_dict()["op"] == "not"
        assert not f.matches({"b": "x"})
        with pytest.raises(atlscim.FilterError, match="at most 32 levels"):
            atlscim.parse_filter(deepest_filter(33))

    on_small_stack(work)


def test_long_chains_are_flat() -> None:
    profile = atlscim.Profile.from_config({"profile": "rfc", "limits": RAISED})

    def work() -> None:
        for op in (" or ", " and "):
            chain = op.join(f'value eq "u{i}"' for i in range(50_000))
            assert get(profile, chain).valid
            patch = remove(chain)
            assert profile.check("PATCH", "/Groups/g1", patch, current=GROUP).valid
            # `or` matches both members; `and` matches none.
            assert ("members" in profile.apply_patch(GROUP, patch, "Group")) is (op == " and ")

    on_small_stack(work)


def test_deep_json_and_wide_values() -> None:
    profile = atlscim.Profile.from_config({"limits": {"max_depth": 100}})

    def work() -> None:
        # {"x": [[…]]}: the object is level 1, each array one more; 100 levels are read, as text
        # and as a dict, and 101 are refused at the limit.
        for depth, refused in ((100, False), (101, True)):
            as_text = profile.check("POST", "/Users", '{"x":' + "[" * (depth - 1) + "]" * (depth - 1) + "}")
            as_dict = profile.check("POST", "/Users", {"x": nested_arrays(depth - 1)})
            for report in (as_text, as_dict):
                assert ("RFC-J-003" in [i.rule for i in report.issues]) is refused, (depth, report)
        deep = '{"Operations":[{"op":"add","path":"title","value":' + "[" * 10_000 + "]" * 10_000 + "}]}"
        assert only(profile.check("PATCH", "/Users/u1", deep)) == ("RFC-J-003", "/Operations/0/value/0")
        # A remove-by-value whose value has 100,000 members is one flat filter.
        wide = {f"k{i}": "x" for i in range(100_000)}
        patch = {"schemas": [PATCH_OP], "Operations": [{"op": "remove", "path": "phoneNumbers", "value": [wide]}]}
        current = {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "id": "u1",
            "userName": "a@example.com",
            "emails": [{"value": "a@example.com", "primary": True}],
            "phoneNumbers": [{"value": "+1 555 0100"}],
        }
        assert profile.check("PATCH", "/Users/u1", patch, current=current).issues
        try:
            profile.apply_patch(current, patch, "User")
        except atlscim.PatchError:
            pass

    on_small_stack(work)


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("max_filter_depth", 65, "at most 64"),
        ("max_depth", 101, "at most 100"),
        ("max_retry_after", 365 * 86_400 + 1, "at most 31536000"),
    ],
)
def test_a_limit_over_its_ceiling_is_a_config_error(key: str, value: int, says: str) -> None:
    with pytest.raises(atlscim.ConfigError, match=says) as raised:
        atlscim.Profile.from_config({"limits": {key: value}})
    assert raised.value.key == f"limits.{key}"
    atlscim.Profile.from_config({"limits": {key: value - 1}})
