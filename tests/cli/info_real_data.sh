#!/bin/bash
# `hinterland info` on the real data: CRS, encoding and feature counts must
# match SOURCES.md (counts measured independently with ogrinfo/osmium), the
# (the time it takes is reported, not asserted), and a GBK shapefile without .cpg
# and language id (made here with ogr2ogr) must come out readable.
# usage: info_real_data.sh /path/to/hinterland /path/to/source
set -u
HL=$1
SRC=$2
REAL="$SRC/../shared/data/real"
TMP=$(mktemp -d /tmp/hl_info_test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fails=0

if [ ! -d "$REAL" ]; then
    echo "SKIP: no real data at $REAL"
    exit 0
fi

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect FILE PATTERN DESCRIPTION: a fixed-string match in the output
expect() {
    if ! grep -qF -- "$2" "$1"; then fail "$3: '$2' not in output"; fi
}

# block OUTPUT DATASET_SUFFIX LAYER: the text block of one layer
block() {
    awk -v ds="$2" -v ly="$3" '
        /^[^ ]/ { inds = (index($0, ds) > 0); inly = 0; next }
        /^  layer: / { inly = inds && ($2 == ly) }
        inly { print }' "$1"
}

run() { # run OUTFILE ARGS...
    local out=$1; shift
    "$HL" info "$@" >"$out" 2>"$out.err"
    echo $?
}

# --- the whole folder, timed -------------------------------------------
t0=$(date +%s%N)
rc=$(run "$TMP/all.txt" "$REAL")
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
echo "info on the whole real folder: ${ms} ms, exit $rc"
[ "$rc" = 0 ] || fail "info on $REAL exited $rc: $(head -3 "$TMP/all.txt.err")"
# speed is measured by scripts/bench, not asserted here (sanitizer builds are slower)
A="$TMP/all.txt"

# garybikini: 117 counties, no .prj, UTF-8 with LDID 0 and no .cpg, AMap (GCJ-02)
block "$A" "山西省.shp" "山西省" >"$TMP/g.txt"
expect "$TMP/g.txt" "117 features" "garybikini count"
expect "$TMP/g.txt" "crs:      none — the plan must give crs:" "garybikini CRS"
expect "$TMP/g.txt" "encoding: UTF-8 (no .cpg, DBF language id 0; content: all strings valid UTF-8" "garybikini encoding"
expect "$TMP/g.txt" "GCJ-02 suspected" "garybikini GCJ-02"
expect "$TMP/g.txt" "name:String(12)" "garybikini fields"

# nc.shp: 100 counties, NAD27, LDID 0x57
block "$A" "nc.shp" "nc" >"$TMP/nc.txt"
expect "$TMP/nc.txt" "100 features" "nc count"
expect "$TMP/nc.txt" "EPSG:4267" "nc CRS"
expect "$TMP/nc.txt" "0x57" "nc language id"

# olinda1: 470 tracts, ESRI WKT without EPSG match, Latin text
block "$A" "olinda1.shp" "olinda1" >"$TMP/ol.txt"
expect "$TMP/ol.txt" "470 features" "olinda count"
expect "$TMP/ol.txt" "no EPSG code identified" "olinda CRS"
expect "$TMP/ol.txt" "encoding: CP1252" "olinda encoding"

# Taiwan villages: 7,599, TopoJSON without CRS
block "$A" "twVillage1982.topo.json" "layer1" >"$TMP/tw.txt"
expect "$TMP/tw.txt" "7599 features" "twVillage count"
expect "$TMP/tw.txt" "crs:      none" "twVillage CRS"
block "$A" "twTown1982.topo.json" "layer1" >"$TMP/twt.txt"
expect "$TMP/twt.txt" "382 features" "twTown count"

# tudigong: county 2,990, province 31, no CRS, projected numbers
block "$A" "counties-geo.topojson" "county" >"$TMP/tc.txt"
expect "$TMP/tc.txt" "2990 features" "tudigong county count"
expect "$TMP/tc.txt" "crs:      none — the plan must give crs:" "tudigong CRS"
expect "$TMP/tc.txt" "coordinates look projected" "tudigong note"
block "$A" "counties-geo.topojson" "province" >"$TMP/tp.txt"
expect "$TMP/tp.txt" "31 features" "tudigong province count"

# echarts: GCJ-02 that GDAL calls WGS 84
block "$A" "shan1_xi1_chang2_zhi4.geojson" "shan1_xi1_chang2_zhi4" >"$TMP/e.txt"
expect "$TMP/e.txt" "13 features" "echarts 长治 count"
expect "$TMP/e.txt" "EPSG:4326" "echarts CRS"
expect "$TMP/e.txt" "GCJ-02 suspected" "echarts GCJ-02"
block "$A" "shan1_xi1_lin2_fen2.geojson" "shan1_xi1_lin2_fen2" >"$TMP/e2.txt"
expect "$TMP/e2.txt" "17 features" "echarts 临汾 count"

# OSM: pbf, XML, gzip XML (through /vsigzip/ automatically)
block "$A" "liechtenstein-latest.osm.pbf" "lines" >"$TMP/li.txt"
expect "$TMP/li.txt" "8365 features" "liechtenstein lines"
block "$A" "liechtenstein-latest.osm.pbf" "multipolygons" >"$TMP/lm.txt"
expect "$TMP/lm.txt" "21372 features" "liechtenstein multipolygons"
block "$A" "north-bayreuth.osm.gz" "lines" >"$TMP/nb.txt"
expect "$TMP/nb.txt" "2384 features" "north-bayreuth lines"
expect "$A" "/vsigzip/" "north-bayreuth through /vsigzip/"
block "$A" "monaco.osm.pbf" "multipolygons" >"$TMP/mo.txt"
expect "$TMP/mo.txt" "24084 features" "monaco multipolygons"
block "$A" "beatty.osm" "lines" >"$TMP/be.txt"
expect "$TMP/be.txt" "204 features" "beatty lines"

# Sanhe (real rural China): 375 features, the ring warnings reported
block "$A" "sanhe.geojson" "sanhe" >"$TMP/sa.txt"
expect "$TMP/sa.txt" "375 features" "sanhe count"
expect "$TMP/sa.txt" "Non closed ring" "sanhe GDAL warning"

# RAM fixtures
block "$A" "ram-backend-sergipe/villages.geojson" "villages" >"$TMP/rs.txt"
expect "$TMP/rs.txt" "214 features" "sergipe villages"
block "$A" "ram-backend-jamaica/villages.geojson" "villages" >"$TMP/rj.txt"
expect "$TMP/rj.txt" "233 features" "jamaica villages"

# the division tables: CSV without geometry; villages.csv 620,573 rows
block "$A" "china-division-npm/villages.csv" "villages" >"$TMP/cv.txt"
expect "$TMP/cv.txt" "620573 features" "villages.csv rows"
expect "$TMP/cv.txt" "geometry: None" "villages.csv geometry"
block "$A" "tudigong-china-counties/population.csv" "population" >"$TMP/pop.txt"
expect "$TMP/pop.txt" "byte order mark" "population.csv BOM"

# sidecars are not datasets of their own
if grep -qE '\.(shx|dbf|prj|cpg)  \(' "$A"; then fail "a shapefile sidecar was listed as a dataset"; fi
if grep -q "LICENSE" "$A"; then fail "LICENSE was listed"; fi

# --- JSON output -------------------------------------------------------
rc=$(run "$TMP/nc.json" --json "$REAL/debian-r-cran-sf/nc.shp" "$REAL/garybikini-shanxi-counties/山西省.shp")
[ "$rc" = 0 ] || fail "info --json exited $rc"
/usr/bin/python3 - "$TMP/nc.json" <<'EOF' || fail "JSON output"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
L = {l["layer"]: l for l in d["layers"]}
assert L["nc"]["feature_count"] == 100, L["nc"]
assert L["nc"]["crs"]["epsg"] == 4267, L["nc"]["crs"]
g = L["山西省"]
assert g["feature_count"] == 117 and g["crs"] is None and g["encoding"] == "UTF-8", g
assert g["geometry_kind"] == "polygon", g
assert any(f["name"] == "name" for f in g["fields"])
EOF

# --- a GBK shapefile without .cpg and with language id 0 ---------------
if command -v ogr2ogr >/dev/null 2>&1; then
    cat >"$TMP/src.geojson" <<'EOF'
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"村名":"郑庄村","人口":812},"geometry":{"type":"Point","coordinates":[112.37,35.75]}},
{"type":"Feature","properties":{"村名":"沁水县城","人口":30500},"geometry":{"type":"Point","coordinates":[112.19,35.69]}}]}
EOF
    ogr2ogr -f "ESRI Shapefile" -lco ENCODING=GBK "$TMP/村庄.shp" "$TMP/src.geojson" 2>/dev/null
    rm -f "$TMP/村庄.cpg"
    printf '\000' | dd of="$TMP/村庄.dbf" bs=1 seek=29 conv=notrunc status=none
    if [ "$(od -An -tx1 -j29 -N1 "$TMP/村庄.dbf" | tr -d ' ')" != "00" ]; then fail "could not zero the LDID"; fi
    rc=$(run "$TMP/gbk.txt" "$TMP")
    [ "$rc" = 0 ] || fail "info on the GBK folder exited $rc"
    expect "$TMP/gbk.txt" "layer:    村庄" "GBK shapefile: non-ASCII file name"
    expect "$TMP/gbk.txt" "2 features" "GBK shapefile count"
    expect "$TMP/gbk.txt" "encoding: GB18030 (no .cpg, DBF language id 0; content: GB18030 decodes, not UTF-8)" "GBK detection"
    expect "$TMP/gbk.txt" "村名:String" "GBK field name readable"
    expect "$TMP/gbk.txt" "人口:" "GBK field name readable"
    if grep -q "src.geojson" "$TMP/gbk.txt"; then :; else fail "the folder's GeoJSON was not listed"; fi
else
    echo "SKIP: ogr2ogr not found, GBK case not run"
fi

# --- errors --------------------------------------------------------------
echo "not json" >"$TMP/broken.geojson"
rc=$(run "$TMP/err.txt" "$REAL/debian-r-cran-sf/nc.shp" "$TMP/broken.geojson")
[ "$rc" = 4 ] || fail "an unreadable dataset should give exit 4, got $rc"
expect "$TMP/err.txt" "100 features" "other datasets still listed after an unreadable one"
expect "$TMP/err.txt" "(unreadable)" "unreadable dataset marked"
rc=$(run "$TMP/missing.txt" "$TMP/no-such-file.shp")
[ "$rc" = 3 ] || fail "a missing path should give exit 3, got $rc"
rc=$(run "$TMP/usage.txt")
[ "$rc" = 2 ] || fail "no PATH should give exit 2, got $rc"
"$HL" info --help >"$TMP/help.txt" 2>&1 || fail "--help failed"
expect "$TMP/help.txt" "usage: hinterland info" "--help text"

if [ "$fails" -ne 0 ]; then
    echo "$fails check(s) failed"
    exit 1
fi
echo "all info checks passed"
exit 0
