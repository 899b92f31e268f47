/* Unit tests for the plan parser: the keys of the example, relative
 * paths, defaults, and every class of error with its message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "hl/plan.h"

static const char *example =
    "crs: auto\n"
    "standard: national\n"
    "layers:\n"
    "  roads:\n"
    "    source: data/roads.shp\n"
    "    layer: roads\n"
    "    where: \"DLDJ <> '9'\"\n"
    "    encoding: GBK\n"
    "    crs: EPSG:4546\n"
    "    fields: {id: BM, class: DLDJ, surface: LMLX, oneway: DXBZ, speed_kmh: SD}\n"
    "  natural_villages: {source: data/zrc.gpkg, fields: {id: ZRCDM, name: ZRCMC, population: RK}}\n"
    "  facilities:\n"
    "    clinic: {source: data/poi.gpkg, layer: clinics, fields: {id: ID, capacity: CWS}}\n"
    "    my_kind: {source: /abs/poi.gpkg}\n"
    "speeds_kmh: {national: 70, provincial: 60, county: 40, township: 30, village: 20}\n"
    "access: {connector_speed_kmh: 5, max_snap_m: 2000}\n";

static void test_example_plan(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    hl_plan *p = NULL;
    assert_int_equal(hl_plan_parse(ctx, example, strlen(example), "/work/county/plan.yaml", &p), HL_OK);
    assert_string_equal(p->crs, "auto");
    assert_string_equal(p->standard, "national");
    assert_int_equal(p->n_layers, 4);
    const hl_plan_layer *r = hl_plan_find(p, "roads", NULL);
    assert_non_null(r);
    assert_string_equal(r->source, "/work/county/data/roads.shp"); /* relative to the plan */
    assert_string_equal(r->layer, "roads");
    assert_string_equal(r->where, "DLDJ <> '9'");
    assert_string_equal(r->encoding, "GBK");
    assert_string_equal(r->crs, "EPSG:4546");
    assert_string_equal(hl_plan_layer_field(r, "class"), "DLDJ");
    assert_string_equal(hl_plan_layer_field(r, "speed_kmh"), "SD");
    assert_null(hl_plan_layer_field(r, "name"));
    const hl_plan_layer *c = hl_plan_find(p, "facilities", "clinic");
    assert_non_null(c);
    assert_string_equal(c->layer, "clinics");
    assert_string_equal(hl_plan_layer_field(c, "capacity"), "CWS");
    assert_string_equal(hl_plan_find(p, "facilities", "my_kind")->source, "/abs/poi.gpkg");
    assert_null(hl_plan_find(p, "facilities", "school"));
    assert_int_equal(p->n_speeds, 5);
    assert_string_equal(p->speeds[2].key, "county");
    assert_string_equal(p->speeds[2].value, "40");
    assert_true(p->connector_speed_kmh == 5.0);
    assert_true(p->max_snap_m == 2000.0);
    /* defaults of keys not given */
    assert_true(p->snap_tol_m == 1.0);
    assert_false(p->node_crossings);
    assert_false(p->snap_main_network);
    /* service areas by the kind's level: county 30/60, township 15/30,
       elderly care 15; kinds outside the default six get none */
    assert_false(p->service_area_min_given);
    {
        double m[16];
        size_t n = 99;
        hl_plan_service_area_min(p, "county_hospital", m, &n);
        assert_int_equal(n, 2);
        assert_true(m[0] == 30.0 && m[1] == 60.0);
        hl_plan_service_area_min(p, "primary_school", m, &n);
        assert_int_equal(n, 2);
        assert_true(m[0] == 15.0 && m[1] == 30.0);
        hl_plan_service_area_min(p, "elderly_care", m, &n);
        assert_int_equal(n, 1);
        assert_true(m[0] == 15.0);
        hl_plan_service_area_min(p, "clinic", m, &n);
        assert_int_equal(n, 0);
    }
    hl_plan_destroy(p);
    hl_ctx_destroy(ctx);
}

