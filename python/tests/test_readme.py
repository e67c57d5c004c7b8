"""The quick start in python/README.md runs and prints what the README says it prints."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M)


def test_the_readme_example_prints_what_the_readme_says() -> None:
    example = blocks("python")[0]
    expected = blocks("text")[0]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example, str(README), "exec"), {"__name__": "readme_example"})
    assert out.getvalue() == expected
    assert 5 <= len([line for line in example.splitlines() if line.strip()]) <= 10


def test_the_readme_example_type_checks(tmp_path: Path) -> None:
    from mypy import api

    args = ["--strict", "--cache-dir", str(tmp_path), "-c", blocks("python")[0]]
    out, err, status = api.run(args)
    assert status == 0, out + err
