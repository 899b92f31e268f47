#!/usr/bin/python3
"""Generate the hinterland sample data: real county/township/village boundaries and codes
plus generated settlements, roads, water, services and industry (see samples/README.md).

  make_sample.py --county 140521 -o samples/qinshui        # the shipped Qinshui sample
  make_sample.py --counties 140521,140522 -o /tmp/two
  make_sample.py --province 14 -o /tmp/shanxi              # every county of Shanxi

Writes DIR/<basename of DIR>.gpkg (EPSG:4546), DIR/natural_villages.{shp,shx,dbf,prj}
(GBK, no .cpg, LDID 0) and DIR/plan.yaml. Deterministic: the same inputs give the same
bytes (fixed seeds, sorted output, OGR_CURRENT_DATE pinned).
Needs /usr/bin/python3 with the GDAL (osgeo) bindings; standard library otherwise.
"""

import argparse
import os
import sys
import time

os.environ["OGR_CURRENT_DATE"] = "2026-01-01T00:00:00Z"

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample"))

from osgeo import gdal, ogr  # noqa: E402

import county as gen  # noqa: E402
import realdata  # noqa: E402

gdal.UseExceptions()
ogr.UseExceptions()

S, I, R = ogr.OFTString, ogr.OFTInteger, ogr.OFTReal
PT, LN, MP = ogr.wkbPoint, ogr.wkbLineString, ogr.wkbMultiPolygon

# layer -> (geometry type, [(field, type, width)])   (order = GeoPackage layer order)
SCHEMA = [
    ("county", MP, [("XZQDM", S, 6), ("XZQMC", S, 30), ("RK", I, 0), ("HS", I, 0), ("MJ", R, 0)]),
    ("townships", MP, [("XZQDM", S, 9), ("XZQMC", S, 40), ("XZLX", S, 4), ("SJXZQDM", S, 6),
                       ("RK", I, 0), ("HS", I, 0), ("MJ", R, 0)]),
    ("villages", MP, [("CJQYDM", S, 12), ("CJQYMC", S, 60), ("CWHLX", S, 4), ("XZQDM", S, 9),
                      ("XZQMC", S, 40), ("RK", I, 0), ("HJRK", I, 0), ("HS", I, 0), ("CZFL", S, 8),
                      ("MJ", R, 0)]),
    ("roads", LN, [("BM", S, 20), ("LXBM", S, 16), ("DLMC", S, 40), ("DLDJ", S, 4), ("JSDJ", S, 4),
                   ("LMLX", S, 4), ("LMKD", R, 0), ("DXBZ", S, 4), ("QLBZ", I, 0), ("XZQDM", S, 9),
                   ("CD", R, 0)]),
    ("water_works", PT, [("工程编号", S, 16), ("工程名称", S, 40), ("工程类型", S, 8), ("设计规模", I, 0),
                         ("水源类型", S, 4), ("受益人口", I, 0), ("XZQDM", S, 9)]),
    ("water_pipes", LN, [("GXBM", S, 20), ("工程编号", S, 16), ("GJ", I, 0), ("GC", S, 8), ("GXLX", S, 4)]),
    ("water_service_areas", MP, [("GSQDM", S, 16), ("工程编号", S, 16), ("GSFS", S, 8), ("GSRK", I, 0)]),
    ("industry_bases", MP, [("JDDM", S, 12), ("JDMC", S, 40), ("JDLX", S, 8), ("ZDCY", S, 8),
                            ("JYRS", I, 0), ("MJ", R, 0)]),
    ("county_seat", PT, [("ID", S, 16), ("MC", S, 40), ("XZQDM", S, 6)]),
    ("township_seats", PT, [("ID", S, 16), ("MC", S, 40), ("XZQDM", S, 9)]),
    ("village_committees", PT, [("ID", S, 16), ("MC", S, 60), ("CJQYDM", S, 12), ("XZQDM", S, 9)]),
    ("health_centres", PT, [("ID", S, 16), ("MC", S, 40), ("XZQDM", S, 9), ("CWS", I, 0), ("YSS", I, 0)]),
    ("clinics", PT, [("ID", S, 16), ("MC", S, 40), ("CJQYDM", S, 12), ("XZQDM", S, 9), ("CWS", I, 0),
                     ("YSS", I, 0)]),
    ("county_hospitals", PT, [("ID", S, 16), ("MC", S, 40), ("DJ", S, 8), ("CWS", I, 0), ("YSS", I, 0)]),
    ("primary_schools", PT, [("ID", S, 16), ("MC", S, 40), ("XXLX", S, 8), ("XSS", I, 0), ("XZQDM", S, 9),
                             ("CJQYDM", S, 12)]),
    ("elderly_care", PT, [("ID", S, 16), ("MC", S, 40), ("SFZH", S, 2), ("CWS", I, 0), ("XZQDM", S, 9)]),
    ("bus_stops", PT, [("ID", S, 16), ("MC", S, 40), ("XLMC", S, 40), ("RBC", I, 0)]),
    ("garbage_points", PT, [("ID", S, 16), ("MC", S, 40), ("ZRCDM", S, 14), ("RL", I, 0)]),
    ("transfer_stations", PT, [("ID", S, 16), ("MC", S, 40), ("CLNL", I, 0), ("XZQDM", S, 9)]),
    ("telecom_towers", PT, [("ID", S, 16), ("YYS", S, 4), ("JZLX", S, 4), ("FGBJ", I, 0)]),
    ("coverage_5g", MP, [("ID", S, 16), ("YYS", S, 4), ("WLLX", S, 4)]),
]
NV_SCHEMA = [("ZRCDM", S, 14), ("ZRCMC", S, 40), ("CJQYDM", S, 12), ("村名", S, 60), ("RK", I, 9),
             ("HJRK", I, 9), ("HS", I, 9), ("村庄分类", S, 12)]

