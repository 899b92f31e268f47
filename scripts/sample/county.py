"""Generation of one county's synthetic planning layers for make_sample.py.

Input: the real county outline (EPSG:4546), its real townships and villages (codes and
names) and real county population. Output: a dict {layer name: [feature, ...]} where a
feature is (geometry, attributes); geometry is ("point", (x, y)), ("line", [(x, y), ...])
or ("poly", ogr.Geometry MultiPolygon). All randomness comes from random.Random
instances seeded from the county code and a purpose tag (see rng()), so the result is a
pure function of the inputs.
"""

import hashlib
import math
import random

from osgeo import gdal, ogr

from geomutil import (SegIndex, clean_line, dist, kmeans, rpt, seg_intersection, seg_point_dist,
                      voronoi_cells, wiggle)

CLS_NATIONAL, CLS_PROVINCIAL, CLS_COUNTY, CLS_TOWNSHIP, CLS_VILLAGE = "国道", "省道", "县道", "乡道", "村道"
HARD = ("沥青", "水泥")


def rng(code, tag):
    h = hashlib.sha256(("%s/%s" % (code, tag)).encode("utf-8")).hexdigest()
    return random.Random(int(h[:16], 16))


def weighted(r, table):
    """Pick a key from [(key, weight), ...] with the given Random."""
    tot = sum(w for _, w in table)
    x = r.random() * tot
    for k, w in table:
        x -= w
        if x < 0:
            return k
    return table[-1][0]


# --------------------------------------------------------------------------- regions

class Region:
    """An OGR polygon with a prepared copy for fast point-in-polygon tests."""

    def __init__(self, geom):
        self.geom = geom
        self.prep = geom.CreatePreparedGeometry()
        x0, x1, y0, y1 = geom.GetEnvelope()
        self.bbox = (x0, y0, x1, y1)
        self.area = geom.GetArea()

    def contains(self, p):
        g = ogr.Geometry(ogr.wkbPoint)
        g.AddPoint_2D(p[0], p[1])
        return self.prep.Contains(g)

    def grid(self, n_target):
        """About n_target points on a square grid inside the region (row-major order)."""
        x0, y0, x1, y1 = self.bbox
        step = math.sqrt(max(self.area, 1.0) / max(n_target, 1))
        out = []
        for _ in range(4):
            out = []
            y = y0 + step / 2
            while y < y1:
                x = x0 + step / 2
                while x < x1:
                    if self.contains((x, y)):
                        out.append((x, y))
                    x += step
                y += step
            if len(out) >= n_target * 0.5:
                break
            step /= 2.0
        return out

    def random_point(self, r, near=None, radius=None, tries=200):
        x0, y0, x1, y1 = self.bbox
        for _ in range(tries):
            if near is not None:
                a = r.random() * 2 * math.pi
                d = radius * math.sqrt(r.random())
                p = (near[0] + d * math.cos(a), near[1] + d * math.sin(a))
            else:
                p = (r.uniform(x0, x1), r.uniform(y0, y1))
            if self.contains(p):
                return p
        return None


def to_multipolygon(g):
    """Polygonal parts of an OGR geometry as a MultiPolygon with coordinates rounded to 1 cm."""
    mp = ogr.Geometry(ogr.wkbMultiPolygon)
    parts = []
    name = g.GetGeometryName()
    if name == "POLYGON":
        parts = [g]
    elif name in ("MULTIPOLYGON", "GEOMETRYCOLLECTION"):
        for i in range(g.GetGeometryCount()):
            sub = g.GetGeometryRef(i)
            if sub.GetGeometryName() == "POLYGON":
                parts.append(sub)
            elif sub.GetGeometryName() == "MULTIPOLYGON":
                parts.extend(sub.GetGeometryRef(j) for j in range(sub.GetGeometryCount()))
    for poly in parts:
        if poly.GetArea() < 1.0:
            continue
        np_ = ogr.Geometry(ogr.wkbPolygon)
        for ri in range(poly.GetGeometryCount()):
            ring = poly.GetGeometryRef(ri)
            nr = ogr.Geometry(ogr.wkbLinearRing)
            for i in range(ring.GetPointCount()):
                nr.AddPoint_2D(round(ring.GetX(i), 2), round(ring.GetY(i), 2))
            np_.AddGeometry(nr)
        mp.AddGeometry(np_)
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    valid = mp.IsValid()
    gdal.PopErrorHandler()
    if not valid:
        fixed = mp.MakeValid()
        if fixed.GetGeometryName() != "MULTIPOLYGON":
            return to_multipolygon(fixed) if fixed.GetGeometryName() != "POLYGON" else _wrap(fixed)
        return fixed
    return mp


def _wrap(poly):
    mp = ogr.Geometry(ogr.wkbMultiPolygon)
    mp.AddGeometry(poly)
    return mp


def ring_polygon(ring):
    poly = ogr.Geometry(ogr.wkbPolygon)
    r = ogr.Geometry(ogr.wkbLinearRing)
    for p in ring:
        r.AddPoint_2D(p[0], p[1])
    r.AddPoint_2D(ring[0][0], ring[0][1])
    poly.AddGeometry(r)
    return poly


def partition(region, seeds):
    """Voronoi partition of region among seeds -> list of MultiPolygons (one per seed)."""
    x0, y0, x1, y1 = region.bbox
    pad = 1000.0
    cells = voronoi_cells(seeds, (x0 - pad, y0 - pad, x1 + pad, y1 + pad))
    out = []
    for cell in cells:
        if len(cell) < 3:
            out.append(ogr.Geometry(ogr.wkbMultiPolygon))
            continue
        out.append(to_multipolygon(ring_polygon(cell).Intersection(region.geom)))
    return out


def offset_point(r, p, dmin, dmax, region=None):
    for _ in range(50):
        a = r.random() * 2 * math.pi
        d = r.uniform(dmin, dmax)
        q = (p[0] + d * math.cos(a), p[1] + d * math.sin(a))
        if region is None or region.contains(q):
            return rpt(q)
    return rpt(p)


def rect_polygon(c, w, h, ang):
    ca, sa = math.cos(ang), math.sin(ang)
    pts = []
    for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)):
        pts.append((c[0] + dx * ca - dy * sa, c[1] + dx * sa + dy * ca))
    return ring_polygon(pts)


# --------------------------------------------------------------------------- names

NAME_PRE = list("东西南北上下前后大小石杨李王张马柳杏枣梨松柏河阳阴高窑庙峪郭赵刘陈孙胡沙红青白黄")
NAME_SUF = ["沟", "庄", "坡", "岭", "洼", "坪", "掌", "河", "峪", "凹", "头", "圪堆", "底", "滩", "湾",
            "家庄", "家沟", "家岭", "家河", "窑", "院", "岩", "垛", "寨"]
INDUSTRY = ["蔬菜", "中药材", "食用菌", "核桃", "蚕桑", "畜牧", "小杂粮", "果业", "花椒", "连翘"]
OPERATORS = ["移动", "联通", "电信"]


