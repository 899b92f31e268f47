/* Unit tests for the net module: noding, merging, duplicates, times,
 * placement (max snap, node attach, ties, islands), the routable graph,
 * edge substrings, near misses, allocation failures, and brute-force
 * cross-checks of the nearest-edge index and the crossing noder.
 * Expected values are worked out by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hl/network.h"

#define EPS 1e-9

static hl_road_line mkline(const double *xy, size_t n, double kmh, int oneway, int level, int64_t idx) {
    hl_road_line l;
    memset(&l, 0, sizeof l);
    l.xy = xy;
    l.n_vertices = n;
    l.speed_kmh = kmh;
    l.oneway = oneway;
    l.level = level;
    l.road_index = idx;
    return l;
}

static hl_network *build(hl_ctx *ctx, const hl_road_line *lines, size_t n, const hl_net_opts *o) {
    hl_network *net = NULL;
    hl_status rc = hl_net_build(ctx, lines, n, o, &net);
    if (rc) fprintf(stderr, "build failed: %s\n", hl_ctx_errmsg(ctx));
    assert_int_equal(rc, HL_OK);
    assert_non_null(net);
    return net;
}

static void node_xy(const hl_network *net, uint32_t n, double *x, double *y) {
    *x = hl_net_nodes_xy(net)[2 * n];
    *y = hl_net_nodes_xy(net)[2 * n + 1];
}

/* Two lines crossing at (5,0) without a shared vertex. */
static void test_crossing_not_connected(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    const double a[] = {0, 0, 10, 0}, b[] = {5, -5, 5, 5};
    hl_road_line L[2] = {mkline(a, 2, 36, 0, 0, 0), mkline(b, 2, 36, 0, 0, 1)};
    hl_net_opts o;
    hl_net_opts_init(&o);
    hl_network *net = build(ctx, L, 2, &o);
    assert_int_equal(hl_net_node_count(net), 4);
    assert_int_equal(hl_net_edge_count(net), 2);
    assert_int_equal(hl_net_component_count(net), 2);
    hl_net_destroy(net);

    /* node_crossings: both lines split at (5,0): 5 nodes, 4 edges of 5 m, one component */
    o.node_crossings = true;
    net = build(ctx, L, 2, &o);
    assert_int_equal(hl_net_node_count(net), 5);
    assert_int_equal(hl_net_edge_count(net), 4);
    assert_int_equal(hl_net_component_count(net), 1);
    for (uint32_t e = 0; e < 4; e++) assert_float_equal(hl_net_edges_len_m(net)[e], 5.0, EPS);
    hl_net_edge ed;
    hl_net_edge_get(net, 0, &ed); /* road 0, first piece: (0,0) -> (5,0) */
    assert_int_equal(ed.road_index, 0);
    assert_float_equal(ed.xy[2], 5.0, 0);
    assert_float_equal(ed.xy[3], 0.0, 0);
    hl_net_edge_get(net, 2, &ed); /* road 1, first piece: (5,-5) -> (5,0) */
    assert_int_equal(ed.road_index, 1);
    assert_int_equal(ed.to, hl_net_edges_to(net)[0]);
    hl_net_stats st;
    hl_net_stats_get(net, &st);
    assert_int_equal(st.n_crossing_splits, 2);
    hl_net_destroy(net);

    /* different levels (a bridge): still not connected */
    L[1].level = 1;
    net = build(ctx, L, 2, &o);
    assert_int_equal(hl_net_node_count(net), 4);
    assert_int_equal(hl_net_edge_count(net), 2);
    hl_net_destroy(net);

    /* node_crossings also joins a T whose end lies on the other line: (5,0)-(5,5) */
    const double c[] = {5, 0, 5, 5};
    L[1] = mkline(c, 2, 36, 0, 0, 1);
    net = build(ctx, L, 2, &o);
    assert_int_equal(hl_net_node_count(net), 4);
    assert_int_equal(hl_net_edge_count(net), 3);
    assert_int_equal(hl_net_component_count(net), 1);
    hl_net_destroy(net);
    hl_ctx_destroy(ctx);
}

struct progress_seen {
    uint64_t done, total, calls;
};
static void on_progress(void *user, const char *stage, uint64_t done, uint64_t total) {
    struct progress_seen *p = user;
    if (strcmp(stage, "network build") != 0) return;
    assert_true(done <= total);
    p->done = done;
    p->total = total;
    p->calls++;
}

