/* Spatial lookups over layers with GEOS STRtrees and prepared geometries. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_int.h"
#include "geom/geom_int.h"
#include "layer/layer_int.h"

/* Free a per-feature cache of prepared geometries (n entries, NULL ones
 * skipped). */
static void free_prepared(GEOSContextHandle_t h, const GEOSPreparedGeometry **prep, size_t n) {
    if (!prep) return;
    for (size_t i = 0; i < n; i++)
        if (prep[i]) GEOSPreparedGeom_destroy_r(h, prep[i]);
    hl_free(prep);
}

struct hl_polyindex {
    hl_ctx *ctx;
    const hl_layer *layer;
    GEOSSTRtree *tree;
    const GEOSPreparedGeometry **prep; /* per feature, NULL if unusable */
    size_t n;
};

hl_status hl_polyindex_create(hl_ctx *ctx, const hl_layer *layer, hl_polyindex **out) {
    GEOSContextHandle_t h = hl__geos(ctx);
    hl_polyindex *ix;
    size_t n = hl_layer_count(layer);
    *out = NULL;
    if (!h) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    ix = hl_calloc(ctx, 1, sizeof *ix);
    if (!ix) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    ix->ctx = ctx;
    ix->layer = layer;
    ix->n = n;
    ix->prep = hl_calloc(ctx, n ? n : 1, sizeof *ix->prep);
    ix->tree = GEOSSTRtree_create_r(h, 10);
    if (!ix->prep || !ix->tree) {
        hl_polyindex_destroy(ix);
        return hl_error(ctx, HL_E_NOMEM, "out of memory building a polygon index");
    }
    for (size_t i = 0; i < n; i++) {
        const GEOSGeometry *g = hl__layer_geom(layer, i);
        if (!g) continue;
        ix->prep[i] = GEOSPrepare_r(h, g);
        if (!ix->prep[i]) {
            hl_polyindex_destroy(ix);
            return hl_error(ctx, HL_E_GEOM, "cannot prepare a polygon: %s", hl__geos_last_error(ctx));
        }
        GEOSSTRtree_insert_r(h, ix->tree, g, (void *)(uintptr_t)(i + 1));
    }
    *out = ix;
    return HL_OK;
}

void hl_polyindex_destroy(hl_polyindex *ix) {
    GEOSContextHandle_t h;
    if (!ix) return;
    h = hl__geos(ix->ctx);
    if (ix->tree) GEOSSTRtree_destroy_r(h, ix->tree);
    free_prepared(h, ix->prep, ix->n);
    hl_free(ix);
}

typedef struct find_state {
    GEOSContextHandle_t h;
    hl_polyindex *ix;
    const GEOSGeometry *pt;
    size_t best;
} find_state;

static void find_cb(void *item, void *user) {
    find_state *st = user;
    size_t i = (size_t)(uintptr_t)item - 1;
    if (i >= st->best) return;
    if (GEOSPreparedCovers_r(st->h, st->ix->prep[i], st->pt) == 1) st->best = i;
}

size_t hl_polyindex_find(hl_polyindex *ix, double x, double y) {
    GEOSContextHandle_t h = hl__geos(ix->ctx);
    find_state st;
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
    if (!pt) return SIZE_MAX;
    st.h = h;
    st.ix = ix;
    st.pt = pt;
    st.best = SIZE_MAX;
    GEOSSTRtree_query_r(h, ix->tree, pt, find_cb, &st);
    GEOSGeom_destroy_r(h, pt);
    return st.best;
}

struct hl_nearindex {
    hl_ctx *ctx;
    const hl_layer *layer;
    GEOSSTRtree *tree;
    size_t count;
    /* per feature, prepared on first use (NULL if preparing failed: the
       plain distance is used); an indexed facet distance answers a query
       in logarithmic time where the plain one scans every vertex */
    const GEOSPreparedGeometry **prep;
    size_t n;
};

/* The prepared geometry of feature i, made on first use; NULL if it
 * cannot be (callers fall back to the plain geometry). */