def short_name(name, suffixes):
    for s in suffixes:
        if name.endswith(s) and len(name) > len(s) + 1:
            return name[: -len(s)]
    return name


def village_stem(name):
    n = name
    for s in ("村民委员会", "居民委员会", "村委会", "居委会", "村委"):
        if n.endswith(s) and len(n) > len(s):
            n = n[: -len(s)]
            break
    for s in ("社区", "村"):
        if n.endswith(s) and len(n) > len(s) + 1:
            n = n[: -len(s)]
            break
    return n


def is_community(name):
    return ("社区" in name) or ("居委会" in name) or ("居民委员会" in name)


def town_type(name):
    if name.endswith("街道"):
        return "街道"
    if name.endswith("镇"):
        return "镇"
    if name.endswith("乡"):
        return "乡"
    return "其他"


# --------------------------------------------------------------------------- roads

class RoadNet:
    """Roads under construction plus a grid of their vertices (possible junctions)."""

    CELL = 1000.0

    def __init__(self, code):
        self.code = code
        self.roads = []          # dicts: pts, cls, surf, name, lx, town, oneway, bridge
        self.vgrid = {}
        self.seq = {}

    def _key(self, p):
        return (int(math.floor(p[0] / self.CELL)), int(math.floor(p[1] / self.CELL)))

    def add(self, pts, cls, surf, name, lx, town, oneway="双向"):
        pts = clean_line(pts)
        if len(pts) < 2:
            return None
        road = dict(pts=pts, cls=cls, surf=surf, name=name, lx=lx, town=town,
                    oneway=oneway, bridge=0)
        self.roads.append(road)
        for p in pts:
            self.vgrid.setdefault(self._key(p), set()).add(p)
        return road

    def vertices_in(self, region):
        """Sorted road vertices inside region (a Region)."""
        x0, y0, x1, y1 = region.bbox
        i0, j0 = self._key((x0, y0))
        i1, j1 = self._key((x1, y1))
        out = []
        for i in range(i0, i1 + 1):
            for j in range(j0, j1 + 1):
                for p in self.vgrid.get((i, j), ()):
                    if x0 <= p[0] <= x1 and y0 <= p[1] <= y1 and region.contains(p):
                        out.append(p)
        out.sort()
        return out


def prim_connect(targets, nodes, build):
    """Connect every target point to the growing network, nearest first.

    targets: list of (key, point); nodes: initial junction candidates (points);
    build(key, from_node, to_point) creates a road and returns its vertex list (or None).
    Returns {key: from_node}.
    """
    best = {}
    for key, p in targets:
        bd, bn = float("inf"), None
        for n in nodes:
            d = (n[0] - p[0]) ** 2 + (n[1] - p[1]) ** 2
            if d < bd:
                bd, bn = d, n
        best[key] = (bd, bn)
    pos = dict(targets)
    parent = {}
    while best:
        key = min(best, key=lambda k: (best[k][0], k))
        bd, bn = best.pop(key)
        p = pos[key]
        if bn is None:
            continue
        parent[key] = bn
        if bd < 1.0:
            new = [p]
        else:
            new = build(key, bn, p) or [p]
        for k in best:
            q = pos[k]
            cur = best[k]
            for n in new:
                d = (n[0] - q[0]) ** 2 + (n[1] - q[1]) ** 2
                if d < cur[0]:
                    cur = (d, n)
            best[k] = cur
    return parent


def ray_to_boundary(region, p, ang):
    far = (p[0] + 400000 * math.cos(ang), p[1] + 400000 * math.sin(ang))
    line = ogr.Geometry(ogr.wkbLineString)
    line.AddPoint_2D(*p)
    line.AddPoint_2D(*far)
    inter = line.Intersection(region.geom.Boundary())
    pts = []
    if inter is not None and not inter.IsEmpty():
        if inter.GetGeometryName() == "POINT":
            pts = [(inter.GetX(), inter.GetY())]
        else:
            for i in range(inter.GetGeometryCount()):
                g = inter.GetGeometryRef(i)
                if g.GetGeometryName() == "POINT":
                    pts.append((g.GetX(), g.GetY()))
                else:
                    pts.extend(g.GetPoint_2D(k) for k in range(g.GetPointCount()))
    if not pts:
        return None
    pts.sort(key=lambda q: (dist(p, q), q))
    return rpt(pts[0])


def node_crossings(roads, bridge_ok, skip_pair=None):
    """Insert a shared vertex at every crossing of two roads (in place).

    bridge_ok(ra, rb, p) scores a crossing as a candidate for the sample's bridge (None:
    not allowed); the best-scoring crossing with score >= 60 is left unnoded and returned
    as (road a, segment a, road b, segment b, crossing point); otherwise None.
    """
    cell = 500.0
    grid = {}
    for ri, r in enumerate(roads):
        pts = r["pts"]
        for si in range(len(pts) - 1):
            a, b = pts[si], pts[si + 1]
            i0, i1 = int(math.floor(min(a[0], b[0]) / cell)), int(math.floor(max(a[0], b[0]) / cell))
            j0, j1 = int(math.floor(min(a[1], b[1]) / cell)), int(math.floor(max(a[1], b[1]) / cell))
            for i in range(i0, i1 + 1):
                for j in range(j0, j1 + 1):
                    grid.setdefault((i, j), []).append((ri, si))
    seen = set()
    hits = []
    for key in sorted(grid):
        segs = grid[key]
        for x in range(len(segs)):
            ra, sa = segs[x]
            a1, a2 = roads[ra]["pts"][sa], roads[ra]["pts"][sa + 1]
            for y in range(x + 1, len(segs)):
                rb, sb = segs[y]
                if ra == rb or (skip_pair is not None and skip_pair(ra, rb)):
                    continue
                pair = (ra, sa, rb, sb) if (ra, sa) < (rb, sb) else (rb, sb, ra, sa)
                if pair in seen:
                    continue
                seen.add(pair)
                b1, b2 = roads[rb]["pts"][sb], roads[rb]["pts"][sb + 1]
                if max(a1[0], a2[0]) < min(b1[0], b2[0]) or max(b1[0], b2[0]) < min(a1[0], a2[0]):
                    continue
                if max(a1[1], a2[1]) < min(b1[1], b2[1]) or max(b1[1], b2[1]) < min(a1[1], a2[1]):
                    continue
                if a1 in (b1, b2) or a2 in (b1, b2):
                    continue  # already share a vertex
                res = seg_intersection(a1, a2, b1, b2)
                if res is None:
                    continue
                t, u, p = res
                hits.append((pair, rpt(p)))
    hits.sort()
    inserts = {}
    bridge = None
    best = None
    for (ra, sa, rb, sb), p in hits:
        sc = bridge_ok(roads[ra], roads[rb], p)
        if sc is not None and sc >= 60.0 and (best is None or sc > best[0]):
            best = (sc, (ra, sa, rb, sb, p))
    if best is not None:
        bridge = best[1]
    for (ra, sa, rb, sb), p in hits:
        if bridge is not None and (ra, sa, rb, sb, p) == bridge:
            continue
        for r, s in ((ra, sa), (rb, sb)):
            pts = roads[r]["pts"]
            if p in (pts[s], pts[s + 1]):
                continue
            inserts.setdefault((r, s), set()).add(p)
    for (r, s) in sorted(inserts, reverse=True):
        pts = roads[r]["pts"]
        a = pts[s]
        add = sorted(inserts[(r, s)], key=lambda q: (dist(a, q), q))
        pts[s + 1:s + 1] = add
    return bridge


