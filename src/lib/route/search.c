/* Multi-source shortest-time searches: the reusable workspace, an indexed
 * 4-ary heap with decrease-key, the one-label search (nearest source per
 * node) and the k-label search (k nearest distinct sources per node).
 *
 * Both searches are label-correcting Dijkstra: a node's label is replaced
 * whenever a better one (route.h label order, with the 1e-9 s time
 * tolerance) arrives, and the node re-enters the heap.  With exact
 * arithmetic this is plain Dijkstra (each node settles once); the re-entry
 * only matters for labels within the tolerance, where it makes the tie rule
 * hold whatever order equal-time labels arrive in. */
#include <math.h>
#include <string.h>

#include "route/route_int.h"

/* Poll the interrupt flag every this many heap pops. */
#define POLL_MASK 0xFFFFu

static const hl__label UNLABELLED = {INFINITY, INFINITY, HL_ROUTE_NONE, HL_ROUTE_NONE};

/* ---- workspace -------------------------------------------------------- */

void hl_route_ws_destroy(hl_route_ws *ws) {
    if (!ws) return;
    hl_free(ws->lab);
    hl_free(ws->done);
    hl_free(ws->touched);
    hl_free(ws->heap);
    hl_free(ws->pos);
    hl_free(ws->k_time_s);
    hl_free(ws->k_len_m);
    hl_free(ws->k_src);
    hl_free(ws->k_count);
    hl_free(ws);
}

hl_status hl_route_ws_create(hl_ctx *ctx, const hl_graph *g, hl_route_ws **out) {
    hl_status rc = HL_OK;
    hl_route_ws *ws = NULL;
    size_t n, i;
    if (!g || !out) return hl_error(ctx, HL_E_ARG, "hl_route_ws_create: graph or out is NULL");
    *out = NULL;
    n = g->n_nodes;
    ws = hl_calloc(ctx, 1, sizeof *ws);
    if (ws) {
        ws->n_nodes = n;
        ws->id_cap = n;
        ws->lab = hl_malloc(ctx, n * sizeof *ws->lab);
        ws->done = ws->lab ? hl_calloc(ctx, n, sizeof *ws->done) : NULL;
        ws->touched = ws->done ? hl_malloc(ctx, n * sizeof *ws->touched) : NULL;
        ws->heap = ws->touched ? hl_malloc(ctx, n * sizeof *ws->heap) : NULL;
        ws->pos = ws->heap ? hl_malloc(ctx, n * sizeof *ws->pos) : NULL;
    }
    if (!ws || !ws->pos) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory creating a route workspace for %zu nodes", n);
        goto done;
    }
    for (i = 0; i < n; i++) {
        ws->lab[i] = UNLABELLED;
        ws->pos[i] = HL__NOT_IN_HEAP;
    }
    *out = ws;
    ws = NULL;
done:
    hl_route_ws_destroy(ws);
    return rc;
}

/* ---- indexed 4-ary heap ----------------------------------------------- */

static inline bool key_less(const hl__heap_entry *a, const hl__heap_entry *b) {
    if (a->t != b->t) return a->t < b->t;
    if (a->s != b->s) return a->s < b->s;
    return a->id < b->id;
}

static void heap_sift_up(hl_route_ws *ws, size_t i) {
    hl__heap_entry *h = ws->heap;
    hl__heap_entry e = h[i];
    while (i > 0) {
        size_t p = (i - 1) / 4;
        if (!key_less(&e, &h[p])) break;
        h[i] = h[p];
        ws->pos[h[i].id] = (uint32_t)i;
        i = p;
    }
    h[i] = e;
    ws->pos[e.id] = (uint32_t)i;
}

static void heap_sift_down(hl_route_ws *ws, size_t i) {
    hl__heap_entry *h = ws->heap;
    hl__heap_entry e = h[i];
    size_t n = ws->heap_n;
    for (;;) {
        size_t c = 4 * i + 1, best, end, j;
        if (c >= n) break;
        best = c;
        end = c + 4 < n ? c + 4 : n;
        for (j = c + 1; j < end; j++)
            if (key_less(&h[j], &h[best])) best = j;
        if (!key_less(&h[best], &e)) break;
        h[i] = h[best];
        ws->pos[h[i].id] = (uint32_t)i;
        i = best;
    }
    h[i] = e;
    ws->pos[e.id] = (uint32_t)i;
}

