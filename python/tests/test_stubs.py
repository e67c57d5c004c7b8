"""The stubs type every config key the core has (issue 11): the keys of ``_Config``, ``_Limits``
and ``_VerifiedDomain`` in atlscim/_native.pyi are exactly those of the core's canonical config
(``Profile.to_config()``, which writes every key), and every value a ``Literal`` in the stub
allows is one the core takes. stubtest checks the rest of the stubs against the module."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

import atlscim

STUB = Path(__file__).resolve().parents[1] / "atlscim" / "_native.pyi"


def typed_dicts() -> dict[str, dict[str, ast.expr]]:
    """Each TypedDict class of the stub: its keys and their annotations."""
    out: dict[str, dict[str, ast.expr]] = {}
    for node in ast.parse(STUB.read_text()).body:
        if isinstance(node, ast.ClassDef) and any(
            isinstance(b, ast.Name) and b.id == "TypedDict" for b in node.bases
        ):
            out[node.name] = {
                item.target.id: item.annotation
                for item in node.body
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
            }
    return out


STUBS = typed_dicts()


def literals(annotation: ast.expr) -> list[Any] | None:
    """The values of a `Literal[...]` annotation, or None for any other."""
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.value, ast.Name):
        if annotation.value.id == "Literal":
            items = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
            return [ast.literal_eval(i) for i in items]
    return None


def test_the_stub_has_every_config_key_and_no_other() -> None:
    canonical = atlscim.Profile().to_config()
    assert set(STUBS["_Config"]) == set(canonical)
    assert set(STUBS["_Limits"]) == set(canonical["limits"])
    with_subdomains = atlscim.Profile(verified_domains=[{"domain": "example.com", "subdomains": True}])
    assert set(STUBS["_VerifiedDomain"]) == set(with_subdomains.to_config()["verified_domains"][0])


@pytest.mark.parametrize(
    ("key", "value"),
    [(key, value) for key, ann in STUBS["_Config"].items() for value in (literals(ann) or [])],
)
def test_every_literal_the_stub_allows_is_taken(key: str, value: Any) -> None:
    config = atlscim.Profile.from_config({key: value}).to_config()
    assert config[key] == value


def test_the_stub_keys_type_check_a_full_config() -> None:
    # The canonical config, given back key by key, builds the same profile: the keys the stub
    # lists are the keys Profile(**config) takes.
    canonical = atlscim.Profile(verified_domains=["example.com"], lenient=False).to_config()
    assert atlscim.Profile(**canonical).to_config() == canonical
