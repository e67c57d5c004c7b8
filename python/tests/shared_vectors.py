"""Reads the shared vectors in tests/vectors (format: tests/vectors/README.md).

``load()`` reads the ``check`` cases; ``load_kind(kind)`` the cases of every other kind, as the
dicts the files hold (their runners in test_vectors.py read them as the Rust runners do).
``lint_case`` refuses a case of a form the runners do not know (an unknown kind, op or key: a
misspelt key must not switch an assertion off), ``same_json`` compares JSON values with their
types (``True`` is not ``1``, ``1`` is not ``1.0``).

``ATLSCIM_VECTORS_DIR`` points the runners at another directory of vectors
(scripts/test-vector-runners.sh runs them on deliberately broken copies, which must fail).

For ``check`` cases, bodies are taken as the Rust harness takes them (core/tests/vectors.rs): the body's JSON text
exactly as written in the file (so byte limits mean the same), a JSON string as the raw body text
itself, ``{"$generate": ...}`` expanded. Each case is then run as ``str`` and as ``bytes`` and, when
the body is a JSON value other than raw text, as the Python object too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
VECTORS = Path(os.environ.get("ATLSCIM_VECTORS_DIR") or REPO / "tests" / "vectors")
_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\n\r"


@dataclass(frozen=True)
class Case:
    file: str
    name: str
    config: dict[str, Any] | None
    method: str
    path: str
    current: Any
    expect: dict[str, Any]
    #: The body text, or None for no body.
    text: str | None
    #: Builds the body as a Python object, or None when the body is raw text only.
    python: Any = field(default=None, compare=False)
    #: The case as the file has it.
    data: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def id(self) -> str:
        return f"{self.file}: {self.name}"

    def forms(self) -> Iterator[tuple[str, Any]]:
        """(how, body) for every form this case is run in."""
        if self.text is None:
            yield "none", None
            return
        yield "str", self.text
        yield "bytes", self.text.encode("utf-8")
        if self.python is not None:
            body = self.python()
            yield ("dict" if isinstance(body, dict) else "python"), body


def _skip(text: str, i: int) -> int:
    while text[i] in _WHITESPACE:
        i += 1
    return i


def _members(text: str, i: int) -> Iterator[tuple[str, int, int]]:
    """The members of the object at ``text[i]`` as (key, value start, value end)."""
    assert text[i] == "{", f"expected an object at {i}"
    i = _skip(text, i + 1)
    if text[i] == "}":
        return
    while True:
        key, i = _DECODER.raw_decode(text, _skip(text, i))
        i = _skip(text, i)
        assert text[i] == ":", f"expected ':' at {i}"
        start = _skip(text, i + 1)
        _, end = _DECODER.raw_decode(text, start)
        yield key, start, end
        i = _skip(text, end)
        if text[i] == "}":
            return
        assert text[i] == ",", f"expected ',' at {i}"
        i += 1


def _elements(text: str, i: int) -> Iterator[tuple[int, int]]:
    """The elements of the array at ``text[i]`` as (start, end)."""
    assert text[i] == "[", f"expected an array at {i}"
    i = _skip(text, i + 1)
    if text[i] == "]":
        return
    while True:
        start = _skip(text, i)
        _, end = _DECODER.raw_decode(text, start)
        yield start, end
        i = _skip(text, end)
        if text[i] == "]":
            return
        assert text[i] == ",", f"expected ',' at {i}"
        i += 1


def _member(text: str, i: int, name: str) -> tuple[int, int] | None:
    for key, start, end in _members(text, i):
        if key == name:
            return start, end
    return None


def nested_arrays(depth: int) -> list[Any]:
    # Built by a loop: json.loads would hit Python's recursion limit long before 10,000 levels.
    nested: list[Any] = []
    for _ in range(depth - 1):
        nested = [nested]
    return nested


def generated(spec: dict[str, Any]) -> tuple[str, Callable[[], dict[str, Any]]]:
    """The text and a builder of the Python object of a ``$generate`` body (README "Generated inputs").

    As in the Rust harness, vectors run generated bodies as text only: their limits are about
    bytes (``limits.max_body_bytes`` has no meaning for a dict). test_bad_input.py runs the
    objects where the verdict must be the same.
    """
    key = spec["key"]
    kind = spec["$generate"]
    if kind == "nested_arrays":
        depth = spec["depth"]
        return f'{{"{key}":' + "[" * depth + "]" * depth + "}", lambda: {key: nested_arrays(depth)}
    if kind == "long_string":
        size = spec["bytes"]
        prefix = (
            '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@example.com",'
            '"emails":[{"value":"a@example.com","primary":true}],'
        )
        text = prefix + f'"{key}":"' + "a" * size + '"}'
        return text, lambda: json.loads(text)
    raise ValueError(f"unknown generator {kind!r}")


def _body(raw: str) -> tuple[str | None, Any]:
    """A case's body as (text, Python builder), from its JSON text as written in the file."""
    if raw == "null":
        return None, None
    value = json.loads(raw)
    if isinstance(value, str):
        return value, None
    if isinstance(value, dict) and "$generate" in value:
        return generated(value)[0], None
    return raw, lambda: json.loads(raw)


