"""atlscim.sync: plan a whole directory change and carry it out over httpx, against a real
``atlscim serve`` (atlscim.testing) with faults on; the Plan and Executor it is built on."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

import atlscim
import atlscim.sync
import atlscim.testing
from atlscim import Executor, Plan, SyncError
from atlscim.sync import Progress
from atlscim.testing import Directory

USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group"
# Backoff in hundredths of a second, so that the faults cost the test little time.
FAST = {"backoff_base": 0.01, "backoff_max": 0.05, "jitter_seed": 7}


def user(i: int, *, title: str | None = None, active: bool = True) -> dict[str, Any]:
    """A user as a mapping gives it (``Profile.map_user`` fills ``name`` from the IdP record)."""
    name = f"user{i:02d}@example.com"
    u: dict[str, Any] = {
        "schemas": [USER_URN], "externalId": f"e{i}", "userName": name, "displayName": f"User {i}",
        "name": {"givenName": "User", "familyName": str(i)},
        "active": active, "emails": [{"value": name, "type": "work", "primary": True}],
    }
    if title is not None:
        u["title"] = title
    return u


def group(name: str, members: list[int]) -> dict[str, Any]:
    return {"schemas": [GROUP_URN], "externalId": f"g-{name}", "displayName": name,
            "members": [{"value": f"e{i}"} for i in members]}


def desired_directory(n: int = 12) -> dict[str, Any]:
    return {
        "Users": [user(i, title="Engineer" if i % 3 == 0 else None) for i in range(n)],
        "Groups": [group("Engineering", [i for i in range(n) if i % 2 == 0]), group("Sales", [i for i in (1, 3, 5) if i < n]),
                   group("Everyone", list(range(n)))],
    }


def projected(desired: dict[str, Any]) -> tuple[dict[str, tuple[Any, ...]], dict[str, set[str]]]:
    """What Atlassian should hold for `desired`, in the comparator's own terms (not the planner's):
    each userName with its externalId, active flag and title; each group with its members'
    userNames."""
    users = {u["userName"].lower(): (u["externalId"], u.get("active", True), u.get("title")) for u in desired["Users"]}
    by_ext = {u["externalId"]: u["userName"].lower() for u in desired["Users"]}
    groups = {g["displayName"]: {by_ext[m["value"]] for m in g.get("members", [])} for g in desired["Groups"]}
    return users, groups


def held(d: Directory) -> tuple[dict[str, tuple[Any, ...]], dict[str, set[str]]]:
    """What the served directory holds, in the same terms; fails on a userName held twice."""
    names = [u["userName"].lower() for u in d.users()]
    assert len(names) == len(set(names)), f"a user exists twice: {names}"
    users = {u["userName"].lower(): (u.get("externalId"), u.get("active", True), u.get("title")) for u in d.users()}
    by_id = {u["id"]: u["userName"].lower() for u in d.users()}
    groups = {g["displayName"]: {by_id[m["value"]] for m in g.get("members", [])} for g in d.groups()}
    return users, groups


def sync(d: Directory, desired: dict[str, Any], **kwargs: Any) -> atlscim.sync.Result:
    current = atlscim.sync.fetch_current(d.url, d.token)
    plan = atlscim.sync.plan(desired, current)
    assert plan.refusal is None, plan.refusal
    return atlscim.sync.run(plan, d.url, d.token, options=FAST, progress=False, **kwargs)


def assert_converged(d: Directory, desired: dict[str, Any]) -> None:
    assert held(d) == projected(desired)
    again = atlscim.sync.plan(desired, atlscim.sync.fetch_current(d.url, d.token))
    assert len(again) == 0, again.steps


def test_fetch_current_reads_every_page_and_waits_out_faults(atlassian_directory: Directory) -> None:
    d = atlassian_directory
    assert sync(d, desired_directory(5)).ok
    d.set_faults("429=1,times=1;503,after=1,times=1")
    waits: list[float] = []
    current = atlscim.sync.fetch_current(d.url, d.token, page_size=2, sleep=waits.append)
    assert sorted(u["userName"] for u in current["Users"]) == [f"user{i:02d}@example.com" for i in range(5)]
    # Retry-After: 1, or X-RateLimit-Reset (the next whole second) when that is later.
    assert len(current["Groups"]) == 3 and 0.9 <= waits[0] <= 2.0 and len(waits) == 2
    d.set_faults("expired=403")
    with pytest.raises(SyncError, match="403") as e:
        atlscim.sync.fetch_current(d.url, d.token)
    assert e.value.kind == "input"


# --- Plan ---------------------------------------------------------------------------------------


def test_a_plan_orders_its_steps_and_is_deterministic() -> None:
    desired = {"Users": [user(1)], "Groups": [group("Engineering", [1])]}
    plan = atlscim.sync.plan(desired, {"Users": [], "Groups": []})
    assert [(s["id"], s["kind"], s["method"], s["path"]) for s in plan.steps] == [
        ("s1", "create_group", "POST", "/Groups"),
        ("s2", "create_user", "POST", "/Users"),
        ("s3", "update_members", "PATCH", "/Groups/${s1}"),
    ]
    assert plan.steps[2]["dependsOn"] == ["s1", "s2"]
    assert plan.summary["userCreates"] == 1 and plan.summary["groupCreates"] == 1
    # Text, dicts and NDJSON give the same plan, byte for byte; a saved plan reads back equal.
    again = atlscim.sync.plan(json.dumps(desired), b"")
    ndjson = "\n".join(json.dumps(r) for r in desired["Users"] + desired["Groups"])
    assert again.to_json() == plan.to_json() == atlscim.sync.plan(ndjson, []).to_json()
    assert Plan.from_json(plan.to_json()) == plan and hash(Plan.from_json(plan.to_json())) == hash(plan)
    assert plan.to_dict()["format"] == 1 and len(plan) == 3
    assert repr(plan) == "<Plan 3 steps, 0 risks>"


def test_a_saved_plan_is_checked_for_drift() -> None:
    current = {"Users": [dict(user(1), id="id1")]}
    plan = atlscim.sync.plan({"Users": [user(1, title="Engineer"), user(2)]}, current)
    assert Plan.from_json(plan.to_json()).drift(current) == []
    # Since: user 1 deleted, user 2 created by someone else.
    later = json.dumps({"Users": [dict(user(2), id="id2")]})
    assert plan.drift(later) == ["s1: user id1 is gone", 's2: the userName "user02@example.com" is taken now']
    with pytest.raises(SyncError):
        plan.drift("[1]")


def test_bad_inputs_raise_sync_errors_naming_the_input() -> None:
    with pytest.raises(SyncError, match="desired") as e:
        atlscim.sync.plan([1, 2], [])
    assert e.value.kind == "input"
    with pytest.raises(SyncError, match="max_removal") as e:
        atlscim.sync.plan([], [], max_removal=3)  # misspelt: refused, never ignored
    assert e.value.kind == "options"
    with pytest.raises(SyncError) as e:
        Plan.from_json('{"format": 99}')
    assert e.value.kind == "format"
    with pytest.raises(TypeError, match="cannot be sent as JSON"):
        atlscim.sync.plan({"Users": [{"userName": object()}]}, [])
    with pytest.raises(TypeError, match="atlscim.Plan"):
        atlscim.sync.run({"steps": []}, "http://127.0.0.1:1", "t")  # type: ignore[arg-type]


def test_the_guard_rails_refuse_a_plan_and_run_will_not_carry_it_out() -> None:
    current = {"Users": [dict(user(i), id=f"id{i}") for i in range(30)]}
    # An export of 2 users out of 30 looks truncated: nothing is deleted, and deactivating 28 of
    # 30 trips the share guard.
    plan = atlscim.sync.plan({"Users": [user(0), user(1)]}, current, gone="delete")
    assert plan.refusal is not None and plan.refusal["guard"] in ("removal_share", "too_many_removals")
    assert not any(s["kind"] == "delete_user" for s in plan.steps)
    assert "truncated_desired" in {r["kind"] for r in plan.risks}
    with pytest.raises(SyncError, match="refused") as e:
        atlscim.sync.run(plan, "http://127.0.0.1:1", "t", progress=False)
    assert e.value.kind == "refused"
    allowed = atlscim.sync.plan({"Users": [user(0), user(1)]}, current, allow_removals=True)
    assert allowed.refusal is None and allowed.summary["deactivations"] == 28


# --- Executor -----------------------------------------------------------------------------------


def test_the_executor_adopts_a_create_whose_answer_was_lost() -> None:
    plan = atlscim.sync.plan({"Users": [user(1)]}, [])
    run = Executor(plan, FAST)
    action = run.next(0.0)
    assert (action["kind"], action["method"], action["path"]) == ("send", "POST", "/Users")
    assert "Authorization" not in action["headers"]
    run.feed(0, now=0.1)  # no answer: it may have been applied
    assert run.next(0.1001)["kind"] == "wait"  # backoff_base 0.01 s, times the jitter
    assert run.next(1.0)["method"] == "POST"
    run.feed(409, {"Content-Type": "application/scim+json"}, '{"status":"409","scimType":"uniqueness"}', now=1.1)
    lookup = run.next(1.2)
    assert lookup["method"] == "GET" and lookup["path"].startswith("/Users?filter=userName")
    run.feed(200, [], json.dumps({"Resources": [{"id": "u-1", "externalId": "e1", "userName": "user01@example.com"}]}),
             now=1.3)
    assert run.next(1.4) == {"kind": "done"} and run.done
    assert run.outcomes() == {"adopted": 1}
    assert run.state["steps"][0]["resourceId"] == "u-1"
    with pytest.raises(SyncError) as e:
        run.feed(200, now=2.0)
    assert e.value.kind == "feed"
    # The state resumes only its own plan.
    other = atlscim.sync.plan({"Users": [user(2)]}, [])
    with pytest.raises(SyncError) as e:
        Executor(other, None, run.state_json())
    assert e.value.kind == "state"
    assert Executor(plan, None, run.state).done


# --- Against atlscim serve ----------------------------------------------------------------------


def test_a_sync_under_faults_converges(atlassian_directory: Directory) -> None:
    d = atlassian_directory
    desired = desired_directory()
    plan = atlscim.sync.plan(desired, atlscim.sync.fetch_current(d.url, d.token))
    d.set_faults("429=1,times=2;503,times=3;lost,method=POST,path=/Users,times=2;latency=2")
    seen: list[Progress] = []
    result = atlscim.sync.run(plan, d.url, d.token, options=FAST, progress=seen.append)
    assert result.ok, result.failures
    assert result.outcomes.get("adopted", 0) >= 1  # the lost creates were found, not sent twice
    log = d.requests()
    assert {r["status"] for r in log} >= {429, 503}
    assert any(r.get("lost") for r in log)
    # Every step has an outcome, and progress reached the end.
    assert all(record["outcome"] in ("applied", "adopted") for _, record in result.steps)
    assert seen[-1].finished == seen[-1].total == len(result.steps)
    assert any(p.waiting > 0 for p in seen)
    d.check_consistency()
    assert_converged(d, desired)
    # A second run sends nothing but the two list pages.
    d.set_faults("")
    before = len(d.requests())
    second = sync(d, desired)
    assert second.ok and second.requests == 0 and len(d.requests()) - before == 2


def test_changes_renames_and_departures_converge(atlassian_directory: Directory) -> None:
    d = atlassian_directory
    first = desired_directory()
    assert sync(d, first).ok
    # Titles change, user 4 leaves the company (deactivated), two join, Sales loses a member and
    # "Everyone" is renamed (ATL-G-002: create, move members, delete).
    changed = desired_directory(14)
    changed["Users"] = [u for u in changed["Users"] if u["externalId"] != "e4"]
    changed["Users"][0]["title"] = "CTO"
    for g in changed["Groups"]:
        g["members"] = [m for m in g["members"] if m["value"] != "e4"]
        if g["displayName"] == "Sales":
            g["members"] = g["members"][:2]
        if g["displayName"] == "Everyone":
            g["displayName"] = "All staff"
    plan = atlscim.sync.plan(changed, atlscim.sync.fetch_current(d.url, d.token), max_removal_share=0.5)
    kinds = {s["kind"] for s in plan.steps}
    assert {"create_user", "update_user", "deactivate_user", "update_members", "create_group", "delete_group"} <= kinds
    result = atlscim.sync.run(plan, d.url, d.token, options=FAST, progress=False)
    assert result.ok, result.failures
    expected = dict(changed)
    expected["Users"] = changed["Users"] + [user(4, active=False)]
    assert held(d) == projected(expected)
    again = atlscim.sync.plan(changed, atlscim.sync.fetch_current(d.url, d.token), max_removal_share=0.5)
    assert len(again) == 0, again.steps


def test_a_user_without_name_converges(atlassian_directory: Directory) -> None:
    d = atlassian_directory
    bare = {k: v for k, v in user(1).items() if k != "name"}
    assert sync(d, {"Users": [bare]}).ok
    assert_converged(d, {"Users": [bare], "Groups": []})


class Crash(Exception):
    pass


class CrashAfter(httpx.BaseTransport):
    """Sends requests, then "crashes" (raises) right after the `n`-th one was applied, before
    its answer reaches the executor: the run's process dying mid-request."""

    def __init__(self, n: int) -> None:
        self.inner = httpx.HTTPTransport()
        self.n = n

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        self.n -= 1
        if self.n == 0:
            raise Crash("the process died before the answer was read")
        return response


