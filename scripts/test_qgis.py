#!/usr/bin/python3
"""Client check of a finalised hinterland GeoPackage in QGIS (headless):
every layer loads, feature counts match the file, the default style stored
in layer_styles is applied (renderer type as expected), field aliases are
the catalogue's, labels are on for village layers, and a PNG renders.

With a third argument, also opens the QGIS project written by
hl_out_write_qgs and checks every layer resolves, the CRS and that the
county boundary is the bottom layer.

Usage: /usr/bin/python3 scripts/test_qgis.py OUT.gpkg [PNG|-] [PROJECT.qgs]
Prints "SKIPPED: <why>" and exits 0 when python3-qgis is not installed;
exits 1 on a failed check.  Needs QT_QPA_PLATFORM=offscreen (set here)."""
import os
import sqlite3
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp/runtime-%d" % os.getuid())
os.makedirs(os.environ["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)

try:
    from qgis.core import (QgsApplication, QgsVectorLayer, QgsMapSettings, QgsMapRendererParallelJob,
                           QgsProject, QgsRectangle)
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor
except Exception as e:  # noqa: BLE001 - any import failure means no QGIS
    print("SKIPPED: python3-qgis is not installed (%s)" % e)
    sys.exit(0)

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL: " + msg)


def check_project(qgs, tables):
    p = QgsProject.instance()
    check(p.read(qgs), "cannot read project %s" % qgs)
    nodes = p.layerTreeRoot().findLayers()
    check(len(nodes) == len(tables), "project has %d layers, file has %d" % (len(nodes), len(tables)))
    for n in nodes:
        check(n.layer() is not None and n.layer().isValid(), "project layer %s does not resolve" % n.layerId())
    check(p.crs().isValid(), "project CRS is not set")
    if nodes and "county" in tables:
        spatial = [n for n in nodes if n.layer() is not None and n.layer().isSpatial()]
        check(spatial and spatial[-1].layerId().startswith("hinterland_county_"),
              "county is not the bottom spatial layer")
    vi = [n for n in nodes if n.layerId() == "hinterland_village_indicators_layer"]
    if vi and vi[0].layer() is not None:
        check(vi[0].layer().renderer().type() == "RuleRenderer", "project: village style not applied")


def main(gpkg, png, qgs=None):
    db = sqlite3.connect(gpkg)
    tables = [r[0] for r in db.execute(
        "SELECT table_name FROM gpkg_contents WHERE data_type IN ('features','attributes') "
        "AND table_name <> 'layer_styles' ORDER BY table_name")]
    titles = {(t, c): ti for t, c, ti in db.execute("SELECT table_name, column_name, title FROM gpkg_data_columns")}
    check(len(tables) > 0, "no layers in %s" % gpkg)
    app = QgsApplication([], False)
    app.initQgis()
    layers = {}
    for t in tables:
        lyr = QgsVectorLayer("%s|layername=%s" % (gpkg, t), t, "ogr")
        check(lyr.isValid(), "layer %s does not load" % t)
        if not lyr.isValid():
            continue
        layers[t] = lyr
        n = db.execute('SELECT count(*) FROM "%s"' % t.replace('"', '""')).fetchone()[0]
        check(lyr.featureCount() == n, "%s: %d features in QGIS, %d in the file" % (t, lyr.featureCount(), n))
        # aliases: every column with a title in gpkg_data_columns has it as QGIS alias
        for f in lyr.fields():
            want = titles.get((t, f.name()))
            if want is not None:
                got = lyr.attributeAlias(lyr.fields().indexOf(f.name()))
                check(got == want, "%s.%s alias %r, expected %r" % (t, f.name(), got, want))
    expect = {
        "village_indicators": "RuleRenderer",
        "network_edges": "categorizedSymbol",
        "service_areas": "categorizedSymbol",
        "township_summary": "categorizedSymbol",
        "county": "singleSymbol",
    }
    for t, rtype in expect.items():
        if t in layers:
            r = layers[t].renderer()
            check(r is not None and r.type() == rtype,
                  "%s: renderer %s, expected %s (default style not applied?)" % (t, r.type() if r else None, rtype))
    if "county" in layers:
        sym = layers["county"].renderer().symbol()
        check(sym.symbolLayer(0).brushStyle() == 0, "county boundary should have no fill")
    if "village_indicators" in layers:
        v = layers["village_indicators"]
        check(v.labelsEnabled(), "village_indicators: labels are off")
        if v.labelsEnabled():
            check(v.labeling().settings().fieldName == "name", "village_indicators: labels not on name")
        rules = v.renderer().rootRule().children()
        check(len(rules) == 6, "village_indicators: %d rules, expected 5 classes + NULL" % len(rules))
        if len(rules) == 6:
            check(rules[0].symbol().color().name() == "#1a9641", "first class is not green")
            check(rules[4].symbol().color().name() == "#d7191c", "last class is not red")
    n_styles = db.execute("SELECT count(*) FROM layer_styles WHERE useAsDefault").fetchone()[0]
    check(n_styles == len(tables), "%d default styles for %d layers" % (n_styles, len(tables)))
    if qgs:
        check_project(qgs, tables)
    if png and png != "-" and layers:
        order = [t for t in ["gaps", "village_indicators", "network_edges", "service_areas", "townships", "county"]
                 if t in layers and layers[t].isSpatial()]
        ms = QgsMapSettings()
        ms.setLayers([layers[t] for t in order])
        ext = QgsRectangle()
        for t in order:
            ext.combineExtentWith(layers[t].extent())
        ext.scale(1.05)
        ms.setExtent(ext)
        ms.setDestinationCrs(layers[order[0]].crs())
        ms.setOutputSize(QSize(900, 500))
        ms.setBackgroundColor(QColor(255, 255, 255))
        job = QgsMapRendererParallelJob(ms)
        job.start()
        job.waitForFinished()
        img = job.renderedImage()
        check(img.save(png, "png"), "cannot save %s" % png)
        # something other than the background was drawn
        colours = {img.pixel(x, y) for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)}
        check(len(colours) > 5, "the rendered map is blank")
        print("rendered %s" % png)
    if failures:
        print("%d passed, %d failed" % (0, len(failures)))
    else:
        print("qgis: all checks passed on %d layers" % len(layers))
    sys.stdout.flush()
    # leave without Qt/QGIS teardown, which can crash after a project was read
    os._exit(1 if failures else 0)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print("usage: test_qgis.py OUT.gpkg [PNG]", file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None, sys.argv[3] if len(sys.argv) > 3 else None)