/* The three forms of access.service_areas_min. */
static void test_service_area_min(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    hl_plan *p = NULL;
    double m[16];
    size_t n = 99;
    /* one list for every wanted kind, whatever its level */
    const char *y1 = "layers: {roads: {source: r.shp}}\n"
                     "access: {service_areas_min: [60, 15], service_area_kinds: [clinic, county_seat]}\n";
    /* a mapping: its kinds are the wanted ones; an empty list gives none */
    const char *y2 = "layers: {roads: {source: r.shp}}\n"
                     "access: {service_areas_min: {clinic: [10], county_seat: [45, 90, 120], school: []}}\n";
    /* a mapping with service_area_kinds: a wanted kind missing from the
       mapping gets its level's default */
    const char *y3 = "layers: {roads: {source: r.shp}}\n"
                     "access: {service_areas_min: {clinic: [10]}, service_area_kinds: [clinic, township_seat, bus_stop]}\n";
    /* an empty list turns them off */
    const char *y4 = "layers: {roads: {source: r.shp}}\naccess: {service_areas_min: []}\n";
    assert_int_equal(hl_plan_parse(ctx, y1, strlen(y1), "plan.yaml", &p), HL_OK);
    hl_plan_service_area_min(p, "county_seat", m, &n);
    assert_int_equal(n, 2);
    assert_true(m[0] == 60.0 && m[1] == 15.0); /* as given: the analysis sorts */
    hl_plan_service_area_min(p, "clinic", m, &n);
    assert_int_equal(n, 2);
    hl_plan_service_area_min(p, "primary_school", m, &n);
    assert_int_equal(n, 0);
    hl_plan_destroy(p);
    assert_int_equal(hl_plan_parse(ctx, y2, strlen(y2), "plan.yaml", &p), HL_OK);
    assert_int_equal(p->n_service_area_kinds, 3);
    hl_plan_service_area_min(p, "clinic", m, &n);
    assert_int_equal(n, 1);
    assert_true(m[0] == 10.0);
    hl_plan_service_area_min(p, "county_seat", m, &n);
    assert_int_equal(n, 3);
    assert_true(m[2] == 120.0);
    hl_plan_service_area_min(p, "school", m, &n);
    assert_int_equal(n, 0);
    hl_plan_service_area_min(p, "county_hospital", m, &n); /* not in the mapping */
    assert_int_equal(n, 0);
    hl_plan_destroy(p);
    assert_int_equal(hl_plan_parse(ctx, y3, strlen(y3), "plan.yaml", &p), HL_OK);
    hl_plan_service_area_min(p, "clinic", m, &n);
    assert_int_equal(n, 1);
    hl_plan_service_area_min(p, "township_seat", m, &n);
    assert_int_equal(n, 2);
    assert_true(m[0] == 15.0 && m[1] == 30.0);
    hl_plan_service_area_min(p, "bus_stop", m, &n); /* no level: 15, 30, 60 */
    assert_int_equal(n, 3);
    assert_true(m[0] == 15.0 && m[2] == 60.0);
    hl_plan_destroy(p);
    assert_int_equal(hl_plan_parse(ctx, y4, strlen(y4), "plan.yaml", &p), HL_OK);
    assert_true(p->service_area_min_given);
    hl_plan_service_area_min(p, "county_seat", m, &n);
    assert_int_equal(n, 0);
    hl_plan_destroy(p);
    /* neither a list nor a mapping; a kind with a non-list */
    {
        const char *bad1 = "layers: {roads: {source: r.shp}}\naccess: {service_areas_min: 15}\n";
        const char *bad2 = "layers: {roads: {source: r.shp}}\naccess: {service_areas_min: {clinic: 15}}\n";
        p = NULL;
        assert_int_equal(hl_plan_parse(ctx, bad1, strlen(bad1), "plan.yaml", &p), HL_E_PLAN);
        assert_null(p);
        assert_non_null(strstr(hl_ctx_errmsg(ctx), "service_areas_min"));
        assert_int_equal(hl_plan_parse(ctx, bad2, strlen(bad2), "plan.yaml", &p), HL_E_PLAN);
        assert_null(p);
        assert_non_null(strstr(hl_ctx_errmsg(ctx), "[15, 30, 60]"));
    }
    hl_ctx_destroy(ctx);
}

