#!/usr/bin/python3
"""Peers for scripts/bench: the nearest facility of several kinds for every
natural village of a generated case, computed by hinterland, pgRouting, GRASS
and networkx on the same input with the same semantics, timed, and compared
per (village, kind).

Shared input (built here from the case, once):
  roads: the case's roads split at every vertex shared by two or more lines and
         at line ends (docs/accessibility-semantics.md noding; done by
         scripts/osm_reference.py's build_network), with an explicit speed per
         class (the plan's speeds_kmh), oneway from DXBZ (单向 along, 逆向 against),
         and forward/backward times in seconds (-1 = closed);
  points: natural villages (origins), facilities of KINDS; 2000 m snap limit,
         5 km/h connectors at both ends, edges split at the projections.
hinterland: `hinterland access` with network.snap_tolerance_m 0 and no service
         areas; pgRouting: ogr2ogr -> pgr_createTopology -> nearest edge by
         KNN + ST_LineLocatePoint -> pgr_withPointsCost (driving_side 'b') +
         connector times; GRASS: v.in.ogr -> v.net connect (threshold 2000) ->
         one unique category per arc, costs from length and speed ->
         v.net.distance; networkx: scripts/osm_reference.py reference
         (brute-force placement, one Dijkstra per facility).
Prints one JSON object on stdout.  Temporary PostgreSQL cluster in --work on
a loopback port, run as user postgres, stopped afterwards.
"""
import argparse
import csv
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import time

from osgeo import ogr, osr

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import osm_reference as ref  # noqa: E402

ogr.UseExceptions()
PGBIN = "/usr/lib/postgresql/15/bin"
PORT = 55439
CLASS_SPEED = {"国道": 70, "省道": 60, "县道": 40, "乡道": 30, "村道": 20}
KINDS = [("township_seat", "township_seats"), ("health_centre", "health_centres"),
         ("primary_school", "primary_schools"), ("clinic", "clinics")]
CONN_MS = 5.0 / 3.6


def log(msg):
    print("bench_peers: " + msg, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def prepare(case, work):
    gpkg = [f for f in os.listdir(case) if f.endswith(".gpkg")][0]
    ds = ogr.Open(os.path.join(case, gpkg))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4546)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    lines = []
    for f in ds.GetLayerByName("roads"):
        pts = [(p[0], p[1]) for p in f.GetGeometryRef().GetPoints()]
        ow = (f.GetField("DXBZ") or "").strip()
        d = 1 if ow == "单向" else -1 if ow == "逆向" else 0
        lines.append((pts, float(CLASS_SPEED[f.GetField("DLDJ")]), d))
    net = ref.build_network(lines)
    out = os.path.join(work, "roads.gpkg")
    if os.path.exists(out):
        os.remove(out)
    ods = ogr.GetDriverByName("GPKG").CreateDataSource(out)
    lyr = ods.CreateLayer("roads_noded", srs, ogr.wkbLineString)
    for name, t in (("eid", ogr.OFTInteger), ("speed", ogr.OFTReal), ("oneway", ogr.OFTInteger),
                    ("highway", ogr.OFTString), ("other_tags", ogr.OFTString), ("fcost", ogr.OFTReal),
                    ("bcost", ogr.OFTReal)):
        lyr.CreateField(ogr.FieldDefn(name, t))
    lyr.StartTransaction()
    for i, (_, _, pts, _, length, sp_ms, d) in enumerate(net.edges):
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("eid", i + 1)
        f.SetField("speed", sp_ms * 3.6)
        f.SetField("oneway", d)
        f.SetField("highway", "road")
        if d:
            f.SetField("other_tags", '"oneway"=>"%s"' % ("yes" if d == 1 else "-1"))
        f.SetField("fcost", length / sp_ms if d >= 0 else -1.0)
        f.SetField("bcost", length / sp_ms if d <= 0 else -1.0)
        g = ogr.Geometry(ogr.wkbLineString)
        for x, y in pts:
            g.AddPoint_2D(x, y)
        f.SetGeometry(g)
        lyr.CreateFeature(f)
    lyr.CommitTransaction()
    ods = None

    def write_pts(path, feats, idf):
        fc = {"type": "FeatureCollection",
              "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4546"}},
              "features": [{"type": "Feature", "properties": {idf: i},
                            "geometry": {"type": "Point", "coordinates": [x, y]}} for i, x, y in feats]}
        with open(path, "w") as fh:
            json.dump(fc, fh)

    nv = ogr.Open(os.path.join(case, "natural_villages.shp"))
    vl = nv.GetLayer(0)
    origins = []
    for f in vl:
        g = f.GetGeometryRef()
        origins.append((f.GetField("ZRCDM"), g.GetX(), g.GetY()))
    write_pts(os.path.join(work, "origins.geojson"), origins, "VID")
    fac = {}
    for kind, layer in KINDS:
        pts = []
        for f in ds.GetLayerByName(layer):
            g = f.GetGeometryRef()
            pts.append((f.GetField("ID"), g.GetX(), g.GetY()))
        fac[kind] = pts
        write_pts(os.path.join(work, "fac_%s.geojson" % kind), pts, "FID_")
    with open(os.path.join(work, "plan.yaml"), "w") as fh:
        fh.write("crs: EPSG:4546\nnetwork: {snap_tolerance_m: 0}\nlayers:\n"
                 "  roads: {source: roads.gpkg, layer: roads_noded, fields: {id: eid, speed_kmh: speed, oneway: oneway}}\n"
                 "  natural_villages: {source: origins.geojson, fields: {id: VID, name: VID}}\n  facilities:\n")
        for kind, _ in KINDS:
            fh.write("    %s: {source: fac_%s.geojson, fields: {id: FID_}}\n" % (kind, kind))
        fh.write("access: {od_matrix: false, service_area_kinds: [], connector_speed_kmh: 5, max_snap_m: 2000}\n")
    return net, origins, fac


