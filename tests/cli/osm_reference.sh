#!/usr/bin/env bash
# hinterland's nearest-facility travel times on three real OSM road networks,
# checked against an independent computation (scripts/osm_reference.py: own
# noding, brute-force nearest segment, exact edge splitting, networkx
# Dijkstra) that follows docs/accessibility-semantics.md.
#   networks: Liechtenstein (EPSG:32632), Monaco (EPSG:32632), Beatty NV (EPSG:32611)
#   per network: ~200 seeded origins (60 % uniform in the road box, 10 % exactly
#   on road vertices, 30 % near them, one far outside, one on a clinic), two
#   facility kinds of 10 points each with two exact-duplicate pairs (tie rule),
#   explicit per-class speeds in a `speed` column (not the preset defaults), and
#   three variants: all two-way (no other_tags); oneway/junction from OSM other_tags;
#   the same with hinterland's default network.snap_tolerance_m (road ends closer
#   than 1 m merged, modelled in the reference by --merge-ends-m 1).  The first two
#   set snap_tolerance_m: 0, which is the shared semantics exactly.
# Checks: same facility id (ties within 1e-9 s: the first in its layer), |dt| below
# 1e-6 s absolute or relative, dist_m and both snap distances within 1e-6 m, the same
# origins without a row per kind, the same origins beyond the 2000 m snap limit.
# Prints the maximum differences.  OSM data (c) OpenStreetMap contributors, ODbL 1.0.
# usage: osm_reference.sh /path/to/hinterland /path/to/source
set -u
HL=$1
SRC=$2
REAL="$SRC/../shared/data/real"
PY=/usr/bin/python3
REF="$SRC/scripts/osm_reference.py"
if [ ! -d "$REAL" ]; then
    echo "SKIP: no real data at $REAL"
    exit 0
fi
if ! "$PY" -c 'import networkx, numpy; from osgeo import ogr' 2>/dev/null; then
    echo "SKIP: $PY lacks networkx, numpy or osgeo (apt-get install python3-networkx python3-gdal)"
    exit 0
fi
T=$(mktemp -d /tmp/hl_osmref.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
start=$(date +%s.%N)

# check NAME OSM_FILE EPSG N_ORIGINS
check() {
    local name=$1 osm=$2 epsg=$3 n=$4 d="$T/$1" v t0 t1
    if [ ! -f "$osm" ]; then
        echo "FAIL: $osm missing"
        fails=$((fails + 1))
        return
    fi
    "$PY" "$REF" prepare --osm "$osm" --out "$d" --epsg "$epsg" --n-origins "$n" >/dev/null ||
        { echo "FAIL: $name: prepare failed"; fails=$((fails + 1)); return; }
    for v in twoway osm default; do
        local extra=() layer=roads_osm
        case $v in
            twoway) layer=roads_twoway ;;
            osm) extra=(--oneway-from-osm) ;;
            default) extra=(--oneway-from-osm --merge-ends-m 1) ;;
        esac
        t0=$(date +%s.%N)
        "$PY" "$REF" reference --roads "$d/roads.gpkg" --layer "$layer" --epsg "$epsg" "${extra[@]}" \
            --origins "$d/origins.geojson" \
            --facilities "clinic=$d/clinics.geojson" "primary_school=$d/schools.geojson" \
            --out "$d/expected_$v.csv" >"$d/ref_$v.log" ||
            { echo "FAIL: $name $v: reference failed"; fails=$((fails + 1)); continue; }
        t1=$(date +%s.%N)
        # 10 s is far more than a correct run needs (about 1 s); wrong speeds
        # can make the service areas cover everything and take minutes
        if ! timeout 300 "$HL" access "$d/plan_$v.yaml" -o "$d/out_$v.gpkg" -q 2>"$d/hl_$v.err"; then
            echo "FAIL: $name $v: hinterland access failed or took over 10 s:"; cat "$d/hl_$v.err"
            fails=$((fails + 1)); continue
        fi
        printf '%s (reference %.2f s, hinterland %.2f s)\n  %s\n' "$name-$v" \
            "$(echo "$t1 - $t0" | bc)" "$(echo "$(date +%s.%N) - $t1" | bc)" "$(cat "$d/ref_$v.log")"
        "$PY" "$REF" compare --expected "$d/expected_$v.csv" --gpkg "$d/out_$v.gpkg" --label "  $name-$v" ||
            fails=$((fails + 1))
    done
    # the two variants must differ somewhere (the OSM oneways matter), or the
    # oneway variant tests nothing
    if cmp -s "$d/expected_twoway.csv" "$d/expected_osm.csv"; then
        echo "FAIL: $name: oneway variant gives the same answers as two-way"
        fails=$((fails + 1))
    fi
}

check liechtenstein "$REAL/valhalla-liechtenstein/liechtenstein-latest.osm.pbf" 32632 200
check monaco "$REAL/osrm-monaco/monaco.osm.pbf" 32632 200
check beatty "$REAL/graphhopper-beatty/beatty.osm" 32611 200

printf 'osm_reference: total %.1f s\n' "$(echo "$(date +%s.%N) - $start" | bc)"
if [ $fails -eq 0 ]; then
    echo "osm_reference: all checks passed"
    exit 0
fi
echo "osm_reference: $fails failures"
exit 1
