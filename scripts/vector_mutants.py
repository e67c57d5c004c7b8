#!/usr/bin/env python3
"""Deliberately broken copies of the shared vectors, to show that every runner fails on them.

Usage: vector_mutants.py OUT_DIR

Writes OUT_DIR/control (the vectors, with the files the mutants touch rewritten but unchanged: every
runner must pass it) and one OUT_DIR/<mutant> per mutant below (every runner must fail it, and say
why: its output must contain the mutant's marker). Prints "<mutant> <marker>" lines, control
first. scripts/test-vector-runners.sh runs them.
"""

import json
import pathlib
import shutil
import sys

VECTORS = pathlib.Path(__file__).resolve().parent.parent / "tests" / "vectors"


def first(cases, test):
    return next(c for c in cases if test(c))


def misspelt_key(files):
    """A misspelt key must not switch an assertion off: `normalised` for `normalized`."""
    case = first(files["users.json"]["cases"], lambda c: "normalized" in c["expect"])
    case["expect"]["normalised"] = case["expect"].pop("normalized")


def unknown_kind(files):
    files["zz_mutant.json"] = {"kind": "checks", "description": "a kind no runner knows", "cases": []}


def batch_lengths(files):
    """One expectation fewer than requests: pairing them must not silently cut the batch."""
    case = first(files["batch.json"]["cases"], lambda c: len(c["requests"]) >= 2)
    case["expect"].pop()


def issue_order(files):
    """Two issues listed out of report order."""
    case = first(files["map_entra.json"]["cases"], lambda c: c["name"].startswith("entra no display name"))
    issues = case["expect"]["issues"]
    issues[0], issues[1] = issues[1], issues[0]


def order_without_reason(files):
    case = first(files["map_okta.json"]["cases"], lambda c: len(c["expect"].get("issues", [])) >= 2)
    case["expect"]["issue_order"] = "any"


def bool_for_number(files):
    """`true` where a number is expected: a bool is not a number (Python's True == 1)."""
    case = first(files["responses.json"]["cases"], lambda c: isinstance(c["expect"]["retryAfter"], float))
    case["expect"]["retryAfter"] = True


def missing_key(files):
    """A required expectation left out: the runner must not take its absence as "not asserted"."""
    del files["responses.json"]["cases"][0]["expect"]["rule"]


def unknown_op(files):
    files["map_normalizers.json"]["cases"][0]["op"] = "normalise_timezone"


def underived_attribute(files):
    """A mapped attribute whose derivation is not stated."""
    case = first(files["map_okta.json"]["cases"], lambda c: "title" in c["expect"].get("resource", {}))
    del case["expect"]["derivation"]["title"]


def sync_step_key(files):
    """A misspelt key in a planned step: `depends_on` for `dependsOn`."""
    case = first(files["sync/plan.json"]["cases"], lambda c: c["expect"]["steps"])
    step = case["expect"]["steps"][0]
    step["depends_on"] = step.pop("dependsOn")


def sync_outcome(files):
    """A step's outcome that the executor does not reach."""
    case = first(files["sync/run.json"]["cases"], lambda c: "applied" in c["outcomes"].values())
    step = next(s for s, o in case["outcomes"].items() if o == "applied")
    case["outcomes"][step] = "not_run"


def sync_plan_step(files):
    """A planned step's method changed: the plan runners must compare the steps, not count them."""
    case = first(files["sync/plan.json"]["cases"], lambda c: any(s["method"] == "POST" for s in c["expect"]["steps"]))
    step = next(s for s in case["expect"]["steps"] if s["method"] == "POST")
    step["method"] = "PUT"


def rule_status_inferred(files):
    """A documented status said to be inferred: the runners must compare statusInferred."""
    case = first(files["rules.json"]["cases"], lambda c: c["rule"] == "ATL-U-003")
    case["expect"]["statusInferred"] = True


def rule_unknown(files):
    """A rule id the registry does not have: a runner must not skip the case."""
    files["rules.json"]["cases"][0]["rule"] = "ATL-U-999"


def key_expiry_days(files):
    """The days left changed: the runners must compare them, not only the state."""
    case = first(files["key_expiry.json"]["cases"], lambda c: "config" in c and c["expect"]["state"] is not None)
    case["expect"]["days_left"] = 4321


def key_expiry_state(files):
    """No expiry configured, but a state expected: a runner must not take "nothing" as a pass."""
    case = first(files["key_expiry.json"]["cases"], lambda c: c["expect"]["state"] is None)
    case["expect"] = {"state": "expired", "days_left": 0}


def key_expiry_form(files):
    """Both a config and the function's expires_at: which one the case means is not clear."""
    case = first(files["key_expiry.json"]["cases"], lambda c: "expires_at" in c)
    case["config"] = {}


#: mutant -> (the change, the text each runner's failure output must contain)
MUTANTS = {
    "misspelt-key": (misspelt_key, "normalised"),
    "unknown-kind": (unknown_kind, "checks"),
    "batch-lengths": (batch_lengths, "expectations"),
    "issue-order": (issue_order, "entra no display name"),
    "order-without-reason": (order_without_reason, "issue_order_reason"),
    "bool-for-number": (bool_for_number, "Retry-After"),
    "missing-key": (missing_key, "rule is missing"),
    "unknown-op": (unknown_op, "normalise_timezone"),
    "underived-attribute": (underived_attribute, "title"),
    "sync-step-key": (sync_step_key, "depends_on"),
    "sync-outcome": (sync_outcome, "not_run"),
    "sync-plan-step": (sync_plan_step, "PUT"),
    "rule-status-inferred": (rule_status_inferred, "statusInferred"),
    "rule-unknown": (rule_unknown, "ATL-U-999"),
    "key-expiry-days": (key_expiry_days, "4321"),
    "key-expiry-state": (key_expiry_state, "expired"),
    "key-expiry-form": (key_expiry_form, "exactly one of config and expires_at"),
}

#: The files any mutant changes: the control copy rewrites them too, unchanged.
TOUCHED = [
    "users.json",
    "batch.json",
    "map_entra.json",
    "map_okta.json",
    "responses.json",
    "map_normalizers.json",
    "sync/plan.json",
    "sync/run.json",
    "rules.json",
    "key_expiry.json",
]


def write(out, files):
    shutil.copytree(VECTORS, out, ignore=shutil.ignore_patterns("*.md"))
    for name, value in files.items():
        (out / name).write_text(json.dumps(value, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main():
    out = pathlib.Path(sys.argv[1])
    shutil.rmtree(out, ignore_errors=True)
    load = lambda: {name: json.loads((VECTORS / name).read_text(encoding="utf-8")) for name in TOUCHED}
    write(out / "control", load())
    print("control -")
    for name, (change, marker) in MUTANTS.items():
        files = load()
        change(files)
        write(out / name, files)
        print(f"{name} {marker}")


if __name__ == "__main__":
    main()
