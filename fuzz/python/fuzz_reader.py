#!/usr/bin/env python3
"""Fuzzes the installed atlscim wheel's reader of Python objects, under PYTHONMALLOC=debug.

    python fuzz/python/fuzz_reader.py SECONDS            fuzz for SECONDS
    python fuzz/python/fuzz_reader.py --replay FILE      run one saved input again

The reader walks dicts, lists and tuples where they lie, through borrowed pointers, so it must
never run Python code while it reads (python/src/from_python/mod.rs). Hypothesis (pinned from PyPI
by scripts/fuzz-python.sh) generates a *recipe*, plain JSON describing a Python object, and each
example builds it and hands it to every entry point that reads Python objects: check (POST, PUT
with current, PATCH), check_batch, Batch.check, apply_patch, diff, Filter.matches, map_user,
map_group, classify_response and Profile.from_config, then reads the report's normalized body.
Recipes mix shared-vector bodies (tests/vectors) with nested dicts, lists, tuples, str, int
(huge too), float (NaN and infinities too), bool, None, bytes, sets, deep nesting, containers that
hold themselves, subclasses of every JSON type, and objects that run code when inspected: a
metaclass ``__name__`` that mutates one of the containers being read (clears it, pops, grows it
until it reallocates, replaces its values, collects garbage, raises, checks it again), keys whose
``__hash__`` and ``__eq__`` do the same, subclasses whose every method does, and garbage cycles
whose finalizers do, with the collector's threshold at 1.

Each example must:
- not crash the process (PYTHONMALLOC=debug turns a use after free into a crash);
- return, or raise TypeError, ValueError or atlscim.ScimError with a message saying where;
- call none of the objects' own methods during the call (the reader runs no Python code; only
  ``Profile(**obj)``, where CPython itself unpacks the mapping, may);
- for an object JSON can carry exactly (plain types, no lone surrogates), give the same verdict
  and the same normalized body as the same object given as JSON text.

Before each example its recipe is written to build/fuzz/python/last-input.json, so a crash can be
replayed. At the end it prints the number of executions, as the cargo-fuzz targets do.
"""

from __future__ import annotations

import collections
import datetime
import enum
import gc
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "build" / "fuzz" / "python"

if os.environ.get("PYTHONMALLOC") != "debug":
    # The allocator is chosen at start-up: run again with it.
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONMALLOC": "debug"})

import faulthandler  # noqa: E402

faulthandler.enable()

import atlscim  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

# ---------------------------------------------------------------------------------------------
# Objects that run code when inspected

#: Set while a library call runs: the traps fire only then (building and the oracle stay quiet).
ARMED = False
#: The containers built for the current example, which the traps mutate.
VICTIMS: list[Any] = []
#: The traps that fired during the call, by name.
CALLS: list[str] = []

ACTIONS = ["clear", "pop", "grow", "replace", "collect", "raise", "reenter"]
PROFILE = atlscim.Profile()


def act(action: str, victim: int) -> None:
    """Does `action` to container `victim` (modulo the number built), with the traps quiet: what
    the harness itself calls (hashing a key it inserts) is not the library's doing."""
    global ARMED
    if not VICTIMS:
        return
    ARMED = False
    try:
        mutate(action, VICTIMS[victim % len(VICTIMS)])
    finally:
        ARMED = True


def mutate(action: str, target: Any) -> None:
    if action == "collect":
        gc.collect()
    elif action == "raise":
        raise RuntimeError("a trap raised")
    elif action == "reenter":
        try:
            PROFILE.check("POST", "/Users", target)
        except (TypeError, ValueError):
            pass
    elif isinstance(target, dict):
        if action == "clear":
            dict.clear(target)
        elif action == "pop" and dict.__len__(target):
            dict.popitem(target)
        elif action == "grow":
            for i in range(64):
                dict.__setitem__(target, "".join(["grown", str(i)]), [i])
        elif action == "replace":
            for key in list(dict.keys(target)):
                dict.__setitem__(target, key, object())
    elif isinstance(target, list):
        if action == "clear":
            list.clear(target)
        elif action == "pop" and list.__len__(target):
            list.pop(target)
        elif action == "grow":
            list.extend(target, [[i] for i in range(64)])
        elif action == "replace":
            list.__setitem__(target, slice(None), [object() for _ in range(list.__len__(target))])