def kinds() -> dict[str, str]:
    """Each vector file's kind (README "Kinds"; absent means "check")."""
    return {
        path.name: json.loads(path.read_text(encoding="utf-8")).get("kind", "check")
        for path in sorted(VECTORS.glob("*.json"))
    }


def load() -> list[Case]:
    """Every case of every vector file of kind "check", in file order."""
    cases = []
    for path in sorted(VECTORS.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        if data.get("kind", "check") != "check":
            continue
        spans = _member(text, _skip(text, 0), "cases")
        assert spans, f"{path}: no cases"
        for case, (start, _) in zip(data["cases"], _elements(text, spans[0]), strict=True):
            request = _member(text, _member(text, start, "request")[0], "body")  # type: ignore[index]
            body_text, python = _body(text[request[0] : request[1]]) if request else (None, None)
            req = case["request"]
            cases.append(
                Case(
                    file=path.name,
                    name=case["name"],
                    config=case.get("config"),
                    method=req["method"],
                    path=req["path"],
                    current=req.get("current"),
                    expect=case["expect"],
                    text=body_text,
                    python=python,
                    data=case,
                )
            )
    return cases


@dataclass(frozen=True)
class KindCase:
    """A case of a kind other than ``check``: the case object as the file has it."""

    file: str
    name: str
    data: dict[str, Any] = field(compare=False)

    @property
    def id(self) -> str:
        return f"{self.file}: {self.name}"


def generated_list(value: Any) -> Any:
    """``value`` with the ``$generate`` lists of diff cases written out (tests/vectors/README.md
    "Generated lists")."""
    if isinstance(value, dict) and "$generate" in value:
        members = [f"user-{i:06d}" for i in range(value["from"], value["to"])]
        if value["$generate"] == "members":
            return [{"value": m} for m in members]
        if value["$generate"] == "member_removes":
            return [{"op": "remove", "path": f'members[value eq "{m}"]'} for m in members]
        raise ValueError(f"unknown $generate {value['$generate']!r}")
    if isinstance(value, dict):
        return {k: generated_list(v) for k, v in value.items()}
    if isinstance(value, list):
        return [generated_list(v) for v in value]
    return value


def load_kind(kind: str) -> list[KindCase]:
    """Every case of every vector file of ``kind``, in file order (diff cases with their
    generated lists written out)."""
    cases: list[KindCase] = []
    for path in sorted(VECTORS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("kind", "check") != kind:
            continue
        for case in data["cases"]:
            cases.append(KindCase(path.name, case["name"], generated_list(case) if kind == "diff" else case))
    return cases


def issue_triples(report: Any, in_order: bool = True) -> list[tuple[str, str, str]]:
    """A report's issues in report order (sorted when ``in_order`` is false)."""
    triples = [(i.severity, i.rule, i.pointer) for i in report.issues]
    return triples if in_order else sorted(triples)


def expected_triples(expect: dict[str, Any], in_order: bool = True) -> list[tuple[str, str, str]]:
    """``expect.issues`` as listed (sorted when ``in_order`` is false)."""
    triples = [(t[0], t[1], t[2]) for t in expect["issues"]]
    return triples if in_order else sorted(triples)


def ordered(expect: dict[str, Any]) -> bool:
    """Whether the expected issues are in report order (README: absent ``issue_order``)."""
    return expect.get("issue_order") != "any"


def same_json(got: Any, want: Any) -> bool:
    """JSON values equal with their types: a bool is not a number, an integer not a float."""
    if isinstance(want, dict):
        return (
            isinstance(got, dict) and got.keys() == want.keys() and all(same_json(got[k], want[k]) for k in want)
        )
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(map(same_json, got, want))
    return type(got) is type(want) and bool(got == want)


#: The kinds of vector file these runners know (README "Kinds").
KINDS = {"check", "patch", "diff", "batch", "response", "map", "rule", "key_expiry"}

#: Every key a vector may use, by where it is: a kind (or, for ``map`` files, an op) names a case;
#: ``<shape>.<member>`` an object inside it, ``[]`` each element of an array. A key ending in ``?``
#: may be left out; the others are required. Keys of inputs (bodies, records, configs, resources)
#: are data, not listed. The same table as core/tests/common/mod.rs.
KEYS: dict[str, list[str]] = {
    "file": ["kind?", "description", "cases"],
    "check": ["name", "config?", "request", "expect"],
    "check.request": ["method", "path", "body?", "current?"],
    "check.expect": [
        "valid", "status", "issues", "issue_order?", "issue_order_reason?", "normalized?", "details?", "omitted?",
        "sent_status?", "statuses?",
    ],
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
    # tests/vectors/sync/ (test_sync_vectors.py)
    "sync_plan": ["name", "config?", "options?", "desired", "current", "expect"],
    "sync_plan.expect": ["refusal", "risks", "steps"],
    "sync_plan.expect.steps[]": ["kind", "method", "path", "dependsOn", "body?", "rules?"],
    "sync_run": ["name", "config?", "options?", "exec_options?", "desired", "current", "exchanges", "outcomes"],
    "sync_run.exchanges[]": ["now", "expect", "respond?"],
    "sync_run.exchanges[].expect": ["kind", "step?", "method?", "path?", "headers?", "body?", "seconds?"],
    "sync_run.exchanges[].respond": ["status", "headers?", "body?"],
}


def _shape(shape: str, value: Any) -> list[str]:
    """Unknown and missing keys of ``value`` for ``shape``."""
    if shape not in KEYS:
        return [f"{shape}: not a shape the runners know"]
    if not isinstance(value, dict):
        return [f"{shape} must be an object, got {value!r}"]
    known = {k.rstrip("?") for k in KEYS[shape]}
    out = [f"{shape}: unknown key {k!r} (a misspelling?)" for k in value if k not in known]
    out += [f"{shape}: {k} is missing" for k in KEYS[shape] if not k.endswith("?") and k not in value]
    return out


def case_shape(kind: str, case: dict[str, Any]) -> str:
    """The shape of a case: its file's kind, or for ``map`` files its op."""
    return str(case.get("op", "map_user")) if kind == "map" else kind


def _issue_order(expect: dict[str, Any]) -> list[str]:
    issues = len(expect.get("issues") or [])
    reason = expect.get("issue_order_reason")
    if "issue_order" not in expect:
        return ["issue_order_reason without \"issue_order\": \"any\""] if "issue_order_reason" in expect else []
    if expect["issue_order"] != "any":
        return [f"issue_order is {expect['issue_order']!r}; the only value is \"any\""]
    if issues < 2:
        return ["issue_order \"any\" on fewer than two issues"]
    if not isinstance(reason, str) or not reason.strip():
        return ["issue_order \"any\" needs an issue_order_reason"]
    return []


def _derivation(expect: dict[str, Any]) -> list[str]:
    resource, derivation = expect.get("resource"), expect.get("derivation")
    if resource is None or derivation is None:
        if resource is None and derivation is None:
            return []
        return ["a resource without its derivation" if derivation is None else "a derivation without a resource"]
    if not isinstance(resource, dict) or not isinstance(derivation, dict):
        return ["resource and derivation must be objects"]
    out = [f"derivation: {k} is in the resource but not derived" for k in resource if k not in derivation]
    for k, why in derivation.items():
        absent = isinstance(why, str) and why.startswith("absent:")
        if not isinstance(why, str) or not why.strip():
            out.append(f"derivation: {k} must say which rule gives it")
        elif k in resource and absent:
            out.append(f"derivation: {k} is in the resource, not absent")
        elif k not in resource and not absent:
            out.append(f"derivation: {k} is not in the resource (explain an absence with \"absent: …\")")
    return out


def lint_case(kind: str, case: Any) -> list[str]:
    """Everything wrong with a case's form (not its verdict), as core/tests/common/mod.rs says it."""
    shape = case_shape(kind, case) if isinstance(case, dict) else kind
    out = _shape(shape, case)
    if out:
        return out
    expect = case["expect"]
    if shape == "check":
        out += _shape("check.request", case["request"]) + _shape("check.expect", expect) + _issue_order(expect)
    elif shape == "patch":
        out += _shape("patch.expect", expect)
        if ("result" in expect) == ("error" in expect):
            out.append("patch.expect: exactly one of result and error")
        elif "error" in expect:
            out += _shape("patch.expect.error", expect["error"])
    elif shape == "diff":
        out += _shape("diff.expect", expect)
        if ("messages" in expect) == ("error" in expect):
            out.append("diff.expect: exactly one of messages and error")
        elif "error" in expect:
            out += _shape("diff.expect.error", expect["error"])
    elif shape == "batch":
        requests = case["requests"]
        if not isinstance(requests, list) or not isinstance(expect, list):
            return ["batch: requests and expect must be arrays"]
        if len(requests) != len(expect) or not requests:
            return [f"batch: {len(requests)} requests but {len(expect)} expectations"]
        for r in requests:
            out += _shape("batch.requests[]", r)
        for e in expect:
            out += _shape("batch.expect[]", e) + _issue_order(e)
    elif shape == "response":
        out += _shape("response.expect", expect)
    elif shape == "key_expiry":
        out += _shape("key_expiry.expect", expect)
        if ("config" in case) == ("expires_at" in case):
            out.append("key_expiry: exactly one of config and expires_at")
        if "warn_days" in case and "expires_at" not in case:
            out.append("key_expiry: warn_days without expires_at")
        if (expect.get("state") is None) == ("days_left" in expect):
            out.append("key_expiry.expect: days_left exactly when state is not null")
    elif shape == "map_user" and isinstance(expect, dict) and "mapping_error" in expect:
        out += _shape("map_user.expect(mapping_error)", expect)
    elif shape in ("map_user", "map_group"):
        out += _shape(f"{shape}.expect", expect) + _issue_order(expect) + _derivation(expect)
    else:
        out += _shape(f"{shape}.expect", expect)
    return out


def lint_all() -> list[str]:
    """The form problems of every case of every vector file, and files of a kind no runner knows."""
    out = []
    for path in sorted(VECTORS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        kind = data.get("kind", "check")
        if kind not in KINDS:
            out.append(f"{path.name}: kind {kind!r} is not one the runners know")
            continue
        out += [f"{path.name}: {p}" for p in _shape("file", data)]
        for case in data.get("cases") or []:
            out += [f"{path.name}: {case.get('name')!r}: {p}" for p in lint_case(kind, case)]
    return out
