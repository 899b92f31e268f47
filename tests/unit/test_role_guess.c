/* Role guessing (hl_specs_guess_role_ex, hl_specs_guess_role) on realistic
 * synthetic layers: the layer names, geometry kinds, field lists and sample
 * values below are shaped like the real datasets in shared/data/real (AMap and
 * echarts county files, NBS division tables, OSM driver layers, RAM village
 * points, Taiwan township/village layers, a mixed Overpass export), and the
 * expected roles are the intent written down by hand for each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hl/spec.h"

#define MAXF 16

/* A layer under construction. */
typedef struct layer {
    hl_guess_input in;
    hl_guess_field f[MAXF];
    const char *vals[MAXF][8];
} layer;

static void layer_init(layer *L, const char *name, const char *dataset, const char *driver, hl_geom_kind g,
                       int64_t count) {
    memset(L, 0, sizeof *L);
    L->in.layer_name = name;
    L->in.dataset_name = dataset;
    L->in.driver = driver;
    L->in.geom = g;
    L->in.feature_count = count;
    L->in.fields = L->f;
}

/* Add a field with up to 8 sample values (NULL-terminated list). */
static void add(layer *L, const char *name, ...) {
    va_list ap;
    const char *v;
    size_t i = L->in.n_fields++;
    assert_true(i < MAXF);
    L->f[i].name = name;
    L->f[i].n_nonempty = -1;
    va_start(ap, name);
    while ((v = va_arg(ap, const char *)) != NULL && L->f[i].n_samples < 8) L->vals[i][L->f[i].n_samples++] = v;
    va_end(ap);
    L->f[i].samples = L->vals[i];
}

static hl_spec_set *load(hl_ctx *ctx) {
    hl_spec_set *set = NULL;
    if (hl_spec_set_load(ctx, HL_SOURCE_DIR "/layers", &set) != HL_OK) fail_msg("load: %s", hl_ctx_errmsg(ctx));
    return set;
}

static hl_role_guess run(const hl_spec_set *set, const layer *L) {
    hl_role_guess g;
    assert_int_equal(hl_specs_guess_role_ex(set, &L->in, &g), HL_OK);
    return g;
}

#define EXPECT_ROLE(G, ROLE, KIND)                                                                         \
    do {                                                                                                     \
        if (strcmp((G).role, ROLE) != 0 || strcmp((G).kind, KIND) != 0)                                      \
            fail_msg("%s:%d: got %s/%s (%.2f: %s), wanted %s/%s", __FILE__, __LINE__, (G).role, (G).kind,    \
                     (G).score, (G).reason, ROLE, KIND);                                                     \
    } while (0)
#define EXPECT_IN(S, SUB)                                                                                  \
    do {                                                                                                     \
        if (!strstr((S), (SUB))) fail_msg("%s:%d: '%s' not in '%s'", __FILE__, __LINE__, SUB, S);           \
    } while (0)

typedef struct fixture {
    hl_ctx *ctx;
    hl_spec_set *set;
} fixture;

static int setup(void **state) {
    static fixture fx;
    fx.ctx = hl_ctx_create();
    fx.set = load(fx.ctx);
    *state = &fx;
    return 0;
}

static int teardown(void **state) {
    fixture *fx = *state;
    hl_spec_set_destroy(fx->set);
    hl_ctx_destroy(fx->ctx);
    return 0;
}

/* ---- county polygons ------------------------------------------------ */

