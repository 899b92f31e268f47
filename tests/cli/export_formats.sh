#!/bin/bash
# CLI test of `hinterland export`: Shapefile (UTF-8 and GBK, short field
# names, .qml/.cpg/.prj, fields_mapping.csv), GeoJSON, CSV, refusal to
# overwrite, errors and exit codes.  Usage: export_formats.sh HINTERLAND SOURCE_DIR
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

"$bin" export --help >"$tmp/help.txt"; check "--help exits 0" test $? -eq 0
check "--help mentions fields_mapping.csv" grep -q fields_mapping.csv "$tmp/help.txt"

# Shapefile, UTF-8
"$bin" export "$tmp/r.gpkg" -o "$tmp/shp" -q 2>"$tmp/err.txt"; rc=$?
check "shapefile export exits 0 ($(cat "$tmp/err.txt"))" test $rc -eq 0
for ext in shp shx dbf prj cpg qml; do check "village_indicators.$ext written" test -s "$tmp/shp/village_indicators.$ext"; done
check "no .qml for a table without geometry" test ! -e "$tmp/shp/indicator_summary.qml"
check "indicator_summary.dbf written" test -s "$tmp/shp/indicator_summary.dbf"
check ".cpg says UTF-8" grep -qx "UTF-8" "$tmp/shp/village_indicators.cpg"
check ".prj is CGCS2000" grep -q "CGCS2000" "$tmp/shp/village_indicators.prj"
# road_01_share_units -> road_01_sh (cut to 10); road_01_share_pop collides -> road_01_ + 01
check "mapping: cut to 10" grep -q "^county_summary,road_01_sh,road_01_share_units,较大人口规模自然村通硬化路达标单元比例," "$tmp/shp/fields_mapping.csv"
check "mapping: collision gets a counter" grep -q "^county_summary,road_01_01,road_01_share_pop,较大人口规模自然村通硬化路达标人口比例," "$tmp/shp/fields_mapping.csv"
check "mapping: kept name" grep -q "^village_indicators,t_thc_min,t_thc_min,至乡镇卫生院时间（分钟）,Time to township health centre (min)$" "$tmp/shp/fields_mapping.csv"
check "qml uses the short names" grep -q '<alias field="road_01_me" index="[0-9]*" name="较大人口规模自然村通硬化路（是否达标）"/>' "$tmp/shp/village_indicators.qml"
check "qml classes by travel time" grep -q 'RuleRenderer' "$tmp/shp/village_indicators.qml"
fields=$($py - "$tmp/shp/county_summary.shp" <<'PY'
import sys
from osgeo import ogr
ds = ogr.Open(sys.argv[1])  # keep the dataset referenced, or its layer dangles
l = ds.GetLayer(0)
d = l.GetLayerDefn()
print(",".join(d.GetFieldDefn(i).GetName() for i in range(d.GetFieldCount())), l.GetFeatureCount(), l.GetNextFeature().GetField("name"))
PY
)
check "shapefile fields ($fields)" test "${fields%% *}" = "code,name,n_units,population,road_01_sh,road_01_01,road_01_ta,road_01_me,road_01_ga,wat_01_sha,wat_01_s01,wat_01_tar,wat_01_met,wat_01_gap,hlt_02_sha,hlt_02_s01,hlt_02_tar,hlt_02_met,hlt_02_gap"
check "shapefile feature and Chinese text ($fields)" test "${fields#* }" = "1 示例县"
check "no temporary left" test -z "$(ls -A "$tmp" | grep -- '-tmp-\|\.old-')"

# exists: refused without -f (exit 8), output untouched; replaced with -f
touch "$tmp/shp/marker"
"$bin" export "$tmp/r.gpkg" -o "$tmp/shp" -q 2>"$tmp/err.txt"; rc=$?
check "existing output refused with exit 8 (got $rc)" test $rc -eq 8
check "message names the path and -f" grep -q -- "$tmp/shp.*--force" "$tmp/err.txt"
check "existing output untouched" test -e "$tmp/shp/marker"
"$bin" export "$tmp/r.gpkg" -o "$tmp/shp" -f -q -l village_indicators; rc=$?
check "-f replaces (exit $rc)" test $rc -eq 0 -a ! -e "$tmp/shp/marker" -a ! -e "$tmp/shp/gaps.shp" -a -e "$tmp/shp/village_indicators.shp"

# GBK
"$bin" export "$tmp/r.gpkg" -o "$tmp/gbk" --encoding GBK -l village_indicators,gaps -q; rc=$?
check "GBK export exits 0" test $rc -eq 0
check ".cpg says 936" grep -qx "936" "$tmp/gbk/village_indicators.cpg"
check "dbf holds GBK bytes" $py -c "import sys; d=open('$tmp/gbk/village_indicators.dbf','rb').read(); sys.exit(0 if '第1村'.encode('gbk') in d and '第1村'.encode('utf-8') not in d else 1)"
check "GDAL reads GBK back" $py -c "
from osgeo import ogr; import sys
ds=ogr.Open('$tmp/gbk/village_indicators.shp'); l=ds.GetLayer(0); sys.exit(0 if l.GetNextFeature().GetField('name')=='第1村' else 1)"

# GeoJSON and CSV
"$bin" export "$tmp/r.gpkg" -F GeoJSON -o "$tmp/gj" -l village_indicators -q; rc=$?
check "GeoJSON exits 0" test $rc -eq 0
check "GeoJSON has full names and text" grep -q '"road_01_share_pop"\|"t_thc_min": 7' "$tmp/gj/village_indicators.geojson"
check "GeoJSON has Chinese" grep -q '第1村' "$tmp/gj/village_indicators.geojson"
"$bin" export "$tmp/r.gpkg" -F CSV -o "$tmp/csv" -l indicator_summary -q; rc=$?
check "CSV exits 0" test $rc -eq 0
check "CSV starts with a BOM and the header" $py -c "import sys; d=open('$tmp/csv/indicator_summary.csv','rb').read(); sys.exit(0 if d.startswith(b'\xef\xbb\xbflevel,code,name,indicator') else 1)"

# errors
"$bin" export "$tmp/r.gpkg" -F KML -o "$tmp/k" -q 2>/dev/null; rc=$?
check "unknown format exits 2 (got $rc)" test $rc -eq 2
"$bin" export "$tmp/r.gpkg" -F GeoJSON -e GBK -o "$tmp/k" -q 2>/dev/null; rc=$?
check "GBK for GeoJSON exits 2 (got $rc)" test $rc -eq 2
"$bin" export "$tmp/r.gpkg" -l nosuch -o "$tmp/k" -q 2>"$tmp/err.txt"; rc=$?
check "unknown layer exits 2 (got $rc)" test $rc -eq 2
check "unknown layer message lists layers" grep -q "village_indicators" "$tmp/err.txt"
"$bin" export "$tmp/missing.gpkg" -o "$tmp/k" -q 2>/dev/null; rc=$?
check "missing input exits 3 (got $rc)" test $rc -eq 3
"$bin" export "$tmp/r.gpkg" 2>/dev/null; rc=$?
check "no -o exits 2 (got $rc)" test $rc -eq 2
check "failed exports left nothing" test ! -e "$tmp/k"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
