# Type stubs for the compiled module atlscim._native (python/src). Checked against the module
# by `python -m mypy.stubtest atlscim._native` in scripts/test-python.sh.

import collections.abc as _abc
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, TypedDict, final

from typing_extensions import Unpack

__all__ = [
    "Batch",
    "Exchange",
    "Executor",
    "Filter",
    "Issue",
    "Mapping",
    "Pager",
    "Plan",
    "Profile",
    "Report",
    "Response",
    "Verdict",
    "_Checkpoint",
    "_Server",
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
    "plan",
    "rules",
    "split_display_name",
]
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
    max_retry_after: int
    max_issues: int
    max_filter_length: int
    max_filter_depth: int
    max_filter_terms: int
    max_operations: int
    max_patch_values: int

# Every config key (DESIGN.md "Config", README "Config"); the core rejects any other key with
# ConfigError. tests/test_stubs.py checks these keys against the core's canonical config.
class _Config(TypedDict, total=False):
    profile: Literal["atlassian", "rfc"]
    verified_domains: Sequence[str | _VerifiedDomain]
    known_groups: Sequence[str]
    reserved_groups: Sequence[str]
    limits: _Limits
    lenient: bool
    known_user_names: Sequence[str]
    known_emails: Sequence[str]
    require_verified_domain: bool
    delete_semantics: Literal["unlink", "deactivate"]
    directory_user_count: int
    base_url: str
    directory_id: str | None
    key_expires: str | None
    key_expiry_warning_days: int

# A request body: JSON text, or a dict (any JSON-compatible value) read where it lies.
_Body = _abc.Mapping[str, Any] | str | bytes | None
# A request of a batch: (method, path[, body[, current]]), as a tuple (or a list).
_BatchRequest = (
    list[Any]
    | tuple[str, str]
    | tuple[str, str, _Body]
    | tuple[str, str, _Body, _abc.Mapping[str, Any] | None]
)
_ResourceType = Literal["User", "Group"]

class _BatchSummary(TypedDict):
    requests: int
    valid: int
    invalid: int
    by_rule: dict[str, int]

@final
class Profile:
    def __new__(cls, **config: Unpack[_Config]) -> Profile: ...
    @staticmethod
    def from_config(config: _abc.Mapping[str, Any] | str) -> Profile: ...
    @staticmethod
    def atlassian() -> Profile: ...
    @staticmethod
    def rfc() -> Profile: ...
    def key_expiry(self, now: int) -> _KeyExpiry | None: ...
    def to_config(self) -> dict[str, Any]: ...
    def classify_response(
        self,
        status: int,
        body: _abc.Mapping[str, Any] | str | bytes | None = None,
        headers: _abc.Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        *,
        now: float | None = None,
    ) -> Response: ...
    def check(
        self,
        method: str,
        path: str,
        body: _Body = None,
        current: _abc.Mapping[str, Any] | None = None,
    ) -> Report: ...
    def apply_patch(
        self,
        resource: _abc.Mapping[str, Any],
        patch: _abc.Mapping[str, Any],
        resource_type: _ResourceType = "User",
    ) -> dict[str, Any]: ...
    def diff(
        self,
        current: _abc.Mapping[str, Any],
        desired: _abc.Mapping[str, Any],
        resource_type: _ResourceType = "User",
    ) -> list[dict[str, Any]]: ...
    def check_batch(self, requests: Iterable[_BatchRequest]) -> list[Report]: ...
    def batch(self) -> Batch: ...
    def map_user(
        self, record: _abc.Mapping[str, Any], mapping: str | Mapping | _abc.Mapping[str, Any] = "entra"
    ) -> dict[str, Any]: ...
    def map_user_report(
        self, record: _abc.Mapping[str, Any], mapping: str | Mapping | _abc.Mapping[str, Any] = "entra"
    ) -> Report: ...
    def map_group(self, record: _abc.Mapping[str, Any], members: Sequence[Any] | None = None) -> dict[str, Any]: ...
    def map_group_report(self, record: _abc.Mapping[str, Any], members: Sequence[Any] | None = None) -> Report: ...

