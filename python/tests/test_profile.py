"""Profile: built from keyword arguments, a config dict or config text; bad configs raise
ConfigError naming the key."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import atlscim

USER = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    "userName": "bjensen@example.com",
    "emails": [{"value": "bjensen@example.com", "type": "work", "primary": True}],
}


def test_default_is_the_atlassian_profile() -> None:
    config = atlscim.Profile().to_config()
    assert config["profile"] == "atlassian"
    assert config == atlscim.Profile.atlassian().to_config()
    assert atlscim.Profile.rfc().to_config()["profile"] == "rfc"


def test_keyword_arguments_are_the_config_keys() -> None:
    p = atlscim.Profile(verified_domains=["Example.com", {"domain": "corp.example.org", "subdomains": True}],
                        known_groups=["jira-users-acme"], lenient=False, limits={"max_depth": 10})
    config = p.to_config()
    assert config["verified_domains"] == ["example.com", {"domain": "corp.example.org", "subdomains": True}]
    assert config["known_groups"] == ["jira-users-acme"]
    assert config["lenient"] is False
    assert config["limits"]["max_depth"] == 10


def test_from_config_takes_a_dict_or_json_text_and_round_trips() -> None:
    config = {"profile": "rfc", "verified_domains": ["example.com"], "lenient": False}
    from_dict = atlscim.Profile.from_config(config)
    from_text = atlscim.Profile.from_config(json.dumps(config))
    assert from_dict.to_config() == from_text.to_config()
    assert atlscim.Profile.from_config(from_dict.to_config()).to_config() == from_dict.to_config()
    assert atlscim.Profile(**config).to_config() == from_dict.to_config()  # type: ignore[arg-type]


def test_the_profile_changes_the_verdict() -> None:
    body = {**USER, "addresses": [{"type": "work", "locality": "Sydney"}]}
    atlassian = atlscim.Profile().check("POST", "/Users", body)
    rfc = atlscim.Profile.rfc().check("POST", "/Users", body)
    assert ("warning", "ATL-U-011") in [(i.severity, i.rule) for i in atlassian.issues]
    assert rfc.issues == []


def test_strict_mode_changes_the_verdict() -> None:
    strict = atlscim.Profile(lenient=False)
    report = strict.check("POST", "/Users", {**USER, "active": "true"})
    assert report.valid is False and report.status == 400
    assert [i.rule for i in report.issues] == ["ATL-U-017"]
    assert atlscim.Profile().check("POST", "/Users", {**USER, "active": "true"}).valid is True


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({"verified_domain": []}, "verified_domain"),
        ({"lenient": "yes"}, "lenient"),
        ({"limits": {"max_depth": "10"}}, "limits.max_depth"),
        ({"limits": {"max_depth": 1000}}, "limits.max_depth"),
        ({"verified_domains": ["ok.com", 5]}, "verified_domains[1]"),
        ({"verified_domains": [{"domain": "a.com", "sub": True}]}, "verified_domains[0].sub"),
        ({"verified_domains": ["not a domain"]}, "verified_domains[0]"),
        ({"profile": "okta"}, "profile"),
        # Python values JSON cannot carry are config errors too, at their key.
        ({"verified_domains": {"example.com"}}, "verified_domains"),
        ({"limits": {"max_depth": float("nan")}}, "limits.max_depth"),
    ],
)
def test_a_bad_config_raises_config_error_naming_the_key(config: dict[str, Any], key: str) -> None:
    builds: list[Callable[[], atlscim.Profile]] = [
        lambda: atlscim.Profile(**config),
        lambda: atlscim.Profile.from_config(config),
    ]
    for build in builds:
        with pytest.raises(atlscim.ConfigError) as raised:
            build()
        e = raised.value
        assert e.key == key and e.path == key
        assert f"`{key}`" in str(e) and str(e) == e.detail
        assert isinstance(e, ValueError) and isinstance(e, atlscim.ScimError)
        assert e.status is None and e.rule is None


@pytest.mark.parametrize(("text", "words"), [("{", "not valid JSON"), ("[]", "must be a JSON object")])
def test_bad_config_text_raises_config_error_for_the_whole_config(text: str, words: str) -> None:
    with pytest.raises(atlscim.ConfigError) as raised:
        atlscim.Profile.from_config(text)
    assert raised.value.key == ""
    assert words in str(raised.value)


def test_a_config_that_is_not_a_mapping_or_text() -> None:
    with pytest.raises(atlscim.ConfigError) as raised:
        atlscim.Profile.from_config(42)  # type: ignore[arg-type]
    assert "must be a JSON object" in str(raised.value)


def test_repr_shows_the_config() -> None:
    text = repr(atlscim.Profile(verified_domains=["example.com"]))
    assert text.startswith("Profile.from_config(") and '"verified_domains":["example.com"]' in text


def test_profiles_are_immutable() -> None:
    p = atlscim.Profile()
    with pytest.raises(AttributeError):
        p.lenient = False  # type: ignore[attr-defined]