static void test_county_amap(void **state) {
    fixture *fx = *state;
    layer L;
    hl_role_guess g;
    /* garybikini 山西省.shp: adcode 6 digits, level=district, parents ct*, pr*, cn* */
    layer_init(&L, "山西省", "山西省.shp", "ESRI Shapefile", HL_GEOM_POLYGON, 117);
    add(&L, "name", "平定县", "郊区", "矿区", "盂县", "城区", NULL);
    add(&L, "adcode", "140321", "140311", "140303", "140322", "140302", NULL);
    add(&L, "level", "district", NULL);
    add(&L, "ctname", "阳泉市", NULL);
    add(&L, "ctadcode", "140300", NULL);
    add(&L, "prname", "山西省", NULL);
    add(&L, "pradcode", "140000", NULL);
    add(&L, "cnadcode", "100000", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "county", "");
    /* codes 0.85, level and name endings agree: +0.04 each */
    assert_true(fabs(g.score - 0.93) < 1e-9);
    EXPECT_IN(g.reason, "adcode");
    EXPECT_IN(g.reason, "6-digit");
    EXPECT_IN(g.note, "117 county polygons");
    EXPECT_IN(g.note, "multi-county");
    /* the same without sample values (what init passes): the AMap field set */
    for (size_t i = 0; i < L.in.n_fields; i++) L.f[i].n_samples = 0;
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "county", "");
    assert_true(fabs(g.score - 0.70) < 1e-9);
}

static void test_county_echarts_and_keyword(void **state) {
    fixture *fx = *state;
    layer L;
    hl_role_guess g;
    /* echarts shan1_xi1_jin4_cheng2: id, name, cp, childNum */
    layer_init(&L, "shan1_xi1_jin4_cheng2", "shan1_xi1_jin4_cheng2.geojson", "GeoJSON", HL_GEOM_POLYGON, 6);
    add(&L, "id", "140502", "140521", "140522", "140524", "140525", "140581", NULL);
    add(&L, "name", "城区", "沁水县", "阳城县", "陵川县", "泽州县", "高平市", NULL);
    add(&L, "cp", "(2:112.853555,35.501571)", NULL);
    add(&L, "childNum", "1", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "county", "");
    assert_true(fabs(g.score - 0.89) < 1e-9); /* codes 0.85 + county names 0.04 */
    /* one county only: the outer boundary */
    L.in.feature_count = 1;
    g = run(fx->set, &L);
    EXPECT_IN(g.note, "one county polygon");
    /* tudigong: layer "county", CODE integers, and the keyword adds 0.1 */
    layer_init(&L, "county", "counties-geo.topojson", "TopoJSON", HL_GEOM_POLYGON, 2990);
    add(&L, "CODE", "310106", "120118", "620421", NULL);
    add(&L, "NAME", "静安区", "静海区", "靖远县", NULL);
    add(&L, "PROV_CODE", "310000", "120000", "620000", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "county", "");
    assert_true(fabs(g.score - 0.98) < 1e-9); /* 0.85 + 0.04 + 0.1 = 0.99, capped at 0.98 */
    /* the province layer of the same file: above the county, no role */
    layer_init(&L, "province", "counties-geo.topojson", "TopoJSON", HL_GEOM_POLYGON, 31);
    add(&L, "CODE", "460000", "150000", "510000", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "", "");
    EXPECT_IN(g.reason, "province");
    /* even with a county keyword in the name */
    L.in.layer_name = "county_province";
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "", "");
}

