/* Unit tests for the geom module (point-in-polygon and nearest-feature
 * indexes over a layer), the QA list and result tables.  Expected values are
 * worked out by hand from the coordinates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/core_int.h"
#include "geom/geom_int.h"
#include "hl/qa.h"
#include "hl/table.h"
#include "layer/layer_int.h"

static GEOSGeometry *wkt(hl_ctx *ctx, const char *text) {
    GEOSContextHandle_t h = hl__geos(ctx);
    GEOSWKTReader *r = GEOSWKTReader_create_r(h);
    GEOSGeometry *g = GEOSWKTReader_read_r(h, r, text);
    GEOSWKTReader_destroy_r(h, r);
    return g;
}

/* Two unit squares side by side and one overlapping both. */
static hl_layer *squares(hl_ctx *ctx) {
    const char *names[] = {"code"};
    hl_layer *L = NULL;
    const char *v0[] = {"A"}, *v1[] = {"B"}, *v2[] = {"C"};
    assert_int_equal(hl__layer_create(ctx, "villages", NULL, "test", HL_GEOM_POLYGON, 1, names, &L), HL_OK);
    assert_int_equal(hl__layer_append(ctx, L, 10, wkt(ctx, "POLYGON((0 0,10 0,10 10,0 10,0 0))"), v0), HL_OK);
    assert_int_equal(hl__layer_append(ctx, L, 11, wkt(ctx, "POLYGON((10 0,20 0,20 10,10 10,10 0))"), v1), HL_OK);
    assert_int_equal(hl__layer_append(ctx, L, 12, wkt(ctx, "POLYGON((5 5,15 5,15 15,5 15,5 5))"), v2), HL_OK);
    assert_int_equal(hl__layer_append(ctx, L, 13, NULL, v2), HL_OK); /* no geometry */
    return L;
}

static void test_polyindex(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    hl_layer *L = squares(ctx);
    hl_polyindex *ix = NULL;
    assert_int_equal(hl_polyindex_create(ctx, L, &ix), HL_OK);
    assert_int_equal(hl_polyindex_find(ix, 2, 2), 0);
    assert_int_equal(hl_polyindex_find(ix, 18, 2), 1);
    /* (7,7) is in A and C: the lowest index wins */
    assert_int_equal(hl_polyindex_find(ix, 7, 7), 0);
    /* (12,12) only in C */
    assert_int_equal(hl_polyindex_find(ix, 12, 12), 2);
    /* on the shared edge x=10, y=2: covered by A and B -> A */
    assert_int_equal(hl_polyindex_find(ix, 10, 2), 0);
    assert_int_equal(hl_polyindex_find(ix, 30, 30), SIZE_MAX);
    hl_polyindex_destroy(ix);
    hl_layer_destroy(L);
    hl_ctx_destroy(ctx);
}

static void test_nearindex(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    hl_layer *L = squares(ctx);
    hl_nearindex *ix = NULL;
    size_t f;
    bool keep[4] = {false, true, false, true};
    assert_int_equal(hl_nearindex_create(ctx, L, NULL, &ix), HL_OK);
    /* (25,5) is 5 from B's edge x=20; C's nearest point (15,5) is 10 away */
    assert_true(fabs(hl_nearindex_distance(ix, 25, 5, &f) - 5.0) < 1e-12);
    assert_int_equal(f, 1);
    /* (18,18): to C's corner (15,15) sqrt(18) */
    assert_true(fabs(hl_nearindex_distance(ix, 18, 18, &f) - sqrt(18.0)) < 1e-12);
    assert_int_equal(f, 2);
    hl_nearindex_destroy(ix);
    /* only B kept: from (-3,5) the distance is 13 */
    assert_int_equal(hl_nearindex_create(ctx, L, keep, &ix), HL_OK);
    assert_true(fabs(hl_nearindex_distance(ix, -3, 5, &f) - 13.0) < 1e-12);
    assert_int_equal(f, 1);
    hl_nearindex_destroy(ix);
    hl_layer_destroy(L);
    hl_ctx_destroy(ctx);
}

/* A deterministic uniform number in [0, 1) (64-bit LCG, top 24 bits). */
static double rnd01(uint64_t *x) {
    *x = *x * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*x >> 40) / 16777216.0;
}

