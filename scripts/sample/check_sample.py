#!/usr/bin/python3
"""Independent checks of a generated sample directory (make_sample.py output).

  check_sample.py DIR        # prints a summary; exits 1 if a structural rule is broken

Re-reads the files with GDAL only (no generator code) and checks: road noding (every
crossing of two roads has a shared vertex, except bridges), road connected components
(main network + the isolated piece), natural villages > 2 km from any road, 1-6
natural villages per administrative village, villages partitioning their township,
unique codes, the GBK Shapefile (no .cpg, LDID 0) and value vocabularies.
"""

import os
import sys
from collections import Counter, defaultdict

from osgeo import gdal, ogr

gdal.UseExceptions()


def main(d):
    stem = None
    for f in sorted(os.listdir(d)):
        if f.endswith(".gpkg"):
            stem = f[:-5]
    ds = ogr.Open(os.path.join(d, stem + ".gpkg"))
    bad = []

    def fail(msg):
        bad.append(msg)
        print("FAIL", msg)

    # ---- Shapefile encoding
    shp = os.path.join(d, "natural_villages.shp")
    if os.path.exists(shp[:-4] + ".cpg"):
        fail("natural_villages.cpg exists")
    with open(shp[:-4] + ".dbf", "rb") as fh:
        hdr = fh.read(32)
    if hdr[29] != 0:
        fail("DBF LDID byte is %d" % hdr[29])
    nvds = gdal.OpenEx(shp, open_options=["ENCODING=GBK"])
    nvl = nvds.GetLayer(0)
    names = [nvl.GetLayerDefn().GetFieldDefn(i).GetName() for i in range(nvl.GetLayerDefn().GetFieldCount())]
    print("natural_villages.shp fields (read as GBK):", ", ".join(names))
    nvs = []
    for f in nvl:
        g = f.GetGeometryRef()
        nvs.append((f["ZRCDM"], f["ZRCMC"], f["CJQYDM"], f["RK"], f["HS"], f["村庄分类"], (g.GetX(), g.GetY())))
    print("natural villages: %d; households < 30: %d; 搬迁撤并类: %d" % (
        len(nvs), sum(1 for n in nvs if n[4] < 30), sum(1 for n in nvs if n[5] == "搬迁撤并类")))
    per_v = Counter(n[2] for n in nvs)
    if len(set(n[0] for n in nvs)) != len(nvs):
        fail("duplicate ZRCDM")
    print("natural villages per village: %s" % sorted(Counter(per_v.values()).items()))

    # ---- villages / townships
    vil = {}
    for f in ds.GetLayerByName("villages"):
        vil[f["CJQYDM"]] = (f["XZQDM"], f.GetGeometryRef().Clone(), f["RK"])
    if set(per_v) - set(vil):
        fail("natural villages reference unknown villages")
    for c in vil:
        if not 1 <= per_v.get(c, 0) <= 6:
            fail("village %s has %d natural villages" % (c, per_v.get(c, 0)))
    towns = {f["XZQDM"]: f.GetGeometryRef().Clone() for f in ds.GetLayerByName("townships")}
    byt = defaultdict(float)
    for c, (t, g, _) in vil.items():
        byt[t] += g.GetArea()
    worst = max(abs(byt[t] - g.GetArea()) / g.GetArea() for t, g in towns.items())
    worst_m2 = max(abs(byt[t] - g.GetArea()) for t, g in towns.items())
    print("villages vs township area: worst difference %.2e relative, %.1f m2" % (worst, worst_m2))
    if worst > 1e-5 and worst_m2 > 50.0:
        fail("villages do not partition their townships")
    ctot = sum(f.GetGeometryRef().GetArea() for f in ds.GetLayerByName("county"))
    ttot = sum(g.GetArea() for g in towns.values())
    print("townships vs county area: relative difference %.2e" % (abs(ctot - ttot) / ctot))
    # natural village inside its village polygon
    outside = 0
    for n in nvs:
        pt = ogr.Geometry(ogr.wkbPoint)
        pt.AddPoint_2D(*n[6])
        if not vil[n[2]][1].Contains(pt):
            outside += 1
    print("natural villages outside their own village polygon: %d" % outside)
    if outside:
        fail("natural villages outside their village")

    # ---- roads: vocabularies, noding, components
    roads = []
    voc = defaultdict(Counter)
    for f in ds.GetLayerByName("roads"):
        g = f.GetGeometryRef()
        roads.append(dict(bm=f["BM"], pts=[g.GetPoint_2D(i) for i in range(g.GetPointCount())],
                          bridge=f["QLBZ"], cls=f["DLDJ"], surf=f["LMLX"]))
        for k in ("DLDJ", "LMLX", "DXBZ", "JSDJ", "QLBZ"):
            voc[k][f[k]] += 1
    for k, c in sorted(voc.items()):
        print("roads %s: %s" % (k, dict(sorted(c.items()))))
    if len(set(r["bm"] for r in roads)) != len(roads):
        fail("duplicate road BM")
    # crossings without a shared vertex (brute force over a coarse grid)
    cell = 2000.0
    grid = defaultdict(list)
    for ri, r in enumerate(roads):
        for si in range(len(r["pts"]) - 1):
            a, b = r["pts"][si], r["pts"][si + 1]
            for i in range(int(min(a[0], b[0]) // cell), int(max(a[0], b[0]) // cell) + 1):
                for j in range(int(min(a[1], b[1]) // cell), int(max(a[1], b[1]) // cell) + 1):
                    grid[(i, j)].append((ri, si))
    crossings = set()
    for segs in grid.values():
        for x in range(len(segs)):
            for y in range(x + 1, len(segs)):
                (ra, sa), (rb, sb) = segs[x], segs[y]
                if ra == rb:
                    continue
                a1, a2 = roads[ra]["pts"][sa:sa + 2]
                b1, b2 = roads[rb]["pts"][sb:sb + 2]
                if {a1, a2} & {b1, b2}:
                    continue
                la = ogr.CreateGeometryFromWkt("LINESTRING (%r %r, %r %r)" % (a1 + a2))
                lb = ogr.CreateGeometryFromWkt("LINESTRING (%r %r, %r %r)" % (b1 + b2))
                if la.Intersects(lb):
                    crossings.add(tuple(sorted((roads[ra]["bm"], roads[rb]["bm"]))))
    bridges = {r["bm"] for r in roads if r["bridge"] == 1}
    unnoded = [c for c in crossings if not (set(c) & bridges)]
    print("road crossings without a shared vertex: %d (bridges: %d, others: %d)" % (
        len(crossings), len(crossings) - len(unnoded), len(unnoded)))
    if unnoded:
        fail("unnoded crossings: %s" % sorted(unnoded)[:5])
    # components over shared vertices
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in roads:
        for p in r["pts"][1:]:
            a, b = find(r["pts"][0]), find(p)
            if a != b:
                parent[a] = b
    comp = Counter(find(r["pts"][0]) for r in roads)
    print("road components: %d, sizes (features) %s" % (len(comp), sorted(comp.values(), reverse=True)[:8]))

    # natural villages far from roads
    allr = ogr.Geometry(ogr.wkbMultiLineString)
    for r in roads:
        ln = ogr.Geometry(ogr.wkbLineString)
        for p in r["pts"]:
            ln.AddPoint_2D(*p)
        allr.AddGeometry(ln)
    far = []
    for n in nvs:
        pt = ogr.Geometry(ogr.wkbPoint)
        pt.AddPoint_2D(*n[6])
        dd = pt.Distance(allr)
        if dd > 2000:
            far.append((n[0], n[1], round(dd)))
    print("natural villages > 2 km from any road: %s" % far)

    # other layers
    for lname in ("water_works", "water_service_areas", "water_pipes", "industry_bases", "county_seat",
                  "township_seats", "village_committees", "health_centres", "clinics", "county_hospitals",
                  "primary_schools", "elderly_care", "bus_stops", "garbage_points", "transfer_stations",
                  "telecom_towers", "coverage_5g"):
        lyr = ds.GetLayerByName(lname)
        print("%-20s %5d features" % (lname, lyr.GetFeatureCount()))
    caps = [f["设计规模"] for f in ds.GetLayerByName("water_works")]
    print("water works >= 1000 m3/d: %d of %d" % (sum(1 for c in caps if c >= 1000), len(caps)))
    print("water supply modes: %s" % dict(Counter(f["GSFS"] for f in ds.GetLayerByName("water_service_areas"))))
    # villages whose committee point is in no service area / 5G area
    for lname in ("water_service_areas", "coverage_5g"):
        u = ogr.Geometry(ogr.wkbMultiPolygon)
        for f in ds.GetLayerByName(lname):
            g = f.GetGeometryRef()
            for i in range(g.GetGeometryCount()):
                u.AddGeometry(g.GetGeometryRef(i))
        u = u.UnionCascaded()
        inside = sum(1 for f in ds.GetLayerByName("village_committees") if u.Contains(f.GetGeometryRef()))
        print("village committees inside %s: %d of %d" % (lname, inside, len(vil)))
    stops = ogr.Geometry(ogr.wkbMultiPoint)
    for f in ds.GetLayerByName("bus_stops"):
        stops.AddGeometry(f.GetGeometryRef())
    far_bus = sum(1 for f in ds.GetLayerByName("village_committees")
                  if f.GetGeometryRef().Distance(stops) > 2000)
    print("village committees > 2 km (straight line) from any bus stop: %d" % far_bus)
    tw = {f["XZQDM"] for f in ds.GetLayerByName("townships")}
    hc = {f["XZQDM"] for f in ds.GetLayerByName("health_centres")}
    print("townships without a health centre: %s" % sorted(tw - hc))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
