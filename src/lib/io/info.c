/* The layer inventory behind `hinterland info`: walk files and folders,
 * open every vector dataset GDAL can read (shapefiles with the right
 * encoding), and describe each layer: geometry, count, CRS, encoding,
 * extent, fields, and remarks (GCJ-02 suspicion, coordinate mistakes, GDAL
 * warnings).  Must stay fast: the whole real-data folder in seconds. */
#include "io_int.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Features scanned at most to find the geometry kinds of a layer that
 * declares "Unknown" (GeoJSON, TopoJSON). */
#define GEOM_SCAN_MAX 200000

struct hl_io_inventory {
    hl_io_layer_info *items;
    size_t n, cap;
};

void hl_io_inventory_opts_init(hl_io_inventory_opts *o) {
    memset(o, 0, sizeof *o);
    o->count_features = true;
    o->csv_count_limit_bytes = 64u << 20;
}

size_t hl_io_inventory_count(const hl_io_inventory *inv) { return inv ? inv->n : 0; }

const hl_io_layer_info *hl_io_inventory_get(const hl_io_inventory *inv, size_t i) {
    return inv && i < inv->n ? &inv->items[i] : NULL;
}

static void info_free(hl_io_layer_info *li) {
    hl_free(li->dataset);
    hl_free(li->layer);
    hl_free(li->driver);
    hl_free(li->geom_type);
    hl_free(li->crs_name);
    hl_free(li->encoding);
    hl_free(li->encoding_how);
    for (size_t i = 0; i < li->n_fields; i++) {
        hl_free(li->fields[i].name);
        hl_free(li->fields[i].type);
        for (size_t k = 0; k < li->fields[i].n_samples; k++) hl_free(li->fields[i].samples[k]);
        hl_free(li->fields[i].samples);
    }
    hl_free(li->fields);
    hl_free(li->notes);
}

void hl_io_inventory_destroy(hl_io_inventory *inv) {
    if (!inv) return;
    for (size_t i = 0; i < inv->n; i++) info_free(&inv->items[i]);
    hl_free(inv->items);
    hl_free(inv);
}

/* Append a new zeroed entry. */
static hl_status inv_add(hl_ctx *ctx, hl_io_inventory *inv, hl_io_layer_info **out) {
    hl_status rc = hl_grow(ctx, (void **)&inv->items, &inv->cap, inv->n + 1, sizeof *inv->items);
    if (rc) return rc;
    *out = &inv->items[inv->n++];
    memset(*out, 0, sizeof **out);
    (*out)->feature_count = -1;
    return HL_OK;
}

