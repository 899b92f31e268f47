/* Unit tests for the io module: encoding detection on hand-made DBFs and a
 * GDAL-written GBK shapefile, CRS parsing and description, the working-CRS
 * choice (checked against the CRS definitions PROJ holds), axis order,
 * Gauss-Krüger zone-prefix diagnoses, GCJ-02 values, and the inventory on
 * real data.  Expected numbers come from hand computation or independent
 * code (see the comments), never from this module's own output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "hl/core.h"
#include "hl/io.h"

#ifndef HL_SHARED_DIR
#define HL_SHARED_DIR "../shared"
#endif
#define REAL HL_SHARED_DIR "/data/real"

/* GBK bytes of 沁水县 and 郑庄镇, from `printf 沁水县 | iconv -f UTF-8 -t GBK | xxd`. */
#define GBK_QINSHUI "\xC7\xDF\xCB\xAE\xCF\xD8"
#define GBK_ZHENGZHUANG "\xD6\xA3\xD7\xAF\xD5\xF2"
/* The same names in UTF-8 (U+6C81 U+6C34 U+53BF, U+90D1 U+5E84 U+9547). */
#define UTF8_QINSHUI "\xE6\xB2\x81\xE6\xB0\xB4\xE5\x8E\xBF"
#define UTF8_ZHENGZHUANG "\xE9\x83\x91\xE5\xBA\x84\xE9\x95\x87"

static char g_tmpdir[256];

static int setup_tmp(void **state) {
    (void)state;
    snprintf(g_tmpdir, sizeof g_tmpdir, "/tmp/hl_test_io_XXXXXX");
    if (!mkdtemp(g_tmpdir)) return -1;
    GDALAllRegister();
    return 0;
}

static int teardown_tmp(void **state) {
    char cmd[512];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Write `base`.dbf by hand: one character field NAME of `width` bytes,
 * the given records (raw bytes, space padded) and language id `ldid`. */
static void write_dbf(const char *base, unsigned ldid, unsigned width, const char *const *recs, size_t n) {
    char path[512];
    unsigned char hdr[32] = {0}, fd[32] = {0};
    unsigned hsize = 32 + 32 + 1, rsize = 1 + width;
    FILE *f;
    snprintf(path, sizeof path, "%s.dbf", base);
    f = fopen(path, "wb");
    assert_non_null(f);
    hdr[0] = 0x03;
    hdr[1] = 124, hdr[2] = 1, hdr[3] = 1;
    hdr[4] = (unsigned char)n;
    hdr[8] = (unsigned char)(hsize & 0xFF), hdr[9] = (unsigned char)(hsize >> 8);
    hdr[10] = (unsigned char)(rsize & 0xFF), hdr[11] = (unsigned char)(rsize >> 8);
    hdr[29] = (unsigned char)ldid;
    fwrite(hdr, 1, 32, f);
    memcpy(fd, "NAME", 4);
    fd[11] = 'C';
    fd[16] = (unsigned char)width;
    fwrite(fd, 1, 32, f);
    fputc(0x0D, f);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(recs[i]);
        fputc(' ', f);
        fwrite(recs[i], 1, len, f);
        for (size_t k = len; k < width; k++) fputc(' ', f);
    }
    fputc(0x1A, f);
    fclose(f);
}

static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void detect(const char *name, char *enc, size_t enc_size, char *how, size_t how_size) {
    hl_ctx *ctx = hl_ctx_create();
    char shp[512];
    snprintf(shp, sizeof shp, "%s/%s.shp", g_tmpdir, name);
    hl_status rc = hl_io_detect_encoding(ctx, shp, NULL, enc, enc_size, how, how_size);
    if (rc) fprintf(stderr, "detect %s: %s\n", name, hl_ctx_errmsg(ctx));
    assert_int_equal(rc, HL_OK);
    hl_ctx_destroy(ctx);
}