def test_a_crashed_run_resumes_from_its_state_file_without_repeating_writes(
    atlassian_directory: Directory, tmp_path: Path
) -> None:
    d = atlassian_directory
    desired = desired_directory(6)
    plan = atlscim.sync.plan(desired, atlscim.sync.fetch_current(d.url, d.token))
    state_file = tmp_path / "sync.state.json"
    creates = sum(1 for s in plan.steps if s["method"] == "POST")
    with httpx.Client(transport=CrashAfter(creates)) as crashing, pytest.raises(Crash):
        atlscim.sync.run(plan, d.url, d.token, crashing, state_file=state_file, options=FAST, progress=False)
    saved = json.loads(state_file.read_text())
    assert [s["id"] for s in saved["steps"] if s["inFlight"]] == [plan.steps[creates - 1]["id"]]
    assert d.token not in state_file.read_text()
    posts_before = sum(1 for r in d.requests() if r["method"] == "POST")

    result = atlscim.sync.run(plan, d.url, d.token, state_file=state_file, options=FAST, progress=False)
    assert result.ok, result.failures
    # The in-flight create was looked up and adopted; no create was sent twice.
    assert result.outcomes.get("adopted") == 1
    assert sum(1 for r in d.requests() if r["method"] == "POST") == posts_before
    assert_converged(d, desired)