/* Append a line to li->notes. */
static hl_status add_note(hl_ctx *ctx, hl_io_layer_info *li, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static hl_status add_note(hl_ctx *ctx, hl_io_layer_info *li, const char *fmt, ...) {
    char line[1024];
    char *s;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    s = li->notes ? hl_sprintf(ctx, "%s\n%s", li->notes, line) : hl_strdup(ctx, line);
    if (!s) return hl_error(ctx, HL_E_NOMEM, "out of memory writing the inventory");
    hl_free(li->notes);
    li->notes = s;
    return HL_OK;
}

static bool set_str(hl_ctx *ctx, char **dst, const char *src) {
    hl_free(*dst);
    *dst = hl_strdup(ctx, src);
    return *dst != NULL || src == NULL;
}

static bool has_suffix_ci(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* ---------------------------------------------------------------- */
/* Finding datasets                                                  */
/* ---------------------------------------------------------------- */

typedef struct path_list {
    char **p;
    size_t n, cap;
} path_list;

static hl_status pl_add(hl_ctx *ctx, path_list *pl, const char *s) {
    hl_status rc = hl_grow(ctx, (void **)&pl->p, &pl->cap, pl->n + 1, sizeof *pl->p);
    if (rc) return rc;
    pl->p[pl->n] = hl_strdup(ctx, s);
    if (!pl->p[pl->n]) return hl_error(ctx, HL_E_NOMEM, "out of memory listing files");
    pl->n++;
    return HL_OK;
}

static void pl_free(path_list *pl) {
    for (size_t i = 0; i < pl->n; i++) hl_free(pl->p[i]);
    hl_free(pl->p);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files never worth opening on their own inside a folder. */
static bool skip_in_folder(const char *dir, const char *name) {
    static const char *const skip_ext[] = {
        ".cpg", ".prj", ".shx", ".sbn", ".sbx", ".qix", ".shp.xml", ".aux.xml", ".qmd", ".qml",
        ".sld", ".md", ".txt", ".html", ".pdf", ".png", ".jpg", ".js", ".py", ".sh", ".c", ".h",
        ".lock", ".ovr", NULL};
    if (name[0] == '.') return true;
    if (!strcmp(name, "LICENSE") || !strcmp(name, "README") || !strcmp(name, "COPYING")) return true;
    for (size_t i = 0; skip_ext[i]; i++)
        if (has_suffix_ci(name, skip_ext[i])) return true;
    if (has_suffix_ci(name, ".dbf")) {
        /* part of a shapefile if a .shp sits next to it */
        char buf[4096];
        VSIStatBufL st;
        size_t n = strlen(name) - 4;
        snprintf(buf, sizeof buf, "%s/%.*s.shp", dir, (int)n, name);
        if (VSIStatL(buf, &st) == 0) return true;
        snprintf(buf, sizeof buf, "%s/%.*s.SHP", dir, (int)n, name);
        if (VSIStatL(buf, &st) == 0) return true;
    }
    return false;
}

static hl_status walk(hl_ctx *ctx, const char *dir, path_list *out, int depth) {
    hl_status rc = HL_OK;
    char **list;
    if (depth > 32) return HL_OK;
    list = VSIReadDir(dir);
    for (char **p = list; p && *p && rc == HL_OK; p++) {
        char full[4096];
        VSIStatBufL st;
        if (!strcmp(*p, ".") || !strcmp(*p, "..")) continue;
        snprintf(full, sizeof full, "%s/%s", dir, *p);
        if (VSIStatL(full, &st) != 0) continue;
        if (VSI_ISDIR(st.st_mode)) {
            if ((*p)[0] == '.') continue;
            rc = walk(ctx, full, out, depth + 1);
        } else if (!skip_in_folder(dir, *p)) {
            rc = pl_add(ctx, out, full);
        }
    }
    CSLDestroy(list);
    return rc;
}

/* ---------------------------------------------------------------- */
/* Describing a layer                                                */
/* ---------------------------------------------------------------- */

hl_geom_kind hl__io_geom_kind(OGRwkbGeometryType t) {
    switch (wkbFlatten(t)) {
    case wkbPoint:
    case wkbMultiPoint: return HL_GEOM_POINT;
    case wkbLineString:
    case wkbMultiLineString:
    case wkbCircularString:
    case wkbCompoundCurve:
    case wkbMultiCurve: return HL_GEOM_LINE;
    case wkbPolygon:
    case wkbMultiPolygon:
    case wkbCurvePolygon:
    case wkbMultiSurface: return HL_GEOM_POLYGON;
    case wkbNone: return HL_GEOM_NONE;
    default: return HL_GEOM_UNKNOWN;
    }
}

/* OGR's geometry type name without spaces ("Multi Polygon" ->
 * "MultiPolygon"), the spelling of WKT and of the layer specifications. */
static bool set_geom_name(hl_ctx *ctx, char **dst, OGRwkbGeometryType t) {
    char buf[64];
    size_t j = 0;
    for (const char *p = OGRGeometryTypeToName(t); *p && j + 1 < sizeof buf; p++)
        if (*p != ' ') buf[j++] = *p;
    buf[j] = '\0';
    return set_str(ctx, dst, buf);
}

static hl_status describe_fields(hl_ctx *ctx, OGRLayerH lyr, hl_io_layer_info *li) {
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    int n = OGR_FD_GetFieldCount(defn);
    if (n <= 0) return HL_OK;
    li->fields = hl_calloc(ctx, (size_t)n, sizeof *li->fields);
    if (!li->fields) return hl_error(ctx, HL_E_NOMEM, "out of memory listing fields");
    for (int i = 0; i < n; i++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, i);
        OGRFieldType t = OGR_Fld_GetType(fd);
        OGRFieldSubType st = OGR_Fld_GetSubType(fd);
        int w = OGR_Fld_GetWidth(fd), prec = OGR_Fld_GetPrecision(fd);
        const char *tn = st != OFSTNone ? OGR_GetFieldSubTypeName(st) : OGR_GetFieldTypeName(t);
        li->fields[i].n_nonempty = -1;
        li->fields[i].name = hl_strdup(ctx, OGR_Fld_GetNameRef(fd));
        if (w > 0 && prec > 0)
            li->fields[i].type = hl_sprintf(ctx, "%s(%d.%d)", tn, w, prec);
        else if (w > 0)
            li->fields[i].type = hl_sprintf(ctx, "%s(%d)", tn, w);
        else
            li->fields[i].type = hl_strdup(ctx, tn);
        li->n_fields = (size_t)i + 1;
        if (!li->fields[i].name || !li->fields[i].type)
            return hl_error(ctx, HL_E_NOMEM, "out of memory listing fields");
    }
    return HL_OK;
}

/* Scan features for their geometry kinds and, when asked, their count and
 * extent.  Used for layers that declare "Unknown" geometry. */
static hl_status scan_layer(hl_ctx *ctx, OGRLayerH lyr, hl_io_layer_info *li, bool want_count) {
    unsigned seen = 0; /* bit per hl_geom_kind */
    bool multi = false, single = false;
    int64_t n = 0;
    OGRFeatureH f;
    int nf = OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(lyr));
    /* role-guessing cues: kinds of geometry and tags present per field */
    for (size_t i = 0; i < li->n_fields; i++) li->fields[i].n_nonempty = 0;
    OGR_L_ResetReading(lyr);
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        for (int i = 0; i < nf && (size_t)i < li->n_fields; i++)
            if (OGR_F_IsFieldSetAndNotNull(f, i) && OGR_F_GetFieldAsString(f, i)[0]) li->fields[i].n_nonempty++;
        if (g) {
            OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
            hl_geom_kind gk = hl__io_geom_kind(t);
            if (gk >= HL_GEOM_POINT && gk <= HL_GEOM_POLYGON) li->geom_counts[gk - HL_GEOM_POINT]++;
            seen |= 1u << gk;
            if (t == wkbMultiPoint || t == wkbMultiLineString || t == wkbMultiPolygon) multi = true;
            else single = true;
        }
        OGR_F_Destroy(f);
        if (++n >= GEOM_SCAN_MAX && !want_count) break;
        if ((n & 1023) == 0 && hl_ctx_interrupted(ctx)) return hl_check_interrupt(ctx);
    }
    OGR_L_ResetReading(lyr);
    li->n_counted = n;
    if (want_count) li->feature_count = n;
    static const char *const names[][3] = {
        [HL_GEOM_POINT] = {"Point", "MultiPoint", "Point/MultiPoint"},
        [HL_GEOM_LINE] = {"LineString", "MultiLineString", "LineString/MultiLineString"},
        [HL_GEOM_POLYGON] = {"Polygon", "MultiPolygon", "Polygon/MultiPolygon"},
    };
    const char *name = NULL;
    for (int k = HL_GEOM_POINT; k <= HL_GEOM_POLYGON; k++) {
        if (seen == (1u << k)) {
            li->geom_kind = (hl_geom_kind)k;
            name = names[k][single && multi ? 2 : multi ? 1 : 0];
        }
    }
    if (!name) name = seen ? "Mixed" : "Unknown (no geometries)";
    return set_str(ctx, &li->geom_type, name) ? HL_OK : hl_error(ctx, HL_E_NOMEM, "out of memory");
}

