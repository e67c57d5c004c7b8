"""The dict reader runs no Python code while it borrows what it reads (issue 11, "Crashes").

atlscim reads a dict body where it lies, through borrowed pointers, so any Python code run during
the read could free what it is reading. Each test here feeds objects that run code when inspected
(a metaclass whose ``__name__`` clears the dict being read, keys whose ``__hash__`` and ``__eq__``
run code, str, int, float, list and dict subclasses that override everything, a garbage cycle
whose finalizer clears the body) through every entry point that reads Python objects, in a
subprocess under ``PYTHONMALLOC=debug`` (which fills freed memory, so a use after free crashes
rather than passing by luck). Each subprocess must exit 0 and print the located error or the
correct result.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest

#: Common to every script: the profile, a valid user, and `report(fn)`, which prints what a call
#: gave as one JSON line (the rules of a report, the message of an exception).
PRELUDE = textwrap.dedent(
    """
    import gc, json, sys
    import atlscim

    PROFILE = atlscim.Profile()
    SCHEMAS = ["urn:ietf:params:scim:schemas:core:2.0:User"]

    def fresh(text):
        # A str made at run time: freed as soon as its container lets go of it (a literal would
        # be kept alive by the code object, hiding a use after free).
        return "".join(list(text))

    def user(**extra):
        body = {"schemas": list(SCHEMAS), "userName": fresh("bjensen@example.com"),
                "emails": [{"value": fresh("bjensen@example.com"), "primary": True}]}
        body.update(extra)
        return body

    def report(fn):
        try:
            result = fn()
        except Exception as e:
            print(json.dumps({"raised": type(e).__name__, "message": str(e)}))
        else:
            if isinstance(result, atlscim.Report):
                result = {"rules": [i.rule for i in result.issues], "pointers": [i.pointer for i in result.issues],
                          "valid": result.valid}
            print(json.dumps({"result": result}, default=repr))
    """
)


def run(script: str) -> list[dict[str, Any]]:
    """Runs PRELUDE + script under PYTHONMALLOC=debug; asserts a clean exit; returns its lines."""
    env = {**os.environ, "PYTHONMALLOC": "debug", "PYTHONFAULTHANDLER": "1"}
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"exit {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr[-4000:]}"
    return [json.loads(line) for line in done.stdout.splitlines()]


#: A metaclass whose `__name__` (which pyo3's abi3 type-name lookup reads as an attribute) clears
#: `TARGET` and drops the objects it held; `Evil()` is an instance of such a class.
EVIL = """
TARGET = []
class Meta(type):
    @property
    def __name__(cls):
        for t in TARGET:
            t.clear()
        gc.collect()
        return "Evil"
class Evil(metaclass=Meta):
    def __hash__(self):
        return 1