/* T-junction at a shared vertex (5,0); an interior vertex used once is not a node. */
static void test_t_junction(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    struct progress_seen ps = {0, 0, 0};
    hl_ctx_set_progress(ctx, on_progress, &ps);
    const double a[] = {0, 0, 5, 0, 10, 0}, b[] = {5, 0, 5, 5};
    hl_road_line L[2] = {mkline(a, 3, 36, 0, 0, 10), mkline(b, 2, 36, 0, 0, 20)};
    hl_network *net = build(ctx, L, 2, NULL);
    assert_true(ps.calls > 2);
    assert_true(ps.total > 0);
    assert_int_equal(ps.done, ps.total);
    assert_int_equal(hl_net_node_count(net), 4);
    assert_int_equal(hl_net_edge_count(net), 3);
    const uint32_t *f = hl_net_edges_from(net), *t = hl_net_edges_to(net);
    /* nodes by first use: 0=(0,0) 1=(5,0) 2=(10,0) 3=(5,5) */
    assert_int_equal(f[0], 0);
    assert_int_equal(t[0], 1);
    assert_int_equal(f[1], 1);
    assert_int_equal(t[1], 2);
    assert_int_equal(f[2], 1);
    assert_int_equal(t[2], 3);
    double x, y;
    node_xy(net, 3, &x, &y);
    assert_float_equal(x, 5, 0);
    assert_float_equal(y, 5, 0);
    hl_net_edge ed;
    hl_net_edge_get(net, 2, &ed);
    assert_int_equal(ed.road_index, 20);
    /* 5 m at 36 km/h (10 m/s) */
    assert_float_equal(ed.fwd_s, 0.5, EPS);
    assert_float_equal(ed.bwd_s, 0.5, EPS);
    size_t nd;
    const uint32_t *d = hl_net_dangles(net, &nd);
    assert_int_equal(nd, 3);
    assert_int_equal(d[0], 0);
    assert_int_equal(d[1], 2);
    assert_int_equal(d[2], 3);
    hl_net_destroy(net);

    /* the line alone: (5,0) occurs once, so one edge with three vertices */
    net = build(ctx, L, 1, NULL);
    assert_int_equal(hl_net_edge_count(net), 1);
    hl_net_edge_get(net, 0, &ed);
    assert_int_equal(ed.n_vertices, 3);
    assert_float_equal(ed.len_m, 10, EPS);
    hl_net_destroy(net);
    hl_ctx_destroy(ctx);
}

/* (0,0) (10,0) (10,10) (5,10) (10,0) (20,0): the line passes (10,0) twice. */
static void test_vertex_passed_twice(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    const double a[] = {0, 0, 10, 0, 10, 10, 5, 10, 10, 0, 20, 0};
    hl_road_line L = mkline(a, 6, 36, 0, 0, 0);
    hl_network *net = build(ctx, &L, 1, NULL);
    assert_int_equal(hl_net_node_count(net), 3);
    assert_int_equal(hl_net_edge_count(net), 3);
    const uint32_t *f = hl_net_edges_from(net), *t = hl_net_edges_to(net);
    assert_int_equal(f[1], 1); /* the loop (10,0)->(10,10)->(5,10)->(10,0) */
    assert_int_equal(t[1], 1);
    assert_float_equal(hl_net_edges_len_m(net)[1], 10 + 5 + sqrt(125.0), EPS);
    assert_float_equal(hl_net_edges_len_m(net)[0], 10, EPS);
    assert_float_equal(hl_net_edges_len_m(net)[2], 10, EPS);
    size_t nd;
    const uint32_t *d = hl_net_dangles(net, &nd);
    assert_int_equal(nd, 2); /* (10,0) has degree 4 */
    assert_int_equal(d[0], 0);
    assert_int_equal(d[1], 2);
    hl_net_destroy(net);
    hl_ctx_destroy(ctx);
}

/* Endpoints (10,0) and (10.5,0) are 0.5 m apart. */
static void test_snap_merge(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    const double a[] = {0, 0, 10, 0}, b[] = {10.5, 0, 20, 0};
    hl_road_line L[2] = {mkline(a, 2, 36, 0, 0, 0), mkline(b, 2, 36, 0, 0, 1)};
    hl_net_opts o;
    hl_net_opts_init(&o);
    assert_float_equal(o.snap_tol_m, 1.0, 0);
    hl_network *net = build(ctx, L, 2, &o);
    assert_int_equal(hl_net_node_count(net), 3);
    assert_int_equal(hl_net_component_count(net), 1);
    /* the later coordinate moves to the earlier one: edge 1 is (10,0)-(20,0) */
    assert_float_equal(hl_net_edges_len_m(net)[1], 10, EPS);
    assert_int_equal(hl_net_edges_from(net)[1], 1);
    hl_net_stats st;
    hl_net_stats_get(net, &st);
    assert_int_equal(st.n_merged_coords, 1);
    size_t nn;
    hl_net_near_misses(net, &nn);
    assert_int_equal(nn, 0); /* both dangles' only candidates are one step away: connected */
    hl_net_destroy(net);

    o.snap_tol_m = 0.1;
    net = build(ctx, L, 2, &o);
    assert_int_equal(hl_net_node_count(net), 4);
    assert_int_equal(hl_net_component_count(net), 2);
    /* near misses: (10,0) [node 1] <-> (10.5,0) [node 2], 0.5 m, both ways */
    const hl_net_near_miss *m = hl_net_near_misses(net, &nn);
    assert_int_equal(nn, 2);
    assert_int_equal(m[0].node, 1);
    assert_int_equal(m[0].edge, 1);
    assert_float_equal(m[0].dist_m, 0.5, EPS);
    assert_true(m[0].at_node);
    assert_int_equal(m[0].other_node, 2);
    assert_int_equal(m[1].node, 2);
    assert_int_equal(m[1].edge, 0);
    assert_int_equal(m[1].other_node, 1);
    size_t nd;
    hl_net_dangles(net, &nd);
    assert_int_equal(nd, 4);
    hl_net_destroy(net);
    hl_ctx_destroy(ctx);
}

/* An interior vertex at a merged endpoint moves with it and stays connected. */
static void test_snap_keeps_shared_vertex(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    /* line 0 ends at (10.5,0); line 1 ends at (10,0) which line 2 passes through */
    const double a[] = {0, 5, 10.5, 0}, b[] = {20, 5, 10, 0}, c[] = {10, -10, 10, 0, 10, 10};
    hl_road_line L[3] = {mkline(a, 2, 36, 0, 0, 0), mkline(b, 2, 36, 0, 0, 1), mkline(c, 3, 36, 0, 0, 2)};
    hl_network *net = build(ctx, L, 3, NULL);
    /* (10,0) moves to (10.5,0) (first seen); line 2 still passes it: one component,
     * nodes (0,5) (10.5,0) (20,5) (10,-10) (10,10), edges 0,1 plus line 2 in two pieces */
    assert_int_equal(hl_net_node_count(net), 5);
    assert_int_equal(hl_net_edge_count(net), 4);
    assert_int_equal(hl_net_component_count(net), 1);
    assert_float_equal(hl_net_edges_len_m(net)[2], sqrt(0.25 + 100), EPS);
    hl_net_destroy(net);
    hl_ctx_destroy(ctx);
}

