/* Coordinate systems through OGR/PROJ: parsing what users write, describing
 * what layers declare, choosing the metric working CRS, transforming
 * (GCJ-02 included) and diagnosing coordinates that do not fit the CRS they
 * claim.  Also the small GDAL glue the io module shares (driver
 * registration, error capture).  Every OGRSpatialReference made here gets
 * OAMS_TRADITIONAL_GIS_ORDER so x is always longitude/easting. */
#include "io_int.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- */
/* GDAL glue                                                         */
/* ---------------------------------------------------------------- */

static pthread_once_t gdal_once = PTHREAD_ONCE_INIT;
static void gdal_register(void) { GDALAllRegister(); }
void hl__io_gdal_init(void) { pthread_once(&gdal_once, gdal_register); }

static void CPL_STDCALL capture_handler(CPLErr cls, CPLErrorNum num, const char *msg) {
    hl__io_cpl_capture *cap = CPLGetErrorHandlerUserData();
    (void)num;
    if (!cap) return;
    if (cls == CE_Warning) {
        if (cap->n_warnings++ == 0) snprintf(cap->first_warning, sizeof cap->first_warning, "%s", msg);
    } else if (cls >= CE_Failure) {
        cap->n_errors++;
        snprintf(cap->last_error, sizeof cap->last_error, "%s", msg);
    }
}

void hl__io_cpl_push(hl__io_cpl_capture *cap) {
    memset(cap, 0, sizeof *cap);
    CPLPushErrorHandlerEx(capture_handler, cap);
}

void hl__io_cpl_pop(void) { CPLPopErrorHandler(); }

/* ---------------------------------------------------------------- */
/* CRS handles                                                       */
/* ---------------------------------------------------------------- */

static hl_crs *crs_new(hl_ctx *ctx, OGRSpatialReferenceH srs_owned, bool gcj02) {
    hl_crs *c = hl_calloc(ctx, 1, sizeof *c);
    if (!c) {
        OSRDestroySpatialReference(srs_owned);
        return NULL;
    }
    OSRSetAxisMappingStrategy(srs_owned, OAMS_TRADITIONAL_GIS_ORDER);
    c->srs = srs_owned;
    c->gcj02 = gcj02;
    return c;
}

void hl_io_crs_destroy(hl_crs *crs) {
    if (!crs) return;
    if (crs->srs) OSRDestroySpatialReference(crs->srs);
    hl_free(crs);
}

OGRSpatialReferenceH hl__io_crs_ogr(const hl_crs *crs) { return crs ? crs->srs : NULL; }

hl_status hl__io_crs_from_ogr(hl_ctx *ctx, OGRSpatialReferenceH srs, hl_crs **out) {
    OGRSpatialReferenceH c;
    *out = NULL;
    if (!srs) return hl_error(ctx, HL_E_CRS, "no coordinate system to copy");
    c = OSRClone(srs);
    if (!c) return hl_error(ctx, HL_E_NOMEM, "out of memory copying a coordinate system");
    *out = crs_new(ctx, c, false);
    return *out ? HL_OK : hl_error(ctx, HL_E_NOMEM, "out of memory copying a coordinate system");
}

hl_status hl_io_crs_clone(hl_ctx *ctx, const hl_crs *crs, hl_crs **out) {
    hl_status rc = hl__io_crs_from_ogr(ctx, crs ? crs->srs : NULL, out);
    if (rc == HL_OK) (*out)->gcj02 = crs->gcj02;
    return rc;
}

hl_status hl_io_crs_from_epsg(hl_ctx *ctx, int epsg, hl_crs **out) {
    OGRSpatialReferenceH srs;
    hl__io_cpl_capture cap;
    OGRErr err;
    *out = NULL;
    hl__io_gdal_init();
    srs = OSRNewSpatialReference(NULL);
    if (!srs) return hl_error(ctx, HL_E_NOMEM, "out of memory creating a coordinate system");
    hl__io_cpl_push(&cap);
    err = OSRImportFromEPSG(srs, epsg);
    hl__io_cpl_pop();
    if (err != OGRERR_NONE) {
        OSRDestroySpatialReference(srs);
        return hl_error(ctx, HL_E_CRS, "EPSG:%d is not a coordinate system PROJ knows; check the code", epsg);
    }
    *out = crs_new(ctx, srs, false);
    return *out ? HL_OK : hl_error(ctx, HL_E_NOMEM, "out of memory creating a coordinate system");
}