def trap(name: str, action: str, victim: int, base: type) -> Any:
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        if ARMED:
            CALLS.append(f"{type(self).__name__}.{name}")
            act(action, victim)
        return getattr(base, name)(self, *args, **kwargs)

    return method


TRAPPED_NAMES = [
    "__iter__", "__len__", "__getitem__", "keys", "items", "values", "get", "__contains__", "__str__",
    "__repr__", "__eq__", "__hash__", "__index__", "__int__", "__float__", "__bool__", "encode", "__format__",
]  # fmt: skip
_trapped: dict[tuple[type, str, int], type] = {}


def trapped(base: type, action: str, victim: int) -> type:
    """A subclass of `base` whose every method does `action` to `victim` when armed."""
    key = (base, action, victim % 8)
    if key not in _trapped:
        methods = {n: trap(n, action, victim, base) for n in TRAPPED_NAMES if getattr(base, n, None) is not None}
        _trapped[key] = type("Trapped" + base.__name__.capitalize(), (base,), methods)
    return _trapped[key]


_evil: dict[tuple[str, int], type] = {}


def evil_class(action: str, victim: int) -> type:
    """A class whose metaclass `__name__` does `action` to `victim` (pyo3 reads it, on abi3 before
    3.11, as an attribute: a property runs)."""
    key = (action, victim % 8)
    if key not in _evil:

        class Meta(type):
            @property
            def __name__(cls) -> str:  # type: ignore[override]
                if ARMED:
                    act(action, victim)
                return "Evil"

        def hash_(self: Any) -> int:
            if ARMED:
                CALLS.append("Evil.__hash__")
                act(action, victim)
            return 7

        def eq(self: Any, other: Any) -> bool:
            if ARMED:
                CALLS.append("Evil.__eq__")
                act(action, victim)
            return self is other

        _evil[key] = Meta("Evil", (), {"__hash__": hash_, "__eq__": eq})
    return _evil[key]


class Finalized:
    """Part of a garbage cycle whose finalizer does an action to a victim."""

    def __init__(self, action: str, victim: int) -> None:
        self.action, self.victim = action, victim
        self.other: Any = None

    def __del__(self) -> None:
        if ARMED:
            try:
                act(self.action, self.victim)
            except RuntimeError:  # "raise": an exception in a finalizer is only printed
                pass


class Kind(str, enum.Enum):
    WORK = "work"


class Flag(enum.IntEnum):
    ON = 1


# ---------------------------------------------------------------------------------------------
# Recipes


def load_vector_bodies() -> list[Any]:
    bodies = []
    for path in sorted((REPO / "tests" / "vectors").glob("*.json")):
        for case in json.loads(path.read_text()).get("cases", []):
            for key in ("request",):
                body = (case.get(key) or {}).get("body")
                if isinstance(body, (dict, list)) and "$generate" not in body:
                    bodies.append(body)
    return bodies


VECTORS = load_vector_bodies()
WORDS = [
    "schemas", "userName", "emails", "value", "primary", "type", "work", "name", "givenName", "familyName",
    "displayName", "active", "id", "password", "members", "display", "$ref", "Operations", "op", "path",
    "add", "remove", "replace", "title", "timezone", "preferredLanguage", "meta", "externalId", "phoneNumbers",
    "urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:core:2.0:Group",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "department", "manager", PATCH_OP,
    "a@example.com", "True", "false", "Europe/Paris", "en_US", "2024-01-15T12:30:45Z", "", " ",
]  # fmt: skip
PATHS = ["title", "emails", 'emails[type eq "work"].value', "members", 'members[value eq "u1"]', "name.givenName", None]


