#!/usr/bin/python3
"""Independent reference for hinterland's travel times on real OSM road networks.

Three sub-commands, used by tests/cli/osm_reference.sh:

  prepare   OSM file -> a temp folder with roads.gpkg (the OSM `lines` layer cut
            to highway lines, with an explicit per-class `speed` column; one
            layer without other_tags = all two-way, one with other_tags = OSM
            oneway/junction), deterministic origin and facility points as
            GeoJSON with an explicit CRS, and two hinterland plans.
  reference roads + points -> expected nearest facility per origin and kind
            (CSV), computed from docs/accessibility-semantics.md alone: own
            noding, brute-force nearest segment over all segments, exact edge
            splitting, 5 km/h connectors, networkx Dijkstra per facility on the
            reversed graph, ties within 1e-9 s to the first facility in its layer.
  compare   expected CSV vs hinterland's nearest_facility table -> differences;
            exit 1 on any disagreement.

Nothing here imports or reads hinterland code or its output except `compare`.
Run with /usr/bin/python3 (needs osgeo and networkx: Debian python3-gdal,
python3-networkx).  OSM data (c) OpenStreetMap contributors, ODbL 1.0.
"""
import argparse
import csv
import json
import math
import os
import random
import re
import sqlite3
import subprocess
import sys

from osgeo import ogr, osr

ogr.UseExceptions()
osr.UseExceptions()

# Motor-road highway values: the routable ones of layers/presets/osm.yaml.
MOTOR = ["motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
         "secondary", "secondary_link", "tertiary", "tertiary_link", "unclassified",
         "residential", "living_street", "service", "track", "road"]
WHERE = "highway IN (%s)" % ", ".join("'%s'" % h for h in MOTOR)

# Explicit test speeds (km/h) written into the `speed` column.  Deliberately
# different from the preset's class defaults, so a result that used the
# preset (or OSM maxspeed) instead of the mapped speed field cannot agree.
TEST_SPEED = {"motorway": 110, "motorway_link": 45, "trunk": 85, "trunk_link": 42,
              "primary": 65, "primary_link": 38, "secondary": 55, "secondary_link": 33,
              "tertiary": 45, "tertiary_link": 28, "unclassified": 35, "residential": 27,
              "living_street": 9, "service": 17, "track": 13, "road": 23}

ACCESS_KMH = 5.0
MAX_SNAP_M = 2000.0
ATTACH_M = 1e-6
TIE_S = 1e-9

# Oneway words (accessibility-semantics.md, Roads and speeds; the lists are
# layers/roles/roads.yaml's, which extend the document's examples).  Matching:
# trimmed, ASCII case-insensitive.
ONEWAY_BACKWARD = ["-1", "tf", "reverse", "backward", "逆向", "反向"]
ONEWAY_FORWARD = ["yes", "true", "1", "ft", "t", "y", "forward", "单向", "正向", "顺向", "是"]
ROUNDABOUT = ["roundabout", "circular"]

TAG_RE = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')


def other_tags(text):
    """GDAL OSM driver other_tags ("k"=>"v","k2"=>"v2") -> dict."""
    out = {}
    if text:
        for k, v in TAG_RE.findall(text):
            out.setdefault(k.replace('\\"', '"'), v.replace('\\"', '"'))
    return out


def direction(oneway, junction):
    """0 two-way, 1 along the digitised direction only, -1 against it only."""
    ow = (oneway or "").strip()
    low = ow.lower()
    if low in ONEWAY_BACKWARD:
        return -1
    if low in ONEWAY_FORWARD:
        return 1
    if ow == "" and (junction or "").strip().lower() in ROUNDABOUT:
        return 1
    return 0


def working_srs(epsg):
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return srs


def transform_to(layer, epsg):
    src = layer.GetSpatialRef().Clone()
    src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return osr.CoordinateTransformation(src, working_srs(epsg))


# ---------------------------------------------------------------- prepare