@pytest.mark.atlassian_directory(faults="expired=401,after=3")
def test_a_refused_api_key_stops_the_run(atlassian_directory: Directory) -> None:
    d = atlassian_directory
    plan = atlscim.sync.plan(desired_directory(4), {"Users": [], "Groups": []})
    result = atlscim.sync.run(plan, d.url, d.token, options=FAST, progress=False)
    assert not result.ok and result.stopped is not None and "401" in result.stopped
    assert result.outcomes["applied"] == 3 and result.outcomes["not_run"] == len(plan) - 3
    assert sum(1 for r in d.requests() if r["status"] == 401) == 1  # no retry storm on a dead key


def test_the_async_twin_converges(atlassian_directory: Directory) -> None:
    d = atlassian_directory
    desired = desired_directory(8)

    async def main() -> atlscim.sync.Result:
        async with httpx.AsyncClient() as client:
            current = await atlscim.sync.afetch_current(d.url, d.token, client)
            plan = atlscim.sync.plan(desired, current)
            # Every rule counts every request it matches, so each starts where the one before ends.
            d.set_faults("429=1,times=1;503,after=1,times=1;lost,method=POST,path=/Groups,after=2,times=1")
            return await atlscim.sync.arun(plan, d.url, d.token, client, options=FAST, progress=False)

    result = asyncio.run(main())
    assert result.ok, result.failures
    assert result.outcomes.get("adopted") == 1
    d.set_faults("")
    assert_converged(d, desired)