static void test_duplicates_and_zero_length(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    const double a[] = {0, 0, 10, 0}, r[] = {10, 0, 0, 0};
    const double z[] = {0, 0, 0, 0, 10, 5}, p[] = {3, 3, 3, 3}, one[] = {7, 7};
    hl_road_line L[6] = {mkline(a, 2, 36, 0, 0, 0), mkline(a, 2, 36, 0, 0, 1), mkline(r, 2, 36, 0, 0, 2),
                         mkline(z, 3, 36, 0, 0, 3), mkline(p, 2, 36, 0, 0, 4), mkline(one, 1, 36, 0, 0, 5)};
    hl_network *net = build(ctx, L, 6, NULL);
    /* a twice: one dropped; its reverse kept as a parallel edge; z loses (0,0)-(0,0);
     * p collapses and the one-vertex line has no segment: both dropped */
    assert_int_equal(hl_net_edge_count(net), 3);
    hl_net_stats st;
    hl_net_stats_get(net, &st);
    assert_int_equal(st.n_duplicates, 1);
    assert_int_equal(st.n_zero_length, 2);
    assert_int_equal(st.n_lines_dropped, 2);
    {
        /* the same line at another speed or direction is a parallel edge, not a
           duplicate: routing must be able to take the faster one.  36 km/h one-way
           = 1 s along, closed against; 72 km/h two-way = 0.5 s both ways. */
        hl_road_line L2[2] = {mkline(a, 2, 36, 1, 0, 0), mkline(a, 2, 72, 0, 0, 1)};
        hl_network *n2 = build(ctx, L2, 2, NULL);
        hl_net_stats s2;
        assert_int_equal(hl_net_edge_count(n2), 2);
        hl_net_stats_get(n2, &s2);
        assert_int_equal(s2.n_duplicates, 0);
        assert_float_equal(hl_net_edges_bwd_s(n2)[1], 0.5, EPS);
        assert_true(isinf(hl_net_edges_bwd_s(n2)[0]));
        hl_net_destroy(n2);
    }
    hl_net_edge ed;
    hl_net_edge_get(net, 0, &ed);
    assert_int_equal(ed.road_index, 0); /* the first copy is kept */
    hl_net_edge_get(net, 1, &ed);
    assert_int_equal(ed.road_index, 2);
    assert_int_equal(ed.from, 1);
    assert_int_equal(ed.to, 0);
    hl_net_edge_get(net, 2, &ed);
    assert_int_equal(ed.road_index, 3);
    assert_int_equal(ed.n_vertices, 2);
    assert_float_equal(ed.len_m, sqrt(125.0), EPS);
    assert_int_equal(hl_net_node_count(net), 3);
    hl_net_destroy(net);
    hl_ctx_destroy(ctx);
}

static void test_oneway_times(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    const double a[] = {0, 0, 60, 0, 60, 40}; /* 100 m */
    hl_road_line L[3] = {mkline(a, 3, 36, 1, 0, 0), mkline(a, 3, 72, -1, 0, 1), mkline(a, 3, 18, 0, 0, 2)};
    hl_net_opts o;
    hl_net_opts_init(&o);
    for (int i = 0; i < 3; i++) {
        hl_network *net = build(ctx, &L[i], 1, &o);
        hl_net_edge ed;
        hl_net_edge_get(net, 0, &ed);
        assert_float_equal(ed.len_m, 100, EPS);
        if (i == 0) { /* 10 m/s forward only */
            assert_float_equal(ed.fwd_s, 10, EPS);
            assert_true(isinf(ed.bwd_s));
        } else if (i == 1) { /* 20 m/s backward only */
            assert_true(isinf(ed.fwd_s));
            assert_float_equal(ed.bwd_s, 5, EPS);
        } else { /* 5 m/s both ways */
            assert_float_equal(ed.fwd_s, 20, EPS);
            assert_float_equal(ed.bwd_s, 20, EPS);
        }
        hl_net_destroy(net);
    }
    /* bad input is an argument error */
    hl_network *net = NULL;
    L[0].speed_kmh = 0;
    assert_int_equal(hl_net_build(ctx, L, 1, NULL, &net), HL_E_ARG);
    assert_null(net);
    L[0].speed_kmh = 30;
    L[0].oneway = 2;
    assert_int_equal(hl_net_build(ctx, L, 1, NULL, &net), HL_E_ARG);
    hl_ctx_destroy(ctx);
}

static const hl_place *place(hl_ctx *ctx, const hl_network *net, const double *xy, size_t n,
                             const hl_place_opts *o, hl_placement **pl) {
    hl_status rc = hl_net_place(ctx, net, xy, n, o, pl);
    assert_int_equal(rc, HL_OK);
    assert_int_equal(hl_placement_count(*pl), n);
    return hl_placement_places(*pl);
}

