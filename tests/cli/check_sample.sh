#!/usr/bin/env bash
# `hinterland check` on the sample county: no errors; then on a deliberately
# broken copy it must report every planted problem in qa_issues.
#   1. a duplicate administrative-village code        -> duplicate_code (error, exit 7)
#   2. a self-intersecting village polygon ("bow tie") -> geom_invalid
#   3. a village polygon grown over its neighbours     -> village_overlap
#   4. a village polygon shrunk, leaving a hole        -> village_gap
#   5. a natural village moved 50 km out of the county -> outside_county
#   6. a natural village whose village code names another village -> hierarchy_mismatch
#   7. a facility with zero capacity                   -> capacity_zero
set -euo pipefail
HL=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
"$HL" check "$SRC/samples/qinshui/plan.yaml" -o "$T/ok.gpkg" -q 2>"$T/ok.err" || { echo "FAIL: check on the sample exited $?"; cat "$T/ok.err"; exit 1; }
n=$(sqlite3 "$T/ok.gpkg" "select count(*) from qa_issues where severity='error'")
[[ $n -eq 0 ]] || { echo "FAIL: $n errors on the sample"; fail=1; }

cp -r "$SRC/samples/qinshui" "$T/broken"
/usr/bin/python3 - "$T/broken" <<'PY'
import sys
from osgeo import ogr, gdal
gdal.PushErrorHandler("CPLQuietErrorHandler")
d = sys.argv[1]
ds = ogr.Open(d + "/qinshui.gpkg", 1)
v = ds.GetLayerByName("villages")
feats = sorted([f for f in v], key=lambda f: f.GetFID())
f0, f1, f2, f3 = feats[0], feats[1], feats[2], feats[3]
# 1. duplicate code: village 2 takes village 1's code
f1.SetField("CJQYDM", f0.GetField("CJQYDM")); v.SetFeature(f1)
# 2. bow tie inside village 3's envelope
minx, maxx, miny, maxy = f2.GetGeometryRef().GetEnvelope()
bow = ogr.CreateGeometryFromWkt("POLYGON((%f %f,%f %f,%f %f,%f %f,%f %f))" % (minx, miny, maxx, maxy, maxx, miny, minx, maxy, minx, miny))
f2.SetGeometry(bow); v.SetFeature(f2)
# 3. village 4 grown by 300 m over its neighbours
g = f3.GetGeometryRef().Buffer(300); f3.SetGeometry(g); v.SetFeature(f3)
# 4. the 10th village shrunk by 200 m: a gap opens around it
f9 = feats[9]
g = f9.GetGeometryRef().Buffer(-200); f9.SetGeometry(g); v.SetFeature(f9)
# 7. zero capacity
c = ds.GetLayerByName("health_centres"); f = c.GetNextFeature(); f.SetField("CWS", 0); c.SetFeature(f)
ds = None
nv = ogr.Open(d + "/natural_villages.shp", 1)
l = nv.GetLayer(0)
fs = sorted([f for f in l], key=lambda f: f.GetFID())
# 5. 50 km east, outside the county
p = fs[0].GetGeometryRef(); p.SetPoint_2D(0, p.GetX() + 50000, p.GetY()); fs[0].SetGeometry(p); l.SetFeature(fs[0])
# 6. another village's code
other = next(f.GetField("CJQYDM") for f in fs if f.GetField("CJQYDM") != fs[5].GetField("CJQYDM"))
fs[5].SetField("CJQYDM", other); l.SetFeature(fs[5])
nv = None
PY
set +e
"$HL" check "$T/broken/plan.yaml" -o "$T/broken.gpkg" -q 2>"$T/broken.err"
rc=$?
set -e
[[ $rc -eq 7 ]] || { echo "FAIL: check on the broken copy exited $rc, expected 7 (errors in the data)"; cat "$T/broken.err"; fail=1; }
for code in duplicate_code geom_invalid village_overlap village_gap outside_county hierarchy_mismatch capacity_zero; do
  n=$(sqlite3 "$T/broken.gpkg" "select count(*) from qa_issues where code='$code'")
  n_ok=$(sqlite3 "$T/ok.gpkg" "select count(*) from qa_issues where code='$code'")
  if (( n <= n_ok )); then echo "FAIL: planted $code not reported ($n in the broken copy, $n_ok in the sample)"; fail=1; fi
done
grep -q "duplicate_code\|more than one feature" "$T/broken.err" || { echo "FAIL: the duplicate code is not printed on stderr"; fail=1; }
[[ $fail -eq 0 ]] && echo "check_sample: all planted problems reported"
exit $fail
