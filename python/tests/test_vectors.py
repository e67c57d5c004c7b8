"""The shared vectors (tests/vectors), case for case with the Rust runners (core/tests/*.rs).

- ``check``: every case with its body as str and as bytes and, when it is a JSON value, as the
  Python object too; each run must reach the case's verdict, issues and normalized body.
- ``patch``: ``apply_patch`` gives the result, or raises the PatchError (rule, status, scimType).
- ``diff``: ``diff`` gives the PatchOp messages, and applying them in order to ``current`` gives
  ``desired``.
- ``batch``: the requests as one batch, through ``check_batch`` with JSON text bodies (as Rust
  sends them) and through ``Batch.check`` with the bodies as dicts.
- ``response``: ``classify_response`` with the body as text and, when it is JSON, as a dict.
- ``map``: ``map_user`` / ``map_group`` reports and resources, mapping load errors, normalizers.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

import atlscim
from shared_vectors import Case, KindCase, expected_triples, issue_triples, kinds, load, load_kind

CASES = load()
RUNS = [(case, how, body) for case in CASES for how, body in case.forms()]
PATCH = load_kind("patch")
DIFF = load_kind("diff")
BATCH = load_kind("batch")
RESPONSE = load_kind("response")
MAP = load_kind("map")


@cache
def profile_for(config_json: str) -> atlscim.Profile:
    return atlscim.Profile.from_config(json.loads(config_json))


def profile_from(config: dict[str, Any] | None) -> atlscim.Profile:
    return profile_for(json.dumps(config or {}, sort_keys=True))


def profile_of(case: Case) -> atlscim.Profile:
    return profile_from(case.config)


def check(case: Case, body: Any) -> atlscim.Report:
    return profile_of(case).check(case.method, case.path, body, current=case.current)


def ids(cases: list[KindCase]) -> list[str]:
    return [c.id for c in cases]


def verdict(report: atlscim.Report) -> tuple[bool, int | None, list[tuple[str, str, str]]]:
    return report.valid, report.status, issue_triples(report)


def expected_verdict(expect: dict[str, Any]) -> tuple[bool, int | None, list[tuple[str, str, str]]]:
    return expect["valid"], expect["status"], expected_triples(expect)


#: The vector kinds this runner knows (tests/vectors/README.md "Kinds").
KNOWN_KINDS = {"check", "patch", "diff", "batch", "response", "map"}


def test_every_vector_kind_has_a_runner() -> None:
    unknown = {name: kind for name, kind in kinds().items() if kind not in KNOWN_KINDS}
    assert not unknown, f"vector files of a kind pytest does not run: {unknown}"


def test_the_vectors_are_all_here() -> None:
    files = {case.file for case in CASES}
    assert files == {name for name, kind in kinds().items() if kind == "check"}
    assert len(CASES) >= 90, len(CASES)
    # Every case runs at least as text; every case with a JSON value body also as a Python object.
    assert len(RUNS) >= 2 * len(CASES)
    for kind, cases in (("patch", PATCH), ("diff", DIFF), ("batch", BATCH), ("response", RESPONSE), ("map", MAP)):
        assert cases, f"no {kind} vectors"
        assert {c.file for c in cases} == {name for name, k in kinds().items() if k == kind}, kind


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


@pytest.mark.parametrize("case", PATCH, ids=ids(PATCH))
def test_patch_vector(case: KindCase) -> None:
    c = case.data
    profile = profile_from(c.get("config"))
    before = json.dumps(c["resource"], sort_keys=True)
    expect = c["expect"]
    if "result" in expect:
        assert profile.apply_patch(c["resource"], c["patch"], c["resource_type"]) == expect["result"]
    else:
        with pytest.raises(atlscim.PatchError) as raised:
            profile.apply_patch(c["resource"], c["patch"], c["resource_type"])
        e = raised.value
        assert {"rule": e.rule, "status": e.status, "scimType": e.scim_type} == expect["error"], str(e)
        assert e.detail and e.pointer is not None
    # All or nothing, and the caller's resource is never changed.
    assert json.dumps(c["resource"], sort_keys=True) == before


@pytest.mark.parametrize("case", DIFF, ids=ids(DIFF))
def test_diff_vector(case: KindCase) -> None:
    c = case.data
    profile = profile_from(c.get("config"))
    messages = profile.diff(c["current"], c["desired"], c["resource_type"])
    assert messages == c["expect"]["messages"]
    if messages:
        # Applied in order, the messages turn current into desired.
        state = c["current"]
        for message in messages:
            state = profile.apply_patch(state, message, c["resource_type"])
        assert state == c["desired"]


@pytest.mark.parametrize("case", BATCH, ids=ids(BATCH))
def test_batch_vector(case: KindCase) -> None:
    c = case.data
    profile = profile_from(c.get("config"))
    requests = c["requests"]
    want = [expected_verdict(e) for e in c["expect"]]
    assert len(want) == len(requests)

    def as_text(body: Any) -> str | None:
        return None if body is None else json.dumps(body, separators=(",", ":"), ensure_ascii=False)

    # As Rust sends them: bodies as JSON text, through check_batch and a generator.
    reports = profile.check_batch(
        (r["method"], r["path"], as_text(r.get("body")), r.get("current")) for r in requests
    )
    assert [verdict(r) for r in reports] == want, reports
    # The same batch fed one request at a time, bodies as dicts.
    batch = profile.batch()
    reports = [batch.check(r["method"], r["path"], r.get("body"), r.get("current")) for r in requests]
    assert [verdict(r) for r in reports] == want, reports
    summary = batch.summary()
    assert summary["requests"] == len(requests)
    assert summary["valid"] == sum(1 for r in reports if r.valid)
    assert summary["invalid"] == len(requests) - summary["valid"]
    assert sum(summary["by_rule"].values()) == sum(len(r.issues) for r in reports)


RESPONSE_KEYS = ("kind", "retryable", "retryAfter", "scimType", "rule")


@pytest.mark.parametrize("case", RESPONSE, ids=ids(RESPONSE))
def test_response_vector(case: KindCase) -> None:
    c = case.data
    body = c["body"]
    headers = [(h[0], h[1]) for h in c["headers"]]
    forms: list[Any] = [body] if isinstance(body, str) else [json.dumps(body), body]
    for form in forms:
        response = atlscim.classify_response(c["status"], form, headers, now=c["now"])
        got = response.to_dict()
        assert {k: got[k] for k in RESPONSE_KEYS} == {k: c["expect"].get(k) for k in RESPONSE_KEYS}, response
        assert (response.status, response.kind, response.retryable, response.retry_after, response.rule) == (
            got["status"], got["kind"], got["retryable"], got["retryAfter"], got["rule"])


def compare(expect: dict[str, Any], got: dict[str, Any]) -> None:
    """``expect`` must equal ``got`` on every key ``expect`` has (absent means None)."""
    assert {k: got.get(k) for k in expect} == expect


def mapping_of(spec: Any) -> atlscim.Mapping:
    return atlscim.Mapping.preset(spec) if isinstance(spec, str) else atlscim.Mapping(spec)


def run_map_user(c: dict[str, Any]) -> None:
    expect = c["expect"]
    profile = profile_from(c.get("config"))
    if "mapping_error" in expect:
        with pytest.raises(atlscim.MappingError) as raised:
            mapping_of(c["mapping"])
        assert raised.value.entry == expect["mapping_error"], str(raised.value)
        return
    report = profile.map_user_report(c["record"], c["mapping"])
    assert verdict(report) == expected_verdict(expect), report
    if "resource" in expect:
        assert report.normalized == expect["resource"]
    # A compiled Mapping gives the same; map_user returns the user, or raises the first error.
    assert profile.map_user_report(c["record"], mapping_of(c["mapping"])) == report
    if report.valid:
        assert profile.map_user(c["record"], c["mapping"]) == report.normalized
    else:
        with pytest.raises(atlscim.ScimError) as refused:
            profile.map_user(c["record"], c["mapping"])
        first = next(i for i in report.issues if i.severity == "error")
        assert (refused.value.rule, refused.value.pointer, refused.value.status) == (first.rule, first.pointer,
                                                                                     first.status)


def run_map_group(c: dict[str, Any]) -> None:
    expect = c["expect"]
    profile = profile_from(c.get("config"))
    report = profile.map_group_report(c["record"], c.get("members"))
    assert verdict(report) == expected_verdict(expect), report
    if "resource" in expect:
        assert report.normalized == expect["resource"]
    if report.valid:
        assert profile.map_group(c["record"], c.get("members")) == report.normalized


def run_normalizer(op: str, c: dict[str, Any]) -> None:
    expect = c["expect"]
    text = c.get("input")
    value = text if isinstance(text, str) else ""
    got: dict[str, Any]
    try:
        if op == "normalize_timezone":
            tz = atlscim.normalize_timezone(value)
            got = {"canonical": tz["canonical"], "kind": tz["kind"]}
        elif op == "normalize_locale":
            got = {"tag": atlscim.normalize_locale(value)["tag"]}
        elif op == "parse_accept_language":
            accepted = atlscim.parse_accept_language(value)
            best = accepted["best"]
            got = {"best": best["tag"] if best else None, "errors": [e["index"] for e in accepted["errors"]]}
        elif op == "nearest_atlassian_language":
            got = {"language": atlscim.nearest_atlassian_language(value)}
        elif op == "normalize_email":
            email = atlscim.normalize_email(value)
            got = {"address": email["address"], "domain": email["domain"]}
        elif op == "split_display_name":
            got = dict(atlscim.split_display_name(value))
        elif op == "join_display_name":
            got = {"display": atlscim.join_display_name(c["given"], c["family"])}
        else:
            pytest.fail(f"unknown op {op}")
    except atlscim.NormalizeError as e:
        # As the Rust runner reads a failure: nearest_atlassian_language of a malformed tag is none.
        got = {"language": None} if op == "nearest_atlassian_language" else {"error": e.kind, "suggestion": e.suggestion}
    compare(expect, got)


@pytest.mark.parametrize("case", MAP, ids=ids(MAP))
def test_map_vector(case: KindCase) -> None:
    c = case.data
    op = c.get("op", "map_user")
    if op == "map_user":
        run_map_user(c)
    elif op == "map_group":
        run_map_group(c)
    else:
        run_normalizer(op, c)
