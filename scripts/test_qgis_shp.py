#!/usr/bin/python3
"""Client check of a Shapefile export in QGIS (headless): every .shp in the
folder loads with the ogr provider, its feature count matches the
GeoPackage layer it came from, its .qml style loads as the default style,
and the Chinese names read by QGIS are exactly the GeoPackage's (so the
.cpg, UTF-8 or GBK, is honoured).

Usage: /usr/bin/python3 scripts/test_qgis_shp.py OUT.gpkg SHP_DIR
Prints "SKIPPED: <why>" and exits 0 when python3-qgis is not installed."""
import csv
import os
import sqlite3
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp/runtime-%d" % os.getuid())
os.makedirs(os.environ["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
try:
    from qgis.core import QgsApplication, QgsVectorLayer
except Exception as e:  # noqa: BLE001 - any import failure means no QGIS
    print("SKIPPED: python3-qgis is not installed (%s)" % e)
    sys.exit(0)


def main(gpkg, folder):
    app = QgsApplication([], False)
    app.initQgis()
    db = sqlite3.connect(gpkg)
    mapping = {}
    with open(os.path.join(folder, "fields_mapping.csv"), encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            mapping.setdefault(row["layer"], {})[row["full_name"]] = row["short_name"]
    fails = 0
    checked = 0
    for f in sorted(os.listdir(folder)):
        if not f.endswith(".shp"):
            continue
        name = f[:-4]
        lyr = QgsVectorLayer(os.path.join(folder, f), name, "ogr")
        if not lyr.isValid():
            print("FAIL: %s does not load" % f)
            fails += 1
            continue
        n = db.execute('select count(*) from "%s"' % name).fetchone()[0]
        if lyr.featureCount() != n:
            print("FAIL: %s has %d features, the GeoPackage %d" % (f, lyr.featureCount(), n))
            fails += 1
        msg, ok = lyr.loadDefaultStyle()
        if os.path.exists(os.path.join(folder, name + ".qml")) and not ok:
            print("FAIL: %s: the .qml style does not load (%s)" % (f, msg))
            fails += 1
        if name == "village_indicators":
            short = mapping.get(name, {}).get("name", "name")
            want = [r[0] for r in db.execute('select name from "%s" order by fid' % name)]
            got = [ft[short] for ft in lyr.getFeatures()]
            if got != want:
                bad = next(i for i, (a, b) in enumerate(zip(got, want)) if a != b) if len(got) == len(want) else -1
                print("FAIL: %s: Chinese names differ from the GeoPackage (first at %d: %r vs %r)"
                      % (f, bad, got[bad] if bad >= 0 else None, want[bad] if bad >= 0 else None))
                fails += 1
            elif not any(any("\u4e00" <= ch <= "\u9fff" for ch in (s or "")) for s in got):
                print("FAIL: %s: no Chinese names at all" % f)
                fails += 1
        checked += 1
    lyr = None
    if not checked:
        print("FAIL: no .shp in %s" % folder)
        return 1
    if fails:
        return 1
    print("qgis shapefiles: all checks passed on %d layers" % checked)
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1], sys.argv[2])
    sys.stdout.flush()
    # QGIS's teardown can crash after the checks; the result is already known
    os._exit(code)
