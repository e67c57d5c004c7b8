# Type stubs for the compiled module atlscim._native (python/src). Checked against the module
# by `python -m mypy.stubtest atlscim._native` in scripts/test-python.sh.

from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypedDict, final

from typing_extensions import Unpack

__all__ = ["Issue", "Profile", "Report", "__version__", "rules"]
__version__: str

class _VerifiedDomain(TypedDict, total=False):
    domain: str
    subdomains: bool

class _Limits(TypedDict, total=False):
    max_body_bytes: int
    max_depth: int
    max_string_bytes: int
    users_per_directory: int
    users_per_group: int

# The config keys (DESIGN.md "Config"); the core rejects any other key with ConfigError.
class _Config(TypedDict, total=False):
    profile: Literal["atlassian", "rfc"]
    verified_domains: Sequence[str | _VerifiedDomain]
    known_groups: Sequence[str]
    reserved_groups: Sequence[str]
    limits: _Limits
    lenient: bool

@final
class Profile:
    def __new__(cls, **config: Unpack[_Config]) -> Profile: ...
    @staticmethod
    def from_config(config: Mapping[str, Any] | str) -> Profile: ...
    @staticmethod
    def atlassian() -> Profile: ...
    @staticmethod
    def rfc() -> Profile: ...
    def to_config(self) -> dict[str, Any]: ...
    def check(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | str | bytes | None = None,
        current: Mapping[str, Any] | None = None,
    ) -> Report: ...

@final
class Report:
    @property
    def valid(self) -> bool: ...
    @property
    def status(self) -> int | None: ...
    @property
    def issues(self) -> list[Issue]: ...
    # The body as it should be sent: a dict for a resource body, None when the body could not
    # be read. Typed Any, as json.loads is, so that it can be indexed without casts.
    @property
    def normalized(self) -> Any: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_scim_error(self) -> dict[str, Any] | None: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]

@final
class Issue:
    @property
    def severity(self) -> Literal["error", "warning", "info"]: ...
    @property
    def rule(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def pointer(self) -> str: ...
    @property
    def status(self) -> int | None: ...
    @property
    def scim_type(self) -> str | None: ...
    @property
    def detail(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

def rules() -> list[dict[str, Any]]: ...
