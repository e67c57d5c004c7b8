#!/usr/bin/env bash
# `make dist-test` (run by `make test`): the artifacts in dist/ installed the way a stranger
# installs them, with nothing of the repository's build in reach.
#
# - Python: a fresh venv, with no Rust toolchain on PATH, installs the x86_64 wheel from dist/
#   (binary only, with the httpx and requests extras) and runs the README's Python example and a
#   slice of python/tests against it (the package, profiles, responses, the HTTP transports).
# - C: a consumer outside the repository (tests/dist/consumer.c, copied out) compiles against the
#   unpacked tarball with `pkg-config --cflags --libs atlscim` (shared; ldd must show
#   libatlscim.so.0 from the tarball) and `atlscim-static` (static; no libatlscim at run time), and
#   runs under valgrind with no leaks.
# - Go: a consumer module outside the repository (tests/dist/go-consumer) requires
#   github.com/atlscim/atlscim/go, replaced by a copy of go/ where ../target and ../include do not
#   exist, builds through pkg-config against the tarball (shared by default: ldd shows the
#   tarball's libatlscim.so.0; static with -tags atlscim_static: the link map shows the
#   tarball's libatlscim.a) and runs its check. GOPROXY=off: nothing is fetched.
#
# Needs dist/ (scripts/dist.sh), python3, a C compiler, pkg-config, valgrind, go.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

PYTHON=${PYTHON:-python3}
CC=${CC:-gcc}
work=$root/build/dist-test
rm -rf "$work" && mkdir -p "$work"
version="$(cargo metadata --no-deps --format-version 1 |
    python3 -c 'import json, sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "atlscim-core"))')"
fail() { echo "dist-test: $*" >&2; exit 1; }

echo "== Python: the wheel from dist/ in a fresh venv, no Rust toolchain on PATH"
wheel=$(ls "$root"/dist/atlscim-"$version"-cp310-abi3-*manylinux_2_17_x86_64.whl) || fail "no x86_64 wheel in dist/ (make dist)"
# PATH without any directory that holds cargo or rustc.
clean_path=""
IFS=: read -r -a dirs <<<"$PATH"
for d in "${dirs[@]}"; do
    [[ -x $d/cargo || -x $d/rustc ]] && continue
    clean_path+="${clean_path:+:}$d"
done
"$PYTHON" -m venv "$work/venv"
(
    export PATH="$work/venv/bin:$clean_path"
    unset CARGO_HOME RUSTUP_HOME CARGO_TARGET_DIR
    ! command -v cargo >/dev/null && ! command -v rustc >/dev/null || fail "a Rust toolchain is still on PATH"
    cd "$work"
    # The extras bring httpx and requests; the constraints pin them to what the tests pin.
    printf '%s\n' httpx==0.28.1 requests==2.34.2 >"$work/constraints.txt"
    python -m pip install --quiet --disable-pip-version-check --only-binary :all: -c "$work/constraints.txt" \
        "$wheel[httpx,requests]" pytest==9.2.0 pytest-httpserver==1.2.0 werkzeug==3.1.9
    python -c 'import httpx, requests' || fail "the httpx and requests extras did not install them"
    installed=$(python -c 'import atlscim; print(atlscim.__file__)')
    [[ $installed = "$work/venv/"* ]] || fail "atlscim was imported from $installed, not the venv"
    # The README's Python example, as a reader pastes it.
    python - "$root/README.md" <<'PY'
import re, sys, io, contextlib
text = open(sys.argv[1], encoding="utf-8").read()
example = re.findall(r"^```python\n(.*?)^```", text, re.S | re.M)[0]
expected = re.search(r"#\s*(.+)$", example.strip().splitlines()[-1]).group(1).strip()
out = io.StringIO()
with contextlib.redirect_stdout(out):
    exec(example, {"__name__": "__main__"})
assert out.getvalue().strip() == expected, (out.getvalue(), expected)
print("README example:", out.getvalue().strip())
PY
    python -m pytest -q -p no:cacheprovider "$root/python/tests/test_package.py" \
        "$root/python/tests/test_profile.py" "$root/python/tests/test_response.py" \
        "$root/python/tests/test_transports.py"
)

