/* A QGIS project (.qgs) beside the GeoPackage: every layer, in the
 * catalogue's order (results on top, county and township boundaries at
 * the bottom as the base), with the same styles as layer_styles, the
 * GeoPackage referenced by a relative path.  Written atomically. */
#include "out/out_int.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct qlay {
    const hl__out_layer *l;
    int order;
    bool visible;
    char *title;
} qlay;

static int cmp_qlay(const void *a, const void *b) {
    const qlay *x = a, *y = b;
    if (x->order != y->order) return x->order < y->order ? -1 : 1;
    return strcmp(x->l->name, y->l->name);
}

/* The relative path from the folder of `from` to `to` when they share a
 * folder, else `to` itself (absolute or as given). */
static const char *rel_source(const char *gpkg, const char *qgs) {
    const char *gs = strrchr(gpkg, '/'), *qs = strrchr(qgs, '/');
    size_t gd = gs ? (size_t)(gs - gpkg) : 0, qd = qs ? (size_t)(qs - qgs) : 0;
    if (gd == qd && strncmp(gpkg, qgs, gd) == 0) return gs ? gs + 1 : gpkg;
    return gpkg;
}

static void srs_xml(hl__sb *b, sqlite3 *db, int srs_id) {
    sqlite3_stmt *st = NULL;
    hl__sb_add(b, "<spatialrefsys nativeFormat=\"Wkt\">");
    if (sqlite3_prepare_v2(db, "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys "
                               "WHERE srs_id = ?1", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int(st, 1, srs_id);
        if (sqlite3_step(st) == SQLITE_ROW) {
            const char *org = (const char *)sqlite3_column_text(st, 0);
            const char *def = (const char *)sqlite3_column_text(st, 2);
            hl__sb_add(b, "<wkt>");
            if (def && strcmp(def, "undefined") != 0) hl__sb_xml(b, def);
            hl__sb_add(b, "</wkt>");
            if (org && strcasecmp(org, "NONE") != 0) {
                hl__sb_add(b, "<authid>");
                hl__sb_xml(b, org);
                hl__sb_addf(b, ":%d</authid>", sqlite3_column_int(st, 1));
            }
        }
    }
    sqlite3_finalize(st);
    hl__sb_add(b, "</spatialrefsys>");
}

hl_status hl_out_write_qgs(hl_ctx *ctx, const char *gpkg_path, const char *qgs_path) {
    hl_status rc = HL_OK;
    sqlite3 *db = NULL;
    hl__out_catalog *cat = NULL;
    hl__out_schema s;
    qlay *q = NULL;
    hl__sb b;
    char *qml = NULL, *en = NULL, *doc = NULL;
    memset(&s, 0, sizeof s);
    hl__sb_init(&b, ctx);
    if ((rc = hl__out_catalog_load(ctx, NULL, &cat))) goto done;
    if ((rc = hl__out_db_open(ctx, gpkg_path, false, &db))) goto done;
    if ((rc = hl__out_schema_read(ctx, db, &s))) goto done;
    q = hl_calloc(ctx, s.n_layers + 1, sizeof *q);
    if (!q) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    int project_srs = 0;
    for (size_t i = 0; i < s.n_layers; i++) {
        const hl__out_alias *a = NULL;
        q[i].l = &s.layers[i];
        if ((rc = hl__out_catalog_layer(ctx, cat, s.layers[i].name, &q[i].title, &en, &a))) goto done;
        hl_free(en);
        en = NULL;
        q[i].order = a ? a->order : 200;
        q[i].visible = a ? a->visible : true;
        if (!project_srs && s.layers[i].geom_col && s.layers[i].srs_id > 0) project_srs = s.layers[i].srs_id;
    }
    qsort(q, s.n_layers, sizeof *q, cmp_qlay);
    const char *src = rel_source(gpkg_path, qgs_path);
    bool relative = src != gpkg_path || gpkg_path[0] != '/';
    const char *base = strrchr(qgs_path, '/');
    base = base ? base + 1 : qgs_path;
    hl__sb_add(&b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis projectname=\"");
    hl__sb_xml(&b, base);
    hl__sb_add(&b, "\" version=\"3.22.0\">\n  <homePath path=\"\"/>\n  <title>");
    hl__sb_xml(&b, base);
    hl__sb_add(&b, "</title>\n  <projectCrs>");
    srs_xml(&b, db, project_srs);
    hl__sb_add(&b, "</projectCrs>\n  <layer-tree-group>\n    <customproperties/>\n");
    for (size_t i = 0; i < s.n_layers; i++) {
        hl__sb_addf(&b, "    <layer-tree-layer id=\"hinterland_%s_layer\" providerKey=\"ogr\" expanded=\"0\" checked=\"Qt::%s\" name=\"",
                    q[i].l->name, q[i].visible ? "Checked" : "Unchecked");
        hl__sb_xml(&b, q[i].title);
        hl__sb_add(&b, "\" source=\"");
        hl__sb_xml(&b, relative ? "./" : "");
        hl__sb_xml(&b, src);
        hl__sb_add(&b, "|layername=");
        hl__sb_xml(&b, q[i].l->name);
        hl__sb_add(&b, "\">\n      <customproperties/>\n    </layer-tree-layer>\n");
    }
    hl__sb_add(&b, "  </layer-tree-group>\n  <projectlayers>\n");
    for (size_t i = 0; i < s.n_layers; i++) {
        const hl__out_layer *l = q[i].l;
        if ((rc = hl__out_qml(ctx, db, cat, l, NULL, "zh", &qml))) goto done;
        /* the QML's inner elements go inside <maplayer>; its <qgis> attributes are dropped */
        const char *open = strstr(qml, "<qgis ");
        const char *inner = open ? strchr(open, '>') : NULL;
        const char *close = strstr(qml, "</qgis>");
        bool labels = open && strstr(open, "labelsEnabled=\"1\"") && strstr(open, "labelsEnabled=\"1\"") < inner;
        const char *gname = !l->geom_col ? "No geometry"
                            : strstr(l->geom_type ? l->geom_type : "", "POINT") ? "Point"
                            : strstr(l->geom_type ? l->geom_type : "", "LINE")  ? "Line"
                                                                                 : "Polygon";
        hl__sb_addf(&b, "    <maplayer type=\"vector\" geometry=\"%s\" labelsEnabled=\"%d\" autoRefreshEnabled=\"0\" "
                        "readOnly=\"0\" styleCategories=\"AllStyleCategories\">\n      <id>hinterland_",
                    gname, labels ? 1 : 0);
        hl__sb_xml(&b, l->name);
        hl__sb_add(&b, "_layer</id>\n      <datasource>");
        hl__sb_xml(&b, relative ? "./" : "");
        hl__sb_xml(&b, src);
        hl__sb_add(&b, "|layername=");
        hl__sb_xml(&b, l->name);
        hl__sb_add(&b, "</datasource>\n      <layername>");
        hl__sb_xml(&b, q[i].title);
        hl__sb_add(&b, "</layername>\n      <srs>");
        srs_xml(&b, db, l->geom_col ? l->srs_id : 0);
        hl__sb_add(&b, "</srs>\n      <provider encoding=\"UTF-8\">ogr</provider>\n");
        if (inner && close && close > inner) hl__sb_addn(&b, inner + 1, (size_t)(close - inner - 1));
        hl__sb_add(&b, "    </maplayer>\n");
        hl_free(qml);
        qml = NULL;
    }
    hl__sb_add(&b, "  </projectlayers>\n  <properties>\n    <Paths>\n      <Absolute type=\"bool\">");
    hl__sb_add(&b, relative ? "false" : "true");
    hl__sb_add(&b, "</Absolute>\n    </Paths>\n    <SpatialRefSys>\n      <ProjectionsEnabled type=\"int\">1"
                   "</ProjectionsEnabled>\n    </SpatialRefSys>\n  </properties>\n</qgis>\n");
    if (!(doc = hl__sb_take(&b))) {
        rc = HL_E_NOMEM;
        goto done;
    }
    rc = hl__out_write_file_atomic(ctx, qgs_path, doc, strlen(doc), true);
done:
    if (q)
        for (size_t i = 0; i < s.n_layers; i++) hl_free(q[i].title);
    hl_free(q);
    hl_free(qml);
    hl_free(en);
    hl_free(doc);
    hl__sb_free(&b);
    hl__out_schema_free(&s);
    hl__out_catalog_destroy(cat);
    if (db) sqlite3_close(db);
    return rc;
}
