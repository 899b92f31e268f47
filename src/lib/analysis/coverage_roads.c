/* Road indicators of the coverage stage, and the straight-line distance
 * from every origin to the nearest hardened road (hl_access.d_hardened_road_m).
 *
 * ROAD-01/02 method: the hardened subnetwork is the set of network edges
 * whose road is hardened (hl_road_info.hardened, from the surface
 * vocabulary); its pieces are the connected components of those edges
 * alone (union-find over their end nodes).  The township's piece is the
 * one holding the hardened edge nearest to the township seat (the first
 * township_seat facility inside the township polygon, else the polygon's
 * point on surface).  A unit is connected when it lies within
 * <ID>.snap_m (straight line) of an edge of that piece; the value is that
 * distance.  ROAD-03: the township seat within ROAD-03.snap_m of a road of
 * grade <= min_grade whose network component is the county seat's.
 * ROAD-04: the village point within ROAD-04.snap_m of a road of grade <=
 * min_grade.  ROAD-06 (RAI): origin within max_distance_m (straight line)
 * of a hardened road feature. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/coverage_int.h"
#include "core/core_int.h"
#include "layer/layer_int.h"

typedef struct edge_tree {
    GEOSContextHandle_t h;
    GEOSSTRtree *tree;
    GEOSGeometry **line; /* per network edge, NULL when not indexed */
    size_t n;
    const uint32_t *comp; /* per edge component used by the filter */
    uint32_t want;        /* UINT32_MAX = any */
    const GEOSGeometry *query;
} edge_tree;

static void tree_free(edge_tree *t) {
    if (t->tree)
        GEOSSTRtree_destroy_r(t->h, t->tree);
    if (t->line)
        for (size_t e = 0; e < t->n; e++)
            if (t->line[e])
                GEOSGeom_destroy_r(t->h, t->line[e]);
    hl_free(t->line);
}

/* Index the network edges with keep[e]. */
static hl_status tree_build(cov *c, const bool *keep, edge_tree *t) {
    hl_network *net = c->a->net;
    memset(t, 0, sizeof *t);
    t->h = hl__geos(c->ctx);
    t->n = hl_net_edge_count(net);
    t->want = UINT32_MAX;
    t->line = hl_calloc(c->ctx, t->n ? t->n : 1, sizeof *t->line);
    t->tree = GEOSSTRtree_create_r(t->h, 10);
    if (!t->line || !t->tree)
        return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
    for (uint32_t e = 0; e < t->n; e++) {
        hl_net_edge ed;
        GEOSCoordSequence *cs;
        if (!keep[e])
            continue;
        hl_net_edge_get(net, e, &ed);
        cs = GEOSCoordSeq_copyFromBuffer_r(t->h, ed.xy, (unsigned)ed.n_vertices, 0, 0);
        t->line[e] = cs ? GEOSGeom_createLineString_r(t->h, cs) : NULL;
        if (!t->line[e])
            return hl_error(c->ctx, HL_E_GEOM, "cannot build an edge line");
        GEOSSTRtree_insert_r(t->h, t->tree, t->line[e], (void *)(uintptr_t)(e + 1));
    }
    return HL_OK;
}

static int tree_dist(const void *a, const void *b, double *d, void *user) {
    edge_tree *t = user;
    const void *item = a == (const void *)t->query ? b : a;
    size_t e = (size_t)(uintptr_t)item - 1;
    if (t->want != UINT32_MAX && t->comp[e] != t->want) {
        *d = DBL_MAX; /* filtered out: never nearer than a wanted edge */
        return 1;
    }
    return GEOSDistance_r(t->h, t->query, t->line[e], d);
}

/* Distance from (x, y) to the nearest indexed edge of component `want`
 * (UINT32_MAX any); *edge receives it (SIZE_MAX none). */