static bool is_gcj_name(const char *s) {
    char buf[16];
    size_t j = 0;
    for (; *s && j + 1 < sizeof buf; s++)
        if (*s != '-' && *s != '_' && *s != ' ') buf[j++] = (char)tolower((unsigned char)*s);
    buf[j] = '\0';
    return !*s && !strcmp(buf, "gcj02");
}

hl_status hl_io_crs_parse(hl_ctx *ctx, const char *text, hl_crs **out) {
    hl_status rc = HL_OK;
    OGRSpatialReferenceH srs = NULL;
    hl__io_cpl_capture cap;
    char *t = NULL;
    bool gcj = false;
    const char *input;
    VSIStatBufL st;
    *out = NULL;
    if (!text) return hl_error(ctx, HL_E_ARG, "no coordinate system text given");
    hl__io_gdal_init();
    /* trim */
    while (isspace((unsigned char)*text)) text++;
    t = hl_strdup(ctx, text);
    if (!t) return hl_error(ctx, HL_E_NOMEM, "out of memory parsing a coordinate system");
    for (size_t n = strlen(t); n > 0 && isspace((unsigned char)t[n - 1]); n--) t[n - 1] = '\0';
    input = t;
    if (!*t) {
        rc = hl_error(ctx, HL_E_CRS, "empty coordinate system; write e.g. crs: EPSG:4490");
        goto done;
    }
    if (is_gcj_name(t)) {
        gcj = true;
        input = "EPSG:4326";
    } else if (!strcasecmp(t, "CGCS2000")) {
        input = "EPSG:4490";
    } else if (!strncasecmp(t, "http:", 5) || !strncasecmp(t, "https:", 6) || !strncasecmp(t, "ftp:", 4)) {
        rc = hl_error(ctx, HL_E_CRS, "coordinate system '%s': URLs are not accepted; write the EPSG code (EPSG:4546) or the WKT/PROJ text", t);
        goto done;
    } else if (strspn(t, "0123456789") == strlen(t)) {
        rc = hl_error(ctx, HL_E_CRS, "coordinate system '%s': a bare number is ambiguous; write EPSG:%s", t, t);
        goto done;
    } else if (t[0] != '+' && !strchr(t, '[') && !strchr(t, '{') && VSIStatL(t, &st) == 0) {
        rc = hl_error(ctx, HL_E_CRS, "coordinate system '%s' names a file; give the CRS itself (EPSG code, WKT or PROJ string), e.g. the text of the .prj", t);
        goto done;
    }
    srs = OSRNewSpatialReference(NULL);
    if (!srs) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory parsing a coordinate system");
        goto done;
    }
    hl__io_cpl_push(&cap);
    OGRErr err = OSRSetFromUserInput(srs, input);
    hl__io_cpl_pop();
    if (err != OGRERR_NONE) {
        rc = hl_error(ctx, HL_E_CRS,
                      "coordinate system '%.200s' is not understood (%s); write an EPSG code such as EPSG:4546, GCJ02, a PROJ string or WKT",
                      t, cap.last_error[0] ? cap.last_error : "PROJ rejected it");
        goto done;
    }
    *out = crs_new(ctx, srs, gcj);
    srs = NULL;
    if (!*out) rc = hl_error(ctx, HL_E_NOMEM, "out of memory parsing a coordinate system");
done:
    if (srs) OSRDestroySpatialReference(srs);
    hl_free(t);
    return rc;
}

static int epsg_of(OGRSpatialReferenceH srs, int *confidence) {
    const char *auth = OSRGetAuthorityName(srs, NULL);
    const char *code = OSRGetAuthorityCode(srs, NULL);
    int n = 0, *conf = NULL, epsg = 0;
    OGRSpatialReferenceH *matches;
    *confidence = 0;
    if (auth && code && !strcasecmp(auth, "EPSG")) {
        *confidence = 100;
        return atoi(code);
    }
    matches = OSRFindMatches(srs, NULL, &n, &conf);
    if (matches && n > 0 && conf && conf[0] >= 70) {
        auth = OSRGetAuthorityName(matches[0], NULL);
        code = OSRGetAuthorityCode(matches[0], NULL);
        if (auth && code && !strcasecmp(auth, "EPSG")) {
            epsg = atoi(code);
            *confidence = conf[0];
        }
    }
    if (matches) OSRFreeSRSArray(matches);
    CPLFree(conf);
    return epsg;
}

