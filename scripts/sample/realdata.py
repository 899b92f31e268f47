"""Loading of the real inputs for the sample generator: county outlines (tudigong
TopoJSON, Albers without a CRS), county population/household size (tudigong CSVs) and
township/village codes and names (china-division CSVs). Read-only; see SOURCES.md in
the shared data directory.
"""

import csv
import os
import sys

from osgeo import gdal, ogr, osr

ALBERS = "+proj=aea +lat_0=36 +lat_1=24 +lat_2=48 +lon_0=104.5 +datum=WGS84 +units=m"
TARGET_EPSG = 4546  # CGCS2000 / 3-degree Gauss-Kruger CM 111E


def srs_target():
    s = osr.SpatialReference()
    s.ImportFromEPSG(TARGET_EPSG)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def load_counties(real_dir, want):
    """County outlines whose 6-digit CODE satisfies want(code) -> {code: (name, geom)}.

    Geometries are transformed from the tudigong Albers projection (WGS84 datum) to
    EPSG:4546 (CGCS2000 datum, treated as identical to WGS84: < 1 m difference).
    """
    src = osr.SpatialReference()
    src.ImportFromProj4(ALBERS)
    src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(src, srs_target())
    path = os.path.join(real_dir, "tudigong-china-counties", "counties-geo.topojson")
    ds = ogr.Open(path)
    if ds is None:
        sys.exit("cannot open %s" % path)
    lyr = ds.GetLayerByName("county")
    out = {}
    for f in lyr:
        code = "%06d" % f.GetField("CODE")
        if not want(code):
            continue
        g = f.GetGeometryRef().Clone()
        g.Transform(ct)
        gdal.PushErrorHandler("CPLQuietErrorHandler")
        valid = g.IsValid()
        gdal.PopErrorHandler()
        if not valid:
            g = g.MakeValid()
        out[code] = (f.GetField("NAME"), g)
    return out


def _read_bom_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def load_county_stats(real_dir):
    """{code: (population_2020, mean_household_size, urban_share)} from tudigong CSVs."""
    base = os.path.join(real_dir, "tudigong-china-counties")
    pop = {r["CODE"]: r for r in _read_bom_csv(os.path.join(base, "population.csv"))}
    hh = {r["CODE"]: r for r in _read_bom_csv(os.path.join(base, "households.csv"))}
    out = {}
    for code, r in pop.items():
        try:
            p = int(float(r["POPU"]))
            urb = float(r["POPU_URB"])
        except (ValueError, KeyError):
            continue
        size = 2.6
        if code in hh:
            try:
                size = float(hh[code]["HHLD_S"])
            except ValueError:
                pass
        out[code] = (p, size, urb)
    return out


def load_divisions(real_dir, county_codes):
    """Townships and villages of the given counties from china-division.

    Returns {county: [(town_code, town_name, [(village_code, village_name), ...]), ...]}
    sorted by code. Townships with no village are kept with an empty list.
    """
    base = os.path.join(real_dir, "china-division-npm")
    wanted = set(county_codes)
    towns = {}
    with open(os.path.join(base, "streets.csv"), encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["areaCode"] in wanted:
                towns[r["code"]] = (r["areaCode"], r["name"], [])
    with open(os.path.join(base, "villages.csv"), encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["areaCode"] in wanted and r["streetCode"] in towns:
                towns[r["streetCode"]][2].append((r["code"], r["name"]))
    out = {}
    for tcode in sorted(towns):
        county, name, vils = towns[tcode]
        out.setdefault(county, []).append((tcode, name, sorted(vils)))
    return out
