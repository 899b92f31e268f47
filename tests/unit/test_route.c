/* Unit tests for the route module: multi-source, k-nearest and OD searches
 * checked against a plain Floyd-Warshall on many small random graphs,
 * hand-built graphs with known answers, isochrone pieces computed by hand,
 * thread-count independence of the OD matrix, independence of the caller's
 * node numbering (the graph renumbers nodes internally), the lazy heap
 * under heavy ties and many stale entries, and allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hl/route.h"
#include "route/route_int.h"

#define INF INFINITY
#define NONE HL_ROUTE_NONE

/* ---- small deterministic RNG (xorshift64*) ---------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(uint32_t n) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)(((rng_state * 2685821657736338717ull) >> 33) % n);
}

/* ---- brute force: Floyd-Warshall on (time, length) pairs -------------- */

#define MAXN 10
typedef struct bf_pair {
    double t, l;
} bf_pair;

static int pair_less(bf_pair a, bf_pair b) { return a.t < b.t || (a.t == b.t && a.l < b.l); }

/* D[u][v] = lexicographically least (time, length) over all walks u -> v.
 * All test values are small multiples of 0.5, so the sums are exact and the
 * tolerance of the library never comes into play. */
static void floyd(size_t n, size_t m, const uint32_t *from, const uint32_t *to, const double *fwd,
                  const double *bwd, const double *len, bf_pair D[MAXN][MAXN]) {
    size_t i, j, k;
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++) D[i][j] = (bf_pair){i == j ? 0.0 : INF, i == j ? 0.0 : INF};
    for (k = 0; k < m; k++) {
        bf_pair a = {fwd[k], len[k]}, b = {bwd[k], len[k]};
        if (isfinite(fwd[k]) && pair_less(a, D[from[k]][to[k]])) D[from[k]][to[k]] = a;
        if (isfinite(bwd[k]) && pair_less(b, D[to[k]][from[k]])) D[to[k]][from[k]] = b;
    }
    for (k = 0; k < n; k++)
        for (i = 0; i < n; i++)
            for (j = 0; j < n; j++) {
                bf_pair c = {D[i][k].t + D[k][j].t, D[i][k].l + D[k][j].l};
                if (isfinite(c.t) && pair_less(c, D[i][j])) D[i][j] = c;
            }
}

/* a random time: 0, 0.5, ..., 9.5, or closed (INFINITY) one time in four */
static double rnd_time(void) { return rnd(4) == 0 ? INF : 0.5 * rnd(20); }

typedef struct rgraph {
    size_t n, m;
    uint32_t from[40], to[40];
    double fwd[40], bwd[40], len[40];
} rgraph;

static void make_random_graph(rgraph *r) {
    size_t i;
    r->n = 1 + rnd(MAXN);
    r->m = rnd(40);
    for (i = 0; i < r->m; i++) {
        r->from[i] = rnd((uint32_t)r->n);
        /* one edge in eight is a self loop; parallel edges arise often */
        r->to[i] = rnd(8) == 0 ? r->from[i] : rnd((uint32_t)r->n);
        r->fwd[i] = rnd_time();
        r->bwd[i] = rnd_time();
        r->len[i] = (double)rnd(30);
    }
}

/* expected best label at v over the sources (route.h label order) */
static void bf_best(size_t ns, const uint32_t *snode, const double *st, const double *sl,
                    bf_pair D[MAXN][MAXN], int backward, uint32_t v, double cutoff, double *t,
                    double *l, uint32_t *s) {
    size_t i;
    *t = INF;
    *l = INF;
    *s = NONE;
    for (i = 0; i < ns; i++) {
        bf_pair d = backward ? D[v][snode[i]] : D[snode[i]][v];
        double ct = st[i] + d.t, cl = sl[i] + d.l;
        if (!isfinite(d.t) || ct > cutoff) continue;
        /* sources are scanned in index order, so only strictly better wins */
        if (ct < *t || (ct == *t && *s == NONE)) {
            *t = ct;
            *l = cl;
            *s = (uint32_t)i;
        }
    }
}

static void check_pred(const rgraph *r, size_t ns, const uint32_t *snode, const double *st,
                       const double *t, const double *l, const uint32_t *s, const uint32_t *pred,
                       int backward) {
    size_t v;
    for (v = 0; v < r->n; v++) {
        if (s[v] == NONE) {
            assert_int_equal(pred[v], NONE);
            continue;
        }
        if (pred[v] == NONE) {
            /* v is the winning source's own node at its initial time */
            assert_int_equal(snode[s[v]], v);
            assert_true(t[v] == st[s[v]]);
            continue;
        }
        uint32_t e = pred[v];
        assert_true(e < r->m);
        /* forward: edge enters v from u; backward: edge leaves v towards u */
        int ok = 0;
        for (int side = 0; side < 2; side++) {
            uint32_t a = side ? r->to[e] : r->from[e], b = side ? r->from[e] : r->to[e];
            double arc = side ? r->bwd[e] : r->fwd[e]; /* arc a -> b */
            if (!isfinite(arc)) continue;
            uint32_t u = backward ? b : a, w = backward ? a : b;
            if (w != v) continue;
            if (t[v] == t[u] + arc && l[v] == l[u] + r->len[e] && s[u] == s[v]) ok = 1;
        }
        assert_true(ok);
    }
}

