"""Profile.apply_patch and Profile.diff: results are new dicts, failures are PatchErrors that say
what the server would answer, and inputs JSON cannot carry are TypeErrors naming the argument."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import atlscim

PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USER: dict[str, Any] = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    "id": "2819c223",
    "userName": "bjensen@example.com",
    "displayName": "Barbara Jensen",
    "name": {"givenName": "Barbara", "familyName": "Jensen"},
    "active": True,
    "emails": [{"value": "bjensen@example.com", "type": "work", "primary": True}],
}
PROFILE = atlscim.Profile()


def patch(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH_OP], "Operations": list(operations)}


def test_entra_ops_give_a_new_dict_and_leave_the_resource_alone() -> None:
    before = copy.deepcopy(USER)
    result = PROFILE.apply_patch(USER, patch(
        {"op": "Replace", "path": "active", "value": "False"},
        {"op": "Add", "path": "title", "value": "Tour Guide"},
    ))
    assert result["active"] is False and result["title"] == "Tour Guide"
    assert USER == before and result is not USER


def test_a_failed_patch_raises_patch_error_with_what_the_server_answers() -> None:
    before = copy.deepcopy(USER)
    with pytest.raises(atlscim.PatchError) as raised:
        PROFILE.apply_patch(USER, patch({"op": "add", "path": "title", "value": "x"}, {"op": "remove"}))
    e = raised.value
    assert isinstance(e, atlscim.ScimError) and isinstance(e, ValueError)
    # A remove without a path: ATL-P-004 under the Atlassian profile (reference §11).
    assert (e.status, e.scim_type, e.rule, e.operation) == (400, "invalidValue", "ATL-P-004", 1)
    assert (e.path, e.pointer) == ("Operations[1]", "/Operations/1")
    assert str(e) == e.detail and "path" in e.detail
    assert USER == before  # all or nothing


def test_groups_and_resource_type() -> None:
    group = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1", "displayName": "eng",
             "members": [{"value": "u1"}]}
    result = PROFILE.apply_patch(group, patch({"op": "add", "path": "members", "value": [{"value": "u2"}]}), "Group")
    assert [m["value"] for m in result["members"]] == ["u1", "u2"]
    with pytest.raises(ValueError, match='resource_type must be "User" or "Group"'):
        PROFILE.apply_patch(group, patch(), "group")  # type: ignore[arg-type]


def test_a_patch_that_is_not_a_patch_op_object_is_a_patch_error() -> None:
    with pytest.raises(atlscim.PatchError) as raised:
        PROFILE.apply_patch(USER, "not a patch")  # type: ignore[arg-type]
    assert raised.value.rule == "RFC-J-002"


def test_values_json_cannot_carry_raise_type_error_naming_the_argument() -> None:
    with pytest.raises(TypeError, match="resource: a set at /title"):
        PROFILE.apply_patch({**USER, "title": {"x"}}, patch())
    with pytest.raises(TypeError, match="patch: a set at /Operations/0/value"):
        PROFILE.apply_patch(USER, patch({"op": "add", "path": "title", "value": {"x"}}))
    with pytest.raises(TypeError, match="desired: an object at /x"):
        PROFILE.diff(USER, {**USER, "x": object()})


def test_diff_is_empty_for_equal_resources_and_applies_back() -> None:
    assert PROFILE.diff(USER, copy.deepcopy(USER)) == []
    desired = {**USER, "title": "Boss", "active": False}
    messages = PROFILE.diff(USER, desired)
    assert len(messages) == 1 and messages[0]["schemas"] == [PATCH_OP]
    assert {op["path"] for op in messages[0]["Operations"]} == {"title", "active"}
    assert PROFILE.apply_patch(USER, messages[0]) == desired
    assert PROFILE.diff(desired, PROFILE.apply_patch(USER, messages[0])) == []


def test_diff_takes_several_messages_past_the_limits_and_resumes() -> None:
    profile = atlscim.Profile.from_config({"limits": {"max_operations": 2}})
    group = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "G"}
    current = {**group, "members": [{"value": f"u{i}"} for i in range(5)]}
    messages = profile.diff(current, group, "Group")
    assert messages == [{"schemas": [PATCH_OP], "Operations": [{"op": "remove", "path": "members"}]}]
    desired = {**group, "members": [{"value": "u4"}]}
    messages = profile.diff(current, desired, "Group")
    assert [len(m["Operations"]) for m in messages] == [2, 2]
    part = profile.apply_patch(current, messages[0], "Group")
    assert profile.diff(part, desired, "Group") == messages[1:]
    assert profile.apply_patch(part, messages[1], "Group") == desired
