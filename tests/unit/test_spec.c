/* Unit tests for the layer specifications and standards presets: the real
 * layers/ directory is loaded and checked against values written down by hand
 * from the YAML and the indicator catalogue; malformed files are made in a
 * temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hl/spec.h"

#define LAYERS HL_SOURCE_DIR "/layers"

static hl_spec_set *load_set(hl_ctx *ctx) {
    hl_spec_set *set = NULL;
    hl_status rc = hl_spec_set_load(ctx, LAYERS, &set);
    if (rc) fail_msg("loading %s: %s", LAYERS, hl_ctx_errmsg(ctx));
    return set;
}

/* ---- temp files ---------------------------------------------------- */

static char tmpdir[64];

static void write_file(const char *rel, const char *text) {
    char path[512];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void copy_file(const char *from, const char *rel) {
    char path[512], buf[4096];
    FILE *in = fopen(from, "rb"), *out;
    size_t n;
    assert_non_null(in);
    snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
    out = fopen(path, "wb");
    assert_non_null(out);
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
}

static int make_tmp(void **state) {
    char p[512];
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hl_spec_XXXXXX");
    if (!mkdtemp(tmpdir)) return -1;
    snprintf(p, sizeof p, "%s/roles", tmpdir);
    if (mkdir(p, 0700) != 0) return -1;
    snprintf(p, sizeof p, "%s/standards", tmpdir);
    if (mkdir(p, 0700) != 0) return -1;
    return 0;
}

static int rm_tmp(void **state) {
    char cmd[600];
    (void)state;
    if (strncmp(tmpdir, "/tmp/hl_spec_", 13) != 0) return -1;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- roles and fields ---------------------------------------------- */

static void test_roles_present(void **state) {
    static const char *const roles[] = {"county", "townships", "villages", "natural_villages", "roads",
                                        "water_pipes", "water_works", "water_service_areas",
                                        "industry_bases", "agricultural_bases", "coverage_5g", "facilities"};
    hl_ctx *ctx = hl_ctx_create();
    hl_spec_set *set = load_set(ctx);
    size_t i;
    (void)state;
    assert_int_equal(hl_spec_role_count(set), 12);
    for (i = 0; i < 12; i++) {
        const hl_role_spec *rs = hl_spec_role(set, roles[i]);
        assert_non_null(rs);
        assert_string_equal(hl_role_spec_name(rs), roles[i]);
        assert_true(hl_role_spec_field_count(rs) >= 2);
    }
    /* file-name order */
    assert_string_equal(hl_role_spec_name(hl_spec_role_at(set, 0)), "agricultural_bases");
    assert_string_equal(hl_role_spec_name(hl_spec_role_at(set, 11)), "water_works");
    assert_null(hl_spec_role(set, "nope"));
    assert_int_equal(hl_role_spec_geom(hl_spec_role(set, "roads")), HL_GEOM_LINE);
    assert_int_equal(hl_role_spec_geom(hl_spec_role(set, "natural_villages")), HL_GEOM_POINT);
    assert_int_equal(hl_role_spec_geom(hl_spec_role(set, "villages")), HL_GEOM_POLYGON);
    /* industry_bases: point or polygon */
    assert_int_equal(hl_role_spec_geom(hl_spec_role(set, "industry_bases")), HL_GEOM_UNKNOWN);
    assert_true(hl_role_spec_accepts_geom(hl_spec_role(set, "industry_bases"), HL_GEOM_POINT));
    assert_true(hl_role_spec_accepts_geom(hl_spec_role(set, "industry_bases"), HL_GEOM_POLYGON));
    assert_false(hl_role_spec_accepts_geom(hl_spec_role(set, "industry_bases"), HL_GEOM_LINE));
    assert_true(hl_role_spec_required(hl_spec_role(set, "villages")));
    assert_false(hl_role_spec_required(hl_spec_role(set, "coverage_5g")));
    assert_string_equal(hl_role_spec_title(hl_spec_role(set, "villages"), "zh"), "行政村边界");
    assert_string_equal(hl_role_spec_title(hl_spec_role(set, "roads"), "en"), "Roads");
    hl_spec_set_destroy(set);
    hl_ctx_destroy(ctx);
}

/* The canonical fields the engine relies on, per role (from the brief). */
static void test_engine_fields_exist(void **state) {
    static const char *const want[][16] = {
        {"villages", "code", "name", "township_code", "population", "households", "relocation", "class", NULL},
        {"natural_villages", "id", "name", "village_code", "population", "households", "working_age_population",
         "school_age_population", "tap_water", "relocation", NULL},
        {"townships", "code", "name", NULL},
        {"county", "code", "name", NULL},
        {"roads", "id", "name", "class", "grade", "surface", "oneway", "speed_kmh", "maxspeed", "junction", "level",
         "bridge", "tunnel", "width_m", NULL},
        {"water_works", "id", "name", "capacity_m3d", "type", "scale", "served_villages", NULL},
        {"water_service_areas", "id", "works_id", "tap", NULL},
        {"industry_bases", "id", "name", "type", "jobs", "area", NULL},
        {"facilities", "id", "name", "kind", "capacity", "beds", "doctors", "comprehensive", "routes", NULL},
    };
    hl_ctx *ctx = hl_ctx_create();
    hl_spec_set *set = load_set(ctx);
    size_t r, f;
    (void)state;
    for (r = 0; r < sizeof want / sizeof want[0]; r++) {
        const hl_role_spec *rs = hl_spec_role(set, want[r][0]);
        assert_non_null(rs);
        for (f = 1; want[r][f]; f++) {
            if (!hl_role_spec_field(rs, want[r][f])) fail_msg("%s lacks field %s", want[r][0], want[r][f]);
        }
    }
    {
        const hl_field_spec *pop = hl_role_spec_field(hl_spec_role(set, "villages"), "population");
        assert_int_equal(pop->type, HL_FIELD_INTEGER);
        assert_string_equal(pop->unit, "persons");
        assert_false(pop->required);
        assert_int_equal(hl_role_spec_field(hl_spec_role(set, "roads"), "width_m")->type, HL_FIELD_REAL);
        assert_int_equal(hl_role_spec_field(hl_spec_role(set, "roads"), "bridge")->type, HL_FIELD_BOOLEAN);
        assert_string_equal(hl_role_spec_field(hl_spec_role(set, "roads"), "bridge")->default_value, "false");
        assert_null(hl_role_spec_field(hl_spec_role(set, "roads"), "name")->default_value);
    }
    hl_spec_set_destroy(set);
    hl_ctx_destroy(ctx);
}

static void match(hl_ctx *ctx, const hl_spec_set *set, const char *role, const char *field,
                  const char *const *names, size_t n, bool want_found, size_t want_idx) {
    size_t idx = 999;
    bool found = !want_found;
    assert_int_equal(hl_spec_match_field(ctx, set, role, field, names, n, &idx, &found), HL_OK);
    if (found != want_found) fail_msg("%s.%s: found=%d, wanted %d", role, field, found, want_found);
    if (want_found && idx != want_idx) fail_msg("%s.%s: index %zu, wanted %zu", role, field, idx, want_idx);
}

static void test_field_matching(void **state) {
    hl_ctx *ctx = hl_ctx_create();
    hl_spec_set *set = load_set(ctx);
    const char *const bureau[] = {"OBJECTID", "XZQDM", "XZQMC", "RK"};
    const char *const zh[] = {"村名", "人口"};
    const char *const spaced[] = {" objectid", "  xzqdm ", "\xe3\x80\x80村名\xe3\x80\x80"};
    const char *const both_codes[] = {"XZQDM", "CJQYDM"};
    const char *const cjk_variant[] = {"村名称x", "村 名"};
    const char *const roads[] = {"FID", "DLMC", "DLDJ", "JSDJ", "LMLX", "CDS", "LMKD", "DXTX"};
    const char *const osm[] = {"osm_id", "name", "highway", "surface", "oneway", "maxspeed", "junction", "layer",
                               "bridge", "tunnel"};
    size_t idx;
    bool found;
    (void)state;
    match(ctx, set, "villages", "code", bureau, 4, true, 1);
    match(ctx, set, "villages", "name", bureau, 4, true, 2);
    match(ctx, set, "villages", "population", bureau, 4, true, 3);
    match(ctx, set, "villages", "households", bureau, 4, false, 0);
    match(ctx, set, "villages", "name", zh, 2, true, 0);
    match(ctx, set, "villages", "population", zh, 2, true, 1);
    /* spaces, ASCII case and U+3000 ignored */
    match(ctx, set, "villages", "code", spaced, 3, true, 1);
    match(ctx, set, "villages", "name", spaced, 3, true, 2);
    /* CJK is exact: no partial or spaced match */
    match(ctx, set, "villages", "name", cjk_variant, 2, false, 0);
    /* first alias in list order wins: CJQYDM precedes XZQDM */
    match(ctx, set, "villages", "code", both_codes, 2, true, 1);
    match(ctx, set, "roads", "name", roads, 8, true, 1);
    match(ctx, set, "roads", "class", roads, 8, true, 2);
    match(ctx, set, "roads", "grade", roads, 8, true, 3);
    match(ctx, set, "roads", "surface", roads, 8, true, 4);
    match(ctx, set, "roads", "lanes", roads, 8, true, 5);
    match(ctx, set, "roads", "width_m", roads, 8, true, 6);
    match(ctx, set, "roads", "oneway", roads, 8, true, 7);
    match(ctx, set, "roads", "id", osm, 10, true, 0);
    match(ctx, set, "roads", "class", osm, 10, true, 2);
    match(ctx, set, "roads", "maxspeed", osm, 10, true, 5);
    match(ctx, set, "roads", "level", osm, 10, true, 7);
    match(ctx, set, "roads", "tunnel", osm, 10, true, 9);
    /* errors are not "not found" */
    assert_int_equal(hl_spec_match_field(ctx, set, "nope", "code", bureau, 4, &idx, &found), HL_E_ARG);
    assert_int_equal(hl_spec_match_field(ctx, set, "villages", "nope", bureau, 4, &idx, &found), HL_E_ARG);
    assert_non_null(strstr(hl_ctx_errmsg(ctx), "nope"));
    /* value vocabularies */
    {
        const hl_field_spec *cls = hl_role_spec_field(hl_spec_role(set, "villages"), "class");
        const hl_field_spec *grade = hl_role_spec_field(hl_spec_role(set, "roads"), "grade");
        const char *canon = NULL;
        size_t rank = 99, rank3 = 99;
        assert_true(hl_spec_field_value(cls, "搬迁撤并类", &canon, &rank));
        assert_string_equal(canon, "relocation");
        assert_true(hl_spec_field_value(cls, "集聚提升", &canon, &rank));
        assert_string_equal(canon, "agglomeration");
        assert_false(hl_spec_field_value(cls, "别的", &canon, &rank));
        assert_true(hl_spec_field_value(grade, "三级", &canon, &rank3));
        assert_string_equal(canon, "grade3");
        assert_true(hl_spec_field_value(grade, "等外", &canon, &rank));
        assert_string_equal(canon, "substandard");
        assert_true(rank > rank3);
        assert_true(hl_spec_field_value(grade, "二级公路", &canon, &rank));
        assert_true(rank < rank3);
    }
    hl_spec_set_destroy(set);
    hl_ctx_destroy(ctx);
}

/* ---- road vocabularies ---------------------------------------------- */

static void road_class(const hl_spec_set *set, const char *raw, const char *want, double kmh, bool known) {
    hl_road_class_info ci;
    bool k = hl_spec_road_class(set, raw, &ci);
    if (k != known || strcmp(ci.name, want) != 0 || fabs(ci.speed_kmh - kmh) > 1e-9)
        fail_msg("road class '%s' -> %s %g known=%d, wanted %s %g %d", raw ? raw : "(null)", ci.name,
                 ci.speed_kmh, k, want, kmh, known);
}

static void test_road_classes(void **state) {
    hl_ctx *ctx = hl_ctx_create();
    hl_spec_set *set = load_set(ctx);
    (void)state;
    road_class(set, "县道", "county", 40, true);
    road_class(set, "X", "county", 40, true);
    road_class(set, "x", "county", 40, true);
    road_class(set, "X123", "county", 40, true);
    road_class(set, "X 123", "county", 40, true);
    road_class(set, "3", "county", 40, true);
    road_class(set, "G207", "national", 70, true);
    road_class(set, "国道", "national", 70, true);
    road_class(set, "S331", "provincial", 60, true);
    road_class(set, " 乡道 ", "township", 30, true);
    road_class(set, "Y001", "township", 30, true);
    road_class(set, "村道", "village", 20, true);
    road_class(set, "C012", "village", 20, true);
    road_class(set, "高速", "expressway", 100, true);
    road_class(set, "专用公路", "special", 20, true);
    road_class(set, "Z001", "special", 20, true);
    road_class(set, "foo", "unknown", 15, false);
    road_class(set, "X12a", "unknown", 15, false);
    road_class(set, "Q123", "unknown", 15, false);
    road_class(set, "", "unknown", 15, false);
    road_class(set, NULL, "unknown", 15, false);
    hl_spec_set_destroy(set);
    hl_ctx_destroy(ctx);
}

static void surface(const hl_spec_set *set, const char *raw, const char *want, bool hardened, double factor,
                    bool known) {
    hl_surface_info si;
    bool k = hl_spec_surface(set, raw, &si);
    if (k != known || strcmp(si.name, want) != 0 || si.hardened != hardened || fabs(si.speed_factor - factor) > 1e-9)
        fail_msg("surface '%s' -> %s hardened=%d %g known=%d", raw, si.name, si.hardened, si.speed_factor, k);
}

static void test_surfaces(void **state) {
    hl_ctx *ctx = hl_ctx_create();
    hl_spec_set *set = load_set(ctx);
    (void)state;
    surface(set, "水泥混凝土", "cement", true, 1.0, true);
    surface(set, "水泥", "cement", true, 1.0, true);
    surface(set, "concrete", "cement", true, 1.0, true);
    surface(set, "沥青", "asphalt", true, 1.0, true);
    surface(set, "Asphalt", "asphalt", true, 1.0, true);
    surface(set, "沥青表处路面", "asphalt", true, 1.0, true); /* trailing 路面 stripped */
    surface(set, "砂石", "gravel", false, 0.8, true);
    surface(set, "gravel", "gravel", false, 0.8, true);
    surface(set, "块石", "stone", false, 0.9, true);
    surface(set, "土路", "earth", false, 0.6, true);
    surface(set, "其他", "other", false, 0.8, true);
    surface(set, "玻璃", "unknown", false, 1.0, false);
    surface(set, "路面", "unknown", false, 1.0, false);
    hl_spec_set_destroy(set);
    hl_ctx_destroy(ctx);
}

static void test_oneway_table(void **state) {
    static const char *const fwd[] = {"yes", "true", "1", "FT", "T", "Y", "forward", "单向", "正向", "顺向", "是",
                                      "YES", " ft ", "True"};
    static const char *const back[] = {"-1", "TF", "reverse", "backward", "逆向", "反向", "tf", " -1 "};
    static const char *const two[] = {"no", "false", "0", "N", "B", "both", "双向", "否", "", "  ", "NO", "n"};
    static const char *const unknown[] = {"reversible", "alternating", "2", "maybe"};
    hl_ctx *ctx = hl_ctx_create();
    hl_spec_set *set = load_set(ctx);
    size_t i;
    bool rec;
    (void)state;
    for (i = 0; i < sizeof fwd / sizeof fwd[0]; i++) {
        rec = false;
        if (hl_spec_parse_oneway(set, fwd[i], &rec) != 1 || !rec) fail_msg("'%s' should be forward", fwd[i]);
    }
    for (i = 0; i < sizeof back / sizeof back[0]; i++) {
        rec = false;
        if (hl_spec_parse_oneway(set, back[i], &rec) != -1 || !rec) fail_msg("'%s' should be backward", back[i]);
    }
    for (i = 0; i < sizeof two / sizeof two[0]; i++) {
        rec = false;
        if (hl_spec_parse_oneway(set, two[i], &rec) != 0 || !rec) fail_msg("'%s' should be two-way", two[i]);
    }
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        rec = true;
        if (hl_spec_parse_oneway(set, unknown[i], &rec) != 0 || rec) fail_msg("'%s' should be unrecognised", unknown[i]);
    }
    assert_int_equal(hl_spec_parse_oneway(set, NULL, &rec), 0);
    assert_true(rec);
    assert_int_equal(hl_spec_parse_oneway(set, "F", NULL), 0); /* boolean false, not HERE's F */
    /* semantics order: backward, forward, roundabout without oneway, two-way */
    assert_int_equal(hl_spec_road_direction(set, NULL, "roundabout"), 1);
    assert_int_equal(hl_spec_road_direction(set, "", "roundabout"), 1);
    assert_int_equal(hl_spec_road_direction(set, " ", "circular"), 1);
    assert_int_equal(hl_spec_road_direction(set, "no", "roundabout"), 0);
    assert_int_equal(hl_spec_road_direction(set, "-1", "roundabout"), -1);
    assert_int_equal(hl_spec_road_direction(set, "yes", NULL), 1);
    assert_int_equal(hl_spec_road_direction(set, NULL, NULL), 0);
    assert_int_equal(hl_spec_road_direction(set, NULL, "yes"), 0);
    hl_spec_set_destroy(set);
    hl_ctx_destroy(ctx);
}

static void maxspeed(const hl_spec_set *set, const char *raw, bool want, double kmh) {
    double v = -1;
    bool got = hl_spec_parse_maxspeed(set, raw, &v);
    if (got != want || (want && fabs(v - kmh) > 1e-9))
        fail_msg("maxspeed '%s' -> %d %.9g, wanted %d %.9g", raw ? raw : "(null)", got, v, want, kmh);
}

static void test_maxspeed(void **state) {
    hl_ctx *ctx = hl_ctx_create();
    hl_spec_set *set = load_set(ctx);
    (void)state;
    maxspeed(set, "50", true, 50);
    maxspeed(set, " 50 ", true, 50);
    maxspeed(set, "60 km/h", true, 60);
    maxspeed(set, "60kmh", true, 60);
    maxspeed(set, "50 mph", true, 50 * 1.609344);  /* 80.4672 */
    maxspeed(set, "30mph", true, 48.28032);
    maxspeed(set, "10 knots", true, 18.52);
    maxspeed(set, "40公里/小时", true, 40);
    maxspeed(set, "RU:rural", true, 90);
    maxspeed(set, "ru:urban", true, 60);
    maxspeed(set, "DE:urban", true, 50);
    maxspeed(set, "GB:nsl_single", true, 96.56);
    maxspeed(set, "XX:rural", false, 0);
    maxspeed(set, "50;70", true, 50);
    maxspeed(set, "70; 50", true, 50);
    maxspeed(set, "none;30", true, 30);
    maxspeed(set, "none", false, 0);
    maxspeed(set, "signals", false, 0);
    maxspeed(set, "walk", false, 0);
    maxspeed(set, "variable", false, 0);
    maxspeed(set, "0", false, 0);
    maxspeed(set, "-5", false, 0);
    maxspeed(set, "50 furlongs", false, 0);
    maxspeed(set, "", false, 0);
    maxspeed(set, NULL, false, 0);
    maxspeed(NULL, "RU:rural", false, 0);
    maxspeed(NULL, "25 mph", true, 40.2336);
    hl_spec_set_destroy(set);
    hl_ctx_destroy(ctx);
}

static void test_bool_and_osm(void **state) {
    hl_ctx *ctx = hl_ctx_create();
    hl_spec_set *set = load_set(ctx);
    hl_osm_highway_info hw;
    bool b = false;
    (void)state;
    assert_true(hl_spec_parse_bool("是", &b));
    assert_true(b);
    assert_true(hl_spec_parse_bool(" 否 ", &b));
    assert_false(b);
    assert_true(hl_spec_parse_bool("Y", &b));
    assert_true(b);
    assert_true(hl_spec_parse_bool("0", &b));
    assert_false(b);
    assert_false(hl_spec_parse_bool("maybe", &b));

    assert_true(hl_spec_osm_highway(set, "motorway", &hw));
    assert_string_equal(hw.road_class, "expressway");
    assert_true(hw.speed_kmh == 100 && hw.routable);
    assert_true(hl_spec_osm_highway(set, "trunk_link", &hw));
    assert_string_equal(hw.road_class, "national");
    assert_true(hw.speed_kmh == 50 && hw.routable);
    assert_true(hl_spec_osm_highway(set, "track", &hw));
    assert_true(hw.routable);
    assert_true(hl_spec_osm_highway(set, "road", &hw));
    assert_string_equal(hw.road_class, "unknown");
    assert_true(hl_spec_osm_highway(set, "footway", &hw));
    assert_false(hw.routable);
    assert_false(hl_spec_osm_highway(set, "banana", &hw));
    assert_false(hw.routable);
    assert_string_equal(hl_spec_osm_tag(set, "roads", "class"), "highway");
    assert_string_equal(hl_spec_osm_tag(set, "roads", "level"), "layer");
    assert_null(hl_spec_osm_tag(set, "roads", "grade"));
    /* every routable highway value named in the brief */
    {
        static const char *const r[] = {"motorway", "trunk", "primary", "secondary", "tertiary", "unclassified",
                                        "residential", "living_street", "service", "track", "motorway_link",
                                        "primary_link", "secondary_link", "tertiary_link", "road"};
        size_t i;
        for (i = 0; i < sizeof r / sizeof r[0]; i++) {
            if (!hl_spec_osm_highway(set, r[i], &hw) || !hw.routable || !(hw.speed_kmh > 0))
                fail_msg("highway=%s should be routable", r[i]);
        }
    }
    hl_spec_set_destroy(set);
    hl_ctx_destroy(ctx);
}

/* ---- kinds and guessing ---------------------------------------------- */

static void test_kinds(void **state) {
    static const char *const need[] = {"county_seat", "township_seat", "health_centre", "clinic", "county_hospital",
                                       "primary_school", "elderly_care", "bus_stop", "garbage_point",
                                       "transfer_station", "telecom_tower"};
    hl_ctx *ctx = hl_ctx_create();
    hl_spec_set *set = load_set(ctx);
    size_t i;
    (void)state;
    assert_true(hl_spec_kind_count(set) >= 11);
    for (i = 0; i < sizeof need / sizeof need[0]; i++) {
        const hl_facility_kind *k = hl_spec_kind(set, need[i]);
        if (!k) fail_msg("kind %s missing", need[i]);
        assert_true(k->n_aliases >= 2);
        assert_true(strlen(k->zh) > 0);
    }
    assert_string_equal(hl_spec_kind(set, "clinic")->zh, "村卫生室");
    assert_string_equal(hl_spec_kind_at(set, 0)->name, "county_seat");
#define KIND(NM, WANT)                                                                                     \
    do {                                                                                                     \
        const hl_facility_kind *k_ = hl_spec_guess_kind(set, NM);                                            \
        if (!k_ || strcmp(k_->name, WANT) != 0) fail_msg("kind of '%s': %s, wanted %s", NM, k_ ? k_->name : "none", WANT); \
    } while (0)
    KIND("卫生室", "clinic");
    KIND("沁水县村卫生室2023", "clinic");
    KIND("乡镇卫生院", "health_centre");
    KIND("县人民医院", "county_hospital");
    KIND("小学", "primary_school");
    KIND("养老机构", "elderly_care");
    KIND("公交站点", "bus_stop");
    KIND("垃圾收集点", "garbage_point");
    KIND("垃圾转运站", "transfer_station"); /* longer alias beats 垃圾 */
    KIND("通信基站", "telecom_tower");
    KIND("乡镇政府驻地", "township_seat");
    KIND("沁水县政府", "county_seat");
    KIND("primary_schools", "primary_school");
    KIND("Clinics_2020", "clinic");
    KIND("bus_stops", "bus_stop");
#undef KIND
    assert_null(hl_spec_guess_kind(set, "business_district")); /* 'bus' only as a whole word */
    assert_null(hl_spec_guess_kind(set, "道路"));
    assert_null(hl_spec_guess_kind(set, NULL));
    hl_spec_set_destroy(set);
    hl_ctx_destroy(ctx);
}

static void guess(const hl_spec_set *set, const char *name, hl_geom_kind g, const char *const *f, size_t n,
                  const char *role, const char *kind, double score) {
    hl_role_guess out;
    assert_int_equal(hl_specs_guess_role(set, name, g, f, n, &out), HL_OK);
    if (strcmp(out.role, role) != 0 || strcmp(out.kind, kind) != 0 || fabs(out.score - score) > 1e-9)
        fail_msg("guess '%s': %s/%s %.3f, wanted %s/%s %.3f", name ? name : "(null)", out.role, out.kind,
                 out.score, role, kind, score);
}

static void test_guess_role(void **state) {
    hl_ctx *ctx = hl_ctx_create();
    hl_spec_set *set = load_set(ctx);
    const char *const road_f[] = {"OBJECTID", "DLDJ", "Shape_Leng"};
    const char *const road_f2[] = {"FID", "DLDJ", "LMLX", "DLMC"};
    const char *const vil_f[] = {"OBJECTID", "CJQYDM", "CJQYMC", "RK", "HS"};
    const char *const xzq_f[] = {"XZQDM", "XZQMC"};
    const char *const pipe_f[] = {"GJ", "GC"};
    const char *const osm_f[] = {"osm_id", "name", "highway", "waterway", "other_tags"};
    hl_role_guess out;
    (void)state;
    /* name alone: 0.6 */
    guess(set, "卫生室", HL_GEOM_POINT, NULL, 0, "facilities", "clinic", 0.6);
    guess(set, "卫生院", HL_GEOM_POINT, NULL, 0, "facilities", "health_centre", 0.6);
    /* a clinic layer cannot be lines */
    guess(set, "卫生室", HL_GEOM_LINE, NULL, 0, "", "", 0.0);
    /* one distinctive field: 0.4 * 1/2 */
    guess(set, "L_2020", HL_GEOM_LINE, road_f, 3, "roads", "", 0.2);
    /* two or more: 0.4; with a keyword: 1.0 */
    guess(set, "xian_line", HL_GEOM_LINE, road_f2, 4, "roads", "", 0.4);
    guess(set, "农村公路", HL_GEOM_LINE, road_f2, 4, "roads", "", 1.0);
    /* an OSM lines layer: the highway column decides (0.95) */
    guess(set, "lines", HL_GEOM_LINE, osm_f, 5, "roads", "", 0.95);
    /* polygons with 12-digit village code fields (CJQYDM/CJQYMC) */
    guess(set, "boundary", HL_GEOM_POLYGON, vil_f, 5, "villages", "", 0.4);
    guess(set, "沁水县行政村", HL_GEOM_POLYGON, xzq_f, 2, "villages", "", 0.6);
    /* generic admin codes alone do not decide */
    guess(set, "xzq", HL_GEOM_POLYGON, xzq_f, 2, "", "", 0.0);
    guess(set, "乡镇界", HL_GEOM_POLYGON, xzq_f, 2, "townships", "", 0.6);
    guess(set, "供水管网", HL_GEOM_LINE, pipe_f, 2, "water_pipes", "", 1.0);
    guess(set, "水厂", HL_GEOM_POINT, NULL, 0, "water_works", "", 0.6);
    guess(set, "自然村", HL_GEOM_POINT, NULL, 0, "natural_villages", "", 0.6);
    guess(set, "产业园区", HL_GEOM_POLYGON, NULL, 0, "industry_bases", "", 0.6);
    guess(set, "产业园区", HL_GEOM_POINT, NULL, 0, "industry_bases", "", 0.6);
    guess(set, "5G覆盖范围", HL_GEOM_POLYGON, NULL, 0, "coverage_5g", "", 0.6);
    /* unknown geometry lets every role compete */
    guess(set, "卫生室", HL_GEOM_UNKNOWN, NULL, 0, "facilities", "clinic", 0.6);
    guess(set, "abc", HL_GEOM_POINT, NULL, 0, "", "", 0.0);
    guess(set, NULL, HL_GEOM_POINT, NULL, 0, "", "", 0.0);
    assert_int_equal(hl_specs_guess_role(NULL, "x", HL_GEOM_POINT, NULL, 0, &out), HL_E_ARG);
    hl_spec_set_destroy(set);
    hl_ctx_destroy(ctx);
}

/* ---- standards ------------------------------------------------------- */

static double num(const hl_standard *std, const char *key) {
    double v = NAN;
    if (hl_standard_number(std, key, &v) != HL_OK) fail_msg("no number %s", key);
    return v;
}

static void test_standard_national(void **state) {
    static const char *const ids[] = {"ROAD-01", "ROAD-02", "ROAD-03", "ROAD-04", "ROAD-06", "SYS-01", "SYS-02",
                                      "BUS-01", "WAT-01", "WAT-02", "WAT-03", "ENV-02", "HLT-01", "HLT-02",
                                      "HLT-04", "EDU-01", "OLD-01", "DIG-02", "LC-01", "LC-02", "IND-01", "IND-02"};
    hl_ctx *ctx = hl_ctx_create();
    hl_standard *std = NULL;
    const hl_std_param *p;
    size_t i;
    (void)state;
    assert_int_equal(hl_standard_load(ctx, LAYERS, "national", &std), HL_OK);
    assert_string_equal(hl_standard_name(std), "national");
    assert_string_equal(hl_standard_lineage(std), "national");
    for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        const hl_std_section *s = hl_standard_section(std, ids[i]);
        if (!s) fail_msg("indicator %s missing", ids[i]);
        assert_true(s->is_indicator);
        assert_true(s->n_weighting >= 1 && strlen(s->title_zh) > 0 && strlen(s->unit) > 0 && s->n_params >= 1);
    }
    /* values from indicators.md */
    assert_true(num(std, "ROAD-01.min_households") == 30);
    assert_true(num(std, "ROAD-01.snap_m") == 50);
    assert_true(num(std, "ROAD-01.target") == 1.0);
    assert_true(num(std, "ROAD-02.target") == 1.0);
    assert_true(num(std, "BUS-01.max_walk_m") == 2000);
    assert_true(num(std, "HLT-02.max_time_min") == 15);
    assert_true(num(std, "SYS-01.max_time_min") == 30);
    assert_true(num(std, "SYS-02.max_time_min") == 60);
    assert_true(num(std, "HLT-04.max_time_min") == 60);
    assert_true(num(std, "EDU-01.walk_max_min") == 40);
    assert_true(num(std, "EDU-01.bus_max_min") == 30);
    assert_true(num(std, "ENV-02.d1_m") == 500);
    assert_true(num(std, "ENV-02.d2_m") == 20000);
    assert_true(num(std, "ENV-02.target") == 0.90);
    assert_true(num(std, "IND-01.near_time_min") == 30);
    assert_true(num(std, "IND-01.far_time_min") == 45);
    assert_true(num(std, "LC-01.max_time_min") == 15);
    assert_true(num(std, "LC-02.max_time_min") == 30);
    assert_true(num(std, "WAT-01.target") == 0.88);
    assert_true(num(std, "OLD-01.target") == 0.60);
    assert_true(num(std, "DIG-02.target") == 0.90);
    assert_true(num(std, "common.walk_kmh") == 5);
    assert_true(num(std, "common.access_kmh") == 5);
    assert_null(hl_standard_param(std, "WAT-02.target")); /* no national target, only a baseline */
    p = hl_standard_param(std, "WAT-01.target");
    assert_string_equal(p->unit, "share");
    assert_int_equal(p->confidence, 'C');
    assert_int_equal(p->year, 2025);
    assert_string_equal(p->origin, "national");
    assert_non_null(strstr(p->source, "2021"));
    p = hl_standard_param(std, "ROAD-01.min_households");
    assert_int_equal(p->confidence, 'U');
    assert_string_equal(p->unit, "households");
    p = hl_standard_param(std, "ROAD-01.hardened_surfaces");
    assert_int_equal(p->type, HL_PARAM_LIST);
    assert_int_equal(p->n_items, 2);
    assert_string_equal(p->items[0], "asphalt");
    assert_string_equal(p->items[1], "cement");
    assert_string_equal(p->text, "asphalt,cement");
    {
        bool b = false;
        const char *t = NULL;
        assert_int_equal(hl_standard_bool(std, "ROAD-01.exclude_relocation", &b), HL_OK);
        assert_true(b);
        assert_int_equal(hl_standard_text(std, "HLT-02.mode", &t), HL_OK);
        assert_string_equal(t, "walk");
        assert_int_equal(hl_standard_number(std, "HLT-02.mode", &(double){0}), HL_E_PLAN);
        assert_int_equal(hl_standard_number(std, "NOPE-01.x", &(double){0}), HL_E_PLAN);
        assert_non_null(strstr(hl_ctx_errmsg(ctx), "NOPE-01.x"));
    }
    /* stable order: common first, then ROAD-01 as listed; sections tile the parameters */
    {
        size_t k = 0, s;
        assert_string_equal(hl_standard_section_at(std, 0)->id, "common");
        assert_false(hl_standard_section_at(std, 0)->is_indicator);
        assert_string_equal(hl_standard_section_at(std, 1)->id, "ROAD-01");
        assert_string_equal(hl_standard_param_at(std, 0)->key, "common.walk_kmh");
        for (s = 0; s < hl_standard_section_count(std); s++) {
            const hl_std_section *sec = hl_standard_section_at(std, s);
            assert_int_equal(sec->first_param, k);
            for (i = 0; i < sec->n_params; i++) {
                const hl_std_param *q = hl_standard_param_at(std, k + i);
                char key[128];
                assert_string_equal(q->section, sec->id);
                snprintf(key, sizeof key, "%s.%s", q->section, q->name);
                assert_string_equal(q->key, key);
                assert_true(q->confidence == 'C' || q->confidence == 'P' || q->confidence == 'U');
                assert_true(strlen(q->source) > 10);
            }
            k += sec->n_params;
        }
        assert_int_equal(k, hl_standard_param_count(std));
        assert_null(hl_standard_param_at(std, k));
    }
    hl_standard_destroy(std);
    hl_ctx_destroy(ctx);
}

