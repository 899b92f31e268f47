/* Multi-source shortest-time searches: the reusable workspace, a lazy
 * 4-ary heap, the one-label search (nearest source per node) and the
 * k-label search (k nearest distinct sources per node).
 *
 * Both searches are label-correcting Dijkstra: a node's label is replaced
 * whenever a better one (route.h label order, with the 1e-9 s time
 * tolerance) arrives, and the node re-enters the heap.  With exact
 * arithmetic this is plain Dijkstra (each node settles once); the re-entry
 * only matters for labels within the tolerance, where it makes the tie rule
 * hold whatever order equal-time labels arrive in.
 *
 * The heap is lazy (no decrease-key, no position array): a label whose key
 * (time, source) changes pushes a new entry, and entries whose key is no
 * longer their id's label, or whose id was already expanded with that
 * label, are dropped when they reach the top.  A per-id `queued` flag says
 * that a live entry exists, so the live entries are exactly the ids that an
 * indexed decrease-key heap would hold, with the same keys: the expansion
 * order (by time, source, id) is the same, and so is every answer. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "route/route_int.h"

/* Poll the interrupt flag every this many heap pops. */
#define POLL_MASK 0xFFFFu
/* Heap arity.  4, with the smallest child picked without branching on the
 * time order (heap_drop_top), measured best: binary about 5% slower, and
 * the plain branchy loops 15-20% slower. */
#define ARITY 4
/* prefetch_ahead looks at this many entries at the top of the heap (3 and
 * 7 measured slower) */
#define LOOKAHEAD 5
#define SIGN_BIT 0x8000000000000000ull

/* A hint to start loading memory that is needed soon (no effect on
 * results; a prefetch never faults).  Inline asm where we can: with GCC 12
 * at -O2/-O3 every __builtin_prefetch of an earlier prefetch_ahead vanished
 * once it was inlined (dead-code elimination), which cost half of the
 * speed-up. */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
#define PREFETCH(p) __asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)(p)))
#elif (defined(__GNUC__) || defined(__clang__)) && defined(__aarch64__)
#define PREFETCH(p) __asm__ volatile("prfm pldl1keep, [%0]" : : "r"((const void *)(p)))
#elif defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

static const hl__label UNLABELLED = {INFINITY, INFINITY, HL_ROUTE_NONE, HL_ROUTE_NONE};

/* Heap room for id_cap ids: the live entries never exceed id_cap, so half
 * as many again leaves at least that much for stale ones between two
 * compactions (amortised O(1) per push). */
static size_t heap_cap_for(size_t id_cap) { return id_cap + id_cap / 2 + 16; }

/* ---- workspace -------------------------------------------------------- */

void hl_route_ws_destroy(hl_route_ws *ws) {
    if (!ws) return;
    hl_free(ws->lab);
    hl_free(ws->done);
    hl_free(ws->tmark);
    hl_free(ws->queued);
    hl_free(ws->touched);
    hl_free(ws->heap);
    hl_free(ws->k_time_s);
    hl_free(ws->k_len_m);
    hl_free(ws->k_src);
    hl_free(ws->k_queued);
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
        ws->heap_cap = heap_cap_for(n);
        ws->lab = hl_malloc(ctx, n * sizeof *ws->lab);
        ws->done = ws->lab ? hl_calloc(ctx, n, sizeof *ws->done) : NULL;
        ws->touched = ws->done ? hl_malloc(ctx, n * sizeof *ws->touched) : NULL;
        ws->heap = ws->touched ? hl_malloc(ctx, ws->heap_cap * sizeof *ws->heap) : NULL;
        ws->queued = ws->heap ? hl_calloc(ctx, n, sizeof *ws->queued) : NULL;
        ws->tmark = ws->queued ? hl_calloc(ctx, n, sizeof *ws->tmark) : NULL;
    }
    if (!ws || !ws->tmark) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory creating a route workspace for %zu nodes", n);
        goto done;
    }
    for (i = 0; i < n; i++) ws->lab[i] = UNLABELLED;
    *out = ws;
    ws = NULL;