@final
class Report:
    @property
    def valid(self) -> bool: ...
    @property
    def status(self) -> int | None: ...
    @property
    def issues(self) -> list[Issue]: ...
    # Issues found but left out of `issues` (limits.max_issues; the last issue, RFC-J-006, says so).
    @property
    def omitted(self) -> int: ...
    # The status Atlassian would answer to the body as sent (not normalized); None when accepted.
    @property
    def sent_status(self) -> int | None: ...
    # The lenient fixes as data: what normalized changes in the body as checked (op replace,
    # remove, rename, addSchema or moveIntoExtension, with JSON pointers into the body).
    @property
    def fixes(self) -> list[dict[str, Any]]: ...
    # The body as it should be sent: a dict for a resource body, None when the body could not
    # be read. Typed Any, as json.loads is, so that it can be indexed without casts.
    @property
    def normalized(self) -> Any: ...
    @property
    def nothing_to_send(self) -> bool: ...
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

@final
class Batch:
    def check(
        self,
        method: str,
        path: str,
        body: _Body = None,
        current: _abc.Mapping[str, Any] | None = None,
    ) -> Report: ...
    def summary(self) -> _BatchSummary: ...
    @property
    def profile(self) -> Profile: ...

@final
class Filter:
    def matches(self, resource: _abc.Mapping[str, Any]) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

def parse_filter(text: str, strict: bool = False) -> Filter: ...

_ResponseKind = Literal[
    "success", "rate_limited", "server_error", "credential_rejected", "not_found", "conflict", "scim_error", "unexpected"
]

@final
class Response:
    @property
    def status(self) -> int: ...
    @property
    def kind(self) -> _ResponseKind: ...
    @property
    def retryable(self) -> bool: ...
    @property
    def retry_after(self) -> float | None: ...
    @property
    def retry_after_clamped(self) -> bool: ...
    @property
    def scim_type(self) -> str | None: ...
    @property
    def detail(self) -> str | None: ...
    @property
    def trace_id(self) -> str | None: ...
    @property
    def rule(self) -> str | None: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]

def classify_response(
    status: int,
    body: _abc.Mapping[str, Any] | str | bytes | None = None,
    headers: _abc.Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    *,
    now: float | None = None,
) -> Response: ...

# atlscim.preflight: the per-request work of the HTTP transports.
@final
class Verdict:
    @property
    def path(self) -> str: ...
    @property
    def report(self) -> Report: ...
    @property
    def body(self) -> bytes | None: ...
    @property
    def skip(self) -> bool: ...

@final
class Exchange:
    def __new__(
        cls,
        report: Report,
        response: Response | None = None,
        *,
        sent_normalized: bool = False,
        synthetic: bool = False,
        answer: tuple[int, bytes | str | None, _abc.Mapping[str, str] | None] | None = None,
        profile: Profile | None = None,
    ) -> Exchange: ...
    @property
    def report(self) -> Report: ...
    @property
    def response(self) -> Response: ...
    @property
    def sent_normalized(self) -> bool: ...
    @property
    def synthetic(self) -> bool: ...

@final
class _Checkpoint:
    def __new__(
        cls,
        profile: Profile,
        prefix: str,
        parse: Callable[[str], str | None],
        *,
        send_normalized: bool,
        on_invalid: Callable[[str, str, Report], None] | None = None,
        recall: Callable[[str], Any] | None = None,
        remember: Callable[[str, str, int, bytes], None] | None = None,
    ) -> _Checkpoint: ...
    # url: a str, or an httpx.URL (read without building str(url) when httpx's layout is known).
    def scim_path(self, url: object) -> str | None: ...
    def before(
        self, method: str, url: object, body: bytes | str | None = None, read: Callable[[], bytes | str | None] | None = None
    ) -> Verdict | None: ...
    def exchange(
        self, method: str, verdict: Verdict, status: int, body: bytes | str | None, headers: _abc.Mapping[str, str]
    ) -> Exchange: ...
    def skipped(self, verdict: Verdict) -> Exchange: ...

