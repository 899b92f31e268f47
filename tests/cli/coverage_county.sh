#!/bin/bash
# `hinterland run` on the hand-made test county (tests/data/coverage, made by
# scripts/make_test_county.py): the coverage tables must be written with the
# documented columns, and a few hand-computed values (see
# tests/unit/test_coverage.c) must come out of the GeoPackage as written.
# usage: coverage_county.sh /path/to/hinterland /path/to/source
set -u
HL=$1
SRC=$2
PLAN="$SRC/tests/data/coverage/plan.yaml"
TMP=$(mktemp -d /tmp/hl_cov_test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

if ! command -v ogrinfo >/dev/null; then
    echo "SKIP: no ogrinfo"
    exit 0
fi
export HL_LAYERS_DIR="$SRC/layers"
if ! "$HL" run "$PLAN" -o "$TMP/out.gpkg" -f -q >"$TMP/stdout" 2>"$TMP/stderr"; then
    cat "$TMP/stderr"
    echo "FAIL: hinterland run exited with an error"
    exit 1
fi

# sql QUERY: one value from the output
sql() { ogrinfo -q -ro "$TMP/out.gpkg" -dialect SQLite -sql "$1" 2>/dev/null | sed -n 's/^ *[a-z_0-9]* ([A-Za-z0-9]*) = //p' | head -1; }
# expect QUERY VALUE DESCRIPTION
expect() {
    local got
    got=$(sql "$1")
    if [ "$got" != "$2" ]; then fail "$3: got '$got', want '$2'"; fi
}

for t in village_indicators township_summary county_summary indicator_summary gaps village_overlay roads_by_village; do
    expect "SELECT count(*) AS n FROM sqlite_master WHERE name = '$t'" 1 "table $t exists"
done
expect "SELECT count(*) AS n FROM village_indicators" 6 "one row per natural village"
expect "SELECT road_01_meets FROM village_indicators WHERE id = 'N4'" 0 "N4 is 1.5 km from a hardened road"
expect "SELECT round(t_ts_min, 1) AS t FROM village_indicators WHERE id = 'N2'" 5.4 "N2 to its township seat"
expect "SELECT round(road_01_share_pop, 2) AS s FROM county_summary" 0.7 "county ROAD-01 population share"
expect "SELECT indicator FROM gaps WHERE rank = 1" OLD-01 "first gap"
expect "SELECT count(*) AS n FROM gaps" 42 "number of gaps"
expect "SELECT round(road_len_m) AS l FROM village_overlay WHERE village_code = '140521001001'" 12500 "V1 road length"

if [ "$fails" -ne 0 ]; then
    echo "$fails check(s) failed"
    exit 1
fi
echo "ok"
