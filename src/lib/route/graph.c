/* Routable graph: validates an edge list, numbers the nodes internally in
 * breadth-first order (for memory locality) and builds forward and reverse
 * adjacency rows of fixed size over the internal numbers (one arc per open
 * edge direction, self loops left out because they can never shorten a
 * path; layout in route_int.h). */
#include <math.h>
#include <string.h>

#include "route/route_int.h"

void hl_graph_destroy(hl_graph *g) {
    if (!g) return;
    hl_free(g->from);
    hl_free(g->to);
    hl_free(g->fwd_s);
    hl_free(g->bwd_s);
    hl_free(g->len_m);
    hl_free(g->new_of);
    hl_free(g->old_of);
    hl_free(g->fwd_slots);
    hl_free(g->fwd_more);
    hl_free(g->bwd_slots);
    hl_free(g->bwd_more);
    hl_free(g->loop_edge);
    hl_free(g);
}

static bool time_ok(double t) { return !isnan(t) && t >= 0.0; }

/* Internal node order: breadth-first over the undirected edges (closed
 * directions included), from the lowest-numbered unvisited node of each
 * component, neighbours in edge order.  A search's wavefront then touches
 * labels and CSR rows that lie close together in memory, whatever order the
 * caller numbered its nodes in (real networks come in line order).  Fills
 * g->new_of and g->old_of.  Only the memory layout depends on it: the
 * searches break ties by the caller's numbers.  Returns HL_OK or
 * HL_E_NOMEM. */
static hl_status number_nodes(hl_ctx *ctx, hl_graph *g) {
    hl_status rc = HL_OK;
    size_t n = g->n_nodes, m = g->n_edges, i;
    size_t *inc_start = NULL;
    uint32_t *inc = NULL, *queue = g->old_of, *new_of = g->new_of;
    size_t head = 0, tail = 0, root = 0;
    inc_start = hl_calloc(ctx, n + 1, sizeof *inc_start);
    inc = inc_start ? hl_malloc(ctx, 2 * m * sizeof *inc) : NULL;
    if (!inc) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory ordering a graph of %zu nodes", n);
        goto done;
    }
    /* incidence lists (the other end of every edge at each node) */
    for (i = 0; i < m; i++) {
        inc_start[g->from[i] + 1]++;
        inc_start[g->to[i] + 1]++;
    }
    for (i = 0; i < n; i++) inc_start[i + 1] += inc_start[i];
    for (i = 0; i < m; i++) {
        inc[inc_start[g->from[i]]++] = g->to[i];
        inc[inc_start[g->to[i]]++] = g->from[i];
    }
    for (i = n; i > 0; i--) inc_start[i] = inc_start[i - 1];
    inc_start[0] = 0;
    /* breadth-first; the queue is old_of itself */
    for (i = 0; i < n; i++) new_of[i] = HL_ROUTE_NONE;
    while (tail < n) {
        if (head == tail) {
            while (new_of[root] != HL_ROUTE_NONE) root++;
            new_of[root] = (uint32_t)tail;
            queue[tail++] = (uint32_t)root;
        }
        {
            uint32_t v = queue[head++];
            size_t a;
            for (a = inc_start[v]; a < inc_start[v + 1]; a++) {
                uint32_t w = inc[a];
                if (new_of[w] == HL_ROUTE_NONE) {
                    new_of[w] = (uint32_t)tail;
                    queue[tail++] = w;
                }
            }
        }
    }
done:
    hl_free(inc_start);
    hl_free(inc);
    return rc;
}

/* Build one direction's rows over internal node numbers: by_tail selects
 * the forward rows (rows are tails) or the reverse ones (rows are heads).
 * Allocates *slots and *more (the caller frees them, also on failure).
 * Arcs in a row are in edge order, the along-direction arc first, which
 * makes the search order (and so every tie) independent of anything but
 * the input.  Returns HL_OK or HL_E_NOMEM. */
