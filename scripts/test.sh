#!/usr/bin/env bash
# Quick start 2: install what is missing, build, and run the whole test suite:
#   1. the normal build under ctest;
#   2. the same tests built with AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. the unit tests under valgrind memcheck (definite leaks and errors fail);
#   4. every libFuzzer target for a bounded time (HL_FUZZ_SECONDS, default 30).
# Set HL_TEST_QUICK=1 to run only step 1.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh --clients
jobs=$(nproc)
status=0

echo "== build and test"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHL_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs") || status=1

if [[ "${HL_TEST_QUICK:-0}" != "1" ]]; then
  echo "== AddressSanitizer + UndefinedBehaviorSanitizer"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DHL_SANITIZE=ON >/dev/null
  cmake --build build-asan -j"$jobs"
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --output-on-failure -j"$jobs") || status=1

  echo "== valgrind memcheck (unit tests)"
  for t in build/test_*; do
    [[ -x "$t" ]] || continue
    # HL_OOM_SAMPLES: the allocation-failure loop samples fewer points under valgrind
    # (every point runs under AddressSanitizer above)
    if ! HL_OOM_SAMPLES=25 valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
         --show-leak-kinds=definite "$t" >/dev/null 2>build/valgrind-$(basename "$t").log; then
      echo "valgrind: $(basename "$t") FAILED"; cat build/valgrind-$(basename "$t").log; status=1
    else
      echo "valgrind: $(basename "$t") clean"
    fi
  done

  if ls tests/fuzz/fuzz_*.c >/dev/null 2>&1; then
    echo "== libFuzzer (${HL_FUZZ_SECONDS:-30} s per target)"
    CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DHL_FUZZ=ON -DHL_SANITIZE=ON >/dev/null
    cmake --build build-fuzz -j"$jobs"
    for f in build-fuzz/fuzz_*; do
      [[ -x "$f" ]] || continue
      name=$(basename "$f")
      corpus=tests/fuzz/corpus/${name#fuzz_}
      work=$(mktemp -d)
      [[ -d "$corpus" ]] && cp -r "$corpus"/. "$work"/
      # LSan: libfyaml's own leak is suppressed (see tests/fuzz/lsan.supp)
      if LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp \
         "$f" -max_total_time="${HL_FUZZ_SECONDS:-30}" -rss_limit_mb=2048 "$work" >build-fuzz/$name.log 2>&1; then
        echo "fuzz: $name clean"
      else
        echo "fuzz: $name FOUND A CRASH"; tail -40 build-fuzz/$name.log; status=1
      fi
      rm -rf "$work"
    done
  fi
fi
if [[ $status -eq 0 ]]; then echo "test.sh: all passed"; else echo "test.sh: FAILURES"; fi
exit $status
