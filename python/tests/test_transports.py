"""Pre-flight checks inside httpx and requests, against a local SCIM test server (pytest-httpserver)."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import weakref
from typing import Any

import httpx
import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request as ServerRequest
from werkzeug import Response as ServerResponse

import atlscim
import atlscim.httpx
import atlscim.requests
from atlscim.preflight import Exchange

USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_URN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
VALID_USER = {"schemas": [USER_URN], "userName": "bjensen@example.com",
              "emails": [{"value": "bjensen@example.com", "type": "work", "primary": True}]}
NO_PRIMARY = {"schemas": [USER_URN], "userName": "bjensen@example.com",
              "emails": [{"value": "bjensen@example.com", "type": "work"}]}
GROUP = {"schemas": [GROUP_URN], "id": "g1", "displayName": "eng"}


def same_name() -> dict[str, Any]:
    return {"schemas": [PATCH_URN], "Operations": [{"op": "replace", "path": "displayName", "value": "eng"}]}


def rename() -> dict[str, Any]:
    return {"schemas": [PATCH_URN], "Operations": [{"op": "replace", "path": "displayName", "value": "ops"}]}


def scim(server: HTTPServer) -> str:
    return server.url_for("/scim/directory/d1")


def serve(server: HTTPServer) -> None:
    """A SCIM endpoint that echoes what it is sent, with Atlassian-shaped answers."""

    def created(request: ServerRequest) -> ServerResponse:
        body = json.loads(request.get_data())
        return ServerResponse(json.dumps({**body, "id": "u1"}), 201, content_type="application/scim+json")

    server.expect_request("/scim/directory/d1/Users", method="POST").respond_with_handler(created)
    server.expect_request("/scim/directory/d1/Groups/g1", method="GET").respond_with_json(GROUP)
    server.expect_request("/scim/directory/d1/Groups/g1", method="PATCH").respond_with_json(GROUP)
    server.expect_request("/scim/directory/d1/Users/busy", method="GET").respond_with_json(
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "429", "detail": "slow down"},
        status=429, headers={"Retry-After": "30"})
    server.expect_request("/elsewhere", method="POST").respond_with_data("ok")


def sent(server: HTTPServer, method: str, path: str) -> list[Any]:
    """The JSON bodies the server received for METHOD PATH."""
    return [json.loads(r.get_data() or b"null") for r, _ in server.log if r.method == method and r.path == path]


def exchange_of(response: httpx.Response) -> Exchange:
    found = response.extensions["atlscim"]
    assert isinstance(found, Exchange)
    return found


# httpx


def test_a_valid_request_goes_out_with_its_report_and_the_answer_classified(httpserver: HTTPServer) -> None:
    serve(httpserver)
    with httpx.Client(transport=atlscim.httpx.Transport(base_url=scim(httpserver))) as client:
        response = client.post(f"{scim(httpserver)}/Users", json=VALID_USER)
    assert response.status_code == 201
    found = exchange_of(response)
    assert found.report.valid and found.response.kind == "success" and not found.synthetic
    assert sent(httpserver, "POST", "/scim/directory/d1/Users") == [VALID_USER]


def test_an_invalid_request_raises_before_anything_is_sent(httpserver: HTTPServer) -> None:
    serve(httpserver)
    with httpx.Client(transport=atlscim.httpx.Transport(base_url=scim(httpserver))) as client:
        with pytest.raises(atlscim.ScimError) as raised:
            client.post(f"{scim(httpserver)}/Users", json=NO_PRIMARY)
    error = raised.value
    assert (error.status, error.rule, error.pointer) == (400, "ATL-U-003", "/emails")
    assert error.report is not None and not error.report.valid
    assert httpserver.log == []


def test_on_invalid_log_warns_and_sends(httpserver: HTTPServer, caplog: pytest.LogCaptureFixture) -> None:
    serve(httpserver)
    transport = atlscim.httpx.Transport(base_url=scim(httpserver), on_invalid="log")
    with caplog.at_level(logging.WARNING, logger="atlscim"), httpx.Client(transport=transport) as client:
        response = client.post(f"{scim(httpserver)}/Users", json=NO_PRIMARY)
    assert "POST /Users: Atlassian would answer 400: ATL-U-003" in caplog.text
    assert not exchange_of(response).report.valid
    assert sent(httpserver, "POST", "/scim/directory/d1/Users") == [NO_PRIMARY]


def test_on_invalid_send_says_nothing_and_sends(httpserver: HTTPServer, caplog: pytest.LogCaptureFixture) -> None:
    serve(httpserver)
    transport = atlscim.httpx.Transport(base_url=scim(httpserver), on_invalid="send")
    with caplog.at_level(logging.WARNING, logger="atlscim"), httpx.Client(transport=transport) as client:
        response = client.post(f"{scim(httpserver)}/Users", json=NO_PRIMARY)
    assert caplog.text == ""
    assert exchange_of(response).report.status == 400
    assert len(sent(httpserver, "POST", "/scim/directory/d1/Users")) == 1


def test_other_urls_pass_through_untouched(httpserver: HTTPServer) -> None:
    serve(httpserver)
    with httpx.Client(transport=atlscim.httpx.Transport(base_url=scim(httpserver))) as client:
        # Not JSON, not SCIM: under another path of the same server, so never checked.
        response = client.post(httpserver.url_for("/elsewhere"), content=b"not json")
    assert response.text == "ok" and "atlscim" not in response.extensions
    assert [r.get_data() for r, _ in httpserver.log] == [b"not json"]


def test_a_streamed_body_to_another_url_is_handed_on_unread() -> None:
    seen: list[bool] = []

    class Answering(httpx.BaseTransport):  # not MockTransport, which reads every body
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            try:
                request.content
                seen.append(True)
            except httpx.RequestNotRead:
                seen.append(False)
            return httpx.Response(200, content=b"ok")

    base = "https://api.example.com/scim/directory/d1"
    transport = atlscim.httpx.Transport(Answering(), base_url=base)
    chunks = iter([b"not ", b"json"])
    transport.handle_request(httpx.Request("POST", "https://api.example.com/upload", content=chunks))
    transport.handle_request(httpx.Request("POST", f"{base}/Users", content=json.dumps(VALID_USER).encode()))
    assert seen == [False, True]


def test_a_transport_no_longer_used_is_freed() -> None:
    # The compiled checkpoint holds the Preflight's callbacks (a cycle): the collector frees it.
    for remember in (False, True):
        transport = atlscim.httpx.Transport(base_url="https://api.example.com/scim", remember_current=remember)
        freed = weakref.ref(transport.preflight)
        del transport
        gc.collect()
        assert freed() is None


def test_the_body_is_sent_as_given_unless_send_normalized(httpserver: HTTPServer) -> None:
    serve(httpserver)
    user = {**VALID_USER, "active": "False"}
    with httpx.Client(transport=atlscim.httpx.Transport(base_url=scim(httpserver))) as client:
        plain = client.post(f"{scim(httpserver)}/Users", json=user)
    transport = atlscim.httpx.Transport(base_url=scim(httpserver), send_normalized=True)
    with httpx.Client(transport=transport) as client:
        fixed = client.post(f"{scim(httpserver)}/Users", json=user)
    assert [b["active"] for b in sent(httpserver, "POST", "/scim/directory/d1/Users")] == ["False", False]
    assert not exchange_of(plain).sent_normalized and exchange_of(fixed).sent_normalized
    assert fixed.json()["active"] is False


def test_remembered_current_turns_on_the_state_rules_and_skips_no_ops(httpserver: HTTPServer) -> None:
    serve(httpserver)
    group = f"{scim(httpserver)}/Groups/g1"
    # Without current, renaming a synced group cannot be judged: a warning, and it is sent.
    with httpx.Client(transport=atlscim.httpx.Transport(base_url=scim(httpserver))) as client:
        response = client.patch(group, json=rename())
    assert [i.rule for i in exchange_of(response).report.issues] == ["ATL-G-002"]
    assert len(sent(httpserver, "PATCH", "/scim/directory/d1/Groups/g1")) == 1
    transport = atlscim.httpx.Transport(base_url=scim(httpserver), remember_current=True, send_normalized=True)
    with httpx.Client(transport=transport) as client:
        client.get(group)  # remembered as current
        with pytest.raises(atlscim.ScimError) as raised:
            client.patch(group, json=rename())
        assert raised.value.rule == "ATL-G-002" and raised.value.status is not None
        # Renaming to its own name: nothing to send, so nothing goes out.
        noop = client.patch(group, json=same_name())
    assert noop.status_code == 204 and exchange_of(noop).synthetic
    assert exchange_of(noop).report.nothing_to_send and exchange_of(noop).response.kind == "success"
    assert len(sent(httpserver, "PATCH", "/scim/directory/d1/Groups/g1")) == 1


def test_an_answer_is_classified(httpserver: HTTPServer) -> None:
    serve(httpserver)
    with httpx.Client(transport=atlscim.httpx.Transport(base_url=scim(httpserver))) as client:
        response = client.get(f"{scim(httpserver)}/Users/busy")
    answer = exchange_of(response).response
    assert (answer.kind, answer.retryable, answer.retry_after) == ("rate_limited", True, 30.0)


def test_the_async_transport_does_the_same(httpserver: HTTPServer) -> None:
    serve(httpserver)

    async def run() -> tuple[httpx.Response, atlscim.ScimError | None]:
        transport = atlscim.httpx.AsyncTransport(base_url=scim(httpserver), send_normalized=True)
        async with httpx.AsyncClient(transport=transport) as client:
            response = await client.post(f"{scim(httpserver)}/Users", json={**VALID_USER, "active": "False"})
            try:
                await client.post(f"{scim(httpserver)}/Users", json=NO_PRIMARY)
            except atlscim.ScimError as e:
                return response, e
        return response, None

    response, error = asyncio.run(run())
    assert exchange_of(response).report.valid and exchange_of(response).sent_normalized
    assert error is not None and error.rule == "ATL-U-003"
    assert [b["active"] for b in sent(httpserver, "POST", "/scim/directory/d1/Users")] == [False]


def test_an_existing_httpx_script_gains_the_checks_by_how_its_client_is_built(httpserver: HTTPServer) -> None:
    """The connector below is written for plain httpx; only the line that builds its client changes."""
    serve(httpserver)
    base = scim(httpserver)

    def sync_users(client: httpx.Client, users: list[dict[str, Any]]) -> list[int]:
        statuses = []
        for user in users:
            try:
                statuses.append(client.post(f"{base}/Users", json=user).status_code)
            except atlscim.ScimError as e:  # the only line a connector adds to handle the verdict
                statuses.append(-(e.status or 0))
        return statuses

    with httpx.Client() as client:
        assert sync_users(client, [VALID_USER, NO_PRIMARY]) == [201, 201]  # the bad user went out
    with httpx.Client(transport=atlscim.httpx.Transport(base_url=base)) as client:
        assert sync_users(client, [VALID_USER, NO_PRIMARY]) == [201, -400]  # stopped before sending
    assert len(sent(httpserver, "POST", "/scim/directory/d1/Users")) == 3


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="on_invalid"):
        atlscim.httpx.Transport(base_url="https://example.com/scim", on_invalid="ignore")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="absolute URL"):
        atlscim.httpx.Transport(base_url="/scim")


# requests


def session_for(server: HTTPServer, **options: Any) -> requests.Session:
    session = requests.Session()
    session.mount("http://", atlscim.requests.Adapter(base_url=scim(server), **options))
    return session


def test_the_requests_adapter_checks_sends_and_classifies(httpserver: HTTPServer) -> None:
    serve(httpserver)
    with session_for(httpserver, send_normalized=True) as session:
        response = session.post(f"{scim(httpserver)}/Users", json={**VALID_USER, "active": "False"})
        with pytest.raises(atlscim.ScimError) as raised:
            session.post(f"{scim(httpserver)}/Users", json=NO_PRIMARY)
        other = session.post(httpserver.url_for("/elsewhere"), data=b"not json")
        busy = session.get(f"{scim(httpserver)}/Users/busy")
    found = atlscim.requests.exchange(response)
    assert found is not None and found.report.valid and found.sent_normalized and found.response.kind == "success"
    assert raised.value.rule == "ATL-U-003" and raised.value.report is not None
    assert other.text == "ok" and atlscim.requests.exchange(other) is None
    busy_found = atlscim.requests.exchange(busy)
    assert busy_found is not None and busy_found.response.retry_after == 30.0
    assert [b["active"] for b in sent(httpserver, "POST", "/scim/directory/d1/Users")] == [False]


def test_the_requests_adapter_remembers_current_and_skips_no_ops(httpserver: HTTPServer) -> None:
    serve(httpserver)
    group = f"{scim(httpserver)}/Groups/g1"
    with session_for(httpserver, remember_current=True, send_normalized=True, on_invalid="log") as session:
        session.get(group)
        noop = session.patch(group, json=same_name())
        refused = session.patch(group, json=rename())  # logged, sent
    found = atlscim.requests.exchange(noop)
    assert noop.status_code == 204 and found is not None and found.synthetic
    refused_found = atlscim.requests.exchange(refused)
    assert refused_found is not None and not refused_found.report.valid
    assert len(sent(httpserver, "PATCH", "/scim/directory/d1/Groups/g1")) == 1


def test_only_urls_under_the_base_url_are_scim_requests() -> None:
    from atlscim.preflight import Preflight

    p = Preflight(profile=None, base_url="https://API.example.com/scim/directory/d1/")
    assert p.scim_path("https://api.example.com/scim/directory/d1/Users?filter=userName%20eq%20%22a%22") == (
        '/Users?filter=userName%20eq%20%22a%22')
    assert p.scim_path("https://API.example.com/scim/directory/d1/Groups/g1") == "/Groups/g1"
    assert p.scim_path("https://API.example.com/scim/directory/d1") == "/"
    assert p.scim_path("https://API.example.com/scim/directory/d1?x=1") == "/?x=1"
    for outside in ("https://api.example.com/scim/directory/d10/Users", "http://api.example.com/scim/directory/d1/Users",
                    "https://other.example.com/scim/directory/d1/Users", "https://api.example.com/Users"):
        assert p.scim_path(outside) is None, outside


@pytest.mark.parametrize("base", ["https://api.example.com/scim/directory/d1", "https://API.example.com/scim/directory/d1/",
                                  "http://user:pw@[::1]:8080/scim"])
def test_an_httpx_url_is_read_as_its_text(base: str) -> None:
    # The compiled module reads an httpx.URL's parts instead of asking for str(url); whatever
    # the URL, the path it finds must be the one its text gives.
    from atlscim.preflight import Preflight

    p = Preflight(profile=None, base_url=base)
    urls = [
        "https://api.example.com/scim/directory/d1/Users?filter=userName%20eq%20%22a%22",
        "https://api.example.com/scim/directory/d1",
        "https://api.example.com/scim/directory/d1?",
        "https://api.example.com/scim/directory/d1/Groups/g1#frag",
        "https://API.example.com:443/scim/directory/d1/Users",
        "https://api.example.com:8443/scim/directory/d1/Users",
        "https://u@api.example.com/scim/directory/d1/Users",
        "https://api.example.com/scim/directory/d10/Users",
        "http://user:pw@[::1]:8080/scim/Users?x=%C3%A9",
        "http://[::1]:8080/scim/Users",
        "https://api.example.com/scim/directory/d1/Us%20ers?q=a b",
        "https://bücher.example/scim/directory/d1/Users",
    ]
    found = [p.scim_path(httpx.URL(u)) for u in urls]
    assert found == [p.scim_path(str(httpx.URL(u))) for u in urls]
    # Not every URL is outside: the comparison is not one of Nones.
    assert any(f is not None for f in found), found


def test_an_httpx_url_of_an_unknown_layout_is_read_through_its_text() -> None:
    from atlscim.preflight import Preflight

    class Url:
        def __str__(self) -> str:
            return "https://api.example.com/scim/directory/d1/Users/u1?x=1"

    p = Preflight(profile=None, base_url="https://api.example.com/scim/directory/d1")
    assert p.checkpoint.scim_path(Url()) == "/Users/u1?x=1"


@pytest.mark.parametrize("base", ["https://api.example.com:443/scim/directory/d1", "https://api.example.com/scim/directory/d1"])
def test_a_default_port_is_the_same_origin(base: str) -> None:
    # httpx drops ":443" from the URLs it sends: a base_url that spells the default port out must
    # still see them (it once let every request through unchecked), and the other way round.
    from atlscim.preflight import Preflight

    p = Preflight(profile=None, base_url=base)
    for url in ("https://api.example.com/scim/directory/d1/Users", "https://api.example.com:443/scim/directory/d1/Users"):
        assert p.scim_path(url) == "/Users", url
        assert p.scim_path(httpx.URL(url)) == "/Users", url
    for outside in ("https://api.example.com:8443/scim/directory/d1/Users", "http://api.example.com:443/scim/directory/d1/Users"):
        assert p.scim_path(outside) is None, outside


def test_a_base_url_with_a_port_that_is_not_a_number_is_refused() -> None:
    from atlscim.preflight import Preflight

    with pytest.raises(ValueError, match="invalid port"):
        Preflight(profile=None, base_url="https://api.example.com:https/scim")
