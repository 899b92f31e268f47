/* The feature loader: one OGR layer into an hl_layer in the working CRS,
 * with encoding detection, CRS resolution and geometry checks.  Problems
 * that need not stop a run are recorded in the qa list. */
#include "io/io_int.h"

#include <cpl_conv.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/core_int.h"
#include "hl/io.h"
#include "layer/layer_int.h"

/* A .shp path, for the sidecar check (a .dbf alone has no .shx). */
static bool is_shp(const char *path) {
    size_t n = strlen(path);
    return n > 4 && !strcasecmp(path + n - 4, ".shp");
}

/* Open the dataset with the right recoding options.  *enc_out receives the
 * encoding used (caller frees). */
static hl_status open_source(hl_ctx *ctx, const hl_layer_source *src, GDALDatasetH *ds_out, char **enc_out,
                             char *how, size_t how_size) {
    char enc[64] = "";
    hl_io_open_opts oo;
    struct stat sb;
    GDALDatasetH ds;
    hl_status rc;
    *ds_out = NULL;
    *enc_out = NULL;
    if (how_size) how[0] = '\0';
    hl__io_gdal_init();
    if (strncmp(src->path, "PG:", 3) && strncmp(src->path, "/vsi", 4) && stat(src->path, &sb) != 0)
        return hl_error(ctx, HL_E_IO, "%s (role %s): the file does not exist; check 'source:' in the plan",
                        src->path, src->role);
    if (is_shp(src->path) && strlen(src->path) < 4000) {
        /* GDAL opens a .shp without its .dbf as a layer without fields, and
           without its .shx not at all: name the missing part */
        static const char *const parts[][2] = {{".dbf", ".DBF"}, {".shx", ".SHX"}};
        char sib[4096];
        size_t stem = strlen(src->path) - 4;
        for (int k = 0; k < 2; k++) {
            bool found = false;
            for (int v = 0; v < 2 && !found; v++) {
                snprintf(sib, sizeof sib, "%.*s%s", (int)stem, src->path, parts[k][v]);
                found = stat(sib, &sb) == 0;
            }
            if (!found)
                return hl_error(ctx, HL_E_FORMAT,
                                "%s (role %s): the Shapefile's %s file is missing; copy the .shp, .shx, .dbf (and "
                                ".prj, .cpg) together",
                                src->path, src->role, parts[k][0]);
        }
    }
    if (src->encoding && src->encoding[0]) {
        snprintf(enc, sizeof enc, "%s", src->encoding);
        snprintf(how, how_size, "plan");
    } else if (hl__io_is_shapefile_path(src->path)) {
        rc = hl_io_detect_encoding(ctx, src->path, NULL, enc, sizeof enc, how, how_size);
        if (rc) return rc;
    } else {
        snprintf(enc, sizeof enc, "UTF-8");
        snprintf(how, how_size, "format");
    }
    rc = hl_io_open_options_for_encoding(ctx, src->path, enc, &oo);
    if (rc) {
        hl_error_prefix(ctx, "%s (role %s)", src->path, src->role);
        return rc;
    }
    CPLErrorReset();
    ds = GDALOpenEx(src->path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, (const char *const *)oo.list, NULL);
    if (!ds) {
        const char *gmsg = CPLGetLastErrorMsg();
        return hl_error(ctx, HL_E_FORMAT,
                        "%s (role %s): not a vector dataset GDAL can read%s%s; give a Shapefile (with its .shx "
                        "and .dbf), GeoPackage, GeoJSON, FileGDB, OSM or PG: source",
                        src->path, src->role, gmsg && gmsg[0] ? ": " : "", gmsg ? gmsg : "");
    }
    *ds_out = ds;
    *enc_out = hl_strdup(ctx, enc);
    if (!*enc_out) {
        GDALClose(ds);
        *ds_out = NULL;
        return hl_error(ctx, HL_E_NOMEM, "out of memory");
    }
    return HL_OK;
}