def recipes() -> st.SearchStrategy[Any]:
    floats = st.floats(allow_nan=True, allow_infinity=True)
    text = st.one_of(
        st.sampled_from(WORDS),
        st.text(max_size=12),
        st.text(st.characters(exclude_categories=[]), max_size=6),  # lone surrogates too
        st.integers(1, 200).map(lambda n: ["long", n]),
    )
    ints = st.one_of(st.integers(-(2**70), 2**70), st.integers(-(2**200), 2**200), st.sampled_from([0, 1, 2**63, 2**64]))
    action = st.sampled_from(ACTIONS)
    victim = st.integers(0, 7)
    leaves = st.one_of(
        st.just(["none"]),
        st.booleans().map(lambda b: ["bool", b]),
        ints.map(lambda n: ["int", str(n)]),
        floats.map(lambda f: ["float", repr(f)]),
        text.map(lambda s: ["str", s]),
        st.tuples(st.sampled_from(["strsub", "intsub", "floatsub", "enum"]), text, ints, floats).map(list),
        st.sampled_from([["bytes"], ["set"], ["date"], ["object"], ["bytearray"]]),
        st.tuples(st.just("evil"), action, victim).map(list),
        st.tuples(st.just("deep"), st.integers(1, 300), st.sampled_from(["list", "dict", "tuple"])).map(list),
        st.tuples(st.just("self"), st.integers(0, 5)).map(list),
        st.tuples(st.just("trappedscalar"), st.sampled_from(["str", "int", "float"]), text, action, victim).map(list),
    )
    keys = st.one_of(
        text.map(lambda s: ["str", s]),
        text.map(lambda s: ["strsub", s]),
        st.tuples(st.just("trappedkey"), text, action, victim).map(list),
        st.tuples(st.just("evil"), action, victim).map(list),
        ints.map(lambda n: ["int", str(n)]),
        st.just(["none"]),
        floats.map(lambda f: ["float", repr(f)]),
    )
    kinds = st.sampled_from(["plain", "plain", "plain", "ordered", "trapped"])

    def containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(
            st.tuples(st.just("dict"), kinds, st.lists(st.tuples(keys, children).map(list), max_size=6),
                      action, victim).map(list),
            st.tuples(st.just("list"), st.sampled_from(["plain", "plain", "tuple", "trapped", "trappedtuple"]),
                      st.lists(children, max_size=6), action, victim).map(list),
            st.tuples(st.just("vector"), st.integers(0, max(len(VECTORS) - 1, 0)),
                      st.lists(st.integers(0, 50), max_size=4), children).map(list),
        )  # fmt: skip

    tree = st.recursive(leaves, containers, max_leaves=30)
    return st.fixed_dictionaries(
        {
            "profile": st.integers(0, len(PROFILES) - 1),
            "body": st.one_of(
                st.tuples(st.just("vector"), st.integers(0, max(len(VECTORS) - 1, 0)),
                          st.lists(st.integers(0, 50), max_size=4), tree).map(list),
                tree,
            ),  # fmt: skip
            "other": tree,
            "path": st.sampled_from(PATHS),
            "op": st.sampled_from(["add", "replace", "remove", "Add"]),
            "gc": st.one_of(st.none(), st.tuples(action, victim).map(list)),
        }
    )