static void test_random_multi_source(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    rng_state = 12345;
    for (int iter = 0; iter < 300; iter++) {
        rgraph r;
        bf_pair D[MAXN][MAXN];
        hl_graph *g = NULL;
        hl_route_ws *ws = NULL;
        make_random_graph(&r);
        floyd(r.n, r.m, r.from, r.to, r.fwd, r.bwd, r.len, D);
        assert_int_equal(
            hl_graph_create(ctx, r.n, r.m, r.from, r.to, r.fwd, r.bwd, r.len, &g), HL_OK);
        assert_int_equal(hl_route_ws_create(ctx, g, &ws), HL_OK);
        /* several searches on one workspace: reuse must not leak state */
        for (int rep = 0; rep < 4; rep++) {
            size_t ns = rnd(5), i;
            uint32_t snode[5];
            double st[5], sl[5];
            for (i = 0; i < ns; i++) {
                snode[i] = rnd((uint32_t)r.n);
                st[i] = 0.5 * rnd(6);
                sl[i] = (double)rnd(5);
            }
            hl_route_opts o;
            hl_route_opts_init(&o);
            o.dir = (hl_route_dir)rnd(2);
            o.cutoff_s = rnd(3) == 0 ? 0.5 * rnd(30) : INF;
            double t[MAXN], l[MAXN];
            uint32_t s[MAXN], pred[MAXN];
            assert_int_equal(hl_route_search(ctx, g, rep % 2 ? ws : NULL, ns, snode, st, sl, &o, t,
                                             l, s, pred),
                             HL_OK);
            for (uint32_t v = 0; v < r.n; v++) {
                double et, el;
                uint32_t es;
                bf_best(ns, snode, st, sl, D, o.dir == HL_ROUTE_BACKWARD, v, o.cutoff_s, &et, &el,
                        &es);
                assert_true(t[v] == et);
                assert_true(l[v] == el);
                assert_int_equal(s[v], es);
            }
            check_pred(&r, ns, snode, st, t, l, s, pred, o.dir == HL_ROUTE_BACKWARD);

            /* k nearest, k = 1..4 */
            size_t k = 1 + rnd(4);
            double kt[MAXN * 4], kl[MAXN * 4];
            uint32_t ks[MAXN * 4];
            assert_int_equal(hl_route_k_nearest(ctx, g, rep % 2 ? NULL : ws, k, ns, snode, st, sl,
                                                &o, kt, kl, ks),
                             HL_OK);
            for (uint32_t v = 0; v < r.n; v++) {
                /* expected: every source's own time, sorted by (time, index) */
                double et[5], el[5];
                uint32_t es[5];
                size_t ne = 0;
                for (i = 0; i < ns; i++) {
                    bf_pair d = o.dir == HL_ROUTE_BACKWARD ? D[v][snode[i]] : D[snode[i]][v];
                    if (!isfinite(d.t) || st[i] + d.t > o.cutoff_s) continue;
                    size_t p = ne++;
                    while (p > 0 && st[i] + d.t < et[p - 1]) { /* stable: index order kept */
                        et[p] = et[p - 1];
                        el[p] = el[p - 1];
                        es[p] = es[p - 1];
                        p--;
                    }
                    et[p] = st[i] + d.t;
                    el[p] = sl[i] + d.l;
                    es[p] = (uint32_t)i;
                }
                for (i = 0; i < k; i++) {
                    if (i < ne) {
                        assert_true(kt[v * k + i] == et[i]);
                        assert_true(kl[v * k + i] == el[i]);
                        assert_int_equal(ks[v * k + i], es[i]);
                    } else {
                        assert_true(isinf(kt[v * k + i]));
                        assert_true(isinf(kl[v * k + i]));
                        assert_int_equal(ks[v * k + i], NONE);
                    }
                }
            }
        }

        /* OD matrix, every side choice and 1 or 2 threads */
        size_t no = 1 + rnd(6), nd = 1 + rnd(6);
        uint32_t orig[6], dest[6];
        for (size_t i = 0; i < no; i++) orig[i] = rnd((uint32_t)r.n);
        for (size_t j = 0; j < nd; j++) dest[j] = rnd((uint32_t)r.n);
        hl_route_od_opts oo;
        hl_route_od_opts_init(&oo);
        oo.cutoff_s = rnd(3) == 0 ? 0.5 * rnd(30) : INF;
        oo.side = (hl_route_od_side)rnd(3);
        oo.n_threads = 1 + rnd(2);
        double ot[36], ol[36];
        assert_int_equal(hl_route_od_matrix(ctx, g, no, orig, nd, dest, &oo, ot, ol), HL_OK);
        for (size_t i = 0; i < no; i++)
            for (size_t j = 0; j < nd; j++) {
                bf_pair d = D[orig[i]][dest[j]];
                if (d.t > oo.cutoff_s) d = (bf_pair){INF, INF};
                assert_true(ot[i * nd + j] == d.t);
                assert_true(ol[i * nd + j] == d.l);
            }
        hl_route_ws_destroy(ws);
        hl_graph_destroy(g);
    }
    hl_ctx_destroy(ctx);
}

/* ---- hand-built graphs ------------------------------------------------ */

/* One-way loop A(0) -> B(1) -> C(2) -> A, times 10, 20, 30, lengths 100,
 * 200, 300.  From C: A at 30 s, B at 30 + 10 = 40 s (C -> A -> B; the
 * direct B-C edge is closed from C to B).  To B: from A 10 s, from C 40 s. */
static void test_one_way_loop(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    uint32_t from[] = {0, 1, 2}, to[] = {1, 2, 0};
    double fwd[] = {10, 20, 30}, bwd[] = {INF, INF, INF}, len[] = {100, 200, 300};
    hl_graph *g = NULL;
    assert_int_equal(hl_graph_create(ctx, 3, 3, from, to, fwd, bwd, len, &g), HL_OK);
    assert_int_equal(hl_graph_node_count(g), 3);
    assert_int_equal(hl_graph_arc_count(g), 3);
    uint32_t c = 2, b = 1;
    double t[3], l[3];
    uint32_t s[3], pred[3];
    assert_int_equal(hl_route_search(ctx, g, NULL, 1, &c, NULL, NULL, NULL, t, l, s, pred), HL_OK);
    assert_true(t[0] == 30 && t[1] == 40 && t[2] == 0);
    assert_true(l[0] == 300 && l[1] == 400 && l[2] == 0);
    assert_int_equal(pred[1], 0); /* B entered by edge A->B */
    assert_int_equal(pred[0], 2);
    assert_int_equal(pred[2], NONE);
    assert_int_equal(s[1], 0);

    hl_route_opts o;
    hl_route_opts_init(&o);
    o.dir = HL_ROUTE_BACKWARD;
    assert_int_equal(hl_route_search(ctx, g, NULL, 1, &b, NULL, NULL, &o, t, l, s, pred), HL_OK);
    assert_true(t[0] == 10 && t[1] == 0 && t[2] == 40);
    assert_int_equal(pred[2], 2); /* C leaves by C->A */
    assert_int_equal(pred[0], 0);
    /* the path C -> B in travel order: C->A (edge 2), A->B (edge 0) */
    uint32_t *path = NULL;
    size_t np = 0;
    assert_int_equal(hl_route_path(ctx, g, HL_ROUTE_BACKWARD, pred, 2, &path, &np), HL_OK);
    assert_int_equal(np, 2);
    assert_int_equal(path[0], 2);
    assert_int_equal(path[1], 0);
    hl_free(path);
    assert_int_equal(hl_route_search(ctx, g, NULL, 1, &c, NULL, NULL, NULL, t, l, s, pred), HL_OK);
    assert_int_equal(hl_route_path(ctx, g, HL_ROUTE_FORWARD, pred, 1, &path, &np), HL_OK);
    assert_int_equal(np, 2);
    assert_int_equal(path[0], 2);
    assert_int_equal(path[1], 0);
    hl_free(path);
    assert_int_equal(hl_route_path(ctx, g, HL_ROUTE_FORWARD, pred, 2, &path, &np), HL_OK);
    assert_int_equal(np, 0);
    assert_null(path);
    hl_graph_destroy(g);
    hl_ctx_destroy(ctx);
}

/* Parallel edges 0-1: 5 s / 100 m and 3 s / 200 m, plus a self loop at 1.
 * The cheaper (second) edge wins with its length. */
static void test_parallel_edges(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    uint32_t from[] = {0, 0, 1}, to[] = {1, 1, 1};
    double fwd[] = {5, 3, 0}, bwd[] = {5, 3, 0}, len[] = {100, 200, 0};
    hl_graph *g = NULL;
    assert_int_equal(hl_graph_create(ctx, 2, 3, from, to, fwd, bwd, len, &g), HL_OK);
    assert_int_equal(hl_graph_arc_count(g), 4); /* self loop left out */
    uint32_t src = 0;
    double t[2], l[2];
    uint32_t pred[2];
    assert_int_equal(hl_route_search(ctx, g, NULL, 1, &src, NULL, NULL, NULL, t, l, NULL, pred),
                     HL_OK);
    assert_true(t[1] == 3 && l[1] == 200);
    assert_int_equal(pred[1], 1);
    /* equal times: the shorter length is reported */
    double fwd2[] = {3, 3, 0}, len2[] = {300, 200, 0};
    hl_graph_destroy(g);
    assert_int_equal(hl_graph_create(ctx, 2, 3, from, to, fwd2, fwd2, len2, &g), HL_OK);
    assert_int_equal(hl_route_search(ctx, g, NULL, 1, &src, NULL, NULL, NULL, t, l, NULL, pred),
                     HL_OK);
    assert_true(t[1] == 3 && l[1] == 200);
    hl_graph_destroy(g);
    hl_ctx_destroy(ctx);
}