static hl_status pick_layer(hl_ctx *ctx, const hl_layer_source *src, GDALDatasetH ds, OGRLayerH *out) {
    int n = GDALDatasetGetLayerCount(ds);
    *out = NULL;
    if (src->layer) {
        *out = GDALDatasetGetLayerByName(ds, src->layer);
        if (!*out) {
            char list[1024] = "";
            size_t used = 0;
            for (int i = 0; i < n && used + 2 < sizeof list; i++) {
                int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                 OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
                if (w < 0) break;
                used += (size_t)w;
            }
            return hl_error(ctx, HL_E_FORMAT, "%s (role %s): no layer named '%s'; the layers are: %s",
                            src->path, src->role, src->layer, list);
        }
        return HL_OK;
    }
    if (n == 1) {
        *out = GDALDatasetGetLayer(ds, 0);
        return HL_OK;
    }
    if (n == 0)
        return hl_error(ctx, HL_E_FORMAT, "%s (role %s): the dataset has no layers", src->path, src->role);
    {
        char list[1024] = "";
        size_t used = 0;
        for (int i = 0; i < n && used + 2 < sizeof list; i++) {
            int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                             OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
            if (w < 0) break;
            used += (size_t)w;
        }
        return hl_error(ctx, HL_E_FORMAT, "%s (role %s): the dataset has %d layers (%s); say which with 'layer:'",
                        src->path, src->role, n, list);
    }
}

/* The CRS text to use for the source, or NULL with an error. */
static hl_status source_crs(hl_ctx *ctx, const hl_layer_source *src, OGRLayerH lyr, hl_crs **out) {
    const char *txt = src->crs;
    OGRSpatialReferenceH srs;
    *out = NULL;
    if (txt && txt[0]) {
        hl_status rc = hl_io_crs_parse(ctx, txt, out);
        if (rc) hl_error_prefix(ctx, "%s (role %s): crs '%s'", src->path, src->role, txt);
        return rc;
    }
    srs = OGR_L_GetSpatialRef(lyr);
    if (srs) {
        char *wkt = NULL;
        hl_status rc;
        const char *opts[] = {"FORMAT=WKT2_2019", NULL};
        if (OSRExportToWktEx(srs, &wkt, opts) != OGRERR_NONE || !wkt) {
            CPLFree(wkt);
            return hl_error(ctx, HL_E_CRS, "%s (role %s): the CRS of the layer cannot be read; set crs: in the plan",
                            src->path, src->role);
        }
        rc = hl_io_crs_parse(ctx, wkt, out);
        CPLFree(wkt);
        if (rc) hl_error_prefix(ctx, "%s (role %s)", src->path, src->role);
        return rc;
    }
    if (src->fallback_crs && src->fallback_crs[0] && strcasecmp(src->fallback_crs, "auto")) {
        hl_status rc = hl_io_crs_parse(ctx, src->fallback_crs, out);
        if (rc) hl_error_prefix(ctx, "%s (role %s): plan crs '%s'", src->path, src->role, src->fallback_crs);
        return rc;
    }
    return hl_error(ctx, HL_E_CRS,
                    "%s (role %s): the data has no coordinate system (no .prj or CRS definition); add "
                    "'crs: EPSG:nnnn' (or GCJ02) to layers.%s in the plan",
                    src->path, src->role, src->role);
}

hl_status hl_layer_probe_source(hl_ctx *ctx, const hl_layer_source *src, hl_layer_probe *out) {
    GDALDatasetH ds = NULL;
    OGRLayerH lyr;
    char *enc = NULL;
    char how[128];
    hl_crs *crs = NULL, *wgs = NULL;
    hl_io_xform *xf = NULL;
    OGREnvelope env;
    hl_status rc;
    memset(out, 0, sizeof *out);
    if ((rc = open_source(ctx, src, &ds, &enc, how, sizeof how))) goto done;
    if ((rc = pick_layer(ctx, src, ds, &lyr))) goto done;
    out->feature_count = OGR_L_GetFeatureCount(lyr, 0);
    if ((rc = source_crs(ctx, src, lyr, &crs))) goto done;
    if (OGR_L_GetExtent(lyr, &env, 1) == OGRERR_NONE && isfinite(env.MinX) && isfinite(env.MaxX) &&
        env.MinX <= env.MaxX) {
        double xs[5] = {env.MinX, env.MaxX, env.MinX, env.MaxX, (env.MinX + env.MaxX) / 2};
        double ys[5] = {env.MinY, env.MinY, env.MaxY, env.MaxY, (env.MinY + env.MaxY) / 2};
        bool ok = true;
        char diag[512] = "";
        if ((rc = hl_io_check_coords(ctx, crs, env.MinX, env.MinY, env.MaxX, env.MaxY, &ok, diag, sizeof diag)))
            goto done;
        if (!ok) {
            rc = hl_error(ctx, HL_E_CRS, "%s (role %s): %s", src->path, src->role, diag);
            goto done;
        }
        if ((rc = hl_io_crs_from_epsg(ctx, 4326, &wgs))) goto done;
        if ((rc = hl_io_xform_create(ctx, crs, wgs, &xf))) goto done;
        if ((rc = hl_io_xform_points(ctx, xf, 5, xs, ys))) {
            hl_error_prefix(ctx, "%s (role %s)", src->path, src->role);
            goto done;
        }
        out->has_extent = true;
        out->lon_min = out->lon_max = xs[0];
        out->lat_min = out->lat_max = ys[0];
        for (int i = 1; i < 5; i++) {
            if (xs[i] < out->lon_min) out->lon_min = xs[i];
            if (xs[i] > out->lon_max) out->lon_max = xs[i];
            if (ys[i] < out->lat_min) out->lat_min = ys[i];
            if (ys[i] > out->lat_max) out->lat_max = ys[i];
        }
    }
done:
    hl_io_xform_destroy(xf);
    hl_io_crs_destroy(crs);
    hl_io_crs_destroy(wgs);
    hl_free(enc);
    if (ds) GDALClose(ds);
    return rc;
}