@final
class Mapping:
    def __new__(cls, spec: _abc.Mapping[str, Any] | str) -> Mapping: ...
    @staticmethod
    def preset(name: str) -> Mapping: ...
    @property
    def description(self) -> str: ...
    @property
    def targets(self) -> list[str]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]

class _Timezone(TypedDict):
    name: str
    canonical: str
    kind: Literal["iana", "iana_alias", "windows"]

class _LanguageTag(TypedDict):
    tag: str
    language: str
    script: str | None
    region: str | None

class _LanguageRange(TypedDict):
    index: int
    tag: _LanguageTag | None
    quality: int

class _AcceptLanguageError(TypedDict):
    index: int
    item: str
    detail: str

class _AcceptLanguage(TypedDict):
    best: _LanguageTag | None
    ranges: list[_LanguageRange]
    errors: list[_AcceptLanguageError]

class _Email(TypedDict):
    address: str
    local: str
    domain: str

class _NameParts(TypedDict):
    given: str
    family: str
    prefix: str | None
    suffix: str | None

def normalize_timezone(value: str) -> _Timezone: ...
def normalize_locale(value: str) -> _LanguageTag: ...
def parse_accept_language(value: str) -> _AcceptLanguage: ...
def nearest_atlassian_language(tag: str) -> str | None: ...
def normalize_email(value: str) -> _Email: ...

class _KeyExpiry(TypedDict):
    state: Literal["valid", "expires_soon", "expired"]
    days_left: int

def key_expiry(expires_at: int, now: int, warn_days: int = 30) -> _KeyExpiry: ...
def split_display_name(display_name: str) -> _NameParts: ...
def join_display_name(given: str, family: str) -> str: ...
def rules() -> list[dict[str, Any]]: ...

@final
class _Server:
    def __new__(cls, config: str) -> _Server: ...
    @property
    def url(self) -> str: ...
    @property
    def directory_url(self) -> str: ...
    @property
    def token(self) -> str: ...
    def users(self) -> list[dict[str, Any]]: ...
    def groups(self) -> list[dict[str, Any]]: ...
    def requests(self) -> list[dict[str, Any]]: ...
    def reset(self) -> None: ...
    def set_faults(self, spec: str) -> None: ...
    def consistency(self) -> None: ...
    def stop(self) -> None: ...

# Sync (docs/sync.md): the plan and the sans-IO executor; atlscim.sync drives them with httpx.
_SyncInput = str | bytes | _abc.Mapping[str, Any] | Sequence[Any]
_Options = _abc.Mapping[str, Any] | str | None

def plan(profile: Profile, desired: _SyncInput, current: _SyncInput, options: _Options = None) -> Plan: ...

@final
class Plan:
    @staticmethod
    def from_json(text: str | bytes) -> Plan: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    def drift(self, current: _SyncInput) -> list[str]: ...
    @property
    def steps(self) -> list[dict[str, Any]]: ...
    @property
    def risks(self) -> list[dict[str, Any]]: ...
    @property
    def summary(self) -> dict[str, int]: ...
    @property
    def refusal(self) -> dict[str, str] | None: ...
    def __len__(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Pager:
    def __new__(cls, collection: str, count: int = ...) -> Pager: ...
    def next_path(self) -> str | None: ...
    def feed(self, body: str | bytes) -> list[Any]: ...

@final
class Executor:
    def __new__(
        cls, plan: Plan, options: _Options = None, state: _abc.Mapping[str, Any] | str | bytes | None = None
    ) -> Executor: ...
    def next(self, now: float) -> dict[str, Any]: ...
    def feed(
        self,
        status: int,
        headers: _abc.Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        body: str | bytes | None = None,
        *,
        now: float,
    ) -> None: ...
    def state_json(self) -> str: ...
    @property
    def state(self) -> dict[str, Any]: ...
    @property
    def done(self) -> bool: ...
    def outcomes(self) -> dict[str, int]: ...
    def outcome(self, step_id: str) -> dict[str, Any] | None: ...
    def steps(self) -> list[tuple[dict[str, Any], dict[str, Any]]]: ...