static const GEOSPreparedGeometry *prepared(GEOSContextHandle_t h, const hl_layer *layer,
                                            const GEOSPreparedGeometry **prep, size_t i) {
    if (!prep[i]) prep[i] = GEOSPrepare_r(h, hl__layer_geom(layer, i));
    return prep[i];
}

hl_status hl_nearindex_create(hl_ctx *ctx, const hl_layer *layer, const bool *keep, hl_nearindex **out) {
    GEOSContextHandle_t h = hl__geos(ctx);
    hl_nearindex *ix;
    size_t n = layer ? hl_layer_count(layer) : 0;
    *out = NULL;
    ix = hl_calloc(ctx, 1, sizeof *ix);
    if (!ix || !h) {
        hl_free(ix);
        return hl_error(ctx, HL_E_NOMEM, "out of memory");
    }
    ix->ctx = ctx;
    ix->layer = layer;
    ix->n = n;
    ix->tree = GEOSSTRtree_create_r(h, 10);
    ix->prep = hl_calloc(ctx, n ? n : 1, sizeof *ix->prep);
    if (!ix->tree || !ix->prep) {
        hl_nearindex_destroy(ix);
        return hl_error(ctx, HL_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const GEOSGeometry *g = hl__layer_geom(layer, i);
        if (!g || (keep && !keep[i])) continue;
        GEOSSTRtree_insert_r(h, ix->tree, g, (void *)(uintptr_t)(i + 1));
        ix->count++;
    }
    *out = ix;
    return HL_OK;
}

void hl_nearindex_destroy(hl_nearindex *ix) {
    GEOSContextHandle_t h;
    if (!ix) return;
    h = hl__geos(ix->ctx);
    if (ix->tree) GEOSSTRtree_destroy_r(h, ix->tree);
    free_prepared(h, ix->prep, ix->n);
    hl_free(ix);
}

typedef struct near_state {
    GEOSContextHandle_t h;
    hl_nearindex *ix;
    const void *query;
} near_state;

/* Distance from the query to feature i: prepared when possible. */
static int feature_distance(GEOSContextHandle_t h, hl_nearindex *ix, size_t i, const GEOSGeometry *q, double *d) {
    const GEOSPreparedGeometry *pg = prepared(h, ix->layer, ix->prep, i);
    if (pg) return GEOSPreparedDistance_r(h, pg, q, d);
    return GEOSDistance_r(h, q, hl__layer_geom(ix->layer, i), d);
}

static int near_dist_cb(const void *item1, const void *item2, double *distance, void *user) {
    near_state *st = user;
    /* one item is the query point, the other a feature index + 1 */
    const void *feat = item1 == st->query ? item2 : item1;
    size_t i = (size_t)(uintptr_t)feat - 1;
    return feature_distance(st->h, st->ix, i, (const GEOSGeometry *)st->query, distance);
}

double hl_nearindex_distance(hl_nearindex *ix, double x, double y, size_t *feature) {
    GEOSContextHandle_t h = hl__geos(ix->ctx);
    GEOSGeometry *pt;
    const void *hit;
    near_state st;
    double d = INFINITY;
    if (feature) *feature = SIZE_MAX;
    if (ix->count == 0) return INFINITY;
    pt = GEOSGeom_createPointFromXY_r(h, x, y);
    if (!pt) return INFINITY;
    st.h = h;
    st.ix = ix;
    st.query = pt;
    hit = GEOSSTRtree_nearest_generic_r(h, ix->tree, pt, pt, near_dist_cb, &st);
    if (hit) {
        size_t i = (size_t)(uintptr_t)hit - 1;
        if (feature_distance(h, ix, i, pt, &d) != 1) d = INFINITY;
        if (feature) *feature = i;
    }
    GEOSGeom_destroy_r(h, pt);
    return d;
}

unsigned char *hl__geom_wkb(hl_ctx *ctx, const GEOSGeometry *g, size_t *size) {
    GEOSContextHandle_t h = hl__geos(ctx);
    GEOSWKBWriter *w = GEOSWKBWriter_create_r(h);
    unsigned char *buf;
    if (!w) return NULL;
    GEOSWKBWriter_setByteOrder_r(h, w, GEOS_WKB_NDR);
    GEOSWKBWriter_setOutputDimension_r(h, w, 2);
    buf = GEOSWKBWriter_write_r(h, w, g, size);
    GEOSWKBWriter_destroy_r(h, w);
    return buf;
}

unsigned char *hl__point_wkb(hl_ctx *ctx, double x, double y, size_t *size) {
    GEOSContextHandle_t h = hl__geos(ctx);
    GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, x, y);
    unsigned char *buf;
    if (!p) return NULL;
    buf = hl__geom_wkb(ctx, p, size);
    GEOSGeom_destroy_r(h, p);
    return buf;
}

