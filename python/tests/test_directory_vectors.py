"""The ``directory`` vectors (tests/vectors/directory/, format in tests/vectors/README.md) and the
Entra ID / Okta replays (examples/replays/), run over HTTP against atlscim.testing.serve: each case
on a fresh directory with its config."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

import atlscim.testing

REPO = Path(__file__).resolve().parents[2]
#: The shared vectors and the Entra ID and Okta replays in examples/ (same format).
FILES = sorted((REPO / "tests/vectors/directory").glob("*.json")) + sorted((REPO / "examples/replays").glob("*.json"))
CASES = [
    pytest.param(case, id=f"{path.name}: {case['name']}")
    for path in FILES
    for case in json.loads(path.read_text())["cases"]
]


#: Every key a directory vector may use, by where it is (a key ending in "?" may be left out): the
#: same table as core/tests/directory_vectors.rs. Bodies, headers and configs are data.
KEYS: dict[str, list[str]] = {
    "file": ["kind", "description", "cases"],
    "case": ["name", "config?", "steps"],
    "step": ["request", "expect", "save?"],
    "request": ["method", "path", "body?", "headers?"],
    "expect": ["status", "body?", "absent?"],
}


def shape_problems(shape: str, value: Any) -> list[str]:
    if not isinstance(value, dict):
        return [f"{shape} must be an object, got {value!r}"]
    known = {k.rstrip("?") for k in KEYS[shape]}
    out = [f"{shape}: unknown key {k!r} (a misspelling?)" for k in value if k not in known]
    return out + [f"{shape}: {k} is missing" for k in KEYS[shape] if not k.endswith("?") and k not in value]


def test_every_directory_vector_has_a_known_form() -> None:
    """A misspelt key must not switch an assertion off."""
    problems = []
    for path in FILES:
        doc = json.loads(path.read_text())
        problems += [f"{path.name}: {p}" for p in shape_problems("file", doc)]
        if doc.get("kind") != "directory":
            problems.append(f"{path.name}: kind {doc.get('kind')!r} is not directory")
        for case in doc.get("cases") or []:
            found = shape_problems("case", case)
            for step in case.get("steps") or []:
                found += shape_problems("step", step)
                found += shape_problems("request", step.get("request")) + shape_problems("expect", step.get("expect"))
            problems += [f"{path.name}: {case.get('name')!r}: {p}" for p in found]
    assert not problems, "\n".join(problems)


def substitute(text: str, saved: dict[str, str]) -> str:
    for name, value in saved.items():
        text = text.replace("{" + name + "}", value)
    return text


def contains(actual: Any, expected: Any, at: str = "") -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{at} is {actual!r}"
        for k, v in expected.items():
            assert k in actual, f"{at}/{k} is missing"
            contains(actual[k], v, f"{at}/{k}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{at} is {actual!r}, expected {expected!r}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            contains(a, e, f"{at}/{i}")
    else:
        assert actual == expected, f"{at} is {actual!r}, expected {expected!r}"


def pointer(value: Any, p: str) -> Any:
    for part in p.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            raise KeyError(p)
    return value


def test_there_are_directory_vectors() -> None:
    assert len(CASES) >= 35


@pytest.mark.parametrize("case", CASES)
def test_directory_vector(case: dict[str, Any]) -> None:
    with atlscim.testing.serve(config=case.get("config")) as d:
        root = d.server_url
        base = d.url[len(root):]
        saved: dict[str, str] = {}
        for i, step in enumerate(case["steps"]):
            req = step["request"]
            path = substitute(req["path"], saved)
            path = path if path.startswith("/scim/directory/") else base + path
            body = req.get("body")
            data = None if body is None else (body if isinstance(body, str) else substitute(json.dumps(body), saved)).encode()
            headers = req.get("headers") or ({"Content-Type": "application/scim+json"} if body is not None else {})
            request = urllib.request.Request(root + path, data=data, method=req["method"])
            request.add_header("Authorization", f"Bearer {d.token}")
            for k, v in headers.items():
                request.add_header(k, v)
            try:
                with urllib.request.urlopen(request, timeout=10) as r:
                    status, raw = r.status, r.read()
            except urllib.error.HTTPError as e:
                status, raw = e.code, e.read()
            actual = json.loads(raw) if raw else None
            where = f"step {i} ({req['method']} {path}): {actual}"
            expect = step["expect"]
            assert status == expect["status"], where
            if "body" in expect:
                contains(actual, json.loads(substitute(json.dumps(expect["body"]), saved)))
            for p in expect.get("absent", []):
                with pytest.raises(KeyError):
                    pointer(actual, p)
            for name, p in step.get("save", {}).items():
                saved[name] = pointer(actual, p)
        d.check_consistency()