static void test_place_max_snap(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    const double a[] = {0, 0, 100, 0};
    hl_road_line L = mkline(a, 2, 36, 0, 0, 0);
    hl_network *net = build(ctx, &L, 1, NULL);
    hl_place_opts o;
    hl_place_opts_init(&o);
    assert_float_equal(o.max_snap_m, 2000, 0);
    o.max_snap_m = 50;
    const double pts[] = {50, 60, 50, 50, 30, -50, 1000, 0, NAN, 0};
    hl_placement *pl;
    const hl_place *p = place(ctx, net, pts, 5, &o, &pl);
    assert_int_equal(p[0].status, HL_PLACE_TOO_FAR);
    assert_int_equal(p[1].status, HL_PLACE_OK); /* exactly 50 m: inclusive */
    assert_float_equal(p[1].snap_m, 50, 0);
    assert_float_equal(p[1].offset_m, 50, EPS);
    assert_float_equal(p[1].x, 50, EPS);
    assert_float_equal(p[1].y, 0, 0);
    assert_false(p[1].at_node);
    assert_int_equal(p[2].status, HL_PLACE_OK);
    assert_float_equal(p[2].offset_m, 30, EPS);
    assert_int_equal(p[3].status, HL_PLACE_TOO_FAR);
    assert_int_equal(p[4].status, HL_PLACE_BAD_POINT);
    hl_placement_destroy(pl);

    /* a point far outside the network's extent, with a large max snap */
    o.max_snap_m = 1e9;
    p = place(ctx, net, pts + 6, 1, &o, &pl);
    assert_int_equal(p[0].status, HL_PLACE_OK);
    assert_float_equal(p[0].snap_m, 900, EPS);
    assert_true(p[0].at_node);
    assert_int_equal(p[0].node, 1);
    assert_float_equal(p[0].offset_m, 100, 0);
    hl_placement_destroy(pl);
    hl_net_destroy(net);

    /* an empty network places nothing */
    net = build(ctx, NULL, 0, NULL);
    assert_int_equal(hl_net_edge_count(net), 0);
    p = place(ctx, net, pts, 1, NULL, &pl);
    assert_int_equal(p[0].status, HL_PLACE_NO_NETWORK);
    hl_placement_destroy(pl);
    hl_net_destroy(net);
    hl_ctx_destroy(ctx);
}

static void test_place_attach_node(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    const double a[] = {0, 0, 100, 0};
    hl_road_line L = mkline(a, 2, 36, 1, 0, 0);
    hl_network *net = build(ctx, &L, 1, NULL);
    /* (-5,3) projects onto (0,0); (1e-7,5) is 1e-7 m along: within 1e-6;
     * (2e-6,5) is not; (100+3, 4) projects onto the end */
    const double pts[] = {-5, 3, 1e-7, 5, 2e-6, 5, 103, 4};
    hl_placement *pl;
    const hl_place *p = place(ctx, net, pts, 4, NULL, &pl);
    assert_true(p[0].at_node);
    assert_int_equal(p[0].node, 0);
    assert_float_equal(p[0].offset_m, 0, 0);
    assert_float_equal(p[0].snap_m, sqrt(34.0), EPS);
    assert_true(p[1].at_node);
    assert_int_equal(p[1].node, 0);
    assert_float_equal(p[1].snap_m, 5, EPS);
    assert_false(p[2].at_node);
    assert_float_equal(p[2].offset_m, 2e-6, 1e-12);
    assert_true(p[3].at_node);
    assert_int_equal(p[3].node, 1);
    assert_float_equal(p[3].snap_m, 5, EPS);

    /* routable: attached points split nothing; one split node for p[2] */
    hl_routable *r = NULL;
    const hl_placement *sets[1] = {pl};
    assert_int_equal(hl_net_routable(ctx, net, sets, 1, 3.6, &r), HL_OK);
    assert_int_equal(hl_routable_node_count(r), 2 + 1 + 4);
    assert_int_equal(hl_routable_edge_count(r), 2 + 4);
    uint32_t node, con;
    assert_true(hl_routable_point(r, 0, 0, &node, &con));
    assert_int_equal(node, 3);
    assert_int_equal(con, 2);
    assert_int_equal(hl_routable_to(r)[con], 0); /* connector to network node 0 */
    assert_float_equal(hl_routable_fwd_s(r)[con], sqrt(34.0), EPS); /* 1 m/s */
    assert_true(hl_routable_point(r, 0, 3, &node, &con));
    assert_int_equal(hl_routable_to(r)[con], 1);
    assert_true(hl_routable_point(r, 0, 2, &node, &con));
    assert_int_equal(hl_routable_to(r)[con], 2);
    /* the one-way edge in two pieces: backward closed on both */
    assert_true(isinf(hl_routable_bwd_s(r)[0]));
    assert_true(isinf(hl_routable_bwd_s(r)[1]));
    assert_float_equal(hl_routable_fwd_s(r)[0] + hl_routable_fwd_s(r)[1], 10, EPS);
    hl_routable_destroy(r);
    hl_placement_destroy(pl);
    hl_net_destroy(net);
    hl_ctx_destroy(ctx);
}

/* (5,5) is 5 m from both y=0 and y=10: the lower edge wins, whichever it is. */
static void test_place_tie(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    const double a[] = {0, 0, 10, 0}, b[] = {0, 10, 10, 10};
    const double pt[] = {5, 5};
    hl_road_line L[2] = {mkline(a, 2, 36, 0, 0, 0), mkline(b, 2, 36, 0, 0, 1)};
    hl_network *net = build(ctx, L, 2, NULL);
    hl_placement *pl;
    const hl_place *p = place(ctx, net, pt, 1, NULL, &pl);
    assert_int_equal(p[0].edge, 0);
    assert_float_equal(p[0].y, 0, 0);
    assert_float_equal(p[0].snap_m, 5, 0);
    hl_placement_destroy(pl);
    hl_net_destroy(net);
    hl_road_line R[2] = {L[1], L[0]};
    net = build(ctx, R, 2, NULL);
    p = place(ctx, net, pt, 1, NULL, &pl);
    assert_int_equal(p[0].edge, 0);
    assert_float_equal(p[0].y, 10, 0);
    hl_placement_destroy(pl);
    hl_net_destroy(net);
    hl_ctx_destroy(ctx);
}

