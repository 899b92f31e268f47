/* The coverage stage's own routing: the access stage keeps only the
 * nearest motor time per kind and frees its graph, so this file places
 * the origins, every facility kind and the industry bases on the network
 * again (same rules, same options) and builds two graphs on the one
 * routable network:
 *   - a length graph (every piece open both ways, cost = metres), giving
 *     network walking distances (walking ignores one-way rules; walking
 *     time = distance / common.walk_kmh);
 *   - the motor graph (the access stage's times), for commuting times
 *     from every origin to every industry base (IND-01).
 * It also links garbage points to transfer stations (ENV-02 d2) and
 * computes the primary-care 2SFCA ratio (hl_access_2sfca): supply =
 * doctors, else beds, else capacity, else 1 per facility of the kinds in
 * HLT-02.kinds; demand = origin population; catchment HLT-03.max_time_min
 * (default 30 min) by car. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/coverage_int.h"
#include "core/core_int.h"
#include "hl/access_measures.h"
#include "layer/layer_int.h"

typedef struct cov_graph {
    hl_placement **pl; /* per set: 0 origins, 1..nk kinds, nk+1 industry bases */
    size_t n_sets;
    hl_routable *rt;
    hl_graph *len_g, *motor_g;
    hl_route_ws *ws_len, *ws_motor;
    double *time, *buf;
    uint32_t *origin_node; /* per origin its routable node, UINT32_MAX unplaced */
    /* origins by node: node v has origins at_node[node_start[v] ..
       node_start[v+1]-1], ascending */
    size_t *node_start;
    uint32_t *at_node;
    /* one sparse search: the reached nodes and their times */
    uint32_t *reached;
    double *reached_s;
    struct origin_time *scratch; /* per origin at most once */
} cov_graph;

typedef struct origin_time {
    uint32_t orig;
    double t;
} origin_time;

static void graph_free(cov_graph *g) {
    if (g->pl)
        for (size_t i = 0; i < g->n_sets; i++)
            hl_placement_destroy(g->pl[i]);
    hl_free(g->pl);
    hl_route_ws_destroy(g->ws_len);
    hl_route_ws_destroy(g->ws_motor);
    hl_graph_destroy(g->len_g);
    hl_graph_destroy(g->motor_g);
    hl_routable_destroy(g->rt);
    hl_free(g->time);
    hl_free(g->buf);
    hl_free(g->origin_node);
    hl_free(g->node_start);
    hl_free(g->at_node);
    hl_free(g->reached);
    hl_free(g->reached_s);
    hl_free(g->scratch);
}

static hl_status place_layer(cov *c, const hl_layer *L, const double *xy_given, hl_placement **out) {
    size_t n = hl_layer_count(L);
    double *xy = NULL;
    hl_place_opts po;
    hl_status rc;
    hl_place_opts_init(&po);
    po.max_snap_m = c->a->plan->max_snap_m;
    po.main_network_only = c->a->plan->snap_main_network;
    if (!xy_given) {
        xy = hl_malloc(c->ctx, 2 * (n ? n : 1) * sizeof *xy);
        if (!xy)
            return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
        for (size_t i = 0; i < n; i++)
            if (!hl_layer_point(L, i, &xy[2 * i], &xy[2 * i + 1]))
                xy[2 * i] = xy[2 * i + 1] = NAN;
    }
    rc = hl_net_place(c->ctx, c->a->net, xy_given ? xy_given : xy, n, &po, out);
    hl_free(xy);
    return rc;
}

