#!/usr/bin/env python3
"""Seeds the fuzz corpora from the shared vectors and the conformance corpora (read at run time,
never copied into the repository): python3 fuzz/seed_corpus.py OUT_DIR"""

import hashlib
import json
import os
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
out = Path(sys.argv[1])
conformance = Path(os.environ.get("ATLSCIM_CONFORMANCE_DIR", root.parent / "shared" / "conformance"))
seeds = {t: set() for t in ["filter_parse", "path_parse", "check", "patch_apply", "map_user", "http"]}


def add(target, data):
    if isinstance(data, str):
        data = data.encode()
    seeds[target].add(data)


for path in sorted((root / "tests" / "vectors").glob("*.json")):
    doc = json.loads(path.read_text())
    for case in doc.get("cases", []):
        req = case.get("request") or {}
        body = req.get("body")
        if isinstance(body, str):
            add("check", b"\x00" + body.encode())
        elif body is not None and "$generate" not in (body if isinstance(body, dict) else {}):
            add("check", b"\x00" + json.dumps(body).encode())
            add("check", b"\x02" + json.dumps(body).encode())
        if "patch" in case:
            add("patch_apply", json.dumps(case["patch"]))
        if "record" in case:
            add("map_user", json.dumps(case["record"]))
        for r in case.get("requests", []):
            if r.get("body") is not None:
                add("check", b"\x00" + json.dumps(r["body"]).encode())

# The HTTP target's input: a method byte, an auth byte, then "target\nheaders\n\nbody"
# (fuzz/fuzz_targets/http.rs), from the directory vectors and the replays.
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
for path in sorted((root / "tests" / "vectors" / "directory").glob("*.json")) + sorted((root / "examples" / "replays").glob("*.json")):
    for case in json.loads(path.read_text()).get("cases", []):
        for step in case.get("steps", []):
            req = step["request"]
            body = req.get("body")
            text = body if isinstance(body, str) else ("" if body is None else json.dumps(body))
            target = req["path"] if req["path"].startswith("/scim/") else req["path"].lstrip("/")
            headers = "".join(f"\n{k}: {v}" for k, v in (req.get("headers") or {"Content-Type": "application/scim+json"}).items())
            add("http", bytes([METHODS.index(req["method"]), 0]) + f"{target}{headers}\n\n{text}".encode())

if conformance.is_dir():
    def lines(name):
        p = conformance / name
        return [json.loads(l) for l in p.read_text().splitlines() if l.strip()] if p.exists() else []
    for c in lines("filters.jsonl"):
        add("filter_parse", c["input"])
    for c in lines("filter_match.jsonl"):
        add("filter_parse", c["filter"])
    for c in lines("paths.jsonl"):
        add("path_parse", c["input"])
    for c in lines("patch.jsonl"):
        add("patch_apply", json.dumps(c["patch"]))
        add("check", b"\x02" + json.dumps(c["patch"]).encode())
    for c in lines("payloads.jsonl"):
        add("check", b"\x00" + json.dumps(c["payload"]).encode())
else:
    print(f"fuzz: {conformance} not found; seeding from tests/vectors only")

for target, items in seeds.items():
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    for data in items:
        (d / hashlib.sha1(data).hexdigest()).write_bytes(data)
    print(f"fuzz: {target}: {len(items)} seeds")