typedef struct xy_cb {
    hl_ctx *ctx;
    hl_io_xform *xf;
    bool failed;
} xy_cb;

static int transform_xy(double *x, double *y, void *user) {
    xy_cb *cb = user;
    if (!isfinite(*x) || !isfinite(*y)) {
        cb->failed = true;
        return 0;
    }
    if (hl_io_xform_points(cb->ctx, cb->xf, 1, x, y) != HL_OK || !isfinite(*x) || !isfinite(*y)) {
        cb->failed = true;
        return 0;
    }
    return 1;
}

/* Convert one OGR geometry to a GEOS geometry in the working CRS.  Returns
 * NULL with a reason when the geometry cannot be used. */
static GEOSGeometry *convert_geom(hl_ctx *ctx, OGRGeometryH g, hl_io_xform *xf, hl_geom_kind want,
                                  const char **why) {
    GEOSContextHandle_t h = hl__geos(ctx);
    OGRGeometryH lin = NULL;
    unsigned char *wkb = NULL;
    int size;
    GEOSGeometry *gg = NULL, *tr = NULL;
    xy_cb cb = {ctx, xf, false};
    hl_geom_kind k;
    *why = NULL;
    if (!g) {
        *why = "has no geometry (NULL)";
        return NULL;
    }
    if (OGR_G_IsEmpty(g)) {
        *why = "has an empty geometry";
        return NULL;
    }
    k = hl__io_geom_kind(OGR_G_GetGeometryType(g));
    if (want != HL_GEOM_UNKNOWN && k != want && !(want == HL_GEOM_POINT && k == HL_GEOM_POLYGON)) {
        *why = "has the wrong geometry type for its role";
        return NULL;
    }
    if (OGR_G_HasCurveGeometry(g, 0)) {
        lin = OGR_G_GetLinearGeometry(g, 0, NULL);
        g = lin;
        if (!g) {
            *why = "has a curve geometry that cannot be linearised";
            return NULL;
        }
    }
    if (OGR_G_Is3D(g) || OGR_G_IsMeasured(g)) {
        if (!lin) {
            lin = OGR_G_Clone(g);
            g = lin;
        }
        OGR_G_FlattenTo2D(g);
        OGR_G_SetMeasured(g, 0);
    }
    size = OGR_G_WkbSize(g);
    wkb = CPLMalloc((size_t)size);
    if (OGR_G_ExportToWkb(g, wkbNDR, wkb) != OGRERR_NONE) {
        *why = "has a geometry that cannot be encoded";
        goto done;
    }
    gg = GEOSGeomFromWKB_buf_r(h, wkb, (size_t)size);
    if (!gg) {
        *why = "has a malformed geometry (for example a ring that is not closed)";
        goto done;
    }
    tr = GEOSGeom_transformXY_r(h, gg, transform_xy, &cb);
    if (!tr || cb.failed) {
        if (tr) GEOSGeom_destroy_r(h, tr);
        tr = NULL;
        *why = "has coordinates that are not finite or cannot be transformed (NaN, infinite or outside the CRS)";
        goto done;
    }
done:
    if (gg) GEOSGeom_destroy_r(h, gg);
    CPLFree(wkb);
    if (lin) OGR_G_DestroyGeometry(lin);
    return tr;
}

