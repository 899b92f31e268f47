#!/bin/bash
# Client check of a hinterland HTML report in headless Chromium: the page
# loads from file:// with no network, prints no console error ("Uncaught",
# console.error), fills the tables, draws the charts (canvas elements), and
# a screenshot is saved.
# Usage: scripts/test_report_chromium.sh REPORT.html [SCREENSHOT.png]
# Prints "SKIPPED: <why>" and exits 0 when chromium is not installed.
set -u
html=${1:?usage: test_report_chromium.sh REPORT.html [SCREENSHOT.png]}
png=${2:-}
chrome=""
for c in chromium chromium-browser google-chrome; do
  if command -v "$c" >/dev/null 2>&1; then chrome=$(command -v "$c"); break; fi
done
if [ -z "$chrome" ]; then echo "SKIPPED: chromium is not installed (apt-get install chromium)"; exit 0; fi
[ -f "$html" ] || { echo "FAIL: $html does not exist"; exit 1; }
abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
       --disable-sync --no-first-run --disable-extensions --disable-default-apps --mute-audio
       --user-data-dir="$work/profile" --enable-logging=stderr --v=0 --virtual-time-budget=8000
       --window-size=1280,2600 --proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>')
fail=0
# 1. the DOM after the scripts ran
timeout 120 "$chrome" "${flags[@]}" --dump-dom "file://$abs" >"$work/dom.html" 2>"$work/log1.txt"
# 2. a screenshot (and a second console log)
if [ -n "$png" ]; then
  timeout 120 "$chrome" "${flags[@]}" --screenshot="$png" "file://$abs" >/dev/null 2>"$work/log2.txt"
  [ -s "$png" ] || { echo "FAIL: no screenshot written"; fail=1; }
fi
cat "$work"/log*.txt >"$work/log.txt"
if grep -E "Uncaught|CONSOLE\([0-9]+\).*(rror|TypeError|ReferenceError)|console\.error" "$work/log.txt" >/dev/null; then
  echo "FAIL: JavaScript errors in the console:"; grep -E "Uncaught|CONSOLE" "$work/log.txt" | head -20; fail=1
fi
if grep -E "ERR_(NAME_NOT_RESOLVED|PROXY|CONNECTION)|net::ERR" "$work/log.txt" | grep -v "favicon" >/dev/null; then
  echo "FAIL: the page tried to reach the network:"; grep -E "net::ERR|ERR_" "$work/log.txt" | head; fail=1
fi
ncanvas=$(grep -o "<canvas" "$work/dom.html" | wc -l)
[ "$ncanvas" -ge 4 ] || { echo "FAIL: only $ncanvas charts drawn (expected >= 4)"; fail=1; }
grep -q '<div id="county-table" class="scroll"><table>' "$work/dom.html" || { echo "FAIL: county table empty"; fail=1; }
grep -q '<div id="gap-table" class="scroll"><table>' "$work/dom.html" || { echo "FAIL: gap table empty"; fail=1; }
if grep -q "<script>alert(1)</script>" "$work/dom.html"; then echo "FAIL: unescaped text from the data"; fail=1; fi
if [ "$fail" -ne 0 ]; then echo "0 passed, 1 failed"; exit 1; fi
echo "report: chromium checks passed ($ncanvas charts${png:+, screenshot $png})"