/* Parameters naming kinds or surfaces name ones the layer specs know. */
static void test_standard_consistent_with_specs(void **state) {
    hl_ctx *ctx = hl_ctx_create();
    hl_spec_set *set = load_set(ctx);
    hl_standard *std = NULL;
    size_t i, j;
    (void)state;
    assert_int_equal(hl_standard_load_for_set(ctx, set, "qinshui", &std), HL_OK);
    for (i = 0; i < hl_standard_param_count(std); i++) {
        const hl_std_param *p = hl_standard_param_at(std, i);
        for (j = 0; j < p->n_items; j++) {
            if (strcmp(p->unit, "kinds") == 0 && !hl_spec_kind(set, p->items[j]))
                fail_msg("%s names unknown kind %s", p->key, p->items[j]);
            if (strcmp(p->unit, "surfaces") == 0) {
                hl_surface_info si;
                if (!hl_spec_surface(set, p->items[j], &si)) fail_msg("%s names unknown surface %s", p->key, p->items[j]);
                assert_true(si.hardened);
            }
        }
        if (strcmp(p->name, "min_grade") == 0) {
            const hl_field_spec *g = hl_role_spec_field(hl_spec_role(set, "roads"), "grade");
            assert_true(hl_spec_field_value(g, p->text, NULL, NULL));
        }
    }
    hl_standard_destroy(std);
    hl_spec_set_destroy(set);
    hl_ctx_destroy(ctx);
}