static void test_encoding_cpg_wins(void **state) {
    (void)state;
    char base[512], enc[32], how[256];
    const char *recs[] = {GBK_QINSHUI, "abc"};
    snprintf(base, sizeof base, "%s/cpg", g_tmpdir);
    write_dbf(base, 0x57, 20, recs, 2);
    /* the .cpg says UTF-8 although the bytes are GBK: the .cpg wins */
    snprintf(base, sizeof base, "%s/cpg.cpg", g_tmpdir);
    write_text(base, "UTF-8\n");
    detect("cpg", enc, sizeof enc, how, sizeof how);
    assert_string_equal(enc, "UTF-8");
    assert_string_equal(how, "cpg file");
    /* a numeric code page */
    write_text(base, "936");
    detect("cpg", enc, sizeof enc, how, sizeof how);
    assert_string_equal(enc, "GBK");
}

static void test_encoding_ldid_4d(void **state) {
    (void)state;
    char base[512], enc[32], how[256];
    const char *recs[] = {GBK_QINSHUI, GBK_ZHENGZHUANG};
    snprintf(base, sizeof base, "%s/ldid", g_tmpdir);
    write_dbf(base, 0x4D, 20, recs, 2);
    detect("ldid", enc, sizeof enc, how, sizeof how);
    assert_string_equal(enc, "GBK");
    assert_non_null(strstr(how, "0x4D"));
}

static void test_encoding_content_gbk(void **state) {
    (void)state;
    char base[512], enc[32], how[256];
    const char *recs[] = {GBK_QINSHUI, "Xiaoshui", GBK_ZHENGZHUANG};
    snprintf(base, sizeof base, "%s/gbk", g_tmpdir);
    write_dbf(base, 0, 20, recs, 3);
    detect("gbk", enc, sizeof enc, how, sizeof how);
    assert_string_equal(enc, "GB18030");
    assert_non_null(strstr(how, "GB18030 decodes, not UTF-8"));
}

static void test_encoding_content_utf8(void **state) {
    (void)state;
    char base[512], enc[32], how[256];
    /* width 12 = 4 CJK characters: 郑庄镇 fits (9 bytes); 沁水县郑庄 (15
     * bytes) is cut after 12 bytes exactly at a character boundary; and
     * 沁水县X郑 is cut inside 郑 (bytes 11..13), which must be tolerated. */
    const char *recs[] = {UTF8_ZHENGZHUANG, UTF8_QINSHUI "\xE9\x83\x91", UTF8_QINSHUI "X\xE9\x83"};
    snprintf(base, sizeof base, "%s/utf8", g_tmpdir);
    write_dbf(base, 0, 12, recs, 3);
    detect("utf8", enc, sizeof enc, how, sizeof how);
    assert_string_equal(enc, "UTF-8");
    assert_non_null(strstr(how, "all strings valid UTF-8"));
    assert_non_null(strstr(how, "1 cut"));
}

static void test_encoding_ansi_latin(void **state) {
    (void)state;
    char base[512], enc[32], how[256];
    /* olinda1.dbf style: CP1252 bytes with language id 0x57 */
    const char *recs[] = {"S\xE3o Benedito", "Jardim Atl\xE2ntico", "Caixa D'\xC1gua"};
    snprintf(base, sizeof base, "%s/latin", g_tmpdir);
    write_dbf(base, 0x57, 30, recs, 3);
    detect("latin", enc, sizeof enc, how, sizeof how);
    assert_string_equal(enc, "CP1252");
    /* the same with UTF-8 content and id 0x57: UTF-8 wins */
    const char *recs2[] = {"S\xC3\xA3o Benedito"};
    write_dbf(base, 0x57, 30, recs2, 1);
    detect("latin", enc, sizeof enc, how, sizeof how);
    assert_string_equal(enc, "UTF-8");
    assert_non_null(strstr(how, "0x57"));
}

/* A GBK shapefile written by GDAL, then stripped of its .cpg and language
 * id: detection must say GB18030 and the open options must make GDAL
 * deliver the right UTF-8 names. */
