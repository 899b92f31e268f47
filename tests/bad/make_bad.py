#!/usr/bin/python3
"""The catalogue of bad inputs: writes one folder per case into OUTDIR, each a
complete small plan (plan.yaml) with its data, built on the access_known
dataset (tests/cli/access_known.sh: two roads in EPSG:4546, four natural
villages, one clinic, one school) with exactly ONE thing broken.  The expected
outcome of every case is asserted in tests/cli/bad_inputs.sh; see
tests/bad/README.md for the table.

Usage: /usr/bin/python3 tests/bad/make_bad.py OUTDIR [CASE...]
Needs the GDAL Python bindings (osgeo) for the Shapefile cases.
Deterministic: the same bytes on every run."""
import json
import os
import shutil
import struct
import sys

from osgeo import ogr, osr, gdal

gdal.UseExceptions()

CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4546"}}

ROADS = [
    ({"BM": "A", "DLDJ": "县道", "LMLX": "沥青", "DXBZ": "双向"},
     {"type": "LineString", "coordinates": [[500000, 4000000], [501000, 4000000]]}),
    ({"BM": "B", "DLDJ": "乡道", "LMLX": "水泥", "DXBZ": "单向"},
     {"type": "LineString", "coordinates": [[501000, 4000000], [501000, 4001000]]}),
]
VILLAGES = [
    ({"ZRCDM": "V1", "ZRCMC": "一村", "RK": 100}, {"type": "Point", "coordinates": [500000, 4000100]}),
    ({"ZRCDM": "V2", "ZRCMC": "二村", "RK": 200}, {"type": "Point", "coordinates": [500500, 3999900]}),
    ({"ZRCDM": "V3", "ZRCMC": "三村", "RK": 300}, {"type": "Point", "coordinates": [501050, 4001000]}),
    ({"ZRCDM": "V4", "ZRCMC": "四村", "RK": 400}, {"type": "Point", "coordinates": [510000, 4000000]}),
]
CLINICS = [({"ID": "C1"}, {"type": "Point", "coordinates": [501000, 4001050]})]
SCHOOLS = [({"ID": "S1"}, {"type": "Point", "coordinates": [499950, 4000000]})]

ROADS_LINE = "roads: {source: roads.geojson, fields: {id: BM, class: DLDJ, surface: LMLX, oneway: DXBZ}}"
VILLAGES_LINE = "natural_villages: {source: villages.geojson, fields: {id: ZRCDM, name: ZRCMC, population: RK}}"
FAC_LINES = ("  facilities:\n"
             "    clinic: {source: clinics.geojson, fields: {id: ID}}\n"
             "    primary_school: {source: schools.geojson, fields: {id: ID}}\n")
TAIL = "access: {od_matrix: false, service_areas_min: [1]}\n"


def plan(roads=ROADS_LINE, villages=VILLAGES_LINE, fac=FAC_LINES, extra="", crs="EPSG:4546", tail=TAIL):
    head = ("crs: %s\n" % crs) if crs else ""
    return head + "layers:\n  %s\n  %s\n%s%s%s" % (roads, villages, fac, extra, tail)


def geojson(feats, crs=CRS):
    doc = {"type": "FeatureCollection"}
    if crs is not None:
        doc["crs"] = crs
    doc["features"] = [{"type": "Feature", "properties": p, "geometry": g} for p, g in feats]
    return json.dumps(doc, ensure_ascii=False, indent=0, allow_nan=True)


