/* Allocation-failure loops (curl's "torture" tests) over the core paths end to
 * end: plan parse, spec set and standard load, layer read of a small GeoJSON,
 * network build + place + routable + graph + search, and a whole
 * hl_analysis_run (all stages) on the access_known dataset written into a
 * temporary folder.  For each path the number K of allocations a clean run
 * makes is measured, then the run is repeated with allocation N failing (and
 * every later one) for N = 1..K (all of them up to 300, then evenly spaced
 * up to 600 runs in total - 150 and 300 for the output loop; HL_OOM_ALL=1
 * tries every N).  Every failed run must
 * return an error status with a message, never crash, and (under the ASan
 * build) leak nothing; with N = K + 1 the run must succeed.  A run that
 * succeeds although an allocation failed is reported (an ignored failure),
 * as is every status other than HL_E_NOMEM.  The last loop writes the
 * analysis as the CLI does (hl_out_begin, hl_io_write_gpkg,
 * hl_out_finalize_gpkg, hl_out_commit) over an earlier output: every failed
 * run must leave that earlier output byte-identical and no temporary file.
 * GDAL, GEOS, PROJ, SQLite and libfyaml allocate with their own malloc: only
 * our allocations fail here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hl/analysis.h"
#include "hl/layer.h"
#include "hl/out.h"
#include "hl/network.h"
#include "hl/plan.h"
#include "hl/route.h"
#include "hl/spec.h"

static char g_dir[256];

/* ---- the access_known dataset (tests/cli/access_known.sh) ---- */

#define CRS "\"crs\": {\"type\": \"name\", \"properties\": {\"name\": \"urn:ogc:def:crs:EPSG::4546\"}}"

static const char *k_roads =
    "{\"type\": \"FeatureCollection\", " CRS ", \"features\": [\n"
    "{\"type\": \"Feature\", \"properties\": {\"BM\": \"A\", \"DLDJ\": \"县道\", \"LMLX\": \"沥青\", \"DXBZ\": \"双向\"},\n"
    " \"geometry\": {\"type\": \"LineString\", \"coordinates\": [[500000, 4000000], [501000, 4000000]]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"BM\": \"B\", \"DLDJ\": \"乡道\", \"LMLX\": \"水泥\", \"DXBZ\": \"单向\"},\n"
    " \"geometry\": {\"type\": \"LineString\", \"coordinates\": [[501000, 4000000], [501000, 4001000]]}}]}\n";
static const char *k_villages =
    "{\"type\": \"FeatureCollection\", " CRS ", \"features\": [\n"
    "{\"type\": \"Feature\", \"properties\": {\"ZRCDM\": \"V1\", \"ZRCMC\": \"一村\", \"RK\": 100}, \"geometry\": "
    "{\"type\": \"Point\", \"coordinates\": [500000, 4000100]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"ZRCDM\": \"V2\", \"ZRCMC\": \"二村\", \"RK\": 200}, \"geometry\": "
    "{\"type\": \"Point\", \"coordinates\": [500500, 3999900]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"ZRCDM\": \"V3\", \"ZRCMC\": \"三村\", \"RK\": 300}, \"geometry\": "
    "{\"type\": \"Point\", \"coordinates\": [501050, 4001000]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"ZRCDM\": \"V4\", \"ZRCMC\": \"四村\", \"RK\": 400}, \"geometry\": "
    "{\"type\": \"Point\", \"coordinates\": [510000, 4000000]}}]}\n";
static const char *k_clinics =
    "{\"type\": \"FeatureCollection\", " CRS ", \"features\": [\n"
    "{\"type\": \"Feature\", \"properties\": {\"ID\": \"C1\"}, \"geometry\": {\"type\": \"Point\", \"coordinates\": "
    "[501000, 4001050]}}]}\n";
static const char *k_schools =
    "{\"type\": \"FeatureCollection\", " CRS ", \"features\": [\n"
    "{\"type\": \"Feature\", \"properties\": {\"ID\": \"S1\"}, \"geometry\": {\"type\": \"Point\", \"coordinates\": "
    "[499950, 4000000]}}]}\n";