static void test_encoding_gdal_roundtrip(void **state) {
    (void)state;
    char shp[512], dbf[512], cpg[512], enc[32], how[256];
    hl_ctx *ctx = hl_ctx_create();
    snprintf(shp, sizeof shp, "%s/gdalgbk.shp", g_tmpdir);
    {
        GDALDriverH drv = GDALGetDriverByName("ESRI Shapefile");
        GDALDatasetH ds = GDALCreate(drv, shp, 0, 0, 0, GDT_Unknown, NULL);
        assert_non_null(ds);
        const char *lco[] = {"ENCODING=GBK", NULL};
        OGRLayerH l = GDALDatasetCreateLayer(ds, "gdalgbk", NULL, wkbPoint, (char **)lco);
        assert_non_null(l);
        OGRFieldDefnH fd = OGR_Fld_Create("name", OFTString);
        OGR_Fld_SetWidth(fd, 20);
        assert_int_equal(OGR_L_CreateField(l, fd, TRUE), OGRERR_NONE);
        OGR_Fld_Destroy(fd);
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGR_F_SetFieldString(f, 0, UTF8_QINSHUI);
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, 112.37, 35.75);
        OGR_F_SetGeometryDirectly(f, g);
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
        GDALClose(ds);
    }
    snprintf(dbf, sizeof dbf, "%s/gdalgbk.dbf", g_tmpdir);
    snprintf(cpg, sizeof cpg, "%s/gdalgbk.cpg", g_tmpdir);
    unlink(cpg);
    {
        FILE *f = fopen(dbf, "r+b");
        assert_non_null(f);
        unsigned char buf[2048];
        size_t n = fread(buf, 1, sizeof buf, f);
        assert_true(n > 40);
        /* GDAL must really have written GBK bytes */
        bool found = false;
        for (size_t i = 0; i + 6 <= n && !found; i++) found = memcmp(buf + i, GBK_QINSHUI, 6) == 0;
        assert_true(found);
        fseek(f, 29, SEEK_SET);
        fputc(0, f);
        fclose(f);
    }
    assert_int_equal(hl_io_detect_encoding(ctx, shp, NULL, enc, sizeof enc, how, sizeof how), HL_OK);
    assert_string_equal(enc, "GB18030");

    hl_io_open_opts oo;
    assert_int_equal(hl_io_open_options_for_encoding(ctx, shp, enc, &oo), HL_OK);
    assert_non_null(oo.list[0]);
    assert_string_equal(oo.list[0], "ENCODING=GB18030");
    assert_null(oo.list[1]);
    GDALDatasetH ds = GDALOpenEx(shp, GDAL_OF_VECTOR, NULL, (const char *const *)oo.list, NULL);
    assert_non_null(ds);
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    assert_non_null(f);
    assert_string_equal(OGR_F_GetFieldAsString(f, 0), UTF8_QINSHUI);
    OGR_F_Destroy(f);
    GDALClose(ds);

    /* non-shapefile: no option; unknown encoding: refused */
    assert_int_equal(hl_io_open_options_for_encoding(ctx, "x.geojson", "UTF-8", &oo), HL_OK);
    assert_null(oo.list[0]);
    assert_int_equal(hl_io_open_options_for_encoding(ctx, shp, "NO-SUCH-CODEPAGE", &oo), HL_E_ARG);
    assert_non_null(strstr(hl_ctx_errmsg(ctx), "NO-SUCH-CODEPAGE"));
    hl_ctx_destroy(ctx);
}

static void test_utf8_and_recode(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    char *s = NULL;
    assert_true(hl_io_is_utf8(UTF8_QINSHUI, 9));
    assert_false(hl_io_is_utf8(UTF8_QINSHUI, 8)); /* cut */
    assert_false(hl_io_is_utf8("\xC0\x80", 2));   /* overlong NUL */
    assert_false(hl_io_is_utf8("\xED\xA0\x80", 3)); /* surrogate */
    assert_false(hl_io_is_utf8("\xF4\x90\x80\x80", 4)); /* > U+10FFFF */
    assert_false(hl_io_is_utf8(GBK_QINSHUI, 6));
    assert_int_equal(hl_io_recode_to_utf8(ctx, GBK_QINSHUI, "GBK", &s), HL_OK);
    assert_string_equal(s, UTF8_QINSHUI);
    hl_free(s);
    /* a stray lead byte becomes U+FFFD */
    assert_int_equal(hl_io_recode_to_utf8(ctx, "A\xC7", "GBK", &s), HL_OK);
    assert_string_equal(s, "A\xEF\xBF\xBD");
    hl_free(s);
    assert_int_equal(hl_io_recode_to_utf8(ctx, "x", "NO-SUCH", &s), HL_E_ARG);
    hl_ctx_destroy(ctx);
}

