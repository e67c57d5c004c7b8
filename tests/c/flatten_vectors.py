#!/usr/bin/env python3
"""Flattens the shared vectors (tests/vectors/*.json) into records test_vectors.c reads without a
JSON parser. Usage: flatten_vectors.py VECTOR_DIR > vectors.txt

Every case of every kind (tests/vectors/README.md "Kinds") is written out; test_vectors.c runs
each kind it knows and counts any other as a failure, so that no vector goes unrun unnoticed. A
file of an unknown kind becomes one "unknown-kind" record ("<file>: <kind>"). A case of a form the
C runner does not know (an unknown or missing key, an issue order without a reason, a mapped
resource without its derivation, a batch whose requests and expectations differ in number; the
table KEYS, the same as core/tests/common/mod.rs) stops the flattening with exit status 1: a
misspelt key must not switch an assertion off.

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
                            per issue, in report order
              issue-order   "any" when the vector says the issues may come in any order
                            per issue
              omitted       how many issues the report leaves out (absent: not asserted)
              normalized    the expected normalized body, canonical (absent: not asserted)
              details       how many details follow (absent: none asserted)
              detail        each issue's expected detail, in report order
              statuses      how many issue statuses follow (absent: none asserted)
              issue-status  "<status or null> <scimType or null>" of each issue, in report order
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
              summary       after the requests: the batch summary the expectations imply, canonical
                            ({"byRule", "invalid", "requests", "valid"})
  response    config        (above) when present, the profile classifies (its max_retry_after)
              http-status   the response's status
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
  rule        rule          the rule id
              expect        "<key> <canonical value>": severity, status, scimType, statusInferred
  key_expiry  config        (above) Profile.key_expiry from it; or instead
              expires-at    the function key_expiry's expiry, Unix seconds
              warn-days     its warning window in days (absent: 30)
              now           Unix seconds
              expect        "state <canonical value>" ("null": no expiry configured), then
                            "days_left <n>" when the state is not null
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
    if get(expect, "issue_order") == "any":
        record(out, "issue-order", "any")
    if has(expect, "omitted"):
        record(out, "omitted", dump(get(expect, "omitted")))
    if has(expect, "sent_status"):
        record(out, "sent-status", dump(get(expect, "sent_status")))


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
    if has(expect, "details"):
        record(out, "details", str(len(get(expect, "details"))))
        for detail in get(expect, "details"):
            record(out, "detail", detail)
    if has(expect, "statuses"):
        record(out, "statuses", str(len(get(expect, "statuses"))))
        for status, scim_type in get(expect, "statuses"):
            record(out, "issue-status", f"{'null' if status is None else status} {'null' if scim_type is None else scim_type}")
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
        record(out, "error", error_text(get(expect, "error")))


def error_text(error):
    """An expected refusal as the C runner prints the one it gets: `rule status scimType`."""
    scim_type = get(error, "scimType")
    return f"{get(error, 'rule')} {get(error, 'status')} {scim_type if scim_type else 'null'}"


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
    record(out, "type", get(case, "resource_type"))
    record(out, "current", dump(get(case, "current")))
    record(out, "desired", dump(get(case, "desired")))
    if has(get(case, "expect"), "error"):
        record(out, "error", error_text(get(get(case, "expect"), "error")))
        return
    messages = get(get(case, "expect"), "messages")
    record(out, "messages", canonical(messages))
    for message in messages:
        record(out, "message", canonical(message))
    record(out, "desired-json", canonical(get(case, "desired")))


def flatten_batch(case, out):
    requests, expects = get(case, "requests"), get(case, "expect")
    if len(requests) != len(expects):
        raise ValueError(f"{get(case, 'name')}: {len(requests)} requests, {len(expects)} expectations")
    by_rule = {}
    for req, expect in zip(requests, expects):
        record(out, "request", "")
        request(out, req)
        verdict(out, expect)
        for _, rule, _ in get(expect, "issues"):
            by_rule[rule] = by_rule.get(rule, 0) + 1
    valid = sum(1 for e in expects if get(e, "valid") is True)
    summary = {"requests": len(expects), "valid": valid, "invalid": len(expects) - valid, "byRule": by_rule}
    record(out, "summary", canonical(summary))


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


def flatten_rule(case, out):
    record(out, "rule", get(case, "rule"))
    expectations(out, get(case, "expect"))


def flatten_key_expiry(case, out):
    if has(case, "expires_at"):
        record(out, "expires-at", dump(get(case, "expires_at")))
        record(out, "warn-days", dump(get(case, "warn_days", Number("30"))))
    record(out, "now", dump(get(case, "now")))
    expectations(out, get(case, "expect"))


FLATTEN = {
    "check": flatten_check,
    "patch": flatten_patch,
    "diff": flatten_diff,
    "batch": flatten_batch,
    "response": flatten_response,
    "map": flatten_map,
    "rule": flatten_rule,
    "key_expiry": flatten_key_expiry,
}


#: Every key a vector may use, by where it is: a kind (or, for "map" files, an op) names a case;
#: "<shape>.<member>" an object inside it, "[]" each element of an array. A key ending in "?" may
#: be left out; the others are required. Keys of inputs (bodies, records, configs, resources) are
#: data, not listed.
KEYS = {
    "file": ["kind?", "description", "cases"],
    "check": ["name", "config?", "request", "expect"],
    "check.request": ["method", "path", "body?", "current?"],
    "check.expect": ["valid", "status", "issues", "issue_order?", "issue_order_reason?", "normalized?", "details?", "omitted?",
                     "sent_status?", "statuses?"],
    "patch": ["name", "config?", "resource_type", "resource", "patch", "expect"],
    "patch.expect": ["result?", "error?"],
    "patch.expect.error": ["rule", "status", "scimType"],
    "diff": ["name", "config?", "resource_type", "current", "desired", "expect"],
    "diff.expect": ["messages?", "error?"],
    "diff.expect.error": ["rule", "status", "scimType"],
    "batch": ["name", "config?", "requests", "expect"],
    "batch.requests[]": ["method", "path", "body?", "current?"],
    "batch.expect[]": ["valid", "status", "issues", "issue_order?", "issue_order_reason?"],
    "response": ["name", "config?", "status", "body", "headers", "now", "expect"],
    "response.expect": ["kind", "retryable", "retryAfter", "scimType", "rule", "status?", "detail?", "traceId?", "retryAfterClamped?"],
    "map_user": ["name", "op?", "config?", "mapping", "record", "expect"],
    "map_user.expect": ["valid", "status", "issues", "issue_order?", "issue_order_reason?", "resource?", "derivation?"],
    "map_user.expect(mapping_error)": ["mapping_error"],
    "map_group": ["name", "op", "config?", "record", "members?", "expect"],
    "map_group.expect": ["valid", "status", "issues", "issue_order?", "issue_order_reason?", "resource?", "derivation?"],
    "normalize_timezone": ["name", "op", "input", "expect"],
    "normalize_timezone.expect": ["canonical?", "kind?", "error?", "suggestion?"],
    "normalize_locale": ["name", "op", "input", "expect"],
    "normalize_locale.expect": ["tag?", "error?", "suggestion?"],
    "parse_accept_language": ["name", "op", "input", "expect"],
    "parse_accept_language.expect": ["best?", "errors?"],
    "nearest_atlassian_language": ["name", "op", "input", "expect"],
    "nearest_atlassian_language.expect": ["language"],
    "normalize_email": ["name", "op", "input", "expect"],
    "normalize_email.expect": ["address?", "domain?", "error?"],
    "split_display_name": ["name", "op", "input", "expect"],
    "split_display_name.expect": ["given?", "family?", "prefix?", "suffix?"],
    "join_display_name": ["name", "op", "given", "family", "expect"],
    "join_display_name.expect": ["display"],
    "rule": ["name", "rule", "expect"],
    "rule.expect": ["severity", "status", "scimType", "statusInferred"],
    "key_expiry": ["name", "config?", "expires_at?", "warn_days?", "now", "expect"],
    "key_expiry.expect": ["state", "days_left?"],
}


def shape_problems(shape, value, table=None):
    if not isinstance(value, Members):
        return [f"{shape} must be an object"]
    keys = (table or KEYS)[shape]
    known = {k.rstrip("?") for k in keys}
    out = [f"{shape}: unknown key {k!r} (a misspelling?)" for k, _ in value if k not in known]
    return out + [f"{shape}: {k} is missing" for k in keys if not k.endswith("?") and not has(value, k)]


def issue_order_problems(expect):
    if not has(expect, "issue_order"):
        return ['issue_order_reason without "issue_order": "any"'] if has(expect, "issue_order_reason") else []
    if get(expect, "issue_order") != "any":
        return ['issue_order: the only value is "any"']
    if len(get(expect, "issues") or []) < 2:
        return ['issue_order "any" on fewer than two issues']
    reason = get(expect, "issue_order_reason")
    return [] if isinstance(reason, str) and reason.strip() else ['issue_order "any" needs an issue_order_reason']


def derivation_problems(expect):
    resource, derivation = get(expect, "resource"), get(expect, "derivation")
    if resource is None or derivation is None:
        if resource is None and derivation is None:
            return []
        return ["a resource without its derivation" if derivation is None else "a derivation without a resource"]
    if not isinstance(resource, Members) or not isinstance(derivation, Members):
        return ["resource and derivation must be objects"]
    out = [f"derivation: {k} is in the resource but not derived" for k, _ in resource if not has(derivation, k)]
    for k, why in derivation:
        absent = isinstance(why, str) and why.startswith("absent:")
        if not isinstance(why, str) or isinstance(why, Number) or not why.strip():
            out.append(f"derivation: {k} must say which rule gives it")
        elif has(resource, k) and absent:
            out.append(f"derivation: {k} is in the resource, not absent")
        elif not has(resource, k) and not absent:
            out.append(f"derivation: {k} is not in the resource (explain an absence with \"absent: …\")")
    return out


def lint(kind, case):
    """Everything wrong with a case's form (not its verdict)."""
    shape = get(case, "op", "map_user") if kind == "map" and isinstance(case, Members) else kind
    if shape not in KEYS:
        return [f"op {shape!r} is not one the runners know"]
    out = shape_problems(shape, case)
    if out:
        return out
    expect = get(case, "expect")
    if shape == "check":
        return shape_problems("check.request", get(case, "request")) + shape_problems("check.expect", expect) + \
            issue_order_problems(expect)
    if shape == "patch":
        out = shape_problems("patch.expect", expect)
        if has(expect, "result") == has(expect, "error"):
            return out + ["patch.expect: exactly one of result and error"]
        return out + (shape_problems("patch.expect.error", get(expect, "error")) if has(expect, "error") else [])
    if shape == "diff":
        out = shape_problems("diff.expect", expect)
        if has(expect, "messages") == has(expect, "error"):
            return out + ["diff.expect: exactly one of messages and error"]
        return out + (shape_problems("diff.expect.error", get(expect, "error")) if has(expect, "error") else [])
    if shape == "batch":
        requests = get(case, "requests")
        if not isinstance(requests, list) or not isinstance(expect, list):
            return ["batch: requests and expect must be arrays"]
        if len(requests) != len(expect) or not requests:
            return [f"batch: {len(requests)} requests but {len(expect)} expectations"]
        for r in requests:
            out += shape_problems("batch.requests[]", r)
        for e in expect:
            out += shape_problems("batch.expect[]", e) + issue_order_problems(e)
        return out
    if shape == "map_user" and isinstance(expect, Members) and has(expect, "mapping_error"):
        return shape_problems("map_user.expect(mapping_error)", expect)
    if shape in ("map_user", "map_group"):
        return shape_problems(f"{shape}.expect", expect) + issue_order_problems(expect) + derivation_problems(expect)
    if shape == "key_expiry":
        out = shape_problems("key_expiry.expect", expect)
        if has(case, "config") == has(case, "expires_at"):
            out.append("key_expiry: exactly one of config and expires_at")
        if has(case, "warn_days") and not has(case, "expires_at"):
            out.append("key_expiry: warn_days without expires_at")
        if isinstance(expect, Members) and (get(expect, "state") is None) == has(expect, "days_left"):
            out.append("key_expiry.expect: days_left exactly when state is not null")
        return out
    return shape_problems(f"{shape}.expect", expect)


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
    problems = []
    for name, v in loaded:
        problems += [f"{name}: {p}" for p in shape_problems("file", v)]
        if get(v, "kind", "check") in FLATTEN:
            kind = get(v, "kind", "check")
            problems += [f"{name}: {get(c, 'name')!r}: {p}" for c in get(v, "cases") for p in lint(kind, c)]
    if problems:
        print("\n".join(["flatten_vectors: vectors of a form the C runner does not know:"] + problems), file=sys.stderr)
        sys.exit(1)
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
