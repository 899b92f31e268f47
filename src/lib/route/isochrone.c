/* Results derived from a finished search: the reached part of every edge
 * for one or more time thresholds (isochrone pieces), catchment totals from
 * the winning sources, and the edge list of one best path. */
#include <math.h>
#include <stdlib.h>

#include "route/route_int.h"

/* Reached fraction of an arc entered at a node reached at time t (the
 * arc's own time is arc_s), for threshold T; 0 when nothing is reached. */
static double reach_fraction(double t, double arc_s, double T) {
    double f;
    if (!isfinite(arc_s) || !(t < T)) return 0.0;
    if (arc_s <= 0.0) return 1.0;
    f = (T - t) / arc_s;
    return f < 1.0 ? f : 1.0;
}

static hl_status push_piece(hl_ctx *ctx, hl_route_piece **arr, size_t *n, size_t *cap,
                            uint32_t edge, uint32_t thr, double f0, double f1) {
    hl_status rc = hl_grow(ctx, (void **)arr, cap, *n + 1, sizeof **arr);
    if (rc) return rc;
    (*arr)[*n].edge = edge;
    (*arr)[*n].threshold = thr;
    (*arr)[*n].f0 = f0;
    (*arr)[*n].f1 = f1;
    (*n)++;
    return HL_OK;
}

/* The pieces of edge i for threshold index k (time T), appended. */
static hl_status edge_pieces(hl_ctx *ctx, const hl_graph *g, const double *time_s, hl_route_dir dir,
                             size_t k, double T, size_t i, hl_route_piece **arr, size_t *n,
                             size_t *cap) {
    double ta = time_s[g->from[i]], tb = time_s[g->to[i]];
    /* lo: the part touching the from-node [0, lo]; hi: the part
     * touching the to-node [1 - hi, 1] */
    double lo, hi, hi_start;
    bool has_lo, has_hi;
    hl_status rc = HL_OK;
    if (dir == HL_ROUTE_FORWARD) {
        lo = reach_fraction(ta, g->fwd_s[i], T); /* entered at from, going along */
        hi = reach_fraction(tb, g->bwd_s[i], T); /* entered at to, going against */
    } else {
        lo = reach_fraction(ta, g->bwd_s[i], T); /* leaving towards from, against */
        hi = reach_fraction(tb, g->fwd_s[i], T); /* leaving towards to, along */
    }
    hi_start = 1.0 - hi;
    has_lo = lo > 0.0;
    has_hi = hi > 0.0 && hi_start < 1.0;
    if (has_lo && has_hi && lo >= hi_start)
        return push_piece(ctx, arr, n, cap, (uint32_t)i, (uint32_t)k, 0.0, 1.0);
    if (has_lo) rc = push_piece(ctx, arr, n, cap, (uint32_t)i, (uint32_t)k, 0.0, lo);
    if (!rc && has_hi) rc = push_piece(ctx, arr, n, cap, (uint32_t)i, (uint32_t)k, hi_start, 1.0);
    return rc;
}

static hl_status check_iso_args(hl_ctx *ctx, const char *fn, const hl_graph *g, const double *time_s,
                                hl_route_dir dir, size_t n_thresholds, const double *threshold_s,
                                hl_route_piece **pieces, size_t *n_pieces) {
    size_t k;
    if (!pieces || !n_pieces) return hl_error(ctx, HL_E_ARG, "%s: NULL output", fn);
    *pieces = NULL;
    *n_pieces = 0;
    if (!g || !time_s || (n_thresholds > 0 && !threshold_s))
        return hl_error(ctx, HL_E_ARG, "%s: graph, times or thresholds is NULL", fn);
    if (dir != HL_ROUTE_FORWARD && dir != HL_ROUTE_BACKWARD)
        return hl_error(ctx, HL_E_ARG, "%s: unknown direction %d", fn, (int)dir);
    if (n_thresholds >= HL_ROUTE_NONE) return hl_error(ctx, HL_E_ARG, "%s: too many thresholds", fn);
    for (k = 0; k < n_thresholds; k++)
        if (isnan(threshold_s[k])) return hl_error(ctx, HL_E_ARG, "%s: threshold %zu is NaN", fn, k);
    return HL_OK;
}

