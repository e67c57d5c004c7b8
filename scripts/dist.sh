#!/usr/bin/env bash
# `make dist`: every artifact a user installs, under dist/.
#
#   bash scripts/dist.sh            everything below
#   bash scripts/dist.sh wheel      only the x86_64 wheel (what scripts/test-python.sh installs)
#   bash scripts/dist.sh STEP...    some of: notices wheel wheel_aarch64 sdist c_tarball crates
#
# - Python: abi3 manylinux2014 wheels built by maturin with zig as the linker (the `ziglang`
#   package from PyPI, pinned; no container), x86_64 always and aarch64 when `rustup target add`
#   can install that target here (skipped with the reason otherwise); `auditwheel show` must call
#   each manylinux_2_17 (manylinux2014). An sdist, tested by building a wheel from it.
# - C: atlscim-VERSION-linux-x86_64.tar.gz with lib/libatlscim.a, lib/libatlscim.so.VERSION (SONAME
#   libatlscim.so.MAJOR, see ffi/build.rs) and its symlinks, lib/pkgconfig/atlscim.pc (shared) and
#   atlscim-static.pc, include/atlscim.h, the licences, THIRD_PARTY.md and the C README. The .pc
#   files find their prefix from where they are (${pcfiledir}), so the tarball unpacks anywhere.
# - Rust: `cargo package --workspace` (the .crate files go to dist/crates) and
#   `cargo install --path cli`.
# - THIRD_PARTY.md of the wheel and the tarball must match what scripts/third_party.py generates.
#
# Tools go into .venv (the same venv scripts/test-python.sh uses). DIST_AARCH64=0 skips the
# aarch64 wheel.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

PYTHON=${PYTHON:-python3}
VENV=$root/.venv
DIST=$root/dist
# ziglang 0.15.2: the newest zig that maturin 1.16's --zig is known to drive here (0.16 and later
# change zig cc's command line); auditwheel for the manylinux verdict.
PINS=(maturin==1.16.0 ziglang==0.15.2 auditwheel==6.8.2)
# maturin looks for zig as `python3 -m ziglang` on PATH, so the venv goes first.
export PATH="$VENV/bin:$PATH"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac

version="$(cargo metadata --no-deps --format-version 1 |
    python3 -c 'import json, sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "atlscim-core"))')"
size() { du -h "$1" | cut -f1; }

tools() {
    [[ -x $VENV/bin/python ]] || "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}"
}

notices() {
    python3 scripts/third_party.py --check atlscim-python python/THIRD_PARTY.md
    python3 scripts/third_party.py --check atlscim-ffi ffi/THIRD_PARTY.md
}

# wheel ARCH: builds and checks the manylinux2014 wheel for ARCH (x86_64 or aarch64).
wheel() {
    local arch=$1
    rm -f "$DIST"/atlscim-*"$arch".whl
    maturin build --release --quiet --zig --compatibility manylinux2014 --target "$arch-unknown-linux-gnu" \
        --manifest-path python/Cargo.toml --out "$DIST"
    local whl
    whl=$(ls "$DIST"/atlscim-"$version"-cp310-abi3-*manylinux_2_17_"$arch".whl)
    local verdict
    verdict=$(auditwheel show "$whl")
    grep -q "consistent with the following platform tag:" <<<"$verdict" &&
        grep -q "\"manylinux_2_17_$arch\"" <<<"$verdict" || {
        echo "$verdict"
        echo "dist: $whl is not manylinux2014 (manylinux_2_17_$arch)" >&2
        exit 1
    }
    local listing
    listing=$(python3 -m zipfile -l "$whl")
    for f in atlscim/py.typed atlscim/_native.pyi licenses/THIRD_PARTY.md licenses/LICENSE-MIT licenses/LICENSE-APACHE; do
        grep -q "$f" <<<"$listing" || { echo "dist: $whl lacks $f" >&2; exit 1; }
    done
    echo "dist: $(basename "$whl") ($(size "$whl")), auditwheel: manylinux_2_17_$arch (manylinux2014)"
}

wheel_aarch64() {
    # No wheel from an earlier run may stand in dist/ for one not built now.
    rm -f "$DIST"/atlscim-*aarch64.whl
    if [[ ${DIST_AARCH64:-1} = 0 ]]; then
        echo "dist: aarch64 wheel skipped: DIST_AARCH64=0 (make test leaves it to make dist)"
        return
    fi
    local why
    if ! why=$(rustup target add aarch64-unknown-linux-gnu 2>&1); then
        echo "dist: aarch64 wheel skipped: the Rust toolchain has no aarch64-unknown-linux-gnu target and rustup could not add it: $why"
        return
    fi
    wheel aarch64
}

sdist() {
    rm -f "$DIST"/atlscim-"$version".tar.gz
    maturin sdist --manifest-path python/Cargo.toml --out "$DIST" >/dev/null
    local sd=$DIST/atlscim-$version.tar.gz
    # A wheel from the sdist, the way pip builds one for a platform with no wheel (with the pinned
    # maturin, and the dev profile: this proves the sdist is complete, not how fast it runs). The
    # files in an sdist carry a fixed old mtime, which would let cargo take the crates built from
    # the previous sdist in the shared target dir as fresh: unpack it and touch them first.
    local out=$root/build/sdist-wheel
    rm -rf "$out" && mkdir -p "$out/src"
    tar -C "$out/src" -xzf "$sd"
    find "$out/src" -type f -exec touch {} +
    MATURIN_PEP517_ARGS="--profile dev" CARGO_TARGET_DIR="$target" \
        pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation "$out/src/atlscim-$version" -w "$out"
    ls "$out"/atlscim-"$version"-*.whl >/dev/null
    echo "dist: $(basename "$sd") ($(size "$sd")), builds a wheel"
}