def cmd_prepare(a):
    os.makedirs(a.out, exist_ok=True)
    gpkg = os.path.join(a.out, "roads.gpkg")
    if os.path.exists(gpkg):
        os.remove(gpkg)
    case = "CASE highway %s ELSE NULL END" % " ".join(
        "WHEN '%s' THEN %d" % (h, s) for h, s in TEST_SPEED.items())
    # two layers from the same features in the same order; in roads_osm the
    # numeric speed column is not the last one (a reader must not keep GDAL's
    # temporary string of a numeric field while it reads the next field)
    for name, cols in (("roads_twoway", "osm_id, highway, %s AS speed" % case),
                       ("roads_osm", "osm_id, %s AS speed, highway, other_tags" % case)):
        sql = "SELECT %s, geometry FROM lines WHERE highway IS NOT NULL" % cols
        cmd = ["ogr2ogr", "-f", "GPKG", gpkg, a.osm, "-dialect", "SQLite", "-sql", sql,
               "-nln", name, "-nlt", "LINESTRING", "-q"]
        if os.path.exists(gpkg):
            cmd.insert(3, "-update")
        subprocess.run(cmd, check=True)

    # points: deterministic, inside the bounding box of the motor roads
    ds = ogr.Open(gpkg)
    lyr = ds.GetLayerByName("roads_twoway")
    lyr.SetAttributeFilter(WHERE)
    ct = transform_to(lyr, a.epsg)
    verts = []
    for f in lyr:
        g = f.GetGeometryRef().Clone()
        g.Transform(ct)
        verts.extend(g.GetPoints())
    xs = [v[0] for v in verts]
    ys = [v[1] for v in verts]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    rnd = random.Random(a.seed)

    def near_vertex(r_max):
        vx, vy = verts[rnd.randrange(len(verts))][:2]
        ang = rnd.uniform(0, 2 * math.pi)
        r = rnd.uniform(0, r_max)
        return round(vx + r * math.cos(ang), 3), round(vy + r * math.sin(ang), 3)

    origins = []
    n_uniform = a.n_origins * 6 // 10
    n_on = a.n_origins // 10
    for i in range(a.n_origins):
        if i < n_uniform:
            p = (round(rnd.uniform(x0, x1), 3), round(rnd.uniform(y0, y1), 3))
        elif i < n_uniform + n_on:
            p = tuple(verts[rnd.randrange(len(verts))][:2])  # exactly on a road vertex
        else:
            p = near_vertex(60.0)
        origins.append(("O%03d" % (i + 1), p))

    def facilities(prefix, n):
        # ids deliberately not in layer order, so 'first in layer' differs
        # from 'smallest id'; positions 3 and 6 (1-based) share coordinates
        # (an exact tie), positions 8 and 9 too.
        # The first of the pair 3/6 has the larger id, the first of 8/9 the
        # smaller one, so neither 'smallest id' nor 'largest id' passes.
        nums = rnd.sample(range(1, 100), n)
        if n >= 6 and nums[2] < nums[5]:
            nums[2], nums[5] = nums[5], nums[2]
        if n >= 9 and nums[7] > nums[8]:
            nums[7], nums[8] = nums[8], nums[7]
        ids = ["%s%02d" % (prefix, k) for k in nums]
        pts = [near_vertex(300.0) for _ in range(n)]
        if n >= 6:
            pts[5] = pts[2]
        if n >= 9:
            pts[8] = pts[7]
        return list(zip(ids, pts))

    clinics = facilities("C", a.n_fac)
    schools = facilities("S", a.n_fac)
    # an origin at exactly a clinic's place: both connectors are still travelled
    origins[-1] = (origins[-1][0], clinics[0][1])
    # one origin far outside the network box: beyond the snap limit
    origins[-2] = (origins[-2][0], (round(x1 + 5000.0, 3), round(y1 + 5000.0, 3)))

    def write(path, pts, props):
        fc = {"type": "FeatureCollection",
              "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::%d" % a.epsg}},
              "features": [{"type": "Feature", "properties": props(i, fid),
                            "geometry": {"type": "Point", "coordinates": [p[0], p[1]]}}
                           for i, (fid, p) in enumerate(pts)]}
        with open(path, "w") as fh:
            json.dump(fc, fh, indent=None, separators=(",", ":"))
            fh.write("\n")

    write(os.path.join(a.out, "origins.geojson"), origins,
          lambda i, fid: {"VID": fid, "VNAME": "village %d" % (i + 1), "POP": 100 + i})
    write(os.path.join(a.out, "clinics.geojson"), clinics, lambda i, fid: {"FID_": fid})
    write(os.path.join(a.out, "schools.geojson"), schools, lambda i, fid: {"FID_": fid})

    # twoway / osm: road ends are not merged (the semantics exactly); default:
    # hinterland's default network.snap_tolerance_m of 1 m
    for variant, layer in (("twoway", "roads_twoway"), ("osm", "roads_osm"), ("default", "roads_osm")):
        with open(os.path.join(a.out, "plan_%s.yaml" % variant), "w") as fh:
            fh.write("crs: EPSG:%d\n" % a.epsg)
            if variant != "default":
                fh.write("network: {snap_tolerance_m: 0}\n")
            fh.write("layers:\n")
            fh.write("  roads: {source: roads.gpkg, layer: %s, where: \"%s\",\n" % (layer, WHERE))
            fh.write("          fields: {id: osm_id, speed_kmh: speed}}\n")
            fh.write("  natural_villages: {source: origins.geojson, fields: {id: VID, name: VNAME, population: POP}}\n")
            fh.write("  facilities:\n")
            fh.write("    clinic: {source: clinics.geojson, fields: {id: FID_}}\n")
            fh.write("    primary_school: {source: schools.geojson, fields: {id: FID_}}\n")
            fh.write("access: {od_matrix: false, service_areas_min: [1]}\n")
    print("prepared %s: %d road vertices, box %.0f x %.0f m" % (a.out, len(verts), x1 - x0, y1 - y0))