done:
    hl_route_ws_destroy(ws);
    return rc;
}

/* ---- lazy heap ---------------------------------------------------------- */

/* Order-preserving integer image of a (non-NaN) time; -0.0 maps as +0.0
 * so that the key order is exactly the double order. */
static inline uint64_t time_key(double t) {
    uint64_t b;
    t += 0.0; /* -0.0 + 0.0 == +0.0 */
    memcpy(&b, &t, sizeof b);
    return (b & SIGN_BIT) ? ~b : b | SIGN_BIT;
}

static inline uint64_t make_sid(uint32_t s, uint32_t id) { return (uint64_t)s << 32 | id; }
static inline uint32_t sid_id(uint64_t sid) { return (uint32_t)sid; }
static inline uint32_t sid_src(uint64_t sid) { return (uint32_t)(sid >> 32); }

/* The caller's number of heap id `id` (node or slot node*k + j). */
static uint64_t caller_id(const hl_route_ws *ws, uint32_t id) {
    size_t k = ws->heap_k;
    if (!ws->old_of) return id;
    return (uint64_t)ws->old_of[id / k] * k + id % k;
}

/* Key order (time, source, caller's id).  Exact (time, source) ties are
 * rare, so the caller's number is only looked up for them. */
static inline bool key_less(const hl_route_ws *ws, const hl__heap_entry *a,
                            const hl__heap_entry *b) {
    if (a->tk != b->tk) return a->tk < b->tk;
    if ((a->sid ^ b->sid) >> 32) return a->sid < b->sid;
    return caller_id(ws, sid_id(a->sid)) < caller_id(ws, sid_id(b->sid));
}

/* Move e down from the hole at i (restores the heap below i). */
static void heap_sift_down(const hl_route_ws *ws, hl__heap_entry *h, size_t n, size_t i,
                           hl__heap_entry e) {
    for (;;) {
        size_t c = ARITY * i + 1, best, end, j;
        if (c >= n) break;
        best = c;
        end = c + ARITY < n ? c + ARITY : n;
        for (j = c + 1; j < end; j++)
            if (key_less(ws, &h[j], &h[best])) best = j;
        if (!key_less(ws, &h[best], &e)) break;
        h[i] = h[best];
        i = best;
    }
    h[i] = e;
}

/* Append an entry (the caller made room). */
static inline void heap_push(hl_route_ws *ws, uint64_t tk, uint64_t sid) {
    hl__heap_entry *h = ws->heap;
    hl__heap_entry e;
    size_t i = ws->heap_n++;
    e.tk = tk;
    e.sid = sid;
    while (i > 0) {
        size_t p = (i - 1) / ARITY;
        if (!key_less(ws, &e, &h[p])) break;
        h[i] = h[p];
        i = p;
    }
    h[i] = e;
}

/* 1 if l[1] is smaller than l[0].  Meant to compile without a branch on
 * the (unpredictable) time order; only exact time ties, which are rare,
 * take the slow path. */
static inline size_t right_smaller(const hl_route_ws *ws, const hl__heap_entry *l) {
    if (l[1].tk != l[0].tk) return (size_t)(l[1].tk < l[0].tk);
    return (size_t)key_less(ws, &l[1], &l[0]);
}

/* Remove the top entry: the hole left at the root goes down along the
 * smaller children to a leaf, then the last entry moves up from there. */
