/* Results derived from a finished search: the reached part of every edge
 * for one or more time thresholds (isochrone pieces), catchment totals from
 * the winning sources, and the edge list of one best path. */
#include <math.h>

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

hl_status hl_route_isochrone(hl_ctx *ctx, const hl_graph *g, const double *time_s, hl_route_dir dir,
                             size_t n_thresholds, const double *threshold_s,
                             hl_route_piece **pieces, size_t *n_pieces) {
    hl_status rc = HL_OK;
    hl_route_piece *arr = NULL;
    size_t n = 0, cap = 0, i, k;

    if (!pieces || !n_pieces) return hl_error(ctx, HL_E_ARG, "hl_route_isochrone: NULL output");
    *pieces = NULL;
    *n_pieces = 0;
    if (!g || !time_s || (n_thresholds > 0 && !threshold_s)) {
        rc = hl_error(ctx, HL_E_ARG, "hl_route_isochrone: graph, times or thresholds is NULL");
        goto done;
    }
    if (dir != HL_ROUTE_FORWARD && dir != HL_ROUTE_BACKWARD) {
        rc = hl_error(ctx, HL_E_ARG, "hl_route_isochrone: unknown direction %d", (int)dir);
        goto done;
    }
    if (n_thresholds >= HL_ROUTE_NONE) {
        rc = hl_error(ctx, HL_E_ARG, "hl_route_isochrone: too many thresholds");
        goto done;
    }
    for (k = 0; k < n_thresholds; k++)
        if (isnan(threshold_s[k])) {
            rc = hl_error(ctx, HL_E_ARG, "hl_route_isochrone: threshold %zu is NaN", k);
            goto done;
        }
    for (i = 0; i < g->n_nodes; i++)
        if (isnan(time_s[i])) {
            rc = hl_error(ctx, HL_E_ARG, "hl_route_isochrone: time of node %zu is NaN", i);
            goto done;
        }

    for (k = 0; k < n_thresholds; k++) {
        double T = threshold_s[k];
        for (i = 0; i < g->n_edges; i++) {
            double ta = time_s[g->from[i]], tb = time_s[g->to[i]];
            /* lo: the part touching the from-node [0, lo]; hi: the part
             * touching the to-node [1 - hi, 1] */
            double lo, hi;
            if (dir == HL_ROUTE_FORWARD) {
                lo = reach_fraction(ta, g->fwd_s[i], T); /* entered at from, going along */
                hi = reach_fraction(tb, g->bwd_s[i], T); /* entered at to, going against */
            } else {
                lo = reach_fraction(ta, g->bwd_s[i], T); /* leaving towards from, against */
                hi = reach_fraction(tb, g->fwd_s[i], T); /* leaving towards to, along */
            }
            double hi_start = 1.0 - hi;
            bool has_lo = lo > 0.0, has_hi = hi > 0.0 && hi_start < 1.0;
            if (has_lo && has_hi && lo >= hi_start) {
                rc = push_piece(ctx, &arr, &n, &cap, (uint32_t)i, (uint32_t)k, 0.0, 1.0);
            } else {
                if (has_lo) rc = push_piece(ctx, &arr, &n, &cap, (uint32_t)i, (uint32_t)k, 0.0, lo);
                if (!rc && has_hi)
                    rc = push_piece(ctx, &arr, &n, &cap, (uint32_t)i, (uint32_t)k, hi_start, 1.0);
            }
            if (rc) goto done;
        }
    }
    *pieces = arr;
    *n_pieces = n;
    arr = NULL;
done:
    hl_free(arr);
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