# -------------------------------------------------------------- reference

class Net:
    """The noded network: edges in road order, then piece order."""

    def __init__(self):
        self.node_id = {}      # coordinate -> node id
        self.edges = []        # (u, v, coords, cum lengths, len_m, speed_ms, dir)


def read_roads(path, layer, where, epsg, use_osm_tags):
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName(layer)
    lyr.SetAttributeFilter(where)
    ct = transform_to(lyr, epsg)
    lines = []
    has_tags = lyr.GetLayerDefn().GetFieldIndex("other_tags") >= 0
    for f in lyr:
        g = f.GetGeometryRef()
        if g is None:
            continue
        g = g.Clone()
        g.Transform(ct)
        pts = [(p[0], p[1]) for p in g.GetPoints()]
        speed = float(f.GetField("speed"))
        d = 0
        if use_osm_tags and has_tags:
            t = other_tags(f.GetField("other_tags"))
            d = direction(t.get("oneway"), t.get("junction"))
        lines.append((pts, speed, d))
    return lines


def merge_ends(lines, tol_m):
    """hinterland's network.snap_tolerance_m (not in the shared semantics):
    road-line end coordinates closer than tol_m (strictly) form single-linkage
    clusters; every vertex at a clustered coordinate moves to the cluster's
    first coordinate in input order (line order, then vertex order)."""
    first = {}
    for pts, _, _ in lines:
        for p in pts:
            first.setdefault(p, len(first))
    ends = sorted({p for pts, _, _ in lines for p in (pts[0], pts[-1])}, key=first.get)
    parent = {p: p for p in ends}

    def root(p):
        while parent[p] != p:
            p = parent[p]
        return p

    cells = {}
    for p in ends:
        cells.setdefault((math.floor(p[0] / tol_m), math.floor(p[1] / tol_m)), []).append(p)
    for (cx, cy), ps in cells.items():
        for p in ps:
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    for q in cells.get((cx + dx, cy + dy), ()):
                        if first[q] > first[p] and math.hypot(p[0] - q[0], p[1] - q[1]) < tol_m:
                            a, b = root(p), root(q)
                            if a != b:
                                if first[a] < first[b]:
                                    parent[b] = a
                                else:
                                    parent[a] = b
    moved = {p: root(p) for p in ends if root(p) != p}
    out = [([moved.get(p, p) for p in pts], sp, d) for pts, sp, d in lines]
    return out, len(moved)