def write(d, name, text):
    mode = "wb" if isinstance(text, bytes) else "w"
    with open(os.path.join(d, name), mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as f:
        f.write(text)


def base(d, roads=ROADS, villages=VILLAGES, clinics=CLINICS, schools=SCHOOLS):
    write(d, "roads.geojson", geojson(roads))
    write(d, "villages.geojson", geojson(villages))
    write(d, "clinics.geojson", geojson(clinics))
    write(d, "schools.geojson", geojson(schools))


def shapefile(path, feats, geom_type, fields, epsg=4546, encoding="UTF-8", wkts=None):
    """feats: (props, geojson geometry or None); wkts overrides geometries with WKT strings
    (or raw (x, y[, z][, m]) tuples through the API, for NaN)."""
    drv = ogr.GetDriverByName("ESRI Shapefile")
    if os.path.exists(path):
        drv.DeleteDataSource(path)
    ds = drv.CreateDataSource(path)
    srs = None
    if epsg:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(epsg)
    lyr = ds.CreateLayer(os.path.splitext(os.path.basename(path))[0], srs, geom_type,
                         options=["ENCODING=" + encoding])
    for name, typ in fields:
        fd = ogr.FieldDefn(name, typ)
        if typ == ogr.OFTString:
            fd.SetWidth(40)
        lyr.CreateField(fd)
    for i, (props, geom) in enumerate(feats):
        f = ogr.Feature(lyr.GetLayerDefn())
        for k, v in props.items():
            f.SetField(k, v)
        if wkts is not None and wkts[i] is not None:
            g = wkts[i]() if callable(wkts[i]) else ogr.CreateGeometryFromWkt(wkts[i])
            f.SetGeometry(g)
        elif geom is not None:
            f.SetGeometry(ogr.CreateGeometryFromJson(json.dumps(geom)))
        lyr.CreateFeature(f)
    ds = None


VFIELDS = [("ZRCDM", ogr.OFTString), ("ZRCMC", ogr.OFTString), ("RK", ogr.OFTInteger)]
RFIELDS = [("BM", ogr.OFTString), ("DLDJ", ogr.OFTString), ("LMLX", ogr.OFTString), ("DXBZ", ogr.OFTString)]
VILLAGES_SHP = "natural_villages: {source: villages.shp, fields: {id: ZRCDM, name: ZRCMC, population: RK}}"
ROADS_SHP = "roads: {source: roads.shp, fields: {id: BM, class: DLDJ, surface: LMLX, oneway: DXBZ}}"

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


# ---------------------------------------------------------------- files
@case
def ok_baseline(d):
    base(d)
    write(d, "plan.yaml", plan())


@case
def missing_file(d):
    base(d)
    write(d, "plan.yaml", plan(roads="roads: {source: no_such_roads.geojson}"))


@case
def unreadable_file(d):
    """chmod 000 (the script skips it when running as root)."""
    base(d)
    os.chmod(os.path.join(d, "roads.geojson"), 0)
    write(d, "plan.yaml", plan())


@case
def folder_as_file(d):
    """A folder where the plan names a file (what an unreadable file is for root)."""
    base(d)
    os.mkdir(os.path.join(d, "empty_roads.geojson"))
    write(d, "plan.yaml", plan(roads="roads: {source: empty_roads.geojson}"))


@case
def unsupported_txt(d):
    base(d)
    write(d, "roads.txt", "道路 from the bureau, please see the attached drawing\nroad A 1000 m\n")
    write(d, "plan.yaml", plan(roads="roads: {source: roads.txt}"))


@case
def shp_without_shx(d):
    base(d)
    shapefile(os.path.join(d, "roads.shp"), ROADS, ogr.wkbLineString, RFIELDS)
    os.remove(os.path.join(d, "roads.shx"))
    write(d, "plan.yaml", plan(roads=ROADS_SHP))


@case
def shp_without_dbf(d):
    base(d)
    shapefile(os.path.join(d, "villages.shp"), VILLAGES, ogr.wkbPoint, VFIELDS)
    os.remove(os.path.join(d, "villages.dbf"))
    write(d, "plan.yaml", plan(villages=VILLAGES_SHP))


@case
def shp_truncated(d):
    """The .shp cut in the middle of the second record (the .shx still lists two)."""
    base(d)
    shapefile(os.path.join(d, "roads.shp"), ROADS, ogr.wkbLineString, RFIELDS)
    p = os.path.join(d, "roads.shp")
    size = os.path.getsize(p)
    with open(p, "r+b") as f:
        f.truncate(size - 20)
    write(d, "plan.yaml", plan(roads=ROADS_SHP))


@case
def empty_layer(d):
    """A roads layer with no features at all."""
    base(d, roads=[])
    write(d, "plan.yaml", plan())


# ---------------------------------------------------------------- geometries
@case
def geom_null(d):
    v = list(VILLAGES)
    v[1] = (VILLAGES[1][0], None)
    base(d, villages=v)
    write(d, "plan.yaml", plan())


@case
def geom_empty(d):
    v = list(VILLAGES)
    v[1] = (VILLAGES[1][0], {"type": "Point", "coordinates": []})
    base(d, villages=v)
    write(d, "plan.yaml", plan())


VILLAGE_POLYS = [
    ({"CJDM": "140521100201", "CJMC": "甲村"},
     {"type": "Polygon", "coordinates": [[[499000, 3999000], [500500, 3999000], [500500, 4002000], [499000, 4002000], [499000, 3999000]]]}),
    ({"CJDM": "140521100202", "CJMC": "乙村"},
     {"type": "Polygon", "coordinates": [[[500500, 3999000], [502000, 3999000], [502000, 4002000], [500500, 4002000], [500500, 3999000]]]}),
]
VPOLY_LINE = "  villages: {source: cun.geojson, fields: {code: CJDM, name: CJMC}}\n"


@case
def geom_invalid_polygon(d):
    """Village polygon 乙村 drawn as a bow-tie (self-intersecting)."""
    base(d)
    polys = list(VILLAGE_POLYS)
    polys[1] = (VILLAGE_POLYS[1][0], {"type": "Polygon", "coordinates": [[[500500, 3999000], [502000, 4002000], [502000, 3999000], [500500, 4002000], [500500, 3999000]]]})
    write(d, "cun.geojson", geojson(polys))
    write(d, "plan.yaml", plan(extra=VPOLY_LINE))


@case
def geom_unclosed_ring(d):
    """Village polygon 乙村 with a ring whose last point is not its first."""
    base(d)
    polys = list(VILLAGE_POLYS)
    polys[1] = (VILLAGE_POLYS[1][0], {"type": "Polygon", "coordinates": [[[500500, 3999000], [502000, 3999000], [502000, 4002000], [500500, 4002000]]]})
    write(d, "cun.geojson", geojson(polys))
    write(d, "plan.yaml", plan(extra=VPOLY_LINE))


@case
def geom_nan_inf(d):
    """Shapefile villages: V2 at (NaN, 3999900), V3 at (inf, 4001000).  GDAL will not write
    such points, so placeholder x values are written and their bytes replaced."""
    base(d)
    v = list(VILLAGES)
    v[1] = (VILLAGES[1][0], {"type": "Point", "coordinates": [111111.0, 3999900]})
    v[2] = (VILLAGES[2][0], {"type": "Point", "coordinates": [222222.0, 4001000]})
    p = os.path.join(d, "villages.shp")
    shapefile(p, v, ogr.wkbPoint, VFIELDS)
    with open(p, "rb") as f:
        data = f.read()
    for placeholder, value in ((111111.0, float("nan")), (222222.0, float("inf"))):
        old = struct.pack("<d", placeholder)
        assert data[100:].count(old) == 1, placeholder  # the records start at byte 100
        data = data[:100] + data[100:].replace(old, struct.pack("<d", value))
    # the header bounding box (bytes 36..67) held the placeholders too: recompute from the finite points
    data = data[:36] + struct.pack("<4d", 500000.0, 4000000.0, 510000.0, 4000100.0) + data[68:]
    with open(p, "wb") as f:
        f.write(data)
    write(d, "plan.yaml", plan(villages=VILLAGES_SHP))


@case
def geom_mixed_types(d):
    """Village V2 is a LineString in a point layer."""
    v = list(VILLAGES)
    v[1] = (VILLAGES[1][0], {"type": "LineString", "coordinates": [[500500, 3999900], [500600, 3999900]]})
    base(d, villages=v)
    write(d, "plan.yaml", plan())


@case
def geom_3d_measured(d):
    """Villages as PointZM and roads as LineStringZM Shapefiles: Z and M are dropped, the answer is unchanged."""
    base(d)
    vw = ["POINT ZM (%r %r 850 7)" % tuple(g["coordinates"]) for _, g in VILLAGES]
    shapefile(os.path.join(d, "villages.shp"), VILLAGES, ogr.wkbPointZM, VFIELDS, wkts=vw)
    rw = ["LINESTRING ZM (500000 4000000 900 0, 501000 4000000 910 1000)",
          "LINESTRING ZM (501000 4000000 910 0, 501000 4001000 950 1000)"]
    shapefile(os.path.join(d, "roads.shp"), ROADS, ogr.wkbLineStringZM, RFIELDS, wkts=rw)
    write(d, "plan.yaml", plan(roads=ROADS_SHP, villages=VILLAGES_SHP))


# ---------------------------------------------------------------- coordinates
@case
def crs_missing(d):
    """Roads Shapefile without .prj and a plan with crs: auto."""
    base(d)
    shapefile(os.path.join(d, "roads.shp"), ROADS, ogr.wkbLineString, RFIELDS, epsg=None)
    write(d, "plan.yaml", plan(roads=ROADS_SHP, crs="auto"))


@case
def crs_latlon_swapped(d):
    """Villages in EPSG:4326 with (lat, lon) in place of (lon, lat), near 112.2E 36.1N."""
    base(d)
    v = [(p, {"type": "Point", "coordinates": [36.1 + i * 0.001, 112.2]}) for i, (p, _) in enumerate(VILLAGES)]
    write(d, "villages.geojson", geojson(v, crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}))
    write(d, "plan.yaml", plan())