/* Insert id with key (t, s), or change its key if it is in the heap. */
static inline void heap_set(hl_route_ws *ws, uint32_t id, double t, uint32_t s) {
    uint32_t p = ws->pos[id];
    hl__heap_entry e = {t, s, id};
    if (p == HL__NOT_IN_HEAP) {
        size_t i = ws->heap_n++;
        ws->heap[i] = e;
        heap_sift_up(ws, i);
    } else {
        bool up = key_less(&e, &ws->heap[p]);
        ws->heap[p] = e;
        if (up)
            heap_sift_up(ws, p);
        else
            heap_sift_down(ws, p);
    }
}

static inline hl__heap_entry heap_pop(hl_route_ws *ws) {
    hl__heap_entry top = ws->heap[0];
    ws->pos[top.id] = HL__NOT_IN_HEAP;
    ws->heap_n--;
    if (ws->heap_n > 0) {
        ws->heap[0] = ws->heap[ws->heap_n];
        heap_sift_down(ws, 0);
    }
    return top;
}

static void heap_clear(hl_route_ws *ws) {
    size_t i;
    for (i = 0; i < ws->heap_n; i++) ws->pos[ws->heap[i].id] = HL__NOT_IN_HEAP;
    ws->heap_n = 0;
}

/* ---- one-label search ------------------------------------------------- */

/* Offer label (t, s, l) reached by `edge` to node w. */
static inline void offer1(hl_route_ws *ws, uint32_t w, double t, uint32_t s, double l,
                          uint32_t edge, double cutoff_s) {
    hl__label *lb;
    if (t > cutoff_s) return;
    lb = &ws->lab[w];
    if (lb->t == INFINITY)
        ws->touched[ws->n_touched++] = w;
    else if (!hl__label_better(t, s, l, lb->t, lb->s, lb->l))
        return;
    lb->t = t;
    lb->s = s;
    lb->l = l;
    lb->pred = edge;
    heap_set(ws, w, t, s);
}

void hl__search_seed(hl_route_ws *ws, uint32_t node, double t, uint32_t s, double l,
                     double cutoff_s) {
    offer1(ws, node, t, s, l, HL_ROUTE_NONE, cutoff_s);
}

hl_status hl__search_run(hl_route_ws *ws, const hl_graph *g, hl_route_dir dir, double cutoff_s,
                         const uint8_t *target_mark, size_t n_targets, const hl_ctx *ictx) {
    const size_t *start = dir == HL_ROUTE_BACKWARD ? g->bwd_start : g->fwd_start;
    const hl__arc *arcs = dir == HL_ROUTE_BACKWARD ? g->bwd_arcs : g->fwd_arcs;
    size_t remaining = n_targets;
    bool stop_armed = target_mark && n_targets == 0;
    double t_stop = -INFINITY;
    uint32_t pops = 0;

    while (ws->heap_n > 0) {
        hl__heap_entry e;
        uint32_t v, s;
        double tv, lv;
        size_t a, a_end;
        /* Once every target has been popped, a target's label can still
         * change only through a label within the tolerance of it; new
         * labels are never earlier than the heap top. */
        if (stop_armed && ws->heap[0].t > t_stop + HL_ROUTE_TIME_EPS_S) break;
        if ((++pops & POLL_MASK) == 0 && ictx && hl_ctx_interrupted(ictx)) return HL_E_INTERRUPTED;
        e = heap_pop(ws);
        v = e.id;
        if (target_mark && target_mark[v] && !ws->done[v]) {
            ws->done[v] = 1;
            if (--remaining == 0) {
                stop_armed = true;
                t_stop = e.t;
            }
        }
        tv = ws->lab[v].t;
        lv = ws->lab[v].l;
        s = ws->lab[v].s;
        a_end = start[v + 1];
        for (a = start[v]; a < a_end; a++) {
            const hl__arc *arc = &arcs[a];
            offer1(ws, arc->node, tv + arc->time_s, s, lv + arc->len_m, arc->edge, cutoff_s);
        }
    }
    return HL_OK;
}

void hl__search_reset(hl_route_ws *ws) {
    size_t i;
    heap_clear(ws);
    for (i = 0; i < ws->n_touched; i++) {
        uint32_t v = ws->touched[i];
        ws->lab[v] = UNLABELLED;
        ws->done[v] = 0;
    }
    ws->n_touched = 0;
}