static inline void heap_drop_top(hl_route_ws *ws) {
    hl__heap_entry *h = ws->heap;
    size_t n = --ws->heap_n, i = 0, c;
    hl__heap_entry last;
    if (n == 0) return;
    last = h[n];
    /* all four children there: the smaller of each pair, then of the two */
    while ((c = ARITY * i + 1) + 3 < n) {
        size_t a = c + right_smaller(ws, &h[c]), b = c + 2 + right_smaller(ws, &h[c + 2]);
        size_t pick;
        if (h[b].tk != h[a].tk)
            pick = h[b].tk < h[a].tk;
        else
            pick = key_less(ws, &h[b], &h[a]);
        c = pick ? b : a;
        h[i] = h[c];
        i = c;
    }
    if (c < n) { /* the last, incomplete family */
        size_t best = c, j, end = c + 4 < n ? c + 4 : n;
        for (j = c + 1; j < end; j++)
            if (key_less(ws, &h[j], &h[best])) best = j;
        h[i] = h[best];
        i = best;
    }
    while (i > 0) {
        size_t p = (i - 1) / ARITY;
        if (!key_less(ws, &last, &h[p])) break;
        h[i] = h[p];
        i = p;
    }
    h[i] = last;
}

/* Rebuild the heap property over h[0 .. n-1]. */
static void heap_build(const hl_route_ws *ws, hl__heap_entry *h, size_t n) {
    size_t i;
    if (n < 2) return;
    for (i = (n - 2) / ARITY + 1; i-- > 0;) heap_sift_down(ws, h, n, i, h[i]);
}

/* ---- one-label search ------------------------------------------------- */

/* Is heap entry e live in the one-label search? */
static inline bool live1(const hl_route_ws *ws, const hl__label *lb, uint32_t v,
                         const hl__heap_entry *e) {
    return ws->queued[v] && lb->s == sid_src(e->sid) && time_key(lb->t) == e->tk;
}

/* Drop the stale entries of a full heap (one-label search).  Identical
 * copies of a live entry are kept once.  The order of later pops depends
 * only on the set of live keys, not on the heap's layout. */
static void compact1(hl_route_ws *ws) {
    hl__heap_entry *h = ws->heap;
    size_t i, m = 0;
    for (i = 0; i < ws->heap_n; i++) {
        uint32_t v = sid_id(h[i].sid);
        hl__label *lb = &ws->lab[v];
        if (live1(ws, lb, v, &h[i])) {
            ws->queued[v] = 0; /* so that a copy of this entry is dropped */
            h[m++] = h[i];
        }
    }
    for (i = 0; i < m; i++) ws->queued[sid_id(h[i].sid)] = 1;
    ws->heap_n = m;
    heap_build(ws, h, m);
}

/* Offer label (t, s, l) reached by `edge` to node w. */
static inline void offer1(hl_route_ws *ws, uint32_t w, double t, uint32_t s, double l,
                          uint32_t edge, double cutoff_s, const hl__arc *slots) {
    hl__label *lb;
    bool same_key;
    if (t > cutoff_s) return;
    lb = &ws->lab[w];
    if (lb->t == INFINITY)
        ws->touched[ws->n_touched++] = w;
    else if (!hl__label_better(t, s, l, lb->t, lb->s, lb->l))
        return;
    /* the live entry (if any) still carries the right key when only the
     * length improved */
    same_key = ws->queued[w] && lb->s == s && lb->t == t;
    lb->t = t;
    lb->s = s;
    lb->l = l;
    lb->pred = edge;
    if (!same_key) {
        if (ws->heap_n == ws->heap_cap) compact1(ws);
        heap_push(ws, time_key(t), make_sid(s, w));
        ws->queued[w] = 1;
        /* w's row is read when w nears the heap top: start on it now */
        if (slots) PREFETCH(&slots[(size_t)w * HL__SLOTS]);
    }
}

void hl__search_seed(hl_route_ws *ws, const hl_graph *g, uint32_t node, double t, uint32_t s,
                     double l, double cutoff_s) {
    ws->old_of = g->old_of;
    ws->heap_k = 1;
    offer1(ws, node, t, s, l, HL_ROUTE_NONE, cutoff_s, NULL);
}

