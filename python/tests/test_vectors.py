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
- ``rule``: the rule's severity, status, scimType and statusInferred in ``atlscim.rules()``.
- ``key_expiry``: ``Profile.key_expiry(now)`` from the config, or the function ``key_expiry``.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

import atlscim
from shared_vectors import (
    KINDS,
    Case,
    KindCase,
    expected_triples,
    issue_triples,
    kinds,
    lint_all,
    lint_case,
    load,
    load_kind,
    ordered,
    same_json,
)

CASES = load()
RUNS = [(case, how, body) for case in CASES for how, body in case.forms()]
PATCH = load_kind("patch")
DIFF = load_kind("diff")
BATCH = load_kind("batch")
RESPONSE = load_kind("response")
MAP = load_kind("map")
RULE = load_kind("rule")
KEY_EXPIRY = load_kind("key_expiry")


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


def verdict(report: atlscim.Report, expect: dict[str, Any]) -> list[Any]:
    """A report's verdict as JSON, its issues in report order unless ``expect`` says any order."""
    return [report.valid, report.status, [list(t) for t in issue_triples(report, ordered(expect))]]


def expected_verdict(expect: dict[str, Any]) -> list[Any]:
    return [expect["valid"], expect["status"], [list(t) for t in expected_triples(expect, ordered(expect))]]


def assert_verdict(report: atlscim.Report, expect: dict[str, Any]) -> None:
    """``valid``, ``status`` (with their types) and the issues (in report order) are as expected."""
    got, want = verdict(report, expect), expected_verdict(expect)
    assert same_json(got, want), f"\n    got  {got}\n    want {want}\n    {report!r}"


def assert_json(got: Any, want: Any) -> None:
    assert same_json(got, want), f"\n    got  {got!r}\n    want {want!r}"


def test_every_vector_kind_has_a_runner() -> None:
    unknown = {name: kind for name, kind in kinds().items() if kind not in KINDS}
    assert not unknown, f"vector files of a kind pytest does not run: {unknown}"


def test_every_vector_has_a_known_form() -> None:
    """No unknown or missing key, issue orders and derivations stated (README); a misspelt key must
    not switch an assertion off."""
    problems = lint_all()
    assert not problems, "\n".join(problems)


def test_the_vectors_are_all_here() -> None:
    files = {case.file for case in CASES}
    assert files == {name for name, kind in kinds().items() if kind == "check"}
    assert len(CASES) >= 90, len(CASES)
    # Every case runs at least as text; every case with a JSON value body also as a Python object.
    assert len(RUNS) >= 2 * len(CASES)
    for kind, cases in (
        ("patch", PATCH), ("diff", DIFF), ("batch", BATCH), ("response", RESPONSE), ("map", MAP), ("rule", RULE),
        ("key_expiry", KEY_EXPIRY),
    ):
        assert cases, f"no {kind} vectors"
        assert {c.file for c in cases} == {name for name, k in kinds().items() if k == kind}, kind


@pytest.mark.parametrize(("case", "how", "body"), RUNS, ids=[f"{c.id} [{how}]" for c, how, _ in RUNS])
def test_vector(case: Case, how: str, body: Any) -> None:
    assert not lint_case("check", case.data)
    report = check(case, body)
    expect = case.expect
    assert_verdict(report, expect)
    if "details" in expect:
        # Each issue's detail, in report order.
        assert_json([i.detail for i in report.issues], expect["details"])
    if "statuses" in expect:
        # Each issue's status and scimType, in report order (a lenient fix's: the body as sent).
        assert_json([[i.status, i.scim_type] for i in report.issues], expect["statuses"])
        assert_json([[i["status"], i["scimType"]] for i in report.to_dict()["issues"]], expect["statuses"])
    if "normalized" in expect:
        assert_json(report.normalized, expect["normalized"])
        assert_json(report.to_dict()["normalized"], expect["normalized"])
    if "omitted" in expect:
        assert_json(report.omitted, expect["omitted"])
        assert_json(report.to_dict()["omitted"], expect["omitted"])
    if "sent_status" in expect:
        assert_json(report.sent_status, expect["sent_status"])
        assert_json(report.to_dict()["sentStatus"], expect["sent_status"])
    # The report's JSON shape agrees with its attributes.
    shape = report.to_dict()
    assert_json([shape["valid"], shape["status"], len(shape["issues"])], [report.valid, report.status, len(report.issues)])


@pytest.mark.parametrize("case", PATCH, ids=ids(PATCH))
def test_patch_vector(case: KindCase) -> None:
    c = case.data
    assert not lint_case("patch", c)
    profile = profile_from(c.get("config"))
    before = json.dumps(c["resource"], sort_keys=True)
    expect = c["expect"]
    if "result" in expect:
        assert_json(profile.apply_patch(c["resource"], c["patch"], c["resource_type"]), expect["result"])
    else:
        with pytest.raises(atlscim.PatchError) as raised:
            profile.apply_patch(c["resource"], c["patch"], c["resource_type"])
        e = raised.value
        assert same_json({"rule": e.rule, "status": e.status, "scimType": e.scim_type}, expect["error"]), str(e)
        assert e.detail and e.pointer is not None
    # All or nothing, and the caller's resource is never changed.
    assert json.dumps(c["resource"], sort_keys=True) == before