hl_status hl_layer_read(hl_ctx *ctx, const hl_layer_source *src, const char *working_crs, hl_qa *qa,
                        hl_layer **out) {
    GDALDatasetH ds = NULL;
    OGRLayerH lyr;
    OGRFeatureDefnH defn;
    char *enc = NULL;
    char how[128];
    hl_crs *crs = NULL, *wcrs = NULL;
    hl_io_xform *xf = NULL;
    hl_layer *L = NULL;
    char **names = NULL;
    const char **vals = NULL;
    int nf = 0;
    OGRFeatureH feat;
    hl_status rc;
    char srcname[1024];
    hl_geom_kind layer_kind;
    GEOSContextHandle_t h = hl__geos(ctx);
    uint64_t done_count = 0, total;
    size_t n_bad = 0;

    *out = NULL;
    if (!h) return hl_error(ctx, HL_E_NOMEM, "out of memory starting GEOS");
    if ((rc = open_source(ctx, src, &ds, &enc, how, sizeof how))) goto done;
    if ((rc = pick_layer(ctx, src, ds, &lyr))) goto done;
    snprintf(srcname, sizeof srcname, "%s:%s", src->path, OGR_L_GetName(lyr));
    if (src->where && src->where[0]) {
        CPLErrorReset();
        if (OGR_L_SetAttributeFilter(lyr, src->where) != OGRERR_NONE) {
            rc = hl_error(ctx, HL_E_FORMAT, "%s (role %s): the filter where: \"%s\" is not valid: %s", srcname,
                          src->role, src->where, CPLGetLastErrorMsg());
            goto done;
        }
    }
    if ((rc = source_crs(ctx, src, lyr, &crs))) goto done;
    {
        OGREnvelope env;
        if (OGR_L_GetExtent(lyr, &env, 1) == OGRERR_NONE && isfinite(env.MinX) && env.MinX <= env.MaxX) {
            bool ok = true;
            char diag[512] = "";
            if ((rc = hl_io_check_coords(ctx, crs, env.MinX, env.MinY, env.MaxX, env.MaxY, &ok, diag, sizeof diag)))
                goto done;
            if (!ok) {
                rc = hl_error(ctx, HL_E_CRS, "%s (role %s): %s", srcname, src->role, diag);
                goto done;
            }
        }
    }
    if ((rc = hl_io_crs_parse(ctx, working_crs, &wcrs))) goto done;
    if ((rc = hl_io_xform_create(ctx, crs, wcrs, &xf))) {
        hl_error_prefix(ctx, "%s (role %s)", srcname, src->role);
        goto done;
    }
    defn = OGR_L_GetLayerDefn(lyr);
    nf = OGR_FD_GetFieldCount(defn);
    names = hl_calloc(ctx, (size_t)(nf ? nf : 1), sizeof(char *));
    vals = hl_calloc(ctx, (size_t)(nf ? nf : 1), sizeof(char *));
    if (!names || !vals) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < nf; i++) names[i] = (char *)OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
    layer_kind = hl__io_geom_kind(OGR_FD_GetGeomType(defn));
    if (src->want != HL_GEOM_UNKNOWN) layer_kind = src->want;
    if ((rc = hl__layer_create(ctx, src->role, src->kind, srcname, layer_kind, (size_t)nf,
                               (const char *const *)names, &L)))
        goto done;
    L->encoding = hl_strdup(ctx, enc);
    total = (uint64_t)OGR_L_GetFeatureCount(lyr, 0);
    OGR_L_ResetReading(lyr);
    for (;;) {
        CPLErrorReset();
        feat = OGR_L_GetNextFeature(lyr);
        if (CPLGetLastErrorType() >= CE_Failure) {
            /* a truncated or damaged file: never go on with features missing */
            rc = hl_error(ctx, HL_E_FORMAT, "%s (role %s): the file is damaged or truncated (read error near fid %lld: "
                                            "%s); restore it from the original",
                          srcname, src->role, feat ? (long long)OGR_F_GetFID(feat) : (long long)L->n,
                          CPLGetLastErrorMsg());
            if (feat) OGR_F_Destroy(feat);
            goto done;
        }
        if (!feat) break;
        const char *why = NULL;
        GEOSGeometry *g = NULL;
        int64_t fid = OGR_F_GetFID(feat);
        char fidbuf[32];
        if ((rc = hl_check_interrupt(ctx))) {
            OGR_F_Destroy(feat);
            goto done;
        }
        /* the feature id is the fid until the study binds the id field */
        snprintf(fidbuf, sizeof fidbuf, "%lld", (long long)fid);
        g = convert_geom(ctx, OGR_F_GetGeometryRef(feat), xf, src->want, &why);
        if (g && (layer_kind == HL_GEOM_POLYGON || layer_kind == HL_GEOM_LINE)) {
            char valid = GEOSisValid_r(h, g);
            if (valid == 0 && layer_kind == HL_GEOM_POLYGON) {
                char *reason = GEOSisValidReason_r(h, g);
                GEOSGeometry *fixed = GEOSMakeValid_r(h, g);
                if (qa)
                    rc = hl_qa_add(ctx, qa, HL_QA_WARNING, "geom_invalid", src->role, srcname, fidbuf, false, 0, 0, NAN,
                                   "feature fid %lld has an invalid polygon (%s); it was repaired with MakeValid for "
                                   "this run; fix it in the source",
                                   (long long)fid, reason ? reason : "?");
                if (reason) GEOSFree_r(h, reason);
                if (fixed) {
                    GEOSGeom_destroy_r(h, g);
                    g = fixed;
                }
                if (rc) {
                    GEOSGeom_destroy_r(h, g);
                    OGR_F_Destroy(feat);
                    goto done;
                }
            }
        }
        if (!g) {
            n_bad++;
            if (qa && (rc = hl_qa_add(ctx, qa, HL_QA_WARNING, "geom_unusable", src->role, srcname, fidbuf, false, 0, 0,
                                      NAN, "feature fid %lld %s; it is left out of the analysis", (long long)fid,
                                      why ? why : "has an unusable geometry"))) {
                OGR_F_Destroy(feat);
                goto done;
            }
        }
        /* GDAL reuses the buffer of OGR_F_GetFieldAsString for non-text
           fields: copy each value before asking for the next */
        for (int i = 0; i < nf; i++) {
            vals[i] = NULL;
            if (OGR_F_IsFieldSetAndNotNull(feat, i)) {
                vals[i] = hl_strdup(ctx, OGR_F_GetFieldAsString(feat, i));
                if (!vals[i]) rc = hl_error(ctx, HL_E_NOMEM, "out of memory reading attributes");
            }
        }
        if (rc) {
            for (int i = 0; i < nf; i++) {
                hl_free((char *)vals[i]);
                vals[i] = NULL;
            }
            if (g) GEOSGeom_destroy_r(h, g);
            OGR_F_Destroy(feat);
            goto done;
        }
        /* Formats GDAL does not recode (GeoJSON, CSV...) with a plan encoding. */
        if (src->encoding && src->encoding[0] && !hl__io_is_shapefile_path(src->path) && strcasecmp(src->encoding, "UTF-8")) {
            for (int i = 0; i < nf; i++) {
                char *rec = NULL;
                if (vals[i] && hl_io_recode_to_utf8(ctx, vals[i], src->encoding, &rec) == HL_OK) {
                    hl_free((char *)vals[i]);
                    vals[i] = rec;
                }
            }
        }
        rc = hl__layer_append(ctx, L, fid, g, vals);
        for (int i = 0; i < nf; i++) {
            hl_free((char *)vals[i]);
            vals[i] = NULL;
        }
        OGR_F_Destroy(feat);
        if (rc) goto done;
        if ((++done_count & 0x3FFF) == 0) hl_progress(ctx, "read", done_count, total);
    }
    if (n_bad)
        hl_log(ctx, HL_LOG_WARN, "%s (role %s): %zu of %zu features have no usable geometry (see qa_issues)",
               srcname, src->role, n_bad, L->n);
    *out = L;
    L = NULL;
done:
    hl_layer_destroy(L);
    hl_free(names);
    hl_free(vals);
    hl_io_xform_destroy(xf);
    hl_io_crs_destroy(crs);
    hl_io_crs_destroy(wcrs);
    hl_free(enc);
    if (ds) GDALClose(ds);
    return rc;
}
