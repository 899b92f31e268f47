/* Unit tests for the cell-mask helpers of the geom module:
 * hl_geom_mask_polygons (a binary cell mask to a GEOS MultiPolygon, one
 * polygon per edge-connected group of cells) and hl_geom_mask_erode
 * (one-cell 8-neighbour erosion).
 *
 * Expected values never come from the code under test:
 * - GDALPolygonize (hl_io_polygonize_mask) is an oracle for the region:
 *   same area, same number of polygons, symmetric difference of area ~0;
 * - a brute-force labelling here of the 4-connected groups of cells gives,
 *   for each group, its cell count, its number of holes (the bounded
 *   4-connected groups of cells outside it) and the number of grid points
 *   where its outline turns (a corner shared by 1 or 3 of its cells counts
 *   once, a corner shared by 2 diagonal cells twice, once in each of the
 *   two rings that touch there), which every polygon must match exactly;
 * - ring orientation (signed area), vertices on the cell grid, axis-parallel
 *   edges and a turn at every vertex are checked from the coordinates;
 * - hand-worked cases (ring with a hole, diagonal cells, L-shape, pinches);
 * - the erosion against a brute-force 3x3 scan.
 * On a failure the mask is printed as rows of 0/1 (row 0 at the top). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_int.h"
#include "geom/geom_int.h"
#include "hl/io.h"

/* ---- failure reporting: the mask under test is printed before failing ---- */

static const uint8_t *g_mask;
static size_t g_nx, g_ny;
static double g_x0, g_ytop, g_cell;

static void dump_mask(void) {
    if (!g_mask) return;
    print_error("mask %zu x %zu, x0 %.17g, y_top %.17g, cell %.17g (row 0 at the top):\n", g_nx, g_ny, g_x0, g_ytop,
                g_cell);
    for (size_t j = 0; j < g_ny; j++) {
        char row[256];
        size_t n = 0;
        for (size_t i = 0; i < g_nx && n + 1 < sizeof row; i++) row[n++] = g_mask[j * g_nx + i] ? '1' : '0';
        row[n] = '\0';
        print_error("  %s\n", row);
    }
}

#define CHECK(cond, ...)                         \
    do {                                         \
        if (!(cond)) {                           \
            print_error("check failed: " #cond); \
            print_error(": " __VA_ARGS__);       \
            print_error("\n");                   \
            dump_mask();                         \
            fail();                              \
        }                                        \
    } while (0)

/* A deterministic uniform number in [0, 1) (64-bit LCG, top 24 bits). */
static double rnd01(uint64_t *x) {
    *x = *x * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*x >> 40) / 16777216.0;
}
static size_t rnd_below(uint64_t *x, size_t n) { return (size_t)(rnd01(x) * (double)n) % n; }

/* A mask from rows of '0'/'1' (row 0 first). */
static uint8_t *mask_from_rows(const char *const *rows, size_t ny, size_t *nx) {
    size_t w = strlen(rows[0]);
    uint8_t *m = calloc(w * ny > 0 ? w * ny : 1, 1);
    assert_non_null(m);
    for (size_t j = 0; j < ny; j++) {
        assert_int_equal(strlen(rows[j]), w);
        for (size_t i = 0; i < w; i++) m[j * w + i] = rows[j][i] == '1';
    }
    *nx = w;
    return m;
}

/* ---- brute force: 4-connected groups, their cells, holes and turns ---- */

typedef struct brute {
    long nx, ny;
    long *label; /* per cell: its group, -1 unmarked */
    size_t ncomp, ncells;
    size_t *cells, *holes, *corners;
    long *bx0, *by0, *bx1, *by1; /* bounding box of each group, inclusive */
} brute;

static bool in_comp(const brute *b, long i, long j, long k) {
    return i >= 0 && j >= 0 && i < b->nx && j < b->ny && b->label[j * b->nx + i] == k;
}

/* Flood-fill (4-connected) the cells of a w x h grid with v[c] == from,
 * starting at `start`, setting them to `to`; stack has room for w*h. */
static void flood(uint8_t *v, long w, long h, long start, uint8_t from, uint8_t to, long *stack) {
    size_t sp = 0;
    v[start] = to;
    stack[sp++] = start;
    while (sp) {
        long c = stack[--sp], i = c % w, j = c / w;
        long nb[4] = {i > 0 ? c - 1 : -1, i + 1 < w ? c + 1 : -1, j > 0 ? c - w : -1, j + 1 < h ? c + w : -1};
        for (int d = 0; d < 4; d++)
            if (nb[d] >= 0 && v[nb[d]] == from) {
                v[nb[d]] = to;
                stack[sp++] = nb[d];
            }
    }
}