static const char *k_plan =
    "crs: EPSG:4546\n"
    "layers:\n"
    "  roads: {source: roads.geojson, fields: {id: BM, class: DLDJ, surface: LMLX, oneway: DXBZ}}\n"
    "  natural_villages: {source: villages.geojson, fields: {id: ZRCDM, name: ZRCMC, population: RK}}\n"
    "  facilities:\n"
    "    clinic: {source: clinics.geojson, fields: {id: ID}}\n"
    "    primary_school: {source: schools.geojson, fields: {id: ID}}\n"
    "access: {od_matrix: true, service_areas_min: [1, 5]}\n";

static void write_file(const char *name, const char *text) {
    char path[512];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state) {
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/hl-oom-XXXXXX");
    if (!mkdtemp(g_dir)) return -1;
    write_file("roads.geojson", k_roads);
    write_file("villages.geojson", k_villages);
    write_file("clinics.geojson", k_clinics);
    write_file("schools.geojson", k_schools);
    write_file("plan.yaml", k_plan);
    return 0;
}

static int teardown(void **state) {
    static const char *names[] = {"roads.geojson", "villages.geojson", "clinics.geojson", "schools.geojson",
                                  "plan.yaml"};
    char path[512];
    (void)state;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", g_dir, names[i]);
        unlink(path);
    }
    rmdir(g_dir);
    return 0;
}

/* ---- the loop ---- */

typedef hl_status (*oom_op)(hl_ctx *ctx);
/* Optional checks around each run (NULL: none). */
typedef void (*oom_hook)(hl_status rc);
static oom_hook g_before, g_after;

typedef struct oom_result {
    uint64_t total;          /* allocations of a clean run */
    size_t tried;            /* failing runs tried */
    size_t by_status[HL_STATUS_COUNT];
    size_t ignored;          /* runs that succeeded although an allocation failed */
} oom_result;

static void oom_loop_n(const char *name, oom_op op, oom_result *res, uint64_t dense) {
    hl_ctx *ctx = hl_ctx_create();
    bool all = getenv("HL_OOM_ALL") && getenv("HL_OOM_ALL")[0] == '1';
    uint64_t first_ignored = 0;
    /* HL_OOM_SAMPLES=N: at most about N failing runs per path (valgrind pass) */
    if (getenv("HL_OOM_SAMPLES") && atoi(getenv("HL_OOM_SAMPLES")) > 0 &&
        (uint64_t)atoi(getenv("HL_OOM_SAMPLES")) < dense)
        dense = (uint64_t)atoi(getenv("HL_OOM_SAMPLES"));
    char other_msg[512] = "";
    hl_status rc;
    memset(res, 0, sizeof *res);
    assert_non_null(ctx);
    hl_ctx_fail_alloc_after(ctx, 0); /* counts, never fails */
    rc = op(ctx);
    if (rc) fprintf(stderr, "oom %s: the clean run failed: %s\n", name, hl_ctx_errmsg(ctx));
    assert_int_equal(rc, HL_OK);
    res->total = hl_ctx_alloc_count(ctx);
    hl_ctx_destroy(ctx);
    assert_true(res->total > 0);
    for (uint64_t n = 1; n <= res->total + 1;) {
        ctx = hl_ctx_create();
        assert_non_null(ctx);
        hl_ctx_fail_alloc_after(ctx, n);
        if (g_before) g_before(HL_OK);
        rc = op(ctx);
        if (g_after) g_after(rc);
        if (n == res->total + 1) {
            /* nothing fails any more: the run must succeed */
            if (rc) fprintf(stderr, "oom %s: N=%llu (no failure) gave %s\n", name, (unsigned long long)n,
                            hl_ctx_errmsg(ctx));
            assert_int_equal(rc, HL_OK);
        } else if (rc == HL_OK) {
            res->ignored++;
            if (!first_ignored) first_ignored = n;
        } else {
            assert_true(rc > HL_OK && rc < HL_STATUS_COUNT);
            if (hl_ctx_errmsg(ctx)[0] == '\0')
                fprintf(stderr, "oom %s: N=%llu: status %s without a message\n", name, (unsigned long long)n,
                        hl_status_str(rc));
            assert_true(hl_ctx_errmsg(ctx)[0] != '\0');
            res->by_status[rc]++;
            if (rc != HL_E_NOMEM && !other_msg[0])
                snprintf(other_msg, sizeof other_msg, "N=%llu: %s: %s", (unsigned long long)n, hl_status_str(rc),
                         hl_ctx_errmsg(ctx));
            res->tried++;
        }
        hl_ctx_destroy(ctx);
        if (all || n < dense || n >= res->total) n++;
        else {
            uint64_t step = (res->total - dense) / dense + 1;
            n = n + step > res->total ? res->total : n + step;
        }
    }
    fprintf(stderr, "oom %s: %llu allocations; %zu failing runs: %zu out of memory", name,
            (unsigned long long)res->total, res->tried, res->by_status[HL_E_NOMEM]);
    for (int s = HL_E_NOMEM + 1; s < HL_STATUS_COUNT; s++)
        if (res->by_status[s]) fprintf(stderr, ", %zu %s", res->by_status[s], hl_status_str((hl_status)s));
    if (res->ignored)
        fprintf(stderr, "; %zu runs succeeded despite a failed allocation (first N=%llu)", res->ignored,
                (unsigned long long)first_ignored);
    fprintf(stderr, "\n");
    if (other_msg[0]) fprintf(stderr, "oom %s: first other status: %s\n", name, other_msg);
}

