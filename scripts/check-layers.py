#!/usr/bin/env python3
"""The core's layers only point down (issue 12).

Reads the layer table in ARCHITECTURE.md (the "## Layers" section: one row per layer, bottom
first, the modules of each in backticks, e.g. `walk::loc`), then every `crate::` and `super::`
path in core/src (in `use` lines and in code alike; comments are skipped), resolves `super::`
to the module it names and re-exports (`pub use`, `pub(crate) use`, in lib.rs and every other
module) to the module that defines the item, and fails when a module refers to a module in a
higher layer, when a module is in no layer, or when the table names a module that does not exist.

    python3 scripts/check-layers.py               # the repository (ARCHITECTURE.md, core/src)
    python3 scripts/check-layers.py ROOT          # ROOT/ARCHITECTURE.md and ROOT/src
    python3 scripts/check-layers.py --self-test   # the fixture with an upward import must fail

A module's layer is that of the longest table entry that is a prefix of it (`walk::loc` is
`walk::loc`'s, `walk::walker` is `walk`'s unless listed). Modules refer freely within a layer.
A `mod tests` block counts as its file's module (`super::` inside it is the file's module).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
PATH_START = re.compile(rf"\b(crate|super)((?:\s*::\s*(?:{IDENT}|\{{))+)")
TESTS = re.compile(r"^\s*mod tests\s*\{")
REEXPORT = re.compile(r"^\s*pub(?:\([a-z]+\))?\s+use\s+([^;]+);", re.M | re.S)


def read_layers(architecture: Path) -> list[list[str]]:
    """The layer table: a list of layers, bottom first, each a list of module paths."""
    lines = architecture.read_text(encoding="utf-8").splitlines()
    try:
        start = next(i for i, l in enumerate(lines) if l.strip() == "## Layers")
    except StopIteration:
        sys.exit(f"{architecture}: no '## Layers' section")
    layers: list[list[str]] = []
    in_table = False
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        if not line.startswith("|"):
            if in_table:
                break
            continue
        in_table = True
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or set(cells[0]) <= set("-: ") or cells[0].lower() == "layer":
            continue
        modules = re.findall(rf"`({IDENT}(?:::{IDENT})*)`", cells[1])
        if not modules:
            sys.exit(f"{architecture}: layer row without modules: {line}")
        layers.append(modules)
    if not layers:
        sys.exit(f"{architecture}: the '## Layers' section has no table")
    return layers


def module_of(src: Path, file: Path) -> tuple[str, ...]:
    parts = list(file.relative_to(src).with_suffix("").parts)
    if parts == ["lib"]:
        return ()
    if parts[-1] == "mod":
        parts.pop()
    return tuple(parts)


def strip_comments(line: str) -> str:
    """The line without a `//` comment (a `//` inside a string literal is kept)."""
    out, in_str, i = [], False, 0
    while i < len(line):
        c = line[i]
        if in_str:
            if c == "\\":
                out.append(line[i : i + 2])
                i += 2
                continue
            if c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif line.startswith("//", i):
            break
        out.append(c)
        i += 1
    return "".join(out)


def expand(tail: str) -> list[list[str]]:
    """`::a::b::{c, d::e}` → [[a, b, c], [a, b, d, e]] (groups may nest; `self` is the prefix)."""
    tail = re.sub(r"\s+", "", re.sub(rf"\s+as\s+{IDENT}", "", tail))

    def parse(s: str, i: int) -> tuple[list[list[str]], int]:
        # s[i:] starts a path list item: segments separated by ::, maybe ending in {…}
        segs: list[str] = []
        while i < len(s):
            if s.startswith("::", i):
                i += 2
                continue
            if s[i] == "{":
                items: list[list[str]] = []
                i += 1
                while i < len(s) and s[i] != "}":
                    sub, i = parse(s, i)
                    items.extend(sub)
                    if i < len(s) and s[i] == ",":
                        i += 1
                i += 1
                return [segs + [x for x in it if x != "self"] for it in items] or [segs], i
            m = re.match(IDENT, s[i:])
            if not m:
                break
            segs.append(m.group(0))
            i += len(m.group(0))
        return [segs], i

    return parse(tail, 0)[0]


class Crate:
    def __init__(self, src: Path):
        self.src = src
        self.files = sorted(p for p in src.rglob("*.rs"))
        self.modules = {module_of(src, f): f for f in self.files}
        self.reexports: dict[tuple[str, ...], dict[str, tuple[str, ...]]] = {}
        for f in self.files:
            self._read_reexports(module_of(src, f), self.code(f)[0])

    def code(self, file: Path) -> tuple[str, str]:
        """The file's code outside its `mod tests` blocks and the code inside them, comments
        stripped; each keeps the file's line numbers (the other part's lines are blank). A tests
        module ends at the first `}` in column 0 after it (rustfmt's layout)."""
        lines = [strip_comments(l) for l in file.read_text(encoding="utf-8").splitlines()]
        in_tests, code, tests = False, [], []
        for line in lines:
            if not in_tests and TESTS.match(line):
                in_tests = True
            (tests if in_tests else code).append(line)
            (code if in_tests else tests).append("")
            if in_tests and line == "}":
                in_tests = False
        return "\n".join(code), "\n".join(tests)

    def absolute(self, module: tuple[str, ...], head: str, segs: list[str], in_tests: bool) -> tuple[str, ...]:
        if head == "crate":
            return tuple(segs)
        base = module if in_tests else module[:-1]  # super:: from a file's `mod tests` is the file
        while segs and segs[0] == "super":
            base = base[:-1]
            segs = segs[1:]
        return base + tuple(segs)

    def _read_reexports(self, module: tuple[str, ...], code: str) -> None:
        names = self.reexports.setdefault(module, {})
        for m in REEXPORT.finditer(code):
            body = m.group(1).strip()
            renames = dict(re.findall(rf"({IDENT})\s+as\s+({IDENT})", body))
            head, _, rest = body.partition("::")
            if head in ("crate", "super", "self"):
                tail = "::" + rest
            else:  # a path relative to this module (a child, as lib.rs writes them)
                head, tail = "self", "::" + body
            for segs in expand(tail):
                if head == "self":
                    target = module + tuple(segs)
                else:
                    target = self.absolute(module, head, segs, False)
                if segs:
                    names[renames.get(segs[-1], segs[-1])] = target

    def resolve(self, path: tuple[str, ...]) -> tuple[str, ...]:
        """The module that defines what `path` names, re-exports followed."""
        for _ in range(16):
            prefix = next(path[:n] for n in range(len(path), -1, -1) if path[:n] in self.modules)
            rest = path[len(prefix) :]
            target = self.reexports.get(prefix, {}).get(rest[0]) if rest else None
            if target is None or target == path[: len(prefix) + 1]:
                return prefix
            path = target + rest[1:]
        return prefix

    def references(self, file: Path):
        """(referred module, line number, text) for every crate::/super:: path in the file."""
        module = module_of(self.src, file)
        code, tests = self.code(file)
        for part, in_tests, first in ((code, False, 1), (tests, True, 1)):
            for m in PATH_START.finditer(part):
                tail = m.group(2)
                if tail.rstrip().endswith("{"):
                    end = balanced(part, m.end() - 1)
                    tail = tail + part[m.end() : end]
                line = first + part.count("\n", 0, m.start())
                text = m.group(1) + re.sub(r"\s+", "", tail)
                for segs in expand(tail):
                    target = self.resolve(self.absolute(module, m.group(1), segs, in_tests))
                    yield target, line, text


def balanced(text: str, open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return i + 1
    return len(text)


def layer_of(layers: list[list[str]], module: tuple[str, ...]) -> int | None:
    best, best_len = None, -1
    for i, mods in enumerate(layers):
        for entry in mods:
            segs = tuple(entry.split("::"))
            if module[: len(segs)] == segs and len(segs) > best_len:
                best, best_len = i, len(segs)
    return best


def check(root: Path, src: Path) -> list[str]:
    layers = read_layers(root / "ARCHITECTURE.md")
    crate = Crate(src)
    problems = []
    name = lambda m: "::".join(m) or "crate"  # noqa: E731
    for entry in (e for mods in layers for e in mods):
        if tuple(entry.split("::")) not in crate.modules:
            problems.append(f"ARCHITECTURE.md: the layer table names `{entry}`, which is no module of {src}")
    for module in sorted(crate.modules):
        if module and layer_of(layers, module) is None:
            problems.append(f"{crate.modules[module]}: module `{name(module)}` is in no layer of ARCHITECTURE.md")
    for file in crate.files:
        module = module_of(src, file)
        mine = layer_of(layers, module)
        if not module or mine is None:
            continue  # lib.rs declares every module; an unlisted module is reported above
        for target, line, text in crate.references(file):
            theirs = layer_of(layers, target)
            if theirs is not None and theirs > mine:
                problems.append(
                    f"{file}:{line}: `{name(module)}` (layer {mine + 1}) refers to `{name(target)}` "
                    f"(layer {theirs + 1}, above it): {text}"
                )
    return problems


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent
    if argv[1:] == ["--self-test"]:
        fixture = here / "fixtures" / "layers"
        out = subprocess.run(
            [sys.executable, __file__, str(fixture)], capture_output=True, text=True, check=False
        )
        want = "`low` (layer 1) refers to `high` (layer 2, above it): crate::high::Thing"
        want_super = "`low::inner` (layer 1) refers to `high` (layer 2, above it)"
        want_reexport = "`low` (layer 1) refers to `high` (layer 2, above it): crate::Thing"
        missing = [w for w in (want, want_super, want_reexport) if w not in out.stdout]
        if out.returncode == 0 or missing:
            print(f"self-test: the fixture's upward imports were not all caught (exit {out.returncode}):")
            print(out.stdout + out.stderr)
            return 1
        if "3 reference(s) break" not in out.stdout:
            print("self-test: a reference that does not point up was reported:\n" + out.stdout)
            return 1
        print("check-layers self-test: the fixture's upward imports fail the check")
        return 0
    root = Path(argv[1]) if len(argv) > 1 else here.parent
    src = root / "src" if (root / "src" / "lib.rs").exists() else root / "core" / "src"
    problems = check(root, src)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} reference(s) break the layers of {root / 'ARCHITECTURE.md'}")
        return 1
    print(f"layers ok: every crate::/super:: path in {src} points to its own layer or below")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