@case
def crs_gk_no_zone_prefix(d):
    """Roads with eastings like 500000 but declared EPSG:4527 (zone 39, false easting 39500000)."""
    base(d)
    write(d, "plan.yaml", plan(roads="roads: {source: roads.geojson, crs: 'EPSG:4527', fields: {id: BM}}"))


@case
def crs_coords_absurd(d):
    """Every village at x = 1e300 m in EPSG:4546: no zone prefix can explain that."""
    v = [(p, {"type": "Point", "coordinates": [1e300, g["coordinates"][1]]}) for p, g in VILLAGES]
    base(d, villages=v)
    write(d, "plan.yaml", plan())


@case
def encoding_gbk_dbf(d):
    """Villages Shapefile whose DBF is GBK with no .cpg and an LDID byte of 0: detection must find GBK."""
    base(d)
    p = os.path.join(d, "villages.shp")
    v = list(VILLAGES)
    v[1] = (dict(VILLAGES[1][0], ZRCDM="V1"), VILLAGES[1][1])
    shapefile(p, v, ogr.wkbPoint, VFIELDS, encoding="CP936")
    for ext in (".cpg", ".CPG"):
        if os.path.exists(os.path.join(d, "villages" + ext)):
            os.remove(os.path.join(d, "villages" + ext))
    with open(os.path.join(d, "villages.dbf"), "r+b") as f:  # LDID byte 29 = 0: "unknown"
        f.seek(29)
        f.write(b"\0")
    # V2 carries the id V1 too: the duplicate_code message then names 一村 (fid 0)
    write(d, "plan.yaml", plan(villages=VILLAGES_SHP))


