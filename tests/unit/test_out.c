/* Unit tests of the out module: atomic output (commit, abort, exists,
 * unwritable folder, signal-safe abort), GeoPackage finalisation (same
 * bytes twice, aliases in gpkg_data_columns, styles, metadata, fixed
 * timestamps) and Shapefile field-name shortening. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hl/core.h"
#include "hl/out.h"

static char g_dir[256];

static int setup(void **state) {
    (void)state;
    strcpy(g_dir, "/tmp/hl_test_out_XXXXXX");
    if (!mkdtemp(g_dir)) return -1;
    return 0;
}

static int teardown(void **state) {
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void path_in(char *buf, size_t n, const char *name) { snprintf(buf, n, "%s/%s", g_dir, name); }

static void write_text(const char *path, const char *text) {
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static char *read_text(const char *path) {
    static char buf[4096];
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static bool exists(const char *path) {
    struct stat st;
    return lstat(path, &st) == 0;
}

/* ---------------------------------------------------------------- atomic */

static void test_commit_writes_final(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    hl_out_file *f = NULL;
    char final[512];
    path_in(final, sizeof final, "a.txt");
    assert_int_equal(hl_out_begin(ctx, final, false, &f), HL_OK);
    const char *tmp = hl_out_temp_path(f);
    /* the temporary is in the same folder, hidden, with the pid */
    char want[512];
    snprintf(want, sizeof want, "%s/.a.txt.tmp-%ld", g_dir, (long)getpid());
    assert_string_equal(tmp, want);
    assert_false(exists(final));
    write_text(tmp, "new");
    assert_int_equal(hl_out_commit(ctx, f), HL_OK);
    assert_string_equal(read_text(final), "new");
    assert_false(exists(want));
    hl_ctx_destroy(ctx);
}

static void test_exists_without_force(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    hl_out_file *f = NULL;
    char final[512];
    path_in(final, sizeof final, "b.txt");
    write_text(final, "old");
    assert_int_equal(hl_out_begin(ctx, final, false, &f), HL_E_EXISTS);
    assert_null(f);
    assert_non_null(strstr(hl_ctx_errmsg(ctx), final));
    assert_non_null(strstr(hl_ctx_errmsg(ctx), "--force"));
    assert_string_equal(read_text(final), "old");
    hl_ctx_destroy(ctx);
}

static void test_abort_keeps_existing(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    hl_out_file *f = NULL;
    char final[512], tmp[512], wal[600];
    path_in(final, sizeof final, "c.gpkg");
    write_text(final, "old");
    assert_int_equal(hl_out_begin(ctx, final, true, &f), HL_OK);
    snprintf(tmp, sizeof tmp, "%s", hl_out_temp_path(f));
    snprintf(wal, sizeof wal, "%s-wal", tmp);
    write_text(tmp, "half-written");
    write_text(wal, "wal");
    hl_out_abort(f);
    assert_string_equal(read_text(final), "old");
    assert_false(exists(tmp));
    assert_false(exists(wal));
    hl_out_abort(NULL); /* no-op */
    /* with force, commit replaces the old file */
    assert_int_equal(hl_out_begin(ctx, final, true, &f), HL_OK);
    write_text(hl_out_temp_path(f), "new");
    assert_int_equal(hl_out_commit(ctx, f), HL_OK);
    assert_string_equal(read_text(final), "new");
    hl_ctx_destroy(ctx);
}