/* Line 0 -1s- 1 -1s- 2 and an isolated node 3.  Source 0 is node 2 and
 * source 1 is node 0: node 1 is 1 s from both, the lower index (0) wins.
 * Within the 1e-9 s tolerance the lower index still wins; beyond it the
 * faster source does. */
static void test_equal_time_sources(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    uint32_t from[] = {0, 1}, to[] = {1, 2};
    double tt[] = {1, 1}, len[] = {10, 20};
    hl_graph *g = NULL;
    assert_int_equal(hl_graph_create(ctx, 4, 2, from, to, tt, tt, len, &g), HL_OK);
    uint32_t snode[] = {2, 0};
    double t[4], l[4];
    uint32_t s[4];
    assert_int_equal(hl_route_search(ctx, g, NULL, 2, snode, NULL, NULL, NULL, t, l, s, NULL),
                     HL_OK);
    assert_int_equal(s[1], 0);
    assert_true(t[1] == 1 && l[1] == 20);
    assert_int_equal(s[0], 1);
    assert_int_equal(s[2], 0);
    /* unreachable node */
    assert_true(isinf(t[3]) && isinf(l[3]));
    assert_int_equal(s[3], NONE);

    /* source 0 starts 5e-10 s late: still equal, index 0 wins with its time */
    double st[] = {5e-10, 0};
    assert_int_equal(hl_route_search(ctx, g, NULL, 2, snode, st, NULL, NULL, t, l, s, NULL), HL_OK);
    assert_int_equal(s[1], 0);
    assert_true(t[1] == 1 + 5e-10);
    /* 2e-9 s late: source 1 is faster */
    st[0] = 2e-9;
    assert_int_equal(hl_route_search(ctx, g, NULL, 2, snode, st, NULL, NULL, t, l, s, NULL), HL_OK);
    assert_int_equal(s[1], 1);
    assert_true(t[1] == 1);

    /* k nearest with the same tie: node 1 lists index 0 then 1 */
    st[0] = 5e-10;
    double kt[8];
    uint32_t ks[8];
    assert_int_equal(hl_route_k_nearest(ctx, g, NULL, 2, 2, snode, st, NULL, NULL, kt, NULL, ks),
                     HL_OK);
    assert_int_equal(ks[2], 0);
    assert_int_equal(ks[3], 1);
    assert_true(kt[2] == 1 + 5e-10 && kt[3] == 1);
    assert_int_equal(ks[0], 1); /* node 0: source 1 at 0 s, then source 0 at 2 s */
    assert_int_equal(ks[1], 0);
    assert_int_equal(ks[6], NONE);
    assert_int_equal(ks[7], NONE);
    hl_graph_destroy(g);
    hl_ctx_destroy(ctx);
}

/* Line 0-1-2-3, 10 s per edge; cutoff 20 s is inclusive. */
static void test_cutoff(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    uint32_t from[] = {0, 1, 2}, to[] = {1, 2, 3};
    double tt[] = {10, 10, 10};
    hl_graph *g = NULL;
    assert_int_equal(hl_graph_create(ctx, 4, 3, from, to, tt, tt, NULL, &g), HL_OK);
    hl_route_opts o;
    hl_route_opts_init(&o);
    o.cutoff_s = 20;
    uint32_t src = 0;
    double t[4], l[4];
    uint32_t s[4];
    assert_int_equal(hl_route_search(ctx, g, NULL, 1, &src, NULL, NULL, &o, t, l, s, NULL), HL_OK);
    assert_true(t[2] == 20 && l[2] == 0);
    assert_true(isinf(t[3]));
    assert_int_equal(s[3], NONE);
    /* OD with cutoff 15: 0->1 10 s, 0->2 beyond */
    hl_route_od_opts oo;
    hl_route_od_opts_init(&oo);
    oo.cutoff_s = 15;
    uint32_t dest[] = {1, 2, 0};
    double ot[3], ol[3];
    assert_int_equal(hl_route_od_matrix(ctx, g, 1, &src, 3, dest, &oo, ot, ol), HL_OK);
    assert_true(ot[0] == 10 && isinf(ot[1]) && ot[2] == 0);
    assert_true(isinf(ol[1]));
    hl_graph_destroy(g);
    hl_ctx_destroy(ctx);
}

static void test_invalid_arguments(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    uint32_t from[] = {0}, to[] = {5};
    double tt[] = {1}, nan_t[] = {NAN}, neg[] = {-1};
    hl_graph *g = (hl_graph *)1;
    assert_int_equal(hl_graph_create(ctx, 2, 1, from, to, tt, tt, NULL, &g), HL_E_ARG);
    assert_null(g);
    to[0] = 1;
    assert_int_equal(hl_graph_create(ctx, 2, 1, from, to, nan_t, tt, NULL, &g), HL_E_ARG);
    assert_int_equal(hl_graph_create(ctx, 2, 1, from, to, tt, neg, NULL, &g), HL_E_ARG);
    assert_int_equal(hl_graph_create(ctx, 2, 1, from, to, tt, tt, neg, &g), HL_E_ARG);
    assert_int_equal(hl_graph_create(ctx, 2, 1, from, to, tt, tt, NULL, &g), HL_OK);
    uint32_t bad = 2;
    double t[2];
    assert_int_equal(hl_route_search(ctx, g, NULL, 1, &bad, NULL, NULL, NULL, t, NULL, NULL, NULL),
                     HL_E_ARG);
    uint32_t ok = 0;
    double inf_t = INF;
    assert_int_equal(
        hl_route_search(ctx, g, NULL, 1, &ok, &inf_t, NULL, NULL, t, NULL, NULL, NULL), HL_E_ARG);
    assert_int_equal(hl_route_k_nearest(ctx, g, NULL, 0, 1, &ok, NULL, NULL, NULL, t, NULL, NULL),
                     HL_E_ARG);
    assert_int_equal(hl_route_od_matrix(ctx, g, 1, &bad, 1, &ok, NULL, t, NULL), HL_E_ARG);
    /* a workspace for a smaller graph is refused */
    hl_graph *g1 = NULL;
    hl_route_ws *ws = NULL;
    assert_int_equal(hl_graph_create(ctx, 1, 0, NULL, NULL, NULL, NULL, NULL, &g1), HL_OK);
    assert_int_equal(hl_route_ws_create(ctx, g1, &ws), HL_OK);
    assert_int_equal(hl_route_search(ctx, g, ws, 1, &ok, NULL, NULL, NULL, t, NULL, NULL, NULL),
                     HL_E_ARG);
    /* empty graph and no sources are fine */
    assert_int_equal(hl_route_search(ctx, g1, ws, 0, NULL, NULL, NULL, NULL, t, NULL, NULL, NULL),
                     HL_OK);
    assert_true(isinf(t[0]));
    hl_route_ws_destroy(ws);
    hl_graph_destroy(g1);
    hl_graph_destroy(g);
    hl_graph_destroy(NULL);
    hl_route_ws_destroy(NULL);
    hl_ctx_destroy(ctx);
}

/* ---- isochrones ------------------------------------------------------- */

