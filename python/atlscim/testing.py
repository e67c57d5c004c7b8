"""A local Atlassian directory for tests: ``atlscim serve`` running in-process.

    >>> import atlscim.testing
    >>> with atlscim.testing.serve(config={"verified_domains": ["example.com"]}) as directory:
    ...     directory.url.startswith("http://127.0.0.1:")
    True

``directory.url`` is the SCIM base URL a connector is given (``…/scim/directory/{id}``) and
``directory.token`` its bearer token. The server answers as Atlassian's user provisioning API does
(409 on a taken userName or email, 404 after DELETE, no group rename, one filter per resource
type, Atlassian's body shapes) because its answers come from the same core as
``Profile.check``. ``users()``, ``groups()`` and ``requests()`` show what the connector did;
``reset()`` empties it; ``faults`` (or ``set_faults``) makes it answer 429, 500, 503, slowly, with
an expired key, or lose an answer after applying the write (the spec is in docs/server.md).

With pytest, the ``atlassian_directory`` fixture (this package's pytest plugin) gives one per
test; ``@pytest.mark.atlassian_directory(config=..., faults=...)`` configures it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from atlscim._native import _Server

__all__ = ["Directory", "serve"]


class Directory:
    """A running local directory (see the module documentation)."""

    def __init__(self, server: _Server) -> None:
        self._server = server

    @property
    def url(self) -> str:
        """The SCIM base URL: ``http://127.0.0.1:PORT/scim/directory/{directoryId}``."""
        return self._server.directory_url

    @property
    def server_url(self) -> str:
        """``http://127.0.0.1:PORT``, where the admin surface (``/admin/…``) is."""
        return self._server.url

    @property
    def token(self) -> str:
        """The bearer token: send ``Authorization: Bearer <token>``."""
        return self._server.token

    @property
    def headers(self) -> dict[str, str]:
        """The headers every SCIM request needs."""
        return {"Authorization": f"Bearer {self.token}", "Content-Type": "application/scim+json"}

    def users(self) -> list[dict[str, Any]]:
        """Every user, as ``GET /Users/{id}`` answers it."""
        return self._server.users()

    def groups(self) -> list[dict[str, Any]]:
        """Every group, as ``GET /Groups/{id}`` answers it."""
        return self._server.groups()

    def requests(self) -> list[dict[str, Any]]:
        """The request log, oldest first: ``{time, method, path, status, ms, body?, faults?, lost?}``."""
        return self._server.requests()

    def reset(self) -> None:
        """Empties the directory and the request log."""
        self._server.reset()

    def set_faults(self, spec: str) -> None:
        """Replaces the faults in force (``""`` for none)."""
        self._server.set_faults(spec)

    def check_consistency(self) -> None:
        """Raises ``RuntimeError`` when the directory's indexes do not match its records."""
        self._server.consistency()

    def stop(self) -> None:
        self._server.stop()


@contextmanager
def serve(
    config: dict[str, Any] | None = None,
    *,
    faults: str | None = None,
    token: str | None = None,
    directory_id: str | None = None,
    db: str | None = None,
    seed: str | None = None,
    id_seed: int | None = None,
) -> Iterator[Directory]:
    """Runs a local Atlassian directory for the ``with`` block, on a free loopback port.

    ``config`` is the profile config every binding takes (``verified_domains``, ``limits``,
    ``delete_semantics``, …); ``db`` a SQLite file to keep the state in, ``seed`` an NDJSON export
    to start from, ``id_seed`` makes ids reproducible.
    """
    settings: dict[str, Any] = {
        "addr": "127.0.0.1:0",
        "config": config or {},
        "faults": faults,
        "token": token,
        "directory_id": directory_id,
        "db": db,
        "seed": seed,
        "id_seed": id_seed,
    }
    server = _Server(json.dumps(settings))
    try:
        yield Directory(server)
    finally:
        server.stop()