/* ---------------------------------------------------------------- */

static void test_crs_parse(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    hl_crs *c = NULL;
    hl_crs_info ci;
    assert_int_equal(hl_io_crs_parse(ctx, " EPSG:4546 ", &c), HL_OK);
    assert_int_equal(hl_io_crs_describe(ctx, c, &ci), HL_OK);
    assert_int_equal(ci.epsg, 4546);
    assert_true(ci.projected && ci.transverse_mercator);
    assert_true(fabs(ci.central_meridian_deg - 111.0) < 1e-12);
    assert_int_equal(ci.gk_zone_prefix, 0);
    hl_io_crs_destroy(c);

    assert_int_equal(hl_io_crs_parse(ctx, "EPSG:4525", &c), HL_OK); /* zone 37 prefixed */
    assert_int_equal(hl_io_crs_describe(ctx, c, &ci), HL_OK);
    assert_int_equal(ci.gk_zone_prefix, 37);
    assert_true(fabs(ci.false_easting_m - 37500000.0) < 1e-6);
    hl_io_crs_destroy(c);

    assert_int_equal(hl_io_crs_parse(ctx, "gcj-02", &c), HL_OK);
    assert_int_equal(hl_io_crs_describe(ctx, c, &ci), HL_OK);
    assert_true(ci.gcj02 && ci.geographic);
    assert_int_equal(ci.epsg, 0);
    hl_io_crs_destroy(c);

    assert_int_equal(hl_io_crs_parse(ctx, "CGCS2000", &c), HL_OK);
    assert_int_equal(hl_io_crs_describe(ctx, c, &ci), HL_OK);
    assert_int_equal(ci.epsg, 4490);
    hl_io_crs_destroy(c);

    /* the tudigong Albers as a PROJ string: projected, no EPSG */
    assert_int_equal(hl_io_crs_parse(ctx, "+proj=aea +lat_0=36 +lat_1=24 +lat_2=48 +lon_0=104.5 +datum=WGS84 +units=m +no_defs", &c), HL_OK);
    assert_int_equal(hl_io_crs_describe(ctx, c, &ci), HL_OK);
    assert_true(ci.projected);
    assert_false(ci.transverse_mercator);
    assert_int_equal(ci.epsg, 0);
    hl_io_crs_destroy(c);

    /* nc.prj (ESRI WKT, no authority): identified as EPSG:4267 by matching */
    {
        char wkt[1024] = "";
        FILE *f = fopen(REAL "/debian-r-cran-sf/nc.prj", "rb");
        if (f) {
            size_t n = fread(wkt, 1, sizeof wkt - 1, f);
            wkt[n] = '\0';
            fclose(f);
            assert_int_equal(hl_io_crs_parse(ctx, wkt, &c), HL_OK);
            assert_int_equal(hl_io_crs_describe(ctx, c, &ci), HL_OK);
            assert_int_equal(ci.epsg, 4267);
            assert_true(ci.epsg_confidence >= 70);
            hl_io_crs_destroy(c);
        }
    }

    assert_int_equal(hl_io_crs_parse(ctx, "4546", &c), HL_E_CRS);
    assert_null(c);
    assert_non_null(strstr(hl_ctx_errmsg(ctx), "EPSG:4546"));
    assert_int_equal(hl_io_crs_parse(ctx, "no such crs", &c), HL_E_CRS);
    assert_int_equal(hl_io_crs_parse(ctx, "", &c), HL_E_CRS);
    assert_int_equal(hl_io_crs_parse(ctx, "https://example.org/crs", &c), HL_E_CRS);
    assert_int_equal(hl_io_crs_from_epsg(ctx, 999999, &c), HL_E_CRS);
    hl_io_crs_destroy(NULL);
    hl_ctx_destroy(ctx);
}