hl_status hl_io_crs_describe(hl_ctx *ctx, const hl_crs *crs, hl_crs_info *out) {
    OGRErr err = OGRERR_NONE;
    hl__io_cpl_capture cap;
    memset(out, 0, sizeof *out);
    if (!crs || !crs->srs) return hl_error(ctx, HL_E_ARG, "hl_io_crs_describe: no coordinate system");
    hl__io_cpl_push(&cap);
    out->gcj02 = crs->gcj02;
    out->geographic = OSRIsGeographic(crs->srs) != 0;
    out->projected = OSRIsProjected(crs->srs) != 0;
    if (crs->gcj02) {
        snprintf(out->name, sizeof out->name, "GCJ-02 (WGS 84 lon/lat with the Chinese map offset)");
    } else {
        const char *name = OSRGetName(crs->srs);
        snprintf(out->name, sizeof out->name, "%s", name ? name : "unnamed");
        out->epsg = epsg_of(crs->srs, &out->epsg_confidence);
    }
    if (out->projected) {
        const char *proj = OSRGetAttrValue(crs->srs, "PROJECTION", 0);
        out->transverse_mercator = proj && (!strcasecmp(proj, SRS_PT_TRANSVERSE_MERCATOR) ||
                                            !strcasecmp(proj, "Gauss_Kruger"));
        out->central_meridian_deg = OSRGetNormProjParm(crs->srs, SRS_PP_CENTRAL_MERIDIAN, 0.0, &err);
        out->false_easting_m = OSRGetNormProjParm(crs->srs, SRS_PP_FALSE_EASTING, 0.0, &err);
        out->linear_unit_m = OSRGetLinearUnits(crs->srs, NULL);
        if (out->transverse_mercator && out->false_easting_m >= 1e6) {
            double z = (out->false_easting_m - 500000.0) / 1e6;
            if (fabs(z - floor(z + 0.5)) < 1e-9) out->gk_zone_prefix = (int)floor(z + 0.5);
        }
    }
    hl__io_cpl_pop();
    return HL_OK;
}

hl_status hl_io_crs_to_wkt(hl_ctx *ctx, const hl_crs *crs, char **out) {
    char *wkt = NULL;
    const char *opts[] = {"FORMAT=WKT2_2019", NULL};
    *out = NULL;
    if (!crs || !crs->srs) return hl_error(ctx, HL_E_ARG, "hl_io_crs_to_wkt: no coordinate system");
    if (OSRExportToWktEx(crs->srs, &wkt, opts) != OGRERR_NONE || !wkt) {
        CPLFree(wkt);
        return hl_error(ctx, HL_E_CRS, "the coordinate system cannot be written as WKT2");
    }
    *out = hl_strdup(ctx, wkt);
    CPLFree(wkt);
    return *out ? HL_OK : hl_error(ctx, HL_E_NOMEM, "out of memory writing WKT");
}

bool hl_io_crs_same(const hl_crs *a, const hl_crs *b) {
    const char *opts[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES",
                          "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS", NULL};
    if (!a || !b) return false;
    if (a->gcj02 != b->gcj02) return false;
    return OSRIsSameEx(a->srs, b->srs, opts) != 0;
}

/* ---------------------------------------------------------------- */
/* Working CRS                                                       */
/* ---------------------------------------------------------------- */

hl_status hl_io_choose_working_crs(hl_ctx *ctx, double lon_deg, double lat_deg, int *out_epsg) {
    *out_epsg = 0;
    if (!isfinite(lon_deg) || !isfinite(lat_deg) || lon_deg < -180.0 || lon_deg > 180.0 ||
        lat_deg < -90.0 || lat_deg > 90.0)
        return hl_error(ctx, HL_E_ARG,
                        "cannot choose a working CRS for lon %g, lat %g: not a longitude/latitude in degrees",
                        lon_deg, lat_deg);
    if (lon_deg >= 73.0 && lon_deg <= 136.0 && lat_deg >= 3.0 && lat_deg <= 54.0) {
        /* CGCS2000 3-degree GK, CM 75E..135E, EPSG:4534..4554. */
        int k = (int)floor((lon_deg - 75.0) / 3.0 + 0.5);
        if (k < 0) k = 0;
        if (k > 20) k = 20;
        *out_epsg = 4534 + k;
    } else {
        /* Standard UTM zones (the Norway/Svalbard exceptions are ignored:
         * a study area there still gets a valid, slightly wider zone). */
        int zone = (int)floor((lon_deg + 180.0) / 6.0) + 1;
        if (zone > 60) zone = 60;
        *out_epsg = (lat_deg >= 0.0 ? 32600 : 32700) + zone;
    }
    return HL_OK;
}