class Builder:
    """Builds a recipe into Python objects; remembers whether JSON carries them exactly."""

    def __init__(self) -> None:
        self.plain = True
        self.stack: list[Any] = []

    def text(self, spec: Any) -> str:
        s = "".join(["x"] * spec[1]) if isinstance(spec, list) else "".join(list(spec))
        if any(0xD800 <= ord(c) <= 0xDFFF for c in s):
            self.plain = False
        return s

    def key(self, spec: list[Any]) -> Any:
        tag = spec[0]
        if tag == "str":
            return self.text(spec[1])
        if tag == "strsub":
            self.plain = False
            return trapped(str, "clear", 0)(self.text(spec[1]))
        if tag == "trappedkey":
            self.plain = False
            return trapped(str, spec[2], spec[3])(self.text(spec[1]))
        self.plain = False
        return self.build(spec)

    def build(self, spec: list[Any]) -> Any:
        tag = spec[0]
        if tag == "none":
            return None
        if tag == "bool":
            return spec[1]
        if tag == "int":
            return int(spec[1])
        if tag == "float":
            f = float(spec[1])
            if not math.isfinite(f):
                self.plain = False
            return f
        if tag == "str":
            return self.text(spec[1])
        if tag in ("strsub", "intsub", "floatsub", "enum"):
            self.plain = False
            _, s, n, f = spec
            if tag == "strsub":
                return type("S", (str,), {})(self.text(s))
            if tag == "intsub":
                return type("I", (int,), {})(int(n))
            if tag == "floatsub":
                return type("F", (float,), {})(float(f))
            return Kind.WORK if int(n) % 2 else Flag.ON
        if tag in ("bytes", "set", "date", "object", "bytearray"):
            self.plain = False
            return {"bytes": b"{}", "set": {1}, "date": datetime.date(2024, 1, 1), "object": object(),
                    "bytearray": bytearray(b"x")}[tag]  # fmt: skip
        if tag == "evil":
            self.plain = False
            return evil_class(spec[1], spec[2])()
        if tag == "trappedscalar":
            self.plain = False
            _, base, s, action, victim = spec
            cls = trapped({"str": str, "int": int, "float": float}[base], action, victim)
            return cls(self.text(s)) if base == "str" else cls(len(self.text(s)))
        if tag == "deep":
            _, depth, kind = spec
            value: Any = "leaf"
            for _ in range(depth):
                value = {"d": value} if kind == "dict" else ((value,) if kind == "tuple" else [value])
            return value
        if tag == "self":
            self.plain = False
            if not self.stack:
                return None
            return self.stack[-1 - spec[1] % len(self.stack)]
        if tag == "dict":
            _, kind, members, action, victim = spec
            if kind == "ordered":
                d: dict[Any, Any] = collections.OrderedDict()
            elif kind == "trapped":
                self.plain = False
                d = trapped(dict, action, victim)()
            else:
                d = {}
            VICTIMS.append(d)
            self.stack.append(d)
            for k, v in members:
                key = self.key(k)
                try:
                    # The traps are quiet while building; an OrderedDict needs its own __setitem__.
                    d[key] = self.build(v)
                except TypeError:  # an unhashable key
                    self.plain = False
            self.stack.pop()
            return d
        if tag == "list":
            _, kind, items, action, victim = spec
            if kind in ("trapped", "trappedtuple"):
                self.plain = False
            if kind in ("tuple", "trappedtuple"):
                base: type = trapped(tuple, action, victim) if kind == "trappedtuple" else tuple
                return base(self.build(i) for i in items)
            lst: list[Any] = trapped(list, action, victim)() if kind == "trapped" else []
            VICTIMS.append(lst)
            self.stack.append(lst)
            for i in items:
                list.append(lst, self.build(i))
            self.stack.pop()
            return lst
        if tag == "vector":
            _, index, route, inner = spec
            body = json.loads(json.dumps(VECTORS[index])) if VECTORS else {}
            VICTIMS.append(body)
            node, parent, slot = body, None, None
            for step in route:
                if not isinstance(node, (dict, list)) or not node:
                    break
                children = list(node) if isinstance(node, dict) else list(range(len(node)))
                parent, slot = node, children[step % len(children)]
                node = node[slot]
            built = self.build(inner)
            if parent is None:
                if isinstance(body, dict):
                    body[self.text(WORDS[len(route) % len(WORDS)])] = built
            else:
                parent[slot] = built
            return body
        raise ValueError(f"unknown recipe {tag}")


# ---------------------------------------------------------------------------------------------
# Entry points


def patch_of(value: Any, path: str | None, op: str) -> dict[str, Any]:
    operation: dict[str, Any] = {"op": op, "value": value}
    if path is not None:
        operation["path"] = path
    return {"schemas": [PATCH_OP], "Operations": [operation]}