hl_status hl_route_isochrone(hl_ctx *ctx, const hl_graph *g, const double *time_s, hl_route_dir dir,
                             size_t n_thresholds, const double *threshold_s,
                             hl_route_piece **pieces, size_t *n_pieces) {
    hl_status rc;
    hl_route_piece *arr = NULL;
    size_t n = 0, cap = 0, i, k;

    rc = check_iso_args(ctx, "hl_route_isochrone", g, time_s, dir, n_thresholds, threshold_s,
                        pieces, n_pieces);
    if (rc) return rc;
    for (i = 0; i < g->n_nodes; i++)
        if (isnan(time_s[i])) {
            rc = hl_error(ctx, HL_E_ARG, "hl_route_isochrone: time of node %zu is NaN", i);
            goto done;
        }
    for (k = 0; k < n_thresholds; k++)
        for (i = 0; i < g->n_edges; i++)
            if ((rc = edge_pieces(ctx, g, time_s, dir, k, threshold_s[k], i, &arr, &n, &cap)))
                goto done;
    *pieces = arr;
    *n_pieces = n;
    arr = NULL;
done:
    hl_free(arr);
    return rc;
}

/* Append to *edges every edge in internal node v's row (slots, then the
 * overflow run). */
static hl_status row_edges(hl_ctx *ctx, const hl__arc *slots, const hl__arc *more, uint32_t v,
                           uint32_t **edges, size_t *n, size_t *cap) {
    const hl__arc *arc = &slots[(size_t)v * HL__SLOTS], *slot_end = arc + HL__SLOTS;
    while (arc != slot_end) {
        hl_status rc;
        if (arc->node >= HL__ARC_MORE) {
            if (arc->node == HL__ARC_END) break;
            arc = &more[arc->more];
            slot_end = NULL;
            continue;
        }
        if ((rc = hl_grow(ctx, (void **)edges, cap, *n + 1, sizeof **edges))) return rc;
        (*edges)[(*n)++] = arc->edge;
        arc++;
    }
    return HL_OK;
}

hl_status hl_route_isochrone_reached(hl_ctx *ctx, const hl_graph *g, const double *time_s,
                                     hl_route_dir dir, size_t n_thresholds,
                                     const double *threshold_s, size_t n_reached,
                                     const uint32_t *reached_node, hl_route_piece **pieces,
                                     size_t *n_pieces) {
    hl_status rc;
    hl_route_piece *arr = NULL;
    uint32_t *edges = NULL;
    size_t n = 0, cap = 0, ne = 0, ecap = 0, i, k, m;

    rc = check_iso_args(ctx, "hl_route_isochrone_reached", g, time_s, dir, n_thresholds,
                        threshold_s, pieces, n_pieces);
    if (rc) return rc;
    if (n_reached > 0 && !reached_node)
        return hl_error(ctx, HL_E_ARG, "hl_route_isochrone_reached: reached_node is NULL");
    /* the edges that touch a reached node: its rows both ways (an edge
       with an open direction is in the rows of both its ends), and the
       self loops, which the rows leave out */
    for (i = 0; i < n_reached && !rc; i++) {
        uint32_t u = reached_node[i], v;
        if (u >= g->n_nodes) {
            rc = hl_error(ctx, HL_E_ARG, "hl_route_isochrone_reached: node %u, graph has %zu", u,
                          g->n_nodes);
            break;
        }
        if (isnan(time_s[u])) {
            rc = hl_error(ctx, HL_E_ARG, "hl_route_isochrone_reached: time of node %u is NaN", u);
            break;
        }
        v = g->new_of[u];
        rc = row_edges(ctx, g->fwd_slots, g->fwd_more, v, &edges, &ne, &ecap);
        if (!rc) rc = row_edges(ctx, g->bwd_slots, g->bwd_more, v, &edges, &ne, &ecap);
    }
    for (i = 0; i < g->n_loops && !rc; i++)
        if (!(rc = hl_grow(ctx, (void **)&edges, &ecap, ne + 1, sizeof *edges)))
            edges[ne++] = g->loop_edge[i];
    if (rc) goto done;
    if ((rc = hl__sort_u32(ctx, edges, ne))) goto done;
    for (i = 0, m = 0; i < ne; i++)
        if (m == 0 || edges[i] != edges[m - 1]) edges[m++] = edges[i];
    ne = m;
    for (k = 0; k < n_thresholds; k++)
        for (i = 0; i < ne; i++)
            if ((rc = edge_pieces(ctx, g, time_s, dir, k, threshold_s[k], edges[i], &arr, &n, &cap)))
                goto done;
    *pieces = arr;
    *n_pieces = n;
    arr = NULL;
done:
    hl_free(arr);
    hl_free(edges);
    return rc;
}

