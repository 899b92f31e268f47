#!/usr/bin/env bash
# The whole analysis of the sample county, twice: it must succeed, write every
# result layer, and give byte-identical GeoPackages, reports and QGIS projects.
set -euo pipefail
HL=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/a" "$T/b"
for d in a b; do
  "$HL" run "$SRC/samples/qinshui/plan.yaml" -o "$T/$d/qinshui.gpkg" --report "$T/$d/report.html" -q 2>"$T/$d.err"
done
fail=0
for f in qinshui.gpkg report.html qinshui.qgs; do
  cmp -s "$T/a/$f" "$T/b/$f" || { echo "FAIL: two runs give different $f"; fail=1; }
done
for layer in village_indicators township_summary county_summary indicator_summary gaps qa_issues network_edges \
             network_nodes nearest_facility service_areas service_area_roads roads_by_village village_overlay; do
  n=$(sqlite3 "$T/a/qinshui.gpkg" "select count(*) from \"$layer\"" 2>/dev/null || echo missing)
  if [[ "$n" == missing || "$n" -eq 0 ]]; then echo "FAIL: layer $layer is $n"; fail=1; fi
done
# one row per natural village (649 in the sample) and per township (12)
[[ $(sqlite3 "$T/a/qinshui.gpkg" "select count(*) from village_indicators") -eq 649 ]] || { echo "FAIL: village_indicators rows"; fail=1; }
[[ $(sqlite3 "$T/a/qinshui.gpkg" "select count(*) from township_summary") -eq 12 ]] || { echo "FAIL: township_summary rows"; fail=1; }
# the two natural villages the generator put more than 2 km from any road are unreachable
[[ $(sqlite3 "$T/a/qinshui.gpkg" "select count(*) from qa_issues where code='beyond_snap' and layer='natural_villages'") -eq 2 ]] || { echo "FAIL: beyond_snap count"; fail=1; }
# the real clients: QGIS loads every layer styled with its aliases and renders a map;
# Chromium shows the report offline without console errors (each says SKIPPED when absent)
out=$(/usr/bin/python3 "$SRC/scripts/test_qgis.py" "$T/a/qinshui.gpkg" "$T/qgis.png" "$T/a/qinshui.qgs" 2>&1) || { echo "FAIL: QGIS client test"; echo "$out" | tail -20; fail=1; }
echo "$out" | grep -E "SKIPPED|passed" | head -3
out=$(bash "$SRC/scripts/test_report_chromium.sh" "$T/a/report.html" "$T/report.png" 2>&1) || { echo "FAIL: Chromium client test"; echo "$out" | tail -20; fail=1; }
echo "$out" | grep -E "SKIPPED|passed" | head -3
# Shapefile export, UTF-8 and GBK: QGIS reads the Chinese names exactly as in the GeoPackage
for enc in UTF-8 GBK; do
  "$HL" export "$T/a/qinshui.gpkg" --format "ESRI Shapefile" --encoding $enc -o "$T/shp-$enc" -q || { echo "FAIL: export $enc"; fail=1; }
  out=$(/usr/bin/python3 "$SRC/scripts/test_qgis_shp.py" "$T/a/qinshui.gpkg" "$T/shp-$enc" 2>&1) || { echo "FAIL: QGIS on the $enc Shapefiles"; echo "$out" | tail; fail=1; }
  echo "$enc: $(echo "$out" | grep -E "SKIPPED|passed" | head -1)"
done
[[ $fail -eq 0 ]] && echo "sample_run: the sample runs end to end, byte-identical twice"
exit $fail