/* ---------------------------------------------------------------- */
/* Transformers                                                      */
/* ---------------------------------------------------------------- */

struct hl_io_xform {
    OGRCoordinateTransformationH oct; /* NULL = identity in PROJ terms */
    bool src_gcj02;                   /* undo the offset first */
    bool dst_gcj02;                   /* apply the offset last */
    double *zbuf;                     /* scratch for OCTTransformEx */
    int *okbuf;
    size_t buf_cap;
};

hl_status hl_io_xform_create(hl_ctx *ctx, const hl_crs *src, const hl_crs *dst, hl_io_xform **out) {
    hl_status rc = HL_OK;
    hl_io_xform *xf = NULL;
    hl__io_cpl_capture cap;
    const char *opts[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES",
                          "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS", NULL};
    *out = NULL;
    if (!src || !dst) return hl_error(ctx, HL_E_ARG, "hl_io_xform_create: source and target CRS are required");
    hl__io_gdal_init();
    xf = hl_calloc(ctx, 1, sizeof *xf);
    if (!xf) return hl_error(ctx, HL_E_NOMEM, "out of memory creating a transformation");
    xf->src_gcj02 = src->gcj02;
    xf->dst_gcj02 = dst->gcj02;
    if (src->gcj02 && dst->gcj02) xf->src_gcj02 = xf->dst_gcj02 = false;
    if (!OSRIsSameEx(src->srs, dst->srs, opts)) {
        hl__io_cpl_push(&cap);
        xf->oct = OCTNewCoordinateTransformation(src->srs, dst->srs);
        hl__io_cpl_pop();
        if (!xf->oct) {
            const char *sn = OSRGetName(src->srs), *dn = OSRGetName(dst->srs);
            rc = hl_error(ctx, HL_E_CRS, "no transformation from '%s' to '%s' (%s); check both CRS definitions",
                          sn ? sn : "?", dn ? dn : "?", cap.last_error[0] ? cap.last_error : "PROJ found none");
            goto done;
        }
    }
    *out = xf;
    xf = NULL;
done:
    hl_io_xform_destroy(xf);
    return rc;
}

void hl_io_xform_destroy(hl_io_xform *xf) {
    if (!xf) return;
    if (xf->oct) OCTDestroyCoordinateTransformation(xf->oct);
    hl_free(xf->zbuf);
    hl_free(xf->okbuf);
    hl_free(xf);
}

OGRCoordinateTransformationH hl__io_xform_oct(const hl_io_xform *xf) { return xf ? xf->oct : NULL; }
bool hl__io_xform_has_gcj02(const hl_io_xform *xf) { return xf && (xf->src_gcj02 || xf->dst_gcj02); }

hl_status hl_io_xform_points(hl_ctx *ctx, hl_io_xform *xf, size_t n, double *x, double *y) {
    if (n == 0) return HL_OK;
    if (xf->src_gcj02)
        for (size_t i = 0; i < n; i++) hl_io_gcj02_to_wgs84(x[i], y[i], &x[i], &y[i]);
    if (xf->oct) {
        if (n > (size_t)INT32_MAX) return hl_error(ctx, HL_E_ARG, "too many points (%zu) in one transformation call", n);
        if (n > xf->buf_cap) {
            double *z = hl_realloc(ctx, xf->zbuf, n * sizeof *z);
            if (!z) return hl_error(ctx, HL_E_NOMEM, "out of memory transforming %zu points", n);
            xf->zbuf = z;
            int *ok = hl_realloc(ctx, xf->okbuf, n * sizeof *ok);
            if (!ok) return hl_error(ctx, HL_E_NOMEM, "out of memory transforming %zu points", n);
            xf->okbuf = ok;
            xf->buf_cap = n;
        }
        memset(xf->zbuf, 0, n * sizeof *xf->zbuf);
        hl__io_cpl_capture cap;
        hl__io_cpl_push(&cap);
        int all = OCTTransformEx(xf->oct, (int)n, x, y, xf->zbuf, xf->okbuf);
        hl__io_cpl_pop();
        if (!all) {
            for (size_t i = 0; i < n; i++)
                if (!xf->okbuf[i])
                    return hl_error(ctx, HL_E_CRS,
                                    "point %zu cannot be transformed (x %.9g, y %.9g after transformation attempt); it lies outside the area the CRS is valid for, or the layer's CRS is wrong",
                                    i, x[i], y[i]);
        }
        for (size_t i = 0; i < n; i++)
            if (!isfinite(x[i]) || !isfinite(y[i]))
                return hl_error(ctx, HL_E_CRS, "point %zu transformed to a non-finite coordinate; the layer's CRS is probably wrong", i);
    }
    if (xf->dst_gcj02)
        for (size_t i = 0; i < n; i++) hl_io_gcj02_from_wgs84(x[i], y[i], &x[i], &y[i]);
    return HL_OK;
}