echo "== C: a consumer outside the repository, against the unpacked tarball"
tarball=$root/dist/atlscim-$version-linux-x86_64.tar.gz
[[ -f $tarball ]] || fail "no $tarball (make dist)"
tar -C "$work" -xzf "$tarball"
prefix=$work/atlscim-$version-linux-x86_64
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
unset PKG_CONFIG_LIBDIR
[[ $(pkg-config --modversion atlscim) = "$version" ]] || fail "atlscim.pc's version is not $version"
mkdir -p "$work/c" && cp tests/dist/consumer.c "$work/c/"
valgrind=(valgrind --quiet --error-exitcode=99 --leak-check=full --suppressions=tests/c/valgrind.supp
    --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible)
(
    cd "$work/c"
    read -r -a shared_flags <<<"$(pkg-config --cflags --libs atlscim)"
    read -r -a static_flags <<<"$(pkg-config --cflags --libs atlscim-static)"
    "$CC" -std=c99 -Wall -Wextra -Werror consumer.c "${shared_flags[@]}" -o consumer-shared
    "$CC" -std=c99 -Wall -Wextra -Werror consumer.c "${static_flags[@]}" -o consumer-static
)
libs=$(LD_LIBRARY_PATH=$prefix/lib ldd "$work/c/consumer-shared")
grep -q "libatlscim.so.0 => $prefix/lib/libatlscim.so.0 " <<<"$libs" || { echo "$libs"; fail "the shared consumer does not load the tarball's libatlscim.so.0"; }
libs=$(ldd "$work/c/consumer-static")
! grep -q libatlscim <<<"$libs" || fail "the static consumer needs libatlscim.so"
LD_LIBRARY_PATH=$prefix/lib "${valgrind[@]}" "$work/c/consumer-shared"
"${valgrind[@]}" "$work/c/consumer-static"
echo "C: shared (SONAME libatlscim.so.0, from the tarball) and static, no leaks under valgrind"

echo "== Go: a consumer module outside the repository, through pkg-config"
gowork=$work/go
mkdir -p "$gowork/atlscim-go" "$gowork/consumer"
# The module as a user's checkout or module cache holds it: its files, with no ../target or
# ../include beside them.
cp go/go.mod go/*.go go/*.h "$gowork/atlscim-go/"
rm -f "$gowork"/atlscim-go/*_test.go
cp tests/dist/go-consumer/main.go "$gowork/consumer/"
cat >"$gowork/consumer/go.mod" <<EOF
module example.com/consumer

go 1.24

require github.com/atlscim/atlscim/go v$version

replace github.com/atlscim/atlscim/go => ../atlscim-go
EOF
(
    cd "$gowork/consumer"
    export GOPROXY=off GOFLAGS=-mod=mod
    go build -o consumer-shared .
    go build -tags atlscim_static -ldflags="-extldflags=-Wl,-Map,$gowork/static.map" -o consumer-static .
)
libs=$(LD_LIBRARY_PATH=$prefix/lib ldd "$gowork/consumer/consumer-shared")
grep -q "libatlscim.so.0 => $prefix/lib/libatlscim.so.0 " <<<"$libs" || { echo "$libs"; fail "the Go consumer does not load the tarball's libatlscim.so.0"; }
# The map names each archive member it took as ARCHIVE(MEMBER); the archive must be the tarball's.
archive=$(grep -m 1 -o '^[^ ]*libatlscim\.a(' "$gowork/static.map" | sed 's/($//')
[[ -n $archive && $(realpath "$archive") = "$(realpath "$prefix/lib/libatlscim.a")" ]] ||
    fail "the static Go consumer was not linked with the tarball's libatlscim.a (map: ${archive:-none})"
libs=$(ldd "$gowork/consumer/consumer-static")
! grep -q libatlscim <<<"$libs" || fail "the static Go consumer needs libatlscim.so"
LD_LIBRARY_PATH=$prefix/lib "$gowork/consumer/consumer-shared"
"$gowork/consumer/consumer-static"
echo "Go: default build (shared, the tarball's libatlscim.so.0) and -tags atlscim_static (the tarball's libatlscim.a) pass"

echo "dist-test: the wheel, the C tarball and the Go module work as installed"
