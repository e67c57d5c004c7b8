"""The exceptions atlscim raises.

An invalid SCIM request is not an exception: ``Profile.check`` returns a ``Report`` that says
what Atlassian would answer. Exceptions are for calls that cannot be made at all.
"""

from __future__ import annotations

__all__ = ["ConfigError", "ScimError"]


class ScimError(Exception):
    """An operation a SCIM server would refuse, with what it would answer.

    ``status`` is the HTTP status, ``scim_type`` the RFC 7644 §3.12 scimType, ``rule`` the id of
    the atlscim rule involved and ``path`` the attribute path (or config key) concerned; each
    may be None.
    """

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        scim_type: str | None = None,
        rule: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.scim_type = scim_type
        self.rule = rule
        self.path = path

    def __str__(self) -> str:
        return self.detail


class ConfigError(ScimError, ValueError):
    """A profile config that cannot be used. ``key`` (also ``path``) is the dotted key at fault,
    e.g. ``limits.max_depth`` or ``verified_domains[1]``; empty for the config as a whole."""

    def __init__(self, detail: str, *, key: str = "") -> None:
        super().__init__(detail, path=key)

    @property
    def key(self) -> str:
        return self.path or ""