static void brute_init(brute *b, const uint8_t *mask, size_t nx, size_t ny) {
    long n = (long)(nx * ny);
    long *stack = malloc(sizeof(long) * (size_t)(n ? n : 1));
    memset(b, 0, sizeof *b);
    b->nx = (long)nx;
    b->ny = (long)ny;
    b->label = malloc(sizeof(long) * (size_t)(n ? n : 1));
    assert_non_null(stack);
    assert_non_null(b->label);
    for (long c = 0; c < n; c++) b->label[c] = -1;
    /* label the groups in scan order */
    for (long c = 0; c < n; c++) {
        if (!mask[c] || b->label[c] >= 0) continue;
        long k = (long)b->ncomp++;
        size_t sp = 0;
        b->label[c] = k;
        stack[sp++] = c;
        while (sp) {
            long q = stack[--sp], i = q % b->nx, j = q / b->nx;
            long nb[4] = {i > 0 ? q - 1 : -1, i + 1 < b->nx ? q + 1 : -1, j > 0 ? q - b->nx : -1,
                          j + 1 < b->ny ? q + b->nx : -1};
            for (int d = 0; d < 4; d++)
                if (nb[d] >= 0 && mask[nb[d]] && b->label[nb[d]] < 0) {
                    b->label[nb[d]] = k;
                    stack[sp++] = nb[d];
                }
        }
    }
    size_t m = b->ncomp ? b->ncomp : 1;
    b->cells = calloc(m, sizeof(size_t));
    b->holes = calloc(m, sizeof(size_t));
    b->corners = calloc(m, sizeof(size_t));
    b->bx0 = malloc(m * sizeof(long));
    b->by0 = malloc(m * sizeof(long));
    b->bx1 = malloc(m * sizeof(long));
    b->by1 = malloc(m * sizeof(long));
    assert_true(b->cells && b->holes && b->corners && b->bx0 && b->by0 && b->bx1 && b->by1);
    for (size_t k = 0; k < b->ncomp; k++) {
        b->bx0[k] = b->nx;
        b->by0[k] = b->ny;
        b->bx1[k] = -1;
        b->by1[k] = -1;
    }
    for (long c = 0; c < n; c++) {
        long k = b->label[c], i = c % b->nx, j = c / b->nx;
        if (k < 0) continue;
        b->ncells++;
        b->cells[k]++;
        if (i < b->bx0[k]) b->bx0[k] = i;
        if (j < b->by0[k]) b->by0[k] = j;
        if (i > b->bx1[k]) b->bx1[k] = i;
        if (j > b->by1[k]) b->by1[k] = j;
    }
    for (size_t k = 0; k < b->ncomp; k++) {
        long K = (long)k;
        /* holes: in the bounding box padded by one cell, the cells outside
           the group that the padding cannot reach, counted by 4-connected
           groups */
        long w = b->bx1[k] - b->bx0[k] + 3, h = b->by1[k] - b->by0[k] + 3;
        uint8_t *v = malloc((size_t)(w * h));
        long *st = malloc(sizeof(long) * (size_t)(w * h));
        assert_true(v && st);
        for (long jj = 0; jj < h; jj++)
            for (long ii = 0; ii < w; ii++) v[jj * w + ii] = in_comp(b, b->bx0[k] - 1 + ii, b->by0[k] - 1 + jj, K) ? 1 : 0;
        flood(v, w, h, 0, 0, 2, st);
        for (long c = 0; c < w * h; c++)
            if (v[c] == 0) {
                b->holes[k]++;
                flood(v, w, h, c, 0, 3, st);
            }
        free(st);
        free(v);
        /* turns: grid points whose four cells hold 1 or 3 of the group (one
           vertex), or 2 diagonal ones (a pinch: one vertex in each of the
           two rings meeting there) */
        for (long j = b->by0[k]; j <= b->by1[k] + 1; j++)
            for (long i = b->bx0[k]; i <= b->bx1[k] + 1; i++) {
                bool tl = in_comp(b, i - 1, j - 1, K), tr = in_comp(b, i, j - 1, K), bl = in_comp(b, i - 1, j, K),
                     br = in_comp(b, i, j, K);
                int cnt = tl + tr + bl + br;
                if (cnt == 1 || cnt == 3)
                    b->corners[k] += 1;
                else if (cnt == 2 && tl == br)
                    b->corners[k] += 2;
            }
    }
    free(stack);
}

static void brute_free(brute *b) {
    free(b->label);
    free(b->cells);
    free(b->holes);
    free(b->corners);
    free(b->bx0);
    free(b->by0);
    free(b->bx1);
    free(b->by1);
}

/* ---- checks on one ring ---- */

/* Check a ring: closed, at least 4 vertices, every vertex on the cell grid
 * (within the grid), edges axis-parallel, a turn at every vertex (cyclic:
 * the start too), and the orientation (shell CCW, hole CW with y up).
 * Returns its vertex count (closing point excluded) and twice its signed
 * area in cells; *ti, *tj receive the top-most then left-most vertex. */
static size_t check_ring(GEOSContextHandle_t h, const GEOSGeometry *ring, bool shell, long long *area2, long *ti,
                         long *tj) {
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned int npts = 0;
    CHECK(cs != NULL, "ring without coordinates");
    CHECK(GEOSCoordSeq_getSize_r(h, cs, &npts), "GEOSCoordSeq_getSize_r");
    CHECK(npts >= 5, "a ring of %u points", npts);
    long *gi = malloc(sizeof(long) * npts), *gj = malloc(sizeof(long) * npts);
    assert_true(gi && gj);
    double tol = 1e-6 * g_cell;
    for (unsigned int p = 0; p < npts; p++) {
        double x, y;
        CHECK(GEOSCoordSeq_getXY_r(h, cs, p, &x, &y), "GEOSCoordSeq_getXY_r");
        double fi = (x - g_x0) / g_cell, fj = (g_ytop - y) / g_cell;
        gi[p] = lround(fi);
        gj[p] = lround(fj);
        CHECK(fabs(x - (g_x0 + (double)gi[p] * g_cell)) <= tol && fabs(y - (g_ytop - (double)gj[p] * g_cell)) <= tol,
              "%s vertex %u (%.17g, %.17g) is not on the cell grid", shell ? "shell" : "hole", p, x, y);
        CHECK(gi[p] >= 0 && gi[p] <= (long)g_nx && gj[p] >= 0 && gj[p] <= (long)g_ny,
              "%s vertex %u (%.17g, %.17g) is outside the grid", shell ? "shell" : "hole", p, x, y);
    }
    unsigned int n = npts - 1;
    CHECK(gi[0] == gi[n] && gj[0] == gj[n], "ring not closed");
    long long a2 = 0;
    *ti = gi[0];
    *tj = gj[0];
    for (unsigned int p = 0; p < n; p++) {
        unsigned int q = (p + 1) % n, o = (p + n - 1) % n;
        long dx = gi[q] - gi[p], dy = gj[q] - gj[p], ex = gi[p] - gi[o], ey = gj[p] - gj[o];
        CHECK((dx == 0) != (dy == 0), "%s edge %u from grid point (%ld, %ld) to (%ld, %ld) is not axis-parallel "
              "or has length 0", shell ? "shell" : "hole", p, gi[p], gj[p], gi[q], gj[q]);
        CHECK(ex * dy - ey * dx != 0, "%s vertex %u at grid point (%ld, %ld) is not a turn",
              shell ? "shell" : "hole", p, gi[p], gj[p]);
        /* shoelace with y up = -j */
        a2 += (long long)gi[p] * (-gj[q]) - (long long)gi[q] * (-gj[p]);
        if (gj[p] < *tj || (gj[p] == *tj && gi[p] < *ti)) {
            *ti = gi[p];
            *tj = gj[p];
        }
    }
    if (shell)
        CHECK(a2 > 0, "shell is not counter-clockwise (twice signed area %lld cells)", a2);
    else
        CHECK(a2 < 0, "hole is not clockwise (twice signed area %lld cells)", a2);
    /* the same orientation from the real coordinates (relative to vertex 0) */
    {
        double s = 0, x0r, y0r;
        GEOSCoordSeq_getXY_r(h, cs, 0, &x0r, &y0r);
        for (unsigned int p = 0; p < n; p++) {
            double xa, ya, xb, yb;
            GEOSCoordSeq_getXY_r(h, cs, p, &xa, &ya);
            GEOSCoordSeq_getXY_r(h, cs, p + 1, &xb, &yb);
            s += (xa - x0r) * (yb - y0r) - (xb - x0r) * (ya - y0r);
        }
        CHECK(shell ? s > 0 : s < 0, "real-coordinate orientation of a %s is wrong", shell ? "shell" : "hole");
    }
    free(gi);
    free(gj);
    *area2 = a2;
    return n;
}

