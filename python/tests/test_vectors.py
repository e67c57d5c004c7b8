"""The shared vectors (tests/vectors), case for case with the Rust tests: every case is checked
with its body as str and as bytes and, when it is a JSON value, as the Python object too; each
run must reach the case's verdict, issues and normalized body."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

import atlscim
from shared_vectors import Case, expected_triples, issue_triples, kinds, load

CASES = load()
RUNS = [(case, how, body) for case in CASES for how, body in case.forms()]


@cache
def profile_for(config_json: str) -> atlscim.Profile:
    return atlscim.Profile.from_config(json.loads(config_json))


def profile_of(case: Case) -> atlscim.Profile:
    return profile_for(json.dumps(case.config or {}, sort_keys=True))


def check(case: Case, body: Any) -> atlscim.Report:
    return profile_of(case).check(case.method, case.path, body, current=case.current)


#: The vector kinds this runner knows (tests/vectors/README.md "Kinds").
KNOWN_KINDS = {"check"}


def test_every_vector_kind_has_a_runner() -> None:
    unknown = {name: kind for name, kind in kinds().items() if kind not in KNOWN_KINDS}
    assert not unknown, f"vector files of a kind pytest does not run: {unknown}"


def test_the_vectors_are_all_here() -> None:
    files = {case.file for case in CASES}
    assert files == {name for name, kind in kinds().items() if kind == "check"}
    assert len(CASES) >= 90, len(CASES)
    # Every case runs at least as text; every case with a JSON value body also as a Python object.
    assert len(RUNS) >= 2 * len(CASES)


@pytest.mark.parametrize(("case", "how", "body"), RUNS, ids=[f"{c.id} [{how}]" for c, how, _ in RUNS])
def test_vector(case: Case, how: str, body: Any) -> None:
    report = check(case, body)
    expect = case.expect
    summary = repr(report)
    assert report.valid is expect["valid"], summary
    assert report.status == expect["status"], summary
    assert issue_triples(report) == expected_triples(expect), summary
    if "normalized" in expect:
        assert report.normalized == expect["normalized"]
        assert report.to_dict()["normalized"] == expect["normalized"]
    # The report's JSON shape agrees with its attributes.
    shape = report.to_dict()
    assert (shape["valid"], shape["status"], len(shape["issues"])) == (report.valid, report.status, len(report.issues))
