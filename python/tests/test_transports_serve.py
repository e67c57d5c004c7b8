"""The transports against `atlscim serve` (atlscim.testing.serve), the Atlassian-faithful endpoint:
what is refused never reaches its directory, what is sent gets its real answers, classified.

test_transports.py covers every option against a recording test server; here the peer is the
one that answers as Atlassian does (its own 409s, its stored state), through the
`atlassian_directory` fixture atlscim's pytest plugin gives.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import requests
from test_transports import GROUP_URN, NO_PRIMARY, VALID_USER, exchange_of, rename

import atlscim
import atlscim.httpx
import atlscim.requests
from atlscim.testing import Directory


def received(d: Directory, method: str) -> list[str]:
    """The paths of the requests of METHOD the server received."""
    return [r["path"] for r in d.requests() if r.get("method") == method]


def test_httpx_sends_what_is_valid_and_classifies_the_servers_answers(atlassian_directory: Directory) -> None:
    d = atlassian_directory
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


def test_httpx_remembers_a_group_and_refuses_its_rename_before_sending(atlassian_directory: Directory) -> None:
    d = atlassian_directory
    transport = atlscim.httpx.Transport(base_url=d.url, remember_current=True)
    with httpx.Client(transport=transport, headers={"Authorization": f"Bearer {d.token}"}) as client:
        group: dict[str, Any] = client.post(f"{d.url}/Groups", json={"schemas": [GROUP_URN], "displayName": "eng"}).json()
        client.get(f"{d.url}/Groups/{group['id']}")
        with pytest.raises(atlscim.ScimError) as refused:
            client.patch(f"{d.url}/Groups/{group['id']}", json=rename())
    assert refused.value.rule == "ATL-G-002"
    assert [g["displayName"] for g in d.groups()] == ["eng"]
    assert received(d, "PATCH") == []


def test_the_requests_adapter_against_the_server(atlassian_directory: Directory) -> None:
    d = atlassian_directory
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