/* Start loading what the next pops will read (no effect on results; the
 * search is bound by memory latency).  The heap top is most likely the
 * next node expanded and the root's children the ones after: load their
 * arc rows now (a row's address needs no lookup, see route_int.h), and the
 * labels at the heads of the top's arcs (its row was asked for a pop or
 * more ago, while it was a child of the root, and when it was labelled;
 * only the slots are looked at). */
static inline void prefetch_ahead(const hl_route_ws *ws, const hl__arc *slots) {
    const hl__heap_entry *h = ws->heap;
    size_t n = ws->heap_n, end = n < LOOKAHEAD ? n : LOOKAHEAD, j, c;
    for (j = 0; j < end; j++) {
        const hl__arc *row = &slots[(size_t)sid_id(h[j].sid) * HL__SLOTS];
        /* a row is two cache lines: ask for its first and last byte */
        PREFETCH(row);
        PREFETCH((const char *)(row + HL__SLOTS) - 1);
        if (j == 0)
            for (c = 0; c < HL__SLOTS && row[c].node < HL__ARC_MORE; c++)
                PREFETCH(&ws->lab[row[c].node]);
    }
}

hl_status hl__search_run(hl_route_ws *ws, const hl_graph *g, hl_route_dir dir, double cutoff_s,
                         const uint8_t *target_mark, size_t n_targets, const hl_ctx *ictx) {
    const hl__arc *slots = dir == HL_ROUTE_BACKWARD ? g->bwd_slots : g->fwd_slots;
    const hl__arc *more = dir == HL_ROUTE_BACKWARD ? g->bwd_more : g->fwd_more;
    size_t remaining = n_targets;
    bool stop_armed = target_mark && n_targets == 0;
    double t_stop = -INFINITY;
    uint32_t pops = 0;

    while (ws->heap_n > 0) {
        const hl__heap_entry e = ws->heap[0];
        uint32_t v = sid_id(e.sid), s;
        hl__label *lb = &ws->lab[v];
        double tv, lv;
        const hl__arc *arc, *slot_end;
        if (!live1(ws, lb, v, &e)) {
            heap_drop_top(ws);
            continue;
        }
        /* Once every target has been popped, a target's label can still
         * change only through a label within the tolerance of it; new
         * labels are never earlier than the heap top. */
        if (stop_armed && lb->t > t_stop + HL_ROUTE_TIME_EPS_S) break;
        if ((++pops & POLL_MASK) == 0 && ictx && hl_ctx_interrupted(ictx)) return HL_E_INTERRUPTED;
        heap_drop_top(ws);
        prefetch_ahead(ws, slots);
        ws->queued[v] = 0;
        tv = lb->t;
        lv = lb->l;
        s = lb->s;
        if (target_mark && target_mark[v] && !ws->done[v]) {
            ws->done[v] = 1;
            if (--remaining == 0) {
                stop_armed = true;
                t_stop = tv;
            }
        }
        /* v's row: its slots, maybe continued in `more` (route_int.h) */
        arc = &slots[(size_t)v * HL__SLOTS];
        slot_end = arc + HL__SLOTS;
        while (arc != slot_end) {
            if (arc->node >= HL__ARC_MORE) {
                if (arc->node == HL__ARC_END) break;
                arc = &more[arc->more];
                slot_end = NULL; /* the run ends with an HL__ARC_END arc */
                continue;
            }
            offer1(ws, arc->node, tv + arc->time_s, s, lv + arc->len_m, arc->edge, cutoff_s, slots);
            arc++;
        }
    }
    return HL_OK;
}

