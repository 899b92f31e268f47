/* Fuzz entry for the network builder: bytes -> a few road polylines on a 10 m
 * grid (plus small offsets, so snapping and near misses happen) -> hl_net_build
 * -> hl_net_place (two point sets) -> hl_net_routable -> hl_graph_create ->
 * hl_route_search, checked against independent brute force: every placed
 * point's snap distance is the minimum point-segment distance over all edges,
 * every unplaced one is farther than max_snap_m, and the search times equal
 * Bellman-Ford's on the routable graph.
 *
 * Layout: byte 0 options (bit 0 node_crossings; bits 1-2 snap_tol_m 0, 0.5,
 * 1, 5; bits 3-4 near_miss_m 0, 1, 10, 50; bit 5 main network only; bits 6-7
 * max_snap_m 0, 10, 100, 2000); byte 1 the line count (mod 16); per line a
 * header byte h (vertices 1 + (h & 7) % 6, oneway ((h >> 3) & 3) % 3 - 1, level
 * (h >> 5) & 1)
 * and a speed byte (255 = 0 km/h, invalid; else 1 + s % 120), then 3 bytes per
 * vertex (x, y as signed bytes times 10 m, the third byte's nibbles adding
 * 0.07 m steps); the remaining bytes are points, 2 per point (signed bytes
 * times 10 m plus 3 m), at most 32, split between two sets.
 * Shared by fuzz_network.c and the replay test. */
#ifndef HL_FUZZ_NETWORK_H
#define HL_FUZZ_NETWORK_H

#include <math.h>

#include "fuzz_common.h"
#include "hl/network.h"
#include "hl/route.h"

/* How often each oracle ran (the replay test checks they are not vacuous). */
static struct {
    size_t built, placed_checked, unplaced_checked, search_checked;
} hl_fuzz_network_stats;

typedef struct hl_fuzz_reader {
    const uint8_t *p;
    size_t n;
} hl_fuzz_reader;

static inline int hl_fuzz_byte(hl_fuzz_reader *r, uint8_t *b) {
    if (!r->n) return 0;
    *b = *r->p++;
    r->n--;
    return 1;
}