/* ---- the whole check of one mask ---- */

/* Run hl_geom_mask_polygons on the mask and check it against the brute
 * force and (if `oracle`) against GDALPolygonize. */
static void check_mask(hl_ctx *ctx, const uint8_t *mask, size_t nx, size_t ny, double x0, double y_top, double cell,
                       bool oracle) {
    GEOSContextHandle_t h = hl__geos(ctx);
    GEOSGeometry *g = (GEOSGeometry *)1;
    brute b;
    double c2 = cell * cell, tol = 1e-6 * c2;
    g_mask = mask;
    g_nx = nx;
    g_ny = ny;
    g_x0 = x0;
    g_ytop = y_top;
    g_cell = cell;
    brute_init(&b, mask, nx, ny);
    hl_status rc = hl_geom_mask_polygons(ctx, mask, nx, ny, x0, y_top, cell, &g);
    CHECK(rc == HL_OK, "status %d: %s", (int)rc, hl_ctx_errmsg(ctx));
    if (b.ncells == 0) {
        CHECK(g == NULL, "no marked cell but a geometry came back");
    } else {
        CHECK(g != NULL, "marked cells but no geometry");
        CHECK(GEOSGeomTypeId_r(h, g) == GEOS_MULTIPOLYGON, "type %d, not a MultiPolygon", GEOSGeomTypeId_r(h, g));
        if (GEOSisValid_r(h, g) != 1) {
            char *why = GEOSisValidReason_r(h, g);
            print_error("invalid: %s\n", why ? why : "?");
            GEOSFree_r(h, why);
            CHECK(false, "the MultiPolygon is not valid");
        }
        int ng = GEOSGetNumGeometries_r(h, g);
        CHECK(ng == (int)b.ncomp, "%d polygons, %zu edge-connected groups", ng, b.ncomp);
        bool *seen = calloc(b.ncomp, 1);
        assert_non_null(seen);
        for (int p = 0; p < ng; p++) {
            const GEOSGeometry *poly = GEOSGetGeometryN_r(h, g, p);
            CHECK(GEOSGeomTypeId_r(h, poly) == GEOS_POLYGON, "part %d is not a polygon", p);
            long long a2, sum2;
            long ti, tj, hi, hj;
            size_t nv = check_ring(h, GEOSGetExteriorRing_r(h, poly), true, &sum2, &ti, &tj);
            int nh = GEOSGetNumInteriorRings_r(h, poly);
            for (int r = 0; r < nh; r++) {
                nv += check_ring(h, GEOSGetInteriorRingN_r(h, poly, r), false, &a2, &hi, &hj);
                sum2 += a2;
            }
            /* the top-most, left-most shell vertex is the top-left corner of
               a cell of the polygon: that cell names its group */
            CHECK(ti < (long)nx && tj < (long)ny, "polygon %d: top-left vertex (%ld, %ld) on the far border", p, ti, tj);
            long k = b.label[tj * (long)nx + ti];
            CHECK(k >= 0, "polygon %d: the cell (%ld, %ld) below its top-left vertex is unmarked", p, ti, tj);
            CHECK(!seen[k], "polygon %d: group %ld (cell %ld, %ld) has two polygons", p, k, ti, tj);
            seen[k] = true;
            CHECK(sum2 == 2 * (long long)b.cells[k], "polygon %d at cell (%ld, %ld): area %.1f cells, group has %zu",
                  p, ti, tj, (double)sum2 / 2, b.cells[k]);
            double area = 0;
            CHECK(GEOSArea_r(h, poly, &area), "GEOSArea_r");
            CHECK(fabs(area - (double)b.cells[k] * c2) <= tol, "polygon %d at cell (%ld, %ld): GEOS area %.17g, "
                  "expected %zu cells", p, ti, tj, area, b.cells[k]);
            CHECK((size_t)nh == b.holes[k], "polygon %d at cell (%ld, %ld): %d holes, expected %zu", p, ti, tj, nh,
                  b.holes[k]);
            CHECK(nv == b.corners[k], "polygon %d at cell (%ld, %ld): %zu vertices, expected %zu turns", p, ti, tj, nv,
                  b.corners[k]);
        }
        free(seen);
        double area = 0;
        CHECK(GEOSArea_r(h, g, &area), "GEOSArea_r");
        CHECK(fabs(area - (double)b.ncells * c2) <= tol, "area %.17g, expected %zu cells of %.17g", area, b.ncells,
              c2);
        /* determinism: a second call gives the same bytes */
        {
            GEOSGeometry *g2 = NULL;
            size_t s1 = 0, s2 = 0;
            CHECK(hl_geom_mask_polygons(ctx, mask, nx, ny, x0, y_top, cell, &g2) == HL_OK, "second call");
            unsigned char *w1 = hl__geom_wkb(ctx, g, &s1), *w2 = hl__geom_wkb(ctx, g2, &s2);
            CHECK(w1 && w2 && s1 == s2 && memcmp(w1, w2, s1) == 0, "two calls gave different WKB");
            GEOSFree_r(h, w1);
            GEOSFree_r(h, w2);
            GEOSGeom_destroy_r(h, g2);
        }
    }
    if (oracle) {
        unsigned char *wkb = NULL;
        size_t wsz = 0;
        uint8_t *m01 = malloc(nx * ny > 0 ? nx * ny : 1);
        assert_non_null(m01);
        for (size_t c = 0; c < nx * ny; c++) m01[c] = mask[c] != 0;
        CHECK(hl_io_polygonize_mask(ctx, m01, nx, ny, x0, y_top, cell, &wkb, &wsz) == HL_OK, "oracle: %s",
              hl_ctx_errmsg(ctx));
        free(m01);
        CHECK((wkb == NULL) == (g == NULL), "oracle %s a geometry, mask_polygons %s", wkb ? "gives" : "gives no",
              g ? "gives one" : "gives none");
        if (wkb) {
            GEOSGeometry *o = GEOSGeomFromWKB_buf_r(h, wkb, wsz);
            double ao = 0, ag = 0, ad = -1;
            CHECK(o != NULL, "cannot read the oracle's WKB");
            CHECK(GEOSGetNumGeometries_r(h, o) == GEOSGetNumGeometries_r(h, g), "oracle has %d polygons, "
                  "mask_polygons %d", GEOSGetNumGeometries_r(h, o), GEOSGetNumGeometries_r(h, g));
            GEOSArea_r(h, o, &ao);
            GEOSArea_r(h, g, &ag);
            CHECK(fabs(ao - ag) <= tol, "oracle area %.17g, mask_polygons %.17g", ao, ag);
            CHECK(fabs(ao - (double)b.ncells * c2) <= tol, "oracle area %.17g, %zu cells", ao, b.ncells);
            GEOSGeometry *d = GEOSSymDifference_r(h, o, g);
            CHECK(d != NULL, "symmetric difference failed: %s", hl__geos_last_error(ctx));
            GEOSArea_r(h, d, &ad);
            CHECK(ad >= 0 && ad <= tol, "symmetric difference with the oracle has area %.17g", ad);
            GEOSGeom_destroy_r(h, d);
            GEOSGeom_destroy_r(h, o);
            hl_free(wkb);
        }
    }
    if (g) GEOSGeom_destroy_r(h, g);
    brute_free(&b);
    g_mask = NULL;
}