"""

#: Where a non-JSON value can reach the reader, and the located words each error must carry.
ENTRY_POINTS = [
    (
        "check, value",
        """
        inner = {fresh("inner" * 20): Evil()}
        body = user(**{fresh("outer" * 10): inner})
        TARGET[:] = [body, inner]
        del inner
        report(lambda: PROFILE.check("POST", "/Users", body))
        """,
        "body: an Evil at /" + "outer" * 10 + "/" + "inner" * 20 + " cannot be sent as JSON",
    ),
    (
        "check, key",
        """
        inner = {Evil(): fresh("x")}
        body = user(**{fresh("outer" * 10): [inner]})
        TARGET[:] = [body, inner]
        del inner
        report(lambda: PROFILE.check("POST", "/Users", body))
        """,
        "body: a key that is an Evil at /" + "outer" * 10 + "/0 cannot be sent as JSON",
    ),
    (
        "check, current",
        """
        current = user(**{fresh("title"): [Evil()]})
        TARGET[:] = [current]
        report(lambda: PROFILE.check("PUT", "/Users/1", user(), current=current))
        """,
        "current: an Evil at /title/0 cannot be sent as JSON",
    ),
    (
        "Profile(**config)",
        """
        limits = {fresh("max_depth"): Evil()}
        config = {fresh("limits"): limits}
        TARGET[:] = [config, limits]
        del limits
        report(lambda: atlscim.Profile.from_config(config))
        """,
        "config key `limits.max_depth`: an Evil is not JSON",
    ),
    (
        "apply_patch",
        """
        value = {fresh("value"): Evil()}
        patch = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations": [{"op": "add", "path": "title", "value": value}]}
        TARGET[:] = [patch, value, patch["Operations"][0], patch["Operations"]]
        del value
        report(lambda: PROFILE.apply_patch(user(), patch))
        """,
        "patch: an Evil at /Operations/0/value/value cannot be sent as JSON",
    ),
    (
        "check_batch",
        """
        body = user(**{fresh("title"): Evil()})
        TARGET[:] = [body]
        report(lambda: PROFILE.check_batch([("POST", "/Users", body)]))
        """,
        "requests[0]: body: an Evil at /title cannot be sent as JSON",
    ),
    (
        "Filter.matches",
        """
        resource = user(**{fresh("title"): Evil()})
        TARGET[:] = [resource]
        report(lambda: atlscim.parse_filter('userName eq "x"').matches(resource))
        """,
        "resource: an Evil at /title cannot be sent as JSON",
    ),
    (
        "classify_response",
        """
        body = {fresh("detail"): Evil()}
        TARGET[:] = [body]
        report(lambda: atlscim.classify_response(400, body))
        """,
        "body: an Evil at /detail cannot be sent as JSON",
    ),
    (
        "map_user",
        """
        record = {fresh("userPrincipalName"): Evil()}
        TARGET[:] = [record]
        report(lambda: PROFILE.map_user(record))
        """,
        "record: an Evil at /userPrincipalName cannot be sent as JSON",
    ),
]


@pytest.mark.parametrize(("call", "script", "words"), ENTRY_POINTS, ids=[e[0] for e in ENTRY_POINTS])
def test_a_type_name_that_clears_the_dict_being_read(call: str, script: str, words: str) -> None:
    [line] = run(EVIL + textwrap.dedent(script))
    assert "message" in line, line
    assert words in line["message"], line


def test_a_type_name_that_raises_or_is_not_a_str() -> None:
    lines = run(
        """
        class Raises(type):
            @property
            def __name__(cls):
                raise RuntimeError("no name")
        class NotStr(type):
            @property
            def __name__(cls):
                return 42
        class A(metaclass=Raises): pass
        class B(metaclass=NotStr): pass
        report(lambda: PROFILE.check("POST", "/Users", user(title=A())))
        report(lambda: PROFILE.check("POST", "/Users", user(title=B())))
        """
    )
    for line in lines:
        assert line["raised"] == "TypeError", line
        assert "at /title cannot be sent as JSON" in line["message"], line


def test_keys_whose_hash_and_eq_run_code_are_not_called() -> None:
    [line] = run(
        """
        CALLS, ARMED = [], False
        class Key(str):
            def __hash__(self):
                if ARMED:
                    CALLS.append("hash")
                    BODY.clear()
                return str.__hash__(self)
            def __eq__(self, other):
                if ARMED:
                    CALLS.append("eq")
                    BODY.clear()
                return str.__eq__(self, other)
        BODY = user(**{Key("title"): fresh("Boss"), Key("department"): fresh("R&D")})
        ARMED = True
        r = PROFILE.check("POST", "/Users", BODY)
        normalized = r.normalized  # department moves into the extension: built from a snapshot
        ARMED = False
        print(json.dumps({"calls": CALLS, "rules": [i.rule for i in r.issues], "valid": r.valid,
                          "title": normalized.get("title"), "key_types": sorted({type(k).__name__ for k in normalized}),
                          "body_len": len(BODY)}))
        """
    )
    assert line["calls"] == [], line
    assert line["rules"] == ["ATL-U-015"] and line["valid"] is True, line
    assert line["title"] == "Boss" and line["body_len"] == 5, line
    # normalized is built with plain str keys, so building it hashes nothing of the caller's.
    assert line["key_types"] == ["str"], line


def test_subclasses_that_override_everything_read_as_their_base() -> None:
    [line] = run(
        """
        CALLS, ARMED = [], False
        def trap(name, base):
            def method(self, *args, **kwargs):
                if not ARMED:
                    return getattr(base, name)(self, *args, **kwargs)
                CALLS.append(name)
                BODY.clear()
                raise RuntimeError(name)
            return method
        names = ["__iter__", "__len__", "__getitem__", "keys", "items", "values", "get", "__contains__",
                 "__str__", "__repr__", "__eq__", "__hash__", "__index__", "__int__", "__float__", "__bool__",
                 "encode", "__format__", "__reversed__"]
        def trapped(base):
            methods = {n: trap(n, base) for n in names if getattr(base, n, None) is not None}
            return type("Trapped" + base.__name__, (base,), methods)
        TDict, TList, TStr, TInt, TFloat, TTuple = map(trapped, (dict, list, str, int, float, tuple))
        BODY = TDict({
            TStr("schemas"): TList([TStr("urn:ietf:params:scim:schemas:core:2.0:User")]),
            TStr("userName"): TStr("bjensen@example.com"),
            TStr("emails"): TTuple([TDict({TStr("value"): TStr("bjensen@example.com"), TStr("primary"): True})]),
            TStr("x-int"): TInt(3), TStr("x-float"): TFloat(2.5), TStr("x-big"): TInt(2**70),
        })
        ARMED = True
        r = PROFILE.check("POST", "/Users", BODY)
        ARMED = False
        print(json.dumps({"calls": CALLS, "rules": [i.rule for i in r.issues], "pointers": [i.pointer for i in r.issues],
                          "body_len": dict.__len__(BODY)}))
        """
    )
    assert line["calls"] == [], line
    assert line["rules"] == ["RFC-A-001"] * 3 and line["pointers"] == ["/x-int", "/x-float", "/x-big"], line
    assert line["body_len"] == 6, line


def test_a_str_body_subclass_is_encoded_without_calling_its_methods() -> None:
    [line] = run(
        """
        class Text(str):
            def encode(self, *args, **kwargs):
                raise RuntimeError("encode called")
        r = PROFILE.check("POST", "/Users", Text('{"userName": "\\udcff"}'))
        print(json.dumps({"rules": [i.rule for i in r.issues]}))
        """
    )
    assert line["rules"] == ["RFC-J-001"], line


def test_a_finalizer_that_clears_the_body_cannot_run_during_a_read() -> None:
    # Raising inside the read (a lone surrogate, an int past 64 bits) allocates an exception
    # object, and on CPython 3.10 and 3.11 an allocation can start a garbage collection, which runs
    # finalizers: this one clears the body the read is borrowing from.
    lines = run(
        """
        class Cycle:
            def __del__(self):
                for t in TARGET:
                    t.clear()
        def garbage():
            a, b = Cycle(), Cycle()
            a.other, b.other = b, a
        for bad in ("\\udcff", 2**64 + 5):
            inner = {fresh("inner" * 20): [bad]}
            body = user(**{fresh("outer" * 10): inner})
            TARGET = [body, inner]
            del inner
            gc.disable()
            garbage()
            gc.set_threshold(1)
            # Nothing between enabling the collector and the read allocates a tracked object.
            gc.enable()
            try:
                r = PROFILE.check("POST", "/Users", body)
            except TypeError as e:
                gc.set_threshold(700)
                print(json.dumps({"raised": "TypeError", "message": str(e)}))
            else:
                gc.set_threshold(700)
                print(json.dumps({"rules": [i.rule for i in r.issues]}))
            gc.collect()
        """
    )
    surrogate, big = lines
    assert surrogate["raised"] == "TypeError", surrogate
    assert "a str with a lone surrogate (not valid Unicode) at /" + "outer" * 10 + "/" in surrogate["message"]
    assert big["rules"] == ["RFC-A-001"], big


def test_reentrant_checks_from_a_type_name_are_safe() -> None:
    # The name is asked for after the read: a check started from inside it is a separate read.
    [line] = run(
        """
        class Meta(type):
            @property
            def __name__(cls):
                inner = PROFILE.check("POST", "/Users", user())
                return "Nested" if inner.valid else "Broken"
        class Odd(metaclass=Meta): pass
        report(lambda: PROFILE.check("POST", "/Users", user(title=Odd())))
        """
    )
    assert "a Nested at /title" in line["message"], line
