"""Reads the shared vectors in tests/vectors (format: tests/vectors/README.md).

``load()`` reads the ``check`` cases; ``load_kind(kind)`` the cases of every other kind, as the
dicts the files hold (their runners in test_vectors.py read them as the Rust runners do).

For ``check`` cases, bodies are taken as the Rust harness takes them (core/tests/vectors.rs): the body's JSON text
exactly as written in the file (so byte limits mean the same), a JSON string as the raw body text
itself, ``{"$generate": ...}`` expanded. Each case is then run as ``str`` and as ``bytes`` and, when
the body is a JSON value other than raw text, as the Python object too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "vectors"
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


def issue_triples(report: Any) -> list[tuple[str, str, str]]:
    return sorted((i.severity, i.rule, i.pointer) for i in report.issues)


def expected_triples(expect: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((t[0], t[1], t[2]) for t in expect["issues"])
