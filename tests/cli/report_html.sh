#!/bin/bash
# CLI test of `hinterland report`: a single self-contained HTML file
# (ECharts inlined, no external URL loaded), data text escaped, refusal to
# overwrite, --lang en, a missing chart library; and, when chromium is
# installed, the page runs without console errors
# (scripts/test_report_chromium.sh).  Usage: report_html.sh HINTERLAND SOURCE_DIR
set -u
bin=$1; src=$2
py=/usr/bin/python3
if ! $py -c "from osgeo import ogr" 2>/dev/null; then echo "SKIPPED: python3-gdal is not installed"; exit 0; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export HL_LAYERS_DIR=$src/layers HL_VENDOR_DIR=$src/vendor
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }

$py "$src/tests/cli/export_fixture.py" "$tmp/r.gpkg" || { echo "FAIL: fixture"; exit 1; }
"$bin" report --help >/dev/null; check "--help exits 0" test $? -eq 0

"$bin" report "$tmp/r.gpkg" -o "$tmp/r.html" -q 2>"$tmp/err.txt"; rc=$?
check "report exits 0 ($(cat "$tmp/err.txt"))" test $rc -eq 0
check "report written" test -s "$tmp/r.html"
check "ECharts inlined" grep -q "echarts" "$tmp/r.html"
check "Chinese title" grep -q "<h1>县乡村覆盖与可达性评估报告</h1>" "$tmp/r.html"
# no external resource: no src=/href= to http(s) and no <link> to files
check "no external script or stylesheet" bash -c "! grep -Eiq '<script[^>]+src=|<link[^>]+href=' '$tmp/r.html'"
# the gap reason '<script>alert(1)</script>' is only present escaped
check "data text escaped" bash -c "! grep -q '<script>alert(1)' '$tmp/r.html'"
check "escaped form present" grep -q 'u003cscript\\u003ealert(1)' "$tmp/r.html"
size=$(stat -c %s "$tmp/r.html")
check "size below 3 MB ($size)" test "$size" -lt 3000000
# deterministic
"$bin" report "$tmp/r.gpkg" -o "$tmp/r2.html" -q
check "same input, same bytes" cmp -s "$tmp/r.html" "$tmp/r2.html"

"$bin" report "$tmp/r.gpkg" -o "$tmp/r.html" -q 2>"$tmp/err.txt"; rc=$?
check "existing report refused with exit 8 (got $rc)" test $rc -eq 8
"$bin" report "$tmp/r.gpkg" -o "$tmp/r.html" -f -q --lang en; rc=$?
check "--lang en -f exits 0" test $rc -eq 0
check "English headings" grep -q "Gap list" "$tmp/r.html"

HL_VENDOR_DIR=$tmp/none "$bin" report "$tmp/r.gpkg" -o "$tmp/x.html" -q 2>"$tmp/err.txt"; rc=$?
check "missing chart library exits 3 (got $rc)" test $rc -eq 3
check "message says HL_VENDOR_DIR" grep -q HL_VENDOR_DIR "$tmp/err.txt"
check "no report written" test ! -e "$tmp/x.html"
"$bin" report "$tmp/nope.gpkg" -o "$tmp/y.html" -q 2>/dev/null; rc=$?
check "missing input exits 3 (got $rc)" test $rc -eq 3
check "no temporary left" test -z "$(ls -A "$tmp" | grep -- '-tmp-')"

"$bin" report "$tmp/r.gpkg" -o "$tmp/z.html" -q
out=$(bash "$src/scripts/test_report_chromium.sh" "$tmp/z.html" 2>&1); rc=$?
echo "$out"
check "chromium check" test $rc -eq 0

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