/* ---- argument checks shared by both public searches ------------------- */

void hl_route_opts_init(hl_route_opts *o) {
    o->dir = HL_ROUTE_FORWARD;
    o->cutoff_s = INFINITY;
}

static hl_status check_search_args(hl_ctx *ctx, const char *fn, const hl_graph *g,
                                   const hl_route_ws *ws, size_t n_sources,
                                   const uint32_t *source_node, const double *source_time_s,
                                   const double *source_len_m, const hl_route_opts *o) {
    size_t i;
    if (!g) return hl_error(ctx, HL_E_ARG, "%s: graph is NULL", fn);
    if (ws && ws->n_nodes < g->n_nodes)
        return hl_error(ctx, HL_E_ARG, "%s: workspace made for %zu nodes, graph has %zu", fn,
                        ws->n_nodes, g->n_nodes);
    if (o->dir != HL_ROUTE_FORWARD && o->dir != HL_ROUTE_BACKWARD)
        return hl_error(ctx, HL_E_ARG, "%s: unknown direction %d", fn, (int)o->dir);
    if (isnan(o->cutoff_s)) return hl_error(ctx, HL_E_ARG, "%s: cutoff is NaN", fn);
    if (n_sources >= HL_ROUTE_NONE)
        return hl_error(ctx, HL_E_ARG, "%s: too many sources (%zu)", fn, n_sources);
    if (n_sources > 0 && !source_node)
        return hl_error(ctx, HL_E_ARG, "%s: source_node is NULL", fn);
    for (i = 0; i < n_sources; i++) {
        if (source_node[i] >= g->n_nodes)
            return hl_error(ctx, HL_E_ARG, "%s: source %zu is node %u, graph has %zu nodes", fn, i,
                            source_node[i], g->n_nodes);
        if (source_time_s && !isfinite(source_time_s[i]))
            return hl_error(ctx, HL_E_ARG, "%s: source %zu has initial time %g s", fn, i,
                            source_time_s[i]);
        if (source_len_m && !isfinite(source_len_m[i]))
            return hl_error(ctx, HL_E_ARG, "%s: source %zu has initial length %g m", fn, i,
                            source_len_m[i]);
    }
    return HL_OK;
}

/* ---- public multi-source search --------------------------------------- */

hl_status hl_route_search(hl_ctx *ctx, const hl_graph *g, hl_route_ws *ws, size_t n_sources,
                          const uint32_t *source_node, const double *source_time_s,
                          const double *source_len_m, const hl_route_opts *opts, double *time_s,
                          double *length_m, uint32_t *source, uint32_t *pred_edge) {
    hl_status rc;
    hl_route_opts o;
    hl_route_ws *tmp = NULL;
    size_t i, n;

    if (opts)
        o = *opts;
    else
        hl_route_opts_init(&o);
    rc = check_search_args(ctx, "hl_route_search", g, ws, n_sources, source_node, source_time_s,
                           source_len_m, &o);
    if (rc) goto done;
    if (!ws) {
        rc = hl_route_ws_create(ctx, g, &tmp);
        if (rc) goto done;
        ws = tmp;
    }
    n = g->n_nodes;
    for (i = 0; i < n_sources; i++)
        hl__search_seed(ws, source_node[i], source_time_s ? source_time_s[i] : 0.0, (uint32_t)i,
                        source_len_m ? source_len_m[i] : 0.0, o.cutoff_s);
    rc = hl__search_run(ws, g, o.dir, o.cutoff_s, NULL, 0, ctx);
    if (rc) {
        hl__search_reset(ws);
        rc = hl_check_interrupt(ctx);
        goto done;
    }
    for (i = 0; i < n; i++) {
        const hl__label *lb = &ws->lab[i];
        if (time_s) time_s[i] = lb->t;
        if (length_m) length_m[i] = lb->l;
        if (source) source[i] = lb->s;
        if (pred_edge) pred_edge[i] = lb->pred;
    }
    hl__search_reset(ws);
done:
    hl_route_ws_destroy(tmp);
    return rc;
}

/* ---- k-label search --------------------------------------------------- */

