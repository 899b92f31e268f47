#!/usr/bin/env bash
# Known-answer test of `hinterland access` on a hand-built network (EPSG:4546 metres).
#   road A: (500000,4000000) -> (501000,4000000), county road 40 km/h, two-way: 90 s
#   road B: (501000,4000000) -> (501000,4001000), township road 30 km/h, one-way north: 120 s
# Connectors at 5 km/h: 100 m = 72 s, 50 m = 36 s.
#   V1 (500000,4000100): attaches to A's start node, 100 m.  V1 -> clinic C1 (501000,4001050):
#       72 + 90 + 120 + 36 = 318 s, length 100+1000+1000+50 = 2150 m.
#   V2 (500500,3999900): projects to A's middle, 100 m.  V2 -> C1: 72 + 45 + 120 + 36 = 273 s, 1650 m.
#   V3 (501050,4001000): attaches to B's end, 50 m.  V3 -> school S1 (499950,4000000), which needs B
#       southwards: one-way forbids it, so V3 has no school row.  V3 -> C1: 36 + 36 = 72 s, 100 m.
#   V1 -> S1: 72 + 36 = 108 s (both attach to A's start node).  V2 -> S1: 72 + 45 + 36 = 153 s.
#   V4 (510000,4000000) is 9 km from every road: beyond the 2000 m snap limit, no rows, flagged.
set -euo pipefail
HL=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
crs='"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4546"}}'
cat > "$T/roads.geojson" <<JSON
{"type": "FeatureCollection", $crs, "features": [
{"type": "Feature", "properties": {"BM": "A", "DLDJ": "县道", "LMLX": "沥青", "DXBZ": "双向"},
 "geometry": {"type": "LineString", "coordinates": [[500000, 4000000], [501000, 4000000]]}},
{"type": "Feature", "properties": {"BM": "B", "DLDJ": "乡道", "LMLX": "水泥", "DXBZ": "单向"},
 "geometry": {"type": "LineString", "coordinates": [[501000, 4000000], [501000, 4001000]]}}]}
JSON
cat > "$T/villages.geojson" <<JSON
{"type": "FeatureCollection", $crs, "features": [
{"type": "Feature", "properties": {"ZRCDM": "V1", "ZRCMC": "一村", "RK": 100}, "geometry": {"type": "Point", "coordinates": [500000, 4000100]}},
{"type": "Feature", "properties": {"ZRCDM": "V2", "ZRCMC": "二村", "RK": 200}, "geometry": {"type": "Point", "coordinates": [500500, 3999900]}},
{"type": "Feature", "properties": {"ZRCDM": "V3", "ZRCMC": "三村", "RK": 300}, "geometry": {"type": "Point", "coordinates": [501050, 4001000]}},
{"type": "Feature", "properties": {"ZRCDM": "V4", "ZRCMC": "四村", "RK": 400}, "geometry": {"type": "Point", "coordinates": [510000, 4000000]}}]}
JSON
cat > "$T/clinics.geojson" <<JSON
{"type": "FeatureCollection", $crs, "features": [
{"type": "Feature", "properties": {"ID": "C1"}, "geometry": {"type": "Point", "coordinates": [501000, 4001050]}}]}
JSON
cat > "$T/schools.geojson" <<JSON
{"type": "FeatureCollection", $crs, "features": [
{"type": "Feature", "properties": {"ID": "S1"}, "geometry": {"type": "Point", "coordinates": [499950, 4000000]}}]}
JSON
cat > "$T/plan.yaml" <<YAML
crs: EPSG:4546
layers:
  roads: {source: roads.geojson, fields: {id: BM, class: DLDJ, surface: LMLX, oneway: DXBZ}}
  natural_villages: {source: villages.geojson, fields: {id: ZRCDM, name: ZRCMC, population: RK}}
  facilities:
    clinic: {source: clinics.geojson, fields: {id: ID}}
    primary_school: {source: schools.geojson, fields: {id: ID}}
access: {od_matrix: false, service_areas_min: [1]}
YAML
"$HL" access "$T/plan.yaml" -o "$T/out.gpkg" -q
q() { sqlite3 "$T/out.gpkg" "$1"; }
fail=0
expect() { # sql expected
  local got; got=$(q "$1")
  if [[ "$got" != "$2" ]]; then echo "FAIL: $1"; echo "  expected: $2"; echo "  got:      $got"; fail=1; fi
}
expect "select origin_id||' '||kind||' '||facility_id||' '||printf('%.6f',time_s)||' '||printf('%.6f',dist_m) from nearest_facility order by origin_id, kind" \
"V1 clinic C1 318.000000 2150.000000
V1 primary_school S1 108.000000 150.000000
V2 clinic C1 273.000000 1650.000000
V2 primary_school S1 153.000000 650.000000
V3 clinic C1 72.000000 100.000000"
expect "select printf('%.3f %.3f', origin_snap_m, facility_snap_m) from nearest_facility where origin_id='V2' and kind='clinic'" "100.000 50.000"
expect "select count(*) from qa_issues where code='beyond_snap' and feature_id='V4'" "1"
expect "select count(*) from nearest_facility where origin_id='V4'" "0"
# 2SFCA by hand: C1 is within 30 min of V1, V2, V3 (318, 273, 72 s), people 100+200+300 = 600,
# supply 1 (no capacity field): R = 1/600, and each of them gets 1/600 per person = 1.666667 per 1000.
expect "select origin_id||' '||printf('%.6f',sfca2_per1000)||' '||printf('%.6f',e2sfca_per1000)||' '||n_within_30min from accessibility where kind='clinic' order by origin_id" \
"V1 1.666667 1.666667 1.0
V2 1.666667 1.666667 1.0
V3 1.666667 1.666667 1.0"
# catchments: V1, V2 and V3 are allocated to C1 (the only clinic)
expect "select facility_id||' '||n_origins||' '||population from catchments where kind='clinic'" "C1 3 600.0"
# exit code for an existing output without --force: 8, and the file is untouched
before=$(md5sum "$T/out.gpkg")
set +e; "$HL" access "$T/plan.yaml" -o "$T/out.gpkg" -q 2>/dev/null; rc=$?; set -e
[[ $rc -eq 8 ]] || { echo "FAIL: existing output gave exit $rc, expected 8"; fail=1; }
[[ "$(md5sum "$T/out.gpkg")" == "$before" ]] || { echo "FAIL: existing output changed"; fail=1; }
# same inputs, same bytes
"$HL" access "$T/plan.yaml" -o "$T/out2.gpkg" -q
cmp -s "$T/out.gpkg" "$T/out2.gpkg" || { echo "FAIL: two runs differ"; fail=1; }
[[ $fail -eq 0 ]] && echo "access_known: all checks passed"
exit $fail