/* Role-guessing cues: up to HL_IO_SAMPLE_VALUES distinct non-empty values
 * per field from the first HL_IO_SAMPLE_FEATURES features (codes, names,
 * level, highway, amenity), so the guess can read code lengths and name
 * endings.  Values longer than 63 bytes are cut (at a UTF-8 boundary). */
static hl_status sample_layer(hl_ctx *ctx, OGRLayerH lyr, hl_io_layer_info *li) {
    OGRFeatureH f;
    int nf = OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(lyr));
    hl_status rc = HL_OK;
    if (li->n_fields == 0) return HL_OK;
    for (size_t i = 0; i < li->n_fields; i++) {
        li->fields[i].samples = hl_calloc(ctx, HL_IO_SAMPLE_VALUES, sizeof *li->fields[i].samples);
        if (!li->fields[i].samples) return hl_error(ctx, HL_E_NOMEM, "out of memory sampling values");
    }
    OGR_L_ResetReading(lyr);
    for (int n = 0; n < HL_IO_SAMPLE_FEATURES && rc == HL_OK && (f = OGR_L_GetNextFeature(lyr)) != NULL; n++) {
        for (int i = 0; i < nf && (size_t)i < li->n_fields && rc == HL_OK; i++) {
            hl_io_field *fl = &li->fields[i];
            char buf[64];
            size_t len, k;
            if (fl->n_samples >= HL_IO_SAMPLE_VALUES || !OGR_F_IsFieldSetAndNotNull(f, i)) continue;
            snprintf(buf, sizeof buf, "%s", OGR_F_GetFieldAsString(f, i));
            len = strlen(buf);
            if (len == sizeof buf - 1)
                while (len > 0 && ((unsigned char)buf[len - 1] & 0xC0) == 0x80) buf[--len] = '\0';
            if (len > 0 && ((unsigned char)buf[len - 1] & 0x80)) {
                /* drop a lead byte whose continuation was cut */
                size_t s0 = len - 1;
                unsigned char c = (unsigned char)buf[s0];
                size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
                if (need > 1 && s0 + need > len) buf[s0] = '\0';
            }
            if (!buf[0]) continue;
            for (k = 0; k < fl->n_samples; k++)
                if (!strcmp(fl->samples[k], buf)) break;
            if (k < fl->n_samples) continue;
            fl->samples[fl->n_samples] = hl_strdup(ctx, buf);
            if (!fl->samples[fl->n_samples]) rc = hl_error(ctx, HL_E_NOMEM, "out of memory sampling values");
            else fl->n_samples++;
        }
        OGR_F_Destroy(f);
    }
    OGR_L_ResetReading(lyr);
    return rc;
}