static void expect_piece(const hl_route_piece *p, uint32_t thr, uint32_t edge, double f0,
                         double f1) {
    assert_int_equal(p->threshold, thr);
    assert_int_equal(p->edge, edge);
    assert_true(fabs(p->f0 - f0) < 1e-12);
    assert_true(fabs(p->f1 - f1) < 1e-12);
}

/* Star around node 0 plus one cross edge:
 *   e0: 0->1 100 s both ways      e1: 2->0 50 s both ways (digitised inwards)
 *   e2: 0->3 200 s one-way out    e3: 3->0 40 s one-way in
 *   e4: 1->2 100 s both ways
 * Forward times from node 0: t0 = 0, t2 = 50 (e1 against), t1 = 100 (e0;
 * via e4 it would be 150), t3 = 200 (e2).
 * T = 60:  e0 [0, 60/100];  e1 from 0 (against): 60/50 >= 1 -> whole;
 *          e2 [0, 60/200];  e3 nothing (3 not reached, closed from 0);
 *          e4 from 2 (against): 10/100 -> [0.9, 1].
 * T = 120: e0 whole; e1 whole; e2 [0, 0.6]; e3 nothing;
 *          e4 from 1: 20/100 -> [0, 0.2], from 2: 70/100 -> [0.3, 1] (two pieces).
 * T = 250: e0..e4 all whole (e3 from 3: 50/40 >= 1). */
static void test_isochrone_star(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    uint32_t from[] = {0, 2, 0, 3, 1}, to[] = {1, 0, 3, 0, 2};
    double fwd[] = {100, 50, 200, 40, 100}, bwd[] = {100, 50, INF, INF, 100};
    hl_graph *g = NULL;
    assert_int_equal(hl_graph_create(ctx, 4, 5, from, to, fwd, bwd, NULL, &g), HL_OK);
    uint32_t src = 0;
    double t[4];
    assert_int_equal(hl_route_search(ctx, g, NULL, 1, &src, NULL, NULL, NULL, t, NULL, NULL, NULL),
                     HL_OK);
    assert_true(t[0] == 0 && t[1] == 100 && t[2] == 50 && t[3] == 200);
    double thr[] = {60, 120, 250};
    hl_route_piece *p = NULL;
    size_t np = 0;
    assert_int_equal(hl_route_isochrone(ctx, g, t, HL_ROUTE_FORWARD, 3, thr, &p, &np), HL_OK);
    assert_int_equal(np, 4 + 5 + 5);
    expect_piece(&p[0], 0, 0, 0, 0.6);
    expect_piece(&p[1], 0, 1, 0, 1);
    expect_piece(&p[2], 0, 2, 0, 0.3);
    expect_piece(&p[3], 0, 4, 0.9, 1);
    expect_piece(&p[4], 1, 0, 0, 1);
    expect_piece(&p[5], 1, 1, 0, 1);
    expect_piece(&p[6], 1, 2, 0, 0.6);
    expect_piece(&p[7], 1, 4, 0, 0.2);
    expect_piece(&p[8], 1, 4, 0.3, 1);
    for (uint32_t e = 0; e < 5; e++) expect_piece(&p[9 + e], 2, e, 0, 1);
    hl_free(p);

    /* no thresholds: no pieces */
    assert_int_equal(hl_route_isochrone(ctx, g, t, HL_ROUTE_FORWARD, 0, NULL, &p, &np), HL_OK);
    assert_int_equal(np, 0);
    assert_null(p);
    hl_graph_destroy(g);
    hl_ctx_destroy(ctx);
}

/* One-way line 0 -> 1 (100 s) -> 2 (50 s).
 * BACKWARD to node 2 (time to reach 2): t2 = 0, t1 = 50, t0 = 150.
 * T = 80: e1 whole (50 <= 80 from its end); e0: from node 1 (30 s left):
 * the last 30/100 of e0 -> [0.7, 1].
 * FORWARD from node 2: nothing moves (both edges closed against). */
static void test_isochrone_backward_line(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    uint32_t from[] = {0, 1}, to[] = {1, 2};
    double fwd[] = {100, 50}, bwd[] = {INF, INF};
    hl_graph *g = NULL;
    assert_int_equal(hl_graph_create(ctx, 3, 2, from, to, fwd, bwd, NULL, &g), HL_OK);
    uint32_t src = 2;
    double t[3];
    hl_route_opts o;
    hl_route_opts_init(&o);
    o.dir = HL_ROUTE_BACKWARD;
    assert_int_equal(hl_route_search(ctx, g, NULL, 1, &src, NULL, NULL, &o, t, NULL, NULL, NULL),
                     HL_OK);
    assert_true(t[0] == 150 && t[1] == 50 && t[2] == 0);
    double T = 80;
    hl_route_piece *p = NULL;
    size_t np = 0;
    assert_int_equal(hl_route_isochrone(ctx, g, t, HL_ROUTE_BACKWARD, 1, &T, &p, &np), HL_OK);
    assert_int_equal(np, 2);
    expect_piece(&p[0], 0, 0, 0.7, 1);
    expect_piece(&p[1], 0, 1, 0, 1);
    hl_free(p);

    assert_int_equal(hl_route_search(ctx, g, NULL, 1, &src, NULL, NULL, NULL, t, NULL, NULL, NULL),
                     HL_OK);
    assert_int_equal(hl_route_isochrone(ctx, g, t, HL_ROUTE_FORWARD, 1, &T, &p, &np), HL_OK);
    assert_int_equal(np, 0);
    hl_graph_destroy(g);
    hl_ctx_destroy(ctx);
}

/* ---- catchment allocation --------------------------------------------- */

static void test_allocate(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    uint32_t src[] = {1, 0, NONE, 1};
    double w[] = {10, 20, 30, 40}, sum[2];
    size_t cnt[2];
    assert_int_equal(hl_route_allocate(ctx, 4, src, w, 2, sum, cnt), HL_OK);
    assert_true(sum[0] == 20 && sum[1] == 50);
    assert_int_equal(cnt[0], 1);
    assert_int_equal(cnt[1], 2);
    assert_int_equal(hl_route_allocate(ctx, 4, src, w, 1, sum, cnt), HL_E_ARG);
    hl_ctx_destroy(ctx);
}

/* ---- node numbering --------------------------------------------------- */

/* The graph numbers its nodes internally (breadth-first); the answers must
 * not depend on the caller's numbering.  A 30 x 20 grid with irregular
 * times and one-way streets is given once in row-major order and once with
 * its nodes permuted at random (edges in the same order); every query must
 * give the same answers node for node. */