FACILITY_KIND = [  # plan key, layer, field map
    ("county_seat", "county_seat", "{id: ID, name: MC}"),
    ("township_seat", "township_seats", "{id: ID, name: MC, township_code: XZQDM}"),
    ("village_committee", "village_committees", "{id: ID, name: MC, village_code: CJQYDM}"),
    ("health_centre", "health_centres", "{id: ID, name: MC, capacity: CWS}"),
    ("clinic", "clinics", "{id: ID, name: MC, capacity: CWS, village_code: CJQYDM}"),
    ("county_hospital", "county_hospitals", "{id: ID, name: MC, capacity: CWS}"),
    ("primary_school", "primary_schools", "{id: ID, name: MC, capacity: XSS}"),
    ("elderly_care", "elderly_care", "{id: ID, name: MC, capacity: CWS, comprehensive: SFZH}"),
    ("bus_stop", "bus_stops", "{id: ID, name: MC}"),
    ("garbage_point", "garbage_points", "{id: ID, name: MC, capacity: RL}"),
    ("transfer_station", "transfer_stations", "{id: ID, name: MC, capacity: CLNL}"),
    ("telecom_tower", "telecom_towers", "{id: ID}"),
]


def make_geom(g):
    kind, val = g
    if kind == "point":
        o = ogr.Geometry(ogr.wkbPoint)
        o.AddPoint_2D(val[0], val[1])
        return o
    if kind == "line":
        o = ogr.Geometry(ogr.wkbLineString)
        for p in val:
            o.AddPoint_2D(p[0], p[1])
        return o
    return val


def write_layer(ds, name, gtype, fields, feats, srs, opts):
    lyr = ds.CreateLayer(name, srs, gtype, options=opts)
    for fname, ftype, width in fields:
        fd = ogr.FieldDefn(fname, ftype)
        if width:
            fd.SetWidth(width)
        lyr.CreateField(fd)
    defn = lyr.GetLayerDefn()
    lyr.StartTransaction()
    for geom, attrs in feats:
        f = ogr.Feature(defn)
        for fname, ftype, _ in fields:
            v = attrs.get(fname)
            if v is not None:
                f.SetField(fname, v)
        f.SetGeometry(make_geom(geom))
        lyr.CreateFeature(f)
    lyr.CommitTransaction()


def write_outputs(outdir, stem, layers):
    os.makedirs(outdir, exist_ok=True)
    srs = realdata.srs_target()
    gpkg = os.path.join(outdir, stem + ".gpkg")
    for p in [gpkg, gpkg + "-journal", gpkg + "-wal", gpkg + "-shm"]:
        if os.path.exists(p):
            os.remove(p)
    drv = ogr.GetDriverByName("GPKG")
    ds = drv.CreateDataSource(gpkg)
    for name, gtype, fields in SCHEMA:
        write_layer(ds, name, gtype, fields, layers[name], srs, ["SPATIAL_INDEX=YES", "FID=fid"])
    ds = None
    # make gpkg_contents fully reproducible regardless of the GDAL build
    db = ogr.Open(gpkg, 1)
    db.ExecuteSQL("UPDATE gpkg_contents SET last_change = '2026-01-01T00:00:00.000Z'")
    db = None

    shp = os.path.join(outdir, "natural_villages.shp")
    for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix"):
        p = shp[:-4] + ext
        if os.path.exists(p):
            os.remove(p)
    sdrv = ogr.GetDriverByName("ESRI Shapefile")
    sds = sdrv.CreateDataSource(shp)
    write_layer(sds, "natural_villages", PT, NV_SCHEMA, layers["natural_villages"], srs,
                ["ENCODING=GBK", "DBF_DATE_LAST_UPDATE=2026-01-01", "SPATIAL_INDEX=NO"])
    sds = None
    cpg = shp[:-4] + ".cpg"
    if os.path.exists(cpg):
        os.remove(cpg)
    with open(shp[:-4] + ".dbf", "r+b") as fh:   # no language-driver hint either
        fh.seek(29)
        fh.write(b"\x00")
    return gpkg, shp