static void oom_loop(const char *name, oom_op op, oom_result *res) { oom_loop_n(name, op, res, 300); }

/* An out-of-memory failure must be reported as one: every failing run gave
 * HL_E_NOMEM. */
static void assert_all_nomem(const oom_result *r) {
    for (int s = HL_E_NOMEM + 1; s < HL_STATUS_COUNT; s++) assert_int_equal(r->by_status[s], 0);
}

/* ---- the paths ---- */

static hl_status op_plan(hl_ctx *ctx) {
    hl_plan *p = NULL;
    char origin[512];
    hl_status rc;
    snprintf(origin, sizeof origin, "%s/plan.yaml", g_dir);
    rc = hl_plan_parse(ctx, k_plan, strlen(k_plan), origin, &p);
    if (!rc) assert_int_equal(p->n_layers, 4);
    else assert_null(p);
    hl_plan_destroy(p);
    return rc;
}

static hl_status op_spec(hl_ctx *ctx) {
    hl_spec_set *set = NULL;
    hl_standard *std = NULL;
    hl_status rc = hl_spec_set_load(ctx, NULL, &set);
    if (rc) {
        assert_null(set);
        return rc;
    }
    assert_non_null(hl_spec_role(set, "roads"));
    rc = hl_standard_load_for_set(ctx, set, "qinshui", &std);
    if (!rc) rc = hl_standard_override(std, "WAT-01.target", "0.98");
    hl_standard_destroy(std);
    hl_spec_set_destroy(set);
    return rc;
}

static hl_status op_layer(hl_ctx *ctx) {
    hl_layer_source src;
    hl_layer *L = NULL;
    hl_qa *qa = NULL;
    char path[512];
    hl_status rc;
    snprintf(path, sizeof path, "%s/villages.geojson", g_dir);
    memset(&src, 0, sizeof src);
    src.role = "natural_villages";
    src.path = path;
    src.want = HL_GEOM_POINT;
    if ((rc = hl_qa_create(ctx, &qa))) return rc;
    rc = hl_layer_read(ctx, &src, "EPSG:4546", qa, &L);
    if (!rc) {
        double x, y;
        assert_int_equal(hl_layer_count(L), 4);
        rc = hl_layer_bind(ctx, L, "id", "ZRCDM");
        if (!rc) {
            assert_true(hl_layer_point(L, 1, &x, &y));
            assert_true(fabs(x - 500500) < 1e-6 && fabs(y - 3999900) < 1e-6);
            assert_string_equal(hl_layer_value(L, 2, "id"), "V3");
        }
    } else {
        assert_null(L);
    }
    hl_layer_destroy(L);
    hl_qa_destroy(qa);
    return rc;
}

/* The access_known network: A 1000 m east at 40 km/h two-way, B 1000 m north
 * at 30 km/h one-way; V1 -> C1 = 72 + 90 + 120 + 36 = 318 s (see
 * tests/cli/access_known.sh). */