c_tarball() {
    cargo build --quiet --release -p atlscim-ffi
    local name=atlscim-$version-linux-x86_64
    local stage=$root/build/dist/$name
    rm -rf "$stage" && mkdir -p "$stage/lib/pkgconfig" "$stage/include"
    # Debug info stays in target/ (the release profile keeps it for backtraces); users get the code.
    # The archive also carries LLVM bitcode (.llvmbc) from the LTO build, which no C linker reads:
    # three quarters of its size.
    objcopy --strip-debug --remove-section=.llvmbc --remove-section=.llvmcmd \
        "$target/release/libatlscim.a" "$stage/lib/libatlscim.a"
    strip --strip-debug -o "$stage/lib/libatlscim.so.$version" "$target/release/libatlscim.so"
    local major=${version%%.*}
    [[ $(readelf -d "$stage/lib/libatlscim.so.$version" | grep -o 'soname: \[[^]]*\]') = "soname: [libatlscim.so.$major]" ]] ||
        { echo "dist: libatlscim.so has no SONAME libatlscim.so.$major (ffi/build.rs)" >&2; exit 1; }
    ln -s "libatlscim.so.$version" "$stage/lib/libatlscim.so.$major"
    ln -s "libatlscim.so.$major" "$stage/lib/libatlscim.so"
    cp include/atlscim.h "$stage/include/"
    local fill=(-e 's|@prefix@|${pcfiledir}/../..|' -e 's|@libdir@|${prefix}/lib|'
        -e 's|@includedir@|${prefix}/include|' -e "s|@version@|$version|")
    sed "${fill[@]}" ffi/atlscim.pc.in >"$stage/lib/pkgconfig/atlscim.pc"
    # The static twin: the archive by path (a plain -latlscim would pick the .so beside it) and
    # what the Rust standard library inside it needs.
    local private
    private=$(sed -n 's/^Libs.private: //p' ffi/atlscim.pc.in)
    sed "${fill[@]}" -e 's|^Name: atlscim$|Name: atlscim-static|' \
        -e "s|^Libs: .*|Libs: \${libdir}/libatlscim.a $private|" -e '/^Libs.private:/d' \
        -e 's|^# used by `pkg-config --static`.*|# linked by every program, as the archive carries the Rust standard library.|' \
        ffi/atlscim.pc.in >"$stage/lib/pkgconfig/atlscim-static.pc"
    cp LICENSE-MIT LICENSE-APACHE ffi/THIRD_PARTY.md "$stage/"
    cp ffi/README.md "$stage/README.md"
    tar -C "$root/build/dist" -czf "$DIST/$name.tar.gz" --owner=0 --group=0 "$name"
    echo "dist: $name.tar.gz ($(size "$DIST/$name.tar.gz"); libatlscim.a $(size "$stage/lib/libatlscim.a"), libatlscim.so.$version $(size "$stage/lib/libatlscim.so.$version"))"
}

crates() {
    rm -rf "$DIST/crates" && mkdir -p "$DIST/crates"
    # --allow-dirty: make test packages the working tree as it is; a release is cut from a tag.
    # The packages are verified against each other through a local registry, where a crate is
    # known by name and version only: forget the last run's builds of ours, or a build of the
    # previous atlscim-core 0.1.0 would be taken as current (the dependencies are kept).
    local package_target=$root/build/dist/package-target
    # Cargo also unpacks the packaged sources once into CARGO_HOME/registry/src/-HASH/ (the hash is
    # of the local registry's path) and never again for the same name and version: forget those
    # too, or a second run verifies the CLI against the first run's core.
    cargo clean --quiet --target-dir "$package_target" -p atlscim-core -p atlscim-ffi -p atlscim-cli -p atlscim-server -p atlscim-server-ffi 2>/dev/null || true
    rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/atlscim-{core,ffi,cli,server,server-ffi}-"$version"
    cargo package --quiet --workspace --locked --allow-dirty --exclude atlscim-python --target-dir "$package_target"
    cp "$package_target"/package/*-"$version".crate "$DIST/crates/"
    echo "dist: crates $(cd "$DIST/crates" && ls | tr '\n' ' ')(cargo package --workspace)"
    # The command installs from a checkout (a debug build, reusing the test build: this proves
    # `cargo install` works, not how fast the binary is).
    local install=$root/build/dist/cli-install
    cargo install --quiet --locked --debug --path cli --root "$install" --target-dir "$target"
    [[ $("$install/bin/atlscim" --version) = "atlscim $version" ]] ||
        { echo "dist: cargo install --path cli gave a wrong atlscim --version" >&2; exit 1; }
    echo "dist: cargo install --path cli installs atlscim $version"
}

mkdir -p "$DIST"
tools
steps=("$@")
[[ ${#steps[@]} -gt 0 ]] || steps=(notices wheel wheel_aarch64 sdist c_tarball crates)
for step in "${steps[@]}"; do
    start=$SECONDS
    case "$step" in
        notices | wheel_aarch64 | sdist | c_tarball | crates) "$step" ;;
        wheel) wheel x86_64 ;;
        *) echo "usage: scripts/dist.sh [notices|wheel|wheel_aarch64|sdist|c_tarball|crates]..." >&2; exit 2 ;;
    esac
    echo "dist: $step took $((SECONDS - start)) s"
done