/* Edge (0,0)-(100,0), 10 s; points at 70 (3 m off) and 30 (4 m off) of one set,
 * one origin at 30 too (another set) and one unplaced. */
static void test_routable_chain(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    const double a[] = {0, 0, 100, 0};
    hl_road_line L = mkline(a, 2, 36, 0, 0, 0);
    hl_network *net = build(ctx, &L, 1, NULL);
    const double fac[] = {70, -3, 30, 4}, org[] = {30, -1, 5000, 5000};
    hl_placement *pf, *po;
    place(ctx, net, fac, 2, NULL, &pf);
    place(ctx, net, org, 2, NULL, &po);
    const hl_placement *sets[2] = {po, pf};
    hl_routable *r = NULL;
    assert_int_equal(hl_net_routable(ctx, net, sets, 2, 3.6, &r), HL_OK);
    /* nodes: 0,1 network; 2 split at 30 (shared by two points), 3 split at 70;
     * 4 = origin 0, 5 = facility 0 (at 70), 6 = facility 1 (at 30) */
    assert_int_equal(hl_routable_node_count(r), 7);
    assert_int_equal(hl_routable_edge_count(r), 3 + 3);
    const uint32_t *f = hl_routable_from(r), *t = hl_routable_to(r), *ne = hl_routable_net_edge(r);
    const double *fw = hl_routable_fwd_s(r), *bw = hl_routable_bwd_s(r), *len = hl_routable_len_m(r);
    const double *o0 = hl_routable_net_from_m(r), *o1 = hl_routable_net_to_m(r);
    uint32_t ef[] = {0, 2, 3}, et[] = {2, 3, 1};
    double el[] = {30, 40, 30};
    double sum = 0;
    for (int e = 0; e < 3; e++) {
        assert_int_equal(f[e], ef[e]);
        assert_int_equal(t[e], et[e]);
        assert_int_equal(ne[e], 0);
        assert_float_equal(len[e], el[e], EPS);
        assert_float_equal(fw[e], el[e] / 10, EPS);
        assert_float_equal(bw[e], el[e] / 10, EPS);
        assert_float_equal(o1[e] - o0[e], el[e], EPS);
        sum += fw[e];
    }
    assert_float_equal(sum, 10, 1e-12);
    uint32_t node, con;
    assert_true(hl_routable_point(r, 0, 0, &node, &con));
    assert_int_equal(node, 4);
    assert_int_equal(con, 3);
    assert_int_equal(t[con], 2);
    assert_int_equal(ne[con], HL_ROUTABLE_CONNECTOR);
    assert_float_equal(len[con], 1, EPS);
    assert_float_equal(fw[con], 1, EPS);
    assert_false(hl_routable_point(r, 0, 1, &node, &con)); /* too far */
    assert_true(hl_routable_point(r, 1, 0, &node, &con));
    assert_int_equal(node, 5);
    assert_int_equal(f[con], 5);
    assert_int_equal(t[con], 3);
    assert_float_equal(fw[con], 3, EPS);
    assert_float_equal(bw[con], 3, EPS);
    assert_true(hl_routable_point(r, 1, 1, &node, &con));
    assert_int_equal(node, 6);
    assert_int_equal(t[con], 2);
    assert_float_equal(fw[con], 4, EPS);
    assert_false(hl_routable_point(r, 2, 0, &node, &con));
    const double *nxy = hl_routable_nodes_xy(r);
    assert_float_equal(nxy[2 * 3], 70, EPS);
    assert_float_equal(nxy[2 * 5 + 1], -3, 0);
    hl_routable_destroy(r);

    /* a set from another network is refused */
    hl_network *net2 = build(ctx, &L, 1, NULL);
    assert_int_equal(hl_net_routable(ctx, net2, sets, 2, 3.6, &r), HL_E_ARG);
    assert_null(r);
    hl_net_destroy(net2);
    hl_placement_destroy(pf);
    hl_placement_destroy(po);
    hl_net_destroy(net);
    hl_ctx_destroy(ctx);
}

