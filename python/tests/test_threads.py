"""One Profile shared by 8 threads gives the reports (and the patches and diffs) one thread
gets, and a text body is checked with the GIL released."""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import atlscim
from shared_vectors import load, load_kind

THREADS = 8


def runs() -> list[tuple[atlscim.Profile, str, str, Any, Any]]:
    """Every vector case in every form, each with one Profile shared by all the threads."""
    profiles: dict[str, atlscim.Profile] = {}
    out = []
    for case in load():
        key = json.dumps(case.config or {}, sort_keys=True)
        profile = profiles.setdefault(key, atlscim.Profile.from_config(case.config or {}))
        for _, body in case.forms():
            out.append((profile, case.method, case.path, body, case.current))
    return out


def test_one_profile_shared_by_8_threads_gives_the_same_reports() -> None:
    work = runs()
    alone = [p.check(m, path, body, current=cur) for p, m, path, body, cur in work]
    start = threading.Barrier(THREADS)

    def worker(seed: int) -> list[tuple[int, atlscim.Report]]:
        order = list(range(len(work)))
        random.Random(seed).shuffle(order)  # threads meet on different cases at the same time
        start.wait()
        results = []
        for _ in range(3):
            for i in order:
                p, m, path, body, cur = work[i]
                results.append((i, p.check(m, path, body, current=cur)))
        return results

    with ThreadPoolExecutor(THREADS) as pool:
        together = list(pool.map(worker, range(THREADS)))
    assert len(together) == THREADS
    for results in together:
        assert len(results) == 3 * len(work)
        for i, report in results:
            assert report == alone[i], (i, report, alone[i])


def patch_and_diff_work() -> list[tuple[str, atlscim.Profile, dict[str, Any]]]:
    """Every patch and diff vector, each with one Profile shared by all the threads."""
    profiles: dict[str, atlscim.Profile] = {}
    out = []
    for kind in ("patch", "diff"):
        for case in load_kind(kind):
            config = case.data.get("config") or {}
            key = json.dumps(config, sort_keys=True)
            out.append((kind, profiles.setdefault(key, atlscim.Profile.from_config(config)), case.data))
    return out


def patch_or_diff(kind: str, profile: atlscim.Profile, c: dict[str, Any]) -> Any:
    """The result of a patch or diff vector's call, or the error's rule."""
    try:
        if kind == "diff":
            return profile.diff(c["current"], c["desired"], c["resource_type"])
        return profile.apply_patch(c["resource"], c["patch"], c["resource_type"])
    except atlscim.PatchError as e:
        return ("PatchError", e.rule, e.pointer, e.detail)


def test_apply_patch_and_diff_from_8_threads_give_what_one_thread_gets() -> None:
    work = patch_and_diff_work()
    alone = [patch_or_diff(*w) for w in work]
    start = threading.Barrier(THREADS)

    def worker(seed: int) -> list[tuple[int, Any]]:
        order = list(range(len(work)))
        random.Random(seed).shuffle(order)
        start.wait()
        return [(i, patch_or_diff(*work[i])) for _ in range(5) for i in order]

    with ThreadPoolExecutor(THREADS) as pool:
        together = list(pool.map(worker, range(THREADS)))
    for results in together:
        assert len(results) == 5 * len(work)
        for i, got in results:
            assert got == alone[i], (i, got, alone[i])


def test_the_gil_is_released_while_text_is_checked() -> None:
    # A big group, which the core takes milliseconds over. A thread notes the time as it runs.
    # Had a check held the GIL, no note could fall well inside a check: Python code only runs
    # before or after it, within one switch interval of its ends.
    members = [{"value": f"2819c223-7f76-453a-919d-{i:012d}"} for i in range(100_000)]
    body = json.dumps({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                       "displayName": "everyone", "members": members})
    profile = atlscim.Profile()
    notes: list[float] = []
    stop = threading.Event()

    def note_the_time() -> None:
        while not stop.is_set():
            notes.append(time.perf_counter())
            time.sleep(0.0002)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.001)
    margin = 0.003
    thread = threading.Thread(target=note_the_time)
    thread.start()
    windows: list[tuple[float, float]] = []
    try:
        while sum(end - start for start, end in windows) < 0.3:
            start = time.perf_counter()
            report = profile.check("POST", "/Groups", body)
            windows.append((start + margin, time.perf_counter() - margin))
    finally:
        stop.set()
        thread.join()
        sys.setswitchinterval(interval)
    assert report.valid is True
    assert min(end - start for start, end in windows) > 0, "the check is too quick for this test"
    inside = sum(1 for t in notes for start, end in windows if start < t < end)
    assert inside >= 10, (inside, len(notes), len(windows))


def test_one_batch_from_many_threads_checks_in_order_or_says_it_is_busy() -> None:
    members = [{"value": f"2819c223-7f76-453a-919d-{i:012d}"} for i in range(20_000)]
    group = json.dumps({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "everyone",
                        "members": members})
    batch = atlscim.Profile().batch()
    checked: list[atlscim.Report] = []
    busy: list[str] = []
    start = threading.Barrier(4)

    def worker() -> None:
        start.wait()
        for _ in range(10):
            try:
                checked.append(batch.check("POST", "/Groups", group))
            except RuntimeError as e:
                busy.append(str(e))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(checked) + len(busy) == 40
    assert batch.summary()["requests"] == len(checked) and all(r.valid for r in checked)
    assert all("checking a request in another thread" in message for message in busy)