/* ---- hand-worked cases ---- */

/* Twice the signed area of a ring in cells (y up), from its coordinates. */
static double ring_area2(GEOSContextHandle_t h, const GEOSGeometry *ring, double x0, double y0, double cell) {
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned int n = 0;
    double s = 0;
    GEOSCoordSeq_getSize_r(h, cs, &n);
    for (unsigned int p = 0; p + 1 < n; p++) {
        double xa, ya, xb, yb;
        GEOSCoordSeq_getXY_r(h, cs, p, &xa, &ya);
        GEOSCoordSeq_getXY_r(h, cs, p + 1, &xb, &yb);
        xa = (xa - x0) / cell;
        xb = (xb - x0) / cell;
        ya = (ya - y0) / cell;
        yb = (yb - y0) / cell;
        s += xa * yb - xb * ya;
    }
    return s;
}
static int ring_points(GEOSContextHandle_t h, const GEOSGeometry *ring) {
    unsigned int n = 0;
    GEOSCoordSeq_getSize_r(h, GEOSGeom_getCoordSeq_r(h, ring), &n);
    return (int)n;
}
/* Whether the ring's vertex set (closing point excluded) is exactly the
 * given grid points (i, j), in any order and from any start. */
static bool ring_has_points(GEOSContextHandle_t h, const GEOSGeometry *ring, double x0, double y_top, double cell,
                            const int (*ij)[2], int n) {
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned int np = 0;
    GEOSCoordSeq_getSize_r(h, cs, &np);
    if ((int)np != n + 1) return false;
    for (int q = 0; q < n; q++) {
        bool found = false;
        for (unsigned int p = 0; p + 1 < np; p++) {
            double x, y;
            GEOSCoordSeq_getXY_r(h, cs, p, &x, &y);
            if (fabs(x - (x0 + ij[q][0] * cell)) < 1e-9 * cell && fabs(y - (y_top - ij[q][1] * cell)) < 1e-9 * cell)
                found = true;
        }
        if (!found) return false;
    }
    return true;
}

/* Polygons of rows of 0/1 at origin (x0, y_top) and cell size `cell`, after
 * the whole brute-force and oracle check of the same mask; caller destroys. */
static GEOSGeometry *polys_of(hl_ctx *ctx, const char *const *rows, size_t ny, double x0, double y_top, double cell) {
    size_t nx;
    uint8_t *m = mask_from_rows(rows, ny, &nx);
    GEOSGeometry *g = NULL;
    check_mask(ctx, m, nx, ny, x0, y_top, cell, true);
    assert_int_equal(hl_geom_mask_polygons(ctx, m, nx, ny, x0, y_top, cell, &g), HL_OK);
    free(m);
    return g;
}