/* The box index against a brute-force scan of every feature's envelope:
 * 300 random rectangles and points, 200 random query boxes; the answers
 * must be exactly the brute-force set, in ascending order. */
static void test_boxindex(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    GEOSContextHandle_t h = hl__geos(ctx);
    const char *names[] = {"code"}, *v[] = {"x"};
    hl_layer *L = NULL;
    hl_boxindex *ix = NULL;
    enum { NF = 300 };
    double box[NF][4];
    uint64_t x = 99;
    const size_t *hit;
    size_t n;
    assert_int_equal(hl__layer_create(ctx, "things", NULL, "test", HL_GEOM_POLYGON, 1, names, &L), HL_OK);
    for (size_t i = 0; i < NF; i++) {
        double x0 = rnd01(&x) * 1000, y0 = rnd01(&x) * 1000, w = i % 3 ? rnd01(&x) * 50 : 0, hh = i % 3 ? rnd01(&x) * 50 : 0;
        GEOSGeometry *g = i % 3 ? GEOSGeom_createRectangle_r(h, x0, y0, x0 + w, y0 + hh)
                                : GEOSGeom_createPointFromXY_r(h, x0, y0);
        box[i][0] = x0;
        box[i][1] = y0;
        box[i][2] = x0 + w;
        box[i][3] = y0 + hh;
        if (i == 7) g = (GEOSGeom_destroy_r(h, g), NULL); /* no geometry: never returned */
        assert_int_equal(hl__layer_append(ctx, L, (int64_t)i, g, v), HL_OK);
    }
    assert_int_equal(hl_boxindex_create(ctx, L, NULL, &ix), HL_OK);
    for (int q = 0; q < 200; q++) {
        double qb[4];
        size_t expect = 0, j = 0;
        qb[0] = rnd01(&x) * 1000;
        qb[1] = rnd01(&x) * 1000;
        qb[2] = qb[0] + rnd01(&x) * 200;
        qb[3] = qb[1] + rnd01(&x) * 200;
        assert_int_equal(hl_boxindex_query(ix, qb, &hit, &n), HL_OK);
        for (size_t i = 0; i < NF; i++) {
            bool meet = i != 7 && box[i][0] <= qb[2] && qb[0] <= box[i][2] && box[i][1] <= qb[3] && qb[1] <= box[i][3];
            if (!meet) continue;
            expect++;
            assert_true(j < n);
            assert_int_equal(hit[j], i);
            j++;
        }
        assert_int_equal(n, expect);
    }
    /* an inverted box finds nothing */
    {
        double bad[4] = {10, 10, 0, 0};
        assert_int_equal(hl_boxindex_query(ix, bad, &hit, &n), HL_OK);
        assert_int_equal(n, 0);
    }
    hl_boxindex_destroy(ix);
    hl_boxindex_destroy(NULL);
    hl_layer_destroy(L);
    hl_ctx_destroy(ctx);
}

/* A polygon layer of copies of the n areas, and their study-wide union
 * computed the slow way (GEOSUnaryUnion of every polygon) into *u; the
 * caller destroys both and the areas. */
static hl_layer *areas_layer(hl_ctx *ctx, const char *name, GEOSGeometry **all, int n, GEOSGeometry **u) {
    GEOSContextHandle_t h = hl__geos(ctx);
    const char *names[] = {"code"}, *v[] = {"x"};
    hl_layer *L = NULL;
    GEOSGeometry *coll;
    assert_int_equal(hl__layer_create(ctx, name, NULL, "test", HL_GEOM_POLYGON, 1, names, &L), HL_OK);
    for (int i = 0; i < n; i++)
        assert_int_equal(hl__layer_append(ctx, L, i, GEOSGeom_clone_r(h, all[i]), v), HL_OK);
    coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, all, (unsigned)n); /* takes all */
    *u = GEOSUnaryUnion_r(h, coll);
    assert_non_null(*u);
    GEOSGeom_destroy_r(h, coll);
    return L;
}

/* The covered area of P equals the area of P's intersection with the union
 * u; P is destroyed. */