/* Make room for k labels per node and n*k heap ids. */
static hl_status ws_reserve_k(hl_ctx *ctx, hl_route_ws *ws, size_t k) {
    size_t n = ws->n_nodes, slots = n * k, i;
    if (k > ws->k_cap || !ws->k_count) {
        double *kt = NULL, *kl = NULL;
        uint32_t *ks = NULL, *kc = NULL;
        kt = hl_malloc(ctx, slots * sizeof *kt);
        kl = kt ? hl_malloc(ctx, slots * sizeof *kl) : NULL;
        ks = kl ? hl_malloc(ctx, slots * sizeof *ks) : NULL;
        kc = ks ? hl_calloc(ctx, n, sizeof *kc) : NULL;
        if (!kc) {
            hl_free(kt);
            hl_free(kl);
            hl_free(ks);
            return hl_error(ctx, HL_E_NOMEM, "out of memory for %zu labels per node (%zu nodes)", k,
                            n);
        }
        for (i = 0; i < slots; i++) {
            kt[i] = INFINITY;
            kl[i] = INFINITY;
            ks[i] = HL_ROUTE_NONE;
        }
        hl_free(ws->k_time_s);
        hl_free(ws->k_len_m);
        hl_free(ws->k_src);
        hl_free(ws->k_count);
        ws->k_time_s = kt;
        ws->k_len_m = kl;
        ws->k_src = ks;
        ws->k_count = kc;
        ws->k_cap = k;
    }
    if (slots > ws->id_cap) {
        /* the heap is empty between searches, so nothing needs keeping */
        hl__heap_entry *h = hl_malloc(ctx, slots * sizeof *h);
        uint32_t *pos = h ? hl_malloc(ctx, slots * sizeof *pos) : NULL;
        if (!pos) {
            hl_free(h);
            return hl_error(ctx, HL_E_NOMEM, "out of memory for a heap of %zu labels", slots);
        }
        for (i = 0; i < slots; i++) pos[i] = HL__NOT_IN_HEAP;
        hl_free(ws->heap);
        hl_free(ws->pos);
        ws->heap = h;
        ws->pos = pos;
        ws->id_cap = slots;
    }
    return HL_OK;
}

/* Offer label (t, s, l) to node w in the k-label search. */
static inline void offerk(hl_route_ws *ws, size_t k, uint32_t w, double t, uint32_t s, double l,
                          double cutoff_s) {
    size_t base = (size_t)w * k, slot = SIZE_MAX, j;
    uint32_t c;
    if (t > cutoff_s) return;
    c = ws->k_count[w];
    for (j = 0; j < c; j++) {
        if (ws->k_src[base + j] == s) {
            slot = base + j;
            break;
        }
    }
    if (slot != SIZE_MAX) {
        if (!hl__label_better(t, s, l, ws->k_time_s[slot], s, ws->k_len_m[slot])) return;
    } else if (c < k) {
        if (c == 0) ws->touched[ws->n_touched++] = w;
        slot = base + c;
        ws->k_count[w] = c + 1;
    } else {
        size_t worst = base;
        for (j = base + 1; j < base + k; j++)
            if (hl__label_better(ws->k_time_s[worst], ws->k_src[worst], ws->k_len_m[worst],
                                 ws->k_time_s[j], ws->k_src[j], ws->k_len_m[j]))
                worst = j;
        if (!hl__label_better(t, s, l, ws->k_time_s[worst], ws->k_src[worst], ws->k_len_m[worst]))
            return;
        slot = worst;
    }
    ws->k_time_s[slot] = t;
    ws->k_src[slot] = s;
    ws->k_len_m[slot] = l;
    heap_set(ws, (uint32_t)slot, t, s);
}

static hl_status run_k(hl_route_ws *ws, const hl_graph *g, size_t k, hl_route_dir dir,
                       double cutoff_s, const hl_ctx *ictx) {
    const size_t *start = dir == HL_ROUTE_BACKWARD ? g->bwd_start : g->fwd_start;
    const hl__arc *arcs = dir == HL_ROUTE_BACKWARD ? g->bwd_arcs : g->fwd_arcs;
    uint32_t pops = 0;
    while (ws->heap_n > 0) {
        hl__heap_entry e;
        uint32_t v, s;
        double tv, lv;
        size_t a, a_end;
        if ((++pops & POLL_MASK) == 0 && ictx && hl_ctx_interrupted(ictx)) return HL_E_INTERRUPTED;
        e = heap_pop(ws);
        v = (uint32_t)(e.id / k);
        tv = ws->k_time_s[e.id];
        lv = ws->k_len_m[e.id];
        s = ws->k_src[e.id];
        a_end = start[v + 1];
        for (a = start[v]; a < a_end; a++) {
            const hl__arc *arc = &arcs[a];
            offerk(ws, k, arc->node, tv + arc->time_s, s, lv + arc->len_m, cutoff_s);
        }
    }
    return HL_OK;
}