static void test_mask_hand(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    GEOSContextHandle_t h = hl__geos(ctx);
    GEOSGeometry *g;
    const GEOSGeometry *p;
    double a;
    const double X0 = 500000.0, Y0 = 4000000.0, C = 50.0;

    /* a 3x3 block with its centre unmarked: 1 polygon with 1 hole, 8 cells;
       shell = the 4 block corners, hole = the centre cell's 4 corners */
    {
        const char *rows[] = {"111", "101", "111"};
        const int shell[4][2] = {{0, 0}, {3, 0}, {3, 3}, {0, 3}}, hole[4][2] = {{1, 1}, {2, 1}, {2, 2}, {1, 2}};
        g = polys_of(ctx, rows, 3, X0, Y0, C);
        assert_non_null(g);
        assert_int_equal(GEOSGetNumGeometries_r(h, g), 1);
        p = GEOSGetGeometryN_r(h, g, 0);
        assert_int_equal(GEOSGetNumInteriorRings_r(h, p), 1);
        assert_int_equal(ring_points(h, GEOSGetExteriorRing_r(h, p)), 5);
        assert_int_equal(ring_points(h, GEOSGetInteriorRingN_r(h, p, 0)), 5);
        assert_true(ring_has_points(h, GEOSGetExteriorRing_r(h, p), X0, Y0, C, shell, 4));
        assert_true(ring_has_points(h, GEOSGetInteriorRingN_r(h, p, 0), X0, Y0, C, hole, 4));
        /* shell CCW: +9 cells, hole CW: -1 cell */
        assert_true(fabs(ring_area2(h, GEOSGetExteriorRing_r(h, p), X0, Y0, C) - 18.0) < 1e-9);
        assert_true(fabs(ring_area2(h, GEOSGetInteriorRingN_r(h, p, 0), X0, Y0, C) + 2.0) < 1e-9);
        GEOSArea_r(h, g, &a);
        assert_true(fabs(a - 8 * C * C) < 1e-6);
        GEOSGeom_destroy_r(h, g);
    }
    /* two cells touching only at a corner: 2 separate squares */
    {
        const char *rows[] = {"10", "01"};
        g = polys_of(ctx, rows, 2, 0.0, 0.0, 1.0);
        assert_int_equal(GEOSGetNumGeometries_r(h, g), 2);
        for (int k = 0; k < 2; k++) {
            p = GEOSGetGeometryN_r(h, g, k);
            assert_int_equal(GEOSGetNumInteriorRings_r(h, p), 0);
            assert_int_equal(ring_points(h, GEOSGetExteriorRing_r(h, p)), 5);
            GEOSArea_r(h, p, &a);
            assert_true(fabs(a - 1.0) < 1e-12);
        }
        GEOSGeom_destroy_r(h, g);
    }
    /* the other diagonal, and a 3x3 checkerboard: 5 single cells */
    {
        const char *rows[] = {"01", "10"}, *cb[] = {"101", "010", "101"};
        g = polys_of(ctx, rows, 2, 0.0, 0.0, 1.0);
        assert_int_equal(GEOSGetNumGeometries_r(h, g), 2);
        GEOSGeom_destroy_r(h, g);
        g = polys_of(ctx, cb, 3, -100.0, 250.0, 0.5);
        assert_int_equal(GEOSGetNumGeometries_r(h, g), 5);
        GEOSArea_r(h, g, &a);
        assert_true(fabs(a - 5 * 0.25) < 1e-12);
        GEOSGeom_destroy_r(h, g);
    }
    /* an L: shell of 6 vertices (7 points), 5 cells */
    {
        const char *rows[] = {"100", "100", "111"};
        const int shell[6][2] = {{0, 0}, {1, 0}, {1, 2}, {3, 2}, {3, 3}, {0, 3}};
        g = polys_of(ctx, rows, 3, X0, Y0, C);
        assert_int_equal(GEOSGetNumGeometries_r(h, g), 1);
        p = GEOSGetGeometryN_r(h, g, 0);
        assert_int_equal(GEOSGetNumInteriorRings_r(h, p), 0);
        assert_int_equal(ring_points(h, GEOSGetExteriorRing_r(h, p)), 7);
        assert_true(ring_has_points(h, GEOSGetExteriorRing_r(h, p), X0, Y0, C, shell, 6));
        assert_true(fabs(ring_area2(h, GEOSGetExteriorRing_r(h, p), X0, Y0, C) - 10.0) < 1e-9);
        GEOSGeom_destroy_r(h, g);
    }
    /* a ring whose hole touches the outside at a corner (grid point (1,1)):
       one group, so one polygon whose shell (6 vertices) and hole (4)
       touch at that point - never a self-touching shell */
    {
        const char *rows[] = {"011", "101", "111"};
        const int shell[6][2] = {{1, 0}, {3, 0}, {3, 3}, {0, 3}, {0, 1}, {1, 1}};
        const int hole[4][2] = {{1, 1}, {2, 1}, {2, 2}, {1, 2}};
        g = polys_of(ctx, rows, 3, X0, Y0, C);
        assert_int_equal(GEOSGetNumGeometries_r(h, g), 1);
        p = GEOSGetGeometryN_r(h, g, 0);
        assert_int_equal(GEOSGetNumInteriorRings_r(h, p), 1);
        assert_true(ring_has_points(h, GEOSGetExteriorRing_r(h, p), X0, Y0, C, shell, 6));
        assert_true(ring_has_points(h, GEOSGetInteriorRingN_r(h, p, 0), X0, Y0, C, hole, 4));
        GEOSArea_r(h, g, &a);
        assert_true(fabs(a - 7 * C * C) < 1e-6);
        GEOSGeom_destroy_r(h, g);
    }
    /* two holes touching at a corner inside a 4x4 block: 1 polygon, 2
       holes of 4 vertices each, shell of 4 */
    {
        const char *rows[] = {"1111", "1011", "1101", "1111"};
        g = polys_of(ctx, rows, 4, 0.0, 0.0, 1.0);
        assert_int_equal(GEOSGetNumGeometries_r(h, g), 1);
        p = GEOSGetGeometryN_r(h, g, 0);
        assert_int_equal(GEOSGetNumInteriorRings_r(h, p), 2);
        assert_int_equal(ring_points(h, GEOSGetExteriorRing_r(h, p)), 5);
        assert_int_equal(ring_points(h, GEOSGetInteriorRingN_r(h, p, 0)), 5);
        assert_int_equal(ring_points(h, GEOSGetInteriorRingN_r(h, p, 1)), 5);
        GEOSArea_r(h, g, &a);
        assert_true(fabs(a - 14.0) < 1e-12);
        GEOSGeom_destroy_r(h, g);
    }
    /* two L-shapes touching at two corners around an unmarked centre:
       2 polygons (no hole: the centre is enclosed by no single group) */
    {
        const char *rows[] = {"110", "101", "011"};
        g = polys_of(ctx, rows, 3, 0.0, 0.0, 1.0);
        assert_int_equal(GEOSGetNumGeometries_r(h, g), 2);
        assert_int_equal(GEOSGetNumInteriorRings_r(h, GEOSGetGeometryN_r(h, g, 0)), 0);
        assert_int_equal(GEOSGetNumInteriorRings_r(h, GEOSGetGeometryN_r(h, g, 1)), 0);
        GEOSGeom_destroy_r(h, g);
    }
    /* a hole with an island: 5x5 block, the inner 3x3 ring unmarked, the
       centre marked -> 2 polygons: 16 cells with one 3x3 hole, and 1 cell */
    {
        const char *rows[] = {"11111", "10001", "10101", "10001", "11111"};
        const int hole[4][2] = {{1, 1}, {4, 1}, {4, 4}, {1, 4}};
        g = polys_of(ctx, rows, 5, X0, Y0, C);
        assert_int_equal(GEOSGetNumGeometries_r(h, g), 2);
        int big = 0, small = 0;
        for (int k = 0; k < 2; k++) {
            p = GEOSGetGeometryN_r(h, g, k);
            GEOSArea_r(h, p, &a);
            if (fabs(a - 16 * C * C) < 1e-6) {
                big++;
                assert_int_equal(GEOSGetNumInteriorRings_r(h, p), 1);
                assert_true(ring_has_points(h, GEOSGetInteriorRingN_r(h, p, 0), X0, Y0, C, hole, 4));
            } else if (fabs(a - C * C) < 1e-6) {
                small++;
                assert_int_equal(GEOSGetNumInteriorRings_r(h, p), 0);
            }
        }
        assert_int_equal(big, 1);
        assert_int_equal(small, 1);
        GEOSGeom_destroy_r(h, g);
    }
    /* full 4x3: one rectangle */
    {
        const char *rows[] = {"1111", "1111", "1111"};
        const int shell[4][2] = {{0, 0}, {4, 0}, {4, 3}, {0, 3}};
        g = polys_of(ctx, rows, 3, 437512.5, 3210987.5, 12.5);
        p = GEOSGetGeometryN_r(h, g, 0);
        assert_int_equal(GEOSGetNumGeometries_r(h, g), 1);
        assert_true(ring_has_points(h, GEOSGetExteriorRing_r(h, p), 437512.5, 3210987.5, 12.5, shell, 4));
        GEOSGeom_destroy_r(h, g);
    }
    /* a single cell in a 1x1 grid, at its exact place */
    {
        const char *rows[] = {"1"};
        const int shell[4][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
        g = polys_of(ctx, rows, 1, 10.0, 20.0, 2.0);
        p = GEOSGetGeometryN_r(h, g, 0);
        assert_true(ring_has_points(h, GEOSGetExteriorRing_r(h, p), 10.0, 20.0, 2.0, shell, 4));
        GEOSGeom_destroy_r(h, g);
    }
    /* empty masks: NULL and HL_OK */
    {
        uint8_t z[12] = {0};
        g = (GEOSGeometry *)z;
        assert_int_equal(hl_geom_mask_polygons(ctx, z, 4, 3, 0, 0, 1, &g), HL_OK);
        assert_null(g);
        g = (GEOSGeometry *)z;
        assert_int_equal(hl_geom_mask_polygons(ctx, z, 1, 1, 0, 0, 1, &g), HL_OK);
        assert_null(g);
        g = (GEOSGeometry *)z;
        assert_int_equal(hl_geom_mask_polygons(ctx, z, 0, 3, 0, 0, 1, &g), HL_OK);
        assert_null(g);
        g = (GEOSGeometry *)z;
        assert_int_equal(hl_geom_mask_polygons(ctx, z, 3, 0, 0, 0, 1, &g), HL_OK);
        assert_null(g);
    }
    /* any non-zero value marks a cell: values 1, 7, 200, 255 give the same
       polygons as a 0/1 mask (GDAL would split them by value) */
    {
        const char *rows[] = {"0110", "1111", "1001", "1101"};
        size_t nx;
        uint8_t *m = mask_from_rows(rows, 4, &nx), mv[16];
        GEOSGeometry *g01 = NULL, *gv = NULL;
        const uint8_t vals[4] = {1, 7, 200, 255};
        for (size_t c = 0; c < 16; c++) mv[c] = m[c] ? vals[c % 4] : 0;
        check_mask(ctx, mv, nx, 4, 0.0, 0.0, 1.0, true);
        assert_int_equal(hl_geom_mask_polygons(ctx, m, nx, 4, 0.0, 0.0, 1.0, &g01), HL_OK);
        assert_int_equal(hl_geom_mask_polygons(ctx, mv, nx, 4, 0.0, 0.0, 1.0, &gv), HL_OK);
        assert_true(GEOSEqualsExact_r(h, g01, gv, 0.0) == 1);
        GEOSGeom_destroy_r(h, g01);
        GEOSGeom_destroy_r(h, gv);
        free(m);
    }
    hl_ctx_destroy(ctx);
}

/* ---- random and patterned masks against the brute force and GDAL ---- */

static const double k_x0[] = {0.0, 500000.0, -1234.5, 437512.5};
static const double k_ytop[] = {4000000.0, 0.0, 3210987.5, 100.0};
static const double k_cell[] = {50.0, 0.5, 1.0, 12.5, 0.25, 30.0, 100.0};

static void check_any(hl_ctx *ctx, const uint8_t *m, size_t nx, size_t ny, uint64_t *x) {
    double x0 = k_x0[rnd_below(x, 4)], yt = k_ytop[rnd_below(x, 4)], c = k_cell[rnd_below(x, 7)];
    check_mask(ctx, m, nx, ny, x0, yt, c, true);
}

/* Special patterns on a few grid sizes each. */
static void test_mask_patterns(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    uint64_t x = 12345;
    const size_t sizes[][2] = {{1, 1}, {1, 7}, {7, 1}, {2, 2}, {3, 3}, {5, 4}, {8, 8}, {13, 9}, {60, 40}, {31, 17}};
    uint8_t *m = malloc(60 * 40);
    assert_non_null(m);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t nx = sizes[s][0], ny = sizes[s][1];
        for (int pat = 0; pat < 15; pat++) {
            for (size_t j = 0; j < ny; j++)
                for (size_t i = 0; i < nx; i++) {
                    uint8_t v = 0;
                    size_t ci = nx / 2, cj = ny / 2;
                    long di = (long)i - (long)ci, dj = (long)j - (long)cj;
                    switch (pat) {
                    case 0: v = 0; break;                                     /* empty */
                    case 1: v = 1; break;                                     /* full */
                    case 2: v = i == ci && j == cj; break;                    /* single cell */
                    case 3: v = j == cj; break;                               /* single row */
                    case 4: v = i == ci; break;                               /* single column */
                    case 5: v = (i + j) % 2 == 0; break;                      /* checkerboard */
                    case 6: v = (i + j) % 2 == 1; break;                      /* the other one */
                    case 7: v = i == 0 || j == 0 || i + 1 == nx || j + 1 == ny; break; /* border frame */
                    case 8: /* rings: concentric squares, every other one marked: holes with islands */
                        v = ((labs(di) > labs(dj) ? labs(di) : labs(dj)) % 2) == 0;
                        break;
                    case 9: v = i <= j; break;                                /* staircase */
                    case 10: v = i == j || i == j + 1; break;                 /* thick diagonal */
                    case 11: v = (i % 3 != 1) && (j % 3 != 1); break;         /* grid of holes */
                    /* combs: teeth that join only on the last (first) row
                       - one group found late in a scan */
                    case 12: v = i % 2 == 0 || j + 1 == ny; break;
                    case 13: v = i % 2 == 0 || j == 0; break;
                    case 14: /* a snake of full rows joined at alternate ends */
                        v = j % 2 == 0 || (j % 4 == 1 && i + 1 == nx) || (j % 4 == 3 && i == 0);
                        break;
                    }
                    m[j * nx + i] = v;
                }
            check_any(ctx, m, nx, ny, &x);
        }
    }
    free(m);
    hl_ctx_destroy(ctx);
}

