#!/usr/bin/env python3
"""Times atlscim's Profile.check and Profile.apply_patch against scim2-models on the same User,
in one run.

    python3 benches/python/bench_vs_scim2_models.py        (from the repository root)

The script makes its own venv (build/bench-venv) with scim2-models and maturin from PyPI,
builds the atlscim wheel (release, with the `conversion-bench` feature, which adds the
dict-conversion options measured below) into it, and runs itself again inside it. It then
times, interleaved round by round so that all candidates see the same machine noise:

- Profile.check("POST", "/Users", body) with the body as a dict, as JSON text (str) and as bytes;
- the same user with what Atlassian does not store left out, which needs no fix, so no copy;
- the other ways a dict could reach the core: json.dumps then text, serde-pyobject to a
  serde_json Value, our own reader to a Value (checked detached and attached), and the direct
  walk without the copy of the dict that Profile.check keeps when the fixes change the body;
- scim2-models: User[EnterpriseUser].model_validate(the same dict);
- PATCH, four Entra-style operations (as in core/benches/filter_patch.rs) on the same User:
  Profile.apply_patch(user dict, patch dict) -> new dict, which reads and checks the PatchOp and
  works on a copy; scim2-models doing the same work, PatchOp[User[EnterpriseUser]].model_validate
  then .patch on a deep copy of the validated User; and, for reference, scim2-models' .patch
  alone (PatchOp validated once, on a deep copy).

It prints the median per call in microseconds and the ratio to scim2-models. The targets
(DESIGN.md "Targets") are Profile.check with a dict at least 20x faster than scim2-models, and
four Entra-style ops in 2 µs in the core (scim2-models: about 1.4 ms).

Environment: ATLSCIM_BENCH_USER overrides the input (default ../shared/bench/user.json relative
to the repository); ATLSCIM_BENCH_ROUNDS the number of rounds (default 41); ATLSCIM_BENCH_CPU a
CPU to pin to (default: the last one the process may use).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / "build" / "bench-venv"
WHEELS = REPO / "build" / "bench-wheels"
PINS = ["maturin==1.16.0", "scim2-models==0.12.3", "scim2-filter-parser==0.7.0"]
INSIDE = "ATLSCIM_BENCH_INSIDE"


def venv_python() -> Path:
    return VENV / "bin" / "python"


def run(*args: object) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True)


def bootstrap() -> None:
    """Creates the venv, installs the pins and a fresh wheel, and re-runs this file inside it."""
    if not venv_python().exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    run(venv_python(), "-m", "pip", "install", "-q", *PINS)
    for old in WHEELS.glob("*.whl"):
        old.unlink()
    run(
        VENV / "bin" / "maturin", "build", "--release", "-q",
        "-m", REPO / "python" / "Cargo.toml", "--features", "conversion-bench", "-o", WHEELS,
    )
    (wheel,) = WHEELS.glob("atlscim-*.whl")
    run(venv_python(), "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", wheel)
    env = dict(os.environ, **{INSIDE: "1"})
    sys.exit(subprocess.run([str(venv_python()), __file__, *sys.argv[1:]], env=env).returncode)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def per_call_us(fn, arg, calls: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(calls):
        fn(arg)
    return (time.perf_counter_ns() - start) / calls / 1000.0


def calibrate(fn, arg) -> int:
    """Calls per round so that one round takes about 20 ms."""
    calls = 1
    while True:
        elapsed_us = per_call_us(fn, arg, calls) * calls
        if elapsed_us > 20_000:
            return calls
        calls *= 2


def main() -> None:
    import atlscim
    from atlscim import _native
    from scim2_models import Context, EnterpriseUser, PatchOp, User

    load = os.getloadavg()[0]
    user_path = Path(os.environ.get("ATLSCIM_BENCH_USER", REPO.parent / "shared" / "bench" / "user.json"))
    text = user_path.read_text(encoding="utf-8")
    user = json.loads(text)
    data = text.encode("utf-8")
    rounds = int(os.environ.get("ATLSCIM_BENCH_ROUNDS", "41"))
    cpus = sorted(os.sched_getaffinity(0))
    cpu = int(os.environ.get("ATLSCIM_BENCH_CPU", cpus[-1]))
    os.sched_setaffinity(0, {cpu})

    profile = atlscim.Profile()
    report = profile.check("POST", "/Users", user)
    model = User[EnterpriseUser]
    model.model_validate(user)  # fails loudly if scim2-models does not accept the input
    # Every candidate must reach the same verdict, or the comparison means nothing.
    for other in (
        profile.check("POST", "/Users", text),
        profile.check("POST", "/Users", data),
        _native._bench_check_via("serde_pyobject", profile, "POST", "/Users", user),
        _native._bench_check_via("value", profile, "POST", "/Users", user),
        _native._bench_check_via("direct_no_copy", profile, "POST", "/Users", user),
    ):
        # (A Value lists members in key order, a dict in insertion order: compare issues as sets.)
        assert other.valid == report.valid and set(other.issues) == set(report.issues), (report, other)

    # The same user with what Atlassian does not store already left out: a body the lenient
    # fixes leave alone, so the report needs no copy of it (normalized is the dict itself).
    # (Warnings no fix removes, such as ATL-U-020's display name, may remain.)
    clean = report.normalized
    assert profile.check("POST", "/Users", clean).normalized is clean

    # PATCH: the same four operations through atlscim and scim2-models must give the same user.
    entra_ops = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "barbara.jensen@example.com"},
        {"op": "Replace", "path": "name.familyName", "value": "Jensen-Smith"},
        {"op": "Replace", "path": "active", "value": "False"},
        {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
         "value": "Sales"},
    ]}
    patch_model = PatchOp[model]
    validated_user = model.model_validate(user)

    def scim2_validate_and_patch(ops: dict) -> object:
        copy = validated_user.model_copy(deep=True)
        patch_model.model_validate(ops, scim_ctx=Context.RESOURCE_PATCH_REQUEST).patch(copy)
        return copy

    validated_ops = patch_model.model_validate(entra_ops, scim_ctx=Context.RESOURCE_PATCH_REQUEST)
    patched = profile.apply_patch(user, entra_ops)
    theirs = scim2_validate_and_patch(entra_ops)
    enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    assert (patched["active"], patched["name"]["familyName"], patched[enterprise]["department"]) == (
        theirs.active, theirs.name.family_name, theirs[EnterpriseUser].department) == (False, "Jensen-Smith", "Sales")
    assert [e["value"] for e in patched["emails"]] == [e.value for e in theirs.emails]

    # Filters: atlscim.parse_filter against scim2-filter-parser's lexer and parser (the most
    # downloaded Python SCIM filter parser), on the short and long filters of DESIGN.md.
    from scim2_filter_parser.lexer import SCIMLexer
    from scim2_filter_parser.parser import SCIMParser

    short_filter = 'userName eq "bjensen"'
    long_filter = 'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]'

    def sfp_parse(f: str) -> object:
        return SCIMParser().parse(SCIMLexer().tokenize(f))

    assert sfp_parse(long_filter) is not None and str(atlscim.parse_filter(long_filter))

    check = profile.check
    via = _native._bench_check_via
    apply_patch = profile.apply_patch
    candidates = {
        "atlscim Profile.check, dict": (lambda b: check("POST", "/Users", b), user),
        "atlscim Profile.check, JSON str": (lambda b: check("POST", "/Users", b), text),
        "atlscim Profile.check, JSON bytes": (lambda b: check("POST", "/Users", b), data),
        "atlscim Profile.check, dict needing no fix": (lambda b: check("POST", "/Users", b), clean),
        "dict option: json.dumps, then check str": (lambda b: check("POST", "/Users", json.dumps(b)), user),
        "dict option: serde-pyobject -> Value, detached": (
            lambda b: via("serde_pyobject", profile, "POST", "/Users", b), user),
        "dict option: own reader -> Value, detached": (lambda b: via("value", profile, "POST", "/Users", b), user),
        "dict option: own reader -> Value, attached": (
            lambda b: via("value_attached", profile, "POST", "/Users", b), user),
        "dict option: direct walk without the copy for normalized": (
            lambda b: via("direct_no_copy", profile, "POST", "/Users", b), user),
        "scim2-models User[EnterpriseUser].model_validate": (model.model_validate, user),
        "PATCH atlscim Profile.apply_patch, dicts": (lambda ops: apply_patch(user, ops), entra_ops),
        "PATCH scim2-models PatchOp validate + patch a deep copy": (scim2_validate_and_patch, entra_ops),
        "PATCH scim2-models patch a deep copy (PatchOp validated once)": (
            lambda ops: ops.patch(validated_user.model_copy(deep=True)), validated_ops),
        "FILTER short: atlscim.parse_filter": (atlscim.parse_filter, short_filter),
        "FILTER short: scim2-filter-parser lex + parse": (sfp_parse, short_filter),
        "FILTER long: atlscim.parse_filter": (atlscim.parse_filter, long_filter),
        "FILTER long: scim2-filter-parser lex + parse": (sfp_parse, long_filter),
    }
    calls = {name: calibrate(fn, arg) for name, (fn, arg) in candidates.items()}
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, (fn, arg) in candidates.items():
            samples[name].append(per_call_us(fn, arg, calls[name]))

    medians = {name: statistics.median(s) for name, s in samples.items()}
    baselines = {
        "check": medians["scim2-models User[EnterpriseUser].model_validate"],
        "PATCH": medians["PATCH scim2-models PatchOp validate + patch a deep copy"],
        "FILTER short": medians["FILTER short: scim2-filter-parser lex + parse"],
        "FILTER long": medians["FILTER long: scim2-filter-parser lex + parse"],
    }
    print()
    print(f"input: {user_path} ({len(data)} bytes); verdict: {report!r}")
    print(
        f"python {platform.python_version()}, atlscim {atlscim.__version__}, "
        f"scim2-models {importlib.metadata.version('scim2-models')}, pydantic {importlib.metadata.version('pydantic')}"
    )
    print(f"{cpu_model()}, {os.cpu_count()} CPUs, pinned to CPU {cpu}; {platform.system()} {platform.release()}; "
          f"load average before the run {load:.2f}")
    print(f"{rounds} rounds, interleaved; median per call")
    print()
    width = max(len(n) for n in medians)
    print(f"{'candidate':<{width}}  {'median µs':>10}  {'peer / this':>20}")
    for name, us in medians.items():
        kind = next((k for k in ("PATCH", "FILTER short", "FILTER long") if name.startswith(k)), "check")
        baseline = baselines[kind]
        print(f"{name:<{width}}  {us:>10.2f}  {baseline / us:>19.1f}x")
    ratio = baselines["check"] / medians["atlscim Profile.check, dict"]
    verdict = "meets" if ratio >= 20 else "MISSES"
    print()
    print(f"Profile.check with a dict is {ratio:.1f}x faster than scim2-models ({verdict} the 20x target)")
    patch_us = medians["PATCH atlscim Profile.apply_patch, dicts"]
    print(f"Profile.apply_patch (4 Entra ops, dicts in and out) takes {patch_us:.2f} µs: "
          f"{baselines['PATCH'] / patch_us:.0f}x faster than scim2-models validating and applying the same PatchOp")


if __name__ == "__main__":
    if os.environ.get(INSIDE):
        main()
    else:
        bootstrap()