static void test_standard_inheritance(void **state) {
    hl_ctx *ctx = hl_ctx_create();
    hl_standard *q = NULL, *s = NULL, *n = NULL;
    (void)state;
    assert_int_equal(hl_standard_load(ctx, LAYERS, "qinshui", &q), HL_OK);
    assert_int_equal(hl_standard_load(ctx, LAYERS, "shanxi", &s), HL_OK);
    assert_int_equal(hl_standard_load(ctx, LAYERS, "national", &n), HL_OK);
    assert_string_equal(hl_standard_lineage(q), "national > shanxi > qinshui");
    assert_string_equal(hl_standard_title(q, "zh"), "沁水县");
    /* own values */
    assert_true(num(q, "WAT-02.target") == 0.95);
    assert_string_equal(hl_standard_param(q, "WAT-02.target")->origin, "qinshui");
    assert_non_null(strstr(hl_standard_param(q, "WAT-02.target")->source, "沁发〔2021〕17号"));
    assert_true(num(q, "WAT-01.target") == 0.92);
    /* from shanxi */
    assert_true(num(q, "WAT-03.target") == 0.45);
    assert_string_equal(hl_standard_param(q, "WAT-03.target")->origin, "shanxi");
    assert_true(num(q, "WAT-01.target_2030") == 0.99);
    assert_non_null(strstr(hl_standard_param(q, "WAT-01.target_2030")->source, "晋政发〔2024〕16号"));
    /* from national, untouched */
    assert_true(num(q, "ROAD-01.min_households") == 30);
    assert_string_equal(hl_standard_param(q, "ROAD-01.min_households")->origin, "national");
    assert_true(num(q, "HLT-02.max_time_min") == 15);
    /* WAT-02 keeps its national parameters and title next to the new target */
    assert_true(num(q, "WAT-02.baseline_share") == 0.88);
    assert_string_equal(hl_standard_section(q, "WAT-02")->title_zh, "农村集中供水率");
    /* the unit of an inherited parameter is kept when the child omits it? (children give it here) */
    assert_string_equal(hl_standard_param(q, "WAT-02.target")->unit, "share");
    assert_true(num(s, "WAT-01.target") == 0.98);
    assert_true(num(n, "WAT-01.target") == 0.88);
    /* same sections in the same order; qinshui has one parameter more than shanxi (WAT-02.target) */
    assert_int_equal(hl_standard_section_count(q), hl_standard_section_count(n));
    assert_int_equal(hl_standard_param_count(q), hl_standard_param_count(s) + 1);
    assert_int_equal(hl_standard_param_count(s), hl_standard_param_count(n) + 4);
    /* WAT-02.target is listed inside WAT-02, after its inherited parameters */
    {
        const hl_std_section *w = hl_standard_section(q, "WAT-02");
        assert_string_equal(hl_standard_param_at(q, w->first_param + w->n_params - 1)->key, "WAT-02.target");
    }
    hl_standard_destroy(q);
    hl_standard_destroy(s);
    hl_standard_destroy(n);
    hl_ctx_destroy(ctx);
}

