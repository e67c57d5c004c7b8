#!/usr/bin/env python3
"""What atlscim's pre-flight checks add to an HTTP client, in one run.

    .venv/bin/python benches/python/bench_transport.py     (after `make test-python`, which
                                                            installs the wheel, httpx and requests)

A POST /Users of the benchmark user (../shared/bench/user.json, or ATLSCIM_BENCH_USER), timed
interleaved round by round so that every candidate sees the same machine noise:

- ``Profile.check`` alone, with the body as bytes (what the transports pass);
- httpx: ``client.post`` through a bare client, and through ``atlscim.httpx.Transport`` over the
  same base transport;
- requests: ``session.post`` through a bare adapter, and through ``atlscim.requests.Adapter``.

- the same two pairs at the transport's own level: ``handle_request`` / ``adapter.send`` on one
  prepared request, without the client's own work around it;
- and the floor of those two: the bare call followed by ``Profile.check`` in the same loop, with no
  transport code between them.

The base transport answers in-process (``httpx.MockTransport``; for requests an adapter whose
``send`` builds the answer), so the network does not drown the difference. The overhead is the
checked call minus the bare one; the target (issue 16) is that it costs no more than the check
itself plus classifying the answer. At the client level the overhead is within the noise of the
client's own cost; the transport-level pairs measure it.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import httpx
import requests
import requests.adapters

import atlscim
import atlscim.httpx
import atlscim.requests

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://api.atlassian.com/scim/directory/d1"
ANSWER = b'{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"bjensen@example.com"}'


def load_user() -> Any:
    path = Path(os.environ.get("ATLSCIM_BENCH_USER", ROOT.parent / "shared" / "bench" / "user.json"))
    user = json.loads(path.read_text(encoding="utf-8"))
    return user.get("body", user) if isinstance(user, dict) else user


def answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(201, content=ANSWER, headers={"Content-Type": "application/scim+json"})


class Answering(requests.adapters.HTTPAdapter):
    """The bare requests adapter: answers in-process."""

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        response = requests.Response()
        response.status_code = 201
        response._content = ANSWER
        response.headers["Content-Type"] = "application/scim+json"
        response.request = request
        response.url = request.url or ""
        return response


class CheckedAnswering(atlscim.requests.Adapter, Answering):
    """atlscim's adapter over the same in-process answer (its super().send is Answering.send)."""


def main() -> None:
    user = load_user()
    body = json.dumps(user).encode()
    profile = atlscim.Profile()
    assert profile.check("POST", "/Users", body).valid, "the benchmark user should be valid"
    bare = httpx.Client(transport=httpx.MockTransport(answer))
    checked = httpx.Client(transport=atlscim.httpx.Transport(httpx.MockTransport(answer), profile=profile, base_url=BASE))
    bare_session = requests.Session()
    bare_session.mount("https://", Answering())
    checked_session = requests.Session()
    checked_session.mount("https://", CheckedAnswering(profile=profile, base_url=BASE))
    headers = {"Content-Type": "application/scim+json"}
    url = f"{BASE}/Users"
    candidates: dict[str, Callable[[], object]] = {
        "Profile.check (bytes)": lambda: profile.check("POST", "/Users", body),
        "httpx bare": lambda: bare.post(url, content=body, headers=headers),
        "httpx + atlscim.httpx.Transport": lambda: checked.post(url, content=body, headers=headers),
        "requests bare": lambda: bare_session.post(url, data=body, headers=headers),
        "requests + atlscim.requests.Adapter": lambda: checked_session.post(url, data=body, headers=headers),
    }
    # The same request at the transport's own level, without the client around it (building the
    # request, cookies, redirects: most of a client call), where the difference is not drowned.
    mock = httpx.MockTransport(answer)
    atlscim_transport = atlscim.httpx.Transport(mock, profile=profile, base_url=BASE)
    request = httpx.Request("POST", url, content=body, headers=headers)
    prepared = requests.Request("POST", url, data=body, headers=headers).prepare()
    bare_adapter, checked_adapter = Answering(), CheckedAnswering(profile=profile, base_url=BASE)
    candidates.update({
        # Both read the answer, as the client does: the transport reads it to classify it.
        "httpx MockTransport.handle_request": lambda: mock.handle_request(request).read(),
        "  + atlscim.httpx.Transport": lambda: atlscim_transport.handle_request(request).read(),
        "requests adapter.send": lambda: bare_adapter.send(prepared),
        "  + atlscim.requests.Adapter": lambda: checked_adapter.send(prepared),
        # The floor: the bare call and Profile.check one after the other, no transport code. What
        # it adds over the bare call beyond the check is the check running beside the client (its
        # caches just filled by the client), which no transport can avoid.
        "handle_request + read, then check": lambda: (mock.handle_request(request).read(), profile.check("POST", "/Users", body)),
        "adapter.send, then check": lambda: (bare_adapter.send(prepared), profile.check("POST", "/Users", body)),
    })
    assert "atlscim" in checked.post(url, content=body, headers=headers).extensions
    assert "atlscim" in atlscim_transport.handle_request(request).extensions
    rounds = int(os.environ.get("ATLSCIM_BENCH_ROUNDS", "31"))
    # The time this thread ran on the CPU, not the wall clock: on a shared machine the wall clock
    # also counts the time other processes held the core, which falls on the candidates unevenly
    # (ATLSCIM_BENCH_CLOCK=wall for the wall clock).
    clock = time.perf_counter if os.environ.get("ATLSCIM_BENCH_CLOCK") == "wall" else time.thread_time
    per_round = 200
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, call in candidates.items():
            start = clock()
            for _ in range(per_round):
                call()
            times[name].append((clock() - start) / per_round * 1e6)
    # The fastest round of each: on a shared machine, load only ever adds time, and it falls on
    # the candidates unevenly; the median is printed beside it.
    best = {name: min(t) for name, t in times.items()}
    what = "wall clock" if clock is time.perf_counter else "thread CPU time"
    print(f"POST /Users, {len(body)} bytes, {rounds} rounds x {per_round} calls ({what}, µs per request: fastest round, median)")
    for name, us in best.items():
        print(f"  {name:40s} {us:8.1f} {statistics.median(times[name]):8.1f}")
    median = best
    check = median["Profile.check (bytes)"]
    for client, bare_name, checked_name in (
        ("httpx client", "httpx bare", "httpx + atlscim.httpx.Transport"),
        ("requests session", "requests bare", "requests + atlscim.requests.Adapter"),
        ("httpx transport", "httpx MockTransport.handle_request", "  + atlscim.httpx.Transport"),
        ("requests adapter", "requests adapter.send", "  + atlscim.requests.Adapter"),
        ("floor, httpx transport", "httpx MockTransport.handle_request", "handle_request + read, then check"),
        ("floor, requests adapter", "requests adapter.send", "adapter.send, then check"),
    ):
        overhead = median[checked_name] - median[bare_name]
        adds = "the check beside the bare call adds" if client.startswith("floor") else "atlscim adds"
        print(f"{client}: {adds} {overhead:.1f} µs = {overhead / check:.2f} x Profile.check"
              f" ({overhead / median[bare_name]:+.0%} of the bare call)")


if __name__ == "__main__":
    sys.exit(main())