/* The central meridian of an EPSG CRS read from PROJ's own definition,
 * through GDAL directly (not through our module). */
static double osr_cm(int epsg, char *name, size_t name_size) {
    OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
    assert_int_equal(OSRImportFromEPSG(s, epsg), OGRERR_NONE);
    double cm = OSRGetProjParm(s, SRS_PP_CENTRAL_MERIDIAN, NAN, NULL);
    if (name) snprintf(name, name_size, "%s", OSRGetName(s));
    OSRDestroySpatialReference(s);
    return cm;
}

static void test_working_crs(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    int epsg = 0;
    char name[256];
    /* 沁水县 centroid: CM 111E = EPSG:4546 */
    assert_int_equal(hl_io_choose_working_crs(ctx, 112.37, 35.75, &epsg), HL_OK);
    assert_int_equal(epsg, 4546);
    assert_true(fabs(osr_cm(epsg, name, sizeof name) - 111.0) < 1e-9);
    assert_non_null(strstr(name, "CGCS2000 / 3-degree Gauss-Kruger CM 111E"));
    /* Beijing 116.4E: CM 117E */
    assert_int_equal(hl_io_choose_working_crs(ctx, 116.4, 39.9, &epsg), HL_OK);
    assert_true(fabs(osr_cm(epsg, NULL, 0) - 117.0) < 1e-9);
    /* every longitude in China gets the nearest 3-degree CM, per PROJ */
    for (double lon = 73.0; lon <= 136.0; lon += 0.25) {
        assert_int_equal(hl_io_choose_working_crs(ctx, lon, 30.0, &epsg), HL_OK);
        double cm = osr_cm(epsg, name, sizeof name);
        assert_true(fabs(lon - cm) <= 1.5 + 1e-9 || (lon < 73.5 && cm == 75.0) || (lon > 136.5 && cm == 135.0));
        assert_non_null(strstr(name, "CGCS2000 / 3-degree Gauss-Kruger CM"));
    }
    /* Liechtenstein: UTM 32N (CM 9E) */
    assert_int_equal(hl_io_choose_working_crs(ctx, 9.52, 47.14, &epsg), HL_OK);
    assert_int_equal(epsg, 32632);
    assert_true(fabs(osr_cm(epsg, name, sizeof name) - 9.0) < 1e-9);
    assert_non_null(strstr(name, "UTM zone 32N"));
    /* Sergipe, Brazil: UTM 24S (CM 39W) */
    assert_int_equal(hl_io_choose_working_crs(ctx, -37.5, -11.0, &epsg), HL_OK);
    assert_int_equal(epsg, 32724);
    assert_true(fabs(osr_cm(epsg, NULL, 0) + 39.0) < 1e-9);
    /* bad input */
    assert_int_equal(hl_io_choose_working_crs(ctx, 600000.0, 3.9e6, &epsg), HL_E_ARG);
    assert_int_equal(hl_io_choose_working_crs(ctx, NAN, 30.0, &epsg), HL_E_ARG);
    hl_ctx_destroy(ctx);
}

static void xform_one(hl_ctx *ctx, const char *from, const char *to, double *x, double *y) {
    hl_crs *a = NULL, *b = NULL;
    hl_io_xform *xf = NULL;
    assert_int_equal(hl_io_crs_parse(ctx, from, &a), HL_OK);
    assert_int_equal(hl_io_crs_parse(ctx, to, &b), HL_OK);
    assert_int_equal(hl_io_xform_create(ctx, a, b, &xf), HL_OK);
    assert_int_equal(hl_io_xform_points(ctx, xf, 1, x, y), HL_OK);
    hl_io_xform_destroy(xf);
    hl_io_crs_destroy(a);
    hl_io_crs_destroy(b);
}