static void test_options(void **state) {
    (void)state;
    const char *y = "layers: {roads: {source: r.shp}}\n"
                    "node_crossings: true\n"
                    "snap: main_network\n"
                    "network: {snap_tolerance_m: 0.5}\n"
                    "access: {service_areas_min: [10, 20], k_nearest: 3, od_cutoff_min: 45}\n"
                    "eligibility: {exclude_relocation: false, min_households: 20, exclude: ['140521100201']}\n"
                    "thresholds: {WAT-01: {target: 0.95}, HLT-02.max_time_min: 20}\n";
    hl_ctx *ctx = hl_ctx_create();
    hl_plan *p = NULL;
    assert_int_equal(hl_plan_parse(ctx, y, strlen(y), "plan.yaml", &p), HL_OK);
    assert_string_equal(hl_plan_find(p, "roads", NULL)->source, "r.shp");
    assert_true(p->node_crossings);
    assert_true(p->snap_main_network);
    assert_true(p->snap_tol_m == 0.5);
    assert_int_equal(p->n_service_area_min, 2);
    assert_true(p->service_area_min[1] == 20.0);
    assert_int_equal(p->k_nearest, 3);
    assert_true(p->od_cutoff_min == 45.0);
    assert_false(p->exclude_relocation);
    assert_true(p->min_households == 20.0);
    assert_int_equal(p->n_exclude_ids, 1);
    assert_string_equal(p->exclude_ids[0], "140521100201");
    assert_int_equal(p->n_overrides, 2);
    assert_string_equal(p->overrides[0].key, "WAT-01.target");
    assert_string_equal(p->overrides[0].value, "0.95");
    assert_string_equal(p->overrides[1].key, "HLT-02.max_time_min");
    hl_plan_destroy(p);
    hl_ctx_destroy(ctx);
}

/* Each bad plan gives HL_E_PLAN and a message naming the file, the line and the problem. */
static void expect_error(const char *yaml, const char *want1, const char *want2) {
    hl_ctx *ctx = hl_ctx_create();
    hl_plan *p = (hl_plan *)1;
    hl_status rc = hl_plan_parse(ctx, yaml, strlen(yaml), "bad.yaml", &p);
    assert_int_equal(rc, HL_E_PLAN);
    assert_null(p);
    if (!strstr(hl_ctx_errmsg(ctx), want1) || (want2 && !strstr(hl_ctx_errmsg(ctx), want2)))
        fail_msg("message '%s' lacks '%s' / '%s'", hl_ctx_errmsg(ctx), want1, want2 ? want2 : "");
    hl_ctx_destroy(ctx);
}

static void test_errors(void **state) {
    (void)state;
    expect_error("layers: {roads: {source: r.shp}\n", "bad.yaml", "not valid YAML");
    expect_error("layers: {roads: {source: r.shp}}\nspeed: 3\n", "bad.yaml:2", "unknown key 'speed'");
    expect_error("layers: {rods: {source: r.shp}}\n", "bad.yaml:1", "unknown role 'rods'");
    expect_error("layers: {roads: {source: r.shp, colour: red}}\n", "unknown key 'colour'", "layers.roads");
    expect_error("layers: {roads: {layer: x}}\n", "no 'source'", NULL);
    expect_error("layers: {roads: {source: r.shp}}\naccess: {max_snap_m: lots}\n", "bad.yaml:2", "must be a number");
    expect_error("layers: {roads: {source: r.shp}}\naccess: {connector_speed_kmh: -5}\n", "outside the allowed range",
                 NULL);
    expect_error("layers: {roads: {source: r.shp}}\nnode_crossings: maybe\n", "true or false", NULL);
    expect_error("layers: {roads: {source: [a, b]}}\n", "single value", NULL);
    expect_error("crs: auto\n", "no 'layers:'", NULL);
    expect_error("- a\n- b\n", "mapping", NULL);
    expect_error("layers: {roads: {source: r.shp}, roads: {source: s.shp}}\n", "bad.yaml", NULL);
}

static void test_missing_file(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    hl_plan *p = NULL;
    assert_int_equal(hl_plan_load(ctx, "/nonexistent/plan.yaml", &p), HL_E_IO);
    assert_non_null(strstr(hl_ctx_errmsg(ctx), "/nonexistent/plan.yaml"));
    hl_ctx_destroy(ctx);
}

/* Allocation failure at every step ends in HL_E_NOMEM (or the libfyaml
 * failure reported as a plan error), never a crash or a leak. */
static void test_alloc_failures(void **state) {
    (void)state;
    for (uint64_t n = 1; n < 500; n++) {
        hl_ctx *ctx = hl_ctx_create();
        hl_plan *p = NULL;
        hl_ctx_fail_alloc_after(ctx, n);
        hl_status rc = hl_plan_parse(ctx, example, strlen(example), "/x/plan.yaml", &p);
        if (rc == HL_OK) {
            hl_plan_destroy(p);
            hl_ctx_destroy(ctx);
            assert_true(n > 10);
            return;
        }
        assert_int_equal(rc, HL_E_NOMEM);
        assert_null(p);
        hl_ctx_destroy(ctx);
    }
    fail_msg("parsing never succeeded");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_plan), cmocka_unit_test(test_options), cmocka_unit_test(test_service_area_min),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_missing_file), cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
