#!/usr/bin/python3
"""Write the small hand-made county of the coverage tests.

    /usr/bin/python3 scripts/make_test_county.py [OUTDIR]

OUTDIR defaults to tests/data/coverage.  Writes county.gpkg (one layer per
role and facility kind), plan.yaml (all layers) and plan_no5g.yaml (the
same without the 5G coverage layer).  Coordinates are UTM 50N metres,
offsets from (500000, 4000000).  The layout and every expected value are
worked out by hand in tests/unit/test_coverage.c; change both together.

    y=10000 +---------------------+---------------------+
            | V2 二村             | V4 四村     N6 *     |
            |          N3 *R2 end |        N5 *R3 end    |
     y=5000 +---------|-----------+-----------|---------+
            | V1 一村  |R2         | V3 三村    |R3       |
     y=2500 |=====R1==J1==========IB==========J2===R1===|
            |          N1*  N2*   |           N4*       |
        y=0 +---------------------+---------------------+
           x=0       x=5000    x=10000     x=15000    x=20000
            township T1 甲镇 (x<10000) | township T2 乙乡
"""
import os
import sys

from osgeo import ogr, osr

X0, Y0 = 500000.0, 4000000.0


def box(x0, y0, x1, y1):
    return "POLYGON((%f %f,%f %f,%f %f,%f %f,%f %f))" % (
        X0 + x0, Y0 + y0, X0 + x1, Y0 + y0, X0 + x1, Y0 + y1, X0 + x0, Y0 + y1, X0 + x0, Y0 + y0)


def line(*pts):
    return "LINESTRING(%s)" % ",".join("%f %f" % (X0 + x, Y0 + y) for x, y in pts)


def point(x, y):
    return "POINT(%f %f)" % (X0 + x, Y0 + y)


def layer(ds, srs, name, gtype, fields, rows):
    lyr = ds.CreateLayer(name, srs, gtype)
    # Numbers are stored as text: hinterland parses them either way, and text
    # keeps the test independent of how the reader formats real fields.
    for f in fields:
        lyr.CreateField(ogr.FieldDefn(f, ogr.OFTString))
    for wkt, values in rows:
        feat = ogr.Feature(lyr.GetLayerDefn())
        for f, v in zip(fields, values):
            if v is not None:
                feat.SetField(f, str(v))
        feat.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        lyr.CreateFeature(feat)


