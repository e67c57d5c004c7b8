#!/usr/bin/env python3
"""Flattens the shared sync vectors (tests/vectors/sync/*.json, README "Format of sync_plan and
sync_run cases") into records test_sync_vectors.c reads without a JSON parser. Usage:
flatten_sync_vectors.py VECTOR_DIR > sync_vectors.txt

Each record is "<tag> <length>\\n<length bytes>\\n"; a case runs from "case" to "end". A file of a
kind other than sync_plan / sync_run, or a case with an unknown or missing key (the table KEYS,
the same as python/tests/shared_vectors.py and go/vectorform_test.go), stops the flattening with
exit status 1: a misspelt key must not switch an assertion off.

  both      kind, config?, options?, desired, current   (inputs as compact JSON text)
  sync_plan at            "<path>\\n<canonical JSON>": the member of the plan JSON at the path
                          (members and array indexes separated by "/"); "<path>#\\n<n>" says the
                          array at the path has n elements
  sync_run  exec-options? executor options
            now           starts an exchange: next(now)
            expect        "<key>\\n<canonical JSON>", once per member of the action asserted
            respond-status, respond-header "<name>\\n<value>", respond-body
            outcome       "<step id>\\n<outcome>", once per step, at the end
"""

import json
import pathlib
import sys

KEYS = {
    "file": ["kind?", "description", "cases"],
    "sync_plan": ["name", "config?", "options?", "desired", "current", "expect"],
    "sync_plan.expect": ["refusal", "risks", "steps"],
    "sync_plan.expect.steps[]": ["kind", "method", "path", "dependsOn", "body?", "rules?"],
    "sync_run": ["name", "config?", "options?", "exec_options?", "desired", "current", "exchanges", "outcomes"],
    "sync_run.exchanges[]": ["now", "expect", "respond?"],
    "sync_run.exchanges[].expect": ["kind", "step?", "method?", "path?", "headers?", "body?", "seconds?"],
    "sync_run.exchanges[].respond": ["status", "headers?", "body?"],
}


def lint(shape, value, where):
    if not isinstance(value, dict):
        sys.exit(f"{where}: {shape} must be an object")
    known = {k.rstrip("?") for k in KEYS[shape]}
    for k in value:
        if k not in known:
            sys.exit(f"{where}: {shape}: unknown key {k!r} (a misspelling?)")
    for k in KEYS[shape]:
        if not k.endswith("?") and k not in value:
            sys.exit(f"{where}: {shape}: {k} is missing")


def compact(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def canonical(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


out = []


def record(tag, text):
    data = str(text).encode()
    out.append(f"{tag} {len(data)}\n".encode() + data + b"\n")


def main(folder):
    files = sorted(pathlib.Path(folder, "sync").glob("*.json"))
    if not files:
        sys.exit(f"no sync vectors in {folder}/sync")
    cases = 0
    for f in files:
        doc = json.loads(f.read_text(encoding="utf-8"))
        lint("file", doc, f.name)
        kind = doc.get("kind")
        if kind not in ("sync_plan", "sync_run"):
            sys.exit(f"{f.name}: kind {kind!r} is not one the C runner runs")
        for case in doc["cases"]:
            where = f"{f.name}: {case.get('name')}"
            lint(kind, case, where)
            cases += 1
            record("case", case["name"])
            record("kind", kind)
            for key in ("config", "options"):
                if key in case:
                    record(key, compact(case[key]))
            record("desired", compact(case["desired"]))
            record("current", compact(case["current"]))
            if kind == "sync_plan":
                expect = case["expect"]
                lint("sync_plan.expect", expect, where)
                refusal = expect["refusal"]
                record("at", "refusal\nnull" if refusal is None else f"refusal/guard\n{canonical(refusal)}")
                record("at", f"risks#\n{len(expect['risks'])}")
                for i, (risk_kind, level, count) in enumerate(expect["risks"]):
                    for key, value in (("kind", risk_kind), ("level", level), ("count", count)):
                        record("at", f"risks/{i}/{key}\n{canonical(value)}")
                record("at", f"steps#\n{len(expect['steps'])}")
                for i, step in enumerate(expect["steps"]):
                    lint("sync_plan.expect.steps[]", step, where)
                    for key, value in step.items():
                        record("at", f"steps/{i}/{key}\n{canonical(value)}")
            else:
                if "exec_options" in case:
                    record("exec-options", compact(case["exec_options"]))
                for exchange in case["exchanges"]:
                    lint("sync_run.exchanges[]", exchange, where)
                    lint("sync_run.exchanges[].expect", exchange["expect"], where)
                    record("now", repr(float(exchange["now"])))
                    for key, value in exchange["expect"].items():
                        record("expect", f"{key}\n{canonical(value)}")
                    if "respond" in exchange:
                        respond = exchange["respond"]
                        lint("sync_run.exchanges[].respond", respond, where)
                        record("respond-status", respond["status"])
                        for name, value in (respond.get("headers") or {}).items():
                            record("respond-header", f"{name}\n{value}")
                        record("respond-body", respond.get("body") or "")
                        record("respond-end", "")
                for step, outcome in case["outcomes"].items():
                    record("outcome", f"{step}\n{outcome}")
            record("end", "")
    sys.stdout.buffer.write(f"atlscim-sync-vectors 1 {cases}\n".encode() + b"".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