static void check_covered_area(hl_boxindex *ix, GEOSContextHandle_t h, const GEOSGeometry *u, GEOSGeometry *P) {
    double got = -1, want = 0;
    GEOSGeometry *xg = GEOSIntersection_r(h, P, u);
    GEOSArea_r(h, xg, &want);
    assert_int_equal(hl_boxindex_covered_area(ix, P, &got), HL_OK);
    assert_true(fabs(got - want) <= 1e-9 * (1 + want));
    GEOSGeom_destroy_r(h, xg);
    GEOSGeom_destroy_r(h, P);
}

/* Covered area and point cover against the study-wide union: 60
 * overlapping random squares, 40 random query polygons and points. */
static void test_boxindex_cover(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    GEOSContextHandle_t h = hl__geos(ctx);
    hl_layer *L;
    hl_boxindex *ix = NULL;
    GEOSGeometry *all[60], *u;
    uint64_t x = 7;
    for (int i = 0; i < 60; i++) {
        double x0 = rnd01(&x) * 100, y0 = rnd01(&x) * 100, w = 5 + rnd01(&x) * 20;
        all[i] = GEOSGeom_createRectangle_r(h, x0, y0, x0 + w, y0 + w);
    }
    L = areas_layer(ctx, "areas", all, 60, &u);
    assert_int_equal(hl_boxindex_create(ctx, L, NULL, &ix), HL_OK);
    for (int q = 0; q < 40; q++) {
        double x0 = rnd01(&x) * 110 - 5, y0 = rnd01(&x) * 110 - 5, w = 1 + rnd01(&x) * 30;
        GEOSGeometry *pt;
        check_covered_area(ix, h, u, GEOSGeom_createRectangle_r(h, x0, y0, x0 + w, y0 + w * 0.7));
        pt = GEOSGeom_createPointFromXY_r(h, x0, y0);
        assert_int_equal(hl_boxindex_covers(ix, x0, y0), GEOSCovers_r(h, u, pt) == 1);
        GEOSGeom_destroy_r(h, pt);
    }
    hl_boxindex_destroy(ix);
    GEOSGeom_destroy_r(h, u);
    hl_layer_destroy(L);
    hl_ctx_destroy(ctx);
}

/* The same on tiles that touch but never overlap (their pieces' areas add
 * without a union) plus one square overlapping four tiles (so a union is
 * still needed near it), with query polygons wholly inside one tile (the
 * one-feature answer), across tiles, and across the overlapping square. */
static void test_boxindex_cover_tiles(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    GEOSContextHandle_t h = hl__geos(ctx);
    hl_layer *L;
    hl_boxindex *ix = NULL;
    GEOSGeometry *all[25], *u;
    uint64_t x = 11;
    int n = 0;
    for (int r = 0; r < 5; r++)
        for (int c = 0; c < 5; c++)
            if (!(r == 2 && c == 2)) /* a gap */
                all[n++] = GEOSGeom_createRectangle_r(h, c * 10.0, r * 10.0, c * 10.0 + 10, r * 10.0 + 10);
    all[n++] = GEOSGeom_createRectangle_r(h, 35, 5, 45, 15); /* over four tiles */
    L = areas_layer(ctx, "tiles", all, n, &u);
    assert_int_equal(hl_boxindex_create(ctx, L, NULL, &ix), HL_OK);
    for (int q = 0; q < 200; q++) {
        double x0 = rnd01(&x) * 55 - 2.5, y0 = rnd01(&x) * 55 - 2.5, w = 0.5 + rnd01(&x) * (q % 3 ? 4 : 25);
        check_covered_area(ix, h, u, GEOSGeom_createRectangle_r(h, x0, y0, x0 + w, y0 + w * 0.6));
    }
    {
        /* by hand: inside one tile (2 x 3); half on the gap (5 x 4 on a
           tile); the four tiles under the square, which adds nothing */
        static const double box[3][4] = {{1, 1, 3, 4}, {15, 22, 25, 26}, {30, 0, 50, 20}};
        static const double want[3] = {6.0, 20.0, 400.0}, tol[3] = {1e-12, 1e-9, 1e-9};
        for (int i = 0; i < 3; i++) {
            double got = -1;
            GEOSGeometry *P = GEOSGeom_createRectangle_r(h, box[i][0], box[i][1], box[i][2], box[i][3]);
            assert_int_equal(hl_boxindex_covered_area(ix, P, &got), HL_OK);
            assert_true(fabs(got - want[i]) < tol[i]);
            GEOSGeom_destroy_r(h, P);
        }
    }
    hl_boxindex_destroy(ix);
    GEOSGeom_destroy_r(h, u);
    hl_layer_destroy(L);
    hl_ctx_destroy(ctx);
}

