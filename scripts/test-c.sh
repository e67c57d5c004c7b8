#!/usr/bin/env bash
# The C ABI's test command (`make test-c`): builds libatlscim, fails when the committed header
# include/atlscim.h is stale, then compiles the C tests (C99, warnings as errors) against the
# header and the static library and runs them plain, under AddressSanitizer + UBSan, and under
# valgrind (zero leaks, zero errors): the API contract (test_api, test_operations, test_sync), the recursion
# ceilings on a 1 MiB thread stack (test_recursion) and every kind
# of shared vector (test_vectors, and the sync vectors in test_sync_vectors); compiles and runs the C++ include test; and builds the
# examples in examples/c through pkg-config, as a user would, and runs them; then libatlscim_server
# (test_server) and the directory vectors over HTTP against it (test_directory_vectors).
#
# Needs: cargo, a C and C++ compiler (CC, CXX; gcc/g++ by default), python3, valgrind,
# pkg-config. cbindgen is installed by this script at a pinned version under build/tools.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

CBINDGEN_VERSION=0.29.4
CC="${CC:-gcc}"
CXX="${CXX:-g++}"
tools="$root/build/tools"
out="$root/build/c"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
libdir="$target/release"

for tool in cargo "$CC" "$CXX" python3 valgrind pkg-config; do
    command -v "$tool" >/dev/null || { echo "test-c: $tool is required but not installed" >&2; exit 1; }
done

echo "== build libatlscim (release)"
cargo build --release -p atlscim-ffi
version="$(cargo metadata --no-deps --format-version 1 |
    python3 -c 'import json, sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "atlscim-ffi"))')"

echo "== header is current (cbindgen $CBINDGEN_VERSION)"
if [ "$("$tools/bin/cbindgen" --version 2>/dev/null || true)" != "cbindgen $CBINDGEN_VERSION" ]; then
    cargo install --locked --version "$CBINDGEN_VERSION" cbindgen --root "$tools"
fi
mkdir -p "$out/asan"
"$tools/bin/cbindgen" --quiet --config ffi/cbindgen.toml --crate atlscim-ffi -o "$out/atlscim.h"
if ! cmp -s "$out/atlscim.h" include/atlscim.h; then
    diff -u include/atlscim.h "$out/atlscim.h" | head -n 60 || true
    echo "test-c: include/atlscim.h is stale. Regenerate it from the repository root with" >&2
    echo "  build/tools/bin/cbindgen --config ffi/cbindgen.toml --crate atlscim-ffi -o include/atlscim.h" >&2
    echo "and commit it." >&2
    exit 1
fi

# What the Rust standard library in the static library needs, from the one place it is written.
read -r -a system_libs <<<"$(sed -n 's/^Libs.private: //p' ffi/atlscim.pc.in)"
static_link=("$libdir/libatlscim.a" "${system_libs[@]}")
cflags=(-std=c99 -Wall -Wextra -Werror -pedantic -g -Iinclude -Itests/c)
asan=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
api_flags=(-DATLSCIM_TEST_CARGO_VERSION="\"$version\"")

python3 tests/c/flatten_vectors.py tests/vectors >"$out/vectors.txt"
python3 tests/c/flatten_sync_vectors.py tests/vectors >"$out/sync_vectors.txt"

echo "== compile the C tests (C99, -Wall -Wextra -Werror -pedantic)"
for t in test_api test_operations test_sync test_vectors test_sync_vectors test_recursion; do
    "$CC" "${cflags[@]}" "${api_flags[@]}" "tests/c/$t.c" "${static_link[@]}" -o "$out/$t"
    "$CC" "${cflags[@]}" "${asan[@]}" "${api_flags[@]}" "tests/c/$t.c" "${static_link[@]}" -o "$out/asan/$t"
done

echo "== run"
"$out/test_api"
"$out/test_operations"
"$out/test_sync"
"$out/test_recursion"
"$out/test_vectors" "$out/vectors.txt"
"$out/test_sync_vectors" "$out/sync_vectors.txt"

echo "== run under AddressSanitizer + UndefinedBehaviorSanitizer (leaks included)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
"$out/asan/test_api"
"$out/asan/test_operations"
"$out/asan/test_sync"
"$out/asan/test_recursion"
"$out/asan/test_vectors" "$out/vectors.txt" >/dev/null
"$out/asan/test_sync_vectors" "$out/sync_vectors.txt" >/dev/null

echo "== run under valgrind"
# Every leak kind is an error. Not counted: "still reachable" blocks, which are the core's schema
# tables, built once per process and kept for its life, and the same kind of block that valgrind
# calls "possibly lost" because a hash table points into it (tests/c/valgrind.supp says why).
valgrind=(valgrind --quiet --error-exitcode=99 --leak-check=full --suppressions=tests/c/valgrind.supp
    --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible)
"${valgrind[@]}" "$out/test_api"
"${valgrind[@]}" "$out/test_operations"
"${valgrind[@]}" "$out/test_sync"
"${valgrind[@]}" "$out/test_recursion"
"${valgrind[@]}" "$out/test_vectors" "$out/vectors.txt" >/dev/null
"${valgrind[@]}" "$out/test_sync_vectors" "$out/sync_vectors.txt" >/dev/null