# ---------------------------------------------------------------- attributes
@case
def field_required_missing(d):
    """Villages without any name column (natural_villages.name is required)."""
    v = [({"ZRCDM": p["ZRCDM"], "RK": p["RK"]}, g) for p, g in VILLAGES]
    base(d, villages=v)
    write(d, "plan.yaml", plan(villages="natural_villages: {source: villages.geojson, fields: {id: ZRCDM, population: RK}}"))


@case
def field_mapped_missing(d):
    """The plan maps population to a column RENKOU that the layer does not have."""
    base(d)
    write(d, "plan.yaml", plan(villages="natural_villages: {source: villages.geojson, fields: {id: ZRCDM, name: ZRCMC, population: RENKOU}}"))


@case
def field_wrong_type(d):
    """Population of V2 is the text '很多' (many)."""
    v = list(VILLAGES)
    v[1] = (dict(VILLAGES[1][0], RK="很多"), VILLAGES[1][1])
    base(d, villages=v)
    write(d, "plan.yaml", plan())


@case
def duplicate_ids(d):
    """Two villages with id V1."""
    v = list(VILLAGES)
    v[1] = (dict(VILLAGES[1][0], ZRCDM="V1"), VILLAGES[1][1])
    base(d, villages=v)
    write(d, "plan.yaml", plan())