static void test_permuted_numbering(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    enum { W = 30, H = 20, N = W * H, K = 3, NS = 6 };
    size_t m = 0;
    static uint32_t from[2 * N], to[2 * N], pfrom[2 * N], pto[2 * N], perm[N];
    static double fwd[2 * N], bwd[2 * N], len[2 * N];
    rng_state = 4242;
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++) {
            uint32_t v = y * W + x;
            for (int d = 0; d < 2; d++) {
                if ((d == 0 && x + 1 == W) || (d == 1 && y + 1 == H)) continue;
                from[m] = v;
                to[m] = d == 0 ? v + 1 : v + W;
                len[m] = 50 + rnd(1000) / 7.0;
                fwd[m] = rnd(12) == 0 ? INF : len[m] / (3 + rnd(20) / 3.0);
                bwd[m] = rnd(12) == 0 ? INF : fwd[m] * (1 + rnd(5) / 11.0);
                if (!isfinite(bwd[m]) && !isfinite(fwd[m])) fwd[m] = len[m] / 5;
                m++;
            }
        }
    for (uint32_t v = 0; v < N; v++) perm[v] = v;
    for (uint32_t v = N; v > 1; v--) {
        uint32_t j = rnd(v), tmp = perm[v - 1];
        perm[v - 1] = perm[j];
        perm[j] = tmp;
    }
    for (size_t e = 0; e < m; e++) {
        pfrom[e] = perm[from[e]];
        pto[e] = perm[to[e]];
    }
    hl_graph *g = NULL, *pg = NULL;
    hl_route_ws *ws = NULL;
    assert_int_equal(hl_graph_create(ctx, N, m, from, to, fwd, bwd, len, &g), HL_OK);
    assert_int_equal(hl_graph_create(ctx, N, m, pfrom, pto, fwd, bwd, len, &pg), HL_OK);
    /* one workspace serves both graphs */
    assert_int_equal(hl_route_ws_create(ctx, g, &ws), HL_OK);
    uint32_t snode[NS], psnode[NS];
    double st[NS];
    for (int i = 0; i < NS; i++) {
        snode[i] = rnd(N);
        psnode[i] = perm[snode[i]];
        st[i] = rnd(40) / 3.0;
    }
    static double t[N], l[N], pt[N], pl[N], kt[N * K], kl[N * K], pkt[N * K], pkl[N * K];
    static uint32_t s[N], pred[N], ps[N], ppred[N], ks[N * K], pks[N * K];
    for (int dir = 0; dir < 2; dir++) {
        hl_route_opts o;
        hl_route_opts_init(&o);
        o.dir = (hl_route_dir)dir;
        assert_int_equal(hl_route_search(ctx, g, ws, NS, snode, st, NULL, &o, t, l, s, pred), HL_OK);
        assert_int_equal(hl_route_search(ctx, pg, ws, NS, psnode, st, NULL, &o, pt, pl, ps, ppred),
                         HL_OK);
        size_t n_reached = 0;
        for (uint32_t v = 0; v < N; v++) {
            uint32_t pv = perm[v];
            assert_memory_equal(&t[v], &pt[pv], sizeof t[v]);
            assert_memory_equal(&l[v], &pl[pv], sizeof l[v]);
            assert_int_equal(s[v], ps[pv]);
            assert_int_equal(pred[v], ppred[pv]);
            n_reached += isfinite(t[v]);
        }
        assert_true(n_reached > N / 2); /* the comparison is not vacuous */
        /* paths: the same edges */
        for (uint32_t v = 0; v < N; v += 37) {
            uint32_t *e1 = NULL, *e2 = NULL;
            size_t n1 = 0, n2 = 0;
            assert_int_equal(hl_route_path(ctx, g, o.dir, pred, v, &e1, &n1), HL_OK);
            assert_int_equal(hl_route_path(ctx, pg, o.dir, ppred, perm[v], &e2, &n2), HL_OK);
            assert_int_equal(n1, n2);
            if (n1) assert_memory_equal(e1, e2, n1 * sizeof *e1);
            hl_free(e1);
            hl_free(e2);
        }
        /* isochrones from the node times of each numbering: identical pieces */
        double thr[2] = {200, 600};
        hl_route_piece *p1 = NULL, *p2 = NULL;
        size_t np1 = 0, np2 = 0;
        assert_int_equal(hl_route_isochrone(ctx, g, t, o.dir, 2, thr, &p1, &np1), HL_OK);
        assert_int_equal(hl_route_isochrone(ctx, pg, pt, o.dir, 2, thr, &p2, &np2), HL_OK);
        assert_true(np1 > 0);
        assert_int_equal(np1, np2);
        assert_memory_equal(p1, p2, np1 * sizeof *p1);
        hl_free(p1);
        hl_free(p2);
        /* k nearest */
        assert_int_equal(hl_route_k_nearest(ctx, g, ws, K, NS, snode, st, NULL, &o, kt, kl, ks),
                         HL_OK);
        assert_int_equal(
            hl_route_k_nearest(ctx, pg, ws, K, NS, psnode, st, NULL, &o, pkt, pkl, pks), HL_OK);
        for (uint32_t v = 0; v < N; v++) {
            uint32_t pv = perm[v];
            assert_memory_equal(&kt[v * K], &pkt[pv * K], K * sizeof *kt);
            assert_memory_equal(&kl[v * K], &pkl[pv * K], K * sizeof *kl);
            assert_memory_equal(&ks[v * K], &pks[pv * K], K * sizeof *ks);
            /* and the first column is the one-label search's answer */
        }
    }
    /* OD from both sides */
    uint32_t orig[15], dest[9], porig[15], pdest[9];
    for (int i = 0; i < 15; i++) porig[i] = perm[orig[i] = rnd(N)];
    for (int j = 0; j < 9; j++) pdest[j] = perm[dest[j] = rnd(N)];
    static double ot[15 * 9], ol[15 * 9], pot[15 * 9], pol[15 * 9];
    for (int side = 1; side <= 2; side++) {
        hl_route_od_opts oo;
        hl_route_od_opts_init(&oo);
        oo.side = (hl_route_od_side)side;
        oo.n_threads = 2;
        assert_int_equal(hl_route_od_matrix(ctx, g, 15, orig, 9, dest, &oo, ot, ol), HL_OK);
        assert_int_equal(hl_route_od_matrix(ctx, pg, 15, porig, 9, pdest, &oo, pot, pol), HL_OK);
        assert_memory_equal(ot, pot, sizeof ot);
        assert_memory_equal(ol, pol, sizeof ol);
    }
    hl_route_ws_destroy(ws);
    hl_graph_destroy(g);
    hl_graph_destroy(pg);
    hl_ctx_destroy(ctx);
}

/* Exactly tied paths: which edge pred_edge reports follows the caller's
 * node numbers, not the internal order.  Source S = node 0; A = node 3 and
 * B = node 1 are both 1 s and 10 m from S, and T = node 2 is 1 s and 10 m
 * from each, so T's label (2 s, source 0, 20 m) arrives twice, equal.
 * Nodes with equal (time, source) are expanded in increasing node number:
 * B (1) before A (3), so T keeps the label from B, by edge 3 (B-T); A's
 * equal label does not replace it.  The edges are listed so that the
 * internal breadth-first order (from node 0: A is met before B) is the
 * other way round. */
static void test_tie_order_caller_numbers(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    uint32_t from[] = {0, 0, 3, 1}, to[] = {3, 1, 2, 2};
    double tt[] = {1, 1, 1, 1}, len[] = {10, 10, 10, 10};
    hl_graph *g = NULL;
    assert_int_equal(hl_graph_create(ctx, 4, 4, from, to, tt, tt, len, &g), HL_OK);
    uint32_t src = 0, pred[4], s[4];
    double t[4], l[4];
    for (int dir = 0; dir < 2; dir++) {
        hl_route_opts o;
        hl_route_opts_init(&o);
        o.dir = (hl_route_dir)dir;
        assert_int_equal(hl_route_search(ctx, g, NULL, 1, &src, NULL, NULL, &o, t, l, s, pred),
                         HL_OK);
        assert_true(t[2] == 2 && l[2] == 20);
        assert_int_equal(pred[2], 3);
        assert_int_equal(pred[3], 0);
        assert_int_equal(pred[1], 1);
        assert_int_equal(pred[0], NONE);
    }
    /* two sources at A and B (indices 0 and 1, equal time 0): T is 1 s from
     * both; index 0 (A) wins the tie by the label order, by edge 2 */
    uint32_t two[] = {3, 1};
    assert_int_equal(hl_route_search(ctx, g, NULL, 2, two, NULL, NULL, NULL, t, l, s, pred), HL_OK);
    assert_int_equal(s[2], 0);
    assert_int_equal(pred[2], 2);
    assert_int_equal(s[0], 0); /* S: 1 s from both, index 0 wins */
    assert_int_equal(pred[0], 0);
    hl_graph_destroy(g);
    hl_ctx_destroy(ctx);
}