static void test_layer_values_and_points(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    hl_layer *L = squares(ctx);
    double x, y;
    char buf[32];
    assert_int_equal(hl_layer_bind(ctx, L, "id", "code"), HL_OK);
    assert_string_equal(hl_layer_id(L, 1, buf, sizeof buf), "B");
    assert_int_equal(hl_layer_bind(ctx, L, "population", "nope"), HL_E_DATA);
    assert_non_null(strstr(hl_ctx_errmsg(ctx), "code")); /* lists the fields */
    /* a polygon's representative point lies inside it */
    assert_true(hl_layer_point(L, 0, &x, &y));
    assert_true(x > 0 && x < 10 && y > 0 && y < 10);
    assert_false(hl_layer_point(L, 3, &x, &y));
    assert_false(hl_layer_has_geom(L, 3));
    hl_layer_destroy(L);
    hl_ctx_destroy(ctx);
}

static void test_qa_order(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    hl_qa *qa = NULL;
    assert_int_equal(hl_qa_create(ctx, &qa), HL_OK);
    assert_int_equal(hl_qa_add(ctx, qa, HL_QA_WARNING, "b", "roads", NULL, "10", false, 0, 0, NAN, "w10"), HL_OK);
    assert_int_equal(hl_qa_add(ctx, qa, HL_QA_WARNING, "b", "roads", NULL, "9", false, 0, 0, NAN, "w9"), HL_OK);
    assert_int_equal(hl_qa_add(ctx, qa, HL_QA_ERROR, "a", "villages", NULL, "1", true, 1, 2, 3.0, "e"), HL_OK);
    hl_qa_sort(qa);
    /* errors first; then by layer, code and numeric id (9 before 10) */
    assert_string_equal(hl_qa_get(qa, 0)->message, "e");
    assert_string_equal(hl_qa_get(qa, 1)->message, "w9");
    assert_string_equal(hl_qa_get(qa, 2)->message, "w10");
    assert_int_equal(hl_qa_count_severity(qa, HL_QA_WARNING), 2);
    assert_int_equal(hl_qa_count_code(qa, "b"), 2);
    hl_qa_destroy(qa);
    hl_ctx_destroy(ctx);
}

static void test_table(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    hl_table *t = NULL;
    size_t ci, cr, ct, row;
    assert_int_equal(hl_table_create(ctx, "t", HL_GEOM_NONE, &t), HL_OK);
    assert_int_equal(hl_table_add_column(ctx, t, "n", HL_COL_INT, &ci), HL_OK);
    assert_int_equal(hl_table_add_column(ctx, t, "x", HL_COL_REAL, &cr), HL_OK);
    assert_int_equal(hl_table_add_column(ctx, t, "s", HL_COL_TEXT, &ct), HL_OK);
    assert_int_equal(hl_table_add_column(ctx, t, "s", HL_COL_TEXT, NULL), HL_E_ARG); /* twice */
    assert_int_equal(hl_table_add_row(ctx, t, NULL, 0, &row), HL_OK);
    hl_table_set_int(t, row, ci, 42);
    hl_table_set_real(t, row, cr, INFINITY); /* non-finite is null */
    assert_int_equal(hl_table_set_text(ctx, t, row, ct, "村"), HL_OK);
    assert_int_equal(hl_table_int(t, row, ci), 42);
    assert_true(hl_table_is_null(t, row, cr));
    assert_string_equal(hl_table_text(t, row, ct), "村");
    assert_int_equal(hl_table_add_column(ctx, t, "late", HL_COL_INT, NULL), HL_E_ARG); /* after rows */
    hl_table_destroy(t);
    hl_ctx_destroy(ctx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_polyindex),    cmocka_unit_test(test_nearindex), cmocka_unit_test(test_boxindex), cmocka_unit_test(test_boxindex_cover), cmocka_unit_test(test_boxindex_cover_tiles),
        cmocka_unit_test(test_layer_values_and_points),
        cmocka_unit_test(test_qa_order),     cmocka_unit_test(test_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
