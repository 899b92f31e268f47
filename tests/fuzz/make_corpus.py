#!/usr/bin/python3
"""Writes the seed corpus of the fuzz targets into tests/fuzz/corpus/<target>/.
Run from anywhere: /usr/bin/python3 tests/fuzz/make_corpus.py.  Deterministic."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
LAYERS = os.path.join(HERE, "..", "..", "layers")
CORPUS = os.path.join(HERE, "corpus")


def put(target, name, data, want=None):
    """want: for geom, the size % 4 the entry reads as the wanted kind
    (0 any, 1 point, 2 line, 3 polygon); the data is padded to it."""
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if want is not None:
        data += (b" " if data[:1] != b"W" else b"\0") * ((want - len(data)) % 4)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- plan ----
put("plan", "access_known.yaml", """crs: EPSG:4546
layers:
  roads: {source: roads.geojson, fields: {id: BM, class: DLDJ, surface: LMLX, oneway: DXBZ}}
  natural_villages: {source: villages.geojson, fields: {id: ZRCDM, name: ZRCMC, population: RK}}
  facilities:
    clinic: {source: clinics.geojson, fields: {id: ID}}
    primary_school: {source: schools.geojson, fields: {id: ID}}
access: {od_matrix: false, service_areas_min: [1]}
""")
put("plan", "full.yaml", """crs: auto
standard: qinshui
layers:
  county: {source: data/county.shp, encoding: GBK, crs: EPSG:4527}
  townships: {source: data/xz.gpkg, layer: xz, where: "XZDM LIKE '1405%'"}
  villages: {source: data/cj.shp, fields: {code: CJQYDM, name: CJQYMC}}
  roads:
    source: data/roads.shp
    fields: {id: BM, class: DLDJ, surface: LMLX, oneway: DXBZ, speed_kmh: SD}
  natural_villages: {source: data/zrc.gpkg, fields: {id: ZRCDM, name: ZRCMC, population: RK}}
  water_works: {source: PG:dbname=x}
  facilities:
    clinic: {source: data/poi.gpkg, layer: clinics, fields: {id: ID, capacity: CWS}}
    my_kind: {source: /abs/poi.gpkg}
speeds_kmh: {national: 70, provincial: 60, county: 40, township: 30, village: 20}
access: {connector_speed_kmh: 5, max_snap_m: 2000, k_nearest: 3, od_matrix: true, od_cutoff_min: 90,
         service_areas_min: [15, 30, 60], small_component_nodes: 20}
