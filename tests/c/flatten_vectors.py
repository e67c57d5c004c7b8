#!/usr/bin/env python3
"""Flattens the shared vectors (tests/vectors/*.json) into records test_vectors.c reads without a
JSON parser. Usage: flatten_vectors.py VECTOR_DIR > vectors.txt

Each vector file has a kind (tests/vectors/README.md "Kinds"; absent means "check"). The C test
runs the cases of "check" files; a file of any other kind becomes one "unknown-kind" record
("<file>: <kind>"), which the C test counts as a failure, so that no vector goes unrun unnoticed.

The output starts with "atlscim-vectors 1 <number of check cases>\n", then each case is a run of
records "<tag> <length>\n<length bytes>\n":

  case            the case's name (first record of a case)
  config          profile config JSON text (absent: the atlassian profile's defaults)
  method, path    request method and path
  body            the body text exactly as sent (absent: no body)
  generate        "<kind> <n> <key>" for a $generate body, which the C test builds itself
  current         the current resource as JSON text (absent: none)
  valid           "true" or "false"
  status          the expected status, "null" when valid
  issue           "<severity> <rule> <pointer>" (severity and rule hold no spaces), once per issue
  normalized      the expected normalized body as canonical JSON text (absent: not asserted):
                  keys sorted, no spaces, UTF-8, which is how the library writes a JSON value
  end             empty; closes the case

Bodies keep the vector's members in order, duplicates included, and numbers as written, so the
C test checks the same body the Rust harness does (only insignificant whitespace differs).
"""

import json
import pathlib
import sys


class Members(list):
    """A JSON object as its (key, value) pairs, in order, duplicates kept."""


class Number(str):
    """A JSON number as written."""


def load(text):
    return json.loads(text, object_pairs_hook=Members, parse_float=Number, parse_int=Number, parse_constant=Number)


def dump(value):
    """Writes a value read by `load` back as compact JSON text, as it was (members in order)."""
    if isinstance(value, Members):
        return "{" + ",".join(dump_string(k) + ":" + dump(v) for k, v in value) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dump(v) for v in value) + "]"
    if isinstance(value, Number):
        return str(value)
    if isinstance(value, str):
        return dump_string(value)
    return json.dumps(value)  # true, false, null


def dump_string(s):
    return json.dumps(s, ensure_ascii=False)


def plain(value):
    """Turns a value read by `load` into ordinary Python values, for canonical output."""
    if isinstance(value, Members):
        keys = [k for k, _ in value]
        if len(keys) != len(set(keys)):
            raise ValueError(f"duplicate keys in an expected value: {keys}")
        return {k: plain(v) for k, v in value}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, Number):
        return json.loads(value)
    return value


def canonical(value):
    return json.dumps(plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def get(members, key, default=None):
    for k, v in members:
        if k == key:
            return v
    return default


def has(members, key):
    return any(k == key for k, _ in members)


def record(out, tag, text):
    data = text.encode("utf-8")
    out.write(f"{tag} {len(data)}\n".encode("ascii") + data + b"\n")


def flatten(case, out):
    request = get(case, "request")
    expect = get(case, "expect")
    record(out, "case", get(case, "name"))
    config = get(case, "config")
    if config is not None:
        record(out, "config", dump(config))
    record(out, "method", get(request, "method"))
    record(out, "path", get(request, "path"))
    body = get(request, "body")
    if isinstance(body, Members) and has(body, "$generate"):
        size = get(body, "depth") if get(body, "$generate") == "nested_arrays" else get(body, "bytes")
        record(out, "generate", f"{get(body, '$generate')} {size} {get(body, 'key')}")
    elif isinstance(body, str) and not isinstance(body, Number):
        record(out, "body", body)  # a string body is the raw body text itself
    elif body is not None:
        record(out, "body", dump(body))
    current = get(request, "current")
    if current is not None:
        record(out, "current", dump(current))
    record(out, "valid", dump(get(expect, "valid")))
    record(out, "status", dump(get(expect, "status")))
    for severity, rule, pointer in get(expect, "issues"):
        record(out, "issue", f"{severity} {rule} {pointer}")
    if has(expect, "normalized"):
        record(out, "normalized", canonical(get(expect, "normalized")))
    record(out, "end", "")


def main():
    files = sorted(pathlib.Path(sys.argv[1]).glob("*.json"))
    if not files:
        sys.exit(f"no vector files in {sys.argv[1]}")
    loaded = [(f.name, load(f.read_text(encoding="utf-8"))) for f in files]
    checks = [case for _, v in loaded if get(v, "kind", "check") == "check" for case in get(v, "cases")]
    out = sys.stdout.buffer
    out.write(f"atlscim-vectors 1 {len(checks)}\n".encode("ascii"))
    for name, v in loaded:
        if get(v, "kind", "check") != "check":
            record(out, "unknown-kind", f"{name}: {get(v, 'kind')}")
    for case in checks:
        flatten(case, out)


if __name__ == "__main__":
    main()
