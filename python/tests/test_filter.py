"""atlscim.parse_filter and Filter: canonical printing, the tree, evaluation, strict mode, and
FilterError with what a server answers and where parsing stopped."""

from __future__ import annotations

import pytest

import atlscim

USER = {
    "userName": "BJensen@example.com",
    "active": True,
    "meta": {"lastModified": "2024-01-15T12:30:45-06:00"},
    "emails": [{"value": "b@example.com", "type": "home"}, {"value": "bjensen@example.com", "type": "work"}],
}


def test_prints_canonically_and_parses_back_to_an_equal_filter() -> None:
    f = atlscim.parse_filter('userName Eq "bjensen"   AND (title pr OR not (active eq FALSE))')
    assert str(f) == 'userName eq "bjensen" and (title pr or not (active eq false))'
    again = atlscim.parse_filter(str(f))
    assert again == f and hash(again) == hash(f) and len({f, again}) == 1
    assert repr(f) == f"<Filter {f}>"
    assert f != atlscim.parse_filter('userName eq "other"')


def test_to_dict_is_the_tree() -> None:
    f = atlscim.parse_filter('emails[type eq "work"] and not (userName pr) and title pr')
    # A chain is one node with every operand, however long.
    assert f.to_dict() == {
        "op": "and",
        "filters": [
            {"op": "valuePath", "attr": "emails", "filter": {"op": "eq", "attr": "type", "value": "work"}},
            {"op": "not", "filter": {"op": "pr", "attr": "userName"}},
            {"op": "pr", "attr": "title"},
        ],
    }


def test_matches_with_scim_semantics() -> None:
    def matches(text: str) -> bool:
        return atlscim.parse_filter(text).matches(USER)

    assert matches('username eq "bjensen@EXAMPLE.com"')  # names and strings ignore case
    assert matches('emails[type eq "work" and value ew "@example.com"]')
    assert matches('meta.lastModified eq "2024-01-15T18:30:45Z"')  # dateTimes compare as instants
    assert matches('active eq "True"')  # lenient: Entra ID's boolean strings
    assert not matches('emails[type eq "other"]')
    assert not matches("title pr")
    with pytest.raises(TypeError, match="resource: a set at /x"):
        atlscim.parse_filter("x pr").matches({"x": {1}})


def test_strict_takes_rfc_7644_alone() -> None:
    entra = 'emails[type eq "work"].value eq "a@example.com"'
    assert str(atlscim.parse_filter(entra)) == 'emails[type eq "work" and value eq "a@example.com"]'
    with pytest.raises(atlscim.FilterError) as raised:
        atlscim.parse_filter(entra, strict=True)
    assert raised.value.offset == 22 and raised.value.found == '".value"'


def test_filter_error_says_what_the_server_answers_and_where() -> None:
    with pytest.raises(atlscim.FilterError) as raised:
        atlscim.parse_filter('title eq "Ünïcode" and x')
    e = raised.value
    assert isinstance(e, atlscim.ScimError) and isinstance(e, ValueError)
    assert (e.status, e.scim_type, e.rule) == (400, "invalidFilter", "RFC-F-001")
    assert e.offset == 24  # characters, not bytes
    assert str(e) == e.detail and e.detail.startswith("invalid filter at character 24: expected")
    assert e.expected and e.found == "the end of the filter"


def test_hostile_filters_are_refused_quickly() -> None:
    with pytest.raises(atlscim.FilterError, match="at most 4096 characters"):
        atlscim.parse_filter("a pr or " * 1000 + "a pr")
    with pytest.raises(atlscim.FilterError):
        atlscim.parse_filter("(" * 100_000)


def test_only_parse_filter_makes_filters() -> None:
    with pytest.raises(TypeError):
        atlscim.Filter()
    with pytest.raises(TypeError):
        atlscim.parse_filter(b"title pr")  # type: ignore[arg-type]
