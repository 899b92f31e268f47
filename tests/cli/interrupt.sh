#!/usr/bin/env bash
# Interruption: `hinterland run` on a workload that takes several seconds (a
# 317 x 317 grid of 100 m road segments, 200,344 of them, 6,241 villages and
# 64 clinics, generated here with /usr/bin/python3 + osgeo) gets SIGINT after
# about a second.  It must stop within 15 s with exit 130 and a message, leave
# no temporary file (names starting with '.') in the output folder, and leave
# the earlier output at the same path byte-identical.  The inputs are never
# modified.  A second variant sends SIGINT twice (the second one makes the CLI
# leave at once) a little later in the run.
# Run: bash interrupt.sh /path/to/hinterland /path/to/source
set -uo pipefail
HL=$1
SRC=$2
PY=/usr/bin/python3
T=$(mktemp -d)
PID=
cleanup() {
    if [[ -n $PID ]] && kill -0 "$PID" 2>/dev/null; then kill -9 "$PID" 2>/dev/null; fi
    rm -rf "$T"
}
trap cleanup EXIT
fail=0
bad() { echo "FAIL $1: $2"; fail=1; }

# ---- the small dataset that makes the "earlier output" (tests/bad/make_bad.py ok_baseline)
"$PY" "$SRC/tests/bad/make_bad.py" "$T/small" ok_baseline || { echo "FAIL: make_bad.py"; exit 1; }

# ---- the big dataset
mkdir -p "$T/big" "$T/out"
"$PY" - "$T/big" 317 <<'PYEOF' || { echo "FAIL: could not generate the big dataset"; exit 1; }
import os
import sys
from osgeo import ogr, osr
ogr.UseExceptions()
d, n = sys.argv[1], int(sys.argv[2])
srs = osr.SpatialReference()
srs.ImportFromEPSG(4546)
ds = ogr.GetDriverByName("GPKG").CreateDataSource(os.path.join(d, "big.gpkg"))


def layer(name, gt, fields):
    lyr = ds.CreateLayer(name, srs, gt)
    for f in fields:
        lyr.CreateField(ogr.FieldDefn(f, ogr.OFTString))
    return lyr


def point(lyr, values, x, y):
    f = ogr.Feature(lyr.GetLayerDefn())
    for k, v in values.items():
        f.SetField(k, v)
    g = ogr.Geometry(ogr.wkbPoint)
    g.AddPoint_2D(x, y)
    f.SetGeometry(g)
    lyr.CreateFeature(f)


step, x0, y0 = 100.0, 500000.0, 4000000.0
top = (n - 1) * step
roads = layer("roads", ogr.wkbLineString, ["BM", "DLDJ"])
ds.StartTransaction()
k = 0
for i in range(n):
    for j in range(n):
        x, y = i * step, j * step
        for x2, y2 in ((x + step, y), (x, y + step)):
            if x2 > top or y2 > top:
                continue
            f = ogr.Feature(roads.GetLayerDefn())
            f.SetField("BM", "R%d" % k)
            f.SetField("DLDJ", "县道")
            g = ogr.Geometry(ogr.wkbLineString)
            g.AddPoint_2D(x0 + x, y0 + y)
            g.AddPoint_2D(x0 + x2, y0 + y2)
            f.SetGeometry(g)
            roads.CreateFeature(f)
            k += 1
ds.CommitTransaction()
vil = layer("villages", ogr.wkbPoint, ["ZRCDM", "ZRCMC"])
ds.StartTransaction()
m = 0
for i in range(0, n - 1, 4):
    for j in range(0, n - 1, 4):
        point(vil, {"ZRCDM": "V%d" % m, "ZRCMC": "村%d" % m}, x0 + i * step + 37, y0 + j * step + 11)
        m += 1