static void test_standard_overrides(void **state) {
    hl_ctx *ctx = hl_ctx_create();
    hl_standard *q = NULL;
    const hl_std_param *p;
    (void)state;
    assert_int_equal(hl_standard_load(ctx, LAYERS, "qinshui", &q), HL_OK);
    assert_int_equal(hl_standard_override(q, "WAT-01.target", "0.95"), HL_OK);
    p = hl_standard_param(q, "WAT-01.target");
    assert_true(p->number == 0.95);
    assert_string_equal(p->text, "0.95");
    assert_string_equal(p->origin, "override");
    assert_string_equal(p->source, "user override");
    assert_int_equal(p->confidence, 'U');
    assert_string_equal(p->unit, "share");
    /* invalid values leave it unchanged */
    assert_int_equal(hl_standard_override(q, "WAT-01.target", "1.5"), HL_E_PLAN);
    assert_non_null(strstr(hl_ctx_errmsg(ctx), "outside 0..1"));
    assert_int_equal(hl_standard_override(q, "WAT-01.target", "95%"), HL_E_PLAN);
    assert_int_equal(hl_standard_override(q, "SYS-01.max_time_min", "-5"), HL_E_PLAN);
    assert_non_null(strstr(hl_ctx_errmsg(ctx), "negative"));
    assert_int_equal(hl_standard_override(q, "common.walk_kmh", "0"), HL_E_PLAN);
    assert_int_equal(hl_standard_override(q, "HLT-02.mode", "teleport"), HL_E_PLAN);
    assert_true(hl_standard_param(q, "WAT-01.target")->number == 0.95);
    assert_true(num(q, "SYS-01.max_time_min") == 30);
    /* unknown keys name the known ones */
    assert_int_equal(hl_standard_override(q, "WAT-01.targt", "0.9"), HL_E_PLAN);
    assert_non_null(strstr(hl_ctx_errmsg(ctx), "target"));
    assert_int_equal(hl_standard_override(q, "XYZ", "1"), HL_E_PLAN);
    /* other types */
    assert_int_equal(hl_standard_override(q, "ROAD-01.hardened_surfaces", "asphalt, cement ,stone"), HL_OK);
    p = hl_standard_param(q, "ROAD-01.hardened_surfaces");
    assert_int_equal(p->n_items, 3);
    assert_string_equal(p->items[2], "stone");
    assert_string_equal(p->text, "asphalt,cement,stone");
    assert_int_equal(hl_standard_override(q, "ROAD-01.exclude_relocation", "no"), HL_OK);
    assert_false(hl_standard_param(q, "ROAD-01.exclude_relocation")->flag);
    assert_int_equal(hl_standard_override(q, "ROAD-01.exclude_relocation", "perhaps"), HL_E_PLAN);
    assert_int_equal(hl_standard_override_ex(q, "ROAD-01.min_households", " 20 ", "晋交〔2099〕1号", 'C'), HL_OK);
    p = hl_standard_param(q, "ROAD-01.min_households");
    assert_true(p->number == 20);
    assert_int_equal(p->confidence, 'C');
    assert_string_equal(p->source, "晋交〔2099〕1号");
    assert_int_equal(hl_standard_override_ex(q, "ROAD-01.min_households", "20", NULL, 'X'), HL_E_PLAN);
    hl_standard_destroy(q);
    hl_ctx_destroy(ctx);
}