static void test_county_foreign(void **state) {
    fixture *fx = *state;
    layer L;
    hl_role_guess g;
    /* nc.shp: FIPS 5-digit county codes, CNTY_ID */
    layer_init(&L, "nc", "nc.shp", "ESRI Shapefile", HL_GEOM_POLYGON, 100);
    add(&L, "AREA", "0.114", NULL);
    add(&L, "CNTY_", "1825", NULL);
    add(&L, "CNTY_ID", "1825", NULL);
    add(&L, "NAME", "Ashe", "Alleghany", "Surry", NULL);
    add(&L, "FIPS", "37009", "37005", "37171", NULL);
    add(&L, "BIR74", "1091", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "county", "");
    EXPECT_IN(g.reason, "FIPS");
    /* Jamaica "province" with English "... County" names */
    layer_init(&L, "province", "province.geojson", "GeoJSON", HL_GEOM_POLYGON, 3);
    add(&L, "osm_id", "1637034", "1637036", NULL);
    add(&L, "name", "Middlesex County", "Cornwall County", "Surrey County", NULL);
    add(&L, "admin_leve", "5", NULL);
    add(&L, "boundary", "administrative", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "county", "");
    EXPECT_IN(g.note, "3 county polygons");
    /* Sergipe admin boundaries: 30 polygons + 26 points; IBGE codes (prefix 28/29)
     * are not Chinese township codes even with 9 digits */
    layer_init(&L, "admin-boundaries", "admin-boundaries.geojson", "GeoJSON", HL_GEOM_UNKNOWN, 56);
    L.in.geom_counts[0] = 26, L.in.geom_counts[2] = 30;
    add(&L, "IBGE:GEOCODIGO", "280210605", "280320305", "29179041000", NULL);
    add(&L, "admin_level", "9", NULL);
    add(&L, "boundary", "administrative", NULL);
    add(&L, "name", "Distrito de Abadia", "Estância", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "county", "");
    EXPECT_IN(g.note, "30 county polygons");
    EXPECT_IN(g.note, "26 of the features are points");
}

/* ---- townships and villages ----------------------------------------- */

static void test_townships_villages(void **state) {
    fixture *fx = *state;
    layer L;
    hl_role_guess g;
    /* a bureau layer with a generic name and 9-digit codes */
    layer_init(&L, "xzq", "xzq.shp", "ESRI Shapefile", HL_GEOM_POLYGON, 12);
    add(&L, "XZQDM", "140521100", "140521101", "140521200", NULL);
    add(&L, "XZQMC", "龙港镇", "中村镇", "土沃乡", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "townships", "");
    EXPECT_IN(g.reason, "9-digit");
    /* the same with 12-digit village codes and 村/居委会 names */
    layer_init(&L, "xzq", "xzq.shp", "ESRI Shapefile", HL_GEOM_POLYGON, 193);
    add(&L, "XZQDM", "140521100201", "140521100202", "140521100001", NULL);
    add(&L, "XZQMC", "西村村", "南村村", "龙港社区居委会", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "villages", "");
    EXPECT_IN(g.reason, "12-digit");
    /* 12-digit codes ending in 000 are townships written long */
    layer_init(&L, "xzq", "xzq.shp", "ESRI Shapefile", HL_GEOM_POLYGON, 12);
    add(&L, "XZQDM", "140521100000", "140521101000", "140521200000", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "townships", "");
    /* township names alone (no codes) */
    layer_init(&L, "boundary2023", "boundary2023.shp", "ESRI Shapefile", HL_GEOM_POLYGON, 12);
    add(&L, "MC", "龙港镇", "嘉峰镇", "土沃乡", "端氏镇", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "townships", "");
    /* Taiwan: county, town and village fields: the finest decides */
    layer_init(&L, "layer1", "twVillage1982.topo.json", "TopoJSON", HL_GEOM_POLYGON, 7599);
    add(&L, "VILLAGESN", "100090001", NULL);
    add(&L, "VILLAGEID", "1000911004", NULL);
    add(&L, "COUNTYNAME", "雲林縣", NULL);
    add(&L, "TOWNNAME", "二崙鄉", NULL);
    add(&L, "VILLAGENAM", "三和村", "大同村", "大庄村", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "villages", "");
    layer_init(&L, "layer1", "twTown1982.topo.json", "TopoJSON", HL_GEOM_POLYGON, 382);
    add(&L, "TOWNSN", "10009004", NULL);
    add(&L, "TOWNID", "1000913", NULL);
    add(&L, "COUNTYNAME", "雲林縣", NULL);
    add(&L, "TOWNNAME", "麥寮鄉", "二崙鄉", "崙背鄉", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "townships", "");
    /* census tracts (olinda1): 15-digit codes, the finest polygon unit */
    layer_init(&L, "olinda1", "olinda1.shp", "ESRI Shapefile", HL_GEOM_POLYGON, 470);
    add(&L, "ID", "28801.000000000000000", NULL);
    add(&L, "CD_GEOCODI", "260960005000001", "260960005000002", NULL);
    add(&L, "TIPO", "URBANO", NULL);
    add(&L, "V014", "1119", "1267", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "villages", "");
    EXPECT_IN(g.reason, "census-tract");
}

