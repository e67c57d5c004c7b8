"""pytest plugin (entry point ``pytest11``): the ``atlassian_directory`` fixture.

    def test_sync(atlassian_directory):
        my_connector.sync(base_url=atlassian_directory.url, token=atlassian_directory.token)
        assert len(atlassian_directory.users()) == 3

    @pytest.mark.atlassian_directory(config={"verified_domains": ["example.com"]}, faults="429,times=1")
    def test_backoff(atlassian_directory): ...

Each test gets a fresh directory on its own port, stopped after the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from atlscim.testing import Directory, serve


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "atlassian_directory(config=None, faults=None, ...): settings of the atlassian_directory fixture "
        "(the keyword arguments of atlscim.testing.serve)",
    )


@pytest.fixture
def atlassian_directory(request: pytest.FixtureRequest) -> Iterator[Directory]:
    """A local Atlassian directory (``atlscim.testing.Directory``) for one test."""
    marker = request.node.get_closest_marker("atlassian_directory")
    kwargs: dict[str, Any] = dict(marker.kwargs) if marker else {}
    with serve(**kwargs) as directory:
        yield directory