ds.CommitTransaction()
cl = layer("clinics", ogr.wkbPoint, ["ID"])
ds.StartTransaction()
c = 0
for i in range(0, n - 1, 40):
    for j in range(0, n - 1, 40):
        point(cl, {"ID": "C%d" % c}, x0 + i * step + 50, y0 + j * step + 20)
        c += 1
ds.CommitTransaction()
ds = None
assert (k, m, c) == (200344, 6241, 64), (k, m, c)
PYEOF
cat >"$T/big/plan.yaml" <<'YAML'
crs: EPSG:4546
layers:
  roads: {source: big.gpkg, layer: roads, fields: {id: BM, class: DLDJ}}
  natural_villages: {source: big.gpkg, layer: villages, fields: {id: ZRCDM, name: ZRCMC}}
  facilities:
    clinic: {source: big.gpkg, layer: clinics, fields: {id: ID}}
access: {od_matrix: true, service_areas_min: [5, 15]}
YAML
inputs_before=$(cd "$T" && find big small -type f -print0 | sort -z | xargs -0 md5sum)

OUT="$T/out/county.gpkg"

# interrupt_case NAME DELAY_S SIGNALS: an earlier output at $OUT, then a big
# run with --force to the same path, interrupted.
interrupt_case() {
    local name=$1 delay=$2 nsig=$3 before rc waited=0
    rm -f "$OUT" "$T/out/county.qgs"
    if ! timeout -k 5 60 "$HL" access "$T/small/ok_baseline/plan.yaml" -o "$OUT" -q 2>"$T/err"; then
        bad "$name" "the small run failed: $(cat "$T/err")"
        return
    fi
    before=$(md5sum <"$OUT")
    "$HL" run "$T/big/plan.yaml" -o "$OUT" -f -q --no-qgs 2>"$T/err" &
    PID=$!
    sleep "$delay"
    if ! kill -0 "$PID" 2>/dev/null; then
        wait "$PID"
        bad "$name" "the run ended (exit $?) before the signal: the workload is too small"
        PID=
        return
    fi
    kill -INT "$PID"
    if [[ $nsig -ge 2 ]]; then
        sleep 0.2
        kill -INT "$PID" 2>/dev/null
    fi
    while kill -0 "$PID" 2>/dev/null && [[ $waited -lt 150 ]]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    if kill -0 "$PID" 2>/dev/null; then
        bad "$name" "still running 15 s after SIGINT"
        kill -9 "$PID"
    fi
    wait "$PID"
    rc=$?
    PID=
    if [[ $rc -ne 130 ]]; then bad "$name" "exit $rc, expected 130; stderr: $(head -c 2000 "$T/err")"; fi
    if grep -qE "Sanitizer|runtime error:" "$T/err"; then bad "$name" "sanitizer report: $(head -c 2000 "$T/err")"; fi
    if [[ $nsig -eq 1 ]] && ! grep -q "interrupted" "$T/err"; then
        bad "$name" "no 'interrupted' message; stderr: $(head -c 2000 "$T/err")"
    fi
    local tmp
    tmp=$(ls -A "$T/out" | grep '^\.' || true)
    if [[ -n $tmp ]]; then bad "$name" "temporary files left: $tmp"; fi
    if [[ ! -f $OUT ]]; then
        bad "$name" "the earlier output is gone"
    elif [[ $(md5sum <"$OUT") != "$before" ]]; then
        bad "$name" "the earlier output changed"
    fi
    local extra
    extra=$(ls -A "$T/out" | grep -v '^county\.gpkg$' || true)
    if [[ -n $extra ]]; then bad "$name" "unexpected files beside the output: $extra"; fi
}

interrupt_case "SIGINT after 1 s" 1 1
interrupt_case "two SIGINTs after 2.5 s" 2.5 2

inputs_after=$(cd "$T" && find big small -type f -print0 | sort -z | xargs -0 md5sum)
[[ "$inputs_before" == "$inputs_after" ]] || bad inputs "input files changed or were added"

[[ $fail -eq 0 ]] && echo "interrupt: all checks passed"
exit $fail