# --------------------------------------------------------------------------- main

def generate(code, cname, cgeom, towns, stats, log):
    """Build every layer for one county. towns: [(code, name, [(vcode, vname), ...])]."""
    L = {k: [] for k in (
        "county", "townships", "villages", "natural_villages", "roads", "water_works",
        "water_pipes", "water_service_areas", "industry_bases", "county_seat", "township_seats",
        "village_committees", "health_centres", "clinics", "county_hospitals", "primary_schools",
        "elderly_care", "bus_stops", "garbage_points", "transfer_stations", "telecom_towers",
        "coverage_5g")}
    county = Region(cgeom)
    cshort = short_name(cname, ["自治县", "县", "市", "区"])
    pop, hhsize, urb = stats if stats else (1200 * sum(len(t[2]) for t in towns), 2.6, 0.4)
    k = len(towns)

    # ---- townships: seats by k-means over the county, Voronoi partition
    grid = county.grid(max(300, 40 * k))
    centres = kmeans(grid, k, rng(code, "towns"))
    ncomm = [sum(1 for _, vn in t[2] if is_community(vn)) for t in towns]
    pref = {"街道": 0, "镇": 1, "乡": 2, "其他": 3}
    seat_t = min(range(k), key=lambda i: (-ncomm[i], pref[town_type(towns[i][1])], towns[i][0]))
    mx = sum(p[0] for p in grid) / len(grid)
    my = sum(p[1] for p in grid) / len(grid)
    ci = min(range(k), key=lambda i: (dist(centres[i], (mx, my)), centres[i]))
    seat_c = centres[ci]
    rest_c = [c for i, c in enumerate(centres) if i != ci]
    rest_c.sort(key=lambda c: (math.atan2(c[0] - seat_c[0], c[1] - seat_c[1]), c))
    order = [i for i in range(k) if i != seat_t]
    tseat = [None] * k
    tseat[seat_t] = seat_c
    for i, c in zip(order, rest_c):
        tseat[i] = c
    tpolys = partition(county, tseat)
    tregions = [Region(g) for g in tpolys]

    r = rng(code, "seats")
    county_hub = rpt(seat_c)
    county_pt = offset_point(r, county_hub, 30, 60, tregions[seat_t])
    thub = []
    for i in range(k):
        if i == seat_t:
            h = offset_point(r, county_hub, 500, 800, tregions[i])
        else:
            h = rpt(tseat[i])
        thub.append(h)
    tpt = [offset_point(r, thub[i], 20, 60, tregions[i]) for i in range(k)]

    # ---- villages: seeds (communities on a spiral round the seat, villages by k-means)
    villages = []   # dicts
    for ti, (tcode, tname, vils) in enumerate(towns):
        reg = tregions[ti]
        comm = [v for v in vils if is_community(v[1])]
        rural = [v for v in vils if not is_community(v[1])]
        seeds = []
        i = 0
        step = min(350.0, 0.5 * math.sqrt(reg.area / max(1, len(vils))))
        while len(seeds) < len(comm) and i < 2000:
            rr = step * math.sqrt(i + 1)
            a = i * 2.399963
            p = rpt((thub[ti][0] + rr * math.cos(a), thub[ti][1] + rr * math.sin(a)))
            if reg.contains(p):
                seeds.append(p)
            i += 1
        if len(seeds) < len(comm):   # odd-shaped township: fall back to k-means
            g = [p for p in reg.grid(40 * len(vils)) if p not in seeds]
            seeds += [rpt(p) for p in kmeans(g, len(comm) - len(seeds), rng(code, "ck" + tcode))]
        urban_r = max([dist(s, thub[ti]) for s in seeds] + [0.0])
        if rural:
            g = reg.grid(max(80, 8 * len(rural)))
            g2 = [p for p in g if not comm or dist(p, thub[ti]) > urban_r + 400]
            if len(g2) < len(rural):
                g2 = [p for p in g if p not in seeds]
            if len(g2) < len(rural):
                g2 = reg.grid(40 * len(rural))
            seeds += [rpt(p) for p in kmeans(g2, len(rural), rng(code, "vk" + tcode))]
        allv = comm + rural
        if len(seeds) < len(allv):
            log("  %s %s: could not place %d villages, skipped" % (tcode, tname, len(allv) - len(seeds)))
            allv = allv[:len(seeds)]
        seeds = seeds[:len(allv)]
        polys = partition(reg, seeds) if seeds else []
        for (vcode, vname), s, g in zip(allv, seeds, polys):
            villages.append(dict(code=vcode, name=vname, stem=village_stem(vname),
                                 comm=is_community(vname), ti=ti, seed=s, poly=g,
                                 region=Region(g) if not g.IsEmpty() else None))
    villages.sort(key=lambda v: v["code"])
    villages = [v for v in villages if v["region"] is not None]

    # ---- population
    rp = rng(code, "pop")
    comm_v = [v for v in villages if v["comm"]]
    rural_v = [v for v in villages if not v["comm"]]
    upop = int(pop * urb * 0.75) if comm_v and rural_v else (pop if comm_v else 0)
    rpop = pop - upop
    for group, total in ((comm_v, upop), (rural_v, rpop)):
        if not group:
            continue
        w = []
        for v in group:
            x = rp.uniform(0.6, 1.4) if v["comm"] else rp.lognormvariate(0.0, 0.45)
            if not v["comm"] and dist(v["seed"], thub[v["ti"]]) < 2500:
                x *= 1.8
            w.append(x)
        tw = sum(w)
        for v, x in zip(group, w):
            v["rk"] = max(30, int(round(total * x / tw)))
    for v in villages:
        v["hs"] = max(1, int(round(v["rk"] / (hhsize * rp.uniform(0.9, 1.1)))))
        v["hjrk"] = int(round(v["rk"] * (rp.uniform(0.9, 1.1) if v["comm"] else rp.uniform(1.05, 1.35))))
        v["hub"] = offset_point(rp, v["seed"], 20, 50, v["region"])
        v["cwh"] = offset_point(rp, v["seed"], 40, 90, v["region"])
        v["czfl"] = "城郊融合类" if v["comm"] else weighted(rp, [("集聚提升类", 45), ("存续类", 35),
                                                           ("特色保护类", 8), ("城郊融合类", 7),
                                                           ("搬迁撤并类", 2)])

    # ---- natural villages
    nvs = []
    rn = rng(code, "nv")
    used_names = set()
    for v in villages:
        v["nvs"] = []
        if v["comm"]:
            n = 1
        else:
            n = weighted(rn, [(1, 10), (2, 20), (3, 28), (4, 22), (5, 12), (6, 8)])
        pts = [v["seed"]]
        for _ in range(n - 1):
            p = None
            for mind in (600, 400, 200):
                for _t in range(60):
                    q = v["region"].random_point(rn, near=v["seed"], radius=3500, tries=5)
                    if q is not None and all(dist(q, o) >= mind for o in pts):
                        p = q
                        break
                if p:
                    break
            if p is None:
                break
            pts.append(rpt(p))
        weights = [rn.uniform(1.5, 3.0)] + [rn.lognormvariate(0.0, 0.55) for _ in pts[1:]]
        tw = sum(weights)
        for j, p in enumerate(pts):
            if j == 0:
                nm = v["stem"] if not v["comm"] else v["stem"] + "社区"
            else:
                nm = None
                for _t in range(40):
                    if rn.random() < 0.35:
                        cand = v["stem"] + rn.choice("东西南北上下前后") + rn.choice(NAME_SUF)
                    else:
                        cand = rn.choice(NAME_PRE) + rn.choice(NAME_SUF)
                    if cand not in used_names:
                        nm = cand
                        break
                if nm is None:
                    nm = v["stem"] + "%d组" % j
            used_names.add(nm)
            rk = max(8, int(round(v["rk"] * weights[j] / tw)))
            nv = dict(code=v["code"] + "%02d" % (j + 1), name=nm, v=v, pt=p, rk=rk,
                      hs=max(1, int(round(rk / (hhsize * rn.uniform(0.85, 1.15))))),
                      main=(j == 0), kind="normal")
            nv["hjrk"] = int(round(rk * (v["hjrk"] / max(v["rk"], 1))))
            nv["czfl"] = v["czfl"]
            if j > 0 and nv["hs"] < 20 and rn.random() < 0.2:
                nv["czfl"] = "搬迁撤并类"
            nv["end"] = v["hub"] if j == 0 else offset_point(rn, p, 15, 50, v["region"])
            v["nvs"].append(nv)
            nvs.append(nv)

    # ---- roads
    net = RoadNet(code)
    rr_ = rng(code, "roads")
    counters = {}

    def lx(letter):
        counters[letter] = counters.get(letter, 0) + 1
        base = {"G": 200, "S": 220, "X": 500, "Y": 0, "C": 0}[letter]
        if letter in "GS":
            return "%s%03d" % (letter, base + counters[letter])
        return "%s%03d%s" % (letter, base + counters[letter], code)

    def surf_for(cls, rr):
        if cls in (CLS_NATIONAL, CLS_PROVINCIAL):
            return "沥青"
        if cls == CLS_COUNTY:
            return weighted(rr, [("沥青", 85), ("水泥", 15)])
        if cls == CLS_TOWNSHIP:
            return weighted(rr, [("水泥", 80), ("沥青", 12), ("砂石", 6), ("土路", 2)])
        return weighted(rr, [("水泥", 72), ("沥青", 5), ("砂石", 16), ("土路", 7)])

    def main_road(cls, lxcode, name, start, mid, end_):
        """A trunk road start -> ... -> mid -> ... -> end_, through nearby township hubs."""
        legs = []
        for a, b in ((start, mid), (mid, end_)):
            if a is None or b is None:
                continue
            wps = [a]
            cand = []
            for i in range(k):
                h = thub[i]
                if h in (a, b) or i == seat_t:
                    continue
                L_ = dist(a, b)
                t = ((h[0] - a[0]) * (b[0] - a[0]) + (h[1] - a[1]) * (b[1] - a[1])) / (L_ * L_)
                if 0.05 < t < 0.95:
                    px, py = a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])
                    if math.hypot(h[0] - px, h[1] - py) < 3500:
                        cand.append((t, h))
            cand.sort()
            wps += [h for _, h in cand] + [b]
            for p, q in zip(wps, wps[1:]):
                legs.append(wiggle(p, q, rr_, rel=0.03, max_seg_m=300))
        for pts in legs:
            net.add(pts, cls, "沥青", name, lxcode, code)

    def through_road(th0, spread, bend):
        """Boundary-to-boundary line through the county seat: of 12 trial directions
        within th0 +- spread, the one with the longest total length."""
        best = None
        for j in range(12):
            th = th0 + spread * (2.0 * j / 11.0 - 1.0)
            a = ray_to_boundary(county, county_hub, th)
            b = ray_to_boundary(county, county_hub, th + math.pi + bend)
            if a is None or b is None:
                continue
            L_ = dist(a, county_hub) + dist(b, county_hub)
            if best is None or L_ > best[0] + 1e-6:
                best = (L_, th, a, b)
        return best

    th0 = rr_.uniform(0, math.pi)
    gnum = lx("G")
    best = through_road(th0, math.pi / 2, rr_.uniform(-0.4, 0.4))
    th = best[1] if best else th0
    if best:
        main_road(CLS_NATIONAL, gnum, "国道%s线" % gnum[1:], best[2], county_hub, best[3])
    snum = lx("S")
    best = through_road(th + math.pi / 2, 0.35, rr_.uniform(-0.3, 0.3))
    if best:
        main_road(CLS_PROVINCIAL, snum, "省道%s线" % snum[1:], best[2], county_hub, best[3])
    if k >= 6:
        idx = SegIndex(1000.0)
        for rd in net.roads:
            idx.add_line(rd["pts"])
        far = max((i for i in range(k) if i != seat_t),
                  key=lambda i: (idx.nearest_dist(thub[i], 100000.0), -i))
        ang = math.atan2(thub[far][1] - county_hub[1], thub[far][0] - county_hub[0])
        snum2 = lx("S")
        end_ = ray_to_boundary(county, thub[far], ang)
        legs = [(county_hub, thub[far])] + ([(thub[far], end_)] if end_ else [])
        for p, q in legs:
            net.add(wiggle(p, q, rr_, rel=0.03, max_seg_m=300), CLS_PROVINCIAL, "沥青",
                    "省道%s线" % snum2[1:], snum2, code)
    main_nodes = set()
    for rd in net.roads:
        main_nodes.update(rd["pts"])

    # county roads: every township hub, nearest first, plus a few loops
    tname_s = [short_name(t[1], ["街道", "镇", "乡"]) for t in towns]
    hub_town = {thub[i]: i for i in range(k)}

    def build_county(key, frm, to):
        src_i = hub_town.get(frm, seat_t)
        nm = "%s%s线" % (tname_s[src_i][:1], tname_s[key][:1])
        rd = net.add(wiggle(frm, to, rr_, rel=0.06, max_seg_m=300), CLS_COUNTY,
                     surf_for(CLS_COUNTY, rr_), nm, lx("X"), towns[key][0])
        return rd["pts"] if rd else None

    targets = [(i, thub[i]) for i in range(k) if thub[i] not in main_nodes]
    cparent = prim_connect(targets, sorted(main_nodes), build_county)
    pairs = []
    for i in range(k):
        for j in range(i + 1, k):
            if i == seat_t or j == seat_t:
                continue
            if cparent.get(i) == thub[j] or cparent.get(j) == thub[i]:
                continue
            pairs.append((dist(thub[i], thub[j]), i, j))
    pairs.sort()
    for d, i, j in pairs[:max(1, k // 5) if k >= 4 else 0]:
        net.add(wiggle(thub[i], thub[j], rr_, rel=0.06, max_seg_m=300), CLS_COUNTY,
                surf_for(CLS_COUNTY, rr_), "%s%s线" % (tname_s[i][:1], tname_s[j][:1]),
                lx("X"), towns[i][0])

    # township roads: every village hub within its township
    loops = []
    for ti in range(k):
        vs = [v for v in villages if v["ti"] == ti]
        if not vs:
            continue
        vbyh = {v["hub"]: v for v in vs}
        nodes = net.vertices_in(tregions[ti])
        if thub[ti] not in nodes:
            nodes.append(thub[ti])

        def build_town(key, frm, to, ti=ti, vbyh=vbyh):
            v = vbyh[to]
            if v["comm"]:
                return net.add(wiggle(frm, to, rr_, rel=0.05, max_seg_m=200), CLS_VILLAGE, "沥青",
                               v["stem"] + "街", lx("C"), towns[ti][0])["pts"]
            rd = net.add(wiggle(frm, to, rr_, rel=0.07, max_seg_m=250), CLS_TOWNSHIP,
                         surf_for(CLS_TOWNSHIP, rr_), "%s%s线" % (tname_s[ti][:1], v["stem"][:1]),
                         lx("Y"), towns[ti][0])
            return rd["pts"] if rd else None

        tparent = prim_connect([(v["hub"], v["hub"]) for v in vs],
                               nodes, build_town)
        rural = [v for v in vs if not v["comm"]]
        cand = []
        for x in range(len(rural)):
            for y in range(x + 1, len(rural)):
                a, b = rural[x]["hub"], rural[y]["hub"]
                if tparent.get(a) == b or tparent.get(b) == a:
                    continue
                d = dist(a, b)
                if d < 3000:
                    cand.append((d, rural[x]["code"], rural[y]["code"], a, b))
        cand.sort()
        for d, _, _, a, b in cand[:int(round(0.1 * len(rural)))]:
            rd = net.add(wiggle(a, b, rr_, rel=0.05, max_seg_m=250), CLS_TOWNSHIP,
                         surf_for(CLS_TOWNSHIP, rr_), "%s%s环线" % (vbyh[a]["stem"][:1], vbyh[b]["stem"][:1]),
                         lx("Y"), towns[ti][0])
            if rd:
                loops.append(rd)

    # village roads: every natural village to its village network
    for v in villages:
        others = [nv for nv in v["nvs"] if not nv["main"]]
        if not others:
            continue
        nodes = net.vertices_in(v["region"])
        if v["hub"] not in nodes:
            nodes.append(v["hub"])
        byend = {nv["end"]: nv for nv in others}

        def build_vil(key, frm, to, v=v, byend=byend):
            nv = byend[to]
            rd = net.add(wiggle(frm, to, rr_, rel=0.08, max_seg_m=200), CLS_VILLAGE,
                         surf_for(CLS_VILLAGE, rr_), "%s至%s道路" % (v["stem"], nv["name"]),
                         lx("C"), towns[v["ti"]][0])
            return rd["pts"] if rd else None

        prim_connect([(nv["end"], nv["end"]) for nv in others], nodes, build_vil)

    # one-way: a few loop roads (never the only link to anything)
    for j, rd in enumerate(sorted(loops, key=lambda x: x["lx"])[:3]):
        rd["oneway"] = "单向" if j % 2 == 0 else "逆向"

    # noding + the bridge (a township/village road crossing a trunk road without a junction)
    vcount = {}
    for rd in net.roads:
        for q in rd["pts"]:
            vcount[q] = vcount.get(q, 0) + 1
    junctions = sorted(q for q, c in vcount.items() if c > 1)

    def bridge_ok(ra, rb, p):
        cl = {ra["cls"], rb["cls"]}
        if not (cl & {CLS_NATIONAL, CLS_PROVINCIAL}) or not (cl & {CLS_TOWNSHIP, CLS_VILLAGE, CLS_COUNTY}):
            return None
        return min([dist(p, q) for q in junctions] + [1e9])

    br = node_crossings(net.roads, bridge_ok)
    if br is not None:
        ra, sa, rb, sb, p = br
        lo, ls = (ra, sa) if net.roads[ra]["cls"] not in (CLS_NATIONAL, CLS_PROVINCIAL) else (rb, sb)
        rd = net.roads[lo]
        pts = rd["pts"]
        # segment indices moved when vertices were inserted: find the crossing segment again
        ls = min(range(len(pts) - 1), key=lambda s_: (seg_point_dist(p, pts[s_], pts[s_ + 1]), s_))
        a, b = pts[ls], pts[ls + 1]
        Ls = dist(a, b)
        dd = min(40.0, 0.3 * Ls)
        ux, uy = (b[0] - a[0]) / Ls, (b[1] - a[1]) / Ls
        p1 = rpt((p[0] - dd * ux, p[1] - dd * uy))
        p2 = rpt((p[0] + dd * ux, p[1] + dd * uy))
        first = pts[:ls + 1] + [p1]
        last = [p2] + pts[ls + 1:]
        rd["pts"] = first
        net.roads.append(dict(rd, pts=[p1, p2], bridge=1, name=rd["name"] + "跨线桥"))
        net.roads.append(dict(rd, pts=last))
    else:
        log("  %s: no trunk-road crossing found, no bridge" % code)

    # island road and remote natural villages (> 2 km from any road)
    idx = SegIndex(1000.0)
    for rd in net.roads:
        idx.add_line(rd["pts"])
    gpts = county.grid(max(2000, int(county.area / 250000)))
    dgrid = [(idx.nearest_dist(p, 3000.0), p) for p in gpts]
    vreg = [(v, v["region"]) for v in villages if not v["comm"]]

    def village_at(p):
        for v, reg in vreg:
            x0, y0, x1, y1 = reg.bbox
            if x0 <= p[0] <= x1 and y0 <= p[1] <= y1 and reg.contains(p):
                return v
        return None

    remote = []
    for d, p in sorted(dgrid, key=lambda x: (-x[0], x[1])):
        if d < 2150 or len(remote) >= 2:
            break
        if any(dist(p, q) < 3000 for q in remote):
            continue
        v = village_at(p)
        if v is None or len(v["nvs"]) >= 6:
            continue
        remote.append(rpt(p))
        ri = len([x for x in nvs if x["kind"] == "remote"])
        rk = rn.randint(15, 45)
        nv = dict(code=v["code"] + "%02d" % (len(v["nvs"]) + 1),
                  name=rn.choice(NAME_PRE) + "家窝铺" if ri == 0 else rn.choice(NAME_PRE) + "家圪台",
                  v=v, pt=rpt(p), rk=rk, hs=max(1, int(round(rk / hhsize))), main=False,
                  kind="remote", end=None, czfl="搬迁撤并类" if ri == 0 else v["czfl"])
        nv["hjrk"] = int(rk * 1.4)
        v["nvs"].append(nv)
        nvs.append(nv)
    if len(remote) < 2:
        log("  %s: only %d natural villages > 2 km from roads" % (code, len(remote)))
    island = None
    ri_ = rng(code, "island")
    cands = [p for d, p in dgrid if 1000 < d < 1600 and all(dist(p, q) > 3000 for q in remote)]
    for p in cands[ri_.randrange(len(cands)):] + cands if cands else []:
        v = village_at(p)
        if v is None or len(v["nvs"]) >= 6:
            continue
        ang = ri_.uniform(0, math.pi)
        a = (p[0] - 300 * math.cos(ang), p[1] - 300 * math.sin(ang))
        b = (p[0] + 300 * math.cos(ang), p[1] + 300 * math.sin(ang))
        q = (p[0] + 340 * math.cos(ang), p[1] + 340 * math.sin(ang))
        if not (v["region"].contains(a) and v["region"].contains(q)):
            continue
        island = net.add(wiggle(a, b, ri_, rel=0.05, max_seg_m=150), CLS_VILLAGE, "水泥",
                         "%s孤立道路" % v["stem"], lx("C"), towns[v["ti"]][0])
        q = rpt(q)
        rk = ri_.randint(40, 90)
        nv = dict(code=v["code"] + "%02d" % (len(v["nvs"]) + 1), name=v["stem"] + "新庄", v=v,
                  pt=q, rk=rk, hs=max(1, int(round(rk / hhsize))), main=False, kind="island",
                  end=None, czfl=v["czfl"])
        nv["hjrk"] = int(rk * 1.2)
        v["nvs"].append(nv)
        nvs.append(nv)
        break
    if island is None:
        log("  %s: no place for the isolated road piece" % code)

    # ---- output: boundaries and villages
    L["county"].append((("poly", to_multipolygon(cgeom)),
                        dict(XZQDM=code, XZQMC=cname, RK=pop, HS=int(round(pop / hhsize)),
                             MJ=round(county.area / 1e6, 2))))
    for v in villages:
        v["rk"] = sum(nv["rk"] for nv in v["nvs"])
        v["hs"] = sum(nv["hs"] for nv in v["nvs"])
        v["hjrk"] = sum(nv["hjrk"] for nv in v["nvs"])
    for ti, (tcode, tname, vils) in enumerate(towns):
        vs = [v for v in villages if v["ti"] == ti]
        rk = sum(v["rk"] for v in vs)
        L["townships"].append((("poly", tpolys[ti]),
                               dict(XZQDM=tcode, XZQMC=tname, XZLX=town_type(tname), SJXZQDM=code,
                                    RK=rk, HS=sum(v["hs"] for v in vs),
                                    MJ=round(tregions[ti].area / 1e6, 2))))
    for v in villages:
        L["villages"].append((("poly", v["poly"]),
                              dict(CJQYDM=v["code"], CJQYMC=v["name"], CWHLX="居委会" if v["comm"] else "村委会",
                                   XZQDM=towns[v["ti"]][0], XZQMC=towns[v["ti"]][1], RK=v["rk"],
                                   HJRK=v["hjrk"], HS=v["hs"], CZFL=v["czfl"],
                                   MJ=round(v["region"].area / 1e6, 3))))
    for nv in nvs:
        L["natural_villages"].append((("point", nv["pt"]),
                                      dict(ZRCDM=nv["code"], ZRCMC=nv["name"], CJQYDM=nv["v"]["code"],
                                           村名=nv["v"]["name"], RK=nv["rk"], HJRK=nv["hjrk"],
                                           HS=nv["hs"], 村庄分类=nv["czfl"])))
    L["natural_villages"].sort(key=lambda f: f[1]["ZRCDM"])

    # roads
    grade = {CLS_NATIONAL: ("二级", 12.0), CLS_PROVINCIAL: ("二级", 9.0), CLS_COUNTY: ("三级", 7.0),
             CLS_TOWNSHIP: ("四级", 5.0), CLS_VILLAGE: ("四级", 4.0)}
    rs = rng(code, "roadattr")
    lxseq = {}
    for rd in net.roads:
        jsdj, w = grade[rd["cls"]]
        if rd["surf"] == "土路":
            jsdj, w = "等外", 3.0
        elif rd["surf"] == "砂石":
            jsdj, w = ("四级" if rs.random() < 0.4 else "等外"), 3.5
        elif rd["cls"] == CLS_COUNTY and rs.random() < 0.2:
            jsdj, w = "四级", 6.0
        elif rd["cls"] == CLS_VILLAGE and rs.random() < 0.3:
            w = 3.5
        lxseq[rd["lx"]] = lxseq.get(rd["lx"], 0) + 1
        L["roads"].append((("line", rd["pts"]),
                           dict(BM="%s%s%03d" % (rd["lx"], code if rd["lx"][0] in "GS" else "", lxseq[rd["lx"]]),
                                LXBM=rd["lx"], DLMC=rd["name"], DLDJ=rd["cls"], JSDJ=jsdj,
                                LMLX=rd["surf"], LMKD=w, DXBZ=rd["oneway"], QLBZ=rd["bridge"],
                                XZQDM=rd["town"],
                                CD=round(sum(dist(a, b) for a, b in zip(rd["pts"], rd["pts"][1:])), 1))))

    # ---- facilities
    rf = rng(code, "facilities")
    fid = {}

    def nid(prefix):
        fid[prefix] = fid.get(prefix, 0) + 1
        return "%s%s%04d" % (code, prefix, fid[prefix])

    L["county_seat"].append((("point", county_pt), dict(ID=nid("XF"), MC=cname + "人民政府", XZQDM=code)))
    for ti in range(k):
        suffix = "办事处" if town_type(towns[ti][1]) == "街道" else "人民政府"
        L["township_seats"].append((("point", tpt[ti]),
                                    dict(ID=nid("XZ"), MC=towns[ti][1] + suffix, XZQDM=towns[ti][0])))
    for v in villages:
        L["village_committees"].append((("point", v["cwh"]),
                                        dict(ID=v["code"], MC=v["name"], CJQYDM=v["code"],
                                             XZQDM=towns[v["ti"]][0])))
    no_hc = None
    if k >= 3:
        no_hc = rf.choice(sorted(i for i in range(k) if i != seat_t))
    for ti in range(k):
        if ti == no_hc:
            continue
        L["health_centres"].append((("point", offset_point(rf, thub[ti], 100, 400, tregions[ti])),
                                    dict(ID=nid("WY"), MC=towns[ti][1] + "卫生院", XZQDM=towns[ti][0],
                                         CWS=rf.randint(10, 60), YSS=rf.randint(3, 20))))
    for v in villages:
        if v["comm"] or rf.random() < 0.12:
            continue
        L["clinics"].append((("point", offset_point(rf, v["cwh"], 20, 80, v["region"])),
                             dict(ID=nid("WS"), MC=v["stem"] + "村卫生室", CJQYDM=v["code"],
                                  XZQDM=towns[v["ti"]][0], CWS=rf.randint(0, 2), YSS=rf.randint(1, 3))))
    L["county_hospitals"].append((("point", offset_point(rf, county_hub, 300, 900, tregions[seat_t])),
                                  dict(ID=nid("YY"), MC=cshort + "县人民医院" if not cname.endswith("县") else cname + "人民医院",
                                       DJ="二级甲等", CWS=rf.randint(250, 450), YSS=rf.randint(80, 160))))
    L["county_hospitals"].append((("point", offset_point(rf, county_hub, 300, 900, tregions[seat_t])),
                                  dict(ID=nid("YY"), MC=cname + "中医医院", DJ="二级乙等",
                                       CWS=rf.randint(80, 200), YSS=rf.randint(30, 70))))
    for ti in range(k):
        n = 3 if ti == seat_t else 1
        for j in range(n):
            nm = towns[ti][1] + "中心小学" if j == 0 else cshort + "县第%s小学" % "一二三四"[j]
            L["primary_schools"].append((("point", offset_point(rf, thub[ti], 100, 900, tregions[ti])),
                                         dict(ID=nid("XX"), MC=nm, XXLX="完全小学", XSS=rf.randint(200, 1800),
                                              XZQDM=towns[ti][0], CJQYDM="")))
    for v in villages:
        if v["comm"] or rf.random() > 0.06 or dist(v["seed"], thub[v["ti"]]) < 3000:
            continue
        L["primary_schools"].append((("point", offset_point(rf, v["cwh"], 30, 120, v["region"])),
                                     dict(ID=nid("XX"), MC=v["stem"] + "教学点", XXLX="教学点",
                                          XSS=rf.randint(5, 30), XZQDM=towns[v["ti"]][0], CJQYDM=v["code"])))
    for ti in range(k):
        if ti != seat_t and rf.random() > 0.6:
            continue
        comp = "是" if ti == seat_t or rf.random() < 0.5 else "否"
        nm = towns[ti][1] + ("综合养老服务中心" if comp == "是" else "敬老院")
        L["elderly_care"].append((("point", offset_point(rf, thub[ti], 150, 500, tregions[ti])),
                                  dict(ID=nid("YL"), MC=nm, SFZH=comp, CWS=rf.randint(10, 80),
                                       XZQDM=towns[ti][0])))
    for v in villages:
        if v["comm"] or rf.random() > 0.1:
            continue
        L["elderly_care"].append((("point", offset_point(rf, v["cwh"], 20, 80, v["region"])),
                                  dict(ID=nid("YL"), MC=v["stem"] + "村日间照料中心", SFZH="否",
                                       CWS=rf.randint(0, 10), XZQDM=towns[v["ti"]][0])))

    # bus stops: township hubs, county seat, most villages on a hardened township road
    hard_end = {}
    for rd in net.roads:
        if rd["cls"] in (CLS_TOWNSHIP, CLS_VILLAGE, CLS_COUNTY):
            hard_end[rd["pts"][-1]] = rd["surf"] in HARD
    L["bus_stops"].append((("point", offset_point(rf, county_hub, 8, 15)),
                           dict(ID=nid("GJ"), MC=cshort + "汽车站", XLMC="%s—各乡镇" % cshort,
                                RBC=rf.randint(40, 80))))
    for ti in range(k):
        L["bus_stops"].append((("point", offset_point(rf, thub[ti], 8, 15)),
                               dict(ID=nid("GJ"), MC=tname_s[ti] + "站", XLMC="%s—%s" % (cshort, tname_s[ti]),
                                    RBC=rf.randint(6, 20))))
    for v in villages:
        if v["comm"] or not hard_end.get(v["hub"], False) or rf.random() > 0.85:
            continue
        L["bus_stops"].append((("point", offset_point(rf, v["hub"], 8, 15)),
                               dict(ID=nid("GJ"), MC=v["stem"] + "站",
                                    XLMC="%s—%s" % (tname_s[v["ti"]], v["stem"]), RBC=rf.randint(2, 8))))
    for nv in nvs:
        if nv["kind"] == "remote" or rf.random() > 0.9:
            continue
        L["garbage_points"].append((("point", offset_point(rf, nv["pt"], 30, 100)),
                                    dict(ID=nid("LJ"), MC=nv["name"] + "垃圾收集点", ZRCDM=nv["code"],
                                         RL=rf.choice([2, 3, 4, 6, 8, 10]))))
    ts = [seat_t] + sorted(rf.sample([i for i in range(k) if i != seat_t], max(0, (k - 1) // 4)))
    for ti in ts:
        L["transfer_stations"].append((("point", offset_point(rf, thub[ti], 600, 1500, tregions[ti])),
                                       dict(ID=nid("ZZ"), MC=towns[ti][1] + "垃圾转运站",
                                            CLNL=rf.choice([10, 15, 20, 30, 50]), XZQDM=towns[ti][0])))

    # telecom towers and 5G coverage
    towers = []
    for j in range(4):
        towers.append((offset_point(rf, county_hub, 200, 1500, tregions[seat_t]), j < 3, 2000.0))
    for ti in range(k):
        towers.append((offset_point(rf, thub[ti], 100, 600, tregions[ti]), True, 2500.0))
        towers.append((offset_point(rf, thub[ti], 600, 2000, tregions[ti]), False, 3000.0))
    for v in villages:
        if v["comm"] or rf.random() > 0.75:
            continue
        towers.append((offset_point(rf, v["seed"], 100, 800, v["region"]), rf.random() < 0.85, 1500.0))
    for _ in range(max(2, k // 3)):
        p = county.random_point(rf)
        if p:
            towers.append((rpt(p), False, 3000.0))
    cover = {op: [] for op in OPERATORS}
    for p, is5g, rad in towers:
        op = rf.choice(OPERATORS)
        L["telecom_towers"].append((("point", p), dict(ID=nid("TT"), YYS=op, JZLX="5G" if is5g else "4G",
                                                      FGBJ=int(rad))))
        if is5g:
            pt = ogr.Geometry(ogr.wkbPoint)
            pt.AddPoint_2D(*p)
            cover[op].append(pt.Buffer(rad, 8))
    for op in OPERATORS:
        if not cover[op]:
            continue
        mp = ogr.Geometry(ogr.wkbMultiPolygon)
        for g in cover[op]:
            mp.AddGeometry(g)
        u = mp.UnionCascaded().Intersection(cgeom)
        L["coverage_5g"].append((("poly", to_multipolygon(u)),
                                 dict(ID=nid("FG"), YYS=op, WLLX="5G")))

    # ---- water
    rw = rng(code, "water")
    works = []   # (point, name, type, src, villages, mode)
    done = set()
    # the three most populous other townships get a township-wide (千吨万人-size) works
    regional = set(sorted((i for i in range(k) if i != seat_t),
                          key=lambda i: (-sum(v["rk"] for v in villages if v["ti"] == i), i))[:3])
    for ti in range(k):
        vs = sorted((v for v in villages if v["ti"] == ti), key=lambda v: v["code"])
        if not vs:
            continue
        radius = 6000 if ti == seat_t else (1e9 if ti in regional else 5000)
        grp = [v for v in vs if dist(v["seed"], thub[ti]) < radius or v["comm"]]
        if not grp:
            continue
        p = offset_point(rw, thub[ti], 200, 600, tregions[ti])
        nm = ("%s城区供水厂" % cshort) if ti == seat_t else "%s集中供水工程" % towns[ti][1]
        works.append([p, nm, grp, "入户", ti == seat_t or ti in regional])
        done.update(v["code"] for v in grp)
    rest = [v for v in villages if v["code"] not in done]
    nskip = max(1, int(round(0.08 * len(rest)))) if rest else 0
    skip = set(v["code"] for v in rw.sample(rest, nskip)) if rest else set()
    for v in rest:
        if v["code"] in skip:
            continue
        p = offset_point(rw, v["seed"], 150, 400, v["region"])
        works.append([p, "%s村供水站" % v["stem"], [v], "入户" if rw.random() < 0.7 else "集中供水点", False])
    for wi, (p, nm, grp, mode, urban) in enumerate(works):
        wid = "%sGS%03d" % (code, wi + 1)
        served = []
        for v in grp:
            for nv in v["nvs"]:
                if nv["kind"] == "normal" and dist(nv["pt"], v["seed"]) < 3000:
                    served.append(nv)
        spop = sum(nv["rk"] for nv in served)
        cap = spop * (0.15 if urban else (0.12 if len(grp) > 1 else 0.07))
        cap = int(round(cap / 50.0) * 50) if cap >= 500 else max(10, int(round(cap / 5.0) * 5))
        if nm == "%s城区供水厂" % cshort:
            typ = "城镇管网延伸"
        elif cap >= 1000:
            typ = "千吨万人"
        elif spop >= 1000:
            typ = "千人以上"
        else:
            typ = "千人以下"
        L["water_works"].append((("point", p), {"工程编号": wid, "工程名称": nm, "工程类型": typ,
                                                 "设计规模": cap, "水源类型": "地表水" if rw.random() < 0.3 else "地下水",
                                                 "受益人口": spop, "XZQDM": towns[grp[0]["ti"]][0]}))
        # pipes: Prim tree works -> village seeds (transmission), then seed -> natural villages
        lines = []
        conn = [p]
        todo = sorted((v["seed"] for v in grp), key=lambda q: (dist(p, q), q))
        while todo:
            best = min(((dist(a, b), b, a) for b in todo for a in conn))
            _, b, a = best
            lines.append(("输水管", a, b))
            conn.append(b)
            todo.remove(b)
        for v in grp:
            for nv in v["nvs"]:
                if nv in served and not nv["main"]:
                    lines.append(("配水管", v["seed"], nv["pt"]))
        for j, (kind, a, b) in enumerate(lines):
            if dist(a, b) < 1.0:
                continue
            gj = (rw.choice([160, 200, 250, 315]) if urban or len(grp) > 1 else 110) if kind == "输水管" \
                else rw.choice([50, 63, 75, 90])
            L["water_pipes"].append((("line", clean_line(wiggle(a, b, rw, rel=0.04, max_seg_m=400))),
                                     dict(GXBM="%s-%03d" % (wid, j + 1), 工程编号=wid, GJ=gj,
                                          GC=rw.choice(["PE", "PE", "PVC", "球墨铸铁"]), GXLX=kind)))
        geoms = []
        for nv in served:
            pt = ogr.Geometry(ogr.wkbPoint)
            pt.AddPoint_2D(*nv["pt"])
            geoms.append(pt.Buffer(400.0, 6))
        pt = ogr.Geometry(ogr.wkbPoint)
        pt.AddPoint_2D(*p)
        geoms.append(pt.Buffer(300.0, 6))
        for kind, a, b in lines:
            if dist(a, b) >= 1.0:
                ln = ogr.Geometry(ogr.wkbLineString)
                ln.AddPoint_2D(*a)
                ln.AddPoint_2D(*b)
                geoms.append(ln.Buffer(150.0, 4))
        mp = ogr.Geometry(ogr.wkbMultiPolygon)
        for g in geoms:
            mp.AddGeometry(g)
        area = mp.UnionCascaded().SimplifyPreserveTopology(10.0).Intersection(cgeom)
        L["water_service_areas"].append((("poly", to_multipolygon(area)),
                                         dict(GSQDM=wid + "Q", 工程编号=wid, GSFS=mode, GSRK=spop)))

    # ---- industry bases
    rb = rng(code, "industry")
    npark = 1 + (min(2, k // 5))
    tops = sorted((i for i in range(k) if i != seat_t),
                  key=lambda i: (-sum(v["rk"] for v in villages if v["ti"] == i), i))[:npark - 1]
    for j, ti in enumerate([seat_t] + tops):
        for _ in range(30):
            ang = rb.uniform(0, 2 * math.pi)
            d = rb.uniform(1500, 3500)
            c = (thub[ti][0] + d * math.cos(ang), thub[ti][1] + d * math.sin(ang))
            if county.contains(c):
                break
        w, h = (2500, 1500) if j == 0 else (1200, 800)
        g = to_multipolygon(rect_polygon(c, w, h, rb.uniform(0, math.pi)).Intersection(cgeom))
        nm = (cshort + "经济技术开发区") if j == 0 else tname_s[ti] + "工业园区"
        L["industry_bases"].append((("poly", g), dict(JDDM="%sGY%02d" % (code, j + 1), JDMC=nm, JDLX="工业园区",
                                                      ZDCY=rb.choice(["煤层气", "煤化工", "装备制造", "新材料", "农产品加工"]),
                                                      JYRS=rb.randint(3000, 8000) if j == 0 else rb.randint(400, 2500),
                                                      MJ=round(g.GetArea() / 1e4, 1))))
    na = 0
    for ti in range(k):
        vs = [v for v in villages if v["ti"] == ti and not v["comm"]]
        if not vs or rb.random() > 0.85:
            continue
        v = rb.choice(vs)
        ha = rb.uniform(50, 300)
        side = math.sqrt(ha * 1e4)
        c = v["region"].random_point(rb) or v["seed"]
        g = to_multipolygon(rect_polygon(c, side * 1.4, side / 1.4, rb.uniform(0, math.pi)).Intersection(v["poly"]))
        if g.IsEmpty():
            continue
        na += 1
        cy = rb.choice(INDUSTRY)
        L["industry_bases"].append((("poly", g), dict(JDDM="%sNY%02d" % (code, na), JDMC="%s%s基地" % (v["stem"], cy),
                                                      JDLX="农业基地", ZDCY=cy, JYRS=rb.randint(20, 200),
                                                      MJ=round(g.GetArea() / 1e4, 1))))

    stats_out = dict(townships=k, villages=len(villages), natural_villages=len(nvs),
                     roads=len(L["roads"]), remote=len(remote), island=island is not None,
                     bridge=br is not None)
    return L, stats_out