static void test_axis_order_and_transforms(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    double x, y;
    /* Expected GK values from Snyder's transverse Mercator series (USGS PP
     * 1395, eqs. 8-9..8-10) evaluated by hand in Python: CGCS2000 ellipsoid
     * a = 6378137, 1/f = 298.257222101, CM 111E, FE 500000:
     * (112.37E, 35.75N) -> 623916.722, 3958669.154. */
    x = 112.37, y = 35.75;
    xform_one(ctx, "EPSG:4490", "EPSG:4546", &x, &y);
    assert_true(fabs(x - 623916.722) < 0.01);
    assert_true(fabs(y - 3958669.154) < 0.01);
    /* EPSG:4326 declares lat/lon order; we still give lon first */
    x = 112.37, y = 35.75;
    xform_one(ctx, "EPSG:4326", "EPSG:4546", &x, &y);
    assert_true(fabs(x - 623916.7) < 2.0); /* WGS 84 vs CGCS2000: sub-metre in PROJ (null shift) */
    assert_true(fabs(y - 3958669.2) < 2.0);
    /* EPSG:3035 declares northing/easting; the LAEA centre 10E 52N maps to
     * (FE, FN) = (4321000, 3210000) by the definition of the projection. */
    x = 10.0, y = 52.0;
    xform_one(ctx, "EPSG:4326", "EPSG:3035", &x, &y);
    assert_true(fabs(x - 4321000.0) < 1e-3);
    assert_true(fabs(y - 3210000.0) < 1e-3);
    /* Xian 1980 / 3-degree GK CM 111E (EPSG:2382): same series with the IAG
     * 1975 ellipsoid a = 6378140, 1/f = 298.257 -> 623916.781, 3958670.999
     * (input taken as Xian 1980 lon/lat, EPSG:4610). */
    x = 112.37, y = 35.75;
    xform_one(ctx, "EPSG:4610", "EPSG:2382", &x, &y);
    assert_true(fabs(x - 623916.781) < 0.01);
    assert_true(fabs(y - 3958670.999) < 0.01);
    /* Beijing 1954 -> WGS 84 transforms (a datum shift of well under 0.01 deg) */
    x = 112.37, y = 35.75;
    xform_one(ctx, "EPSG:4214", "EPSG:4326", &x, &y);
    assert_true(fabs(x - 112.37) < 0.01 && fabs(y - 35.75) < 0.01);
    assert_true(x > 100.0); /* still lon first */
    /* GCJ-02 -> WGS 84: the Shanghai pair below, backwards */
    x = 121.531541859215, y = 31.17530398364597;
    xform_one(ctx, "GCJ02", "EPSG:4326", &x, &y);
    assert_true(fabs(x - 121.5272106) < 1e-7);
    assert_true(fabs(y - 31.1774276) < 1e-7);
    hl_ctx_destroy(ctx);
}

static void check(hl_ctx *ctx, const char *crs_text, double minx, double miny, double maxx, double maxy,
                  bool want_ok, const char *want_substr, const char *want_substr2) {
    hl_crs *c = NULL;
    bool ok = !want_ok;
    char diag[512];
    if (crs_text) assert_int_equal(hl_io_crs_parse(ctx, crs_text, &c), HL_OK);
    assert_int_equal(hl_io_check_coords(ctx, c, minx, miny, maxx, maxy, &ok, diag, sizeof diag), HL_OK);
    if (ok != want_ok) fprintf(stderr, "check %s: %s\n", crs_text ? crs_text : "(none)", diag);
    assert_true(ok == want_ok);
    if (want_substr) assert_non_null(strstr(diag, want_substr));
    if (want_substr2) assert_non_null(strstr(diag, want_substr2));
    hl_io_crs_destroy(c);
}