/* Main network: three edges in a chain; an island edge 300 m away. */
static void test_island_and_main_only(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    const double island[] = {0, 300, 20, 300}, main_[] = {0, 0, 100, 0, 200, 0, 300, 0};
    hl_road_line L[4] = {mkline(island, 2, 36, 0, 0, 0), mkline(main_, 2, 36, 0, 0, 1),
                         mkline(main_ + 2, 2, 36, 0, 0, 2), mkline(main_ + 4, 2, 36, 0, 0, 3)};
    hl_network *net = build(ctx, L, 4, NULL);
    assert_int_equal(hl_net_component_count(net), 2);
    hl_net_component c;
    hl_net_component_get(net, 0, &c);
    assert_int_equal(c.n_nodes, 4);
    assert_int_equal(c.n_edges, 3);
    assert_float_equal(c.len_m, 300, EPS);
    hl_net_component_get(net, 1, &c);
    assert_int_equal(c.n_nodes, 2);
    assert_float_equal(c.len_m, 20, EPS);
    assert_int_equal(hl_net_node_components(net)[0], 1); /* node 0 = (0,300) */
    assert_int_equal(hl_net_node_components(net)[2], 0);

    const double pt[] = {10, 290};
    hl_placement *pl;
    const hl_place *p = place(ctx, net, pt, 1, NULL, &pl);
    assert_int_equal(p[0].edge, 0);
    assert_int_equal(p[0].component, 1);
    assert_int_equal(p[0].comp_n_nodes, 2);
    assert_float_equal(p[0].comp_len_m, 20, EPS);
    assert_float_equal(p[0].snap_m, 10, EPS);
    hl_placement_destroy(pl);
    hl_place_opts o;
    hl_place_opts_init(&o);
    o.main_network_only = true;
    p = place(ctx, net, pt, 1, &o, &pl);
    assert_int_equal(p[0].status, HL_PLACE_OK);
    assert_int_equal(p[0].edge, 1);
    assert_int_equal(p[0].component, 0);
    assert_float_equal(p[0].snap_m, 290, EPS);
    assert_int_equal(p[0].comp_n_nodes, 4);
    hl_placement_destroy(pl);
    o.max_snap_m = 200;
    p = place(ctx, net, pt, 1, &o, &pl);
    assert_int_equal(p[0].status, HL_PLACE_TOO_FAR);
    hl_placement_destroy(pl);
    hl_net_destroy(net);
    hl_ctx_destroy(ctx);
}

/* A: (0,0)-(10,0); B starts 3 m above A's middle: (5,3)-(5,20). */
static void test_near_miss_to_line(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    const double a[] = {0, 0, 10, 0}, b[] = {5, 3, 5, 20};
    hl_road_line L[2] = {mkline(a, 2, 36, 0, 0, 0), mkline(b, 2, 36, 0, 0, 1)};
    hl_net_opts o;
    hl_net_opts_init(&o);
    hl_network *net = build(ctx, L, 2, &o);
    size_t n;
    const hl_net_near_miss *m = hl_net_near_misses(net, &n);
    /* nodes 0=(0,0) 1=(10,0) 2=(5,3) 3=(5,20).  (0,0) and (10,0) are sqrt(34) from
     * (5,3); (5,3) is 3 m from (5,0) on edge 0; (5,20) is 20 m from A */
    assert_int_equal(n, 3);
    assert_int_equal(m[0].node, 0);
    assert_int_equal(m[0].edge, 1);
    assert_float_equal(m[0].dist_m, sqrt(34.0), EPS);
    assert_true(m[0].at_node);
    assert_int_equal(m[0].other_node, 2);
    assert_int_equal(m[1].node, 1);
    assert_int_equal(m[2].node, 2);
    assert_int_equal(m[2].edge, 0);
    assert_float_equal(m[2].dist_m, 3, EPS);
    assert_false(m[2].at_node);
    assert_float_equal(m[2].x, 5, EPS);
    assert_float_equal(m[2].y, 0, 0);
    hl_net_destroy(net);
    o.near_miss_m = 3; /* strictly closer than: nothing */
    net = build(ctx, L, 2, &o);
    hl_net_near_misses(net, &n);
    assert_int_equal(n, 0);
    hl_net_destroy(net);
    hl_ctx_destroy(ctx);
}

/* (0,0)-(10,0)-(10,10): 20 m. */
static void test_edge_substring(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    const double a[] = {0, 0, 10, 0, 10, 10};
    hl_road_line L = mkline(a, 3, 36, 0, 0, 0);
    hl_network *net = build(ctx, &L, 1, NULL);
    double *xy;
    size_t n;
    assert_int_equal(hl_net_edge_substring(ctx, net, 0, 5, 15, &xy, &n), HL_OK);
    assert_int_equal(n, 3);
    double e1[] = {5, 0, 10, 0, 10, 5};
    for (int i = 0; i < 6; i++) assert_float_equal(xy[i], e1[i], EPS);
    hl_free(xy);
    assert_int_equal(hl_net_edge_substring(ctx, net, 0, 15, 5, &xy, &n), HL_OK);
    assert_int_equal(n, 3);
    double e2[] = {10, 5, 10, 0, 5, 0};
    for (int i = 0; i < 6; i++) assert_float_equal(xy[i], e2[i], EPS);
    hl_free(xy);
    assert_int_equal(hl_net_edge_substring(ctx, net, 0, -3, 99, &xy, &n), HL_OK);
    assert_int_equal(n, 3);
    for (int i = 0; i < 6; i++) assert_float_equal(xy[i], a[i], 0);
    hl_free(xy);
    assert_int_equal(hl_net_edge_substring(ctx, net, 0, 10, 20, &xy, &n), HL_OK);
    assert_int_equal(n, 2);
    double e3[] = {10, 0, 10, 10};
    for (int i = 0; i < 4; i++) assert_float_equal(xy[i], e3[i], 0);
    hl_free(xy);
    assert_int_equal(hl_net_edge_substring(ctx, net, 0, 7, 7, &xy, &n), HL_OK);
    assert_int_equal(n, 2);
    assert_float_equal(xy[0], 7, EPS);
    assert_float_equal(xy[2], 7, EPS);
    hl_free(xy);
    assert_int_equal(hl_net_edge_substring(ctx, net, 1, 0, 1, &xy, &n), HL_E_ARG);
    hl_net_destroy(net);
    hl_ctx_destroy(ctx);
}

