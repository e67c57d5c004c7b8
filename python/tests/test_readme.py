"""The examples in python/README.md run, in order, and print what the README says they print."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parents[1] / "README.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M)


def test_the_quick_start_is_short() -> None:
    assert 5 <= len([line for line in blocks("python")[0].splitlines() if line.strip()]) <= 10


def test_every_example_prints_what_the_readme_says() -> None:
    examples, outputs = blocks("python"), blocks("text")
    assert len(examples) == len(outputs) >= 6
    # Each example continues the ones before it, as the README says.
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    for i, (example, expected) in enumerate(zip(examples, outputs, strict=True)):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(example, f"{README} (example {i + 1})", "exec"), namespace)
        assert out.getvalue() == expected, f"example {i + 1}"


def test_the_examples_type_check(tmp_path: Path) -> None:
    from mypy import api

    args = ["--strict", "--cache-dir", str(tmp_path), "-c", "\n".join(blocks("python"))]
    out, err, status = api.run(args)
    assert status == 0, out + err


ROOT_README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_root_readme_example_prints_what_its_comment_says() -> None:
    """README.md's first Python example ends its print line with a comment giving the output."""
    example = re.findall(r"^```python\n(.*?)^```", ROOT_README.read_text(encoding="utf-8"), re.S | re.M)[0]
    expected = re.search(r"#\s*(.+)$", example.strip().splitlines()[-1])
    assert expected is not None, "the example's last line comments its output"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example, f"{ROOT_README} (Python example)", "exec"), {"__name__": "readme_example"})
    assert out.getvalue().strip() == expected.group(1).strip()
