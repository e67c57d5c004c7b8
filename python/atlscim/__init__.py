"""atlscim: check SCIM 2.0 requests before an identity-provider connector sends them to
Atlassian Cloud's user provisioning API, and know what Atlassian will answer.

    >>> import atlscim
    >>> profile = atlscim.Profile(verified_domains=["example.com"])
    >>> report = profile.check("POST", "/Users", {"userName": "bjensen@example.com"})
    >>> report.valid, report.status
    (False, 400)

The checks run in Rust (the compiled module ``atlscim._native``); see ``atlscim.rules()`` for
every rule, by id.
"""

from atlscim._native import Issue, Profile, Report, __version__, rules
from atlscim.errors import ConfigError, ScimError

__all__ = ["ConfigError", "Issue", "Profile", "Report", "ScimError", "__version__", "rules"]