static void test_coord_diagnoses(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    /* right */
    check(ctx, "EPSG:4490", 110.2, 34.5, 114.6, 40.7, true, NULL, NULL);
    check(ctx, "EPSG:4546", 540000, 3900000, 690000, 4000000, true, NULL, NULL);
    check(ctx, "EPSG:4525", 37540000, 3900000, 37690000, 4000000, true, NULL, NULL);
    /* lon/lat swapped */
    check(ctx, "EPSG:4326", 34.5, 110.2, 40.7, 114.6, false, "swapped", NULL);
    /* projected values declared geographic */
    check(ctx, "EPSG:4490", 540000, 3900000, 690000, 4000000, false, "look projected", NULL);
    /* prefixed CRS (zone 37, CM 111E), eastings without prefix: suggest 4546 */
    check(ctx, "EPSG:4525", 540000, 3900000, 690000, 4000000, false, "lack the zone prefix", "EPSG:4546");
    /* unprefixed CRS, eastings with prefix 37: suggest 4525 */
    check(ctx, "EPSG:4546", 37540000, 3900000, 37690000, 4000000, false, "carry a zone prefix", "EPSG:4525");
    /* degrees declared projected */
    check(ctx, "EPSG:4546", 110.2, 34.5, 114.6, 40.7, false, "look like lon/lat degrees", NULL);
    /* no CRS */
    check(ctx, NULL, 110.2, 34.5, 114.6, 40.7, false, "no CRS", "lon/lat");
    check(ctx, NULL, -2575870, -3446832, 2233802, 2087056, false, "no CRS", "projected");
    /* bad extent */
    bool ok;
    char diag[64];
    assert_int_equal(hl_io_check_coords(ctx, NULL, 1, 1, 0, 0, &ok, diag, sizeof diag), HL_E_ARG);
    hl_ctx_destroy(ctx);
}

/* ---------------------------------------------------------------- */

static void test_gcj02(void **state) {
    (void)state;
    double lon, lat;
    /* Known pairs: WGS 84 -> GCJ-02 computed with an independent Python
     * re-implementation of the published formulas (/usr/bin/python3, see
     * the io report); the Shanghai/Shenzhen/Beijing inputs and outputs are
     * also the test vectors of the eviltransform project. */
    static const double pairs[][4] = {
        /* wgs lon, wgs lat, gcj lon, gcj lat */
        {121.5272106, 31.1774276, 121.531541859214997, 31.175303983645971},
        {113.912316, 22.543847, 113.917176480836304, 22.540796131694766},
        {116.377817, 39.911954, 116.384047224556568, 39.913345455360691},
        {112.37, 35.75, 112.376419616589956, 35.750020265807692},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        hl_io_gcj02_from_wgs84(pairs[i][0], pairs[i][1], &lon, &lat);
        assert_true(fabs(lon - pairs[i][2]) < 1e-9);
        assert_true(fabs(lat - pairs[i][3]) < 1e-9);
        hl_io_gcj02_to_wgs84(pairs[i][2], pairs[i][3], &lon, &lat);
        assert_true(fabs(lon - pairs[i][0]) < 1e-7);
        assert_true(fabs(lat - pairs[i][1]) < 1e-7);
    }
    /* round trip over China */
    for (double x = 74.0; x <= 134.0; x += 1.5)
        for (double y = 4.0; y <= 53.0; y += 1.5) {
            double gx, gy, wx, wy;
            hl_io_gcj02_from_wgs84(x, y, &gx, &gy);
            assert_true(fabs(gx - x) > 1e-5 || fabs(gy - y) > 1e-5); /* an offset was applied */
            hl_io_gcj02_to_wgs84(gx, gy, &wx, &wy);
            assert_true(fabs(wx - x) < 1e-6 && fabs(wy - y) < 1e-6);
        }
    /* outside China: unchanged */
    hl_io_gcj02_from_wgs84(9.52, 47.14, &lon, &lat);
    assert_true(lon == 9.52 && lat == 47.14);
    hl_io_gcj02_to_wgs84(-37.5, -11.0, &lon, &lat);
    assert_true(lon == -37.5 && lat == -11.0);
    assert_false(hl_io_gcj02_in_china(139.7, 35.7)); /* Tokyo */
    assert_true(hl_io_gcj02_in_china(112.37, 35.75));
}

/* ---------------------------------------------------------------- */

static const hl_io_layer_info *find_layer(const hl_io_inventory *inv, const char *suffix, const char *layer) {
    for (size_t i = 0; i < hl_io_inventory_count(inv); i++) {
        const hl_io_layer_info *li = hl_io_inventory_get(inv, i);
        size_t n = strlen(li->dataset), m = strlen(suffix);
        if (n >= m && !strcmp(li->dataset + n - m, suffix) && li->layer && (!layer || !strcmp(li->layer, layer)))
            return li;
    }
    return NULL;
}