/* Build + place + routable with the Nth allocation failing, N = 1, 2, ... */
static void test_alloc_failures(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    const double a[] = {0, 0, 5, 0, 10, 0}, b[] = {5, 0, 5, 5}, c[] = {2, -5, 2, 5}, d[] = {10.4, 0, 20, 3};
    hl_road_line L[4] = {mkline(a, 3, 36, 0, 0, 0), mkline(b, 2, 36, 1, 0, 1), mkline(c, 2, 36, 0, 0, 2),
                         mkline(d, 2, 36, -1, 0, 3)};
    const double pts[] = {3, 1, 7, -2, 5, 5, 50, 50};
    hl_net_opts o;
    hl_net_opts_init(&o);
    o.node_crossings = true;
    int ok = 0;
    for (uint64_t n = 1; n < 10000 && !ok; n++) {
        hl_network *net = NULL;
        hl_placement *pl = NULL;
        hl_routable *r = NULL;
        hl_status rc;
        hl_ctx_fail_alloc_after(ctx, n);
        rc = hl_net_build(ctx, L, 4, &o, &net);
        if (rc == HL_OK) rc = hl_net_place(ctx, net, pts, 4, NULL, &pl);
        if (rc == HL_OK) {
            const hl_placement *sets[1] = {pl};
            rc = hl_net_routable(ctx, net, sets, 1, 5, &r);
        }
        if (rc == HL_OK) {
            ok = 1;
            hl_ctx_fail_alloc_after(ctx, 0);
            /* a in 3 pieces (crossed by c at (2,0)), b, c in 2, d (merged onto (10,0)) */
            assert_int_equal(hl_net_edge_count(net), 7);
            /* (3,1) and (7,-2) split an edge each; (5,5) and (50,50) attach to nodes */
            assert_int_equal(hl_routable_edge_count(r), 7 + 2 + 4);
        } else {
            assert_int_equal(rc, HL_E_NOMEM);
        }
        hl_routable_destroy(r);
        hl_placement_destroy(pl);
        hl_net_destroy(net);
    }
    assert_true(ok);
    hl_ctx_destroy(ctx);
}

/* ---------- brute-force cross-checks ---------- */