static void test_unwritable_folder(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    hl_out_file *f = NULL;
    char p[512], file[512];
    /* a missing folder */
    path_in(p, sizeof p, "no/such/dir/x.gpkg");
    assert_int_equal(hl_out_begin(ctx, p, false, &f), HL_E_IO);
    assert_non_null(strstr(hl_ctx_errmsg(ctx), "does not exist"));
    /* a "folder" that is a file */
    path_in(file, sizeof file, "plainfile");
    write_text(file, "x");
    snprintf(p, sizeof p, "%s/x.gpkg", file);
    assert_int_equal(hl_out_begin(ctx, p, true, &f), HL_E_IO);
    /* a read-only folder (root may write anywhere, so only as a normal user) */
    if (geteuid() != 0) {
        char ro[512];
        path_in(ro, sizeof ro, "ro");
        assert_int_equal(mkdir(ro, 0555), 0);
        snprintf(p, sizeof p, "%s/x.gpkg", ro);
        assert_int_equal(hl_out_begin(ctx, p, true, &f), HL_E_IO);
        assert_non_null(strstr(hl_ctx_errmsg(ctx), ro));
        chmod(ro, 0755);
    }
    /* /proc refuses new files even for root */
    assert_int_equal(hl_out_begin(ctx, "/proc/hl_test_x.gpkg", true, &f), HL_E_IO);
    assert_null(f);
    hl_ctx_destroy(ctx);
}

static void test_abort_all_signal_safe(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    hl_out_file *f1 = NULL, *f2 = NULL;
    char p1[512], p2[512], t1[512], t2[512], shm[600];
    path_in(p1, sizeof p1, "s1.gpkg");
    path_in(p2, sizeof p2, "s2.gpkg");
    assert_int_equal(hl_out_begin(ctx, p1, false, &f1), HL_OK);
    assert_int_equal(hl_out_begin(ctx, p2, false, &f2), HL_OK);
    snprintf(t1, sizeof t1, "%s", hl_out_temp_path(f1));
    snprintf(t2, sizeof t2, "%s", hl_out_temp_path(f2));
    snprintf(shm, sizeof shm, "%s-shm", t2);
    write_text(t1, "1");
    write_text(t2, "2");
    write_text(shm, "s");
    hl_out_abort_all_signal_safe();
    assert_false(exists(t1));
    assert_false(exists(t2));
    assert_false(exists(shm));
    assert_false(exists(p1));
    hl_out_abort(f1);
    hl_out_abort(f2);
    hl_ctx_destroy(ctx);
}

static void test_dir_commit_replaces(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    hl_out_file *f = NULL;
    char d[512], p[600];
    path_in(d, sizeof d, "outdir");
    assert_int_equal(mkdir(d, 0755), 0);
    snprintf(p, sizeof p, "%s/old.txt", d);
    write_text(p, "old");
    assert_int_equal(hl_out_begin_dir(ctx, d, false, &f), HL_E_EXISTS);
    assert_int_equal(hl_out_begin_dir(ctx, d, true, &f), HL_OK);
    snprintf(p, sizeof p, "%s/new.txt", hl_out_temp_path(f));
    write_text(p, "new");
    assert_int_equal(hl_out_commit(ctx, f), HL_OK);
    snprintf(p, sizeof p, "%s/new.txt", d);
    assert_string_equal(read_text(p), "new");
    snprintf(p, sizeof p, "%s/old.txt", d);
    assert_false(exists(p));
    /* abort of a folder removes it with its content */
    char d2[512];
    path_in(d2, sizeof d2, "outdir2");
    assert_int_equal(hl_out_begin_dir(ctx, d2, false, &f), HL_OK);
    char tmpd[512];
    snprintf(tmpd, sizeof tmpd, "%s", hl_out_temp_path(f));
    snprintf(p, sizeof p, "%s/x.shp", tmpd);
    write_text(p, "x");
    hl_out_abort(f);
    assert_false(exists(tmpd));
    assert_false(exists(d2));
    hl_ctx_destroy(ctx);
}

/* ---------------------------------------------------------------- finalize */