static void test_inventory_real(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    hl_io_inventory *inv = NULL;
    const char *paths[] = {REAL "/garybikini-shanxi-counties", REAL "/debian-r-cran-sf/nc.shp",
                           REAL "/tudigong-china-counties/counties-geo.topojson"};
    if (access(REAL "/debian-r-cran-sf/nc.shp", R_OK) != 0) {
        hl_ctx_destroy(ctx);
        skip();
    }
    assert_int_equal(hl_io_inventory_create(ctx, paths, 3, NULL, &inv), HL_OK);
    /* counts from SOURCES.md (measured with ogrinfo) */
    const hl_io_layer_info *g = find_layer(inv, "\xE5\xB1\xB1\xE8\xA5\xBF\xE7\x9C\x81.shp", NULL); /* 山西省.shp */
    assert_non_null(g);
    assert_string_equal(g->layer, "\xE5\xB1\xB1\xE8\xA5\xBF\xE7\x9C\x81");
    assert_int_equal(g->feature_count, 117);
    assert_false(g->has_crs);
    assert_string_equal(g->encoding, "UTF-8");
    assert_int_equal(g->geom_kind, HL_GEOM_POLYGON);
    assert_non_null(g->notes);
    assert_non_null(strstr(g->notes, "GCJ-02"));
    assert_true(g->n_fields >= 2);
    assert_string_equal(g->fields[0].name, "name");
    assert_string_equal(g->fields[0].type, "String(12)");
    const hl_io_layer_info *nc = find_layer(inv, "nc.shp", NULL);
    assert_non_null(nc);
    assert_int_equal(nc->feature_count, 100);
    assert_int_equal(nc->epsg, 4267);
    const hl_io_layer_info *county = find_layer(inv, "counties-geo.topojson", "county");
    assert_non_null(county);
    assert_int_equal(county->feature_count, 2990);
    assert_false(county->has_crs);
    assert_int_equal(county->geom_kind, HL_GEOM_POLYGON);
    hl_io_inventory_destroy(inv);

    /* a missing path fails the call */
    const char *bad[] = {REAL "/no-such-file.shp"};
    assert_int_equal(hl_io_inventory_create(ctx, bad, 1, NULL, &inv), HL_E_IO);
    assert_null(inv);
    hl_ctx_destroy(ctx);
}

/* Allocation failures anywhere in the inventory must fail cleanly. */
static void test_inventory_oom(void **state) {
    (void)state;
    const char *paths[] = {REAL "/debian-r-cran-sf/nc.shp"};
    if (access(paths[0], R_OK) != 0) skip();
    hl_ctx *ctx = hl_ctx_create();
    for (uint64_t n = 1; n < 2000; n++) {
        hl_io_inventory *inv = NULL;
        hl_ctx_fail_alloc_after(ctx, n);
        hl_status rc = hl_io_inventory_create(ctx, paths, 1, NULL, &inv);
        hl_ctx_fail_alloc_after(ctx, 0);
        if (rc == HL_OK) {
            assert_int_equal(hl_io_inventory_count(inv), 1);
            hl_io_inventory_destroy(inv);
            break;
        }
        assert_int_equal(rc, HL_E_NOMEM);
        assert_null(inv);
    }
    hl_ctx_destroy(ctx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encoding_cpg_wins),
        cmocka_unit_test(test_encoding_ldid_4d),
        cmocka_unit_test(test_encoding_content_gbk),
        cmocka_unit_test(test_encoding_content_utf8),
        cmocka_unit_test(test_encoding_ansi_latin),
        cmocka_unit_test(test_encoding_gdal_roundtrip),
        cmocka_unit_test(test_utf8_and_recode),
        cmocka_unit_test(test_crs_parse),
        cmocka_unit_test(test_working_crs),
        cmocka_unit_test(test_axis_order_and_transforms),
        cmocka_unit_test(test_coord_diagnoses),
        cmocka_unit_test(test_gcj02),
        cmocka_unit_test(test_inventory_real),
        cmocka_unit_test(test_inventory_oom),
    };
    return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