static inline double hl_fuzz_seg_dist(double px, double py, double ax, double ay, double bx, double by) {
    double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy, t = 0;
    if (l2 > 0) {
        t = ((px - ax) * dx + (py - ay) * dy) / l2;
        if (t < 0) t = 0;
        if (t > 1) t = 1;
    }
    return hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/* The brute-force distance from a point to the nearest edge (of component 0
 * only when main_only). */
static inline double hl_fuzz_min_edge_dist(const hl_network *net, double x, double y, bool main_only) {
    double best = INFINITY;
    for (uint32_t e = 0; e < hl_net_edge_count(net); e++) {
        hl_net_edge ed;
        hl_net_edge_get(net, e, &ed);
        if (main_only && ed.component != 0) continue;
        for (size_t k = 0; k + 1 < ed.n_vertices; k++) {
            double d = hl_fuzz_seg_dist(x, y, ed.xy[2 * k], ed.xy[2 * k + 1], ed.xy[2 * k + 2], ed.xy[2 * k + 3]);
            if (d < best) best = d;
        }
    }
    return best;
}

static inline void hl_fuzz_check_network(const hl_network *net) {
    size_t nn = hl_net_node_count(net), ne = hl_net_edge_count(net), nc = hl_net_component_count(net);
    size_t sum_nodes = 0;
    const uint32_t *comp = hl_net_node_components(net);
    for (uint32_t e = 0; e < ne; e++) {
        hl_net_edge ed;
        hl_net_edge_get(net, e, &ed);
        HL_FUZZ_CHECK(ed.from < nn && ed.to < nn);
        HL_FUZZ_CHECK(isfinite(ed.len_m) && ed.len_m > 0);
        HL_FUZZ_CHECK(ed.fwd_s > 0 && ed.bwd_s > 0); /* positive or INFINITY, never NaN */
        HL_FUZZ_CHECK(isfinite(ed.fwd_s) || isfinite(ed.bwd_s));
        HL_FUZZ_CHECK(ed.component < nc && comp[ed.from] == ed.component && comp[ed.to] == ed.component);
        HL_FUZZ_CHECK(ed.n_vertices >= 2);
    }
    for (uint32_t c = 0; c < nc; c++) {
        hl_net_component hc;
        hl_net_component_get(net, c, &hc);
        sum_nodes += hc.n_nodes;
    }
    HL_FUZZ_CHECK(sum_nodes == nn);
}

/* Bellman-Ford from one node, forward, on the routable arrays. */
static inline void hl_fuzz_bellman_ford(const hl_routable *r, uint32_t src, double *t) {
    size_t nn = hl_routable_node_count(r), ne = hl_routable_edge_count(r);
    const uint32_t *from = hl_routable_from(r), *to = hl_routable_to(r);
    const double *fw = hl_routable_fwd_s(r), *bw = hl_routable_bwd_s(r);
    for (size_t v = 0; v < nn; v++) t[v] = INFINITY;
    t[src] = 0;
    for (size_t it = 0; it < nn; it++) {
        bool changed = false;
        for (size_t e = 0; e < ne; e++) {
            if (t[from[e]] + fw[e] < t[to[e]]) {
                t[to[e]] = t[from[e]] + fw[e];
                changed = true;
            }
            if (t[to[e]] + bw[e] < t[from[e]]) {
                t[from[e]] = t[to[e]] + bw[e];
                changed = true;
            }
        }
        if (!changed) break;
    }
}

static inline int hl_fuzz_network(const uint8_t *data, size_t size) {
    static const double snap_tols[4] = {0, 0.5, 1, 5}, near_misses[4] = {0, 1, 10, 50},
                        max_snaps[4] = {0, 10, 100, 2000};
    hl_fuzz_reader rd = {data, size};
    hl_road_line lines[16];
    double coords[16][12];
    double pts[64];
    size_t n_lines = 0, n_pts = 0;
    uint8_t opt = 0, b;
    hl_net_opts no;
    hl_place_opts po;
    hl_ctx *ctx = NULL;
    hl_network *net = NULL;
    hl_placement *pl[2] = {NULL, NULL};
    hl_routable *rt = NULL;
    hl_graph *g = NULL;
    double *t = NULL, *bf = NULL;
    hl_status rc;
    bool bad_input = false;

    if (!hl_fuzz_byte(&rd, &opt) || !hl_fuzz_byte(&rd, &b)) return 0;
    n_lines = b % 16u;
    for (size_t i = 0; i < n_lines; i++) {
        uint8_t h, s;
        size_t nv;
        if (!hl_fuzz_byte(&rd, &h) || !hl_fuzz_byte(&rd, &s)) {
            n_lines = i;
            break;
        }
        nv = 1 + (h & 7u) % 6u;
        for (size_t k = 0; k < nv; k++) {
            uint8_t bx = 0, by = 0, fr = 0;
            if (!hl_fuzz_byte(&rd, &bx) || !hl_fuzz_byte(&rd, &by) || !hl_fuzz_byte(&rd, &fr)) {
                nv = k;
                break;
            }
            coords[i][2 * k] = (int8_t)bx * 10.0 + (fr & 15) * 0.07;
            coords[i][2 * k + 1] = (int8_t)by * 10.0 + (fr >> 4) * 0.07;
        }
        lines[i].xy = coords[i];
        lines[i].n_vertices = nv;
        lines[i].speed_kmh = s == 255 ? 0.0 : 1.0 + s % 120u;
        if (s == 255) bad_input = true;
        lines[i].oneway = (int)(((h >> 3) & 3u) % 3u) - 1;
        lines[i].level = (h >> 5) & 1;
        lines[i].road_index = (int64_t)i;
    }
    while (n_pts < 32 && rd.n >= 2) {
        uint8_t x, y;
        hl_fuzz_byte(&rd, &x);
        hl_fuzz_byte(&rd, &y);
        pts[2 * n_pts] = (int8_t)x * 10.0 + 3.0;
        pts[2 * n_pts + 1] = (int8_t)y * 10.0 + 3.0;
        n_pts++;
    }

    ctx = hl_ctx_create();
    if (!ctx) return 0;
    hl_net_opts_init(&no);
    no.node_crossings = opt & 1;
    no.snap_tol_m = snap_tols[(opt >> 1) & 3];
    no.near_miss_m = near_misses[(opt >> 3) & 3];
    rc = hl_net_build(ctx, lines, n_lines, &no, &net);
    if (rc) {
        HL_FUZZ_CHECK(net == NULL);
        hl_fuzz_check_error(ctx, rc);
        /* only the zero speed is invalid here */
        HL_FUZZ_CHECK(rc == HL_E_NOMEM || (rc == HL_E_ARG && bad_input));
        goto done;
    }
    hl_fuzz_check_network(net);
    hl_fuzz_network_stats.built++;
    {
        size_t nd = 0, nm = 0;
        const uint32_t *d = hl_net_dangles(net, &nd);
        const hl_net_near_miss *m = hl_net_near_misses(net, &nm);
        for (size_t i = 0; i < nd; i++) HL_FUZZ_CHECK(d[i] < hl_net_node_count(net));
        for (size_t i = 0; i < nm; i++) {
            HL_FUZZ_CHECK(m[i].node < hl_net_node_count(net) && m[i].edge < hl_net_edge_count(net));
            HL_FUZZ_CHECK(m[i].dist_m >= 0 && m[i].dist_m < no.near_miss_m);
        }
    }
    if (hl_net_edge_count(net)) {
        double *sxy = NULL;
        size_t sn = 0;
        hl_net_edge ed;
        hl_net_edge_get(net, 0, &ed);
        rc = hl_net_edge_substring(ctx, net, 0, ed.len_m * 0.75, ed.len_m * 0.25, &sxy, &sn);
        HL_FUZZ_CHECK(rc == HL_OK || rc == HL_E_NOMEM);
        if (!rc) HL_FUZZ_CHECK(sn >= 2);
        hl_free(sxy);
    }
    hl_place_opts_init(&po);
    po.main_network_only = (opt >> 5) & 1;
    po.max_snap_m = max_snaps[(opt >> 6) & 3];
    {
        size_t half = n_pts / 2;
        if ((rc = hl_net_place(ctx, net, pts, half, &po, &pl[0]))) goto fail;
        if ((rc = hl_net_place(ctx, net, pts + 2 * half, n_pts - half, &po, &pl[1]))) goto fail;
    }
    for (int s = 0; s < 2; s++) {
        const hl_place *pp = hl_placement_places(pl[s]);
        for (size_t i = 0; i < hl_placement_count(pl[s]); i++) {
            double best = hl_fuzz_min_edge_dist(net, pp[i].px, pp[i].py, po.main_network_only);
            if (pp[i].status == HL_PLACE_OK) {
                HL_FUZZ_CHECK(pp[i].edge < hl_net_edge_count(net));
                HL_FUZZ_CHECK(pp[i].snap_m <= po.max_snap_m);
                HL_FUZZ_CHECK(fabs(pp[i].snap_m - best) <= 1e-6);
                hl_fuzz_network_stats.placed_checked++;
            } else if (pp[i].status == HL_PLACE_TOO_FAR) {
                HL_FUZZ_CHECK(best > po.max_snap_m);
                hl_fuzz_network_stats.unplaced_checked++;
            } else {
                HL_FUZZ_CHECK(pp[i].status == HL_PLACE_NO_NETWORK && isinf(best));
            }
        }
    }
    if ((rc = hl_net_routable(ctx, net, (const hl_placement *const *)pl, 2, 5.0, &rt))) goto fail;
    rc = hl_graph_create(ctx, hl_routable_node_count(rt), hl_routable_edge_count(rt), hl_routable_from(rt),
                         hl_routable_to(rt), hl_routable_fwd_s(rt), hl_routable_bwd_s(rt), hl_routable_len_m(rt), &g);
    if (rc) goto fail;
    {
        uint32_t src;
        size_t nn = hl_routable_node_count(rt);
        if (nn && hl_routable_point(rt, 0, 0, &src, NULL)) {
            t = malloc(nn * sizeof *t);
            bf = malloc(nn * sizeof *bf);
            if (t && bf) {
                rc = hl_route_search(ctx, g, NULL, 1, &src, NULL, NULL, NULL, t, NULL, NULL, NULL);
                if (rc) goto fail;
                hl_fuzz_bellman_ford(rt, src, bf);
                for (size_t v = 0; v < nn; v++) {
                    if (isinf(bf[v])) HL_FUZZ_CHECK(isinf(t[v]));
                    else HL_FUZZ_CHECK(fabs(t[v] - bf[v]) <= 1e-6 * (1 + bf[v]));
                }
                hl_fuzz_network_stats.search_checked++;
            }
        }
    }
    goto done;
fail:
    hl_fuzz_check_error(ctx, rc);
    HL_FUZZ_CHECK(rc == HL_E_NOMEM);
done:
    free(t);
    free(bf);
    hl_graph_destroy(g);
    hl_routable_destroy(rt);
    hl_placement_destroy(pl[0]);
    hl_placement_destroy(pl[1]);
    hl_net_destroy(net);
    hl_ctx_destroy(ctx);
    return 0;
}

#endif