/* ---- malformed input ------------------------------------------------ */

static void expect_std_error(hl_ctx *ctx, const char *file, const char *text, hl_status want, const char *needle1,
                             const char *needle2) {
    char rel[128], path[512];
    hl_standard *std = (hl_standard *)(uintptr_t)1;
    hl_status rc;
    snprintf(rel, sizeof rel, "standards/%s", file);
    write_file(rel, text);
    snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
    rc = hl_standard_load(ctx, LAYERS, path, &std);
    if (rc != want) fail_msg("%s: status %d (%s), wanted %d", file, rc, hl_ctx_errmsg(ctx), want);
    assert_null(std);
    if (needle1 && !strstr(hl_ctx_errmsg(ctx), needle1)) fail_msg("'%s' lacks '%s'", hl_ctx_errmsg(ctx), needle1);
    if (needle2 && !strstr(hl_ctx_errmsg(ctx), needle2)) fail_msg("'%s' lacks '%s'", hl_ctx_errmsg(ctx), needle2);
}

static void test_standard_errors(void **state) {
    hl_ctx *ctx = hl_ctx_create();
    hl_standard *std = NULL;
    char path[512];
    (void)state;
    expect_std_error(ctx, "broken.yaml", "standard: broken\nindicators: {WAT-01: [1, 2\n", HL_E_PLAN, "broken.yaml", "YAML");
    expect_std_error(ctx, "share.yaml",
                     "standard: share\n"
                     "extends: national\n"
                     "indicators:\n"
                     "  WAT-01:\n"
                     "    params:\n"
                     "      target:\n"
                     "        value: 1.5\n"
                     "        source: x\n"
                     "        confidence: C\n",
                     HL_E_PLAN, "share.yaml:6:", "WAT-01.target");
    expect_std_error(ctx, "time.yaml",
                     "standard: time\nextends: national\nindicators:\n  SYS-01:\n    params:\n"
                     "      max_time_min: {value: -5, source: x, confidence: U}\n",
                     HL_E_PLAN, "time.yaml:6:", "negative");
    expect_std_error(ctx, "typo.yaml",
                     "standard: typo\nextends: national\nindicators:\n  SYS-01:\n    params:\n"
                     "      max_time_min: {value: 20, source: x, confidance: U}\n",
                     HL_E_PLAN, "typo.yaml:6:", "confidance");
    expect_std_error(ctx, "conf.yaml",
                     "standard: conf\nextends: national\nindicators:\n  SYS-01:\n    params:\n"
                     "      max_time_min: {value: 20, source: x, confidence: Z}\n",
                     HL_E_PLAN, "conf.yaml", "C, P or U");
    expect_std_error(ctx, "type.yaml",
                     "standard: type\nextends: national\nindicators:\n  SYS-01:\n    params:\n"
                     "      max_time_min: {value: [1, 2], source: x, confidence: U}\n",
                     HL_E_PLAN, "type.yaml", "SYS-01.max_time_min");
    expect_std_error(ctx, "newind.yaml",
                     "standard: newind\nextends: national\nindicators:\n  NEW-01:\n    params:\n"
                     "      t: {value: 1, unit: min, source: x, confidence: U}\n",
                     HL_E_PLAN, "newind.yaml", "NEW-01");
    expect_std_error(ctx, "nounit.yaml",
                     "standard: nounit\nextends: national\ncommon:\n  foo: {value: 1, source: x, confidence: U}\n",
                     HL_E_PLAN, "nounit.yaml:4:", "unit");
    expect_std_error(ctx, "parent.yaml", "standard: parent\nextends: atlantis\n", HL_E_PLAN, "parent.yaml:2:", "atlantis");
    expect_std_error(ctx, "name.yaml", "standard: other\nextends: national\n", HL_E_PLAN, "name.yaml:1:", "file name");
    write_file("standards/cyc_b.yaml", "standard: cyc_b\nextends: cyc_a\n");
    expect_std_error(ctx, "cyc_a.yaml", "standard: cyc_a\nextends: cyc_b\n", HL_E_PLAN, "cyc", "cycle");
    /* a child that only extends is the parent */
    write_file("standards/same.yaml", "standard: same\nextends: qinshui\ntitle: {zh: 同, en: Same}\n");
    snprintf(path, sizeof path, "%s/standards/same.yaml", tmpdir);
    assert_int_equal(hl_standard_load(ctx, LAYERS, path, &std), HL_OK);
    assert_string_equal(hl_standard_lineage(std), "national > shanxi > qinshui > same");
    assert_true(num(std, "WAT-02.target") == 0.95);
    hl_standard_destroy(std);
    /* missing */
    assert_int_equal(hl_standard_load(ctx, LAYERS, "atlantis", &std), HL_E_IO);
    assert_non_null(strstr(hl_ctx_errmsg(ctx), "atlantis.yaml"));
    hl_ctx_destroy(ctx);
}