static void test_mask_random(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    uint64_t x = 2024;
    uint8_t *m = malloc(60 * 40);
    assert_non_null(m);
    for (int t = 0; t < 160; t++) {
        size_t nx = 1 + rnd_below(&x, t < 40 ? 6 : 60), ny = 1 + rnd_below(&x, t < 40 ? 6 : 40);
        double dens = 0.1 + 0.8 * rnd01(&x);
        if (t % 3 != 2) {
            /* independent cells */
            for (size_t c = 0; c < nx * ny; c++) m[c] = rnd01(&x) < dens;
        } else {
            /* blobs: random discs painted on, then random discs cut out
               (bigger groups with holes and islands, like service areas) */
            memset(m, 0, nx * ny);
            int nd = 1 + (int)rnd_below(&x, 12);
            for (int d = 0; d < 2 * nd; d++) {
                double cx = rnd01(&x) * (double)nx, cy = rnd01(&x) * (double)ny, r = 0.5 + rnd01(&x) * 8;
                uint8_t v = d < nd ? 1 : (rnd01(&x) < dens ? 0 : 1);
                for (size_t j = 0; j < ny; j++)
                    for (size_t i = 0; i < nx; i++) {
                        double ddx = (double)i + 0.5 - cx, ddy = (double)j + 0.5 - cy;
                        if (ddx * ddx + ddy * ddy <= r * r) m[j * nx + i] = v;
                    }
            }
        }
        check_any(ctx, m, nx, ny, &x);
    }
    free(m);
    hl_ctx_destroy(ctx);
}