/* ---- lazy heap under ties and many stale entries ---------------------- */

#define HN 48
/* lexicographic (time, length) Floyd-Warshall on up to HN nodes */
static void floyd_big(size_t n, size_t m, const uint32_t *from, const uint32_t *to,
                      const double *fwd, const double *bwd, const double *len,
                      bf_pair D[HN][HN]) {
    size_t i, j, k;
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++) D[i][j] = (bf_pair){i == j ? 0.0 : INF, i == j ? 0.0 : INF};
    for (k = 0; k < m; k++) {
        bf_pair a = {fwd[k], len[k]}, b = {bwd[k], len[k]};
        if (isfinite(fwd[k]) && pair_less(a, D[from[k]][to[k]])) D[from[k]][to[k]] = a;
        if (isfinite(bwd[k]) && pair_less(b, D[to[k]][from[k]])) D[to[k]][from[k]] = b;
    }
    for (k = 0; k < n; k++)
        for (i = 0; i < n; i++)
            for (j = 0; j < n; j++) {
                bf_pair c = {D[i][k].t + D[k][j].t, D[i][k].l + D[k][j].l};
                if (isfinite(c.t) && pair_less(c, D[i][j])) D[i][j] = c;
            }
}

/* Random graphs whose times are 0, 0.5 or 1 s (so that labels tie all the
 * time and arrive in every order), with several sources on every node, the
 * later ones starting earlier: each seed replaces the node's label, which
 * leaves more stale heap entries than the heap has room for and forces it
 * to drop them mid-search.  Checked against Floyd-Warshall: best label by
 * (time, source index, length), and the k best distinct sources. */
static void test_heap_ties_and_stale(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    static bf_pair D[HN][HN];
    enum { SPN = 4, K = 3 };
    rng_state = 99;
    for (int iter = 0; iter < 40; iter++) {
        size_t n = HN / 2 + rnd(HN / 2 + 1), m = 0, ns = 0, i;
        uint32_t from[3 * HN], to[3 * HN], snode[SPN * HN];
        double fwd[3 * HN], bwd[3 * HN], len[3 * HN], st[SPN * HN], sl[SPN * HN];
        for (i = 0; i < 3 * n; i++) {
            from[m] = rnd((uint32_t)n);
            to[m] = rnd((uint32_t)n);
            fwd[m] = rnd(5) == 0 ? INF : 0.5 * rnd(3);
            bwd[m] = rnd(5) == 0 ? INF : 0.5 * rnd(3);
            len[m] = (double)rnd(3);
            m++;
        }
        /* sources in node order, SPN per node, initial times 3, 2, 1, 0 */
        for (i = 0; i < SPN * n; i++) {
            snode[ns] = (uint32_t)(i / SPN);
            st[ns] = (double)(SPN - 1 - i % SPN) + (rnd(4) == 0 ? 0.5 : 0.0);
            sl[ns] = (double)rnd(2);
            ns++;
        }
        floyd_big(n, m, from, to, fwd, bwd, len, D);
        hl_graph *g = NULL;
        hl_route_ws *ws = NULL;
        assert_int_equal(hl_graph_create(ctx, n, m, from, to, fwd, bwd, len, &g), HL_OK);
        assert_int_equal(hl_route_ws_create(ctx, g, &ws), HL_OK);
        hl_route_opts o;
        hl_route_opts_init(&o);
        o.dir = (hl_route_dir)(iter % 2);
        o.cutoff_s = iter % 3 == 0 ? 2.5 : INF;
        double t[HN], l[HN], kt[HN * K], kl[HN * K];
        uint32_t s[HN], ks[HN * K];
        assert_int_equal(hl_route_search(ctx, g, ws, ns, snode, st, sl, &o, t, l, s, NULL), HL_OK);
        assert_int_equal(hl_route_k_nearest(ctx, g, ws, K, ns, snode, st, sl, &o, kt, kl, ks),
                         HL_OK);
        for (uint32_t v = 0; v < n; v++) {
            /* every source's own best (time, length), in source index order */
            double et[K], el[K], bt = INF, bl = INF;
            uint32_t es[K], bs = NONE;
            size_t ne = 0, j;
            for (i = 0; i < ns; i++) {
                bf_pair d = o.dir == HL_ROUTE_BACKWARD ? D[v][snode[i]] : D[snode[i]][v];
                double ct = st[i] + d.t, cl = sl[i] + d.l;
                if (!isfinite(d.t) || ct > o.cutoff_s) continue;
                if (ct < bt) { /* strictly faster; equal time keeps the lower index */
                    bt = ct;
                    bl = cl;
                    bs = (uint32_t)i;
                }
                /* insert into the K best by (time, index) */
                j = ne < K ? ne++ : K;
                while (j > 0 && ct < et[j - 1]) {
                    if (j < K) {
                        et[j] = et[j - 1];
                        el[j] = el[j - 1];
                        es[j] = es[j - 1];
                    }
                    j--;
                }
                if (j < K) {
                    et[j] = ct;
                    el[j] = cl;
                    es[j] = (uint32_t)i;
                }
            }
            assert_true(t[v] == bt);
            assert_true(l[v] == bl);
            assert_int_equal(s[v], bs);
            for (j = 0; j < K; j++) {
                if (j < ne) {
                    assert_true(kt[v * K + j] == et[j]);
                    assert_true(kl[v * K + j] == el[j]);
                    assert_int_equal(ks[v * K + j], es[j]);
                } else {
                    assert_int_equal(ks[v * K + j], NONE);
                }
            }
        }
        hl_route_ws_destroy(ws);
        hl_graph_destroy(g);
    }
    hl_ctx_destroy(ctx);
}

/* ---- OD determinism over thread counts -------------------------------- */

/* A 40 x 50 grid with irregular (non-integer) times and some one-way
 * streets; the OD bytes must be identical for 1, 2 and 3 threads. */