def build_network(lines):
    count = {}
    for pts, _, _ in lines:
        for p in pts:
            count[p] = count.get(p, 0) + 1
    is_node = {p for p, c in count.items() if c >= 2}
    for pts, _, _ in lines:
        is_node.add(pts[0])
        is_node.add(pts[-1])
    net = Net()

    def nid(p):
        if p not in net.node_id:
            net.node_id[p] = len(net.node_id)
        return net.node_id[p]

    for pts, speed, d in lines:
        if len(set(pts)) < 2:
            continue
        start = 0
        for k in range(1, len(pts)):
            if pts[k] in is_node or k == len(pts) - 1:
                piece = pts[start:k + 1]
                # zero-length segments carry nothing
                piece = [piece[0]] + [q for j, q in enumerate(piece[1:], 1) if q != piece[j - 1]]
                start = k
                if len(piece) < 2:
                    continue
                cum = [0.0]
                for j in range(1, len(piece)):
                    cum.append(cum[-1] + math.hypot(piece[j][0] - piece[j - 1][0],
                                                    piece[j][1] - piece[j - 1][1]))
                net.edges.append((nid(piece[0]), nid(piece[-1]), piece, cum, cum[-1],
                                  speed / 3.6, d))
    return net


def seg_arrays(net):
    import numpy as np
    ax, ay, bx, by, eid, off = [], [], [], [], [], []
    for e, (_, _, pts, cum, _, _, _) in enumerate(net.edges):
        for j in range(len(pts) - 1):
            ax.append(pts[j][0]); ay.append(pts[j][1])
            bx.append(pts[j + 1][0]); by.append(pts[j + 1][1])
            eid.append(e); off.append(cum[j])
    return tuple(np.array(v, dtype=float) for v in (ax, ay, bx, by)) + (eid, off)


def place(net, segs, px, py):
    """Nearest point of the nearest edge, brute force over every segment.
    Returns None beyond the snap limit, else (snap_m, edge, offset_m, qx, qy)."""
    import numpy as np
    ax, ay, bx, by, eid, off = segs
    dx, dy = bx - ax, by - ay
    l2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(l2 > 0, ((px - ax) * dx + (py - ay) * dy) / l2, 0.0)
    t = np.clip(t, 0.0, 1.0)
    qx = np.where(t <= 0, ax, np.where(t >= 1, bx, ax + t * dx))
    qy = np.where(t <= 0, ay, np.where(t >= 1, by, ay + t * dy))
    dist = np.sqrt((px - qx) ** 2 + (py - qy) ** 2)
    s = int(np.argmin(dist))  # first minimum: lowest edge, then lowest segment
    if not dist[s] <= MAX_SNAP_M:
        return None
    e = eid[s]
    offset = off[s] + math.hypot(qx[s] - ax[s], qy[s] - ay[s])
    return float(dist[s]), e, offset, float(qx[s]), float(qy[s])


def read_points(path, id_field, epsg):
    ds = ogr.Open(path)
    lyr = ds.GetLayer(0)
    ct = transform_to(lyr, epsg)
    out = []
    for f in lyr:
        g = f.GetGeometryRef().Clone()
        g.Transform(ct)
        out.append((str(f.GetField(id_field)), g.GetX(), g.GetY()))
    return out


def routing_graph(net, placed_sets):
    """networkx DiGraph: network pieces split at the projections, plus one
    connector per placed point.  Parallel arcs keep the cheapest."""
    import networkx as nx
    G = nx.DiGraph()
    access_ms = ACCESS_KMH / 3.6
    splits = {}  # edge -> sorted offsets
    for pts in placed_sets:
        for p in pts:
            if p is None or p["attach"] is not None:
                continue
            splits.setdefault(p["edge"], set()).add(p["offset"])

    def arc(u, v, t, d):
        if u == v:
            return
        old = G.get_edge_data(u, v)
        if old is None or t < old["t"]:
            G.add_edge(u, v, t=t, d=d)

    for e, (u, v, _, _, length, sp, d) in enumerate(net.edges):
        cuts = [0.0] + sorted(splits.get(e, ())) + [length]
        names = [("n", u)] + [("s", e, o) for o in sorted(splits.get(e, ()))] + [("n", v)]
        for k in range(len(cuts) - 1):
            a, b = names[k], names[k + 1]
            plen = cuts[k + 1] - cuts[k]
            t = plen / sp
            if d >= 0:
                arc(a, b, t, plen)
            if d <= 0:
                arc(b, a, t, plen)
    for si, pts in enumerate(placed_sets):
        for i, p in enumerate(pts):
            if p is None:
                continue
            at = ("n", p["attach"]) if p["attach"] is not None else ("s", p["edge"], p["offset"])
            t = p["snap"] / access_ms
            G.add_edge(("p", si, i), at, t=t, d=p["snap"])
            G.add_edge(at, ("p", si, i), t=t, d=p["snap"])
    return G


