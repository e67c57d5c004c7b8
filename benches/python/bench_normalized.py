"""Profile.check, its `normalized`, and check_batch's, on the benchmark User with a lenient fix
(issue 12; docs/benchmarks.md, "Python: one route for check and check_batch").

    taskset -c 1 .venv/bin/python benches/python/bench_normalized.py LABEL

Prints one line: each row's fastest of 9 rounds of 5,000 calls, in microseconds. To compare two
builds, install each wheel into its own venv and alternate the runs.
"""

from __future__ import annotations

import json
import sys
import timeit
from pathlib import Path

import atlscim

USER = Path(__file__).resolve().parents[2] / ".." / "shared" / "bench" / "user.json"


def main() -> None:
    label = sys.argv[1] if len(sys.argv) > 1 else "run"
    p = atlscim.Profile()
    user = json.loads(USER.read_text(encoding="utf-8"))
    user["active"] = "true"  # a lenient fix besides the file's own dropped attributes
    assert p.check("POST", "/Users", user).normalized["active"] is True
    rows = [
        ("check", lambda: p.check("POST", "/Users", user)),
        ("check+normalized", lambda: p.check("POST", "/Users", user).normalized),
        ("batch+normalized", lambda: p.check_batch([("POST", "/Users", user)])[0].normalized),
    ]
    timings = (f"{name}={min(timeit.repeat(f, number=5000, repeat=9)) / 5000 * 1e6:.2f}" for name, f in rows)
    print(label, " ".join(timings))


if __name__ == "__main__":
    main()