network: {snap_tolerance_m: 0.5, near_miss_m: 5, node_crossings: true}
snap: main_network
eligibility: {exclude_relocation: false, min_households: 10, exclude: ["140521100201", "140521100202"]}
thresholds: {WAT-01.target: 0.98, "ROAD-01.max_time_min": 30}
""")
put("plan", "bad_syntax.yaml", "layers:\n  roads: {source: a.shp\n  villages: [\n")
put("plan", "anchors.yaml", "x: &a {source: r.shp}\nlayers:\n  roads: *a\n  villages: *a\n")
put("plan", "dupkeys.yaml", "crs: EPSG:4546\ncrs: EPSG:4547\nlayers: {roads: {source: r.shp}}\n")

# ---- spec: selector byte + the real file ----
files = ["roles/agricultural_bases.yaml", "roles/county.yaml", "roles/coverage_5g.yaml", "roles/facilities.yaml",
         "roles/industry_bases.yaml", "roles/natural_villages.yaml", "roles/roads.yaml", "roles/townships.yaml",
         "roles/villages.yaml", "roles/water_pipes.yaml", "roles/water_service_areas.yaml", "roles/water_works.yaml",
         "standards/national.yaml", "standards/shanxi.yaml", "standards/qinshui.yaml", "presets/osm.yaml"]
for i in (3, 6, 8, 12, 13, 14, 15):
    with open(os.path.join(LAYERS, files[i]), "rb") as f:
        put("spec", "%02d_%s" % (i, os.path.basename(files[i])), bytes([i]) + f.read())

# ---- geom ----
CRS = '"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4546"}}'


def fc(*geoms):
    feats = ",\n".join('{"type": "Feature", "properties": {"ID": "F%d", "N": %d}, "geometry": %s}' % (i, i, g)
                       for i, g in enumerate(geoms))
    return '{"type": "FeatureCollection", %s, "features": [\n%s]}\n' % (CRS, feats)


put("geom", "points.geojson", fc('{"type": "Point", "coordinates": [500000, 4000000]}',
                                 '{"type": "MultiPoint", "coordinates": [[500010, 4000010], [500020, 4000020]]}'), want=1)
put("geom", "lines.geojson", fc('{"type": "LineString", "coordinates": [[500000, 4000000], [501000, 4000000]]}',
                                '{"type": "MultiLineString", "coordinates": [[[500000, 4000000], [500000, 4001000]]]}'), want=2)
put("geom", "polygons.geojson", fc(
    '{"type": "Polygon", "coordinates": [[[500000, 4000000], [501000, 4000000], [501000, 4001000], [500000, 4000000]]]}',
    # bow-tie: self-intersecting
    '{"type": "Polygon", "coordinates": [[[500000, 4000000], [501000, 4001000], [501000, 4000000], [500000, 4001000], [500000, 4000000]]]}'), want=3)
put("geom", "nulls.geojson", fc('null', '{"type": "Point", "coordinates": []}',
                                '{"type": "GeometryCollection", "geometries": []}'), want=0)
put("geom", "z_and_mixed.geojson", fc('{"type": "Point", "coordinates": [500000, 4000000, 900]}',
                                      '{"type": "LineString", "coordinates": [[500000, 4000000, 1], [500100, 4000000, 2]]}'), want=0)
put("geom", "lonlat_nocrs.geojson",
    '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"ID": 1}, '
    '"geometry": {"type": "Point", "coordinates": [112.2, 35.7]}}]}\n', want=0)
put("geom", "wkb_point", b"W" + struct.pack("<BIdd", 1, 1, 500000.0, 4000000.0), want=1)
put("geom", "wkb_line", b"W" + struct.pack("<BII4d", 1, 2, 2, 500000.0, 4000000.0, 500100.0, 4000000.0), want=2)
put("geom", "wkb_polygon", b"W" + struct.pack("<BIII8d", 1, 3, 1, 4, 500000.0, 4000000.0, 500100.0, 4000000.0,
                                               500100.0, 4000100.0, 500000.0, 4000000.0), want=3)
put("geom", "wkb_pointz_nan", b"W" + struct.pack("<BIddd", 1, 1001, float("nan"), 4000000.0, 5.0), want=1)


# ---- network ----
def line(oneway, s, pts, level=0):
    """oneway -1/0/1; s the speed byte; pts (x, y, frac) triples."""
    h = (len(pts) - 1) | ((oneway + 1) << 3) | (level << 5)
    out = bytes([h, s])
    for x, y, fr in pts:
        out += struct.pack("bbB", x, y, fr)
    return out


def pts(*p):
    return b"".join(struct.pack("bb", x, y) for x, y in p)


# a plus sign and a oneway spur, snapping on, points around
put("network", "plus", bytes([0b10000010, 3]) +
    line(0, 40, [(-10, 0, 0), (10, 0, 0)]) + line(0, 30, [(0, -10, 0), (0, 10, 0)]) +
    line(1, 20, [(10, 0, 0), (20, 0, 0)]) + pts((1, 1), (5, -3), (15, 2), (-9, 9)))
# a grid of 4 lines with crossings noded, near misses
put("network", "grid", bytes([0b11011001, 4]) +
    line(0, 50, [(0, 0, 0), (0, 5, 0), (0, 10, 0)]) + line(0, 50, [(5, 0, 0), (5, 5, 0), (5, 10, 0)]) +
    line(-1, 50, [(-1, 3, 0), (6, 3, 0)], level=1) + line(0, 50, [(0, 10, 0x11), (5, 10, 0)]) +
    pts((2, 2), (3, 7), (60, 60)))
# two pieces, one far away; main network only
put("network", "islands", bytes([0b01100100, 2]) +
    line(0, 60, [(-100, -100, 0), (-90, -100, 0)]) + line(0, 60, [(50, 50, 0), (60, 50, 0), (60, 60, 0), (50, 50, 0)]) +
    pts((-95, -99), (55, 55)))
# a self-loop, a duplicate, a zero-length line and an invalid speed
put("network", "degenerate", bytes([0b11000000, 4]) +
    line(0, 10, [(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 0)]) + line(0, 10, [(0, 0, 0), (1, 0, 0)]) +
    line(0, 10, [(0, 0, 0), (1, 0, 0)]) + line(1, 10, [(3, 3, 0), (3, 3, 0)]) + pts((1, 1), (2, 2)))
put("network", "bad_speed", bytes([0, 1]) + line(0, 255, [(0, 0, 0), (1, 0, 0)]))