@case
def village_outside_county(d):
    """County boundary around the roads; V4 (510000, 4000000) is outside it."""
    base(d)
    county = [({"XZQDM": "140521", "XZQMC": "沁水县"},
               {"type": "Polygon", "coordinates": [[[498000, 3998000], [503000, 3998000], [503000, 4003000], [498000, 4003000], [498000, 3998000]]]})]
    write(d, "county.geojson", geojson(county))
    write(d, "plan.yaml", plan(extra="  county: {source: county.geojson}\n"))


@case
def capacity_zero(d):
    base(d, clinics=[({"ID": "C1", "CWS": 0}, CLINICS[0][1])])
    write(d, "plan.yaml", plan(fac="  facilities:\n    clinic: {source: clinics.geojson, fields: {id: ID, capacity: CWS}}\n"
                                   "    primary_school: {source: schools.geojson, fields: {id: ID}}\n"))


@case
def speed_zero_negative(d):
    """Road A speed 0, road B speed -5 (km/h): both fall back to the class default."""
    r = [(dict(ROADS[0][0], SD=0), ROADS[0][1]), (dict(ROADS[1][0], SD=-5), ROADS[1][1])]
    base(d, roads=r)
    write(d, "plan.yaml", plan(roads="roads: {source: roads.geojson, fields: {id: BM, class: DLDJ, surface: LMLX, oneway: DXBZ, speed_kmh: SD}}"))


# ---------------------------------------------------------------- network
@case
def network_pieces(d):
    """Roads in three pieces: the main A-B, and two short two-way pieces far away (5 km and 8 km east)."""
    r = list(ROADS) + [
        ({"BM": "P1", "DLDJ": "村道", "LMLX": "沥青", "DXBZ": "双向"},
         {"type": "LineString", "coordinates": [[505000, 4000000], [505100, 4000000]]}),
        ({"BM": "P2", "DLDJ": "村道", "LMLX": "沥青", "DXBZ": "双向"},
         {"type": "LineString", "coordinates": [[508000, 4000000], [508100, 4000000]]}),
    ]
    base(d, roads=r)
    write(d, "plan.yaml", plan())


@case
def village_unreachable(d):
    """V4 snaps to an island road 9 km east (within max_snap 2000 m) that no facility can be reached from."""
    r = list(ROADS) + [({"BM": "I1", "DLDJ": "村道", "LMLX": "沥青", "DXBZ": "双向"},
                        {"type": "LineString", "coordinates": [[509500, 4000000], [510500, 4000000]]})]
    base(d, roads=r)
    write(d, "plan.yaml", plan())


# ---------------------------------------------------------------- plan file
@case
def plan_syntax_error(d):
    base(d)
    write(d, "plan.yaml", plan().replace("  facilities:\n", "  facilities: [\n", 1))


@case
def plan_unknown_key(d):
    base(d)
    write(d, "plan.yaml", plan(tail=TAIL + "spead_kmh: {county: 40}\n"))


@case
def plan_wrong_type(d):
    base(d)
    write(d, "plan.yaml", plan(tail="access: {od_matrix: false, max_snap_m: far}\n"))


@case
def plan_threshold_out_of_range(d):
    base(d)
    write(d, "plan.yaml", plan(tail=TAIL + "thresholds: {WAT-01.target: 1.5}\n"))


@case
def plan_negative_speed(d):
    base(d)
    write(d, "plan.yaml", plan(tail="access: {od_matrix: false, connector_speed_kmh: -5}\n"))


def main():
    out = sys.argv[1]
    names = sys.argv[2:] or list(CASES)
    os.makedirs(out, exist_ok=True)
    for name in names:
        d = os.path.join(out, name)
        if os.path.exists(d):
            shutil.rmtree(d)
        os.makedirs(d)
        CASES[name](d)


if __name__ == "__main__":
    main()