static void test_spec_errors(void **state) {
    hl_ctx *ctx = hl_ctx_create();
    hl_spec_set *set = (hl_spec_set *)(uintptr_t)1;
    (void)state;
    copy_file(LAYERS "/roles/roads.yaml", "roles/roads.yaml");
    copy_file(LAYERS "/roles/facilities.yaml", "roles/facilities.yaml");
    /* the minimum loads */
    assert_int_equal(hl_spec_set_load(ctx, tmpdir, &set), HL_OK);
    assert_int_equal(hl_spec_role_count(set), 2);
    assert_false(hl_spec_osm_highway(set, "motorway", &(hl_osm_highway_info){0})); /* no preset here */
    hl_spec_set_destroy(set);
    write_file("roles/villages.yaml", "role: villages\ntitle: {zh: a, en: b\ngeometry: polygon\n");
    assert_int_equal(hl_spec_set_load(ctx, tmpdir, &set), HL_E_PLAN);
    assert_null(set);
    assert_non_null(strstr(hl_ctx_errmsg(ctx), "villages.yaml"));
    write_file("roles/villages.yaml",
               "role: villages\ntitle: {zh: a, en: b}\ngeometry: polygon\nrequired: true\nfields:\n"
               "  code: {type: text, required: false}\n");
    assert_int_equal(hl_spec_set_load(ctx, tmpdir, &set), HL_E_PLAN);
    assert_non_null(strstr(hl_ctx_errmsg(ctx), "villages.yaml:6:"));
    assert_non_null(strstr(hl_ctx_errmsg(ctx), "fields.code.type"));
    write_file("roles/villages.yaml",
               "role: village\ntitle: {zh: a, en: b}\ngeometry: polygon\nrequired: true\nfields:\n"
               "  code: {type: string, required: false}\n");
    assert_int_equal(hl_spec_set_load(ctx, tmpdir, &set), HL_E_PLAN);
    assert_non_null(strstr(hl_ctx_errmsg(ctx), "file name"));
    write_file("roles/villages.yaml",
               "role: villages\ntitle: {zh: a, en: b}\ngeometry: polygons\nrequired: true\nfields:\n"
               "  code: {type: string, required: false}\n");
    assert_int_equal(hl_spec_set_load(ctx, tmpdir, &set), HL_E_PLAN);
    assert_non_null(strstr(hl_ctx_errmsg(ctx), "villages.yaml:3: geometry"));
    write_file("roles/villages.yaml",
               "role: villages\ntitle: {zh: a, en: b}\ngeometry: polygon\nrequired: true\nfields:\n"
               "  code: {type: string, required: false, alias: [X]}\n");
    assert_int_equal(hl_spec_set_load(ctx, tmpdir, &set), HL_E_PLAN);
    assert_non_null(strstr(hl_ctx_errmsg(ctx), "alias"));
    unlink(strcat(strcpy((char[512]){0}, tmpdir), "/roles/villages.yaml"));
    /* a missing directory is I/O */
    assert_int_equal(hl_spec_set_load(ctx, "/nonexistent/layers", &set), HL_E_IO);
    hl_ctx_destroy(ctx);
}

