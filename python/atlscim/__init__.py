"""atlscim: check SCIM 2.0 requests before an identity-provider connector sends them to
Atlassian Cloud's user provisioning API, and know what Atlassian will answer.

    >>> import atlscim
    >>> profile = atlscim.Profile(verified_domains=["example.com"])
    >>> report = profile.check("POST", "/Users", {"userName": "bjensen@example.com"})
    >>> report.valid, report.status
    (False, 400)

The same profile applies and computes PATCHes, maps identity-provider records to SCIM, and
checks whole syncs as one batch; ``atlscim.sync`` plans a whole directory change and carries it
out over httpx; ``parse_filter``, ``classify_response`` and the normalizers
work on their own:

    >>> str(atlscim.parse_filter('userName Eq "bjensen"'))
    'userName eq "bjensen"'
    >>> atlscim.normalize_timezone("Pacific Standard Time")["canonical"]
    'America/Los_Angeles'

The checks run in Rust (the compiled module ``atlscim._native``); see ``atlscim.rules()`` for
every rule, by id.
"""

from atlscim._native import (
    Batch,
    Executor,
    Filter,
    Issue,
    Mapping,
    Plan,
    Profile,
    Report,
    Response,
    __version__,
    classify_response,
    join_display_name,
    key_expiry,
    nearest_atlassian_language,
    normalize_email,
    normalize_locale,
    normalize_timezone,
    parse_accept_language,
    parse_filter,
    rules,
    split_display_name,
)
from atlscim.errors import ConfigError, FilterError, MappingError, NormalizeError, PatchError, ScimError, SyncError

__all__ = [
    "Batch",
    "ConfigError",
    "Executor",
    "Filter",
    "FilterError",
    "Issue",
    "Mapping",
    "MappingError",
    "NormalizeError",
    "PatchError",
    "Plan",
    "Profile",
    "Report",
    "Response",
    "ScimError",
    "SyncError",
    "__version__",
    "classify_response",
    "join_display_name",
    "key_expiry",
    "nearest_atlassian_language",
    "normalize_email",
    "normalize_locale",
    "normalize_timezone",
    "parse_accept_language",
    "parse_filter",
    "rules",
    "split_display_name",
]


def __getattr__(name: str) -> object:
    # atlscim.httpx, atlscim.requests, atlscim.preflight and atlscim.sync load on first use: httpx
    # and requests are optional (the extras of the same names), and `import atlscim` must not need them.
    if name in ("httpx", "requests", "preflight", "sync"):
        import importlib

        return importlib.import_module(f"atlscim.{name}")
    raise AttributeError(f"module 'atlscim' has no attribute {name!r}")