@pytest.mark.parametrize("case", DIFF, ids=ids(DIFF))
def test_diff_vector(case: KindCase) -> None:
    c = case.data
    assert not lint_case("diff", c)
    profile = profile_from(c.get("config"))
    if "error" in c["expect"]:
        with pytest.raises(atlscim.PatchError) as raised:
            profile.diff(c["current"], c["desired"], c["resource_type"])
        e = raised.value
        assert same_json({"rule": e.rule, "status": e.status, "scimType": e.scim_type}, c["expect"]["error"]), str(e)
        assert e.detail
        return
    messages = profile.diff(c["current"], c["desired"], c["resource_type"])
    assert_json(messages, c["expect"]["messages"])
    if messages:
        # Applied in order, the messages turn current into desired.
        state = c["current"]
        for message in messages:
            state = profile.apply_patch(state, message, c["resource_type"])
        assert_json(state, c["desired"])


@pytest.mark.parametrize("case", BATCH, ids=ids(BATCH))
def test_batch_vector(case: KindCase) -> None:
    c = case.data
    assert not lint_case("batch", c)
    profile = profile_from(c.get("config"))
    requests, expects = c["requests"], c["expect"]
    want = [expected_verdict(e) for e in expects]
    assert len(want) == len(requests)

    def as_text(body: Any) -> str | None:
        return None if body is None else json.dumps(body, separators=(",", ":"), ensure_ascii=False)

    # As Rust sends them: bodies as JSON text, through check_batch and a generator.
    reports = list(
        profile.check_batch((r["method"], r["path"], as_text(r.get("body")), r.get("current")) for r in requests)
    )
    assert_json([verdict(r, e) for r, e in zip(reports, expects, strict=True)], want)
    # The same batch fed one request at a time, bodies as dicts.
    batch = profile.batch()
    reports = [batch.check(r["method"], r["path"], r.get("body"), r.get("current")) for r in requests]
    assert_json([verdict(r, e) for r, e in zip(reports, expects, strict=True)], want)
    # The summary counts what the expectations say: requests, valid, invalid, issues by rule.
    by_rule: dict[str, int] = {}
    for e in expects:
        for _, rule, _ in expected_triples(e):
            by_rule[rule] = by_rule.get(rule, 0) + 1
    valid = sum(1 for e in expects if e["valid"])
    assert_json(
        dict(batch.summary()),
        {"requests": len(requests), "valid": valid, "invalid": len(requests) - valid, "by_rule": by_rule},
    )


@pytest.mark.parametrize("case", RESPONSE, ids=ids(RESPONSE))
def test_response_vector(case: KindCase) -> None:
    c = case.data
    assert not lint_case("response", c)
    body = c["body"]
    headers = [(h[0], h[1]) for h in c["headers"]]
    forms: list[Any] = [body] if isinstance(body, str) else [json.dumps(body), body]
    for form in forms:
        # With a config, the profile's limits.max_retry_after caps the wait.
        if "config" in c:
            response = profile_from(c["config"]).classify_response(c["status"], form, headers, now=c["now"])
        else:
            response = atlscim.classify_response(c["status"], form, headers, now=c["now"])
        got = response.to_dict()
        # Every key the vector gives (the form check knows them all) is compared, with its type.
        assert_json({k: got.get(k, "<absent>") for k in c["expect"]}, c["expect"])
        assert_json(
            [response.status, response.kind, response.retryable, response.retry_after, response.rule,
             response.retry_after_clamped],
            [got["status"], got["kind"], got["retryable"], got["retryAfter"], got["rule"], got["retryAfterClamped"]],
        )


@cache
def rules_by_id() -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in atlscim.rules()}


@pytest.mark.parametrize("case", RULE, ids=ids(RULE))
def test_rule_vector(case: KindCase) -> None:
    c = case.data
    assert not lint_case("rule", c)
    got = rules_by_id().get(c["rule"])
    assert got is not None, f"no rule {c['rule']} in atlscim.rules()"
    # Every key the vector gives (the form check requires them all) is compared, with its type.
    assert_json({k: got.get(k, "<absent>") for k in c["expect"]}, c["expect"])


@pytest.mark.parametrize("case", KEY_EXPIRY, ids=ids(KEY_EXPIRY))
def test_key_expiry_vector(case: KindCase) -> None:
    c = case.data
    assert not lint_case("key_expiry", c)
    got: dict[str, Any] | None
    if "expires_at" in c:
        got = dict(
            atlscim.key_expiry(c["expires_at"], c["now"], c["warn_days"])
            if "warn_days" in c
            else atlscim.key_expiry(c["expires_at"], c["now"])
        )
    else:
        k = profile_from(c["config"]).key_expiry(c["now"])
        got = None if k is None else dict(k)
    assert_json(got if got is not None else {"state": None}, c["expect"])


def compare(expect: dict[str, Any], got: dict[str, Any]) -> None:
    """``expect`` must equal ``got`` on every key ``expect`` has (absent means None)."""
    assert_json({k: got.get(k) for k in expect}, expect)


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
    assert_verdict(report, expect)
    if "resource" in expect:
        assert_json(report.normalized, expect["resource"])
    # A compiled Mapping gives the same; map_user returns the user, or raises the first error.
    assert profile.map_user_report(c["record"], mapping_of(c["mapping"])) == report
    if report.valid:
        assert_json(profile.map_user(c["record"], c["mapping"]), report.normalized)
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
    assert_verdict(report, expect)
    if "resource" in expect:
        assert_json(report.normalized, expect["resource"])
    if report.valid:
        assert_json(profile.map_group(c["record"], c.get("members")), report.normalized)


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
    assert not lint_case("map", c)
    op = c.get("op", "map_user")
    if op == "map_user":
        run_map_user(c)
    elif op == "map_group":
        run_map_group(c)
    else:
        run_normalizer(op, c)