/* A hint the data came from AMap/Gaode or another GCJ-02 source. */
static const char *gcj_hint(const hl_io_layer_info *li) {
    static const char *const fields[] = {"adcode", "citycode", "centerlat", "centerlng", "cp", "childNum", NULL};
    static const char *const words[] = {"amap", "gaode", "autonavi", "echarts", "tencent", "高德", NULL};
    for (size_t i = 0; i < li->n_fields; i++)
        for (size_t k = 0; fields[k]; k++)
            if (!strcasecmp(li->fields[i].name, fields[k])) return fields[k];
    for (size_t k = 0; words[k]; k++) {
        /* case-insensitive substring for ASCII words */
        const char *d = li->dataset;
        size_t m = strlen(words[k]);
        for (; *d; d++)
            if (!strncasecmp(d, words[k], m)) return words[k];
    }
    return NULL;
}

static hl_status describe_crs_and_notes(hl_ctx *ctx, OGRLayerH lyr, hl_io_layer_info *li) {
    hl_status rc = HL_OK;
    hl_crs *crs = NULL;
    hl_crs_info ci;
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(lyr);
    bool geographic_or_none = true;
    memset(&ci, 0, sizeof ci);
    if (srs) {
        rc = hl__io_crs_from_ogr(ctx, srs, &crs);
        if (rc) goto done;
        rc = hl_io_crs_describe(ctx, crs, &ci);
        if (rc) goto done;
        li->has_crs = true;
        li->epsg = ci.epsg;
        if (!set_str(ctx, &li->crs_name, ci.name)) {
            rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
            goto done;
        }
        geographic_or_none = ci.geographic;
    }
    if (li->has_extent) {
        bool ok;
        char diag[512];
        rc = hl_io_check_coords(ctx, crs, li->minx, li->miny, li->maxx, li->maxy, &ok, diag, sizeof diag);
        if (rc) goto done;
        if (!ok && diag[0]) rc = add_note(ctx, li, "%s", diag);
        if (rc) goto done;
        /* GCJ-02: lon/lat in China that GDAL calls WGS 84 (or nothing). */
        bool in_china = li->minx >= 73.0 && li->maxx <= 136.0 && li->miny >= 3.0 && li->maxy <= 54.0;
        bool wgs84ish = !srs || ci.epsg == 4326 || ci.epsg == 4490 || ci.epsg == 0;
        if (geographic_or_none && in_china && wgs84ish && strcmp(li->driver ? li->driver : "", "OSM") != 0) {
            const char *hint = gcj_hint(li);
            if (hint)
                rc = add_note(ctx, li,
                              "GCJ-02 suspected: the data look like AMap/Gaode output ('%s'); the coordinates alone cannot prove it. If so, give crs: GCJ02 in the plan (offset up to ~700 m otherwise)",
                              hint);
            else if (srs) /* without a CRS the note above already says it */
                rc = add_note(ctx, li,
                              "lon/lat inside China: if this came from AMap/Gaode, Tencent or Google China it is GCJ-02 (crs: GCJ02), which the data cannot show");
        }
    }
done:
    hl_io_crs_destroy(crs);
    return rc;
}

