"""Checked by a suite nobody here wrote: python-scim's scim2-tester against atlscim serve.

Every check that fails must be one of Atlassian's documented deviations from RFC 7644
(tests/conformance/scim2_tester_deviations.json, each with its reference section); any other
failure fails this test, and so does a listed check that passes (a stale entry). Errors and skips
count as failures. scim2-client also performs create, read, replace, patch, search and delete
round trips against it."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx2
import pytest
from scim2_client import SCIMResponseException
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_models.exceptions import NotFoundException
from scim2_models import ListResponse, PatchOp, SearchRequest
from scim2_tester import Status, check_server

import atlscim.testing
from atlscim.testing import Directory

REPO = Path(__file__).resolve().parents[2]
DEVIATIONS = json.loads((REPO / "tests/conformance/scim2_tester_deviations.json").read_text())
PASSING = {Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE}
CORE = ("urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:core:2.0:Group")


def core_first(value: Any) -> None:
    """Puts the core schema first in every ``schemas`` list (the one documented adaptation)."""
    if isinstance(value, dict):
        schemas = value.get("schemas")
        if isinstance(schemas, list):
            value["schemas"] = sorted(schemas, key=lambda urn: urn not in CORE)
        for v in value.values():
            core_first(v)
    elif isinstance(value, list):
        for v in value:
            core_first(v)


class CoreFirst(httpx2.BaseTransport):
    def __init__(self) -> None:
        self.inner = httpx2.HTTPTransport()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = self.inner.handle_request(request)
        response.read()
        try:
            body = json.loads(response.content)
        except ValueError:
            return response
        core_first(body)
        headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
        return httpx2.Response(response.status_code, headers=headers, content=json.dumps(body).encode())


def client(d: Directory, adapt: bool = True) -> SyncSCIMClient:
    http = httpx2.Client(base_url=d.url, headers={"Authorization": f"Bearer {d.token}"},
                         transport=CoreFirst() if adapt else httpx2.HTTPTransport())
    return SyncSCIMClient(http)


def test_scim2_tester_fails_only_on_documented_deviations() -> None:
    with atlscim.testing.serve() as d:
        results = check_server(client(d))
        d.check_consistency()
    by_check: dict[str, list[Any]] = defaultdict(list)
    for r in results:
        by_check[f"{r.resource_type or '-'}/{r.title}"].append(r)
    failing = {name: [f"{r.status.name}: {r.reason}" for r in rs if r.status not in PASSING]
               for name, rs in by_check.items()}
    failing = {name: why for name, why in failing.items() if why}
    listed = {d["check"] for d in DEVIATIONS["deviations"]}
    undocumented = {name: why for name, why in failing.items() if name not in listed}
    stale = sorted(listed - set(failing))
    assert not undocumented, f"scim2-tester failures that are no documented Atlassian deviation: {undocumented}"
    assert not stale, f"listed deviations that scim2-tester no longer reports (remove them): {stale}"
    assert len(results) >= 50, f"only {len(results)} checks ran"


def test_every_deviation_names_its_reference_and_is_published() -> None:
    published = (REPO / "docs/atlassian-deviations.md").read_text()
    for d in DEVIATIONS["deviations"]:
        assert d["reference"].startswith("§") and d["why"], d
        assert f"`{d['check']}`" in published, f"{d['check']} is not in docs/atlassian-deviations.md"


def test_atlassian_lists_its_extension_first_which_plain_scim2_client_cannot_read() -> None:
    with atlscim.testing.serve() as d:
        plain = client(d, adapt=False)
        plain.discover()
        model = plain.get_resource_model("User")
        assert model is not None
        user = model.model_validate({"userName": "plain@example.com", "emails": [{"value": "plain@example.com", "primary": True}]})
        with pytest.raises(SCIMResponseException, match="unknown resource"):
            plain.create(user)
        [stored] = d.users()
        assert stored["schemas"][0] == "urn:scim:schemas:extension:atlassian-external:1.0"


def test_scim2_client_round_trips() -> None:
    with atlscim.testing.serve() as d:
        c = client(d)
        c.discover()
        # The models scim2-client builds from the server's /Schemas are dynamic: typed as Any here.
        user_model: Any = c.get_resource_model("User")
        group_model: Any = c.get_resource_model("Group")
        assert user_model is not None and group_model is not None
        user = user_model.model_validate({
            "userName": "bjensen@example.com", "displayName": "Barbara Jensen",
            "name": {"givenName": "Barbara", "familyName": "Jensen"},
            "emails": [{"value": "bjensen@example.com", "type": "work", "primary": True}]})
        created: Any = c.create(user)
        assert isinstance(created, user_model) and created.id and created.user_name == "bjensen@example.com"
        read: Any = c.query(user_model, created.id)
        assert isinstance(read, user_model) and read.display_name == "Barbara Jensen"
        read.title = "Engineer"
        replaced = c.replace(read)
        assert isinstance(replaced, user_model) and replaced.title == "Engineer"
        patch = PatchOp[user_model].model_validate(
            {"Operations": [{"op": "replace", "path": "displayName", "value": "Babs Jensen"}]})
        c.modify(user_model, created.id, patch)
        assert c.query(user_model, created.id).name.given_name == "Babs"
        found = c.query(user_model, query_parameters=SearchRequest.model_validate({"filter": 'userName eq "BJENSEN@example.com"'}))
        assert isinstance(found, ListResponse) and found.total_results == 1
        group: Any = c.create(group_model.model_validate({"displayName": "eng", "members": [{"value": created.id}]}))
        assert isinstance(group, group_model) and group.members and group.members[0].value == created.id
        c.delete(user_model, created.id)
        assert c.query(group_model, group.id).members in (None, [])
        with pytest.raises(NotFoundException):
            c.query(user_model, created.id)
        c.delete(group_model, group.id)
        assert d.users() == [] and d.groups() == []
