"""The exceptions atlscim raises.

An invalid SCIM request is not an exception: ``Profile.check`` returns a ``Report`` that says
what Atlassian would answer. Exceptions are for calls that cannot be made at all: a config, a
mapping or a filter that cannot be used, a PATCH that cannot be applied, a user that Atlassian
would refuse from ``Profile.map_user``, a value a normalizer cannot make sense of.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from atlscim._native import Report

__all__ = ["ConfigError", "FilterError", "MappingError", "NormalizeError", "PatchError", "ScimError", "SyncError"]


def _restore(cls: type[Exception], args: tuple[Any, ...], state: dict[str, Any]) -> Exception:
    """Rebuilds an exception pickled by ``__reduce__`` below without calling its ``__init__``."""
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class ScimError(Exception):
    """An operation a SCIM server would refuse, with what it would answer.

    ``status`` is the HTTP status, ``scim_type`` the RFC 7644 §3.12 scimType, ``rule`` the id of
    the atlscim rule involved, ``path`` the attribute path (or config key) concerned and
    ``pointer`` the RFC 6901 pointer into the input; each may be None. ``report`` is the whole
    ``Report`` when the error comes from checking a request (the HTTP transports' pre-flight
    checks), else None.
    """

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        scim_type: str | None = None,
        rule: str | None = None,
        path: str | None = None,
        pointer: str | None = None,
        report: Report | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.scim_type = scim_type
        self.rule = rule
        self.path = path
        self.pointer = pointer
        self.report = report

    def __str__(self) -> str:
        return self.detail

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments are not in ``args``: keep every attribute, so that the errors
        # cross process boundaries (multiprocessing, concurrent.futures) whole.
        return _restore, (type(self), self.args, self.__dict__)


class ConfigError(ScimError, ValueError):
    """A profile config that cannot be used. ``key`` (also ``path``) is the dotted key at fault,
    e.g. ``limits.max_depth`` or ``verified_domains[1]``; empty for the config as a whole."""

    def __init__(self, detail: str, *, key: str = "") -> None:
        super().__init__(detail, path=key)

    @property
    def key(self) -> str:
        return self.path or ""


class FilterError(ScimError, ValueError):
    """A filter that does not parse (RFC 7644 §3.4.2.2). A server answers it with 400 and
    scimType ``invalidFilter``; ``offset`` is the character (not byte) offset where parsing
    stopped, ``expected`` what could have come there and ``found`` what did."""

    def __init__(
        self,
        detail: str,
        *,
        offset: int,
        expected: str,
        found: str,
        status: int | None = 400,
        scim_type: str | None = "invalidFilter",
        rule: str | None = None,
    ) -> None:
        super().__init__(detail, status=status, scim_type=scim_type, rule=rule)
        self.offset = offset
        self.expected = expected
        self.found = found


class PatchError(ScimError, ValueError):
    """A PatchOp that cannot be applied (``Profile.apply_patch``), with what the server would
    answer. ``operation`` is the index in ``Operations`` of the operation at fault (None when
    the message as a whole is); ``path`` and ``pointer`` locate the problem."""

    def __init__(
        self,
        detail: str,
        *,
        operation: int | None = None,
        status: int | None = None,
        scim_type: str | None = None,
        rule: str | None = None,
        path: str | None = None,
        pointer: str | None = None,
    ) -> None:
        super().__init__(detail, status=status, scim_type=scim_type, rule=rule, path=path, pointer=pointer)
        self.operation = operation


class MappingError(ScimError, ValueError):
    """A mapping that cannot be loaded. ``entry`` (also ``path``) names the entry at fault, e.g.
    ``attributes[1] (timezone)`` or a top-level key such as ``extends``; empty for the mapping
    as a whole."""

    def __init__(self, detail: str, *, entry: str = "") -> None:
        super().__init__(detail, path=entry)

    @property
    def entry(self) -> str:
        return self.path or ""


class NormalizeError(ValueError):
    """A value a normalizer cannot make sense of. ``kind`` names why in a word that does not
    change (``"abbreviation"``, ``"offset"``, ``"malformed"``, ``"invalid"``...), ``suggestion``
    is what to use instead where one can be told, and ``value`` is the input."""

    def __init__(self, detail: str, *, kind: str, value: str, suggestion: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.kind = kind
        self.value = value
        self.suggestion = suggestion

    def __str__(self) -> str:
        return self.detail

    def __reduce__(self) -> tuple[Any, ...]:
        return _restore, (type(self), self.args, self.__dict__)


class SyncError(ValueError):
    """A sync that cannot go on: ``kind`` says why in a word that does not change (docs/sync.md):
    ``input`` (desired or current are not SCIM Users and Groups), ``options``, ``json`` (a plan or
    state not of the documented shape), ``format`` (another format version), ``state`` (a state
    saved for another plan), ``refused`` (a guard rail refused the plan: plan again with the
    limits raised), ``feed`` (an answer with no request outstanding)."""

    def __init__(self, detail: str, *, kind: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.kind = kind

    def __str__(self) -> str:
        return self.detail

    def __reduce__(self) -> tuple[Any, ...]:
        return _restore, (type(self), self.args, self.__dict__)