static hl_status build_rows(hl_ctx *ctx, hl_graph *g, bool by_tail, hl__arc **slots,
                            hl__arc **more) {
    hl_status rc = HL_OK;
    size_t n = g->n_nodes, i, n_more = 0;
    const uint32_t *nw = g->new_of;
    size_t *deg = NULL, *cur = NULL, *off = NULL;
    hl__arc *sl = NULL, *mo = NULL;
    deg = hl_calloc(ctx, n, sizeof *deg);
    cur = deg ? hl_calloc(ctx, n, sizeof *cur) : NULL;
    off = cur ? hl_malloc(ctx, n * sizeof *off) : NULL;
    if (!off) goto nomem;
    for (i = 0; i < g->n_edges; i++) {
        uint32_t a = nw[g->from[i]], b = nw[g->to[i]];
        if (a == b) continue;
        if (isfinite(g->fwd_s[i])) deg[by_tail ? a : b]++;
        if (isfinite(g->bwd_s[i])) deg[by_tail ? b : a]++;
    }
    /* a long row keeps HL__SLOTS - 1 arcs in its slots, the rest and an
     * end marker in `more` */
    for (i = 0; i < n; i++) {
        off[i] = n_more;
        if (deg[i] > HL__SLOTS) n_more += deg[i] - (HL__SLOTS - 1) + 1;
    }
    *slots = sl = hl_malloc(ctx, n * HL__SLOTS * sizeof *sl);
    *more = mo = sl ? hl_malloc(ctx, n_more * sizeof *mo) : NULL;
    if (!mo) goto nomem;
    for (i = 0; i < n * HL__SLOTS; i++) {
        sl[i].node = HL__ARC_END;
        sl[i].edge = HL_ROUTE_NONE;
        sl[i].time_s = 0.0;
        sl[i].len_m = 0.0;
    }
    for (i = 0; i < n; i++) {
        if (deg[i] <= HL__SLOTS) continue;
        sl[i * HL__SLOTS + HL__SLOTS - 1].node = HL__ARC_MORE;
        sl[i * HL__SLOTS + HL__SLOTS - 1].more = off[i];
        mo[off[i] + deg[i] - (HL__SLOTS - 1)].node = HL__ARC_END;
        mo[off[i] + deg[i] - (HL__SLOTS - 1)].edge = HL_ROUTE_NONE;
        mo[off[i] + deg[i] - (HL__SLOTS - 1)].time_s = 0.0;
        mo[off[i] + deg[i] - (HL__SLOTS - 1)].len_m = 0.0;
    }
    for (i = 0; i < g->n_edges; i++) {
        uint32_t a = nw[g->from[i]], b = nw[g->to[i]];
        int side;
        if (a == b) continue;
        for (side = 0; side < 2; side++) {
            /* side 0: the arc along the edge (a -> b), side 1: against it */
            double t = side ? g->bwd_s[i] : g->fwd_s[i];
            uint32_t tail = side ? b : a, head = side ? a : b;
            uint32_t row = by_tail ? tail : head;
            size_t c;
            hl__arc *arc;
            if (!isfinite(t)) continue;
            c = cur[row]++;
            if (deg[row] <= HL__SLOTS || c < HL__SLOTS - 1)
                arc = &sl[(size_t)row * HL__SLOTS + c];
            else
                arc = &mo[off[row] + c - (HL__SLOTS - 1)];
            arc->node = by_tail ? head : tail;
            arc->edge = (uint32_t)i;
            arc->time_s = t;
            arc->len_m = g->len_m[i];
        }
    }
    goto done;
nomem:
    rc = hl_error(ctx, HL_E_NOMEM, "out of memory building the rows of a graph of %zu nodes", n);
done:
    hl_free(deg);
    hl_free(cur);
    hl_free(off);
    return rc;
}

