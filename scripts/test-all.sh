#!/usr/bin/env bash
# `make test`: runs each suite (a make target) in turn, keeps going past a failure, and ends with
# a summary of each suite's result, time and skips: bash scripts/test-all.sh TARGET...
#
# A suite reports what it did not run by appending lines to the file ATLSCIM_SKIP_LOG names
# (set here, one file per suite): "SUITE <why>" when nothing of it ran (the fuzzers without a
# nightly toolchain), "PART <what>: <why>" for a part (a conformance corpus that is not there).
# A skip is never counted as a pass: the summary lists each one, and the last line says so.
# Exit status: 1 when a suite failed, else 0.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

summary="$root/build/test-summary"
rm -rf "$summary"
mkdir -p "$summary"
declare -A result seconds
for suite in "$@"; do
    export ATLSCIM_SKIP_LOG="$summary/$suite.skips"
    : >"$ATLSCIM_SKIP_LOG"
    start=$SECONDS
    echo "== make $suite"
    if make --no-print-directory "$suite"; then
        if grep -q '^SUITE ' "$ATLSCIM_SKIP_LOG"; then result[$suite]=skipped; else result[$suite]=passed; fi
    else
        result[$suite]=FAILED
    fi
    seconds[$suite]=$((SECONDS - start))
done

passed=0 skipped=0 failed=0 parts=0
echo
echo "== make test summary"
for suite in "$@"; do
    log="$summary/$suite.skips"
    n=$(grep -c '^PART ' "$log" || true)
    note=""
    case "${result[$suite]}" in
    passed) passed=$((passed + 1)) ;;
    skipped) skipped=$((skipped + 1)) note="  $(sed -n 's/^SUITE //p' "$log" | head -1)" ;;
    FAILED) failed=$((failed + 1)) ;;
    esac
    [ "$n" = 0 ] || note="$note  ($n part(s) skipped)"
    parts=$((parts + n))
    printf '  %-12s %-8s %3dm%02ds%s\n' "$suite" "${result[$suite]}" $((seconds[$suite] / 60)) $((seconds[$suite] % 60)) "$note"
done
if [ $((skipped + parts)) -gt 0 ]; then
    echo "skipped:"
    for suite in "$@"; do
        sed -n -e "s/^SUITE \(.*\)/  $suite (all of it): \1/p" -e "s/^PART \(.*\)/  $suite: \1/p" "$summary/$suite.skips"
    done
fi
if [ "$failed" -gt 0 ]; then
    echo "make test: $failed suite(s) FAILED, $passed passed, $skipped skipped"
    exit 1
elif [ $((skipped + parts)) -gt 0 ]; then
    echo "make test: $passed suite(s) passed, $skipped skipped, $parts part(s) skipped: not everything ran"
else
    echo "make test: all $passed suites passed, nothing skipped"
fi
