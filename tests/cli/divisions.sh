#!/usr/bin/env bash
# The national division table fills in missing names and codes and flags
# unknown codes.  On a copy of the sample: village 1 loses its name, village
# 2 loses its code (its name is unique in the county), village 3 gets a code
# the table does not have.  Expected from china-division (NBS 2023):
# the names and codes of those villages as the sample carries them.
set -euo pipefail
HL=$1
SRC=$2
DIV="$SRC/../shared/data/real/china-division-npm"
[[ -f "$DIV/villages.csv" ]] || { echo "SKIPPED: $DIV not found"; exit 0; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cp -r "$SRC/samples/qinshui" "$T/s"
read -r code1 name1 code2 name2 < <(sqlite3 -separator ' ' "$T/s/qinshui.gpkg" \
  "select a.CJQYDM, a.CJQYMC, b.CJQYDM, b.CJQYMC from villages a, villages b where a.fid=1 and b.fid=2")
# the expected values come from the table itself, not from hinterland
exp1=$(grep "^$code1," "$DIV/villages.csv" | cut -d, -f2 | tr -d '"')
for q in "update villages set CJQYMC=NULL where fid=1" "update villages set CJQYDM=NULL where fid=2" \
         "update villages set CJQYDM='140521999999' where fid=3"; do
  ogrinfo -q "$T/s/qinshui.gpkg" -sql "$q" >/dev/null
done
sed -i "s|^standard: qinshui|standard: qinshui\ndivisions: $DIV|" "$T/s/plan.yaml"
"$HL" coverage "$T/s/plan.yaml" -o "$T/out.gpkg" -q 2>"$T/err" || { cat "$T/err"; exit 1; }
fail=0
got1=$(sqlite3 "$T/out.gpkg" "select village_name from village_overlay where village_code='$code1'")
[[ "$got1" == "$exp1" ]] || { echo "FAIL: name of $code1: expected '$exp1', got '$got1'"; fail=1; }
got2=$(sqlite3 "$T/out.gpkg" "select count(*) from village_overlay where village_code='$code2' and village_name='$name2'")
[[ "$got2" == 1 ]] || { echo "FAIL: code of $name2 not filled in ($got2)"; fail=1; }
n=$(sqlite3 "$T/out.gpkg" "select count(*) from qa_issues where code='unknown_code' and feature_id='140521999999'")
[[ "$n" == 1 ]] || { echo "FAIL: unknown code not flagged ($n)"; fail=1; }
[[ $fail -eq 0 ]] && echo "divisions: names and codes filled from the table, unknown code flagged"
exit $fail