static hl_status op_network(hl_ctx *ctx) {
    static const double a[] = {500000, 4000000, 501000, 4000000};
    static const double b[] = {501000, 4000000, 501000, 4001000};
    static const double vill[] = {500000, 4000100, 500500, 3999900, 510000, 4000000};
    static const double fac[] = {501000, 4001050};
    hl_road_line lines[2];
    hl_network *net = NULL;
    hl_placement *pv = NULL, *pf = NULL;
    const hl_placement *sets[2];
    hl_routable *r = NULL;
    hl_graph *g = NULL;
    hl_route_ws *ws = NULL;
    double *t = NULL;
    uint32_t src = 0, v1 = 0;
    hl_status rc;
    memset(lines, 0, sizeof lines);
    lines[0].xy = a;
    lines[0].n_vertices = 2;
    lines[0].speed_kmh = 40;
    lines[1].xy = b;
    lines[1].n_vertices = 2;
    lines[1].speed_kmh = 30;
    lines[1].oneway = 1;
    lines[1].road_index = 1;
    if ((rc = hl_net_build(ctx, lines, 2, NULL, &net))) goto done;
    if ((rc = hl_net_place(ctx, net, vill, 3, NULL, &pv))) goto done;
    if ((rc = hl_net_place(ctx, net, fac, 1, NULL, &pf))) goto done;
    sets[0] = pv;
    sets[1] = pf;
    if ((rc = hl_net_routable(ctx, net, sets, 2, 5.0, &r))) goto done;
    if ((rc = hl_graph_create(ctx, hl_routable_node_count(r), hl_routable_edge_count(r), hl_routable_from(r),
                              hl_routable_to(r), hl_routable_fwd_s(r), hl_routable_bwd_s(r), hl_routable_len_m(r),
                              &g)))
        goto done;
    if ((rc = hl_route_ws_create(ctx, g, &ws))) goto done;
    t = hl_malloc(ctx, hl_graph_node_count(g) * sizeof *t);
    if (!t) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    assert_true(hl_routable_point(r, 1, 0, &src, NULL));
    assert_true(hl_routable_point(r, 0, 0, &v1, NULL));
    {
        hl_route_opts o;
        hl_route_opts_init(&o);
        o.dir = HL_ROUTE_BACKWARD; /* from every node to the clinic */
        if ((rc = hl_route_search(ctx, g, ws, 1, &src, NULL, NULL, &o, t, NULL, NULL, NULL))) goto done;
    }
    assert_true(fabs(t[v1] - 318.0) < 1e-6);
done:
    hl_free(t);
    hl_route_ws_destroy(ws);
    hl_graph_destroy(g);
    hl_routable_destroy(r);
    hl_placement_destroy(pv);
    hl_placement_destroy(pf);
    hl_net_destroy(net);
    return rc;
}

static hl_status op_analysis(hl_ctx *ctx) {
    hl_plan *p = NULL;
    hl_analysis *an = NULL;
    hl_analysis_opts o;
    char path[512];
    char *thr = NULL, *sum = NULL;
    hl_status rc;
    snprintf(path, sizeof path, "%s/plan.yaml", g_dir);
    if ((rc = hl_plan_load(ctx, path, &p))) goto done;
    hl_analysis_opts_init(&o);
    o.stages = HL_STAGE_ALL;
    if ((rc = hl_analysis_run(ctx, p, &o, &an))) {
        assert_null(an);
        goto done;
    }
    assert_true(hl_analysis_table_count(an) >= 2);
    thr = hl_analysis_thresholds_json(ctx, an);
    sum = hl_analysis_summary(ctx, an);
    if (!thr || !sum) rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
done:
    hl_free(thr);
    hl_free(sum);
    hl_analysis_destroy(an);
    hl_plan_destroy(p);
    return rc;
}

/* ---- writing the output ---- */

static hl_ctx *g_actx;     /* the analysis below was made with it */
static hl_plan *g_plan;
static hl_analysis *g_an;
static const char k_earlier[] = "an earlier output: must survive every failed run\n";

static void out_path(char *buf, size_t size) { snprintf(buf, size, "%s/out/county.gpkg", g_dir); }

/* Put the "earlier output" in place. */
static void before_output(hl_status unused) {
    char path[512];
    FILE *f;
    (void)unused;
    out_path(path, sizeof path);
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs(k_earlier, f);
    assert_int_equal(fclose(f), 0);
}

/* A failed run left the earlier output as it was and no temporary; a
 * successful one replaced it with a GeoPackage. */