/* Every 3x3 and 4x3 mask (2^12 of them) against the brute force, without
 * the oracle: all local configurations of pinches, holes and borders. */
static void test_mask_exhaustive_small(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    uint8_t m[12];
    for (unsigned bits = 0; bits < 512; bits++) {
        for (int c = 0; c < 9; c++) m[c] = (bits >> c) & 1;
        check_mask(ctx, m, 3, 3, 0.0, 0.0, 1.0, bits % 16 == 0);
    }
    for (unsigned bits = 0; bits < 4096; bits++) {
        for (int c = 0; c < 12; c++) m[c] = (bits >> c) & 1;
        check_mask(ctx, m, 4, 3, 500000.0, 4000000.0, 50.0, bits % 64 == 0);
    }
    hl_ctx_destroy(ctx);
}

/* Allocation failures: every failed call returns HL_E_NOMEM with a
 * message and *out NULL (and, under ASan/valgrind, leaks nothing); with no
 * failure the call succeeds. */
static void test_mask_oom(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    GEOSContextHandle_t h = hl__geos(ctx);
    const char *rows[] = {"1111111", "1001011", "1011001", "1110111", "0000000", "1010101", "0101010"};
    size_t nx;
    uint8_t *m = mask_from_rows(rows, 7, &nx);
    GEOSGeometry *g = NULL;
    hl_ctx_fail_alloc_after(ctx, 0);
    assert_int_equal(hl_geom_mask_polygons(ctx, m, nx, 7, 0, 0, 1, &g), HL_OK);
    uint64_t k = hl_ctx_alloc_count(ctx);
    GEOSGeom_destroy_r(h, g);
    for (uint64_t n = 1; n <= k; n++) {
        hl_ctx_fail_alloc_after(ctx, n);
        g = (GEOSGeometry *)m;
        hl_status rc = hl_geom_mask_polygons(ctx, m, nx, 7, 0, 0, 1, &g);
        hl_ctx_fail_alloc_after(ctx, 0);
        if (rc == HL_OK) {
            print_error("allocation %llu of %llu failed but the call succeeded\n", (unsigned long long)n,
                        (unsigned long long)k);
            GEOSGeom_destroy_r(h, g);
            fail();
        }
        assert_int_equal(rc, HL_E_NOMEM);
        assert_null(g);
        assert_true(hl_ctx_errmsg(ctx)[0] != '\0');
    }
    hl_ctx_fail_alloc_after(ctx, k + 1);
    assert_int_equal(hl_geom_mask_polygons(ctx, m, nx, 7, 0, 0, 1, &g), HL_OK);
    hl_ctx_fail_alloc_after(ctx, 0);
    assert_non_null(g);
    assert_int_equal(GEOSGetNumGeometries_r(h, g), 8); /* the top block, 4 + 3 single cells */
    GEOSGeom_destroy_r(h, g);
    free(m);
    hl_ctx_destroy(ctx);
}

