#!/bin/bash
# `hinterland info` names the role each real layer most likely plays
# (shared/data/real, see SOURCES.md for what each file is).  The expected
# roles below are the intent, decided by hand from the sources: county
# polygons from AMap/echarts/tudigong/NC/Jamaica/Sergipe, Taiwan townships and
# villages, census tracts as villages, RAM village points as natural villages,
# OSM driver layers, division tables, census tables and a mixed export.
# usage: info_roles.sh /path/to/hinterland /path/to/source
set -u
HL=$1
SRC=$2
REAL="$SRC/../shared/data/real"
TMP=$(mktemp -d /tmp/hl_info_roles.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fails=0

if [ ! -d "$REAL" ]; then
    echo "SKIP: no real data at $REAL"
    exit 0
fi

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

t0=$(date +%s%N)
HL_LAYERS_DIR="$SRC/layers" "$HL" info "$REAL" >"$TMP/all.txt" 2>"$TMP/err.txt"
rc=$?
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
echo "info on the whole real folder: ${ms} ms, exit $rc"
[ "$rc" = 0 ] || fail "info exited $rc: $(head -3 "$TMP/err.txt")"
# speed is measured by scripts/bench, not asserted here (sanitizer builds are slower)

# block DATASET_SUFFIX LAYER: the text block of one layer
block() {
    awk -v ds="$1" -v ly="$2" '
        /^[^ ]/ { n = length(ds); inds = (substr($1, length($1) - n + 1) == ds); inly = 0; next }
        /^  layer: / { inly = inds && ($2 == ly) }
        inly { print }' "$TMP/all.txt"
}

# role DATASET_SUFFIX LAYER: "role" or "role/kind" or "-"
role() {
    block "$1" "$2" | awk '/^  role: / {
        r = $2; k = "";
        if (match($0, /\(kind [a-z_]+/)) k = substr($0, RSTART + 6, RLENGTH - 6);
        print (k != "" ? r "/" k : r); exit }'
}

# expect_role DATASET_SUFFIX LAYER ROLE [NOTE_SUBSTRING]
expect_role() {
    local got
    got=$(role "$1" "$2")
    [ "$got" = "$3" ] || fail "$1 : $2: role '$got', wanted '$3'"
    if [ $# -ge 4 ] && ! block "$1" "$2" | grep -qF -- "$4"; then
        fail "$1 : $2: '$4' not in the role note"
    fi
}

# county polygons (many counties: a multi-county study area, said in a note)
expect_role "山西省.shp" "山西省" county "117 county polygons: a multi-county study area"
for c in chang2_zhi4 da4_tong2 jin4_cheng2 jin4_zhong1 lin2_fen2 lv3_liang2 shuo4_zhou1 tai4_yuan2 \
         xin1_zhou1 yang2_quan2 yun4_cheng2; do
    expect_role "shan1_xi1_$c.geojson" "shan1_xi1_$c" county "multi-county"
done
expect_role "counties-geo.topojson" county county "2990 county polygons"
expect_role "nc.shp" nc county "100 county polygons"
expect_role "ram-backend-jamaica/province.geojson" province county "3 county polygons"
expect_role "admin-boundaries.geojson" admin-boundaries county "30 county polygons"
# the rest of the tudigong TopoJSON: no role
for l in country extra province tendash; do expect_role "counties-geo.topojson" "$l" -; done
# townships and villages
expect_role "twTown1982.topo.json" layer1 townships
expect_role "twVillage1982.topo.json" layer1 villages
expect_role "olinda1.shp" olinda1 villages "census tracts"
# points with population
expect_role "ram-backend-sergipe/villages.geojson" villages natural_villages
expect_role "ram-backend-jamaica/villages.geojson" villages natural_villages
# POI layers
expect_role "hospitals.geojson" hospitals facilities/county_hospital
expect_role "schools.geojson" schools facilities/primary_school
expect_role "poi-townhalls.geojson" poi-townhalls facilities/township_seat
# OSM driver layers, every file
for f in liechtenstein-latest.osm.pbf north-bayreuth.osm.gz monaco.osm.pbf beatty.osm its-example.osm.pbf map.osm; do
    expect_role "$f" lines roads
    sc=$(block "$f" lines | sed -n 's/^  role:     roads (score \([0-9.]*\).*/\1/p')
    awk -v s="${sc:-0}" 'BEGIN { exit !(s >= 0.9) }' || fail "$f lines: roads score '$sc' is not high"
    expect_role "$f" points facilities "mixed kinds: use where: to split"
    block "$f" points | grep -qF "natural_villages" || fail "$f points: natural villages (place=*) not mentioned"
    expect_role "$f" multipolygons industry_bases "agricultural_bases"
    expect_role "$f" multilinestrings -
    expect_role "$f" other_relations -
done
# Sanhe: roads alone, and the mixed export
expect_role "sanhe_streets_data.geojson" sanhe_streets_data roads
expect_role "sanhe.geojson" sanhe mixed "mixed layer, parts:"
for part in "admin boundaries" "places (place) 5" "power (power)" "roads (highway) 37"; do
    block "sanhe.geojson" sanhe | grep -qF -- "$part" || fail "sanhe: part '$part' not listed"
done
# tables
expect_role "provinces.csv" provinces divisions "province level"
expect_role "cities.csv" cities divisions "prefecture (city) level"
expect_role "areas.csv" areas divisions "county level"
expect_role "streets.csv" streets divisions "township level"
expect_role "china-division-npm/villages.csv" villages divisions "village level"
expect_role "population.csv" population attributes "by county code"
expect_role "households.csv" households attributes "by county code"
expect_role "results.csv" results -

# --json carries the same role, reason and note
HL_LAYERS_DIR="$SRC/layers" "$HL" info --json "$REAL/garybikini-shanxi-counties" >"$TMP/g.json" 2>/dev/null
if command -v /usr/bin/python3 >/dev/null; then
    /usr/bin/python3 - "$TMP/g.json" <<'PY' || fail "--json role of garybikini"
import json, sys
d = json.load(open(sys.argv[1]))
r = d["layers"][0]["role"]
assert r["role"] == "county", r
assert "adcode" in r["reason"], r
assert "multi-county" in r["note"], r
PY
fi

if [ "$fails" -gt 0 ]; then
    echo "$fails failure(s)"
    exit 1
fi
echo "all roles as expected"
