"""The transports against `atlscim serve` (atlscim.testing.serve), the Atlassian-faithful endpoint:
what is refused never reaches its directory, what is sent gets its real answers, classified.

test_transports.py covers every option against a recording test server; here the peer is the
one that answers as Atlassian does (its own 409s, its stored state).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import requests

import atlscim
import atlscim.httpx
import atlscim.requests
import atlscim.testing
from atlscim.preflight import Exchange
from atlscim.testing import Directory

USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_URN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
VALID_USER = {"schemas": [USER_URN], "userName": "bjensen@example.com",
              "emails": [{"value": "bjensen@example.com", "type": "work", "primary": True}]}
NO_PRIMARY = {"schemas": [USER_URN], "userName": "jsmith@example.com",
              "emails": [{"value": "jsmith@example.com", "type": "work"}]}
RENAME = {"schemas": [PATCH_URN], "Operations": [{"op": "replace", "path": "displayName", "value": "ops"}]}


@pytest.fixture
def directory() -> Iterator[Directory]:
    with atlscim.testing.serve() as d:
        yield d


def received(d: Directory, method: str) -> list[str]:
    """The paths of the requests of METHOD the server received."""
    return [r["path"] for r in d.requests() if r.get("method") == method]


def exchange_of(response: httpx.Response) -> Exchange:
    found = response.extensions["atlscim"]
    assert isinstance(found, Exchange)
    return found


def test_httpx_sends_what_is_valid_and_classifies_the_servers_answers(directory: Directory) -> None:
    d = directory
    transport = atlscim.httpx.Transport(base_url=d.url)
    with httpx.Client(transport=transport, headers={"Authorization": f"Bearer {d.token}"}) as client:
        created = client.post(f"{d.url}/Users", json=VALID_USER)
        again = client.post(f"{d.url}/Users", json=VALID_USER)
        with pytest.raises(atlscim.ScimError) as refused:
            client.post(f"{d.url}/Users", json=NO_PRIMARY)
    assert created.status_code == 201 and exchange_of(created).response.kind == "success"
    # The server's own 409 for a userName it holds, read as Atlassian's answer.
    assert again.status_code == 409
    answer = exchange_of(again).response
    assert (answer.kind, answer.rule, answer.retryable) == ("conflict", "ATL-U-007", False)
    assert (refused.value.status, refused.value.rule) == (400, "ATL-U-003")
    assert [u["userName"] for u in d.users()] == ["bjensen@example.com"]
    assert len(received(d, "POST")) == 2, "the invalid user never reached the server"


def test_httpx_remembers_a_group_and_refuses_its_rename_before_sending(directory: Directory) -> None:
    d = directory
    transport = atlscim.httpx.Transport(base_url=d.url, remember_current=True)
    with httpx.Client(transport=transport, headers={"Authorization": f"Bearer {d.token}"}) as client:
        group: dict[str, Any] = client.post(f"{d.url}/Groups", json={"schemas": [GROUP_URN], "displayName": "eng"}).json()
        client.get(f"{d.url}/Groups/{group['id']}")
        with pytest.raises(atlscim.ScimError) as refused:
            client.patch(f"{d.url}/Groups/{group['id']}", json=RENAME)
    assert refused.value.rule == "ATL-G-002"
    assert [g["displayName"] for g in d.groups()] == ["eng"]
    assert received(d, "PATCH") == []


def test_the_requests_adapter_against_the_server(directory: Directory) -> None:
    d = directory
    with requests.Session() as session:
        session.mount(d.url, atlscim.requests.Adapter(base_url=d.url))
        session.headers["Authorization"] = f"Bearer {d.token}"
        created = session.post(f"{d.url}/Users", json=VALID_USER)
        with pytest.raises(atlscim.ScimError) as refused:
            session.post(f"{d.url}/Users", json=NO_PRIMARY)
    found = atlscim.requests.exchange(created)
    assert created.status_code == 201 and found is not None and found.response.kind == "success"
    assert refused.value.rule == "ATL-U-003"
    assert [u["userName"] for u in d.users()] == ["bjensen@example.com"]
