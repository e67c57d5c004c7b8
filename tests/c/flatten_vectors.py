#!/usr/bin/env python3
"""Flattens the shared vectors (tests/vectors/*.json) into records test_vectors.c reads without a
JSON parser. Usage: flatten_vectors.py VECTOR_DIR > vectors.txt

Every case of every kind (tests/vectors/README.md "Kinds") is written out; test_vectors.c runs
each kind it knows and counts any other as a failure, so that no vector goes unrun unnoticed. A
file of an unknown kind becomes one "unknown-kind" record ("<file>: <kind>").

The output starts with "atlscim-vectors 2 <number of cases>\n", then each case is a run of records
"<tag> <length>\n<length bytes>\n", from "case" (its name) and "kind" to "end" (empty). The kind
is the file's, or for "map" files the case's op (map_user, map_group, normalize_timezone, ...).

Inputs are written as compact JSON text with the vector's members in order, duplicates included,
and numbers as written, so the C test sends the same JSON the Rust harness reads. Expected JSON
values are written in canonical form: keys sorted, no spaces, UTF-8, which is how the library
writes a JSON value, so the C test compares them as text.

  every kind  config        profile config JSON (absent: the atlassian profile's defaults)
  check       method, path  request method and path
              body          the body text exactly as sent (absent: no body)
              generate      "<kind> <n> <key>" for a $generate body, which the C test builds itself
              current       the current resource (absent: none)
              valid         "true" or "false"
              status        the expected status, "null" when valid
              issue         "<severity> <rule> <pointer>" (severity and rule hold no spaces), once
                            per issue
              normalized    the expected normalized body, canonical (absent: not asserted)
  patch       type          "User" or "Group"
              resource, patch
              result        the patched resource, canonical
              error         "<rule> <status> <scimType or null>", instead of result
  diff        type, current, desired ($generate lists written out)
              messages      the expected array of PatchOp messages, canonical ("[]": none)
              message       each expected message, canonical, in order
              desired-json  desired, canonical (applying the messages in turn must give it)
  batch       request       empty; starts a request, followed by its method, path, body, current,
                            valid, status and issues as in check
  response    http-status   the response's status
              body          the body text exactly as sent
              header        "<name>\\n<value>", once per header, in order
              now           Unix seconds
              expect        "<key> <canonical value>", once per key the case asserts
  map_user    mapping       a preset name, or a mapping as JSON text
              record
              mapping-error the entry a refused mapping names, instead of the report fields
              valid, status, issue
              resource      the expected user, canonical (absent: not asserted)
  map_group   record, members (absent: none), then as map_user
  normalizers input         the value (join_display_name: given and family instead)
              expect        "<key> <canonical value>", once per key the case asserts
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


def text_of(value):
    """A body or string input: a JSON string is the text itself, anything else its JSON text."""
    if isinstance(value, str) and not isinstance(value, Number):
        return value
    return dump(value)


def record(out, tag, text):
    data = text.encode("utf-8")
    out.write(f"{tag} {len(data)}\n".encode("ascii") + data + b"\n")


def verdict(out, expect):
    """The report fields every report-producing kind shares."""
    record(out, "valid", dump(get(expect, "valid")))
    record(out, "status", dump(get(expect, "status")))
    for severity, rule, pointer in get(expect, "issues"):
        record(out, "issue", f"{severity} {rule} {pointer}")


def request(out, req):
    record(out, "method", get(req, "method"))
    record(out, "path", get(req, "path"))
    body = get(req, "body")
    if isinstance(body, Members) and has(body, "$generate"):
        size = get(body, "depth") if get(body, "$generate") == "nested_arrays" else get(body, "bytes")
        record(out, "generate", f"{get(body, '$generate')} {size} {get(body, 'key')}")
    elif body is not None:
        record(out, "body", text_of(body))  # a string body is the raw body text itself
    current = get(req, "current")
    if current is not None:
        record(out, "current", dump(current))


def expectations(out, expect):
    for key, value in expect:
        record(out, "expect", f"{key} {canonical(value)}")


def flatten_check(case, out):
    request(out, get(case, "request"))
    expect = get(case, "expect")
    verdict(out, expect)
    if has(expect, "normalized"):
        record(out, "normalized", canonical(get(expect, "normalized")))


def flatten_patch(case, out):
    record(out, "type", get(case, "resource_type"))
    record(out, "resource", dump(get(case, "resource")))
    record(out, "patch", dump(get(case, "patch")))
    expect = get(case, "expect")
    if has(expect, "result"):
        record(out, "result", canonical(get(expect, "result")))
    else:
        error = get(expect, "error")
        scim_type = get(error, "scimType")
        record(out, "error", f"{get(error, 'rule')} {get(error, 'status')} {scim_type if scim_type else 'null'}")


def generated_list(value):
    """``value`` with the ``$generate`` lists of diff cases written out (tests/vectors/README.md
    "Generated lists")."""
    if isinstance(value, Members) and has(value, "$generate"):
        ids = [f"user-{i:06d}" for i in range(int(get(value, "from")), int(get(value, "to")))]
        kind = get(value, "$generate")
        if kind == "members":
            return [Members([("value", i)]) for i in ids]
        if kind == "member_removes":
            return [Members([("op", "remove"), ("path", f'members[value eq "{i}"]')]) for i in ids]
        raise ValueError(f"unknown $generate {kind!r}")
    if isinstance(value, Members):
        return Members((k, generated_list(v)) for k, v in value)
    if isinstance(value, list):
        return [generated_list(v) for v in value]
    return value


def flatten_diff(case, out):
    case = generated_list(case)
    messages = get(get(case, "expect"), "messages")
    record(out, "type", get(case, "resource_type"))
    record(out, "current", dump(get(case, "current")))
    record(out, "desired", dump(get(case, "desired")))
    record(out, "messages", canonical(messages))
    for message in messages:
        record(out, "message", canonical(message))
    record(out, "desired-json", canonical(get(case, "desired")))


def flatten_batch(case, out):
    requests, expects = get(case, "requests"), get(case, "expect")
    if len(requests) != len(expects):
        raise ValueError(f"{get(case, 'name')}: {len(requests)} requests, {len(expects)} expectations")
    for req, expect in zip(requests, expects):
        record(out, "request", "")
        request(out, req)
        verdict(out, expect)


def flatten_response(case, out):
    record(out, "http-status", dump(get(case, "status")))
    record(out, "body", text_of(get(case, "body")))
    for name, value in get(case, "headers"):
        record(out, "header", f"{name}\n{value}")
    record(out, "now", dump(get(case, "now")))
    expectations(out, get(case, "expect"))


def flatten_map(case, out):
    op = get(case, "op", "map_user")
    expect = get(case, "expect")
    if op == "map_user":
        mapping = get(case, "mapping")
        record(out, "mapping", mapping if isinstance(mapping, str) else dump(mapping))
        record(out, "record", dump(get(case, "record")))
    elif op == "map_group":
        record(out, "record", dump(get(case, "record")))
        if has(case, "members"):
            record(out, "members", dump(get(case, "members")))
    elif op == "join_display_name":
        record(out, "given", get(case, "given"))
        record(out, "family", get(case, "family"))
        expectations(out, expect)
        return op
    else:
        record(out, "input", get(case, "input"))
        expectations(out, expect)
        return op
    if has(expect, "mapping_error"):
        record(out, "mapping-error", get(expect, "mapping_error"))
        return op
    verdict(out, expect)
    if has(expect, "resource"):
        record(out, "resource", canonical(get(expect, "resource")))
    return op


FLATTEN = {
    "check": flatten_check,
    "patch": flatten_patch,
    "diff": flatten_diff,
    "batch": flatten_batch,
    "response": flatten_response,
    "map": flatten_map,
}


def flatten(kind, case, out):
    record(out, "case", get(case, "name"))
    # The kind record comes second, but a map case's kind is its op: write the rest to a buffer.
    rest = Buffer()
    config = get(case, "config")
    if config is not None:
        record(rest, "config", dump(config))
    op = FLATTEN[kind](case, rest)
    record(out, "kind", op if kind == "map" else kind)
    out.write(rest.getvalue())
    record(out, "end", "")


class Buffer:
    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(data)

    def getvalue(self):
        return b"".join(self.parts)


def main():
    files = sorted(pathlib.Path(sys.argv[1]).glob("*.json"))
    if not files:
        sys.exit(f"no vector files in {sys.argv[1]}")
    loaded = [(f.name, load(f.read_text(encoding="utf-8"))) for f in files]
    known = [(get(v, "kind", "check"), case) for _, v in loaded if get(v, "kind", "check") in FLATTEN for case in get(v, "cases")]
    out = sys.stdout.buffer
    out.write(f"atlscim-vectors 2 {len(known)}\n".encode("ascii"))
    for name, v in loaded:
        if get(v, "kind", "check") not in FLATTEN:
            record(out, "unknown-kind", f"{name}: {get(v, 'kind')}")
    for kind, case in known:
        flatten(kind, case, out)


if __name__ == "__main__":
    main()