void hl__search_reset(hl_route_ws *ws) {
    size_t i;
    ws->heap_n = 0;
    /* after a large search, sweeping every node in memory order is faster
     * than visiting the touched ones in label order */
    if (ws->n_touched > ws->n_nodes / 4) {
        for (i = 0; i < ws->n_nodes; i++) ws->lab[i] = UNLABELLED;
        memset(ws->done, 0, ws->n_nodes);
        memset(ws->queued, 0, ws->n_nodes);
        ws->n_touched = 0;
        return;
    }
    for (i = 0; i < ws->n_touched; i++) {
        uint32_t v = ws->touched[i];
        ws->lab[v] = UNLABELLED;
        ws->done[v] = 0;
        ws->queued[v] = 0;
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

/* The prologue every public search shares: the options (defaults for
 * NULL) into *o, then the argument checks. */
static hl_status search_opts(hl_ctx *ctx, const char *fn, const hl_graph *g, const hl_route_ws *ws,
                             size_t n_sources, const uint32_t *source_node,
                             const double *source_time_s, const double *source_len_m,
                             const hl_route_opts *opts, hl_route_opts *o) {
    if (opts)
        *o = *opts;
    else
        hl_route_opts_init(o);
    return check_search_args(ctx, fn, g, ws, n_sources, source_node, source_time_s, source_len_m, o);
}

/* *ws itself, or a temporary workspace in *tmp (the caller destroys it). */
static hl_status search_ws(hl_ctx *ctx, const hl_graph *g, hl_route_ws **ws, hl_route_ws **tmp) {
    hl_status rc;
    if (*ws) return HL_OK;
    if ((rc = hl_route_ws_create(ctx, g, tmp))) return rc;
    *ws = *tmp;
    return HL_OK;
}

/* Seed the sources and run the one-label search (stopping at the marked
 * targets, if any).  On interruption the workspace is reset and the
 * status carries the message; on success the caller reads the labels and
 * resets. */
static hl_status seed_and_run(hl_ctx *ctx, hl_route_ws *ws, const hl_graph *g, size_t n_sources,
                              const uint32_t *source_node, const double *source_time_s,
                              const double *source_len_m, const hl_route_opts *o,
                              const uint8_t *target_mark, size_t n_targets) {
    for (size_t i = 0; i < n_sources; i++)
        hl__search_seed(ws, g, g->new_of[source_node[i]], source_time_s ? source_time_s[i] : 0.0,
                        (uint32_t)i, source_len_m ? source_len_m[i] : 0.0, o->cutoff_s);
    if (hl__search_run(ws, g, o->dir, o->cutoff_s, target_mark, n_targets, ctx) == HL_OK) return HL_OK;
    hl__search_reset(ws);
    return hl_check_interrupt(ctx);
}

hl_status hl_route_search(hl_ctx *ctx, const hl_graph *g, hl_route_ws *ws, size_t n_sources,
                          const uint32_t *source_node, const double *source_time_s,
                          const double *source_len_m, const hl_route_opts *opts, double *time_s,
                          double *length_m, uint32_t *source, uint32_t *pred_edge) {
    hl_status rc;
    hl_route_opts o;
    hl_route_ws *tmp = NULL;
    size_t i, n;

    if ((rc = search_opts(ctx, "hl_route_search", g, ws, n_sources, source_node, source_time_s,
                          source_len_m, opts, &o)) ||
        (rc = search_ws(ctx, g, &ws, &tmp)) ||
        (rc = seed_and_run(ctx, ws, g, n_sources, source_node, source_time_s, source_len_m, &o, NULL,
                           0)))
        goto done;
    n = g->n_nodes;
    for (i = 0; i < n; i++) {
        const hl__label *lb = &ws->lab[g->new_of[i]];
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

hl_status hl_route_search_reached(hl_ctx *ctx, const hl_graph *g, hl_route_ws *ws, size_t n_sources,
                                  const uint32_t *source_node, const double *source_time_s,
                                  const double *source_len_m, const hl_route_opts *opts,
                                  size_t *n_reached, uint32_t *reached_node, double *reached_time_s,
                                  double *reached_len_m) {
    hl_status rc;
    hl_route_opts o;
    hl_route_ws *tmp = NULL;
    size_t i, n = 0;

    if (n_reached) *n_reached = 0;
    if ((rc = search_opts(ctx, "hl_route_search_reached", g, ws, n_sources, source_node,
                          source_time_s, source_len_m, opts, &o)))
        goto done;
    if (!n_reached || !reached_node) {
        rc = hl_error(ctx, HL_E_ARG, "hl_route_search_reached: n_reached or reached_node is NULL");
        goto done;
    }
    if ((rc = search_ws(ctx, g, &ws, &tmp)) ||
        (rc = seed_and_run(ctx, ws, g, n_sources, source_node, source_time_s, source_len_m, &o, NULL,
                           0)))
        goto done;
    /* every touched node holds a label within the cutoff, and is touched
       once */
    for (i = 0; i < ws->n_touched; i++) reached_node[n++] = g->old_of[ws->touched[i]];
    if ((rc = hl__sort_u32(ctx, reached_node, n))) {
        hl__search_reset(ws);
        goto done;
    }
    for (i = 0; i < n; i++) {
        const hl__label *lb = &ws->lab[g->new_of[reached_node[i]]];
        if (reached_time_s) reached_time_s[i] = lb->t;
        if (reached_len_m) reached_len_m[i] = lb->l;
    }
    *n_reached = n;
    hl__search_reset(ws);
done:
    hl_route_ws_destroy(tmp);
    return rc;
}

hl_status hl_route_search_targets(hl_ctx *ctx, const hl_graph *g, hl_route_ws *ws, size_t n_sources,
                                  const uint32_t *source_node, const double *source_time_s,
                                  const double *source_len_m, const hl_route_opts *opts,
                                  size_t n_targets, const uint32_t *target_node, double *time_s,
                                  double *length_m) {
    hl_status rc;
    hl_route_opts o;
    hl_route_ws *tmp = NULL;
    size_t i, n_distinct = 0;

    if ((rc = search_opts(ctx, "hl_route_search_targets", g, ws, n_sources, source_node,
                          source_time_s, source_len_m, opts, &o)))
        goto done;
    if (n_targets > 0 && (!target_node || !time_s)) {
        rc = hl_error(ctx, HL_E_ARG, "hl_route_search_targets: target_node or time_s is NULL");
        goto done;
    }
    for (i = 0; i < n_targets; i++)
        if (target_node[i] >= g->n_nodes) {
            rc = hl_error(ctx, HL_E_ARG, "hl_route_search_targets: target %zu is node %u, graph has %zu nodes",
                          i, target_node[i], g->n_nodes);
            goto done;
        }
    if ((rc = search_ws(ctx, g, &ws, &tmp))) goto done;
    for (i = 0; i < n_targets; i++) {
        uint32_t v = g->new_of[target_node[i]];
        if (!ws->tmark[v]) n_distinct++;
        ws->tmark[v] = 1;
    }
    rc = seed_and_run(ctx, ws, g, n_sources, source_node, source_time_s, source_len_m, &o, ws->tmark,
                      n_distinct);
    for (i = 0; i < n_targets; i++) {
        const hl__label *lb = &ws->lab[g->new_of[target_node[i]]];
        if (!rc) {
            time_s[i] = lb->t;
            if (length_m) length_m[i] = lb->l;
        }
        ws->tmark[g->new_of[target_node[i]]] = 0;
    }
    if (!rc) hl__search_reset(ws);
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
        uint8_t *kq = NULL;
        kt = hl_malloc(ctx, slots * sizeof *kt);
        kl = kt ? hl_malloc(ctx, slots * sizeof *kl) : NULL;
        ks = kl ? hl_malloc(ctx, slots * sizeof *ks) : NULL;
        kq = ks ? hl_calloc(ctx, slots, sizeof *kq) : NULL;
        kc = kq ? hl_calloc(ctx, n, sizeof *kc) : NULL;
        if (!kc) {
            hl_free(kt);
            hl_free(kl);
            hl_free(ks);
            hl_free(kq);
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
        hl_free(ws->k_queued);
        hl_free(ws->k_count);
        ws->k_time_s = kt;
        ws->k_len_m = kl;
        ws->k_src = ks;
        ws->k_queued = kq;
        ws->k_count = kc;
        ws->k_cap = k;
    }
    if (slots > ws->id_cap) {
        /* the heap is empty between searches, so nothing needs keeping */
        size_t cap = heap_cap_for(slots);
        hl__heap_entry *h = hl_malloc(ctx, cap * sizeof *h);
        if (!h) return hl_error(ctx, HL_E_NOMEM, "out of memory for a heap of %zu labels", slots);
        hl_free(ws->heap);
        ws->heap = h;
        ws->heap_cap = cap;
        ws->id_cap = slots;
    }
    return HL_OK;
}

/* Is heap entry e live in the k-label search? */
static inline bool livek(const hl_route_ws *ws, const hl__heap_entry *e) {
    uint32_t slot = sid_id(e->sid);
    return ws->k_queued[slot] && ws->k_src[slot] == sid_src(e->sid) &&
           time_key(ws->k_time_s[slot]) == e->tk;
}

/* Drop the stale entries of a full heap (k-label search), as compact1. */
static void compactk(hl_route_ws *ws) {
    hl__heap_entry *h = ws->heap;
    size_t i, m = 0;
    for (i = 0; i < ws->heap_n; i++)
        if (livek(ws, &h[i])) {
            ws->k_queued[sid_id(h[i].sid)] = 0;
            h[m++] = h[i];
        }
    for (i = 0; i < m; i++) ws->k_queued[sid_id(h[i].sid)] = 1;
    ws->heap_n = m;
    heap_build(ws, h, m);
}

/* Offer label (t, s, l) to node w in the k-label search. */
static inline void offerk(hl_route_ws *ws, size_t k, uint32_t w, double t, uint32_t s, double l,
                          double cutoff_s) {
    size_t base = (size_t)w * k, slot = SIZE_MAX, j;
    uint32_t c;
    bool same_key;
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
    same_key = ws->k_queued[slot] && ws->k_src[slot] == s && ws->k_time_s[slot] == t;
    ws->k_time_s[slot] = t;
    ws->k_src[slot] = s;
    ws->k_len_m[slot] = l;
    if (!same_key) {
        if (ws->heap_n == ws->heap_cap) compactk(ws);
        heap_push(ws, time_key(t), make_sid(s, (uint32_t)slot));
        ws->k_queued[slot] = 1;
    }
}

static hl_status run_k(hl_route_ws *ws, const hl_graph *g, size_t k, hl_route_dir dir,
                       double cutoff_s, const hl_ctx *ictx) {
    const hl__arc *slots = dir == HL_ROUTE_BACKWARD ? g->bwd_slots : g->fwd_slots;
    const hl__arc *more = dir == HL_ROUTE_BACKWARD ? g->bwd_more : g->fwd_more;
    uint32_t pops = 0;
    while (ws->heap_n > 0) {
        const hl__heap_entry e = ws->heap[0];
        uint32_t slot = sid_id(e.sid), v, s;
        double tv, lv;
        const hl__arc *arc, *slot_end;
        if (!livek(ws, &e)) {
            heap_drop_top(ws);
            continue;
        }
        if ((++pops & POLL_MASK) == 0 && ictx && hl_ctx_interrupted(ictx)) return HL_E_INTERRUPTED;
        heap_drop_top(ws);
        if (ws->heap_n > 0) {
            /* the next node's arc row (see prefetch_ahead) */
            const hl__arc *row = &slots[(size_t)(sid_id(ws->heap[0].sid) / k) * HL__SLOTS];
            PREFETCH(row);
            PREFETCH((const char *)(row + HL__SLOTS) - 1);
        }
        ws->k_queued[slot] = 0;
        v = (uint32_t)(slot / k);
        tv = ws->k_time_s[slot];
        lv = ws->k_len_m[slot];
        s = ws->k_src[slot];
        arc = &slots[(size_t)v * HL__SLOTS];
        slot_end = arc + HL__SLOTS;
        while (arc != slot_end) {
            if (arc->node >= HL__ARC_MORE) {
                if (arc->node == HL__ARC_END) break;
                arc = &more[arc->more];
                slot_end = NULL;
                continue;
            }
            offerk(ws, k, arc->node, tv + arc->time_s, s, lv + arc->len_m, cutoff_s);
            arc++;
        }
    }
    return HL_OK;
}

static void reset_k(hl_route_ws *ws, size_t k) {
    size_t i, j;
    ws->heap_n = 0;
    for (i = 0; i < ws->n_touched; i++) {
        uint32_t v = ws->touched[i];
        size_t base = (size_t)v * k;
        for (j = 0; j < ws->k_count[v]; j++) {
            ws->k_time_s[base + j] = INFINITY;
            ws->k_len_m[base + j] = INFINITY;
            ws->k_src[base + j] = HL_ROUTE_NONE;
            ws->k_queued[base + j] = 0;
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

    if ((rc = search_opts(ctx, "hl_route_k_nearest", g, ws, n_sources, source_node, source_time_s,
                          source_len_m, opts, &o)))
        goto done;
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
    if ((rc = search_ws(ctx, g, &ws, &tmp)) || (rc = ws_reserve_k(ctx, ws, k))) goto done;
    ws->old_of = g->old_of;
    ws->heap_k = k;
    for (i = 0; i < n_sources; i++)
        offerk(ws, k, g->new_of[source_node[i]], source_time_s ? source_time_s[i] : 0.0, (uint32_t)i,
               source_len_m ? source_len_m[i] : 0.0, o.cutoff_s);
    rc = run_k(ws, g, k, o.dir, o.cutoff_s, ctx);
    if (rc) {
        reset_k(ws, k);
        rc = hl_check_interrupt(ctx);
        goto done;
    }
    for (i = 0; i < n; i++) {
        /* node i's labels sit at its internal slots; its output row is i */
        size_t v = g->new_of[i], base = v * k, out = i * k, c = ws->k_count[v];
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
        memcpy(time_s + out, ws->k_time_s + base, k * sizeof *time_s);
        if (length_m) memcpy(length_m + out, ws->k_len_m + base, k * sizeof *length_m);
        if (source) memcpy(source + out, ws->k_src + base, k * sizeof *source);
    }
    reset_k(ws, k);
done:
    hl_route_ws_destroy(tmp);
    return rc;
}

hl_status hl__sort_u32(hl_ctx *ctx, uint32_t *a, size_t n) {
    uint32_t max = 0, *tmp, *src = a, *dst;
    size_t count[256];
    if (n < 64) {
        if (n > 1) qsort(a, n, sizeof *a, hl__cmp_u32);
        return HL_OK;
    }
    if (!(tmp = hl_malloc(ctx, n * sizeof *tmp)))
        return hl_error(ctx, HL_E_NOMEM, "out of memory sorting %zu indices", n);
    dst = tmp;
    for (size_t i = 0; i < n; i++)
        if (a[i] > max) max = a[i];
    for (unsigned shift = 0; shift < 32 && (max >> shift); shift += 8) {
        size_t sum = 0;
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++) count[(src[i] >> shift) & 255]++;
        for (size_t b = 0; b < 256; b++) {
            size_t c = count[b];
            count[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) dst[count[(src[i] >> shift) & 255]++] = src[i];
        {
            uint32_t *t = src;
            src = dst;
            dst = t;
        }
    }
    if (src != a) memcpy(a, src, n * sizeof *a);
    hl_free(tmp);
    return HL_OK;
}