def write_plan(outdir, stem):
    lines = [
        "# hinterland plan for the generated sample (see samples/README.md). Paths are relative",
        "# to this file. Layers are in EPSG:4546 (CGCS2000 / 3-degree GK CM 111E); the",
        "# natural-village Shapefile is GBK-encoded with no .cpg.",
        "crs: auto",
        "standard: qinshui",
        "layers:",
        "  county: {source: %s.gpkg, layer: county, fields: {code: XZQDM, name: XZQMC}}" % stem,
        "  townships: {source: %s.gpkg, layer: townships, fields: {code: XZQDM, name: XZQMC}}" % stem,
        "  villages: {source: %s.gpkg, layer: villages, fields: {code: CJQYDM, name: CJQYMC, population: RK, "
        "households: HS, township_code: XZQDM, class: CZFL}}" % stem,
        "  natural_villages: {source: natural_villages.shp, encoding: GBK, fields: {id: ZRCDM, name: ZRCMC, "
        "population: RK, households: HS, village_code: CJQYDM, relocation: 村庄分类}}",
        "  roads: {source: %s.gpkg, layer: roads, fields: {id: BM, class: DLDJ, surface: LMLX, oneway: DXBZ, "
        "grade: JSDJ, width_m: LMKD, bridge: QLBZ, name: DLMC}}" % stem,
        "  water_works: {source: %s.gpkg, layer: water_works, fields: {id: 工程编号, name: 工程名称, "
        "capacity_m3d: 设计规模, type: 工程类型, served_population: 受益人口}}" % stem,
        "  water_pipes: {source: %s.gpkg, layer: water_pipes, fields: {id: GXBM, works_id: 工程编号, "
        "diameter_mm: GJ}}" % stem,
        "  water_service_areas: {source: %s.gpkg, layer: water_service_areas, fields: {id: GSQDM, "
        "works_id: 工程编号, tap: GSFS}}" % stem,
        "  industry_bases: {source: %s.gpkg, layer: industry_bases, fields: {id: JDDM, name: JDMC, "
        "type: JDLX, jobs: JYRS}}" % stem,
        "  coverage_5g: {source: %s.gpkg, layer: coverage_5g, fields: {id: ID, operator: YYS}}" % stem,
        "  facilities:",
    ]
    for key, layer, fields in FACILITY_KIND:
        lines.append("    %s: {source: %s.gpkg, layer: %s, fields: %s}" % (key, stem, layer, fields))
    lines += [
        "speeds_kmh: {national: 70, provincial: 60, county: 40, township: 30, village: 20}",
        "access: {connector_speed_kmh: 5, max_snap_m: 2000}",
        "",
    ]
    with open(os.path.join(outdir, "plan.yaml"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--county", help="one 6-digit county code, e.g. 140521")
    g.add_argument("--counties", help="comma-separated county codes")
    g.add_argument("--province", help="2-digit province code: every county of the province")
    ap.add_argument("-o", "--output", required=True, help="output directory")
    ap.add_argument("--name", help="GeoPackage file stem (default: basename of the output dir)")
    ap.add_argument("--real-dir", default="/work/shared/data/real", help="shared real-data directory")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args()

    def log(msg):
        if not a.quiet:
            print(msg, file=sys.stderr)

    if a.county:
        codes = {a.county}
        want = lambda c: c in codes  # noqa: E731
    elif a.counties:
        codes = set(c.strip() for c in a.counties.split(",") if c.strip())
        want = lambda c: c in codes  # noqa: E731
    else:
        want = lambda c: c.startswith(a.province)  # noqa: E731
    t0 = time.time()
    counties = realdata.load_counties(a.real_dir, want)
    if not counties:
        sys.exit("no county outline matches")
    stats = realdata.load_county_stats(a.real_dir)
    divs = realdata.load_divisions(a.real_dir, sorted(counties))
    log("loaded %d county outlines in %.1f s" % (len(counties), time.time() - t0))
    layers = {name: [] for name, _, _ in SCHEMA}
    layers["natural_villages"] = []
    done = 0
    for code in sorted(counties):
        name, geom = counties[code]
        towns = divs.get(code)
        if not towns or not any(t[2] for t in towns):
            log("%s %s: no township/village match in china-division, skipped" % (code, name))
            continue
        towns = [t for t in towns if t[2]]
        L, st = gen.generate(code, name, geom, towns, stats.get(code), log)
        for k, v in L.items():
            layers[k].extend(v)
        done += 1
        log("%s %s: %s" % (code, name, " ".join("%s=%s" % kv for kv in sorted(st.items()))))
    if not done:
        sys.exit("no county could be generated")
    if done > 1:
        # roads of neighbouring counties may cross near the shared boundary: node those too
        t1 = time.time()
        rds = [dict(pts=g[1], county=a["XZQDM"][:6], bridge=a["QLBZ"]) for g, a in layers["roads"]]
        gen.node_crossings(rds, lambda *x: None,
                           lambda i, j: rds[i]["county"] == rds[j]["county"] or rds[i]["bridge"] or rds[j]["bridge"])
        log("noded roads across county boundaries in %.1f s" % (time.time() - t1))
    stem = a.name or os.path.basename(os.path.normpath(a.output))
    gpkg, shp = write_outputs(a.output, stem, layers)
    write_plan(a.output, stem)
    log("wrote %s, %s, plan.yaml: %d counties in %.1f s" % (gpkg, shp, done, time.time() - t0))


if __name__ == "__main__":
    main()
