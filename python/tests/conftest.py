from __future__ import annotations

from typing import Any

#: The runner of each vector kind in test_vectors.py, and what one of its runs is.
RUNNERS = {
    "check": ("test_vector", "checks (str, bytes, Python object)"),
    "patch": ("test_patch_vector", "apply_patch calls"),
    "diff": ("test_diff_vector", "diffs, each applied back"),
    "batch": ("test_batch_vector", "batches (check_batch with text, Batch with dicts)"),
    "response": ("test_response_vector", "classifications"),
    "map": ("test_map_vector", "map_user, map_group, mapping and normalizer calls"),
}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Says how many shared vector cases of each kind ran, like the Rust harnesses do."""
    reports = [
        r
        for key in ("passed", "failed")
        for r in terminalreporter.stats.get(key, [])
        if getattr(r, "when", "") == "call" and "test_vectors.py::" in r.nodeid
    ]
    for kind, (runner, runs) in RUNNERS.items():
        mine = [r for r in reports if r.nodeid.split("::", 1)[1].startswith(runner + "[")]
        if not mine:
            continue
        failed = sum(1 for r in mine if r.failed)
        cases = {r.nodeid.rsplit(" [", 1)[0] if kind == "check" else r.nodeid for r in mine}
        terminalreporter.write_line(
            f"shared vectors, {kind}: {len(cases)} cases run as {len(mine)} {runs}, {failed} failures"
        )