static void reset_k(hl_route_ws *ws, size_t k) {
    size_t i, j;
    heap_clear(ws);
    for (i = 0; i < ws->n_touched; i++) {
        uint32_t v = ws->touched[i];
        size_t base = (size_t)v * k;
        for (j = 0; j < ws->k_count[v]; j++) {
            ws->k_time_s[base + j] = INFINITY;
            ws->k_len_m[base + j] = INFINITY;
            ws->k_src[base + j] = HL_ROUTE_NONE;
        }
        ws->k_count[v] = 0;
    }
    ws->n_touched = 0;
}

hl_status hl_route_k_nearest(hl_ctx *ctx, const hl_graph *g, hl_route_ws *ws, size_t k,
                             size_t n_sources, const uint32_t *source_node,
                             const double *source_time_s, const double *source_len_m,
                             const hl_route_opts *opts, double *time_s, double *length_m,
                             uint32_t *source) {
    hl_status rc;
    hl_route_opts o;
    hl_route_ws *tmp = NULL;
    size_t i, j, n;

    if (opts)
        o = *opts;
    else
        hl_route_opts_init(&o);
    rc = check_search_args(ctx, "hl_route_k_nearest", g, ws, n_sources, source_node, source_time_s,
                           source_len_m, &o);
    if (rc) goto done;
    n = g->n_nodes;
    if (k == 0 || (n > 0 && k >= HL_ROUTE_NONE / n)) {
        rc = hl_error(ctx, HL_E_ARG, "hl_route_k_nearest: k = %zu is out of range for %zu nodes", k,
                      n);
        goto done;
    }
    if (!time_s) {
        rc = hl_error(ctx, HL_E_ARG, "hl_route_k_nearest: time_s is NULL");
        goto done;
    }
    if (!ws) {
        rc = hl_route_ws_create(ctx, g, &tmp);
        if (rc) goto done;
        ws = tmp;
    }
    rc = ws_reserve_k(ctx, ws, k);
    if (rc) goto done;
    for (i = 0; i < n_sources; i++)
        offerk(ws, k, source_node[i], source_time_s ? source_time_s[i] : 0.0, (uint32_t)i,
               source_len_m ? source_len_m[i] : 0.0, o.cutoff_s);
    rc = run_k(ws, g, k, o.dir, o.cutoff_s, ctx);
    if (rc) {
        reset_k(ws, k);
        rc = hl_check_interrupt(ctx);
        goto done;
    }
    for (i = 0; i < n; i++) {
        size_t base = i * k, c = ws->k_count[i];
        /* insertion sort of the node's labels by the label order */
        for (j = 1; j < c; j++) {
            double t = ws->k_time_s[base + j], l = ws->k_len_m[base + j];
            uint32_t s = ws->k_src[base + j];
            size_t m = j;
            while (m > 0 && hl__label_better(t, s, l, ws->k_time_s[base + m - 1],
                                             ws->k_src[base + m - 1], ws->k_len_m[base + m - 1])) {
                ws->k_time_s[base + m] = ws->k_time_s[base + m - 1];
                ws->k_len_m[base + m] = ws->k_len_m[base + m - 1];
                ws->k_src[base + m] = ws->k_src[base + m - 1];
                m--;
            }
            ws->k_time_s[base + m] = t;
            ws->k_len_m[base + m] = l;
            ws->k_src[base + m] = s;
        }
        /* unused slots are already INFINITY / NONE */
        memcpy(time_s + base, ws->k_time_s + base, k * sizeof *time_s);
        if (length_m) memcpy(length_m + base, ws->k_len_m + base, k * sizeof *length_m);
        if (source) memcpy(source + base, ws->k_src + base, k * sizeof *source);
    }
    reset_k(ws, k);
done:
    hl_route_ws_destroy(tmp);
    return rc;
}
