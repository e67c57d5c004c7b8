"""Profile.map_user / map_group, Mapping, and the normalizers on their own."""

from __future__ import annotations

import json
from typing import Any

import pytest

import atlscim

ENTRA_USER = {
    "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
    "userPrincipalName": "AdeleV@contoso.com",
    "mail": "AdeleV@Contoso.com",
    "givenName": "Adele",
    "surname": "Vance",
    "accountEnabled": True,
    "mailboxSettings": {"timeZone": "Pacific Standard Time"},
}
PROFILE = atlscim.Profile(verified_domains=["contoso.com"])


def test_map_user_with_the_entra_preset_by_default() -> None:
    user = PROFILE.map_user(ENTRA_USER)
    assert user["userName"] == "AdeleV@contoso.com"
    assert user["displayName"] == "Adele Vance"
    assert user["timezone"] == "America/Los_Angeles"
    assert user["emails"] == [{"value": "AdeleV@contoso.com", "type": "work", "primary": True}]
    assert PROFILE.map_user(ENTRA_USER, "entra") == PROFILE.map_user(ENTRA_USER, atlscim.Mapping.preset("Entra")) == user


def test_map_user_report_has_every_issue_and_the_user_as_normalized() -> None:
    report = PROFILE.map_user_report(ENTRA_USER)
    assert report.valid and report.normalized == PROFILE.map_user(ENTRA_USER)
    assert "ATL-U-012" in [i.rule for i in report.issues]  # the Windows time zone, normalized


def test_a_user_atlassian_would_refuse_raises_scim_error() -> None:
    record = {"id": "1", "givenName": "No", "surname": "Mail"}
    with pytest.raises(atlscim.ScimError) as raised:
        PROFILE.map_user(record)
    report = PROFILE.map_user_report(record)
    first = next(i for i in report.issues if i.severity == "error")
    e = raised.value
    assert not isinstance(e, ValueError)
    assert (e.rule, e.status, e.path, e.pointer, e.detail) == (first.rule, first.status, first.path, first.pointer,
                                                               first.detail)


def test_custom_mappings_as_dicts_text_or_mapping() -> None:
    spec: dict[str, Any] = {
        "description": "HR export",
        "extends": "entra",
        "attributes": [{"target": "title", "from": {"lower": "jobTitle"}}],
    }
    mapping = atlscim.Mapping(spec)
    assert mapping.description == "HR export" and "title" in mapping.targets
    assert atlscim.Mapping(mapping.to_dict()) == mapping
    assert atlscim.Mapping(json.dumps(spec)) == mapping
    assert mapping != atlscim.Mapping.preset("entra")
    assert repr(mapping) == f'<Mapping "HR export": {len(mapping.targets)} attributes>'
    record = {**ENTRA_USER, "jobTitle": "Tour GUIDE"}
    assert PROFILE.map_user(record, spec)["title"] == PROFILE.map_user(record, mapping)["title"] == "tour guide"


def test_mapping_errors_name_the_entry() -> None:
    with pytest.raises(atlscim.MappingError) as raised:
        atlscim.Mapping({"attributes": [{"target": "title", "from": "a"}, {"target": "bogus", "from": "b"}]})
    e = raised.value
    assert isinstance(e, atlscim.ScimError) and isinstance(e, ValueError)
    assert e.entry == e.path == "attributes[1] (bogus)" and "bogus" in str(e)
    with pytest.raises(atlscim.MappingError, match="did you mean entra"):
        PROFILE.map_user(ENTRA_USER, "entar")
    with pytest.raises(atlscim.MappingError) as raised:
        atlscim.Mapping("{not json")
    assert raised.value.entry == ""
    with pytest.raises(TypeError, match="mapping: a set"):
        PROFILE.map_user(ENTRA_USER, {"attributes": {1}})
    with pytest.raises(TypeError, match="record: a set at /mail"):
        PROFILE.map_user({**ENTRA_USER, "mail": {"x"}})


def test_map_group_flattens_nested_members() -> None:
    group = {"id": "g1", "displayName": "Engineering"}
    members = [
        {"@odata.type": "#microsoft.graph.user", "id": "u1", "scimId": "2819c223"},
        {"@odata.type": "#microsoft.graph.group", "id": "g2", "displayName": "Engineering EU",
         "members": [{"id": "u2", "scimId": "9e0f51ab"}, {"id": "u1", "scimId": "2819c223"}]},
    ]
    scim = PROFILE.map_group(group, members)
    assert scim["displayName"] == "Engineering"
    assert [m["value"] for m in scim["members"]] == ["2819c223", "9e0f51ab"]
    report = PROFILE.map_group_report(group, members)
    assert report.normalized == scim and report.issues[0].rule == "MAP-004"


def test_normalizers() -> None:
    assert atlscim.normalize_timezone("asia/calcutta") == {"name": "Asia/Calcutta", "canonical": "Asia/Kolkata",
                                                           "kind": "iana_alias"}
    assert atlscim.normalize_locale("en_us.UTF-8") == {"tag": "en-US", "language": "en", "script": None,
                                                       "region": "US"}
    assert atlscim.normalize_email(" Jane.Doe@Bücher.DE ") == {"address": "Jane.Doe@xn--bcher-kva.de",
                                                               "local": "Jane.Doe", "domain": "xn--bcher-kva.de"}
    assert atlscim.split_display_name("Doe, Jane") == {"given": "Jane", "family": "Doe", "prefix": None,
                                                       "suffix": None}
    assert atlscim.join_display_name("Jane", "van  Doe") == "Jane van Doe"
    assert atlscim.nearest_atlassian_language("fr-CA") == "fr-FR"
    assert atlscim.nearest_atlassian_language("ar-SA") is None
    accepted = atlscim.parse_accept_language("da, en-gb;q=0.8, xx-;q=0.9, *;q=0.1")
    assert accepted["best"] is not None and accepted["best"]["tag"] == "da"
    assert [(r["index"], r["quality"]) for r in accepted["ranges"]] == [(0, 1000), (1, 800), (3, 100)]
    assert accepted["ranges"][2]["tag"] is None
    assert [e["index"] for e in accepted["errors"]] == [2] and "xx-" in accepted["errors"][0]["detail"]


@pytest.mark.parametrize(
    ("call", "value", "kind", "suggestion"),
    [
        (atlscim.normalize_timezone, "PST", "abbreviation", "America/Los_Angeles"),
        (atlscim.normalize_timezone, "", "empty", None),
        (atlscim.normalize_locale, "English", "malformed", "en-US"),
        (atlscim.normalize_email, "jane@", "invalid", None),
        (atlscim.nearest_atlassian_language, "C", "no_language", None),
    ],
)
def test_normalize_errors(call: Any, value: str, kind: str, suggestion: str | None) -> None:
    with pytest.raises(atlscim.NormalizeError) as raised:
        call(value)
    e = raised.value
    assert isinstance(e, ValueError) and not isinstance(e, atlscim.ScimError)
    assert (e.kind, e.suggestion, e.value) == (kind, suggestion, value)
    assert str(e) == e.detail and e.detail


def test_normalizers_take_str() -> None:
    with pytest.raises(TypeError):
        atlscim.normalize_timezone(None)  # type: ignore[arg-type]