static double tree_nearest(edge_tree *t, double x, double y, uint32_t want, size_t *edge) {
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(t->h, x, y);
    const void *hit;
    double d = INFINITY;
    *edge = SIZE_MAX;
    if (!pt)
        return INFINITY;
    t->query = pt;
    t->want = want;
    hit = GEOSSTRtree_nearest_generic_r(t->h, t->tree, pt, pt, tree_dist, t);
    if (hit) {
        size_t e = (size_t)(uintptr_t)hit - 1;
        if ((want == UINT32_MAX || t->comp[e] == want) && GEOSDistance_r(t->h, pt, t->line[e], &d))
            *edge = e;
        else
            d = INFINITY;
    }
    GEOSGeom_destroy_r(t->h, pt);
    return d;
}

static uint32_t uf_find(uint32_t *p, uint32_t x) {
    while (p[x] != x)
        x = p[x] = p[p[x]];
    return x;
}

/* Components of the edges with keep[e] (ids = a root node); *largest the
 * component with the greatest length (ties: lowest root). */
static hl_status sub_components(cov *c, const bool *keep, uint32_t *ecomp, uint32_t *largest) {
    hl_network *net = c->a->net;
    size_t nn = hl_net_node_count(net), ne = hl_net_edge_count(net);
    const uint32_t *ef = hl_net_edges_from(net), *et = hl_net_edges_to(net);
    const double *len = hl_net_edges_len_m(net);
    uint32_t *p = hl_malloc(c->ctx, (nn ? nn : 1) * sizeof *p);
    double *clen = hl_calloc(c->ctx, nn ? nn : 1, sizeof *clen), best = -1;
    if (!p || !clen) {
        hl_free(p);
        hl_free(clen);
        return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
    }
    for (uint32_t v = 0; v < nn; v++)
        p[v] = v;
    for (size_t e = 0; e < ne; e++)
        if (keep[e]) {
            uint32_t a = uf_find(p, ef[e]), b = uf_find(p, et[e]);
            if (a != b)
                p[a < b ? b : a] = a < b ? a : b;
        }
    *largest = UINT32_MAX;
    for (size_t e = 0; e < ne; e++) {
        ecomp[e] = keep[e] ? uf_find(p, ef[e]) : UINT32_MAX;
        if (keep[e])
            clen[ecomp[e]] += len[e];
    }
    for (uint32_t v = 0; v < nn; v++)
        if (clen[v] > best) {
            best = clen[v];
            *largest = v;
        }
    hl_free(p);
    hl_free(clen);
    return HL_OK;
}

static int min_grade(cov *c, const char *id) {
    char key[64];
    const char *txt = NULL;
    size_t n;
    snprintf(key, sizeof key, "%s.min_grade", id);
    if (!c->s->standard || hl_standard_text(c->s->standard, key, &txt) || !txt || !(n = strlen(txt)))
        return 4;
    return txt[n - 1] >= '1' && txt[n - 1] <= '4' ? txt[n - 1] - '0' : 4;
}

static hl_status hardened_distance(cov *c) {
    const hl_layer *R = c->s->roads;
    size_t nr = hl_layer_count(R), n = c->acc->origins.n;
    bool *keep = hl_calloc(c->ctx, nr ? nr : 1, sizeof *keep);
    hl_nearindex *ix = NULL;
    hl_status rc;
    hl_free(c->acc->d_hardened_road_m);
    c->acc->d_hardened_road_m = hl_malloc(c->ctx, (n ? n : 1) * sizeof *c->acc->d_hardened_road_m);
    if (!keep || !c->acc->d_hardened_road_m) {
        hl_free(keep);
        return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
    }
    for (size_t r = 0; r < nr; r++)
        keep[r] = c->a->roads[r].hardened;
    rc = hl_nearindex_create(c->ctx, R, keep, &ix);
    for (size_t i = 0; i < n && !rc; i++)
        c->acc->d_hardened_road_m[i] =
            c->acc->origins.has_xy[i]
                ? hl_nearindex_distance(ix, c->acc->origins.xy[2 * i], c->acc->origins.xy[2 * i + 1], NULL)
                : NAN;
    hl_nearindex_destroy(ix);
    hl_free(keep);
    return rc;
}

static void set_flag(cov *c, cov_ind *ind, size_t u, double v, bool ok) {
    ind->value[u] = v;
    ind->meets[u] = !isnan(v) && hl__cov_eligible(c, ind->id, ind->level, u) ? (signed char)ok : COV_NULL;
}