static void after_output(hl_status rc) {
    char path[512], buf[128] = "";
    FILE *f;
    size_t n;
    out_path(path, sizeof path);
    f = fopen(path, "rb");
    assert_non_null(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (rc) assert_string_equal(buf, k_earlier);
    else assert_memory_equal(buf, "SQLite format 3", 15);
    {
        char dir[512];
        DIR *d;
        struct dirent *e;
        snprintf(dir, sizeof dir, "%s/out", g_dir);
        d = opendir(dir);
        assert_non_null(d);
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            if (e->d_name[0] == '.') fprintf(stderr, "temporary left: %s\n", e->d_name);
            assert_true(e->d_name[0] != '.');
        }
        closedir(d);
    }
}

static hl_status op_output(hl_ctx *ctx) {
    char path[512];
    hl_out_file *of = NULL;
    hl_table **tables = NULL;
    char *thr = NULL;
    hl_out_meta meta;
    size_t n = hl_analysis_table_count(g_an);
    hl_status rc;
    out_path(path, sizeof path);
    if ((rc = hl_out_begin(ctx, path, true, &of))) return rc;
    tables = hl_calloc(ctx, n, sizeof *tables);
    if (!tables) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) tables[i] = hl_analysis_table(g_an, i);
    if ((rc = hl_io_write_gpkg(ctx, hl_out_temp_path(of), hl_analysis_crs(g_an), tables, n))) goto fail;
    thr = hl_analysis_thresholds_json(ctx, g_an);
    if (!thr) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto fail;
    }
    hl_out_meta_init(&meta);
    meta.plan_yaml = g_plan->text;
    meta.thresholds_json = thr;
    meta.working_crs = hl_analysis_crs(g_an);
    if ((rc = hl_out_finalize_gpkg(ctx, hl_out_temp_path(of), &meta))) goto fail;
    rc = hl_out_commit(ctx, of);
    of = NULL;
    if (rc) goto fail;
    hl_free(tables);
    hl_free(thr);
    return HL_OK;
fail:
    hl_out_abort(of);
    hl_free(tables);
    hl_free(thr);
    return rc;
}

static void test_oom_output(void **state) {
    oom_result r;
    char path[512];
    hl_analysis_opts o;
    (void)state;
    snprintf(path, sizeof path, "%s/out", g_dir);
    assert_int_equal(mkdir(path, 0777), 0);
    g_actx = hl_ctx_create();
    assert_non_null(g_actx);
    snprintf(path, sizeof path, "%s/plan.yaml", g_dir);
    assert_int_equal(hl_plan_load(g_actx, path, &g_plan), HL_OK);
    hl_analysis_opts_init(&o);
    assert_int_equal(hl_analysis_run(g_actx, g_plan, &o, &g_an), HL_OK);
    g_before = before_output;
    g_after = after_output;
    oom_loop_n("output write", op_output, &r, 150); /* ~300 runs: each writes a GeoPackage */
    g_before = NULL;
    g_after = NULL;
    hl_analysis_destroy(g_an);
    hl_plan_destroy(g_plan);
    hl_ctx_destroy(g_actx);
    out_path(path, sizeof path);
    unlink(path);
    snprintf(path, sizeof path, "%s/out", g_dir);
    rmdir(path);
    assert_all_nomem(&r);
}

static void test_oom_plan(void **state) {
    oom_result r;
    (void)state;
    oom_loop("plan parse", op_plan, &r);
    assert_all_nomem(&r);
}

static void test_oom_spec(void **state) {
    oom_result r;
    (void)state;
    oom_loop("spec set + standard", op_spec, &r);
    assert_all_nomem(&r);
}

static void test_oom_layer(void **state) {
    oom_result r;
    (void)state;
    oom_loop("layer read", op_layer, &r);
    assert_all_nomem(&r);
}

static void test_oom_network(void **state) {
    oom_result r;
    (void)state;
    oom_loop("network + route", op_network, &r);
    assert_all_nomem(&r);
}

static void test_oom_analysis(void **state) {
    oom_result r;
    (void)state;
    oom_loop("analysis run", op_analysis, &r);
    assert_all_nomem(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oom_plan),    cmocka_unit_test(test_oom_spec),
        cmocka_unit_test(test_oom_layer),   cmocka_unit_test(test_oom_network),
        cmocka_unit_test(test_oom_analysis), cmocka_unit_test(test_oom_output),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
