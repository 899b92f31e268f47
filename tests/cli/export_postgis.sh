#!/usr/bin/env bash
# `hinterland export --format PostgreSQL -o PG:...` into a throw-away PostGIS
# cluster on 127.0.0.1 (started and stopped here): every layer arrives, with
# the row counts of the GeoPackage and readable Chinese names; an existing
# table is refused without --force and replaced with it.
set -uo pipefail
HL=$1
SRC=$2
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [[ -z "$BIN" || ! -x "$BIN/initdb" ]] || ! id postgres >/dev/null 2>&1 || \
   ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
  echo "SKIPPED: PostgreSQL with PostGIS is not installed"; exit 0
fi
T=$(mktemp -d)
chmod 755 "$T"
PORT=$((55500 + RANDOM % 400))
cleanup() { su postgres -s /bin/sh -c "$BIN/pg_ctl -D $T/pg stop -m fast" >/dev/null 2>&1; rm -rf "$T"; }
trap cleanup EXIT
mkdir "$T/pg" && chown postgres "$T/pg"
su postgres -s /bin/sh -c "$BIN/initdb -D $T/pg -A trust -U postgres >/dev/null && \
  $BIN/pg_ctl -D $T/pg -o '-p $PORT -k $T/pg -c listen_addresses=127.0.0.1' -l $T/pg/log -w start >/dev/null" || {
  echo "SKIPPED: cannot start a PostgreSQL cluster"; exit 0; }
psql() { command psql -X -q -t -A -h 127.0.0.1 -p $PORT -U postgres "$@"; }
psql -c "create database hl" && psql -d hl -c "create extension postgis" || { echo "FAIL: PostGIS"; exit 1; }
"$HL" run "$SRC/samples/qinshui/plan.yaml" -o "$T/q.gpkg" -q 2>/dev/null || { echo "FAIL: run"; exit 1; }
PG="PG:host=127.0.0.1 port=$PORT user=postgres dbname=hl"
fail=0
"$HL" export "$T/q.gpkg" --format PostgreSQL -o "$PG" -q || { echo "FAIL: export"; fail=1; }
for layer in village_indicators township_summary gaps qa_issues network_edges; do
  want=$(sqlite3 "$T/q.gpkg" "select count(*) from \"$layer\"")
  got=$(psql -d hl -c "select count(*) from $layer")
  [[ "$got" == "$want" ]] || { echo "FAIL: $layer has $got rows in PostGIS, $want in the GeoPackage"; fail=1; }
done
want=$(sqlite3 "$T/q.gpkg" "select name from village_indicators order by fid limit 1")
got=$(psql -d hl -c "select name from village_indicators order by ogc_fid limit 1")
[[ "$got" == "$want" ]] || { echo "FAIL: Chinese name '$got' != '$want'"; fail=1; }
"$HL" export "$T/q.gpkg" --format PostgreSQL -o "$PG" -q 2>/dev/null; rc=$?
[[ $rc -eq 8 ]] || { echo "FAIL: existing tables without --force gave exit $rc, expected 8"; fail=1; }
"$HL" export "$T/q.gpkg" --format PostgreSQL -o "$PG" -q -f || { echo "FAIL: export --force"; fail=1; }
[[ $fail -eq 0 ]] && echo "export_postgis: all layers in PostGIS with their rows and names"
exit $fail