def cmd_reference(a):
    import networkx as nx
    lines = read_roads(a.roads, a.layer, a.where, a.epsg, a.oneway_from_osm)
    n_moved = 0
    if a.merge_ends_m > 0:
        lines, n_moved = merge_ends(lines, a.merge_ends_m)
    net = build_network(lines)
    segs = seg_arrays(net)
    sets = [("origin", read_points(a.origins, a.origin_id, a.epsg))]
    for spec in a.facilities:
        kind, path = spec.split("=", 1)
        sets.append((kind, read_points(path, a.facility_id, a.epsg)))
    placed_sets = []
    for _, pts in sets:
        placed = []
        for fid, x, y in pts:
            r = place(net, segs, x, y)
            if r is None:
                placed.append(None)
                continue
            snap, e, off, qx, qy = r
            u, v, _, _, length, _, _ = net.edges[e]
            attach = u if off <= ATTACH_M else (v if length - off <= ATTACH_M else None)
            placed.append({"snap": snap, "edge": e, "offset": off, "attach": attach})
        placed_sets.append(placed)
    G = routing_graph(net, placed_sets)
    R = G.reverse(copy=False)
    origins = sets[0][1]
    rows = []
    n_unreach = {}
    n_exact = 0
    for si in range(1, len(sets)):
        kind, facs = sets[si]
        best = {}  # origin index -> list of (time, dist, fac index)
        for fi, p in enumerate(placed_sets[si]):
            if p is None:
                continue
            dist, paths = nx.single_source_dijkstra(R, ("p", si, fi), weight="t")
            for oi in range(len(origins)):
                node = ("p", 0, oi)
                if placed_sets[0][oi] is None or node not in dist:
                    continue
                path = paths[node]
                dm = sum(R[path[j]][path[j + 1]]["d"] for j in range(len(path) - 1))
                best.setdefault(oi, []).append((dist[node], dm, fi))
        for oi, (oid, _, _) in enumerate(origins):
            cands = best.get(oi)
            if not cands:
                n_unreach[kind] = n_unreach.get(kind, 0) + 1
                continue
            tmin = min(c[0] for c in cands)
            win = min((c for c in cands if c[0] <= tmin + TIE_S), key=lambda c: c[2])
            near = sorted(facs[c[2]][0] for c in cands
                          if c[2] != win[2] and abs(c[0] - win[0]) <= 1e-6 * max(1.0, win[0]))
            n_exact += any(c[2] != win[2] and c[0] <= tmin + TIE_S for c in cands)
            rows.append([oid, kind, facs[win[2]][0], repr(win[0]), repr(win[1]),
                         repr(placed_sets[0][oi]["snap"]), repr(placed_sets[si][win[2]]["snap"]),
                         " ".join(near)])
    rows.sort(key=lambda r: (r[0], r[1]))
    beyond = [origins[i][0] for i, p in enumerate(placed_sets[0]) if p is None]
    with open(a.out, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["origin_id", "kind", "facility_id", "time_s", "dist_m", "origin_snap_m",
                    "facility_snap_m", "near_ties"])
        w.writerows(rows)
    with open(a.out + ".beyond", "w") as fh:
        fh.write("".join(b + "\n" for b in sorted(beyond)))
    print("reference: %d lines (%d ends merged), %d nodes, %d edges, %d arcs; %d rows, %d origins beyond "
          "%g m, unreachable per kind %s, %d answers with an exact tie" % (
              len(lines), n_moved, len(net.node_id), len(net.edges), G.number_of_edges(), len(rows), len(beyond),
              MAX_SNAP_M, json.dumps(n_unreach, sort_keys=True), n_exact))


# ---------------------------------------------------------------- compare