/* ---- bounding-box index ------------------------------------------------ */

struct hl_boxindex {
    hl_ctx *ctx;
    const hl_layer *layer;
    const GEOSPreparedGeometry **prep; /* per feature, on first point test */
    GEOSSTRtree *tree;
    size_t n;     /* features in the layer */
    size_t *hits; /* n long: a query never returns more */
    size_t n_hits;
    /* per feature, on first area sum: 1 when its interior meets another
       feature's, 2 when it meets none (its pieces add without a union) */
    unsigned char *overlaps;
    size_t probe;   /* the feature being probed */
    bool probe_hit; /* it meets another's interior */
};

hl_status hl_boxindex_create(hl_ctx *ctx, const hl_layer *layer, const bool *keep, hl_boxindex **out) {
    GEOSContextHandle_t h = hl__geos(ctx);
    hl_boxindex *ix;
    size_t n = layer ? hl_layer_count(layer) : 0;
    *out = NULL;
    if (!h) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    ix = hl_calloc(ctx, 1, sizeof *ix);
    if (!ix) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    ix->ctx = ctx;
    ix->layer = layer;
    ix->n = n;
    ix->hits = hl_malloc(ctx, (n ? n : 1) * sizeof *ix->hits);
    ix->prep = hl_calloc(ctx, n ? n : 1, sizeof *ix->prep);
    ix->overlaps = hl_calloc(ctx, n ? n : 1, 1);
    ix->tree = GEOSSTRtree_create_r(h, 10);
    if (!ix->hits || !ix->prep || !ix->overlaps || !ix->tree) {
        hl_boxindex_destroy(ix);
        return hl_error(ctx, HL_E_NOMEM, "out of memory building a box index");
    }
    for (size_t i = 0; i < n; i++) {
        const GEOSGeometry *g = hl__layer_geom(layer, i);
        if (g && (!keep || keep[i]) && !GEOSisEmpty_r(h, g))
            GEOSSTRtree_insert_r(h, ix->tree, g, (void *)(uintptr_t)(i + 1));
    }
    *out = ix;
    return HL_OK;
}

void hl_boxindex_destroy(hl_boxindex *ix) {
    GEOSContextHandle_t h;
    if (!ix) return;
    h = hl__geos(ix->ctx);
    if (ix->tree) GEOSSTRtree_destroy_r(h, ix->tree);
    free_prepared(h, ix->prep, ix->n);
    hl_free(ix->hits);
    hl_free(ix->overlaps);
    hl_free(ix);
}

static void box_hit(void *item, void *user) {
    hl_boxindex *ix = user;
    size_t i = (size_t)(uintptr_t)item - 1;
    if (ix->n_hits < ix->n) ix->hits[ix->n_hits++] = i;
}