echo "== the vector runner fails on deliberately broken vectors"
bash scripts/test-vector-runners.sh c

echo "== C++: the header compiles and links (-std=c++11 -Wall -Wextra -Werror -pedantic)"
"$CXX" -std=c++11 -Wall -Wextra -Werror -pedantic -Iinclude tests/c/test_cpp.cpp "${static_link[@]}" -o "$out/test_cpp"
"$out/test_cpp"

echo "== examples/c through pkg-config"
# The shared library's SONAME is libatlscim.so.0 (ffi/build.rs): what a program linked against it
# asks for at run time. Cargo writes only libatlscim.so, so give it that name too, as an
# installation does with a symlink (ffi/README.md).
ln -sf libatlscim.so "$libdir/libatlscim.so.0"
mkdir -p "$root/build/pkgconfig"
sed -e "s|@prefix@|$root|" -e "s|@libdir@|$libdir|" -e "s|@includedir@|$root/include|" -e "s|@version@|$version|" \
    ffi/atlscim.pc.in >"$root/build/pkgconfig/atlscim.pc"
export PKG_CONFIG_PATH="$root/build/pkgconfig"
[ "$(pkg-config --modversion atlscim)" = "$version" ] || { echo "test-c: atlscim.pc has the wrong version" >&2; exit 1; }
read -r -a pc_flags <<<"$(pkg-config --cflags --libs atlscim)"
# The example links the shared library; the rpath lets it run from the build tree.
"$CC" -std=c99 -Wall -Wextra -Werror -pedantic examples/c/check_request.c "${pc_flags[@]}" -Wl,-rpath,"$libdir" \
    -o "$out/check_request"
status=0
"$out/check_request" >"$out/example.txt" || status=$?
[ "$status" = 1 ] || { cat "$out/example.txt"; echo "test-c: the built-in example should be invalid (exit 1)" >&2; exit 1; }
"$out/check_request" POST /Users examples/c/user.json >"$out/example.txt"
grep -q '^send instead: {"schemas":.*"active":false}$' "$out/example.txt" || {
    cat "$out/example.txt"
    echo "test-c: the example did not print the normalized body" >&2
    exit 1
}

"$CC" -std=c99 -Wall -Wextra -Werror -pedantic examples/c/sync_user.c "${pc_flags[@]}" -Wl,-rpath,"$libdir" \
    -o "$out/sync_user"
"${valgrind[@]}" "$out/sync_user" >"$out/sync_user.txt"
grep -q '^PATCH /Users/{id}: {"Operations":\[{"op":"replace","path":"title"' "$out/sync_user.txt" &&
    grep -q '"retryAfter":30.0' "$out/sync_user.txt" || {
    cat "$out/sync_user.txt"
    echo "test-c: sync_user did not print the PATCH and the wait" >&2
    exit 1
}

echo "== libatlscim links no server: no tokio, hyper or SQLite inside"
if nm -A "$libdir/libatlscim.a" 2>/dev/null | grep -qE 'tokio|hyper|sqlite3_'; then
    echo "test-c: libatlscim.a contains server code; it must stay lean (ffi-server/ is its own library)" >&2
    exit 1
fi

echo "== libatlscim_server (include/atlscim_server.h): header current, C test plain and under ASan+UBSan"
cargo build --release -p atlscim-server-ffi
"$tools/bin/cbindgen" --quiet --config ffi-server/cbindgen.toml --crate atlscim-server-ffi -o "$out/atlscim_server.h"
if ! cmp -s "$out/atlscim_server.h" include/atlscim_server.h; then
    diff -u include/atlscim_server.h "$out/atlscim_server.h" | head -n 60 || true
    echo "test-c: include/atlscim_server.h is stale. Regenerate it with" >&2
    echo "  build/tools/bin/cbindgen --config ffi-server/cbindgen.toml --crate atlscim-server-ffi -o include/atlscim_server.h" >&2
    exit 1
fi
server_link=("$libdir/libatlscim_server.a" "${system_libs[@]}")
"$CC" "${cflags[@]}" tests/c/test_server.c "${server_link[@]}" -o "$out/test_server"
"$CC" "${cflags[@]}" "${asan[@]}" tests/c/test_server.c "${server_link[@]}" -o "$out/asan/test_server"
"$out/test_server"
"$out/asan/test_server"
# The directory vectors (tests/vectors/directory/ and the replays in examples/replays/) over HTTP
# against the server, as the Python and Go runners run them.
python3 tests/c/flatten_directory_vectors.py tests/vectors/directory/*.json examples/replays/*.json \
    >"$out/directory_vectors.txt"
"$CC" "${cflags[@]}" tests/c/test_directory_vectors.c "${server_link[@]}" -o "$out/test_directory_vectors"
"$CC" "${cflags[@]}" "${asan[@]}" tests/c/test_directory_vectors.c "${server_link[@]}" -o "$out/asan/test_directory_vectors"
"$out/test_directory_vectors" "$out/directory_vectors.txt"
"$out/asan/test_directory_vectors" "$out/directory_vectors.txt" >/dev/null

echo "test-c: all C tests passed (header current, plain, ASan+UBSan, valgrind, C++, examples, server, directory vectors)"