/* ---------------------------------------------------------------- */
/* Opening datasets                                                  */
/* ---------------------------------------------------------------- */

static hl_status error_entry(hl_ctx *ctx, hl_io_inventory *inv, const char *path, const char *why) {
    hl_io_layer_info *li;
    hl_status rc = inv_add(ctx, inv, &li);
    if (rc) return rc;
    if (!set_str(ctx, &li->dataset, path)) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    return add_note(ctx, li, "%s", why);
}

/* OSM: counts and extents come from one interleaved pass over the file. */
static hl_status osm_pass(hl_ctx *ctx, GDALDatasetH ds, hl_io_layer_info *first, int nl) {
    OGRFeatureH f;
    OGRLayerH lyr;
    GDALDatasetResetReading(ds);
    int64_t n = 0;
    while ((f = GDALDatasetGetNextFeature(ds, &lyr, NULL, NULL, NULL)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        for (int i = 0; i < nl; i++) {
            if (GDALDatasetGetLayer(ds, i) != lyr) continue;
            hl_io_layer_info *li = first + i;
            li->feature_count = li->feature_count < 0 ? 1 : li->feature_count + 1;
            if (g && !OGR_G_IsEmpty(g)) {
                OGREnvelope e;
                OGR_G_GetEnvelope(g, &e);
                if (!li->has_extent) {
                    li->minx = e.MinX, li->miny = e.MinY, li->maxx = e.MaxX, li->maxy = e.MaxY;
                    li->has_extent = true;
                } else {
                    li->minx = fmin(li->minx, e.MinX), li->miny = fmin(li->miny, e.MinY);
                    li->maxx = fmax(li->maxx, e.MaxX), li->maxy = fmax(li->maxy, e.MaxY);
                }
            }
            break;
        }
        OGR_F_Destroy(f);
        if ((++n & 4095) == 0 && hl_ctx_interrupted(ctx)) return hl_check_interrupt(ctx);
    }
    for (int i = 0; i < nl; i++)
        if (first[i].feature_count < 0) first[i].feature_count = 0;
    return HL_OK;
}

static hl_status inventory_dataset(hl_ctx *ctx, hl_io_inventory *inv, const char *path,
                                   const hl_io_inventory_opts *opts, bool explicit) {
    hl_status rc = HL_OK;
    GDALDatasetH ds = NULL;
    hl__io_cpl_capture cap;
    hl_io_open_opts oo;
    char enc[64] = "", how[256] = "";
    char open_path[4200];
    bool is_shp = false, is_csv;
    size_t first_idx = inv->n;
    vsi_l_offset file_size = 0;
    VSIStatBufL st;

    /* gzip: GDAL needs /vsigzip/ for most drivers (OSM XML above all). */
    if (has_suffix_ci(path, ".gz") && strncmp(path, "/vsi", 4) != 0)
        snprintf(open_path, sizeof open_path, "/vsigzip/%s", path);
    else
        snprintf(open_path, sizeof open_path, "%s", path);
    if (strncmp(open_path, "PG:", 3) != 0 && VSIStatL(open_path, &st) == 0) file_size = st.st_size;

    memset(&oo, 0, sizeof oo);
    if (strncmp(open_path, "PG:", 3) != 0 && hl__io_is_shapefile_path(open_path) &&
        (has_suffix_ci(open_path, ".shp") || has_suffix_ci(open_path, ".dbf"))) {
        is_shp = true;
        rc = hl_io_detect_encoding(ctx, open_path, NULL, enc, sizeof enc, how, sizeof how);
        if (rc == HL_E_NOMEM || rc == HL_E_INTERRUPTED) return rc;
        if (rc) {
            rc = error_entry(ctx, inv, path, hl_ctx_errmsg(ctx));
            return rc;
        }
        rc = hl_io_open_options_for_encoding(ctx, open_path, enc, &oo);
        if (rc) return rc;
    }

    if (!explicit) {
        /* Inside a folder, quietly skip files no driver recognises. */
        hl__io_cpl_push(&cap);
        GDALDriverH d = GDALIdentifyDriverEx(open_path, GDAL_OF_VECTOR, NULL, NULL);
        hl__io_cpl_pop();
        if (!d) return HL_OK;
    }
    hl__io_cpl_push(&cap);
    ds = GDALOpenEx(open_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL,
                    oo.list[0] ? (const char *const *)oo.list : NULL, NULL);
    if (!ds) {
        hl__io_cpl_pop();
        char why[800];
        snprintf(why, sizeof why, "cannot be read as vector data: %s; check the file is complete and in a format GDAL reads",
                 cap.last_error[0] ? cap.last_error : "no GDAL driver recognises it");
        return error_entry(ctx, inv, path, why);
    }
    const char *drv = GDALGetDriverShortName(GDALGetDatasetDriver(ds));
    is_csv = !strcmp(drv, "CSV");
    if (!is_shp) {
        rc = hl_io_detect_encoding(ctx, open_path, NULL, enc, sizeof enc, how, sizeof how);
        if (rc == HL_E_NOMEM) goto done;
        if (rc) {
            enc[0] = '\0';
            snprintf(how, sizeof how, "not determined: %s", hl_ctx_errmsg(ctx));
            rc = HL_OK;
        }
    }
    int nl = GDALDatasetGetLayerCount(ds);
    if (nl == 0) {
        hl__io_cpl_pop();
        rc = error_entry(ctx, inv, path, "has no vector layers");
        goto done;
    }
    for (int i = 0; i < nl; i++) {
        OGRLayerH lyr = GDALDatasetGetLayer(ds, i);
        hl_io_layer_info *li;
        rc = inv_add(ctx, inv, &li);
        if (rc) break;
        if (!set_str(ctx, &li->dataset, open_path) || !set_str(ctx, &li->layer, OGR_L_GetName(lyr)) ||
            !set_str(ctx, &li->driver, drv) || (enc[0] && !set_str(ctx, &li->encoding, enc)) ||
            (enc[0] && !set_str(ctx, &li->encoding_how, how))) {
            rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
            break;
        }
        rc = describe_fields(ctx, lyr, li);
        if (rc) break;
    }
    if (rc) {
        hl__io_cpl_pop();
        goto done;
    }

    if (!strcmp(drv, "OSM")) {
        if (opts->count_features) rc = osm_pass(ctx, ds, &inv->items[first_idx], nl);
        for (int i = 0; i < nl && rc == HL_OK; i++) {
            OGRLayerH lyr = GDALDatasetGetLayer(ds, i);
            hl_io_layer_info *li = &inv->items[first_idx + (size_t)i];
            OGRwkbGeometryType t = OGR_L_GetGeomType(lyr);
            li->geom_kind = hl__io_geom_kind(t);
            if (!set_geom_name(ctx, &li->geom_type, t)) rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
            if (!opts->count_features && rc == HL_OK)
                rc = add_note(ctx, li, "features not counted (OSM files need a full read)");
        }
    } else {
        for (int i = 0; i < nl && rc == HL_OK; i++) {
            OGRLayerH lyr = GDALDatasetGetLayer(ds, i);
            hl_io_layer_info *li = &inv->items[first_idx + (size_t)i];
            OGRwkbGeometryType t = OGR_L_GetGeomType(lyr);
            bool no_geom = t == wkbNone || OGR_FD_GetGeomFieldCount(OGR_L_GetLayerDefn(lyr)) == 0;
            bool skip_count = !opts->count_features ||
                              (is_csv && no_geom && opts->csv_count_limit_bytes > 0 &&
                               file_size > opts->csv_count_limit_bytes);
            li->geom_kind = no_geom ? HL_GEOM_NONE : hl__io_geom_kind(t);
            if (!(no_geom ? set_str(ctx, &li->geom_type, "None") : set_geom_name(ctx, &li->geom_type, t))) {
                rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
                break;
            }
            GIntBig cnt = OGR_L_GetFeatureCount(lyr, FALSE);
            if (cnt >= 0) li->feature_count = cnt;
            if (!no_geom && li->geom_kind == HL_GEOM_UNKNOWN) {
                rc = scan_layer(ctx, lyr, li, !skip_count && cnt < 0);
                if (rc) break;
            } else if (!skip_count && cnt < 0) {
                li->feature_count = OGR_L_GetFeatureCount(lyr, TRUE);
            }
            if (skip_count && li->feature_count < 0) {
                rc = add_note(ctx, li, opts->count_features
                                          ? "features not counted: a large CSV without geometry (a table, not a layer)"
                                          : "features not counted");
                if (rc) break;
            }
            rc = sample_layer(ctx, lyr, li);
            if (rc) break;
            if (!no_geom) {
                OGREnvelope e;
                if (OGR_L_GetExtent(lyr, &e, TRUE) == OGRERR_NONE && isfinite(e.MinX) && e.MinX <= e.MaxX) {
                    li->has_extent = true;
                    li->minx = e.MinX, li->miny = e.MinY, li->maxx = e.MaxX, li->maxy = e.MaxY;
                }
            } else if (is_csv) {
                rc = add_note(ctx, li, "a table without geometry: usable for joins by code, not as a map layer");
            }
        }
    }
    hl__io_cpl_pop();
    for (int i = 0; i < nl && rc == HL_OK; i++) {
        hl_io_layer_info *li = &inv->items[first_idx + (size_t)i];
        if (li->geom_kind != HL_GEOM_NONE)
            rc = describe_crs_and_notes(ctx, GDALDatasetGetLayer(ds, i), li);
    }
    if (rc == HL_OK && cap.n_warnings > 0)
        rc = add_note(ctx, &inv->items[first_idx], "GDAL warned %d time%s while reading, first: %s", cap.n_warnings,
                      cap.n_warnings == 1 ? "" : "s", cap.first_warning);
done:
    if (ds) GDALClose(ds);
    return rc;
}

hl_status hl_io_inventory_create(hl_ctx *ctx, const char *const *paths, size_t n_paths,
                                 const hl_io_inventory_opts *opts, hl_io_inventory **out) {
    hl_status rc = HL_OK;
    hl_io_inventory *inv = NULL;
    hl_io_inventory_opts defaults;
    *out = NULL;
    if (!opts) {
        hl_io_inventory_opts_init(&defaults);
        opts = &defaults;
    }
    hl__io_gdal_init();
    inv = hl_calloc(ctx, 1, sizeof *inv);
    if (!inv) return hl_error(ctx, HL_E_NOMEM, "out of memory creating the inventory");
    for (size_t i = 0; i < n_paths && rc == HL_OK; i++) {
        const char *p = paths[i];
        VSIStatBufL st;
        if (!strncmp(p, "PG:", 3) || (!strncmp(p, "/vsi", 4) && VSIStatL(p, &st) != 0)) {
            rc = inventory_dataset(ctx, inv, p, opts, true);
            continue;
        }
        if (VSIStatL(p, &st) != 0) {
            rc = hl_error(ctx, HL_E_IO, "%s: no such file or folder; check the path", p);
            break;
        }
        if (VSI_ISDIR(st.st_mode)) {
            path_list pl = {0};
            char dir[4096];
            snprintf(dir, sizeof dir, "%s", p);
            for (size_t n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--) dir[n - 1] = '\0';
            rc = walk(ctx, dir, &pl, 0);
            if (rc == HL_OK) qsort(pl.p, pl.n, sizeof *pl.p, cmp_str);
            for (size_t k = 0; k < pl.n && rc == HL_OK; k++) {
                rc = inventory_dataset(ctx, inv, pl.p[k], opts, false);
                if (rc == HL_OK) rc = hl_check_interrupt(ctx);
            }
            pl_free(&pl);
        } else {
            rc = inventory_dataset(ctx, inv, p, opts, true);
        }
        if (rc == HL_OK) rc = hl_check_interrupt(ctx);
    }
    if (rc) {
        hl_io_inventory_destroy(inv);
        return rc;
    }
    *out = inv;
    return HL_OK;
}