static void test_od_threads_identical(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    enum { W = 40, H = 50, N = W * H };
    size_t m = 0;
    static uint32_t from[2 * N], to[2 * N];
    static double fwd[2 * N], bwd[2 * N], len[2 * N];
    rng_state = 777;
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++) {
            uint32_t v = y * W + x;
            for (int d = 0; d < 2; d++) {
                if ((d == 0 && x + 1 == W) || (d == 1 && y + 1 == H)) continue;
                from[m] = v;
                to[m] = d == 0 ? v + 1 : v + W;
                len[m] = 50 + rnd(1000) / 7.0;
                fwd[m] = len[m] / (3 + rnd(20) / 3.0);
                bwd[m] = rnd(10) == 0 ? INF : fwd[m] * (1 + rnd(5) / 11.0);
                m++;
            }
        }
    hl_graph *g = NULL;
    assert_int_equal(hl_graph_create(ctx, N, m, from, to, fwd, bwd, len, &g), HL_OK);
    uint32_t orig[37], dest[23];
    for (int i = 0; i < 37; i++) orig[i] = rnd(N);
    for (int j = 0; j < 23; j++) dest[j] = rnd(N);
    static double t[3][37 * 23], l[3][37 * 23];
    hl_route_od_opts oo;
    hl_route_od_opts_init(&oo);
    oo.side = HL_ROUTE_OD_FROM_ORIGINS;
    for (int k = 0; k < 3; k++) {
        oo.n_threads = (unsigned)k + 1;
        assert_int_equal(hl_route_od_matrix(ctx, g, 37, orig, 23, dest, &oo, t[k], l[k]), HL_OK);
    }
    assert_memory_equal(t[0], t[1], sizeof t[0]);
    assert_memory_equal(t[0], t[2], sizeof t[0]);
    assert_memory_equal(l[0], l[1], sizeof l[0]);
    assert_memory_equal(l[0], l[2], sizeof l[0]);
    /* independent check of the matrix: each row equals a one-source search */
    double row[N];
    for (int i = 0; i < 37; i++) {
        assert_int_equal(
            hl_route_search(ctx, g, NULL, 1, &orig[i], NULL, NULL, NULL, row, NULL, NULL, NULL),
            HL_OK);
        for (int j = 0; j < 23; j++) assert_true(row[dest[j]] == t[0][i * 23 + j]);
    }
    /* searching from the destinations gives the same times up to rounding */
    static double tb[37 * 23];
    oo.side = HL_ROUTE_OD_FROM_DESTINATIONS;
    oo.n_threads = 2;
    assert_int_equal(hl_route_od_matrix(ctx, g, 37, orig, 23, dest, &oo, tb, NULL), HL_OK);
    for (int i = 0; i < 37 * 23; i++)
        assert_true(fabs(tb[i] - t[0][i]) <= 1e-9 * (1 + t[0][i]) || tb[i] == t[0][i]);
    hl_graph_destroy(g);
    hl_ctx_destroy(ctx);
}

/* ---- interruption ------------------------------------------------------- */

/* With the interrupt flag set, long searches stop with HL_E_INTERRUPTED and
 * leave the workspace clean for the next (uninterrupted) search. */
static void test_interrupt(void **state) {
    (void)state;
    enum { W = 300, N = W * W };
    static uint32_t from[2 * N], to[2 * N];
    static double tt[2 * N], t[N];
    size_t m = 0;
    for (uint32_t v = 0; v < N; v++) {
        if (v % W + 1 < W) { from[m] = v; to[m] = v + 1; tt[m++] = 1; }
        if (v + W < N) { from[m] = v; to[m] = v + W; tt[m++] = 1; }
    }
    hl_ctx *ctx = hl_ctx_create(), *ctx2 = hl_ctx_create();
    hl_graph *g = NULL;
    hl_route_ws *ws = NULL;
    assert_int_equal(hl_graph_create(ctx, N, m, from, to, tt, tt, NULL, &g), HL_OK);
    assert_int_equal(hl_route_ws_create(ctx, g, &ws), HL_OK);
    hl_ctx_interrupt(ctx);
    uint32_t src = 0, far = N - 1;
    static double kt[2 * N];
    assert_int_equal(hl_route_search(ctx, g, ws, 1, &src, NULL, NULL, NULL, t, NULL, NULL, NULL),
                     HL_E_INTERRUPTED);
    assert_int_equal(hl_route_k_nearest(ctx, g, ws, 2, 1, &src, NULL, NULL, NULL, kt, NULL, NULL),
                     HL_E_INTERRUPTED);
    double od;
    assert_int_equal(hl_route_od_matrix(ctx, g, 1, &src, 1, &far, NULL, &od, NULL),
                     HL_E_INTERRUPTED);
    /* the same workspace on another context: Manhattan distance on the grid */
    assert_int_equal(hl_route_search(ctx2, g, ws, 1, &src, NULL, NULL, NULL, t, NULL, NULL, NULL),
                     HL_OK);
    assert_true(t[N - 1] == 2 * (W - 1));
    assert_true(t[W + 3] == 4);
    assert_int_equal(hl_route_k_nearest(ctx2, g, ws, 2, 1, &src, NULL, NULL, NULL, kt, NULL, NULL),
                     HL_OK);
    assert_true(kt[2 * (N - 1)] == 2 * (W - 1) && isinf(kt[2 * (N - 1) + 1]));
    hl_route_ws_destroy(ws);
    hl_graph_destroy(g);
    hl_ctx_destroy(ctx);
    hl_ctx_destroy(ctx2);
}

/* ---- allocation failures ---------------------------------------------- */

/* Every call that allocates, on a small graph; returns the first failure. */
static hl_status run_everything(hl_ctx *ctx) {
    uint32_t from[] = {0, 1, 2, 2}, to[] = {1, 2, 0, 3};
    double fwd[] = {10, 20, 30, 5}, bwd[] = {INF, 20, INF, 5}, len[] = {1, 2, 3, 4};
    hl_graph *g = NULL;
    hl_route_ws *ws = NULL;
    hl_route_piece *p = NULL;
    size_t np = 0;
    uint32_t snode[] = {0, 3}, pred[4], *path = NULL;
    size_t npath = 0;
    double t[4], kt[8], ot[4], T = 15;
    hl_route_od_opts oo;
    hl_status rc = hl_graph_create(ctx, 4, 4, from, to, fwd, bwd, len, &g);
    if (rc) goto done;
    rc = hl_route_ws_create(ctx, g, &ws);
    if (rc) goto done;
    rc = hl_route_search(ctx, g, ws, 2, snode, NULL, NULL, NULL, t, NULL, NULL, NULL);
    if (rc) goto done;
    rc = hl_route_search(ctx, g, NULL, 2, snode, NULL, NULL, NULL, t, NULL, NULL, NULL);
    if (rc) goto done;
    rc = hl_route_k_nearest(ctx, g, ws, 2, 2, snode, NULL, NULL, NULL, kt, NULL, NULL);
    if (rc) goto done;
    rc = hl_route_k_nearest(ctx, g, NULL, 2, 2, snode, NULL, NULL, NULL, kt, NULL, NULL);
    if (rc) goto done;
    hl_route_od_opts_init(&oo);
    oo.n_threads = 2;
    rc = hl_route_od_matrix(ctx, g, 2, snode, 2, snode, &oo, ot, NULL);
    if (rc) goto done;
    rc = hl_route_isochrone(ctx, g, t, HL_ROUTE_FORWARD, 1, &T, &p, &np);
    if (rc) goto done;
    rc = hl_route_search(ctx, g, ws, 1, snode, NULL, NULL, NULL, t, NULL, NULL, pred);
    if (rc) goto done;
    rc = hl_route_path(ctx, g, HL_ROUTE_FORWARD, pred, 3, &path, &npath);
    if (rc) goto done;
    if (npath != 3 || path[0] != 0 || path[1] != 1 || path[2] != 3) rc = HL_E_DATA;
    /* results after success: node 1 is 10 s from node 0; OD 0 -> 3 = 10 + 20 + 5 */
    if (t[1] != 10 || ot[1] != 35 || ot[2] != 5 + 30 || kt[2] != 10) rc = HL_E_DATA;
done:
    hl_free(p);
    hl_free(path);
    hl_route_ws_destroy(ws);
    hl_graph_destroy(g);
    return rc;
}