/* ---- points ----------------------------------------------------------- */

static void test_points(void **state) {
    fixture *fx = *state;
    layer L;
    hl_role_guess g;
    /* RAM villages: points with population and place */
    layer_init(&L, "villages", "villages.geojson", "GeoJSON", HL_GEOM_POINT, 214);
    add(&L, "IBGE:GEOCODIGO", "292380305", NULL);
    add(&L, "name", "Paripiranga", "Jandaíra", NULL);
    add(&L, "place", "town", "village", NULL);
    add(&L, "population", "29459", "10997", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "natural_villages", "");
    assert_true(fabs(g.score - 0.90) < 1e-9); /* 0.75 + place 0.05 + village name 0.1 */
    /* 170 points and 63 polygons: still villages as points */
    layer_init(&L, "villages", "villages.geojson", "GeoJSON", HL_GEOM_UNKNOWN, 233);
    L.in.geom_counts[0] = 170, L.in.geom_counts[2] = 63;
    add(&L, "population", "100", NULL);
    add(&L, "place", "village", NULL);
    add(&L, "admin_level", "8", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "natural_villages", "");
    EXPECT_IN(g.note, "63 of the features are polygons");
    /* a population column does not make lines villages */
    layer_init(&L, "x", "x.shp", "ESRI Shapefile", HL_GEOM_LINE, 5);
    add(&L, "population", "100", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "", "");
    /* facilities: kind from the name, or from amenity values */
    layer_init(&L, "poi-townhalls", "poi-townhalls.geojson", "GeoJSON", HL_GEOM_POINT, 6);
    add(&L, "amenity", "townhall", NULL);
    add(&L, "name", "Prefeitura Municipal", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "facilities", "township_seat");
    layer_init(&L, "poi", "poi.geojson", "GeoJSON", HL_GEOM_POINT, 6);
    add(&L, "amenity", "hospital", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "facilities", "county_hospital");
    layer_init(&L, "hospitals", "hospitals.geojson", "GeoJSON", HL_GEOM_UNKNOWN, 34);
    L.in.geom_counts[0] = 20, L.in.geom_counts[2] = 14;
    add(&L, "amenity", "hospital", NULL);
    add(&L, "healthcare", "hospital", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "facilities", "county_hospital");
    layer_init(&L, "schools", "schools.geojson", "GeoJSON", HL_GEOM_UNKNOWN, 312);
    add(&L, "amenity", "school", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "facilities", "primary_school");
}

/* ---- OSM driver layers ------------------------------------------------ */

static void osm_layer(layer *L, const char *name, hl_geom_kind g) {
    layer_init(L, name, "liechtenstein-latest.osm.pbf", "OSM", g, 100);
    add(L, "osm_id", NULL);
    add(L, "name", NULL);
    if (!strcmp(name, "lines") || !strcmp(name, "points")) add(L, "highway", NULL);
    if (!strcmp(name, "points")) add(L, "place", NULL);
    if (!strcmp(name, "multipolygons")) add(L, "landuse", NULL), add(L, "amenity", NULL);
    add(L, "other_tags", NULL);
}