FACILITIES = {
    "county_seat": [("CS", "县政府", 2000, 2500)],
    "township_seat": [("TS1", "甲镇政府", 5000, 2500), ("TS2", "乙乡政府", 15000, 2500)],
    "health_centre": [("HC1", "甲镇卫生院", 6000, 2500)],
    "clinic": [("C1", "二村卫生室", 5000, 7000), ("C2", "三村卫生室", 15000, 3500)],
    "county_hospital": [("H1", "县医院", 1000, 2500)],
    "primary_school": [("S1", "甲镇小学", 5000, 4000)],
    "bus_stop": [("B1", "二村站", 5000, 5500), ("B2", "三村站", 12000, 2500)],
    "garbage_point": [("G1", "二村垃圾点", 5000, 7200), ("G2", "四村垃圾点", 15000, 7000)],
    "transfer_station": [("TR1", "转运站", 3000, 2500)],
    "village_committee": [("VC1", "一村村委", 4000, 2500), ("VC2", "二村村委", 5200, 8000),
                          ("VC3", "三村村委", 11000, 2520), ("VC4", "四村村委", 15000, 9000)],
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "tests", "data", "coverage")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "county.gpkg")
    if os.path.exists(path):
        os.remove(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32650)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    layer(ds, srs, "county", ogr.wkbPolygon, ["code", "name"], [(box(0, 0, 20000, 10000), ["140521", "测试县"])])
    layer(ds, srs, "townships", ogr.wkbPolygon, ["code", "name"],
          [(box(0, 0, 10000, 10000), ["140521001", "甲镇"]), (box(10000, 0, 20000, 10000), ["140521002", "乙乡"])])
    layer(ds, srs, "villages", ogr.wkbPolygon, ["code", "name", "township_code"],
          [(box(0, 0, 10000, 5000), ["140521001001", "一村", "140521001"]),
           (box(0, 5000, 10000, 10000), ["140521001002", "二村", "140521001"]),
           (box(10000, 0, 20000, 5000), ["140521002001", "三村", "140521002"]),
           (box(10000, 5000, 20000, 10000), ["140521002002", "四村", "140521002"])])
    nv_fields = ["id", "name", "village_code", "population", "households", "relocation", "working_age_population"]
    layer(ds, srs, "natural_villages", ogr.wkbPoint, nv_fields,
          [(point(5000, 3000), ["N1", "东庄", "140521001001", 300, 80, "否", 200]),
           (point(8000, 2700), ["N2", "西庄", "140521001001", 100, 25, "否", 60]),
           (point(5000, 7500), ["N3", "北沟", "140521001002", 400, 100, "否", 250]),
           (point(15000, 4000), ["N4", "南岭", "140521002001", 250, 60, "否", 150]),
           (point(15000, 7500), ["N5", "后沟", "140521002002", 150, 40, "是", 90]),
           (point(17000, 9000), ["N6", "山顶", "140521002002", 50, 35, "否", 30])])
    layer(ds, srs, "roads", ogr.wkbLineString, ["id", "name", "class", "grade", "surface", "speed_kmh"],
          [(line((0, 2500), (5000, 2500), (15000, 2500), (20000, 2500)), ["R1", "县道一", "县道", "三级", "沥青", 60]),
           (line((5000, 2500), (5000, 7500)), ["R2", "村道二", "村道", "四级", "水泥", 30]),
           (line((15000, 2500), (15000, 7500)), ["R3", "村道三", "村道", "等外", "砂石", 15])])
    for kind, rows in FACILITIES.items():
        layer(ds, srs, kind, ogr.wkbPoint, ["id", "name"], [(point(x, y), [i, n]) for i, n, x, y in rows])
    layer(ds, srs, "elderly_care", ogr.wkbPoint, ["id", "name", "comprehensive"],
          [(point(5500, 2500), ["E1", "甲镇敬老院", "是"]), (point(16000, 2500), ["E2", "乙乡幸福院", "否"])])
    layer(ds, srs, "water_works", ogr.wkbPoint, ["id", "name", "capacity_m3d"],
          [(point(1000, 1000), ["W1", "甲镇水厂", 2000]), (point(4000, 9000), ["W2", "二村水站", 50])])
    layer(ds, srs, "water_service_areas", ogr.wkbPolygon, ["id", "works_id", "tap"],
          [(box(0, 0, 7000, 5000), ["SA1", "W1", "入户"]), (box(14000, 3000, 16000, 5000), ["SA2", "W2", "集中供水点"])])
    layer(ds, srs, "water_pipes", ogr.wkbLineString, ["id", "works_id"],
          [(line((5000, 5000), (5000, 7600)), ["P1", "W2"])])
    layer(ds, srs, "coverage_5g", ogr.wkbPolygon, ["id"], [(box(0, 0, 12000, 5000), ["5G1"])])
    layer(ds, srs, "industry_bases", ogr.wkbPolygon, ["id", "name", "jobs"],
          [(box(9000, 2000, 11000, 3000), ["IB1", "工业园", 500])])
    layer(ds, srs, "agricultural_bases", ogr.wkbPolygon, ["id", "name"],
          [(box(10000, 5000, 15000, 7000), ["AB1", "果园"])])
    ds = None

    roles = ["county", "townships", "villages", "natural_villages", "roads", "water_works", "water_pipes",
             "water_service_areas", "coverage_5g", "industry_bases", "agricultural_bases"]
    kinds = list(FACILITIES) + ["elderly_care"]

    def plan(skip):
        lines = ["# The hand-made test county of tests/unit/test_coverage.c (made by scripts/make_test_county.py).",
                 "crs: EPSG:32650", "standard: national", "access:", "  service_areas_min: [15]",
                 "  od_matrix: false", "layers:"]
        for r in roles:
            if r not in skip:
                lines.append("  %s: {source: county.gpkg, layer: %s}" % (r, r))
        lines.append("  facilities:")
        for k in kinds:
            lines.append("    %s: {source: county.gpkg, layer: %s}" % (k, k))
        return "\n".join(lines) + "\n"

    with open(os.path.join(out, "plan.yaml"), "w") as f:
        f.write(plan(()))
    with open(os.path.join(out, "plan_no5g.yaml"), "w") as f:
        f.write(plan(("coverage_5g",)))


if __name__ == "__main__":
    main()