/* A small result GeoPackage written with OGR, as the pipeline does. */
static void make_gpkg(const char *path) {
    GDALAllRegister();
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    assert_non_null(drv);
    unlink(path);
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 4546);
    OGRLayerH l = GDALDatasetCreateLayer(ds, "village_indicators", srs, wkbPoint, NULL);
    assert_non_null(l);
    const char *names[] = {"id", "name", "population", "t_thc_min", "road_01_meets", "wat_01_value"};
    OGRFieldType types[] = {OFTString, OFTString, OFTInteger, OFTReal, OFTInteger, OFTReal};
    for (int i = 0; i < 6; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(names[i], types[i]);
        OGR_L_CreateField(l, fd, TRUE);
        OGR_Fld_Destroy(fd);
    }
    for (int k = 0; k < 3; k++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        char id[16];
        snprintf(id, sizeof id, "V%d", k);
        OGR_F_SetFieldString(f, 0, id);
        OGR_F_SetFieldString(f, 1, "村");
        OGR_F_SetFieldInteger(f, 2, 100 * k);
        OGR_F_SetFieldDouble(f, 3, 10.0 * k);
        if (k < 2) OGR_F_SetFieldInteger(f, 4, k);
        else OGR_F_SetFieldNull(f, 4);
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, 400000 + 1000 * k, 3950000);
        OGR_F_SetGeometryDirectly(f, g);
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    OGRLayerH t = GDALDatasetCreateLayer(ds, "indicator_summary", NULL, wkbNone, NULL);
    OGRFieldDefnH fd = OGR_Fld_Create("indicator", OFTString);
    OGR_L_CreateField(t, fd, TRUE);
    OGR_Fld_Destroy(fd);
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(t));
    OGR_F_SetFieldString(f, 0, "ROAD-01");
    assert_int_equal(OGR_L_CreateFeature(t, f), OGRERR_NONE);
    OGR_F_Destroy(f);
    OSRDestroySpatialReference(srs);
    GDALClose(ds);
}

static unsigned char *slurp(const char *path, size_t *n) {
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long len = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)len);
    assert_int_equal(fread(b, 1, (size_t)len, fp), (size_t)len);
    fclose(fp);
    *n = (size_t)len;
    return b;
}

static hl_out_meta test_meta(void) {
    hl_out_meta m;
    hl_out_meta_init(&m);
    m.plan_yaml = "county: 示例县\n";
    m.thresholds_json = "[{\"id\":\"HLT-02\",\"value\":15,\"unit\":\"min\",\"source\":\"indicators.md\"}]";
    m.working_crs = "EPSG:4546";
    return m;
}