static int cmp_size(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

hl_status hl_boxindex_query(hl_boxindex *ix, const double *box, const size_t **hits, size_t *n) {
    GEOSContextHandle_t h = hl__geos(ix->ctx);
    GEOSGeometry *q;
    *hits = ix->hits;
    *n = 0;
    ix->n_hits = 0;
    if (ix->n == 0 || !(box[0] <= box[2]) || !(box[1] <= box[3])) return HL_OK;
    q = GEOSGeom_createRectangle_r(h, box[0], box[1], box[2], box[3]);
    if (!q) return hl_error(ix->ctx, HL_E_GEOM, "cannot build a query box: %s", hl__geos_last_error(ix->ctx));
    GEOSSTRtree_query_r(h, ix->tree, q, box_hit, ix);
    GEOSGeom_destroy_r(h, q);
    qsort(ix->hits, ix->n_hits, sizeof *ix->hits, cmp_size);
    *n = ix->n_hits;
    return HL_OK;
}

static void probe_hit(void *item, void *user) {
    hl_boxindex *ix = user;
    size_t j = (size_t)(uintptr_t)item - 1;
    GEOSContextHandle_t h;
    const GEOSPreparedGeometry *pg;
    const GEOSGeometry *gj;
    if (ix->probe_hit || j == ix->probe) return;
    h = hl__geos(ix->ctx);
    pg = prepared(h, ix->layer, ix->prep, ix->probe);
    gj = hl__layer_geom(ix->layer, j);
    /* two polygons whose interiors meet: they intersect and do more than
       touch */
    if (pg ? GEOSPreparedIntersects_r(h, pg, gj) == 1 && GEOSPreparedTouches_r(h, pg, gj) != 1
           : GEOSIntersects_r(h, hl__layer_geom(ix->layer, ix->probe), gj) == 1 &&
                 GEOSTouches_r(h, hl__layer_geom(ix->layer, ix->probe), gj) != 1)
        ix->probe_hit = true;
}

/* Whether feature i's interior meets another indexed feature's (cached). */
static bool overlaps_another(hl_boxindex *ix, size_t i) {
    if (!ix->overlaps[i]) {
        GEOSContextHandle_t h = hl__geos(ix->ctx);
        ix->probe = i;
        ix->probe_hit = false;
        GEOSSTRtree_query_r(h, ix->tree, hl__layer_geom(ix->layer, i), probe_hit, ix);
        ix->overlaps[i] = ix->probe_hit ? 1 : 2;
    }
    return ix->overlaps[i] == 1;
}

hl_status hl_boxindex_covered_area(hl_boxindex *ix, const GEOSGeometry *P, double *area_m2) {
    GEOSContextHandle_t h = hl__geos(ix->ctx);
    const GEOSPreparedGeometry *pp = NULL;
    GEOSGeometry **piece = NULL, *coll = NULL, *u = NULL;
    const size_t *hit;
    size_t n_hit = 0, m = 0;
    double box[4], alone_m2 = 0;
    hl_status rc = HL_OK;
    *area_m2 = 0;
    if (!P || GEOSisEmpty_r(h, P) == 1) return HL_OK;
    if (!GEOSGeom_getXMin_r(h, P, &box[0]) || !GEOSGeom_getYMin_r(h, P, &box[1]) ||
        !GEOSGeom_getXMax_r(h, P, &box[2]) || !GEOSGeom_getYMax_r(h, P, &box[3]))
        return hl_error(ix->ctx, HL_E_GEOM, "cannot read a polygon's extent");
    if ((rc = hl_boxindex_query(ix, box, &hit, &n_hit)) || n_hit == 0) return rc;
    /* one feature covering all of P answers at once (a village inside a
       5G cell or a water-supply area: the common case) */
    for (size_t k = 0; k < n_hit; k++) {
        const GEOSGeometry *g = hl__layer_geom(ix->layer, hit[k]);
        const GEOSPreparedGeometry *pg;
        double gx0, gy0, gx1, gy1;
        if (!GEOSGeom_getXMin_r(h, g, &gx0) || !GEOSGeom_getYMin_r(h, g, &gy0) || !GEOSGeom_getXMax_r(h, g, &gx1) ||
            !GEOSGeom_getYMax_r(h, g, &gy1) || gx0 > box[0] || gy0 > box[1] || gx1 < box[2] || gy1 < box[3])
            continue;
        pg = prepared(h, ix->layer, ix->prep, hit[k]);
        if ((pg ? GEOSPreparedCovers_r(h, pg, P) : GEOSCovers_r(h, g, P)) == 1) {
            GEOSArea_r(h, P, area_m2);
            return HL_OK;
        }
    }
    pp = GEOSPrepare_r(h, P);
    piece = hl_calloc(ix->ctx, n_hit, sizeof *piece);
    if (!pp || !piece) {
        rc = hl_error(ix->ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    /* The piece of a feature whose interior meets no other feature's
       meets no other piece: its area adds; only the others need a union. */
    for (size_t k = 0; k < n_hit; k++) {
        const GEOSGeometry *g = hl__layer_geom(ix->layer, hit[k]);
        bool alone;
        GEOSGeometry *x;
        double a = 0;
        if (GEOSPreparedIntersects_r(h, pp, g) != 1) continue;
        alone = !overlaps_another(ix, hit[k]);
        if (GEOSPreparedContainsProperly_r(h, pp, g) == 1) {
            if (alone) {
                GEOSArea_r(h, g, &a);
                alone_m2 += a;
                continue;
            }
            x = GEOSGeom_clone_r(h, g);
        } else {
            x = GEOSIntersection_r(h, P, g);
        }
        if (!x) {
            rc = hl_error(ix->ctx, HL_E_GEOM, "cannot intersect two polygons: %s", hl__geos_last_error(ix->ctx));
            goto done;
        }
        GEOSArea_r(h, x, &a);
        if (!alone && a > 0) {
            piece[m++] = x;
            continue;
        }
        if (alone) alone_m2 += a;
        GEOSGeom_destroy_r(h, x);
    }
    *area_m2 = alone_m2;
    if (m == 1) {
        double a = 0;
        GEOSArea_r(h, piece[0], &a);
        *area_m2 += a;
    } else if (m > 1) {
        coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, piece, (unsigned)m);
        if (!coll) {
            rc = hl_error(ix->ctx, HL_E_GEOM, "cannot collect polygons: %s", hl__geos_last_error(ix->ctx));
            goto done;
        }
        m = 0; /* owned by coll */
        u = GEOSUnaryUnion_r(h, coll);
        if (!u) {
            rc = hl_error(ix->ctx, HL_E_GEOM, "cannot union polygons: %s", hl__geos_last_error(ix->ctx));
            goto done;
        }
        {
            double a = 0;
            GEOSArea_r(h, u, &a);
            *area_m2 += a;
        }
    }
done:
    for (size_t k = 0; k < m; k++) GEOSGeom_destroy_r(h, piece[k]);
    hl_free(piece);
    if (coll) GEOSGeom_destroy_r(h, coll);
    if (u) GEOSGeom_destroy_r(h, u);
    if (pp) GEOSPreparedGeom_destroy_r(h, pp);
    return rc;
}

bool hl_boxindex_covers(hl_boxindex *ix, double x, double y) {
    GEOSContextHandle_t h = hl__geos(ix->ctx);
    GEOSGeometry *pt;
    const size_t *hit;
    size_t n_hit = 0;
    double box[4] = {x, y, x, y};
    bool covered = false;
    if (hl_boxindex_query(ix, box, &hit, &n_hit) || n_hit == 0) return false;
    if (!(pt = GEOSGeom_createPointFromXY_r(h, x, y))) return false;
    for (size_t k = 0; k < n_hit && !covered; k++) {
        const GEOSPreparedGeometry *pg = prepared(h, ix->layer, ix->prep, hit[k]);
        covered = (pg ? GEOSPreparedCovers_r(h, pg, pt) : GEOSCovers_r(h, hl__layer_geom(ix->layer, hit[k]), pt)) == 1;
    }
    GEOSGeom_destroy_r(h, pt);
    return covered;
}