/* ROAD-01 and ROAD-02: distance to the township seat's hardened piece. */
static hl_status road_01_02(cov *c) {
    hl_network *net = c->a->net;
    size_t ne = hl_net_edge_count(net), nt = c->n_unit[COV_TOWNSHIP];
    bool *keep = hl_calloc(c->ctx, ne ? ne : 1, sizeof *keep);
    uint32_t *ecomp = hl_malloc(c->ctx, (ne ? ne : 1) * sizeof *ecomp), *tcomp = NULL, largest = UINT32_MAX;
    edge_tree t;
    hl_status rc;
    memset(&t, 0, sizeof t);
    tcomp = hl_malloc(c->ctx, (nt ? nt : 1) * sizeof *tcomp);
    if (!keep || !ecomp || !tcomp) {
        rc = hl_error(c->ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    for (uint32_t e = 0; e < ne; e++) {
        hl_net_edge ed;
        hl_net_edge_get(net, e, &ed);
        keep[e] = c->a->roads[ed.road_index].hardened;
    }
    if ((rc = sub_components(c, keep, ecomp, &largest)) || (rc = tree_build(c, keep, &t)))
        goto done;
    t.comp = ecomp;
    for (size_t tw = 0; tw < nt; tw++) {
        size_t e;
        tcomp[tw] = largest;
        if (c->town_has_xy[tw] &&
            isfinite(tree_nearest(&t, c->town_xy[2 * tw], c->town_xy[2 * tw + 1], UINT32_MAX, &e)))
            tcomp[tw] = ecomp[e];
    }
    for (int which = 0; which < 2; which++) {
        cov_ind *ind = hl__cov_ind(c, which ? "ROAD-02" : "ROAD-01");
        size_t n = c->n_unit[ind->level];
        ind->threshold = hl__std_num(c->s, which ? "ROAD-02.snap_m" : "ROAD-01.snap_m", 50);
        if (!n)
            continue;
        for (size_t u = 0; u < n; u++) {
            size_t tw = hl__cov_unit_township(c, ind->level, u), e;
            const double *xy = which ? &c->vill_xy[2 * u] : &c->acc->origins.xy[2 * u];
            bool has = which ? c->vill_has_xy[u] : c->acc->origins.has_xy[u];
            uint32_t want = tw < nt ? tcomp[tw] : largest;
            double d = has && want != UINT32_MAX ? tree_nearest(&t, xy[0], xy[1], want, &e) : has ? INFINITY : NAN;
            set_flag(c, ind, u, d, d <= ind->threshold);
        }
    }
    if (!c->n_unit[COV_VILLAGE])
        rc = hl__cov_skip(c, "ROAD-02", "the plan gives no villages layer");
    if (!rc && hl__cov_kind(c, "township_seat") == SIZE_MAX)
        rc = hl__cov_note(c, "ROAD-01",
                          "no township_seat facilities: the hardened piece of each township is the one "
                          "nearest to the township polygon's point on surface");
done:
    tree_free(&t);
    hl_free(keep);
    hl_free(ecomp);
    hl_free(tcomp);
    return rc;
}

static bool any_grade(cov *c) {
    for (size_t r = 0; r < hl_layer_count(c->s->roads); r++)
        if (c->a->roads[r].grade > 0)
            return true;
    return false;
}

/* ROAD-04: village point to the nearest road of grade <= min_grade. */
static hl_status road_04(cov *c) {
    cov_ind *ind = hl__cov_ind(c, "ROAD-04");
    const hl_layer *R = c->s->roads;
    size_t nr = hl_layer_count(R), nv = c->n_unit[COV_VILLAGE];
    int g = min_grade(c, "ROAD-04");
    bool *keep;
    hl_nearindex *ix = NULL;
    hl_status rc;
    if (!nv)
        return hl__cov_skip(c, "ROAD-04", "the plan gives no villages layer");
    if (!any_grade(c))
        return hl__cov_skip(c, "ROAD-04", "no road has a technical grade (roads.grade)");
    ind->threshold = hl__std_num(c->s, "ROAD-04.snap_m", 50);
    keep = hl_calloc(c->ctx, nr ? nr : 1, sizeof *keep);
    if (!keep)
        return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
    for (size_t r = 0; r < nr; r++)
        keep[r] = c->a->roads[r].grade >= 1 && c->a->roads[r].grade <= g;
    rc = hl_nearindex_create(c->ctx, R, keep, &ix);
    for (size_t v = 0; v < nv && !rc; v++) {
        double d = c->vill_has_xy[v] ? hl_nearindex_distance(ix, c->vill_xy[2 * v], c->vill_xy[2 * v + 1], NULL) : NAN;
        set_flag(c, ind, v, d, d <= ind->threshold);
    }
    hl_nearindex_destroy(ix);
    hl_free(keep);
    return rc;
}

/* ROAD-03: township seat to a road of grade <= min_grade in the county seat's network component. */
static hl_status road_03(cov *c) {
    cov_ind *ind = hl__cov_ind(c, "ROAD-03");
    hl_network *net = c->a->net;
    size_t ne = hl_net_edge_count(net), nt = c->n_unit[COV_TOWNSHIP], kc = hl__cov_kind(c, "county_seat");
    int g = min_grade(c, "ROAD-03");
    bool *keep, *all;
    uint32_t *comp, want = 0;
    edge_tree t, ta;
    hl_status rc;
    if (!nt)
        return hl__cov_skip(c, "ROAD-03", "the plan gives no townships layer");
    if (!any_grade(c))
        return hl__cov_skip(c, "ROAD-03", "no road has a technical grade (roads.grade)");
    ind->threshold = hl__std_num(c->s, "ROAD-03.snap_m", 50);
    memset(&t, 0, sizeof t);
    memset(&ta, 0, sizeof ta);
    keep = hl_calloc(c->ctx, ne ? ne : 1, sizeof *keep);
    all = hl_calloc(c->ctx, ne ? ne : 1, sizeof *all);
    comp = hl_malloc(c->ctx, (ne ? ne : 1) * sizeof *comp);
    if (!keep || !all || !comp) {
        rc = hl_error(c->ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    for (uint32_t e = 0; e < ne; e++) {
        hl_net_edge ed;
        int gr;
        hl_net_edge_get(net, e, &ed);
        gr = c->a->roads[ed.road_index].grade;
        keep[e] = gr >= 1 && gr <= g;
        all[e] = true;
        comp[e] = ed.component;
    }
    if ((rc = tree_build(c, keep, &t)) || (rc = tree_build(c, all, &ta)))
        goto done;
    t.comp = ta.comp = comp;
    if (kc != SIZE_MAX && c->acc->kinds[kc].n_fac) {
        double x, y;
        size_t e;
        if (hl_layer_point(c->acc->kinds[kc].fac, 0, &x, &y) && isfinite(tree_nearest(&ta, x, y, UINT32_MAX, &e)))
            want = comp[e];
    } else {
        rc = hl__cov_note(c, "ROAD-03",
                          "no county_seat facility: the main network component stands for the county seat");
    }
    for (size_t tw = 0; tw < nt && !rc; tw++) {
        size_t e;
        double d = c->town_has_xy[tw] ? tree_nearest(&t, c->town_xy[2 * tw], c->town_xy[2 * tw + 1], want, &e) : NAN;
        set_flag(c, ind, tw, d, d <= ind->threshold);
    }
done:
    tree_free(&t);
    tree_free(&ta);
    hl_free(keep);
    hl_free(all);
    hl_free(comp);
    return rc;
}

static hl_status road_06(cov *c) {
    cov_ind *ind = hl__cov_ind(c, "ROAD-06");
    ind->threshold = hl__std_num(c->s, "ROAD-06.max_distance_m", 2000);
    for (size_t i = 0; i < c->acc->origins.n; i++) {
        double d = c->acc->d_hardened_road_m[i];
        set_flag(c, ind, i, d, d <= ind->threshold);
    }
    return HL_OK;
}

hl_status hl__cov_roads(cov *c) {
    hl_status rc;
    if ((rc = hardened_distance(c)) || (rc = road_01_02(c)) || (rc = road_03(c)) || (rc = road_04(c)))
        return rc;
    return road_06(c);
}
