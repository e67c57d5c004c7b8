"""Sync a whole directory: plan the change, read the risks, then carry it out over httpx
(``pip install "atlscim[httpx]"``).

    import atlscim.sync
    current = atlscim.sync.fetch_current(base_url, token)        # GET /Users and /Groups, every page
    plan = atlscim.sync.plan(desired, current)                    # desired: SCIM Users and Groups
    for risk in plan.risks: print(risk["level"], risk["kind"], risk["detail"])
    result = atlscim.sync.run(plan, base_url, token, state_file="sync.state.json")
    assert result.ok, result.failures

``plan`` never sends anything; the guard rails refuse a plan with too many deactivations and
deletes (``plan.refusal``), and ``run`` then raises ``SyncError`` (kind ``refused``). ``run`` is
the core's sans-IO executor (``atlscim.Executor``) driven with httpx: it waits on 429 as Atlassian
asks, retries 5xx and lost answers with backoff, looks a create up when a retry answers 409, and
stops on 401/403. With ``state_file`` the state is written before every request, so a run that
crashed resumes there without repeating what was applied. ``arun`` is the async twin, over
``httpx.AsyncClient``. Progress goes to ``progress(Progress)`` after every answer, and, when no
callback is given and stderr is a terminal, to a one-line progress bar.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

import httpx

from atlscim._native import Executor, Pager, Plan, Profile, classify_response
from atlscim._native import plan as _plan
from atlscim.errors import SyncError

__all__ = ["Plan", "Progress", "Result", "SyncError", "afetch_current", "arun", "fetch_current", "plan", "run"]

Resources = str | bytes | Mapping[str, Any] | list[Any]
ProgressCallback = Callable[["Progress"], None]

# Outcomes that mean the directory does not yet match the plan.
_NOT_DONE = ("failed", "conflict", "skipped", "not_run", "pending")


def plan(desired: Resources, current: Resources, *, profile: Profile | None = None, **options: Any) -> Plan:
    """Plans the change from ``current`` (Atlassian's side: ``fetch_current``, list pages or an
    ``atlscim serve`` export) to ``desired`` (SCIM Users and Groups, e.g. from
    ``Profile.map_user``), checked with ``profile`` (the ``atlassian`` defaults when None).

    Each may be ``{"Users": [...], "Groups": [...]}``, a ListResponse page, a list of resources,
    or JSON / NDJSON text. ``options`` are the plan options of docs/sync.md: ``match_by``,
    ``gone`` (``"deactivate"`` or ``"delete"``), ``manage_orphans``, ``max_removals``,
    ``max_removal_share``, ``allow_removals``, ``truncation_share``.
    """
    return _plan(profile if profile is not None else Profile(), desired, current, options or None)


@dataclass(frozen=True)
class Progress:
    """Where a run is: ``finished`` of ``total`` steps have an outcome; ``step`` is the step just
    answered (its id, kind and outcome) or None while waiting ``waiting`` seconds."""

    finished: int
    total: int
    step: str | None = None
    kind: str | None = None
    outcome: str | None = None
    status: int | None = None
    waiting: float = 0.0


@dataclass
class Result:
    """What a run did: ``outcomes`` counts steps by outcome (``applied``, ``adopted``,
    ``conflict``, ``failed``, ``skipped``, ``not_run``), ``stopped`` says why the run stopped
    early (a refused API key), ``state`` is the final executor state and ``steps`` each step with
    its record."""

    outcomes: dict[str, int]
    state: dict[str, Any]
    steps: list[tuple[dict[str, Any], dict[str, Any]]] = field(repr=False)
    requests: int = 0

    @property
    def stopped(self) -> str | None:
        stopped: str | None = self.state.get("stopped")
        return stopped

    @property
    def ok(self) -> bool:
        """Every step applied or adopted, and the run not stopped."""
        return self.stopped is None and not any(self.outcomes.get(o) for o in _NOT_DONE)

    @property
    def failures(self) -> list[str]:
        """One line per step that did not succeed: ``s3 create_user a@example.com: conflict (409: …)``."""
        lines = []
        for step, record in self.steps:
            if record["outcome"] in ("applied", "adopted"):
                continue
            subject = step["subject"]
            name = subject.get("userName") or subject.get("displayName") or subject.get("id") or ""
            lines.append(f"{step['id']} {step['kind']} {name}: {record['outcome']} ({record.get('detail') or ''})")
        return lines


class _Bar:
    """A one-line progress bar on a terminal (stderr)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, p: Progress) -> None:
        width = 30
        filled = width * p.finished // p.total if p.total else width
        note = f" waiting {p.waiting:.1f}s" if p.waiting else (f" {p.step} {p.outcome}" if p.outcome else "")
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {p.finished}/{p.total}{note}\x1b[K")
        if p.total and p.finished == p.total:
            self.stream.write("\n")
        self.stream.flush()


def _progress_callback(progress: ProgressCallback | bool | None) -> ProgressCallback | None:
    if progress is False:
        return None
    if callable(progress):
        return progress
    stream = sys.stderr
    if stream is not None and (progress is True or stream.isatty()):
        return _Bar(stream)
    return None


class _Driver:
    """What the sync and async runs share: the executor, the state file and progress. The two
    differ only in how they send and sleep."""

    def __init__(
        self,
        plan: Plan,
        base_url: str,
        token: str,
        options: Mapping[str, Any] | None,
        state: Mapping[str, Any] | str | None,
        state_file: str | os.PathLike[str] | None,
        progress: ProgressCallback | bool | None,
        clock: Callable[[], float],
    ) -> None:
        if not isinstance(plan, Plan):
            raise TypeError(f"plan must be an atlscim.Plan, got {type(plan).__name__}")
        self.state_file = os.fspath(state_file) if state_file is not None else None
        if state is None and self.state_file is not None and os.path.exists(self.state_file):
            with open(self.state_file, encoding="utf-8") as f:
                state = f.read()
        self.executor = Executor(plan, dict(options) if options else None, state)
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.progress = _progress_callback(progress)
        self.clock = clock
        self.total = len(plan)
        self.requests = 0
        # Each step's kind, read once: a progress report per answer must not convert every step.
        self.kinds: dict[str, str] = {step["id"]: step["kind"] for step in plan.steps} if self.progress else {}

    def next(self) -> dict[str, Any]:
        action: dict[str, Any] = self.executor.next(self.clock())
        if action["kind"] == "send":
            # Written before the request goes out: a crash after this point resumes knowing the
            # write may have happened.
            self.save()
            self.requests += 1
        elif action["kind"] == "wait" and self.progress is not None:
            self.progress(Progress(self.finished(), self.total, waiting=action["seconds"]))
        return action

    def request(self, action: Mapping[str, Any]) -> tuple[str, str, dict[str, str], bytes | None]:
        headers = dict(action["headers"])
        headers["Authorization"] = f"Bearer {self.token}"
        body = action["body"]
        return action["method"], self.base_url + action["path"], headers, None if body is None else body.encode()

    def feed(self, action: Mapping[str, Any], status: int, headers: Any, body: bytes) -> None:
        self.executor.feed(status, headers, body, now=self.clock())
        self.save()
        if self.progress is not None:
            record = self.executor.outcome(action["step"]) or {}
            self.progress(
                Progress(self.finished(), self.total, action["step"], self.kinds.get(action["step"], ""),
                         record.get("outcome"), status)
            )

    def finished(self) -> int:
        counts: dict[str, int] = self.executor.outcomes()
        return self.total - counts.get("pending", 0)

    def save(self) -> None:
        if self.state_file is None:
            return
        # Atomic: a crash while writing leaves the previous state, never half of one.
        folder = os.path.dirname(os.path.abspath(self.state_file))
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".atlscim-state-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(self.executor.state_json())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.state_file)

    def result(self) -> Result:
        self.save()
        return Result(self.executor.outcomes(), self.executor.state, self.executor.steps(), self.requests)


def run(
    plan: Plan,
    base_url: str,
    token: str,
    client: httpx.Client | None = None,
    *,
    options: Mapping[str, Any] | None = None,
    state: Mapping[str, Any] | str | None = None,
    state_file: str | os.PathLike[str] | None = None,
    progress: ProgressCallback | bool | None = None,
    timeout: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
) -> Result:
    """Carries ``plan`` out against the directory at ``base_url`` (its SCIM base URL,
    ``https://api.atlassian.com/scim/directory/{id}``) with bearer ``token``.

    ``client`` is an ``httpx.Client`` to send with (its transport, proxies and TLS settings are
    used; one with ``timeout`` seconds is made and closed when None). ``options`` are the executor
    options of docs/sync.md (``max_attempts``, ``backoff_base``, ``rate_per_second``, …);
    ``state`` or ``state_file`` resume an earlier run (``state_file`` is also written after every
    call). ``progress``: a callback, ``True`` for the bar, ``False`` for nothing, None for the bar
    on a terminal. Raises ``SyncError`` when the plan was refused by a guard rail or the state
    belongs to another plan; everything Atlassian answers is in the ``Result``.
    """
    driver = _Driver(plan, base_url, token, options, state, state_file, progress, clock)
    own = client is None
    http = httpx.Client(timeout=timeout) if client is None else client
    try:
        while True:
            action = driver.next()
            if action["kind"] == "done":
                return driver.result()
            if action["kind"] == "wait":
                sleep(action["seconds"])
                continue
            method, url, headers, body = driver.request(action)
            try:
                response = http.request(method, url, headers=headers, content=body)
                status, answer_headers, answer = response.status_code, response.headers.multi_items(), response.content
            except httpx.TransportError:
                # No answer (timeout, connection lost): the write may have been applied.
                status, answer_headers, answer = 0, [], b""
            driver.feed(action, status, answer_headers, answer)
    finally:
        if own:
            http.close()


async def arun(
    plan: Plan,
    base_url: str,
    token: str,
    client: httpx.AsyncClient | None = None,
    *,
    options: Mapping[str, Any] | None = None,
    state: Mapping[str, Any] | str | None = None,
    state_file: str | os.PathLike[str] | None = None,
    progress: ProgressCallback | bool | None = None,
    timeout: float = 30.0,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    clock: Callable[[], float] = time.time,
) -> Result:
    """The async twin of ``run``, over an ``httpx.AsyncClient``. Cancelling the task stops the
    run between requests or while it waits; the state (and ``state_file``) then says where it
    was, and a request cancelled in flight is reconciled when the run resumes."""
    driver = _Driver(plan, base_url, token, options, state, state_file, progress, clock)
    own = client is None
    http = httpx.AsyncClient(timeout=timeout) if client is None else client
    try:
        while True:
            action = driver.next()
            if action["kind"] == "done":
                return driver.result()
            if action["kind"] == "wait":
                await sleep(action["seconds"])
                continue
            method, url, headers, body = driver.request(action)
            try:
                response = await http.request(method, url, headers=headers, content=body)
                status, answer_headers, answer = response.status_code, response.headers.multi_items(), response.content
            except httpx.TransportError:
                status, answer_headers, answer = 0, [], b""
            driver.feed(action, status, answer_headers, answer)
    finally:
        if own:
            await http.aclose()


def _page_request(base_url: str, token: str, path: str) -> tuple[str, dict[str, str]]:
    return base_url.rstrip("/") + path, {"Authorization": f"Bearer {token}", "Accept": "application/scim+json"}


def _read_page(response: httpx.Response, path: str) -> bytes | float:
    """The body of a list page, or how long to wait before asking again."""
    if response.status_code == 200:
        return response.content
    verdict = classify_response(response.status_code, response.content, list(response.headers.multi_items()))
    if verdict.retryable:
        return verdict.retry_after if verdict.retry_after is not None else 1.0
    raise SyncError(f"GET {path}: {response.status_code} {verdict.detail or ''}".strip(), kind="input")


def fetch_current(
    base_url: str,
    token: str,
    client: httpx.Client | None = None,
    *,
    page_size: int = 100,
    attempts: int = 10,
    timeout: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, list[Any]]:
    """Atlassian's side, every page of ``GET /Users`` and ``GET /Groups``: ``{"Users": [...],
    "Groups": [...]}``, the ``current`` that ``plan`` takes. Waits out 429s and retries 5xx up to
    ``attempts`` times a page; raises ``SyncError`` (kind ``input``) on any other answer."""
    own = client is None
    http = httpx.Client(timeout=timeout) if client is None else client
    out: dict[str, list[Any]] = {"Users": [], "Groups": []}
    try:
        for collection in ("Users", "Groups"):
            # The paging (startIndex, totalResults, an end) is the core's Pager.
            pager = Pager(collection, page_size)
            while (path := pager.next_path()) is not None:
                url, headers = _page_request(base_url, token, path)
                for attempt in range(attempts):
                    read = _read_page(http.get(url, headers=headers), path)
                    if isinstance(read, bytes):
                        break
                    _give_up(path, attempt, attempts)
                    sleep(read)
                out[collection].extend(pager.feed(_page(read)))
    finally:
        if own:
            http.close()
    return out


async def afetch_current(
    base_url: str,
    token: str,
    client: httpx.AsyncClient | None = None,
    *,
    page_size: int = 100,
    attempts: int = 10,
    timeout: float = 30.0,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> dict[str, list[Any]]:
    """The async twin of ``fetch_current``."""
    own = client is None
    http = httpx.AsyncClient(timeout=timeout) if client is None else client
    out: dict[str, list[Any]] = {"Users": [], "Groups": []}
    try:
        for collection in ("Users", "Groups"):
            # The paging (startIndex, totalResults, an end) is the core's Pager.
            pager = Pager(collection, page_size)
            while (path := pager.next_path()) is not None:
                url, headers = _page_request(base_url, token, path)
                for attempt in range(attempts):
                    read = _read_page(await http.get(url, headers=headers), path)
                    if isinstance(read, bytes):
                        break
                    _give_up(path, attempt, attempts)
                    await sleep(read)
                out[collection].extend(pager.feed(_page(read)))
    finally:
        if own:
            await http.aclose()
    return out


def _give_up(path: str, attempt: int, attempts: int) -> None:
    if attempt + 1 == attempts:
        raise SyncError(f"GET {path}: still refused after {attempts} attempts", kind="input")


def _page(read: bytes | float) -> bytes:
    # The retry loop ends with a page or raises: a wait here is unreachable.
    assert isinstance(read, bytes)
    return read