def test_cancelling_the_async_run_keeps_a_resumable_state(atlassian_directory: Directory, tmp_path: Path) -> None:
    d = atlassian_directory
    d.set_faults("latency=200")
    desired = desired_directory(4)
    plan = atlscim.sync.plan(desired, {"Users": [], "Groups": []})
    state_file = tmp_path / "state.json"

    async def cancelled() -> None:
        task = asyncio.create_task(
            atlscim.sync.arun(plan, d.url, d.token, state_file=state_file, options=FAST, progress=False)
        )
        await asyncio.sleep(0.5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancelled())
    saved = json.loads(state_file.read_text())
    assert any(s["outcome"] == "pending" for s in saved["steps"])
    d.set_faults("")
    result = atlscim.sync.run(plan, d.url, d.token, state_file=state_file, options=FAST, progress=False)
    assert result.ok, result.failures
    assert_converged(d, desired)


def test_the_progress_bar_draws_on_request(atlassian_directory: Directory, capsys: pytest.CaptureFixture[str]) -> None:
    d = atlassian_directory
    plan = atlscim.sync.plan({"Users": [user(1), user(2)]}, [])
    assert atlscim.sync.run(plan, d.url, d.token, progress=True).ok
    err = capsys.readouterr().err
    assert "] 1/2" in err and "] 2/2" in err and err.endswith("\n")
    # Not on a terminal and not asked for: nothing.
    assert atlscim.sync.run(atlscim.sync.plan({"Users": [user(3)]}, []), d.url, d.token).ok
    assert capsys.readouterr().err == ""


def test_the_readme_sync_example_runs(atlassian_directory: Directory, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    example = next(b for b in readme.split("```python\n")[1:] if "atlscim.sync.run(" in b).split("```")[0]
    assert len([line for line in example.splitlines() if line.strip()]) <= 8
    monkeypatch.chdir(tmp_path)
    d = atlassian_directory
    desired = {"Users": [user(1), user(2), user(3)]}
    exec(compile(example, "README.md", "exec"), {"base_url": d.url, "token": d.token, "desired": desired})
    assert capsys.readouterr().out == "{'applied': 3} True\n"
    assert (tmp_path / "sync-state.json").exists()
    assert_converged(d, {"Users": desired["Users"], "Groups": []})
