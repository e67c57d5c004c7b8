"""atlscim.testing: the local Atlassian directory in-process, its pytest fixture, and the example
connector (examples/connector/) synced into it."""

from __future__ import annotations

import importlib.util
import json
import urllib.error
import urllib.request
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import atlscim.testing
from atlscim.testing import Directory

REPO = Path(__file__).resolve().parents[2]
USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"


def call(d: Directory, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    url = path if path.startswith("http") else d.url + path
    request = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(), method=method)
    request.add_header("Authorization", f"Bearer {token or d.token}")
    request.add_header("Content-Type", "application/scim+json")
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            raw = r.read()
            return r.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        raw = e.read()
        return e.code, json.loads(raw) if raw else None


def user(name: str) -> dict[str, Any]:
    return {"schemas": [USER_URN], "userName": name, "emails": [{"value": name, "type": "work", "primary": True}]}


def test_serve_answers_as_atlassian_and_shows_its_state() -> None:
    with atlscim.testing.serve(token="s3cret") as d:
        assert d.url.startswith("http://127.0.0.1:") and "/scim/directory/" in d.url
        assert d.token == "s3cret"
        status, body = call(d, "POST", "/Users", user("a@example.com"))
        assert status == 201 and body["userName"] == "a@example.com"
        status, body = call(d, "POST", "/Users", user("A@EXAMPLE.COM"))
        assert (status, body["status"], body["scimType"]) == (409, "409", "uniqueness")
        status, body = call(d, "GET", "/Users", token="wrong")
        assert status == 401 and set(body) == {"error", "traceId"}
        assert [u["userName"] for u in d.users()] == ["a@example.com"]
        assert d.groups() == []
        assert [(r["method"], r["status"]) for r in d.requests()] == [("POST", 201), ("POST", 409), ("GET", 401)]
        d.check_consistency()
        d.reset()
        assert d.users() == [] and d.requests() == []
        url = d.url
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "/Users", timeout=2)


def test_faults_and_config() -> None:
    with atlscim.testing.serve(config={"limits": {"users_per_group": 1}}, faults="503,times=1") as d:
        assert call(d, "GET", "/Users")[0] == 503
        assert call(d, "GET", "/Users")[0] == 200
        d.set_faults("429=3")
        assert call(d, "GET", "/Users")[0] == 429
        with pytest.raises(ValueError):
            d.set_faults("418")
    with pytest.raises(ValueError, match="colour"):
        with atlscim.testing.serve(config={"colour": "blue"}):
            pass


def test_a_token_is_generated_when_none_is_given() -> None:
    with atlscim.testing.serve() as a, atlscim.testing.serve() as b:
        assert len(a.token) == 64 and a.token != b.token and a.url != b.url


def test_the_fixture(atlassian_directory: Directory) -> None:
    assert call(atlassian_directory, "POST", "/Users", user("f@example.com"))[0] == 201
    assert len(atlassian_directory.users()) == 1


@pytest.mark.atlassian_directory(config={"verified_domains": ["example.com"]}, faults="500,times=1")
def test_the_fixture_takes_settings_from_its_marker(atlassian_directory: Directory) -> None:
    assert call(atlassian_directory, "GET", "/Users")[0] == 500
    status, body = call(atlassian_directory, "POST", "/Users", user("x@partner.org"))
    assert status == 201
    uid = body["id"]
    # Outside the verified domains: an update is not applied (reference §2.5).
    patch = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "replace", "path": "title", "value": "Lead"}]}
    status, body = call(atlassian_directory, "PATCH", f"/Users/{uid}", patch)
    assert status == 200 and "title" not in body


def connector() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sync_to_atlassian", REPO / "examples/connector/sync_to_atlassian.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PEOPLE = json.loads((REPO / "examples/connector/people.json").read_text())


def test_the_example_connector_syncs_three_users_and_a_group(atlassian_directory: Directory) -> None:
    sync = connector().sync
    done = sync(atlassian_directory.url, atlassian_directory.token, PEOPLE)
    assert len(done["created"]) == 3 and done["refused"] == []
    users = {u["userName"]: u for u in atlassian_directory.users()}
    assert set(users) == {p["email"] for p in PEOPLE["users"]}
    assert users["ada.lovelace@example.com"]["displayName"] == "Ada Lovelace"
    [group] = atlassian_directory.groups()
    assert group["displayName"] == "engineering"
    assert {m["value"] for m in group["members"]} == {u["id"] for u in users.values()}
    for u in users.values():
        assert [g["display"] for g in u["groups"]] == ["engineering"]
    # A second run finds everything in place: updates, no creates, no 409s.
    again = sync(atlassian_directory.url, atlassian_directory.token, PEOPLE)
    assert again["created"] == [] and len(again["updated"]) == 3
    assert all(r["status"] != 409 for r in atlassian_directory.requests())
    # Alan leaves the group.
    fewer = {**PEOPLE, "groups": [{"name": "engineering", "members": PEOPLE["groups"][0]["members"][:2]}]}
    sync(atlassian_directory.url, atlassian_directory.token, fewer)
    assert len(atlassian_directory.groups()[0]["members"]) == 2
    atlassian_directory.check_consistency()


@pytest.mark.atlassian_directory(faults="lost,method=POST,path=/Users,times=1;429=0,method=GET,times=1;503,method=PUT,times=1")
def test_the_example_connector_survives_faults(atlassian_directory: Directory) -> None:
    done = connector().sync(atlassian_directory.url, atlassian_directory.token, PEOPLE)
    assert len(done["created"]) == 3
    log = atlassian_directory.requests()
    assert any(r.get("lost") for r in log), "a create's answer was lost"
    assert any(r["status"] == 409 for r in log), "and its retry met the 409"
    assert any(r["status"] == 429 for r in log)
    assert len(atlassian_directory.users()) == 3
    assert len(atlassian_directory.groups()[0]["members"]) == 3