hl_status hl__io_xform_geometry(hl_ctx *ctx, hl_io_xform *xf, OGRGeometryH geom) {
    hl_status rc = HL_OK;
    int nsub, npts;
    double *xs = NULL, *ys = NULL;
    if (!geom) return HL_OK;
    if (!hl__io_xform_has_gcj02(xf)) {
        if (!xf->oct) return HL_OK;
        if (OGR_G_Transform(geom, xf->oct) != OGRERR_NONE)
            return hl_error(ctx, HL_E_CRS, "a geometry cannot be transformed; it lies outside the area the CRS is valid for, or the layer's CRS is wrong");
        return HL_OK;
    }
    nsub = OGR_G_GetGeometryCount(geom);
    if (nsub > 0) {
        for (int i = 0; i < nsub && rc == HL_OK; i++)
            rc = hl__io_xform_geometry(ctx, xf, OGR_G_GetGeometryRef(geom, i));
        return rc;
    }
    npts = OGR_G_GetPointCount(geom);
    if (npts <= 0) return HL_OK;
    xs = hl_malloc(ctx, (size_t)npts * sizeof *xs);
    ys = hl_malloc(ctx, (size_t)npts * sizeof *ys);
    if (!xs || !ys) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory transforming a geometry of %d points", npts);
        goto done;
    }
    for (int i = 0; i < npts; i++) {
        xs[i] = OGR_G_GetX(geom, i);
        ys[i] = OGR_G_GetY(geom, i);
    }
    rc = hl_io_xform_points(ctx, xf, (size_t)npts, xs, ys);
    if (rc) goto done;
    if (wkbFlatten(OGR_G_GetGeometryType(geom)) == wkbPoint) {
        if (OGR_G_CoordinateDimension(geom) == 3)
            OGR_G_SetPoint(geom, 0, xs[0], ys[0], OGR_G_GetZ(geom, 0));
        else
            OGR_G_SetPoint_2D(geom, 0, xs[0], ys[0]);
    } else {
        for (int i = 0; i < npts; i++) {
            if (OGR_G_CoordinateDimension(geom) == 3)
                OGR_G_SetPoint(geom, i, xs[i], ys[i], OGR_G_GetZ(geom, i));
            else
                OGR_G_SetPoint_2D(geom, i, xs[i], ys[i]);
        }
    }
done:
    hl_free(xs);
    hl_free(ys);
    return rc;
}

/* ---------------------------------------------------------------- */
/* Coordinate sanity checks                                          */
/* ---------------------------------------------------------------- */

static bool looks_lonlat(double minx, double miny, double maxx, double maxy) {
    return minx >= -180.0 && maxx <= 180.0 && miny >= -90.0 && maxy <= 90.0;
}