static hl_status build(cov *c, cov_graph *g) {
    hl_ctx *ctx = c->ctx;
    size_t nk = c->acc->n_kinds, ne, nn;
    double *len_cost = NULL;
    hl_status rc;
    g->n_sets = nk + 2;
    g->pl = hl_calloc(ctx, g->n_sets, sizeof *g->pl);
    if (!g->pl)
        return hl_error(ctx, HL_E_NOMEM, "out of memory");
    if ((rc = place_layer(c, c->acc->origins.layer, c->acc->origins.xy, &g->pl[0])))
        return rc;
    for (size_t k = 0; k < nk; k++)
        if ((rc = place_layer(c, c->acc->kinds[k].fac, NULL, &g->pl[1 + k])))
            return rc;
    if ((rc = place_layer(c, c->s->industry_bases, NULL, &g->pl[nk + 1])))
        return rc;
    if ((rc = hl_net_routable(ctx, c->a->net, (const hl_placement *const *)g->pl, g->n_sets,
                              c->a->plan->connector_speed_kmh, &g->rt)))
        return rc;
    ne = hl_routable_edge_count(g->rt);
    nn = hl_routable_node_count(g->rt);
    len_cost = hl_malloc(ctx, (ne ? ne : 1) * sizeof *len_cost);
    g->time = hl_malloc(ctx, (nn ? nn : 1) * sizeof *g->time);
    g->buf = hl_malloc(ctx, (nn ? nn : 1) * sizeof *g->buf);
    g->origin_node = hl_malloc(ctx, (c->acc->origins.n ? c->acc->origins.n : 1) * sizeof *g->origin_node);
    if (!len_cost || !g->time || !g->buf || !g->origin_node) {
        hl_free(len_cost);
        return hl_error(ctx, HL_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < c->acc->origins.n; i++)
        if (!hl_routable_point(g->rt, 0, i, &g->origin_node[i], NULL))
            g->origin_node[i] = UINT32_MAX;
    {
        size_t no = c->acc->origins.n;
        g->node_start = hl_calloc(ctx, nn + 2, sizeof *g->node_start);
        g->at_node = hl_malloc(ctx, (no ? no : 1) * sizeof *g->at_node);
        g->reached = hl_malloc(ctx, (nn ? nn : 1) * sizeof *g->reached);
        g->reached_s = hl_malloc(ctx, (nn ? nn : 1) * sizeof *g->reached_s);
        g->scratch = hl_malloc(ctx, (no ? no : 1) * sizeof *g->scratch);
        if (!g->node_start || !g->at_node || !g->reached || !g->reached_s || !g->scratch) {
            hl_free(len_cost);
            return hl_error(ctx, HL_E_NOMEM, "out of memory");
        }
        for (size_t i = 0; i < no; i++)
            if (g->origin_node[i] != UINT32_MAX)
                g->node_start[g->origin_node[i] + 2]++;
        for (size_t v = 0; v < nn; v++)
            g->node_start[v + 2] += g->node_start[v + 1];
        for (size_t i = 0; i < no; i++)
            if (g->origin_node[i] != UINT32_MAX)
                g->at_node[g->node_start[g->origin_node[i] + 1]++] = (uint32_t)i;
    }
    memcpy(len_cost, hl_routable_len_m(g->rt), ne * sizeof *len_cost);
    rc = hl_graph_create(ctx, nn, ne, hl_routable_from(g->rt), hl_routable_to(g->rt), len_cost, len_cost, len_cost,
                         &g->len_g);
    hl_free(len_cost);
    if (rc)
        return rc;
    if ((rc = hl_graph_create(ctx, nn, ne, hl_routable_from(g->rt), hl_routable_to(g->rt), hl_routable_fwd_s(g->rt),
                              hl_routable_bwd_s(g->rt), hl_routable_len_m(g->rt), &g->motor_g)))
        return rc;
    if ((rc = hl_route_ws_create(ctx, g->len_g, &g->ws_len)))
        return rc;
    return hl_route_ws_create(ctx, g->motor_g, &g->ws_motor);
}

/* Search from every placed point of `set` on graph gr; time[] per node. */
static hl_status search_set(cov *c, cov_graph *g, size_t set, size_t n_pts, const hl_graph *gr, hl_route_ws *ws,
                            hl_route_dir dir, double cutoff_s) {
    uint32_t *nodes = hl_malloc(c->ctx, (n_pts ? n_pts : 1) * sizeof *nodes);
    size_t ns = 0;
    hl_route_opts ro;
    hl_status rc;
    if (!nodes)
        return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
    for (size_t f = 0; f < n_pts; f++)
        if (hl_routable_point(g->rt, set, f, &nodes[ns], NULL))
            ns++;
    hl_route_opts_init(&ro);
    ro.dir = dir;
    ro.cutoff_s = cutoff_s;
    rc = hl_route_search(c->ctx, gr, ws, ns, nodes, NULL, NULL, &ro, g->time, NULL, NULL, NULL);
    hl_free(nodes);
    return rc;
}

static double origin_value(const cov_graph *g, size_t i, const double *per_node) {
    uint32_t node;
    return hl_routable_point(g->rt, 0, i, &node, NULL) ? per_node[node] : INFINITY;
}

/* Append to *pairs the origins that facility point `f` of `set` reaches
 * on the motor graph within cutoff_s (one backward search), in origin
 * order.  Nothing when the facility is not placed. */
static int cmp_origin_time(const void *a, const void *b) {
    uint32_t x = ((const origin_time *)a)->orig, y = ((const origin_time *)b)->orig;
    return x < y ? -1 : x > y;
}

static hl_status reach_one(cov *c, cov_graph *g, size_t set, size_t f, double cutoff_s, cov_pairs *pairs) {
    uint32_t node;
    hl_route_opts ro;
    hl_status rc;
    size_t nr = 0, m = 0;
    if (!hl_routable_point(g->rt, set, f, &node, NULL))
        return HL_OK;
    hl_route_opts_init(&ro);
    ro.dir = HL_ROUTE_BACKWARD;
    ro.cutoff_s = cutoff_s;
    /* only the nodes reached: a province graph has 180,000 nodes, a
       30-minute catchment a few thousand */
    if ((rc = hl_route_search_reached(c->ctx, g->motor_g, g->ws_motor, 1, &node, NULL, NULL, &ro, &nr, g->reached,
                                      g->reached_s, NULL)))
        return rc;
    for (size_t q = 0; q < nr; q++) {
        uint32_t v = g->reached[q];
        for (size_t k = g->node_start[v]; k < g->node_start[v + 1]; k++) {
            g->scratch[m].orig = g->at_node[k];
            g->scratch[m++].t = g->reached_s[q];
        }
    }
    qsort(g->scratch, m, sizeof *g->scratch, cmp_origin_time);
    if ((rc = hl_grow(c->ctx, (void **)&pairs->orig, &pairs->cap_orig, pairs->n + m, sizeof *pairs->orig)) ||
        (rc = hl_grow(c->ctx, (void **)&pairs->time_s, &pairs->cap_time, pairs->n + m, sizeof *pairs->time_s)))
        return rc;
    for (size_t q = 0; q < m; q++) {
        pairs->orig[pairs->n] = g->scratch[q].orig;
        pairs->time_s[pairs->n++] = g->scratch[q].t;
    }
    return HL_OK;
}

static hl_status walk_all_kinds(cov *c, cov_graph *g) {
    size_t n = c->acc->origins.n, nk = c->acc->n_kinds;
    hl_status rc = HL_OK;
    c->walk_m = hl_calloc(c->ctx, nk ? nk : 1, sizeof *c->walk_m);
    if (!c->walk_m)
        return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
    for (size_t k = 0; k < nk && !rc; k++) {
        c->walk_m[k] = hl_malloc(c->ctx, (n ? n : 1) * sizeof *c->walk_m[k]);
        if (!c->walk_m[k])
            return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
        rc = search_set(c, g, 1 + k, c->acc->kinds[k].n_fac, g->len_g, g->ws_len, HL_ROUTE_BACKWARD, INFINITY);
        for (size_t i = 0; i < n && !rc; i++)
            c->walk_m[k][i] = origin_value(g, i, g->time);
    }
    return rc;
}

typedef struct pt_tree {
    GEOSContextHandle_t h;
    const double *xy; /* per indexed point */
    const void *query;
    double qx, qy;
} pt_tree;

/* Distance callback of the nearest search: one argument is the query, the
 * other an indexed point (item = index + 1). */
static int pt_dist(const void *a, const void *b, double *d, void *user) {
    const pt_tree *t = user;
    const void *item = a == t->query ? b : a;
    const double *p = &t->xy[2 * ((size_t)(uintptr_t)item - 1)];
    *d = hypot(p[0] - t->qx, p[1] - t->qy);
    return 1;
}

/* Per origin the straight-line distance to the nearest point of layer L
 * with keep[f] (hl_layer_point), INFINITY when there is none or the origin
 * has no coordinates.  STRtree nearest search; the distance is the same
 * hypot() a scan of every point would minimise. */
static hl_status nearest_points(cov *c, const hl_layer *L, const bool *keep, double *out) {
    GEOSContextHandle_t h = hl__geos(c->ctx);
    const hl_origins *og = &c->acc->origins;
    size_t nf = hl_layer_count(L), m = 0;
    double *xy = hl_malloc(c->ctx, 2 * (nf ? nf : 1) * sizeof *xy);
    GEOSGeometry **pts = hl_calloc(c->ctx, nf ? nf : 1, sizeof *pts);
    GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
    pt_tree t = {h, xy, NULL, 0, 0};
    hl_status rc = HL_OK;
    if (!xy || !pts || !tree) {
        rc = hl_error(c->ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    for (size_t f = 0; f < nf; f++) {
        double x, y;
        if (!keep[f] || !hl_layer_point(L, f, &x, &y))
            continue;
        xy[2 * m] = x;
        xy[2 * m + 1] = y;
        if (!(pts[m] = GEOSGeom_createPointFromXY_r(h, x, y))) {
            rc = hl_error(c->ctx, HL_E_GEOM, "cannot build a point");
            goto done;
        }
        GEOSSTRtree_insert_r(h, tree, pts[m], (void *)(uintptr_t)(m + 1));
        m++;
    }
    for (size_t i = 0; i < og->n; i++) {
        GEOSGeometry *q;
        const void *hit;
        out[i] = INFINITY;
        if (!m || !og->has_xy[i])
            continue;
        t.qx = og->xy[2 * i];
        t.qy = og->xy[2 * i + 1];
        if (!(q = GEOSGeom_createPointFromXY_r(h, t.qx, t.qy))) {
            rc = hl_error(c->ctx, HL_E_GEOM, "cannot build a point");
            goto done;
        }
        t.query = q;
        hit = GEOSSTRtree_nearest_generic_r(h, tree, q, q, pt_dist, &t);
        GEOSGeom_destroy_r(h, q);
        if (hit) {
            const double *p = &xy[2 * ((size_t)(uintptr_t)hit - 1)];
            out[i] = hypot(p[0] - t.qx, p[1] - t.qy);
        }
    }
done:
    if (tree)
        GEOSSTRtree_destroy_r(h, tree);
    for (size_t f = 0; f < m; f++)
        GEOSGeom_destroy_r(h, pts[f]);
    hl_free(pts);
    hl_free(xy);
    return rc;
}

/* ENV-02: garbage points within d2 network metres of a transfer station;
 * per origin the straight-line distance to the nearest such point. */
static hl_status garbage(cov *c, cov_graph *g) {
    size_t kg = hl__cov_kind(c, "garbage_point"), kt = hl__cov_kind(c, "transfer_station");
    size_t n = c->acc->origins.n;
    const hl_kind_access *gp;
    double d2 = hl__std_num(c->s, "ENV-02.d2_m", 20000);
    hl_status rc = HL_OK;
    bool *ok;
    if (kg == SIZE_MAX)
        return HL_OK;
    gp = &c->acc->kinds[kg];
    ok = hl_calloc(c->ctx, gp->n_fac ? gp->n_fac : 1, sizeof *ok);
    c->garb_ok_m = hl_malloc(c->ctx, (n ? n : 1) * sizeof *c->garb_ok_m);
    if (!ok || !c->garb_ok_m) {
        hl_free(ok);
        return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
    }
    if (kt != SIZE_MAX) {
        rc = search_set(c, g, 1 + kt, c->acc->kinds[kt].n_fac, g->len_g, g->ws_len, HL_ROUTE_BACKWARD, d2);
        for (size_t f = 0; f < gp->n_fac && !rc; f++) {
            uint32_t node;
            ok[f] = hl_routable_point(g->rt, 1 + kg, f, &node, NULL) && g->time[node] <= d2;
        }
    } else {
        for (size_t f = 0; f < gp->n_fac; f++)
            ok[f] = true;
    }
    if (!rc)
        rc = nearest_points(c, gp->fac, ok, c->garb_ok_m);
    hl_free(ok);
    return rc;
}

/* The origins that each of the n_fac points of `set` reaches within
 * cutoff_s, into *pairs (reset first; start allocated here). */
static hl_status reach_set(cov *c, cov_graph *g, size_t set, size_t n_fac, double cutoff_s, cov_pairs *pairs) {
    hl_status rc = HL_OK;
    pairs->n_fac = n_fac;
    pairs->start = hl_malloc(c->ctx, (n_fac + 1) * sizeof *pairs->start);
    if (!pairs->start)
        return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
    for (size_t f = 0; f < n_fac && !rc; f++) {
        pairs->start[f] = pairs->n;
        rc = reach_one(c, g, set, f, cutoff_s, pairs);
        if (!rc && (f & 0xFF) == 0xFF)
            rc = hl_check_interrupt(c->ctx);
    }
    pairs->start[n_fac] = pairs->n;
    return rc;
}

/* IND-01: the origins within IND-01.far_time_min of every industry base
 * (one backward search per base, cut there). */
static hl_status industry(cov *c, cov_graph *g) {
    size_t nb = hl_layer_count(c->s->industry_bases);
    double far_s = 60.0 * hl__std_num(c->s, "IND-01.far_time_min", 45);
    c->n_bases = nb;
    if (!nb)
        return HL_OK;
    return reach_set(c, g, c->acc->n_kinds + 1, nb, far_s, &c->base_reach);
}

static double supply_of(const hl_layer *L, size_t f) {
    double v = hl_layer_number(L, f, "doctors", NAN);
    if (!(v >= 0))
        v = hl_layer_number(L, f, "beds", NAN);
    if (!(v >= 0))
        v = hl_layer_number(L, f, "capacity", NAN);
    return v >= 0 ? v : 1.0;
}

/* Primary-care 2SFCA over the facilities of the HLT-02 kinds, from the
 * origins each facility reaches within the catchment (sparse: a province
 * has 65,000 origins and 18,000 clinics). */
static hl_status primary_care(cov *c, cov_graph *g) {
    const hl_std_param *p = c->s->standard ? hl_standard_param(c->s->standard, "HLT-02.kinds") : NULL;
    size_t n = c->acc->origins.n, nf = 0, j = 0;
    double catch_s = 60.0 * hl__std_num(c->s, "HLT-03.max_time_min", 30);
    double *cap = NULL, *pop = NULL;
    cov_pairs pairs;
    hl_status rc = HL_OK;
    memset(&pairs, 0, sizeof pairs);
    if (!p || p->type != HL_PARAM_LIST)
        return HL_OK;
    for (size_t q = 0; q < p->n_items; q++) {
        size_t k = hl__cov_kind(c, p->items[q]);
        if (k != SIZE_MAX)
            nf += c->acc->kinds[k].n_fac;
    }
    if (!nf || !n)
        return HL_OK;
    cap = hl_malloc(c->ctx, nf * sizeof *cap);
    pop = hl_malloc(c->ctx, n * sizeof *pop);
    pairs.start = hl_malloc(c->ctx, (nf + 1) * sizeof *pairs.start);
    c->pc_2sfca = hl_malloc(c->ctx, n * sizeof *c->pc_2sfca);
    if (!cap || !pop || !pairs.start || !c->pc_2sfca) {
        rc = hl_error(c->ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    pairs.n_fac = nf;
    for (size_t i = 0; i < n; i++)
        pop[i] = hl__cov_unit_pop(c, COV_ORIGIN, i);
    for (size_t q = 0; q < p->n_items && !rc; q++) {
        size_t k = hl__cov_kind(c, p->items[q]);
        if (k == SIZE_MAX)
            continue;
        for (size_t f = 0; f < c->acc->kinds[k].n_fac && !rc; f++, j++) {
            cap[j] = supply_of(c->acc->kinds[k].fac, f);
            pairs.start[j] = pairs.n;
            rc = reach_one(c, g, 1 + k, f, catch_s, &pairs);
            if (!rc && (j & 0xFF) == 0xFF)
                rc = hl_check_interrupt(c->ctx);
        }
    }
    pairs.start[nf] = pairs.n;
    if (!rc) {
        hl_access_pairs ap = {n, nf, pairs.start, pairs.orig, pairs.time_s};
        rc = hl_access_2sfca_pairs(c->ctx, &ap, pop, cap, catch_s, c->pc_2sfca, NULL);
    }
    for (size_t i = 0; i < n && !rc; i++)
        c->pc_2sfca[i] *= 1000.0;
done:
    if (rc) {
        hl_free(c->pc_2sfca);
        c->pc_2sfca = NULL;
    }
    hl_free(pairs.start);
    hl_free(pairs.orig);
    hl_free(pairs.time_s);
    hl_free(cap);
    hl_free(pop);
    return rc;
}

hl_status hl__cov_graph(cov *c) {
    cov_graph g;
    hl_status rc;
    memset(&g, 0, sizeof g);
    if (!c->a->net)
        return hl_error(c->ctx, HL_E_ARG, "the coverage stage needs the road network");
    if ((rc = build(c, &g)) || (rc = walk_all_kinds(c, &g)) || (rc = garbage(c, &g)) || (rc = primary_care(c, &g)))
        goto done;
    rc = industry(c, &g);
done:
    graph_free(&g);
    return rc;
}
