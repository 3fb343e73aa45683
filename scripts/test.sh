#!/usr/bin/env bash
# Install, build and run every test: unit tests of the core and mount tests
# that mount real FUSE file systems, first in a normal build, then in one
# with AddressSanitizer and UndefinedBehaviorSanitizer; then, with clang, a
# short run of every libFuzzer target (AIWGFS_FUZZ_SECONDS each, 10 unless
# set).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

scripts/deps.sh
if [ ! -e /dev/fuse ]; then
	echo "test.sh: /dev/fuse is missing; the mount tests need FUSE" >&2
	exit 3
fi

jobs=$(nproc)
run_suite() {
	local dir=$1
	shift
	cmake -S . -B "$dir" "$@" >/dev/null
	cmake --build "$dir" -j "$jobs" >/dev/null
	ctest --test-dir "$dir" --output-on-failure
}

echo "== release build"
run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo

if [ "${AIWGFS_SKIP_SANITIZE:-}" != 1 ]; then
	echo "== sanitizer build (ASan + UBSan)"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DAIWGFS_SANITIZE=ON
fi

if command -v clang >/dev/null 2>&1; then
	echo "== fuzz build (libFuzzer, ASan + UBSan)"
	CC=clang cmake -S . -B build-fuzz -DAIWGFS_FUZZ=ON \
		-DCMAKE_BUILD_TYPE=Debug \
		-DAIWGFS_FUZZ_SECONDS="${AIWGFS_FUZZ_SECONDS:-10}" >/dev/null
	cmake --build build-fuzz -j "$jobs" >/dev/null
	ctest --test-dir build-fuzz -R fuzz/ --output-on-failure
else
	echo "== fuzz build skipped: clang is missing"
fi