static uint64_t rng_state = 88172645463325252ULL;
static double urand(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* The nearest edge by scanning every segment, with the documented tie rule. */
static void test_nearest_brute_force(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    enum { NL = 300, NP = 2000 };
    static double xy[NL][8];
    hl_road_line L[NL];
    for (int l = 0; l < NL; l++) {
        int nv = 2 + l % 3;
        double x = urand() * 1000, y = urand() * 1000;
        for (int v = 0; v < nv; v++) {
            xy[l][2 * v] = x;
            xy[l][2 * v + 1] = y;
            x += (urand() - 0.5) * 80;
            y += (urand() - 0.5) * 80;
        }
        if (l % 10 == 0) { /* some grid-aligned lines for exact ties */
            xy[l][0] = (double)(l % 7) * 100;
            xy[l][1] = 0;
            xy[l][2] = xy[l][0];
            xy[l][3] = 900;
            nv = 2;
        }
        L[l] = mkline(xy[l], (size_t)nv, 30, 0, 0, l);
    }
    hl_net_opts o;
    hl_net_opts_init(&o);
    hl_network *net = build(ctx, L, NL, &o);
    static double pts[2 * NP];
    for (int i = 0; i < NP; i++) {
        pts[2 * i] = urand() * 1400 - 200;
        pts[2 * i + 1] = urand() * 1400 - 200;
        if (i % 5 == 0) pts[2 * i] = 50 + (double)(i % 6) * 100; /* midway between aligned lines */
    }
    hl_place_opts po;
    hl_place_opts_init(&po);
    po.max_snap_m = 60;
    hl_placement *pl;
    const hl_place *p = place(ctx, net, pts, NP, &po, &pl);
    size_t ne = hl_net_edge_count(net);
    for (int i = 0; i < NP; i++) {
        double best = INFINITY;
        uint32_t be = 0;
        for (uint32_t e = 0; e < ne; e++) {
            hl_net_edge ed;
            hl_net_edge_get(net, e, &ed);
            for (size_t v = 0; v + 1 < ed.n_vertices; v++) {
                const double *s = ed.xy + 2 * v;
                double dx = s[2] - s[0], dy = s[3] - s[1];
                double t = ((pts[2 * i] - s[0]) * dx + (pts[2 * i + 1] - s[1]) * dy) / (dx * dx + dy * dy);
                double qx, qy;
                if (t <= 0) qx = s[0], qy = s[1];
                else if (t >= 1) qx = s[2], qy = s[3];
                else qx = s[0] + t * dx, qy = s[1] + t * dy;
                double d = sqrt((pts[2 * i] - qx) * (pts[2 * i] - qx) + (pts[2 * i + 1] - qy) * (pts[2 * i + 1] - qy));
                if (d < best) best = d, be = e;
            }
        }
        if (best <= po.max_snap_m) {
            assert_int_equal(p[i].status, HL_PLACE_OK);
            assert_int_equal(p[i].edge, be);
            assert_true(p[i].snap_m == best);
        } else {
            assert_int_equal(p[i].status, HL_PLACE_TOO_FAR);
        }
    }
    hl_placement_destroy(pl);
    hl_net_destroy(net);
    hl_ctx_destroy(ctx);
}

/* Random single-segment lines: with node_crossings every proper crossing adds a
 * node and splits both lines, so edges = lines + 2 X and nodes = 2 lines + X. */
static void test_crossings_brute_force(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    enum { NL = 200 };
    static double xy[NL][4];
    hl_road_line L[NL];
    for (int l = 0; l < NL; l++) {
        xy[l][0] = urand() * 1000;
        xy[l][1] = urand() * 1000;
        xy[l][2] = xy[l][0] + (urand() - 0.5) * 300;
        xy[l][3] = xy[l][1] + (urand() - 0.5) * 300;
        L[l] = mkline(xy[l], 2, 30, 0, 0, l);
    }
    size_t x = 0;
    for (int i = 0; i < NL; i++)
        for (int j = i + 1; j < NL; j++) {
            const double *p = xy[i], *q = xy[j];
            double o1 = (q[2] - q[0]) * (p[1] - q[1]) - (q[3] - q[1]) * (p[0] - q[0]);
            double o2 = (q[2] - q[0]) * (p[3] - q[1]) - (q[3] - q[1]) * (p[2] - q[0]);
            double o3 = (p[2] - p[0]) * (q[1] - p[1]) - (p[3] - p[1]) * (q[0] - p[0]);
            double o4 = (p[2] - p[0]) * (q[3] - p[1]) - (p[3] - p[1]) * (q[2] - p[0]);
            if (((o1 < 0) != (o2 < 0)) && ((o3 < 0) != (o4 < 0))) x++;
        }
    assert_true(x > 50);
    hl_net_opts o;
    hl_net_opts_init(&o);
    o.node_crossings = true;
    o.snap_tol_m = 0;
    hl_network *net = build(ctx, L, NL, &o);
    assert_int_equal(hl_net_edge_count(net), NL + 2 * x);
    assert_int_equal(hl_net_node_count(net), 2 * NL + x);
    /* every edge piece lies on its line, and pieces of a line add up to its length */
    double sum = 0;
    for (size_t e = 0; e < hl_net_edge_count(net); e++) sum += hl_net_edges_len_m(net)[e];
    double want = 0;
    for (int l = 0; l < NL; l++) want += hypot(xy[l][2] - xy[l][0], xy[l][3] - xy[l][1]);
    assert_float_equal(sum, want, 1e-6);
    hl_net_destroy(net);
    hl_ctx_destroy(ctx);
}

/* Not a ctest case unless HL_NET_BENCH is set: a ~1M-edge grid. */
static void test_bench_million(void **state) {
    (void)state;
    if (!getenv("HL_NET_BENCH")) skip();
    hl_ctx *ctx = hl_ctx_create();
    enum { N = 708 };
    double *xy = malloc(sizeof(double) * 2 * N * N * 2);
    hl_road_line *L = malloc(sizeof *L * 2 * N);
    for (int j = 0; j < N; j++)
        for (int i = 0; i < N; i++) {
            xy[(size_t)2 * (j * N + i)] = i * 10.0;
            xy[(size_t)2 * (j * N + i) + 1] = j * 10.0;
            xy[(size_t)2 * N * N + 2 * (j * N + i)] = j * 10.0;
            xy[(size_t)2 * N * N + 2 * (j * N + i) + 1] = i * 10.0;
        }
    for (int j = 0; j < 2 * N; j++) L[j] = mkline(xy + (size_t)2 * j * N, N, 30, 0, 0, j);
    struct timespec t0, t1, t2;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    hl_network *net = build(ctx, L, 2 * N, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double *pts = malloc(sizeof(double) * 2 * 100000);
    for (int i = 0; i < 100000; i++) {
        pts[2 * i] = urand() * 7070;
        pts[2 * i + 1] = urand() * 7070;
    }
    hl_placement *pl;
    place(ctx, net, pts, 100000, NULL, &pl);
    hl_routable *r;
    const hl_placement *sets[1] = {pl};
    assert_int_equal(hl_net_routable(ctx, net, sets, 1, 5, &r), HL_OK);
    clock_gettime(CLOCK_MONOTONIC, &t2);
    fprintf(stderr, "bench: %zu edges built in %.2f s; 100000 points placed + routable in %.2f s\n",
            hl_net_edge_count(net), (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
            (t2.tv_sec - t1.tv_sec) + (t2.tv_nsec - t1.tv_nsec) / 1e9);
    assert_int_equal(hl_net_edge_count(net), (size_t)2 * N * (N - 1));
    hl_net_opts o;
    hl_net_opts_init(&o);
    o.node_crossings = true;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    hl_network *net2 = build(ctx, L, 2 * N, &o);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr, "bench: with node_crossings %.2f s\n", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    assert_int_equal(hl_net_edge_count(net2), (size_t)2 * N * (N - 1));
    hl_net_destroy(net2);
    hl_routable_destroy(r);
    hl_placement_destroy(pl);
    hl_net_destroy(net);
    free(pts);
    free(xy);
    free(L);
    hl_ctx_destroy(ctx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crossing_not_connected),
        cmocka_unit_test(test_t_junction),
        cmocka_unit_test(test_vertex_passed_twice),
        cmocka_unit_test(test_snap_merge),
        cmocka_unit_test(test_snap_keeps_shared_vertex),
        cmocka_unit_test(test_duplicates_and_zero_length),
        cmocka_unit_test(test_oneway_times),
        cmocka_unit_test(test_place_max_snap),
        cmocka_unit_test(test_place_attach_node),
        cmocka_unit_test(test_place_tie),
        cmocka_unit_test(test_routable_chain),
        cmocka_unit_test(test_island_and_main_only),
        cmocka_unit_test(test_near_miss_to_line),
        cmocka_unit_test(test_edge_substring),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_nearest_brute_force),
        cmocka_unit_test(test_crossings_brute_force),
        cmocka_unit_test(test_bench_million),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