def entry_check(p: atlscim.Profile, body: Any, other: Any, r: dict[str, Any]) -> Any:
    return p.check("POST", "/Users", body)


def entry_check_group(p: atlscim.Profile, body: Any, other: Any, r: dict[str, Any]) -> Any:
    return p.check("POST", "/Groups", body)


def entry_put(p: atlscim.Profile, body: Any, other: Any, r: dict[str, Any]) -> Any:
    return p.check("PUT", "/Users/2819c223", body, current=other)


def entry_patch(p: atlscim.Profile, body: Any, other: Any, r: dict[str, Any]) -> Any:
    return p.check("PATCH", "/Groups/e9e30dba", patch_of(body, r["path"], r["op"]), current=other)


def entry_patch_body(p: atlscim.Profile, body: Any, other: Any, r: dict[str, Any]) -> Any:
    return p.check("PATCH", "/Users/2819c223", body)


def entry_batch(p: atlscim.Profile, body: Any, other: Any, r: dict[str, Any]) -> Any:
    return p.check_batch([("POST", "/Users", body), ("PATCH", "/Users/1", patch_of(other, r["path"], r["op"]))])


def entry_batch_object(p: atlscim.Profile, body: Any, other: Any, r: dict[str, Any]) -> Any:
    batch = p.batch()
    return [batch.check("POST", "/Users", body), batch.check("PUT", "/Users/1", other, current=body)]


def entry_apply(p: atlscim.Profile, body: Any, other: Any, r: dict[str, Any]) -> Any:
    return p.apply_patch(other, patch_of(body, r["path"], r["op"]))


def entry_diff(p: atlscim.Profile, body: Any, other: Any, r: dict[str, Any]) -> Any:
    return p.diff(other, body)


def entry_matches(p: atlscim.Profile, body: Any, other: Any, r: dict[str, Any]) -> Any:
    return atlscim.parse_filter('userName pr or emails[type eq "work" and value co "@"]').matches(body)


def entry_map_user(p: atlscim.Profile, body: Any, other: Any, r: dict[str, Any]) -> Any:
    return p.map_user_report(body, "okta" if r["op"] == "add" else "entra")


def entry_map_group(p: atlscim.Profile, body: Any, other: Any, r: dict[str, Any]) -> Any:
    return p.map_group_report(body, members=other)


def entry_response(p: atlscim.Profile, body: Any, other: Any, r: dict[str, Any]) -> Any:
    return atlscim.classify_response(400, body, {"Retry-After": "5"})


def entry_config(p: atlscim.Profile, body: Any, other: Any, r: dict[str, Any]) -> Any:
    return atlscim.Profile.from_config(body)


def entry_kwargs(p: atlscim.Profile, body: Any, other: Any, r: dict[str, Any]) -> Any:
    return atlscim.Profile(**body)


ENTRIES = [
    entry_check, entry_check_group, entry_put, entry_patch, entry_patch_body, entry_batch, entry_batch_object,
    entry_apply, entry_diff, entry_matches, entry_map_user, entry_map_group, entry_response, entry_config,
    entry_kwargs,
]  # fmt: skip
#: Entries whose body JSON text can stand in for: the oracle compares the two.
TEXT_ENTRIES = {entry_check: ("POST", "/Users"), entry_check_group: ("POST", "/Groups"),
                entry_patch_body: ("PATCH", "/Users/2819c223")}  # fmt: skip
PROFILES = [
    PROFILE,
    atlscim.Profile.rfc(),
    atlscim.Profile(lenient=False, verified_domains=["example.com"]),
    atlscim.Profile(limits={"max_string_bytes": 24, "max_depth": 6, "max_operations": 2}),
]
#: Exceptions an entry point may raise for an input it cannot take.
ALLOWED = (TypeError, ValueError, atlscim.ScimError)


def verdict(report: Any) -> Any:
    return (report.valid, report.status, [(i.severity, i.rule, i.pointer) for i in report.issues])