hl_status hl_graph_create(hl_ctx *ctx, size_t n_nodes, size_t n_edges, const uint32_t *from,
                          const uint32_t *to, const double *fwd_s, const double *bwd_s,
                          const double *len_m, hl_graph **out) {
    hl_status rc = HL_OK;
    hl_graph *g = NULL;
    size_t i, n_arcs = 0;

    if (!out) return hl_error(ctx, HL_E_ARG, "hl_graph_create: out is NULL");
    *out = NULL;
    if (n_nodes >= HL_ROUTE_NONE || n_edges >= HL_ROUTE_NONE) {
        rc = hl_error(ctx, HL_E_ARG, "graph too large: %zu nodes, %zu edges (limit %u)", n_nodes,
                      n_edges, (unsigned)(HL_ROUTE_NONE - 1));
        goto done;
    }
    if (n_edges > 0 && (!from || !to || !fwd_s || !bwd_s)) {
        rc = hl_error(ctx, HL_E_ARG, "hl_graph_create: an edge array is NULL");
        goto done;
    }
    for (i = 0; i < n_edges; i++) {
        if (from[i] >= n_nodes || to[i] >= n_nodes) {
            rc = hl_error(ctx, HL_E_ARG, "edge %zu joins node %u -> %u but the graph has %zu nodes",
                          i, from[i], to[i], n_nodes);
            goto done;
        }
        if (!time_ok(fwd_s[i]) || !time_ok(bwd_s[i])) {
            rc = hl_error(ctx, HL_E_ARG,
                          "edge %zu has an invalid travel time (forward %g s, backward %g s): "
                          "times must be >= 0 or INFINITY",
                          i, fwd_s[i], bwd_s[i]);
            goto done;
        }
        if (len_m && !(isfinite(len_m[i]) && len_m[i] >= 0.0)) {
            rc = hl_error(ctx, HL_E_ARG, "edge %zu has an invalid length %g m", i, len_m[i]);
            goto done;
        }
        if (from[i] != to[i]) n_arcs += (size_t)isfinite(fwd_s[i]) + (size_t)isfinite(bwd_s[i]);
    }

    g = hl_calloc(ctx, 1, sizeof *g);
    if (!g) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory building a graph of %zu nodes", n_nodes);
        goto done;
    }
    g->n_nodes = n_nodes;
    g->n_edges = n_edges;
    g->n_arcs = n_arcs;
    g->from = hl_malloc(ctx, n_edges * sizeof *g->from);
    g->to = g->from ? hl_malloc(ctx, n_edges * sizeof *g->to) : NULL;
    g->fwd_s = g->to ? hl_malloc(ctx, n_edges * sizeof *g->fwd_s) : NULL;
    g->bwd_s = g->fwd_s ? hl_malloc(ctx, n_edges * sizeof *g->bwd_s) : NULL;
    g->len_m = g->bwd_s ? hl_malloc(ctx, n_edges * sizeof *g->len_m) : NULL;
    g->new_of = g->len_m ? hl_malloc(ctx, n_nodes * sizeof *g->new_of) : NULL;
    g->old_of = g->new_of ? hl_malloc(ctx, n_nodes * sizeof *g->old_of) : NULL;
    if (!g->old_of) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory building a graph of %zu nodes and %zu edges",
                      n_nodes, n_edges);
        goto done;
    }
    if (n_edges > 0) {
        memcpy(g->from, from, n_edges * sizeof *from);
        memcpy(g->to, to, n_edges * sizeof *to);
        memcpy(g->fwd_s, fwd_s, n_edges * sizeof *fwd_s);
        memcpy(g->bwd_s, bwd_s, n_edges * sizeof *bwd_s);
        if (len_m)
            memcpy(g->len_m, len_m, n_edges * sizeof *len_m);
        else
            for (i = 0; i < n_edges; i++) g->len_m[i] = 0.0;
    }
    for (i = 0; i < n_edges; i++) g->n_loops += from[i] == to[i];
    if (g->n_loops) {
        size_t m = 0;
        g->loop_edge = hl_malloc(ctx, g->n_loops * sizeof *g->loop_edge);
        if (!g->loop_edge) {
            rc = hl_error(ctx, HL_E_NOMEM, "out of memory building a graph");
            goto done;
        }
        for (i = 0; i < n_edges; i++)
            if (from[i] == to[i]) g->loop_edge[m++] = (uint32_t)i;
    }
    rc = number_nodes(ctx, g);
    if (rc) goto done;
    rc = build_rows(ctx, g, true, &g->fwd_slots, &g->fwd_more);
    if (!rc) rc = build_rows(ctx, g, false, &g->bwd_slots, &g->bwd_more);
    if (rc) goto done;
    *out = g;
    g = NULL;
done:
    hl_graph_destroy(g);
    return rc;
}

size_t hl_graph_node_count(const hl_graph *g) { return g->n_nodes; }
size_t hl_graph_edge_count(const hl_graph *g) { return g->n_edges; }
size_t hl_graph_arc_count(const hl_graph *g) { return g->n_arcs; }
const uint32_t *hl_graph_edge_from(const hl_graph *g) { return g->from; }
const uint32_t *hl_graph_edge_to(const hl_graph *g) { return g->to; }
const double *hl_graph_edge_fwd_s(const hl_graph *g) { return g->fwd_s; }
const double *hl_graph_edge_bwd_s(const hl_graph *g) { return g->bwd_s; }
const double *hl_graph_edge_len_m(const hl_graph *g) { return g->len_m; }