def cmd_compare(a):
    exp = {}
    with open(a.expected, newline="") as fh:
        for r in csv.DictReader(fh):
            exp[(r["origin_id"], r["kind"])] = r
    con = sqlite3.connect(a.gpkg)
    got = {}
    for r in con.execute("SELECT origin_id, kind, facility_id, time_s, dist_m, origin_snap_m, "
                         "facility_snap_m FROM nearest_facility WHERE rank = 1"):
        got[(r[0], r[1])] = r
    beyond_got = sorted(r[0] for r in con.execute(
        "SELECT DISTINCT feature_id FROM qa_issues WHERE code = 'beyond_snap' AND layer = 'natural_villages'"))
    with open(a.expected + ".beyond") as fh:
        beyond_exp = sorted(fh.read().split())
    bad = []
    max_dt = max_rel = max_dd = max_snap = 0.0
    worst = ""
    ties = 0
    for key in sorted(set(exp) | set(got)):
        e, g = exp.get(key), got.get(key)
        if e is None:
            bad.append("%s %s: expected unreachable, got %s %.6f s" % (key[0], key[1], g[2], g[3]))
            continue
        if g is None:
            bad.append("%s %s: expected %s %s s, got no row" % (key[0], key[1], e["facility_id"], e["time_s"]))
            continue
        te, tg = float(e["time_s"]), float(g[3])
        dt = abs(te - tg)
        rel = dt / max(te, 1e-300)
        if dt > max_dt:
            max_dt, worst = dt, "%s %s" % key
        max_rel = max(max_rel, rel)
        if not (dt < 1e-6 or rel < 1e-6):
            bad.append("%s %s: time expected %s s (%s), got %.9f s (%s)" % (
                key[0], key[1], e["time_s"], e["facility_id"], tg, g[2]))
            continue
        if g[2] != e["facility_id"]:
            if g[2] in e["near_ties"].split() and dt > TIE_S:
                ties += 1  # rounding-level near tie (> 1e-9 s apart): either answer is right
            else:
                bad.append("%s %s: facility expected %s, got %s (times %s / %.9f)" % (
                    key[0], key[1], e["facility_id"], g[2], e["time_s"], tg))
                continue
        else:
            dd = abs(float(e["dist_m"]) - float(g[4]))
            max_dd = max(max_dd, dd)
            if dd > 1e-6 * max(1.0, float(e["dist_m"])):
                bad.append("%s %s: dist_m expected %s, got %.9f (same time: an equal-time path of "
                           "another length?)" % (key[0], key[1], e["dist_m"], g[4]))
        for col, idx in (("origin_snap_m", 5), ("facility_snap_m", 6)):
            ds = abs(float(e[col]) - float(g[idx]))
            max_snap = max(max_snap, ds)
            if ds > 1e-6:
                bad.append("%s %s: %s expected %s, got %.9f" % (key[0], key[1], col, e[col], g[idx]))
    if beyond_got != beyond_exp:
        bad.append("beyond_snap origins differ: expected %s, got %s" % (beyond_exp, beyond_got))
    print("%s: %d rows expected, %d got; max |dt| %.3g s (%s), max rel %.3g, max |d dist| %.3g m, "
          "max |d snap| %.3g m; %d near ties; %d beyond snap" % (
              a.label, len(exp), len(got), max_dt, worst or "-", max_rel, max_dd, max_snap, ties,
              len(beyond_exp)))
    for b in bad[:30]:
        print("  MISMATCH " + b)
    if len(bad) > 30:
        print("  ... %d more" % (len(bad) - 30))
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--osm", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--epsg", type=int, required=True)
    p.add_argument("--seed", type=int, default=20261124)
    p.add_argument("--n-origins", type=int, default=200)
    p.add_argument("--n-fac", type=int, default=10)
    r = sub.add_parser("reference")
    r.add_argument("--roads", required=True)
    r.add_argument("--layer", required=True)
    r.add_argument("--where", default=WHERE)
    r.add_argument("--epsg", type=int, required=True)
    r.add_argument("--oneway-from-osm", action="store_true")
    r.add_argument("--merge-ends-m", type=float, default=0.0,
                   help="merge road ends closer than this, as hinterland's network.snap_tolerance_m")
    r.add_argument("--origins", required=True)
    r.add_argument("--origin-id", default="VID")
    r.add_argument("--facility-id", default="FID_")
    r.add_argument("--facilities", nargs="+", required=True, metavar="KIND=PATH")
    r.add_argument("--out", required=True)
    c = sub.add_parser("compare")
    c.add_argument("--expected", required=True)
    c.add_argument("--gpkg", required=True)
    c.add_argument("--label", default="compare")
    a = ap.parse_args()
    if a.cmd == "prepare":
        cmd_prepare(a)
    elif a.cmd == "reference":
        cmd_reference(a)
    else:
        sys.exit(cmd_compare(a))


if __name__ == "__main__":
    main()