/* ---- erosion ---- */

static void erode_brute(const uint8_t *in, uint8_t *out, size_t nx, size_t ny) {
    for (long j = 0; j < (long)ny; j++)
        for (long i = 0; i < (long)nx; i++) {
            uint8_t v = 1;
            for (long dj = -1; dj <= 1; dj++)
                for (long di = -1; di <= 1; di++) {
                    long ii = i + di, jj = j + dj;
                    if (ii < 0 || jj < 0 || ii >= (long)nx || jj >= (long)ny || !in[jj * (long)nx + ii]) v = 0;
                }
            out[j * (long)nx + i] = v;
        }
}

static void check_erode(const uint8_t *in, size_t nx, size_t ny) {
    size_t n = nx * ny > 0 ? nx * ny : 1;
    uint8_t *out = malloc(n), *want = malloc(n), *copy = malloc(n);
    assert_true(out && want && copy);
    memcpy(copy, in, nx * ny);
    memset(out, 0xA5, n); /* every cell must be written */
    g_mask = in;
    g_nx = nx;
    g_ny = ny;
    g_x0 = g_ytop = 0;
    g_cell = 1;
    hl_geom_mask_erode(in, out, nx, ny);
    erode_brute(in, want, nx, ny);
    CHECK(memcmp(in, copy, nx * ny) == 0, "the input changed");
    for (size_t j = 0; j < ny; j++)
        for (size_t i = 0; i < nx; i++)
            CHECK(out[j * nx + i] == want[j * nx + i], "cell (%zu, %zu): eroded %u, expected %u", i, j,
                  out[j * nx + i], want[j * nx + i]);
    g_mask = NULL;
    free(out);
    free(want);
    free(copy);
}

static void test_mask_erode(void **state) {
    (void)state;
    uint64_t x = 777;
    uint8_t *m = malloc(60 * 40);
    assert_non_null(m);
    /* hand case: a 4x4 block in a 6x6 grid erodes to its central 2x2 */
    {
        uint8_t in[36] = {0}, out[36];
        for (int j = 1; j <= 4; j++)
            for (int i = 1; i <= 4; i++) in[j * 6 + i] = 1;
        hl_geom_mask_erode(in, out, 6, 6);
        for (int j = 0; j < 6; j++)
            for (int i = 0; i < 6; i++) assert_int_equal(out[j * 6 + i], (i == 2 || i == 3) && (j == 2 || j == 3));
    }
    /* a full grid keeps only cells away from the border: 5x4 full -> the
       3x2 inside; a full 2x2 or 1xN or Nx1 grid erodes to nothing */
    {
        uint8_t in[20], out[20];
        memset(in, 1, 20);
        hl_geom_mask_erode(in, out, 5, 4);
        for (int j = 0; j < 4; j++)
            for (int i = 0; i < 5; i++) assert_int_equal(out[j * 5 + i], i >= 1 && i <= 3 && j >= 1 && j <= 2);
        memset(out, 9, 20);
        hl_geom_mask_erode(in, out, 2, 2);
        for (int c = 0; c < 4; c++) assert_int_equal(out[c], 0);
        memset(out, 9, 20);
        hl_geom_mask_erode(in, out, 1, 20);
        for (int c = 0; c < 20; c++) assert_int_equal(out[c], 0);
        memset(out, 9, 20);
        hl_geom_mask_erode(in, out, 20, 1);
        for (int c = 0; c < 20; c++) assert_int_equal(out[c], 0);
        /* 3x3 full: only the centre survives; with one corner missing,
           nothing (diagonal neighbours count) */
        hl_geom_mask_erode(in, out, 3, 3);
        for (int c = 0; c < 9; c++) assert_int_equal(out[c], c == 4);
        in[8] = 0;
        hl_geom_mask_erode(in, out, 3, 3);
        for (int c = 0; c < 9; c++) assert_int_equal(out[c], 0);
    }
    /* random masks, 0/1 and arbitrary non-zero values */
    for (int t = 0; t < 300; t++) {
        size_t nx = 1 + rnd_below(&x, t < 100 ? 5 : 60), ny = 1 + rnd_below(&x, t < 100 ? 5 : 40);
        double dens = t % 2 ? 0.5 + 0.5 * rnd01(&x) : 0.1 + 0.8 * rnd01(&x);
        for (size_t c = 0; c < nx * ny; c++)
            m[c] = rnd01(&x) < dens ? (uint8_t)(t % 5 == 4 ? 1 + rnd_below(&x, 255) : 1) : 0;
        check_erode(m, nx, ny);
    }
    /* every 4x4 mask */
    for (unsigned bits = 0; bits < 65536; bits += 1) {
        for (int c = 0; c < 16; c++) m[c] = (bits >> c) & 1;
        check_erode(m, 4, 4);
    }
    free(m);
}

/* An optional argument runs only the tests whose name matches it
 * (cmocka's filter, e.g. "test_mask_erode" or "*random*"). */
int main(int argc, char **argv) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask_hand),
        cmocka_unit_test(test_mask_patterns),
        cmocka_unit_test(test_mask_random),
        cmocka_unit_test(test_mask_exhaustive_small),
        cmocka_unit_test(test_mask_oom),
        cmocka_unit_test(test_mask_erode),
    };
    hl_io_quiet();
    if (argc > 1) cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