static void test_finalize_deterministic(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    char a[512], b[512];
    path_in(a, sizeof a, "a.gpkg");
    path_in(b, sizeof b, "b.gpkg");
    hl_out_meta m = test_meta();
    make_gpkg(a);
    sleep(1); /* GDAL stamps last_change with the clock: the two inputs differ in time */
    make_gpkg(b);
    assert_int_equal(hl_out_finalize_gpkg(ctx, a, &m), HL_OK);
    assert_int_equal(hl_out_finalize_gpkg(ctx, b, &m), HL_OK);
    size_t na, nb;
    unsigned char *ba = slurp(a, &na), *bb = slurp(b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(ba, bb, na);
    free(bb);
    free(ba);
    /* finalising again is deterministic too (finalize no longer VACUUMs
       a file without free pages, so a second pass may lay pages out
       differently from the first, but the same way for both files) */
    assert_int_equal(hl_out_finalize_gpkg(ctx, a, &m), HL_OK);
    assert_int_equal(hl_out_finalize_gpkg(ctx, b, &m), HL_OK);
    ba = slurp(a, &na);
    bb = slurp(b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(ba, bb, na);
    free(ba);
    free(bb);
    hl_ctx_destroy(ctx);
}

static char *query1(sqlite3 *db, const char *sql) {
    static char buf[2048];
    sqlite3_stmt *st = NULL;
    buf[0] = '\0';
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return buf;
}

static void test_finalize_contents(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    char a[512];
    path_in(a, sizeof a, "c.gpkg");
    make_gpkg(a);
    hl_out_meta m = test_meta();
    assert_int_equal(hl_out_finalize_gpkg(ctx, a, &m), HL_OK);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(a, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    /* aliases: titles from the catalogue (expected texts written by hand from the brief) */
    assert_string_equal(query1(db, "SELECT title FROM gpkg_data_columns WHERE table_name='village_indicators' AND "
                                   "column_name='t_thc_min'"),
                        "至乡镇卫生院时间（分钟）");
    assert_string_equal(query1(db, "SELECT description FROM gpkg_data_columns WHERE table_name='village_indicators' "
                                   "AND column_name='t_thc_min'"),
                        "Time to township health centre (min)");
    assert_string_equal(query1(db, "SELECT title FROM gpkg_data_columns WHERE table_name='village_indicators' AND "
                                   "column_name='road_01_meets'"),
                        "较大人口规模自然村通硬化路（是否达标）");
    assert_string_equal(query1(db, "SELECT title FROM gpkg_data_columns WHERE table_name='village_indicators' AND "
                                   "column_name='population'"),
                        "人口");
    assert_string_equal(query1(db, "SELECT title FROM gpkg_data_columns WHERE table_name='indicator_summary' AND "
                                   "column_name='indicator'"),
                        "指标");
    /* 6 columns + 1 = 7 rows; the extension is registered */
    assert_string_equal(query1(db, "SELECT count(*) FROM gpkg_data_columns"), "7");
    assert_string_equal(query1(db, "SELECT scope FROM gpkg_extensions WHERE table_name='gpkg_data_columns' AND "
                                   "extension_name='gpkg_schema'"),
                        "read-write");
    assert_string_equal(query1(db, "SELECT count(*) FROM gpkg_extensions WHERE extension_name='gpkg_metadata'"), "2");
    /* one default style per layer; village_indicators classed by travel time with aliases in the QML */
    assert_string_equal(query1(db, "SELECT count(*) FROM layer_styles WHERE useAsDefault=1"), "2");
    assert_string_equal(query1(db, "SELECT group_concat(f_table_name||':'||f_geometry_column, ',') FROM "
                                   "(SELECT * FROM layer_styles WHERE useAsDefault=1 ORDER BY f_table_name)"),
                        "indicator_summary:,village_indicators:geom");
    const char *qml = query1(db, "SELECT substr(styleQML, instr(styleQML, '<renderer-v2'), 40) FROM layer_styles "
                                 "WHERE f_table_name='village_indicators' AND useAsDefault=1");
    assert_non_null(strstr(qml, "RuleRenderer"));
    assert_string_equal(query1(db, "SELECT instr(styleQML, '<alias field=\"t_thc_min\" index=\"4\" "
                                   "name=\"至乡镇卫生院时间（分钟）\"/>') > 0 FROM layer_styles WHERE "
                                   "f_table_name='village_indicators' AND useAsDefault=1"),
                        "1");
    /* alternative styles: t_thc_min and road_01_meets */
    assert_string_equal(query1(db, "SELECT count(*) FROM layer_styles WHERE useAsDefault=0"), "2");
    /* every timestamp fixed */
    assert_string_equal(query1(db, "SELECT group_concat(DISTINCT last_change) FROM gpkg_contents"),
                        "2000-01-01T00:00:00.000Z");
    assert_string_equal(query1(db, "SELECT group_concat(DISTINCT update_time) FROM layer_styles"),
                        "2000-01-01T00:00:00.000Z");
    /* metadata */
    const char *md = query1(db, "SELECT metadata FROM gpkg_metadata WHERE md_standard_uri = "
                                "'urn:hinterland:run-metadata:1'");
    assert_non_null(strstr(md, "\"working_crs\":\"EPSG:4546\""));
    assert_non_null(strstr(md, "\"source\":\"indicators.md\""));
    assert_string_equal(query1(db, "SELECT metadata FROM gpkg_metadata WHERE md_standard_uri = "
                                   "'urn:hinterland:plan:1'"),
                        "county: 示例县\n");
    assert_string_equal(query1(db, "PRAGMA integrity_check"), "ok");
    sqlite3_close(db);
    /* a file that is not a GeoPackage */
    char bad[512];
    path_in(bad, sizeof bad, "bad.gpkg");
    write_text(bad, "not sqlite");
    assert_int_equal(hl_out_finalize_gpkg(ctx, bad, &m), HL_E_FORMAT);
    hl_ctx_destroy(ctx);
}

/* ---------------------------------------------------------------- names */

static void test_shorten_names(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    const char *in[] = {"t_ts_any_min", "t_school_min", "road_01_share_units", "road_01_share_pop",
                        "road_01_sh",   "id",           "ID",                  "村庄人口数量"};
    /* expected, by hand: names <= 10 kept (first of "id"/"ID" wins); longer ones cut to
       10; on collision cut to 8 + counter 01, 02, ...; UTF-8 cut on a character boundary */
    const char *want[] = {"t_ts_any_m", "t_school_m", "road_01_01", "road_01_02",
                          "road_01_sh", "id",         "ID01",       "村庄人"};
    char **out = NULL;
    assert_int_equal(hl_out_shorten_names(ctx, in, 8, 10, &out), HL_OK);
    for (int i = 0; i < 8; i++) assert_string_equal(out[i], want[i]);
    /* all distinct, case-insensitively, and <= 10 bytes */
    for (int i = 0; i < 8; i++) {
        assert_true(strlen(out[i]) <= 10);
        for (int j = i + 1; j < 8; j++) assert_int_not_equal(strcasecmp(out[i], out[j]), 0);
    }
    hl_out_free_names(out, 8);
    /* names with the same 10-character start: the first is cut to 10, the next 99 get
       counters 01..99, so 100 fit and the 101st cannot be made unique with 2 digits */
    char buf[101][32];
    const char *many[101];
    for (int i = 0; i < 101; i++) {
        snprintf(buf[i], sizeof buf[i], "abcdefghij_%03d", i);
        many[i] = buf[i];
    }
    assert_int_equal(hl_out_shorten_names(ctx, many, 99, 10, &out), HL_OK);
    assert_string_equal(out[0], "abcdefghij");
    assert_string_equal(out[1], "abcdefgh01");
    assert_string_equal(out[98], "abcdefgh98");
    hl_out_free_names(out, 99);
    assert_int_equal(hl_out_shorten_names(ctx, many, 100, 10, &out), HL_OK);
    assert_string_equal(out[99], "abcdefgh99");
    hl_out_free_names(out, 100);
    assert_int_equal(hl_out_shorten_names(ctx, many, 101, 10, &out), HL_E_DATA);
    hl_ctx_destroy(ctx);
}

static void test_shorten_names_oom(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    const char *in[] = {"t_ts_any_min", "road_01_share_units", "road_01_share_pop", "id"};
    char **out = NULL;
    hl_status rc = HL_E_NOMEM;
    uint64_t n;
    for (n = 1; n < 100 && rc == HL_E_NOMEM; n++) {
        hl_ctx_fail_alloc_after(ctx, n);
        rc = hl_out_shorten_names(ctx, in, 4, 10, &out);
        if (rc == HL_E_NOMEM) assert_null(out);
    }
    hl_ctx_fail_alloc_after(ctx, 0);
    assert_int_equal(rc, HL_OK);
    assert_true(n > 2); /* some allocations did fail first */
    assert_string_equal(out[2], "road_01_01");
    hl_out_free_names(out, 4);
    hl_ctx_destroy(ctx);
}

static void test_field_alias_patterns(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    char *zh = NULL, *en = NULL;
    assert_int_equal(hl_out_field_alias(ctx, NULL, "township_summary", "wat_01_share_pop", &zh, &en), HL_OK);
    assert_string_equal(zh, "农村自来水普及达标人口比例");
    hl_free(zh);
    hl_free(en);
    /* an indicator the catalogue does not list shows as its id */
    assert_int_equal(hl_out_field_alias(ctx, NULL, "village_indicators", "hlt_03_meets", &zh, &en), HL_OK);
    assert_string_equal(zh, "HLT-03（是否达标）");
    hl_free(zh);
    hl_free(en);
    /* an unknown column keeps its name */
    assert_int_equal(hl_out_field_alias(ctx, NULL, "x", "foo bar", &zh, &en), HL_OK);
    assert_string_equal(zh, "foo bar");
    assert_string_equal(en, "foo bar");
    hl_free(zh);
    hl_free(en);
    hl_ctx_destroy(ctx);
}

/* ---------------------------------------------------------------- tables, project, clients */

static void test_tables_csv(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    char a[512], csv[600];
    path_in(a, sizeof a, "t.gpkg");
    make_gpkg(a);
    assert_int_equal(hl_out_write_tables(ctx, a, g_dir), HL_OK);
    snprintf(csv, sizeof csv, "%s/village_indicators.csv", g_dir);
    /* BOM, header without fid/geom, rows in order; NULL is an empty cell */
    assert_string_equal(read_text(csv), "\xEF\xBB\xBFid,name,population,t_thc_min,road_01_meets,wat_01_value\r\n"
                                        "V0,村,0,0,0,\r\nV1,村,100,10,1,\r\nV2,村,200,20,,\r\n");
    snprintf(csv, sizeof csv, "%s/indicator_summary.csv", g_dir);
    assert_string_equal(read_text(csv), "\xEF\xBB\xBFindicator\r\nROAD-01\r\n");
    hl_ctx_destroy(ctx);
}

/* End to end with the clients: the fixture of the CLI tests, finalised,
 * with its project and report, checked in QGIS and Chromium (each check
 * prints SKIPPED when its client is not installed). */
static void test_clients(void **state) {
    (void)state;
    char cmd[2048], gpkg[512], qgs[512], html[512];
    if (system("/usr/bin/python3 -c 'from osgeo import ogr' 2>/dev/null") != 0) skip();
    path_in(gpkg, sizeof gpkg, "fx.gpkg");
    path_in(qgs, sizeof qgs, "fx.qgs");
    path_in(html, sizeof html, "fx.html");
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/cli/export_fixture.py %s", HL_SOURCE_DIR, gpkg);
    assert_int_equal(system(cmd), 0);
    hl_ctx *ctx = hl_ctx_create();
    hl_out_meta m = test_meta();
    assert_int_equal(hl_out_finalize_gpkg(ctx, gpkg, &m), HL_OK);
    assert_int_equal(hl_out_write_qgs(ctx, gpkg, qgs), HL_OK);
    hl_out_report_opts ro;
    hl_out_report_opts_init(&ro);
    assert_int_equal(hl_out_write_report(ctx, gpkg, html, &ro), HL_OK);
    assert_int_equal(hl_out_write_report(ctx, gpkg, html, &ro), HL_E_EXISTS);
    hl_ctx_destroy(ctx);
    snprintf(cmd, sizeof cmd,
             "bash -c 'set -o pipefail; /usr/bin/python3 %s/scripts/test_qgis.py %s %s/fx.png %s 2>&1 | "
             "grep -v QStandardPaths'",
             HL_SOURCE_DIR, gpkg, g_dir, qgs);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "bash %s/scripts/test_report_chromium.sh %s", HL_SOURCE_DIR, html);
    assert_int_equal(system(cmd), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit_writes_final, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exists_without_force, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_keeps_existing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_all_signal_safe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dir_commit_replaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_finalize_deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_finalize_contents, setup, teardown),
        cmocka_unit_test(test_shorten_names),
        cmocka_unit_test(test_shorten_names_oom),
        cmocka_unit_test(test_field_alias_patterns),
        cmocka_unit_test_setup_teardown(test_tables_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clients, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
