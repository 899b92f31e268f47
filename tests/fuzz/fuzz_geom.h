/* Fuzz entry for geometry ingestion through the real loader (hl_layer_read).
 * Input: either a whole GeoJSON document (any bytes not starting with 'W'),
 * or 'W' followed by WKB, which is wrapped as the geometry of one feature of a
 * GeoJSON FeatureCollection in EPSG:4546.  The file is read into the working
 * CRS EPSG:4546 with the plan-level fallback CRS EPSG:4546; the geometry kind
 * the role wants is chosen by the input length (size % 4: any, point, line,
 * polygon).  Shared by fuzz_geom.c and the replay test. */
#ifndef HL_FUZZ_GEOM_H
#define HL_FUZZ_GEOM_H

#include <cpl_conv.h>
#include <cpl_error.h>
#include <math.h>
#include <ogr_api.h>

#include "fuzz_common.h"
#include "hl/layer.h"

/* How often the loader accepted a file and how many features it kept with a
 * geometry (the replay test checks the seeds reach that far). */
static struct {
    size_t read_ok, features_with_geom, qa_issues;
} hl_fuzz_geom_stats;

static inline int hl_fuzz_geom_write_input(const char *path, const uint8_t *data, size_t size) {
    if (size >= 1 && data[0] == 'W') {
        OGRGeometryH g = NULL;
        char *json, *doc;
        int rc;
        if (OGR_G_CreateFromWkb(data + 1, NULL, &g, (int)(size - 1)) != OGRERR_NONE || !g) return -1;
        json = OGR_G_ExportToJson(g);
        OGR_G_DestroyGeometry(g);
        if (!json) return -1;
        doc = malloc(strlen(json) + 512);
        if (!doc) {
            CPLFree(json);
            return -1;
        }
        sprintf(doc,
                "{\"type\": \"FeatureCollection\", \"crs\": {\"type\": \"name\", \"properties\": {\"name\": "
                "\"urn:ogc:def:crs:EPSG::4546\"}}, \"features\": [{\"type\": \"Feature\", \"properties\": "
                "{\"ID\": \"F1\"}, \"geometry\": %s}]}",
                json);
        CPLFree(json);
        rc = hl_fuzz_write(path, doc, strlen(doc));
        free(doc);
        return rc;
    }
    return hl_fuzz_write(path, data, size);
}

static inline int hl_fuzz_geom(const uint8_t *data, size_t size) {
    static const hl_geom_kind wants[4] = {HL_GEOM_UNKNOWN, HL_GEOM_POINT, HL_GEOM_LINE, HL_GEOM_POLYGON};
    char path[1024];
    const char *dir = hl_fuzz_dir();
    hl_ctx *ctx = NULL;
    hl_qa *qa = NULL;
    hl_layer *L = NULL;
    hl_layer_source src;
    hl_layer_probe probe;
    hl_status rc;
    if (!dir) return 0;
    CPLSetErrorHandler(CPLQuietErrorHandler);
    snprintf(path, sizeof path, "%s/in.geojson", dir);
    if (hl_fuzz_geom_write_input(path, data, size)) return 0;
    ctx = hl_ctx_create();
    if (!ctx || hl_qa_create(ctx, &qa)) goto done;
    memset(&src, 0, sizeof src);
    src.role = "villages";
    src.path = path;
    src.fallback_crs = "EPSG:4546";
    src.want = wants[size % 4];
    rc = hl_layer_probe_source(ctx, &src, &probe);
    if (rc) hl_fuzz_check_error(ctx, rc);
    rc = hl_layer_read(ctx, &src, "EPSG:4546", qa, &L);
    if (rc) {
        HL_FUZZ_CHECK(L == NULL);
        hl_fuzz_check_error(ctx, rc);
        HL_FUZZ_CHECK(rc == HL_E_IO || rc == HL_E_FORMAT || rc == HL_E_CRS || rc == HL_E_NOMEM ||
                      rc == HL_E_DEP || rc == HL_E_GEOM || rc == HL_E_INTERRUPTED);
    } else {
        char buf[64];
        HL_FUZZ_CHECK(L != NULL);
        hl_fuzz_geom_stats.read_ok++;
        hl_fuzz_geom_stats.qa_issues += hl_qa_count(qa);
        for (size_t i = 0; i < hl_layer_count(L); i++) {
            double x = NAN, y = NAN;
            if (hl_layer_point(L, i, &x, &y)) {
                HL_FUZZ_CHECK(isfinite(x) && isfinite(y));
                hl_fuzz_geom_stats.features_with_geom++;
            }
            (void)hl_layer_has_geom(L, i);
            (void)hl_layer_id(L, i, buf, sizeof buf);
            for (size_t f = 0; f < hl_layer_field_count(L); f++) (void)hl_layer_raw(L, i, f);
        }
        for (size_t i = 0; i < hl_qa_count(qa); i++) {
            const hl_qa_issue *q = hl_qa_get(qa, i);
            HL_FUZZ_CHECK(q && q->code && q->message);
        }
    }
done:
    hl_layer_destroy(L);
    hl_qa_destroy(qa);
    hl_ctx_destroy(ctx);
    unlink(path);
    return 0;
}

#endif