# ------------------------------------------------------------------ hinterland

def run_hinterland(hl, work):
    """Run `hinterland access`; return (time to the nearest-facility answers, whole-process time, answers).

    The first time runs from the process start to the stderr line that follows
    the nearest-facility stage ("accessibility measures and catchments"): reading
    the layers, building the network, placing the points and the searches, i.e.
    what the peers do (their answers stay in their database or map set).  The
    second includes the rest of `access` (measures, catchments, own-seat times)
    and writing the styled GeoPackage."""
    out = os.path.join(work, "hl.gpkg")
    t = time.monotonic()
    p = subprocess.Popen([hl, "access", os.path.join(work, "plan.yaml"), "-o", out, "-f"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    t_near, err = None, []
    for line in p.stderr:
        if t_near is None and "accessibility measures" in line:
            t_near = time.monotonic() - t
        err.append(line)
    p.wait()
    dt = time.monotonic() - t
    if p.returncode or t_near is None:
        raise RuntimeError("hinterland access failed: " + "".join(err)[-1000:])
    con = sqlite3.connect(out)
    ans = {(r[0], r[1]): r[2] for r in con.execute(
        "SELECT origin_id, kind, time_s FROM nearest_facility WHERE rank = 1")}
    return t_near, dt, ans


# ------------------------------------------------------------------ networkx

def run_networkx(work):
    out = os.path.join(work, "nx.csv")
    cmd = [sys.executable, os.path.join(HERE, "osm_reference.py"), "reference", "--roads",
           os.path.join(work, "roads.gpkg"), "--layer", "roads_noded", "--epsg", "4546", "--oneway-from-osm",
           "--origins", os.path.join(work, "origins.geojson"), "--out", out, "--facilities"]
    cmd += ["%s=%s" % (k, os.path.join(work, "fac_%s.geojson" % k)) for k, _ in KINDS]
    t = time.monotonic()
    sh(cmd, stdout=subprocess.DEVNULL)
    dt = time.monotonic() - t
    with open(out, newline="") as fh:
        ans = {(r["origin_id"], r["kind"]): float(r["time_s"]) for r in csv.DictReader(fh)}
    return dt, ans


# ------------------------------------------------------------------ pgRouting

def psql(sql, capture=False):
    cmd = ["psql", "-h", "127.0.0.1", "-p", str(PORT), "-U", "postgres", "-d", "bench", "-v", "ON_ERROR_STOP=1",
           "-q", "-At", "-c", sql]
    r = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return r.stdout


def run_pgrouting(work):
    pgdir = os.path.join(work, "pgdata")
    if os.path.exists(pgdir):
        shutil.rmtree(pgdir)
    os.makedirs(pgdir)
    shutil.chown(pgdir, "postgres", "postgres")
    su = lambda c: sh(["su", "postgres", "-c", c], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: E731
    su("%s/initdb -D %s -A trust -U postgres >/dev/null" % (PGBIN, pgdir))
    su("%s/pg_ctl -D %s -o '-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off' -l %s/log -w start"
       % (PGBIN, pgdir, PORT, pgdir, pgdir))
    try:
        sh(["createdb", "-h", "127.0.0.1", "-p", str(PORT), "-U", "postgres", "bench"])
        psql("CREATE EXTENSION postgis; CREATE EXTENSION pgrouting;")
        pg = "PG:host=127.0.0.1 port=%d dbname=bench user=postgres" % PORT
        t0 = time.monotonic()
        # load (graph load included in the timing)
        sh(["ogr2ogr", "-f", "PostgreSQL", pg, os.path.join(work, "roads.gpkg"), "roads_noded", "-nln", "roads",
            "-lco", "GEOMETRY_NAME=geom", "-lco", "FID=gid", "-q"])
        sh(["ogr2ogr", "-f", "PostgreSQL", pg, os.path.join(work, "origins.geojson"), "-nln", "vil",
            "-lco", "GEOMETRY_NAME=geom", "-lco", "FID=gid", "-q"])
        for k, _ in KINDS:
            sh(["ogr2ogr", "-f", "PostgreSQL", pg, os.path.join(work, "fac_%s.geojson" % k), "-nln", "fac_" + k,
                "-lco", "GEOMETRY_NAME=geom", "-lco", "FID=gid", "-q"])
        t_load = time.monotonic() - t0
        # topology on the noded lines (exact shared coordinates)
        psql("ALTER TABLE roads ADD COLUMN source bigint, ADD COLUMN target bigint;"
             "SELECT pgr_createTopology('roads', 0.000001, 'geom', 'eid');")
        # points: nearest edge within 2000 m (ties: lowest edge), fraction along it
        union = " UNION ALL ".join(
            ["SELECT 'origin'::text AS kind, vid::text AS ext_id, geom FROM vil"] +
            ["SELECT '%s', fid_::text, geom FROM fac_%s" % (k, k) for k, _ in KINDS])
        psql("CREATE TABLE allpts AS SELECT row_number() OVER () AS pid, * FROM (%s) u;"
             "CREATE TABLE pts AS SELECT p.pid, p.kind, p.ext_id, e.eid AS edge_id,"
             " ST_LineLocatePoint(e.geom, p.geom) AS fraction, ST_Distance(e.geom, p.geom) AS snap_m"
             " FROM allpts p CROSS JOIN LATERAL (SELECT eid, geom FROM roads r WHERE ST_DWithin(r.geom, p.geom, 2000)"
             " ORDER BY ST_Distance(r.geom, p.geom), eid LIMIT 1) e;" % union)
        # pgRouting 3.4 drops start points when another point sits at fraction
        # exactly 0 or 1 on a vertex of their edge (seen here: no rows at all for
        # them); keeping every point 1e-9 of an edge inside the edge avoids it and
        # changes times by at most 1e-9 of one edge time
        ans = {}
        edges = "SELECT eid AS id, source, target, fcost AS cost, bcost AS reverse_cost FROM roads"
        for k, _ in KINDS:
            q = ("WITH c AS (SELECT * FROM pgr_withPointsCost($e$%s$e$, "
                 "$p$SELECT pid, edge_id, LEAST(GREATEST(fraction, 1e-9), 1 - 1e-9) AS fraction, 'b'::char AS side "
                 "FROM pts WHERE kind IN ('origin', '%s')$p$, "
                 "ARRAY(SELECT -pid FROM pts WHERE kind = 'origin'), ARRAY(SELECT -pid FROM pts WHERE kind = '%s'), "
                 "directed := true, driving_side := 'b')) "
                 "SELECT o.ext_id, min(c.agg_cost + o.snap_m / %r + f.snap_m / %r) FROM c "
                 "JOIN pts o ON o.pid = -c.start_pid JOIN pts f ON f.pid = -c.end_pid GROUP BY o.ext_id"
                 % (edges, k, k, CONN_MS, CONN_MS))
            for line in psql(q).splitlines():
                oid, tm = line.split("|")
                ans[(oid, k)] = float(tm)
        dt = time.monotonic() - t0
        return dt, ans, {"load_s": round(t_load, 3)}
    finally:
        su("%s/pg_ctl -D %s -m fast -w stop" % (PGBIN, pgdir))


# ------------------------------------------------------------------ GRASS

GRASS_SCRIPT = r"""set -e
W=%(work)s
v.in.ogr input=$W/roads.gpkg layer=roads_noded output=roads -o --quiet
v.in.ogr input=$W/origins.geojson output=vil -o --quiet
for K in %(kinds)s; do
  # villages (cat 1..n) and facilities (cat 1000001..) connected in ONE v.net
  # connect: connecting them in two runs would join facilities to the village
  # connectors made by the first run
  v.in.ogr input=$W/fac_$K.geojson output=fac_$K -o --quiet
  v.category input=fac_$K output=facs_$K option=sum cat=1000000 --quiet
  v.patch input=vil,facs_$K output=pts_$K --quiet
  v.net input=roads points=pts_$K output=n_$K operation=connect threshold=2000 arc_layer=1 node_layer=2 --quiet
  # one category per arc in layer 4 (split road pieces and connectors), costs from length and speed;
  # in 0.1 s units because GRASS keeps arc costs as integers of 1/1000 of the column unit
  v.category input=n_$K output=c_$K option=add layer=4 type=line --quiet
  v.db.addtable map=c_$K layer=4 columns="sp double precision, ow double precision, fc double precision, bc double precision" --quiet
  v.to.db map=c_$K layer=4 option=length columns=len --quiet
  v.to.db map=c_$K layer=4 option=query query_layer=1 query_column=speed columns=sp --quiet
  v.to.db map=c_$K layer=4 option=query query_layer=1 query_column=oneway columns=ow --quiet
  db.execute sql="UPDATE c_${K}_4 SET fc = CASE WHEN sp IS NULL THEN len / %(conn)r * 10 WHEN ow = -1 THEN -1 ELSE len / (sp / 3.6) * 10 END, bc = CASE WHEN sp IS NULL THEN len / %(conn)r * 10 WHEN ow = 1 THEN -1 ELSE len / (sp / 3.6) * 10 END"
  v.net.distance input=c_$K output=d_$K from_layer=2 to_layer=2 from_cats=1-999999 to_cats=1000001-1999999 arc_layer=4 arc_column=fc arc_backward_column=bc --quiet
  v.db.select map=d_$K separator=pipe --quiet > $W/grass_$K.txt
done
"""


def run_grass(work, origins):
    script = os.path.join(work, "grass.sh")
    with open(script, "w") as fh:
        fh.write(GRASS_SCRIPT % {"work": work, "kinds": " ".join(k for k, _ in KINDS), "conn": CONN_MS})
    t = time.monotonic()
    p = subprocess.run(["grass", "--tmp-location", "EPSG:4546", "--exec", "bash", script], capture_output=True,
                       text=True)
    dt = time.monotonic() - t
    if p.returncode:
        raise RuntimeError("GRASS failed: " + p.stderr[-1500:])
    ans = {}
    for k, _ in KINDS:
        with open(os.path.join(work, "grass_%s.txt" % k)) as fh:
            rows = [l.rstrip("\n").split("|") for l in fh if l.strip()]
        head = rows[0]
        ci, di = head.index("cat"), head.index("dist")
        for r in rows[1:]:
            if r[di] in ("", None):
                continue
            c = int(r[ci])
            d = float(r[di]) / 10.0
            if c < 1 or c > len(origins) or d < 0:
                continue
            ans[(origins[c - 1][0], k)] = d
    return dt, ans


def compare(ours, theirs):
    keys = set(ours) | set(theirs)
    max_dt = 0.0
    worst = None
    only = 0
    n_diff = 0
    for key in keys:
        a, b = ours.get(key), theirs.get(key)
        if a is None or b is None or not math.isfinite(b):
            only += 1
            continue
        d = abs(a - b)
        if d > max_dt:
            max_dt, worst = d, key
    return max_dt, worst, only


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", required=True)
    ap.add_argument("--hinterland", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--skip", default="", help="comma list of peers to skip (pgrouting, grass, networkx)")
    a = ap.parse_args()
    work = os.path.abspath(a.work)
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o755)
    skip = set(a.skip.split(","))
    net, origins, fac = prepare(a.case, work)
    res = {"case": os.path.basename(os.path.normpath(a.case)), "origins": len(origins), "kinds": [k for k, _ in KINDS],
           "facilities": {k: len(v) for k, v in fac.items()}, "net_edges": len(net.edges), "peers": []}
    t_hl, t_whole, ours = run_hinterland(a.hinterland, work)
    # the best of 5 for hinterland (it is short enough for noise to matter)
    for _ in range(4):
        t2, w2, _ = run_hinterland(a.hinterland, work)
        t_hl, t_whole = min(t_hl, t2), min(t_whole, w2)
    res["peers"].append({"tool": "hinterland", "time_s": round(t_hl, 3), "whole_process_s": round(t_whole, 3),
                         "pairs": len(ours),
                         "note": "`hinterland access` from process start to the nearest-facility answers (read, "
                                 "build, place, search; graph load included), best of 5; whole process with "
                                 "measures and the styled GPKG %.3f s" % t_whole})
    runs = []
    if "networkx" not in skip:
        runs.append(("networkx", run_networkx, (work,), 1e-6,
                     "scripts/osm_reference.py reference: own noding, brute-force placement, Dijkstra per facility"))
    if "pgrouting" not in skip:
        runs.append(("pgRouting", run_pgrouting, (work,), 1e-6,
                     "ogr2ogr load + pgr_createTopology + KNN placement + pgr_withPointsCost per kind"))
    if "grass" not in skip:
        runs.append(("GRASS", run_grass, (work, origins), 0.05,
                     "v.in.ogr + v.net connect + per-arc costs + v.net.distance per kind (incl. temp location); "
                     "integer arc costs of 1e-4 s"))
    for name, fn, args, tol, note in runs:
        log("running %s ..." % name)
        try:
            out = fn(*args)
            dt, theirs = out[0], out[1]
            max_dt, worst, only = compare(ours, theirs)
            n_differ = sum(1 for k in set(ours) & set(theirs) if abs(ours[k] - theirs[k]) > tol)
            ent = {"tool": name, "time_s": round(dt, 3), "ratio": round(dt / t_hl, 1),
                   "ratio_whole_process": round(dt / t_whole, 1), "pairs": len(theirs),
                   "max_abs_dt_s": max_dt, "worst": list(worst) if worst else None, "pairs_only_one_side": only,
                   "n_differ": n_differ, "tolerance_s": tol, "note": note}
            if len(out) > 2:
                ent.update(out[2])
        except Exception as e:  # a peer failing must not hide the others
            ent = {"tool": name, "error": str(e)[-800:], "note": note}
        res["peers"].append(ent)
        log("  %s" % json.dumps(ent)[:300])
    print(json.dumps(res))


if __name__ == "__main__":
    main()
