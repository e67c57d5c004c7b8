"""The package: version, typing files, the rule registry, exceptions, the module docstring."""

from __future__ import annotations

import doctest
import importlib.metadata
import pickle
import re
from pathlib import Path

import atlscim
from atlscim import _native

REPO = Path(__file__).resolve().parents[2]


def test_version_is_the_cargo_version() -> None:
    cargo = (REPO / "Cargo.toml").read_text(encoding="utf-8")
    section = cargo.split("[workspace.package]", 1)[1]
    match = re.search(r'^version\s*=\s*"([^"]+)"', section, re.M)
    assert match, "no workspace version in Cargo.toml"
    assert atlscim.__version__ == match.group(1) == _native.__version__
    assert importlib.metadata.version("atlscim") == atlscim.__version__


def test_the_wheel_is_typed() -> None:
    package = Path(atlscim.__file__).parent
    assert (package / "py.typed").is_file()
    assert (package / "_native.pyi").is_file()
    assert Path(_native.__file__).name.endswith(".abi3.so")


def test_rules_lists_the_registry() -> None:
    rules = atlscim.rules()
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)) >= 20
    assert ids == sorted(ids)
    for rule in rules:
        assert set(rule) == {
            "id", "severity", "status", "scimType", "statusInferred", "summary", "source", "example", "advice"
        }
        assert rule["severity"] in {"error", "warning", "info"}
        assert rule["summary"] and rule["source"]
    by_id = {r["id"]: r for r in rules}
    assert by_id["ATL-U-003"]["status"] == 400 and by_id["ATL-U-003"]["scimType"] is None
    # Atlassian documents ATL-U-003's answer, not ATL-U-017's (reference §11 marks it "?").
    assert by_id["ATL-U-003"]["statusInferred"] is False and by_id["ATL-U-017"]["statusInferred"] is True
    # Every issue points at a rule in the registry.
    report = atlscim.Profile().check("POST", "/Users", {"userName": 1, "active": "False"})
    assert report.issues and all(i.rule in by_id for i in report.issues)


def test_exceptions_are_defined_in_python() -> None:
    for subclass in (atlscim.ConfigError, atlscim.FilterError, atlscim.MappingError, atlscim.PatchError):
        assert issubclass(subclass, atlscim.ScimError) and issubclass(subclass, ValueError), subclass
    assert issubclass(atlscim.NormalizeError, ValueError)
    assert not issubclass(atlscim.NormalizeError, atlscim.ScimError)
    assert issubclass(atlscim.ScimError, Exception)
    for error in (atlscim.ScimError, atlscim.ConfigError, atlscim.FilterError, atlscim.MappingError,
                  atlscim.PatchError, atlscim.NormalizeError):
        assert error.__module__ == "atlscim.errors"
    e = atlscim.ScimError("no", status=409, scim_type="uniqueness", rule="ATL-U-007", path="userName",
                          pointer="/userName")
    assert (str(e), e.detail, e.status, e.scim_type, e.rule, e.path, e.pointer) == (
        "no", "no", 409, "uniqueness", "ATL-U-007", "userName", "/userName")
    f = atlscim.FilterError("bad", offset=3, expected="a value", found="the end of the filter")
    assert (f.status, f.scim_type, f.offset) == (400, "invalidFilter", 3)


def test_errors_pickle_whole() -> None:
    errors: list[Exception] = []
    for raise_one in (
        lambda: atlscim.parse_filter("userName eq"),
        lambda: atlscim.Profile(limits={"max_depth": -1}),
        lambda: atlscim.Mapping({"attributes": [{"target": "bogus", "from": "x"}]}),
        lambda: atlscim.Profile().apply_patch({}, {"Operations": [{"op": "remove"}]}),
        lambda: atlscim.normalize_timezone("PST"),
    ):
        try:
            raise_one()
        except (atlscim.ScimError, atlscim.NormalizeError) as e:
            errors.append(e)
    assert [type(e).__name__ for e in errors] == [
        "FilterError", "ConfigError", "MappingError", "PatchError", "NormalizeError"]
    for error in errors:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and str(copy) == str(error) and vars(copy) == vars(error)


def test_the_module_docstring_example_runs() -> None:
    result = doctest.testmod(atlscim, raise_on_error=False)
    assert result.attempted >= 5 and result.failed == 0


def test_public_names() -> None:
    assert sorted(atlscim.__all__) == sorted([
        "Batch", "ConfigError", "Executor", "Filter", "FilterError", "Issue", "Mapping", "MappingError",
        "NormalizeError", "PatchError", "Plan", "Profile", "Report", "Response", "ScimError", "SyncError",
        "__version__", "classify_response",
        "join_display_name", "key_expiry", "nearest_atlassian_language", "normalize_email", "normalize_locale",
        "normalize_timezone", "parse_accept_language", "parse_filter", "rules", "split_display_name"])
    for name in atlscim.__all__:
        assert hasattr(atlscim, name)