static void test_osm(void **state) {
    fixture *fx = *state;
    layer L;
    hl_role_guess g;
    osm_layer(&L, "lines", HL_GEOM_LINE);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "roads", "");
    assert_true(g.score >= 0.9);
    EXPECT_IN(g.reason, "highway");
    osm_layer(&L, "points", HL_GEOM_POINT);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "facilities", "");
    EXPECT_IN(g.note, "mixed kinds");
    EXPECT_IN(g.note, "where:");
    EXPECT_IN(g.note, "natural_villages");
    osm_layer(&L, "multipolygons", HL_GEOM_POLYGON);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "industry_bases", "");
    EXPECT_IN(g.note, "agricultural_bases");
    EXPECT_IN(g.note, "landuse=industrial");
    osm_layer(&L, "multilinestrings", HL_GEOM_LINE);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "", "");
    EXPECT_IN(g.reason, "route");
    osm_layer(&L, "other_relations", HL_GEOM_UNKNOWN);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "", "");
    /* a GeoJSON of OSM ways with highway values (sanhe_streets_data) */
    layer_init(&L, "sanhe_streets_data", "sanhe_streets_data.geojson", "GeoJSON", HL_GEOM_LINE, 37);
    add(&L, "highway", "unclassified", "service", NULL);
    add(&L, "id", "way/123", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "roads", "");
    assert_true(g.score >= 0.95);
}

/* ---- tables and mixed layers ------------------------------------------ */

static void test_tables(void **state) {
    fixture *fx = *state;
    layer L;
    hl_role_guess g;
    layer_init(&L, "villages", "villages.csv", "CSV", HL_GEOM_NONE, 620573);
    add(&L, "code", "110101001001", "110101001002", NULL);
    add(&L, "name", "多福巷社区居委会", "银闸社区居委会", NULL);
    add(&L, "streetCode", "110101001", NULL);
    add(&L, "provinceCode", "11", NULL);
    add(&L, "cityCode", "1101", NULL);
    add(&L, "areaCode", "110101", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "divisions", "");
    EXPECT_IN(g.note, "village level");
    layer_init(&L, "streets", "streets.csv", "CSV", HL_GEOM_NONE, 41352);
    add(&L, "code", "110101001", "110101002", NULL);
    add(&L, "name", "东华门街道", "景山街道", NULL);
    add(&L, "areaCode", "110101", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "divisions", "");
    EXPECT_IN(g.note, "township level");
    layer_init(&L, "areas", "areas.csv", "CSV", HL_GEOM_NONE, 2978);
    add(&L, "code", "110101", "110102", NULL);
    add(&L, "name", "东城区", "西城区", NULL);
    add(&L, "cityCode", "1101", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "divisions", "");
    EXPECT_IN(g.note, "county level");
    /* census figures by county code */
    layer_init(&L, "population", "population.csv", "CSV", HL_GEOM_NONE, 2990);
    add(&L, "CODE", "110101", "110102", "110105", NULL);
    add(&L, "NAME", "东城区", "西城区", "朝阳区", NULL);
    add(&L, "POPU", "708829", "1106214", NULL);
    add(&L, "POPU_URB", "1", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "attributes", "");
    EXPECT_IN(g.note, "county code");
    /* RAM results: ids are not division codes (prefix 20); 6-digit figures in
     * a column not named as a code do not count */
    layer_init(&L, "results", "results.csv", "CSV", HL_GEOM_NONE, 3);
    add(&L, "id", "200001", "200002", "200003", NULL);
    add(&L, "name", "Paripiranga", NULL);
    add(&L, "population", "29459", NULL);
    add(&L, "poi.church", "3500", "350000", NULL);
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "", "");
}