def touch(result: Any) -> None:
    """Reads what a result holds, building normalized bodies from their snapshots."""
    for report in result if isinstance(result, list) else [result]:
        if isinstance(report, atlscim.Report):
            report.to_dict()
            _ = report.normalized, report.issues, repr(report)


EXECUTIONS = 0
LAST_INPUT = OUT / "last-input.json"


def run_one(recipe: dict[str, Any]) -> None:
    """Runs one recipe through every entry point, built afresh for each (a trap may have changed
    what the previous one read)."""
    with open(LAST_INPUT, "w") as f:
        json.dump(recipe, f)
    for entry in ENTRIES:
        run_entry(recipe, entry)


def run_entry(recipe: dict[str, Any], entry: Any) -> None:
    global ARMED, EXECUTIONS
    EXECUTIONS += 1
    VICTIMS.clear()
    CALLS.clear()
    builder = Builder()
    body = builder.build(recipe["body"])
    other = builder.build(recipe["other"])
    profile = PROFILES[recipe["profile"]]
    garbage = None
    if recipe["gc"] is not None:
        garbage = [Finalized(*recipe["gc"]), Finalized(*recipe["gc"])]
        garbage[0].other, garbage[1].other = garbage[1], garbage[0]
    # The oracle needs a body nothing changes (no trap, no finalizer); a str body is JSON text
    # already, and None is no body: neither has a text form to compare.
    plain = builder.plain and garbage is None and not isinstance(body, (str, type(None)))
    text = json.dumps(body) if plain and entry in TEXT_ENTRIES else None
    outcome: Any
    gc.disable()
    del garbage
    gc.set_threshold(1)
    ARMED = True
    gc.enable()
    try:
        outcome = entry(profile, body, other, recipe)
        touch(outcome)
    except ALLOWED as e:
        outcome = e
    except RuntimeError as e:
        # CPython's own unpacking of `**body` calls the mapping's methods and keys' `__hash__`: a
        # trap may raise there, or change the mapping under CPython's iteration.
        if entry is not entry_kwargs or "atlscim" in str(e):
            raise
        outcome = e
    finally:
        ARMED = False
        gc.set_threshold(700, 10, 10)
    if isinstance(outcome, BaseException):
        message = str(outcome)
        assert message, f"{type(outcome).__name__} without a message"
        assert "internal error" not in message, message
    # Only CPython's own unpacking of `**body` may call the objects' methods.
    if entry is not entry_kwargs:
        assert not CALLS, f"{entry.__name__} ran Python code of the objects read: {CALLS}"
    if text is not None and not isinstance(outcome, BaseException):
        method, path = TEXT_ENTRIES[entry]
        from_text = profile.check(method, path, text)
        assert verdict(outcome) == verdict(from_text), (verdict(outcome), verdict(from_text))
        # Member order is not compared: a body read from text comes back with its keys sorted.
        as_json = json.dumps(as_read(outcome.normalized), sort_keys=True)
        assert as_json == json.dumps(as_read(from_text.normalized), sort_keys=True), "normalized differs"


def as_read(value: Any) -> Any:
    """A value as JSON text reads it: tuples are lists, integers past 64 bits are floats."""
    if isinstance(value, dict):
        return {k: as_read(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_read(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**64:
        return float(value)
    return value


@settings(
    max_examples=20,
    deadline=None,
    database=None,
    derandomize=False,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.generate, Phase.shrink],
)
@given(recipes())
def fuzz(recipe: dict[str, Any]) -> None:
    run_one(recipe)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    if len(sys.argv) == 3 and sys.argv[1] == "--replay":
        run_one(json.loads(Path(sys.argv[2]).read_text()))
        print("fuzz-python: replayed without a failure")
        return 0
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        fuzz()
    elapsed = time.monotonic() - start
    print(f"fuzz-python: reader, {EXECUTIONS} executions in {elapsed:.0f} s, no failure")
    return 0


if __name__ == "__main__":
    sys.exit(main())