hl_status hl_io_check_coords(hl_ctx *ctx, const hl_crs *crs, double minx, double miny,
                             double maxx, double maxy, bool *ok, char *diag, size_t diag_size) {
    hl_crs_info ci;
    hl_status rc;
    *ok = true;
    if (diag && diag_size) diag[0] = '\0';
    if (!diag || diag_size == 0) return hl_error(ctx, HL_E_ARG, "hl_io_check_coords: no diagnosis buffer");
    if (!isfinite(minx) || !isfinite(miny) || !isfinite(maxx) || !isfinite(maxy) || minx > maxx || miny > maxy)
        return hl_error(ctx, HL_E_ARG, "hl_io_check_coords: the extent (%g %g, %g %g) is empty or not finite",
                        minx, miny, maxx, maxy);
    if (!crs) {
        *ok = false;
        if (minx >= 3.0 && maxx <= 54.0 && miny >= 73.0 && maxy <= 136.0)
            snprintf(diag, diag_size, "no CRS; coordinates look like lat/lon in China with the axes swapped (x %.6g..%.6g, y %.6g..%.6g)",
                     minx, maxx, miny, maxy);
        else if (looks_lonlat(minx, miny, maxx, maxy))
            snprintf(diag, diag_size, "no CRS; coordinates look like lon/lat degrees (WGS 84 or CGCS2000, or GCJ-02 if the data came from AMap/Gaode/Tencent: the numbers cannot tell)");
        else
            snprintf(diag, diag_size, "no CRS; coordinates look projected (x %.6g..%.6g, y %.6g..%.6g); the plan must give crs:",
                     minx, maxx, miny, maxy);
        return HL_OK;
    }
    rc = hl_io_crs_describe(ctx, crs, &ci);
    if (rc) return rc;
    if (ci.geographic) {
        if (minx >= 3.0 && maxx <= 54.0 && miny >= 73.0 && maxy <= 136.0) {
            *ok = false;
            snprintf(diag, diag_size,
                     "longitude and latitude look swapped: x %.6g..%.6g are latitudes and y %.6g..%.6g longitudes of China; swap the axes of the source data",
                     minx, maxx, miny, maxy);
        } else if (!looks_lonlat(minx, miny, maxx, maxy)) {
            *ok = false;
            snprintf(diag, diag_size,
                     "the CRS '%s' is geographic but the coordinates (x %.6g..%.6g, y %.6g..%.6g) are not degrees: they look projected; give the projected CRS with crs:",
                     ci.name, minx, maxx, miny, maxy);
        }
        return HL_OK;
    }
    if (!ci.projected) return HL_OK;
    double unit = ci.linear_unit_m > 0 ? ci.linear_unit_m : 1.0;
    double minx_m = minx * unit, maxx_m = maxx * unit;
    if (ci.transverse_mercator && ci.gk_zone_prefix > 0 && maxx_m < 1e6) {
        char hint[96] = "";
        if (ci.epsg >= 4513 && ci.epsg <= 4533)
            snprintf(hint, sizeof hint, " (EPSG:%d)", ci.epsg + 21);
        else if (ci.epsg >= 4491 && ci.epsg <= 4501)
            snprintf(hint, sizeof hint, " (EPSG:%d)", ci.epsg + 11);
        *ok = false;
        snprintf(diag, diag_size,
                 "eastings %.0f..%.0f lack the zone prefix that '%s' expects (false easting %.0f); declare the same CRS without zone prefix, central meridian %.0fE%s",
                 minx_m, maxx_m, ci.name, ci.false_easting_m, ci.central_meridian_deg, hint);
        return HL_OK;
    }
    if (ci.transverse_mercator && ci.gk_zone_prefix == 0 && (minx_m > 1e8 || maxx_m > 1e8 || fabs(miny * unit) > 1e8)) {
        /* far beyond any zone prefix (61 zones): not coordinates of this CRS */
        *ok = false;
        snprintf(diag, diag_size,
                 "coordinates are far outside the CRS '%s' (eastings beyond 100,000 km): the data is damaged or in "
                 "another unit; check the source",
                 ci.name);
        return HL_OK;
    }
    if (ci.transverse_mercator && ci.gk_zone_prefix == 0 && minx_m > 1e6) {
        int zone = (int)floor(minx_m / 1e6);
        char hint[96] = "";
        if (ci.epsg >= 4534 && ci.epsg <= 4554 && zone >= 25 && zone <= 45)
            snprintf(hint, sizeof hint, " (for CGCS2000 3-degree zone %d: EPSG:%d)", zone, 4513 + zone - 25);
        else if (ci.epsg >= 4502 && ci.epsg <= 4512 && zone >= 13 && zone <= 23)
            snprintf(hint, sizeof hint, " (for CGCS2000 6-degree zone %d: EPSG:%d)", zone, 4491 + zone - 13);
        *ok = false;
        snprintf(diag, diag_size,
                 "eastings %.0f..%.0f carry a zone prefix (%d) but '%s' has none; declare the zone-prefixed CRS%s",
                 minx_m, maxx_m, zone, ci.name, hint);
        return HL_OK;
    }
    if (looks_lonlat(minx, miny, maxx, maxy) && maxx - minx < 360.0 && maxy - miny < 180.0 &&
        fabs(maxx) + fabs(maxy) < 300.0) {
        *ok = false;
        snprintf(diag, diag_size,
                 "the CRS '%s' is projected but the coordinates (x %.6g..%.6g, y %.6g..%.6g) look like lon/lat degrees; declare a geographic CRS (EPSG:4490 or EPSG:4326)",
                 ci.name, minx, maxx, miny, maxy);
    }
    return HL_OK;
}