static void test_default_dir(void **state) {
    hl_ctx *ctx = hl_ctx_create();
    char *old = getenv("HL_LAYERS_DIR") ? strdup(getenv("HL_LAYERS_DIR")) : NULL;
    char *d;
    hl_spec_set *set = NULL;
    (void)state;
    setenv("HL_LAYERS_DIR", "/some/where", 1);
    d = hl_spec_default_dir(ctx);
    assert_string_equal(d, "/some/where");
    hl_free(d);
    unsetenv("HL_LAYERS_DIR");
    /* falls back to the source tree */
    assert_int_equal(hl_spec_set_load(ctx, NULL, &set), HL_OK);
    assert_string_equal(hl_spec_set_dir(set), HL_SOURCE_DIR "/layers");
    hl_spec_set_destroy(set);
    if (old) {
        setenv("HL_LAYERS_DIR", old, 1);
        free(old);
    }
    hl_ctx_destroy(ctx);
}

/* Fail allocation N = 1, 2, ... until loading succeeds: every failure is
 * HL_E_NOMEM and leaves nothing behind (run under ASan to check leaks). */
static void test_oom(void **state) {
    hl_ctx *ctx = hl_ctx_create();
    uint64_t n;
    bool ok = false;
    (void)state;
    for (n = 1; n < 1000 && !ok; n++) {
        hl_spec_set *set = NULL;
        hl_status rc;
        hl_ctx_fail_alloc_after(ctx, n);
        rc = hl_spec_set_load(ctx, LAYERS, &set);
        if (rc == HL_OK) ok = true;
        else {
            assert_int_equal(rc, HL_E_NOMEM);
            assert_null(set);
        }
        hl_spec_set_destroy(set);
    }
    assert_true(ok);
    ok = false;
    for (n = 1; n < 1000 && !ok; n++) {
        hl_standard *std = NULL;
        hl_status rc;
        hl_ctx_fail_alloc_after(ctx, n);
        rc = hl_standard_load(ctx, LAYERS, "qinshui", &std);
        if (rc == HL_OK) {
            ok = true;
            /* Overrides draw on the arena; once it needs a new block and that
             * fails, the override fails and the last good value stays. */
            {
                int i;
                double last = 0.92;
                hl_status orc = HL_OK;
                hl_ctx_fail_alloc_after(ctx, 1);
                for (i = 0; i < 10000 && orc == HL_OK; i++) {
                    orc = hl_standard_override(std, "WAT-01.target", (i & 1) ? "0.9" : "0.91");
                    if (orc == HL_OK) last = (i & 1) ? 0.9 : 0.91;
                }
                hl_ctx_fail_alloc_after(ctx, 0);
                assert_int_equal(orc, HL_E_NOMEM);
                assert_true(num(std, "WAT-01.target") == last);
                assert_string_equal(hl_standard_param(std, "WAT-01.target")->text, last == 0.9 ? "0.9" : "0.91");
            }
        } else {
            assert_int_equal(rc, HL_E_NOMEM);
            assert_null(std);
        }
        hl_standard_destroy(std);
    }
    assert_true(ok);
    hl_ctx_destroy(ctx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roles_present),
        cmocka_unit_test(test_engine_fields_exist),
        cmocka_unit_test(test_field_matching),
        cmocka_unit_test(test_road_classes),
        cmocka_unit_test(test_surfaces),
        cmocka_unit_test(test_oneway_table),
        cmocka_unit_test(test_maxspeed),
        cmocka_unit_test(test_bool_and_osm),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_guess_role),
        cmocka_unit_test(test_standard_national),
        cmocka_unit_test(test_standard_consistent_with_specs),
        cmocka_unit_test(test_standard_inheritance),
        cmocka_unit_test(test_standard_overrides),
        cmocka_unit_test(test_standard_errors),
        cmocka_unit_test(test_spec_errors),
        cmocka_unit_test(test_default_dir),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, make_tmp, rm_tmp);
}
