"""The shared sync vectors (tests/vectors/sync/, README "Format of sync_plan and sync_run cases")
through atlscim.Plan and atlscim.Executor: the same facts the Rust, C and Go runners check."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from shared_vectors import VECTORS, _shape, same_json

import atlscim
from atlscim import Executor, Plan
from atlscim._native import plan as native_plan

SYNC = Path(VECTORS) / "sync"
KINDS = {"sync_plan", "sync_run"}


def _files() -> list[tuple[str, dict[str, Any]]]:
    files = sorted(SYNC.glob("*.json"))
    assert files, f"no sync vectors in {SYNC}"
    return [(f.name, json.loads(f.read_text(encoding="utf-8"))) for f in files]


def _cases() -> list[Any]:
    out = []
    for name, doc in _files():
        for case in doc.get("cases", []):
            out.append(pytest.param(doc.get("kind"), case, id=f"{name}: {case.get('name')}"))
    return out


def _lint(kind: str, case: dict[str, Any]) -> list[str]:
    """Unknown and missing keys of a case (a misspelt key must not switch an assertion off)."""
    problems = _shape(kind, case)
    if kind == "sync_plan" and isinstance(case.get("expect"), dict):
        problems += _shape("sync_plan.expect", case["expect"])
        for step in case["expect"].get("steps") or []:
            problems += _shape("sync_plan.expect.steps[]", step)
    if kind == "sync_run":
        for exchange in case.get("exchanges") or []:
            problems += _shape("sync_run.exchanges[]", exchange)
            if isinstance(exchange, dict):
                problems += _shape("sync_run.exchanges[].expect", exchange.get("expect"))
                if "respond" in exchange:
                    problems += _shape("sync_run.exchanges[].respond", exchange["respond"])
    return problems


def test_every_sync_file_is_of_a_kind_this_runner_knows() -> None:
    for name, doc in _files():
        assert doc.get("kind") in KINDS, f"{name}: kind {doc.get('kind')!r} is not one this runner runs"
        assert not _shape("file", doc), (name, _shape("file", doc))


def _plan(case: dict[str, Any]) -> Plan:
    profile = atlscim.Profile.from_config(case.get("config") or {})
    return native_plan(profile, case["desired"], case["current"], case.get("options"))


def _close(got: Any, want: Any) -> bool:
    if isinstance(want, float | int) and not isinstance(want, bool):
        return isinstance(got, float | int) and not isinstance(got, bool) and math.isclose(got, want, abs_tol=1e-9)
    return same_json(got, want)


@pytest.mark.parametrize(("kind", "case"), _cases())
def test_sync_vector(kind: str, case: dict[str, Any]) -> None:
    assert kind in KINDS
    assert not _lint(kind, case), _lint(kind, case)
    plan = _plan(case)
    if kind == "sync_plan":
        expect = case["expect"]
        # Deterministic: planning again gives the same bytes.
        assert _plan(case).to_json() == plan.to_json()
        refusal = plan.refusal
        assert same_json(refusal["guard"] if refusal else None, expect["refusal"])
        assert [[r["kind"], r["level"], r["count"]] for r in plan.risks] == expect["risks"]
        assert len(plan.steps) == len(expect["steps"]), [s["kind"] for s in plan.steps]
        for got, want in zip(plan.steps, expect["steps"], strict=True):
            for key, value in want.items():
                assert same_json(got.get(key), value), (got["id"], key, got.get(key), value)
        return
    executor = Executor(plan, case.get("exec_options"))
    for i, exchange in enumerate(case["exchanges"]):
        action = executor.next(float(exchange["now"]))
        for key, value in exchange["expect"].items():
            assert _close(action.get(key), value), (i, key, action.get(key), value)
        if "respond" in exchange:
            r = exchange["respond"]
            executor.feed(r["status"], r.get("headers") or {}, r.get("body") or "", now=float(exchange["now"]))
    outcomes = {step["id"]: record["outcome"] for step, record in executor.steps()}
    assert outcomes == case["outcomes"]
