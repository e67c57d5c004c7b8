from __future__ import annotations

from typing import Any


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Says how many shared vector cases ran, and in how many forms, like the Rust harness does."""
    reports = [
        r
        for key in ("passed", "failed")
        for r in terminalreporter.stats.get(key, [])
        if getattr(r, "when", "") == "call" and "test_vectors.py::test_vector[" in r.nodeid
    ]
    if reports:
        failed = sum(1 for r in reports if r.failed)
        cases = {r.nodeid.rsplit(" [", 1)[0] for r in reports}
        terminalreporter.write_line(
            f"shared vectors: {len(cases)} cases run as {len(reports)} checks (str, bytes, Python object), "
            f"{failed} failures"
        )