static void test_mixed(void **state) {
    fixture *fx = *state;
    layer L;
    hl_role_guess g;
    layer_init(&L, "sanhe", "sanhe.geojson", "GeoJSON", HL_GEOM_UNKNOWN, 375);
    L.in.geom_counts[0] = 324, L.in.geom_counts[1] = 42, L.in.geom_counts[2] = 9;
    L.in.n_counted = 375;
    add(&L, "admin_level", "4", "6", NULL);
    add(&L, "boundary", "administrative", NULL);
    add(&L, "place", NULL);
    add(&L, "power", NULL);
    add(&L, "highway", NULL);
    add(&L, "name", "北京市", "河北省", NULL);
    L.f[0].n_nonempty = 9, L.f[1].n_nonempty = 10, L.f[2].n_nonempty = 5, L.f[3].n_nonempty = 320;
    L.f[4].n_nonempty = 37, L.f[5].n_nonempty = 360;
    g = run(fx->set, &L);
    EXPECT_ROLE(g, "mixed", "");
    EXPECT_IN(g.note, "places (place) 5");
    EXPECT_IN(g.note, "power (power) 320");
    EXPECT_IN(g.note, "roads (highway) 37");
    EXPECT_IN(g.note, "admin boundaries");
    /* points and polygons of one thing (schools with building outlines) are not mixed */
    L.in.geom_counts[1] = 0;
    g = run(fx->set, &L);
    assert_string_not_equal(g.role, "mixed");
}

/* ---- the plain API ------------------------------------------------------ */

static void test_plain_api(void **state) {
    fixture *fx = *state;
    hl_role_guess g, g2;
    const char *const osm_pts[] = {"osm_id", "name", "barrier", "highway", "place", "other_tags"};
    const char *const osm_lines[] = {"osm_id", "name", "highway", "waterway", "other_tags"};
    const char *const amap[] = {"name", "adcode", "level", "ctname", "ctadcode"};
    const char *const div[] = {"code", "name", "streetCode"};
    /* init passes "file layer" */
    assert_int_equal(hl_specs_guess_role(fx->set, "map.osm lines", HL_GEOM_LINE, osm_lines, 5, &g), HL_OK);
    EXPECT_ROLE(g, "roads", "");
    assert_true(fabs(g.score - 0.95) < 1e-9);
    /* a facilities guess without a kind is no plan entry: no answer */
    assert_int_equal(hl_specs_guess_role(fx->set, "map.osm points", HL_GEOM_POINT, osm_pts, 6, &g), HL_OK);
    EXPECT_ROLE(g, "", "");
    assert_int_equal(hl_specs_guess_role(fx->set, "山西省.shp 山西省", HL_GEOM_POLYGON, amap, 5, &g), HL_OK);
    EXPECT_ROLE(g, "county", "");
    /* tables never get a role here */
    assert_int_equal(hl_specs_guess_role(fx->set, "villages.csv villages", HL_GEOM_NONE, div, 3, &g), HL_OK);
    EXPECT_ROLE(g, "", "");
    /* the documented base formula still holds where no cue applies */
    assert_int_equal(hl_specs_guess_role(fx->set, "卫生室", HL_GEOM_POINT, NULL, 0, &g), HL_OK);
    EXPECT_ROLE(g, "facilities", "clinic");
    assert_true(fabs(g.score - 0.6) < 1e-9);
    /* deterministic */
    assert_int_equal(hl_specs_guess_role(fx->set, "卫生室", HL_GEOM_POINT, NULL, 0, &g2), HL_OK);
    assert_memory_equal(&g, &g2, sizeof g);
    assert_int_equal(hl_specs_guess_role(NULL, "x", HL_GEOM_POINT, NULL, 0, &g), HL_E_ARG);
    assert_int_equal(hl_specs_guess_role_ex(fx->set, NULL, &g), HL_E_ARG);
    assert_int_equal(hl_specs_guess_role_ex(NULL, NULL, &g), HL_E_ARG);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_county_amap),       cmocka_unit_test(test_county_echarts_and_keyword),
        cmocka_unit_test(test_county_foreign),    cmocka_unit_test(test_townships_villages),
        cmocka_unit_test(test_points),            cmocka_unit_test(test_osm),
        cmocka_unit_test(test_tables),            cmocka_unit_test(test_mixed),
        cmocka_unit_test(test_plain_api),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