hl_status hl_route_allocate(hl_ctx *ctx, size_t n_nodes, const uint32_t *source,
                            const double *weight, size_t n_sources, double *sum_out,
                            size_t *count_out) {
    size_t i;
    if (n_nodes > 0 && !source) return hl_error(ctx, HL_E_ARG, "hl_route_allocate: source is NULL");
    for (i = 0; i < n_nodes; i++) {
        if (source[i] != HL_ROUTE_NONE && source[i] >= n_sources)
            return hl_error(ctx, HL_E_ARG, "hl_route_allocate: node %zu has source %u of %zu", i,
                            source[i], n_sources);
        if (weight && isnan(weight[i]))
            return hl_error(ctx, HL_E_ARG, "hl_route_allocate: weight of node %zu is NaN", i);
    }
    for (i = 0; i < n_sources; i++) {
        if (sum_out) sum_out[i] = 0.0;
        if (count_out) count_out[i] = 0;
    }
    for (i = 0; i < n_nodes; i++) {
        if (source[i] == HL_ROUTE_NONE) continue;
        if (sum_out) sum_out[source[i]] += weight ? weight[i] : 1.0;
        if (count_out) count_out[source[i]]++;
    }
    return HL_OK;
}

hl_status hl_route_path(hl_ctx *ctx, const hl_graph *g, hl_route_dir dir, const uint32_t *pred_edge,
                        uint32_t node, uint32_t **edges, size_t *n_edges) {
    hl_status rc = HL_OK;
    uint32_t *arr = NULL;
    size_t n = 0, cap = 0, i;
    uint32_t v;
    if (!edges || !n_edges) return hl_error(ctx, HL_E_ARG, "hl_route_path: NULL output");
    *edges = NULL;
    *n_edges = 0;
    if (!g || !pred_edge || node >= g->n_nodes) {
        rc = hl_error(ctx, HL_E_ARG, "hl_route_path: no graph or predecessors, or node %u out of range",
                      node);
        goto done;
    }
    v = node;
    while (pred_edge[v] != HL_ROUTE_NONE) {
        uint32_t e = pred_edge[v];
        /* a path tree never holds more edges than nodes; more means a cycle */
        if (e >= g->n_edges || (g->from[e] != v && g->to[e] != v) || n >= g->n_nodes) {
            rc = hl_error(ctx, HL_E_ARG, "hl_route_path: predecessor edges do not form a path tree "
                                         "of this graph (at node %u)", v);
            goto done;
        }
        rc = hl_grow(ctx, (void **)&arr, &cap, n + 1, sizeof *arr);
        if (rc) goto done;
        arr[n++] = e;
        v = g->from[e] == v ? g->to[e] : g->from[e];
    }
    /* the walk went from node towards the source: travel order for
     * BACKWARD, reversed for FORWARD */
    if (dir == HL_ROUTE_FORWARD)
        for (i = 0; i < n / 2; i++) {
            uint32_t t = arr[i];
            arr[i] = arr[n - 1 - i];
            arr[n - 1 - i] = t;
        }
    *edges = arr;
    *n_edges = n;
    arr = NULL;
done:
    hl_free(arr);
    return rc;
}