static void test_allocation_failures(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    uint64_t n;
    for (n = 1; n < 500; n++) {
        hl_ctx_fail_alloc_after(ctx, n);
        hl_status rc = run_everything(ctx);
        if (rc == HL_OK) break;
        assert_int_equal(rc, HL_E_NOMEM);
        assert_int_equal(hl_ctx_errcode(ctx), HL_E_NOMEM);
    }
    assert_true(n > 5 && n < 500); /* failures were injected, then it ran through */
    hl_ctx_fail_alloc_after(ctx, 0);
    assert_int_equal(run_everything(ctx), HL_OK);
    hl_ctx_destroy(ctx);
}

/* The sparse search and isochrone against the dense ones on 300 random
 * graphs (self loops, closed directions, parallel edges), random sources
 * and cutoffs: the reached list must be exactly the nodes with a finite
 * time, ascending, with the same bits, and the isochrone pieces the same
 * array. */
static int cmp_u32_ref(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The radix sort of reached nodes and edges against qsort: sizes around its
 * small-input cut-over, values that use 1 to 4 bytes, duplicates. */
static void test_sort_u32(void **state) {
    (void)state;
    static const size_t sizes[] = {0, 1, 2, 63, 64, 65, 257, 5000, 70000};
    static const uint32_t maxima[] = {1, 255, 256, 65535, 65536, 1u << 24, UINT32_MAX};
    hl_ctx *ctx = hl_ctx_create();
    uint64_t x = 12345;
    for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++)
        for (size_t mi = 0; mi < sizeof maxima / sizeof *maxima; mi++) {
            size_t n = sizes[si];
            uint32_t *a = malloc((n ? n : 1) * sizeof *a), *b = malloc((n ? n : 1) * sizeof *b);
            assert_non_null(a);
            assert_non_null(b);
            for (size_t i = 0; i < n; i++) {
                x = x * 6364136223846793005ull + 1442695040888963407ull;
                a[i] = maxima[mi] == UINT32_MAX ? (uint32_t)(x >> 32) : (uint32_t)((x >> 33) % ((uint64_t)maxima[mi] + 1));
                b[i] = a[i];
            }
            qsort(b, n, sizeof *b, cmp_u32_ref);
            assert_int_equal(hl__sort_u32(ctx, a, n), HL_OK);
            assert_memory_equal(a, b, n * sizeof *a);
            free(a);
            free(b);
        }
    hl_ctx_destroy(ctx);
}

static void test_reached_matches_dense(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    for (int round = 0; round < 300; round++) {
        rgraph r;
        hl_graph *g = NULL;
        hl_route_ws *ws = NULL;
        double t[MAXN], l[MAXN], rt[MAXN], rl[MAXN], thr[3] = {2.0, 5.5, 9.0};
        uint32_t src[3], rn[MAXN];
        size_t ns, nr = 99, j = 0;
        hl_route_opts o;
        hl_route_piece *pd = NULL, *pr = NULL;
        size_t npd = 0, npr = 0;
        make_random_graph(&r);
        assert_int_equal(hl_graph_create(ctx, r.n, r.m, r.from, r.to, r.fwd, r.bwd, r.len, &g), HL_OK);
        assert_int_equal(hl_route_ws_create(ctx, g, &ws), HL_OK);
        ns = 1 + rnd(3);
        for (size_t i = 0; i < ns; i++) src[i] = rnd((uint32_t)r.n);
        hl_route_opts_init(&o);
        o.dir = rnd(2) ? HL_ROUTE_FORWARD : HL_ROUTE_BACKWARD;
        o.cutoff_s = rnd(3) == 0 ? INF : 0.5 * rnd(30);
        assert_int_equal(hl_route_search(ctx, g, ws, ns, src, NULL, NULL, &o, t, l, NULL, NULL), HL_OK);
        assert_int_equal(hl_route_search_reached(ctx, g, ws, ns, src, NULL, NULL, &o, &nr, rn, rt, rl), HL_OK);
        for (size_t v = 0; v < r.n; v++) {
            if (!isfinite(t[v])) continue;
            assert_true(j < nr);
            assert_int_equal(rn[j], v);
            assert_memory_equal(&rt[j], &t[v], sizeof t[v]);
            assert_memory_equal(&rl[j], &l[v], sizeof l[v]);
            j++;
        }
        assert_int_equal(j, nr);
        {
            /* a few targets (repeats allowed): the early-stopping search gives
               the same bits as the full one */
            uint32_t tg[5];
            double tt[5], tl[5];
            size_t ntg = rnd(6);
            for (size_t q = 0; q < ntg; q++) tg[q] = rnd((uint32_t)r.n);
            assert_int_equal(hl_route_search_targets(ctx, g, ws, ns, src, NULL, NULL, &o, ntg, tg, tt, tl), HL_OK);
            for (size_t q = 0; q < ntg; q++) {
                assert_memory_equal(&tt[q], &t[tg[q]], sizeof tt[q]);
                assert_memory_equal(&tl[q], &l[tg[q]], sizeof tl[q]);
            }
        }
        assert_int_equal(hl_route_isochrone(ctx, g, t, o.dir, 3, thr, &pd, &npd), HL_OK);
        assert_int_equal(hl_route_isochrone_reached(ctx, g, t, o.dir, 3, thr, nr, rn, &pr, &npr), HL_OK);
        assert_int_equal(npd, npr);
        if (npd) assert_memory_equal(pd, pr, npd * sizeof *pd);
        hl_free(pd);
        hl_free(pr);
        hl_route_ws_destroy(ws);
        hl_graph_destroy(g);
    }
    /* bad arguments */
    {
        uint32_t from[1] = {0}, to[1] = {1}, node = 0, rn[2], bad = 5;
        double f[1] = {1}, b[1] = {1}, t2[2] = {0, 1};
        size_t nr;
        hl_graph *g = NULL;
        hl_route_piece *p = NULL;
        size_t np;
        assert_int_equal(hl_graph_create(ctx, 2, 1, from, to, f, b, NULL, &g), HL_OK);
        assert_int_equal(hl_route_search_reached(ctx, g, NULL, 1, &node, NULL, NULL, NULL, &nr, NULL, NULL, NULL),
                         HL_E_ARG);
        assert_int_equal(hl_route_search_reached(ctx, g, NULL, 1, &node, NULL, NULL, NULL, &nr, rn, NULL, NULL), HL_OK);
        assert_int_equal(nr, 2);
        assert_int_equal(hl_route_isochrone_reached(ctx, g, t2, HL_ROUTE_FORWARD, 0, NULL, 1, &bad, &p, &np), HL_E_ARG);
        hl_graph_destroy(g);
    }
    hl_ctx_destroy(ctx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_multi_source),
        cmocka_unit_test(test_one_way_loop),
        cmocka_unit_test(test_parallel_edges),
        cmocka_unit_test(test_equal_time_sources),
        cmocka_unit_test(test_cutoff),
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_isochrone_star),
        cmocka_unit_test(test_isochrone_backward_line),
        cmocka_unit_test(test_allocate),
        cmocka_unit_test(test_od_threads_identical),
        cmocka_unit_test(test_permuted_numbering),
        cmocka_unit_test(test_tie_order_caller_numbers),
        cmocka_unit_test(test_heap_ties_and_stale),
        cmocka_unit_test(test_interrupt),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_reached_matches_dense), cmocka_unit_test(test_sort_u32),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
