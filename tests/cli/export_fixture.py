#!/usr/bin/python3
"""Build a small result GeoPackage with the layers and columns the pipeline
writes (village_indicators, summaries, gaps, network, service areas, ...),
for the export/report CLI tests and the QGIS/Chromium client checks.
Usage: /usr/bin/python3 export_fixture.py OUT.gpkg   (needs python3-gdal)."""
import os
import sys

from osgeo import ogr, osr

os.environ.setdefault("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z")
ogr.UseExceptions()

KINDS = ["ts", "cs", "thc", "school"]
INDS = ["road_01", "wat_01", "hlt_02"]


def main(path):
    if os.path.exists(path):
        os.remove(path)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4546)  # CGCS2000 / 3-degree Gauss-Kruger CM 111E

    def layer(name, gtype, fields):
        lyr = ds.CreateLayer(name, srs if gtype != ogr.wkbNone else None, gtype)
        for fname, ftype in fields:
            lyr.CreateField(ogr.FieldDefn(fname, ftype))
        return lyr

    def add(lyr, values, wkt=None):
        f = ogr.Feature(lyr.GetLayerDefn())
        for k, v in values.items():
            if v is None:
                f.SetFieldNull(k)
            else:
                f.SetField(k, v)
        if wkt:
            f.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        lyr.CreateFeature(f)

    S, I, R = ogr.OFTString, ogr.OFTInteger, ogr.OFTReal
    # county and townships: a 20 x 10 km rectangle split in two
    x0, y0 = 400000.0, 3950000.0
    def rect(ax, ay, bx, by):
        return "MULTIPOLYGON(((%f %f,%f %f,%f %f,%f %f,%f %f)))" % (ax, ay, bx, ay, bx, by, ax, by, ax, ay)
    county = layer("county", ogr.wkbMultiPolygon, [("code", S), ("name", S)])
    add(county, {"code": "140000", "name": "示例县"}, rect(x0, y0, x0 + 20000, y0 + 10000))
    towns = layer("townships", ogr.wkbMultiPolygon, [("code", S), ("name", S)])
    add(towns, {"code": "140001", "name": "东镇"}, rect(x0, y0, x0 + 10000, y0 + 10000))
    add(towns, {"code": "140002", "name": "西乡"}, rect(x0 + 10000, y0, x0 + 20000, y0 + 10000))

    vf = [("id", S), ("name", S), ("village_code", S), ("village_name", S), ("township_code", S),
          ("township_name", S), ("population", I), ("households", I), ("eligible", I), ("origin_snap_m", R),
          ("reachable", I)]
    vf += [("t_%s_min" % k, R) for k in KINDS] + [("d_%s_m" % k, R) for k in KINDS]
    for ind in INDS:
        vf += [("%s_value" % ind, R), ("%s_meets" % ind, I)]
    vil = layer("village_indicators", ogr.wkbPoint, vf)
    times = [5.0, 20.0, 38.0, 52.0, 75.0, None]
    for i in range(6):
        tc = "140001" if i < 3 else "140002"
        v = {"id": "V%02d" % (i + 1), "name": "村<%d>&\"庄\"" % (i + 1) if i == 5 else "第%d村" % (i + 1),
             "village_code": "1400010%02d" % i, "village_name": "行政村%d" % (i // 2 + 1), "township_code": tc,
             "township_name": "东镇" if i < 3 else "西乡", "population": 100 * (i + 1), "households": 30 + i,
             "eligible": 1, "origin_snap_m": 10.0 * i, "reachable": 0 if times[i] is None else 1}
        for k in KINDS:
            v["t_%s_min" % k] = None if times[i] is None else times[i] + KINDS.index(k)
            v["d_%s_m" % k] = None if times[i] is None else times[i] * 500.0
        for j, ind in enumerate(INDS):
            v["%s_value" % ind] = None if times[i] is None else times[i]
            v["%s_meets" % ind] = None if i == 5 else (1 if (i + j) % 2 == 0 else 0)
        add(vil, v, "POINT(%f %f)" % (x0 + 1500 + 3300 * i, y0 + 2000 + 1000 * (i % 3)))

    sf = [("code", S), ("name", S), ("n_units", I), ("population", I)]
    for ind in INDS:
        sf += [("%s_share_units" % ind, R), ("%s_share_pop" % ind, R), ("%s_target" % ind, R),
               ("%s_met" % ind, I), ("%s_gap_pop" % ind, I)]
    ts = layer("township_summary", ogr.wkbMultiPolygon, sf)
    cs = layer("county_summary", ogr.wkbMultiPolygon, sf)
    for lyr, code, name, geom, share in [(ts, "140001", "东镇", rect(x0, y0, x0 + 10000, y0 + 10000), 0.667),
                                         (ts, "140002", "西乡", rect(x0 + 10000, y0, x0 + 20000, y0 + 10000), 0.5),
                                         (cs, "140000", "示例县", rect(x0, y0, x0 + 20000, y0 + 10000), 0.6)]:
        v = {"code": code, "name": name, "n_units": 3, "population": 600}
        for j, ind in enumerate(INDS):
            v.update({"%s_share_units" % ind: share, "%s_share_pop" % ind: share, "%s_target" % ind: 0.9,
                      "%s_met" % ind: 1 if j == 0 else 0, "%s_gap_pop" % ind: 100 * (j + 1)})
        add(lyr, v, geom)

    isf = [("level", S), ("code", S), ("name", S), ("indicator", S), ("eligible_units", I), ("meeting_units", I),
           ("eligible_pop", I), ("meeting_pop", I), ("share_units", R), ("share_pop", R), ("target", R), ("met", I),
           ("gap_units", I), ("gap_pop", I), ("t_min", R), ("t_median", R), ("t_p90", R), ("t_max", R)]
    isum = layer("indicator_summary", ogr.wkbNone, isf)
    for level, code, name in [("county", "140000", "示例县"), ("township", "140001", "东镇"),
                              ("township", "140002", "西乡")]:
        for j, ind in enumerate(INDS):
            add(isum, {"level": level, "code": code, "name": name, "indicator": ind.upper().replace("_", "-"),
                       "eligible_units": 3, "meeting_units": 2 - (j % 2), "eligible_pop": 600,
                       "meeting_pop": 400 - 100 * j, "share_units": (2 - (j % 2)) / 3.0,
                       "share_pop": (400 - 100 * j) / 600.0, "target": 0.9, "met": 0, "gap_units": 1 + (j % 2),
                       "gap_pop": 200 + 100 * j, "t_min": 5.0, "t_median": 30.0, "t_p90": 60.0, "t_max": 75.0})

    gaps = layer("gaps", ogr.wkbPoint, [("rank", I), ("id", S), ("name", S), ("village_code", S),
                                         ("township_name", S), ("indicator", S), ("population", I), ("reason", S),
                                         ("shortfall", R), ("unit", S)])
    for r in range(4):
        add(gaps, {"rank": r + 1, "id": "V%02d" % (6 - r), "name": "第%d村" % (6 - r),
                   "village_code": "1400010%02d" % (5 - r), "township_name": "西乡", "indicator": "HLT-02",
                   "population": 600 - 100 * r, "reason": "<script>alert(1)</script>" if r == 0 else "超过15分钟",
                   "shortfall": 60.0 - 10 * r, "unit": "min"},
            "POINT(%f %f)" % (x0 + 18000 - 3300 * r, y0 + 2000))

    qa = layer("qa_issues", ogr.wkbNone, [("severity", S), ("code", S), ("layer", S), ("source", S),
                                           ("feature_id", S), ("message", S)])
    add(qa, {"severity": "warning", "code": "SNAP", "layer": "villages", "source": "villages.shp",
             "feature_id": "V06", "message": "村庄距路网超过200米"})

    edges = layer("network_edges", ogr.wkbLineString, [("edge_id", I), ("from_node", I), ("to_node", I),
                                                          ("road_id", S), ("class", S), ("surface", S),
                                                          ("hardened", I), ("len_m", R), ("time_fwd_s", R),
                                                          ("time_bwd_s", R), ("component", I)])
    classes = ["national", "provincial", "county", "township", "village", "unknownclass"]
    for e in range(6):
        add(edges, {"edge_id": e, "from_node": e, "to_node": e + 1, "road_id": "R%d" % e, "class": classes[e],
                    "surface": "asphalt", "hardened": 1, "len_m": 3300.0, "time_fwd_s": 200.0, "time_bwd_s": 200.0,
                    "component": 0},
            "LINESTRING(%f %f,%f %f)" % (x0 + 1500 + 3300 * e, y0 + 5000, x0 + 4800 + 3300 * e, y0 + 5000))
    nodes = layer("network_nodes", ogr.wkbPoint, [("node_id", I), ("degree", I), ("component", I)])
    for n in range(7):
        add(nodes, {"node_id": n, "degree": 1 if n in (0, 6) else 2, "component": 0},
            "POINT(%f %f)" % (x0 + 1500 + 3300 * n, y0 + 5000))

    fac = layer("facilities_thc", ogr.wkbPoint, [("id", S), ("name", S)])
    add(fac, {"id": "F1", "name": "东镇卫生院"}, "POINT(%f %f)" % (x0 + 5000, y0 + 5000))

    sa = layer("service_areas", ogr.wkbMultiPolygon, [("facility_id", S), ("kind", S), ("threshold_min", I)])
    add(sa, {"facility_id": "F1", "kind": "thc", "threshold_min": 30}, rect(x0 + 1000, y0 + 1000, x0 + 9000, y0 + 9000))
    add(sa, {"facility_id": "F1", "kind": "thc", "threshold_min": 15}, rect(x0 + 3000, y0 + 3000, x0 + 7000, y0 + 7000))

    nf = layer("nearest_facility", ogr.wkbNone, [("origin_id", S), ("kind", S), ("rank", I), ("facility_id", S),
                                                  ("time_s", R), ("dist_m", R), ("origin_snap_m", R),
                                                  ("facility_snap_m", R)])
    add(nf, {"origin_id": "V01", "kind": "thc", "rank": 1, "facility_id": "F1", "time_s": 300.0, "dist_m": 2500.0,
             "origin_snap_m": 0.0, "facility_snap_m": 5.0})
    ds = None


if __name__ == "__main__":
    main(sys.argv[1])
