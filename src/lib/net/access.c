/* Read-only accessors of a built network, and hl_net_edge_substring, which
 * cuts an edge's geometry between two offsets (service areas ending at the
 * exact point reached). */
#include <math.h>
#include <string.h>

#include "net/net_int.h"

size_t hl_net_node_count(const hl_network *net) { return net->n_nodes; }
const double *hl_net_nodes_xy(const hl_network *net) { return net->node_xy; }
size_t hl_net_edge_count(const hl_network *net) { return net->n_edges; }
const uint32_t *hl_net_edges_from(const hl_network *net) { return net->e_from; }
const uint32_t *hl_net_edges_to(const hl_network *net) { return net->e_to; }
const double *hl_net_edges_len_m(const hl_network *net) { return net->e_len_m; }
const double *hl_net_edges_fwd_s(const hl_network *net) { return net->e_fwd_s; }
const double *hl_net_edges_bwd_s(const hl_network *net) { return net->e_bwd_s; }

void hl_net_edge_get(const hl_network *net, uint32_t edge, hl_net_edge *out) {
    memset(out, 0, sizeof *out);
    if (edge >= net->n_edges) return;
    out->from = net->e_from[edge];
    out->to = net->e_to[edge];
    out->len_m = net->e_len_m[edge];
    out->fwd_s = net->e_fwd_s[edge];
    out->bwd_s = net->e_bwd_s[edge];
    out->speed_kmh = net->e_speed_kmh[edge];
    out->road_index = net->e_road[edge];
    out->component = net->e_comp[edge];
    out->xy = net->v_xy + 2 * net->e_voff[edge];
    out->n_vertices = net->e_voff[edge + 1] - net->e_voff[edge];
}

size_t hl_net_component_count(const hl_network *net) { return net->n_comps; }

void hl_net_component_get(const hl_network *net, uint32_t component, hl_net_component *out) {
    memset(out, 0, sizeof *out);
    if (component < net->n_comps) *out = net->comps[component];
}

const uint32_t *hl_net_node_components(const hl_network *net) { return net->node_comp; }

const uint32_t *hl_net_dangles(const hl_network *net, size_t *n) {
    *n = net->n_dangles;
    return net->dangles;
}

const hl_net_near_miss *hl_net_near_misses(const hl_network *net, size_t *n) {
    *n = net->n_near;
    return net->near;
}

void hl_net_stats_get(const hl_network *net, hl_net_stats *out) { *out = net->stats; }

/* The point at offset o (0..len) along edge vertices v0..v1 (flat indices). */
static void point_at(const hl_network *net, size_t v0, size_t v1, double o, double *x, double *y) {
    size_t lo = v0, hi = v1 - 1; /* find the last segment start k with cum[k] <= o */
    const double *cum = net->v_cum_m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if (cum[mid] <= o) lo = mid;
        else hi = mid - 1;
    }
    if (lo >= v1 - 1) { /* at or past the last vertex */
        *x = net->v_xy[2 * (v1 - 1)];
        *y = net->v_xy[2 * (v1 - 1) + 1];
        return;
    }
    if (o <= cum[lo]) {
        *x = net->v_xy[2 * lo];
        *y = net->v_xy[2 * lo + 1];
        return;
    }
    {
        double t = (o - cum[lo]) / (cum[lo + 1] - cum[lo]);
        const double *a = net->v_xy + 2 * lo;
        *x = a[0] + t * (a[2] - a[0]);
        *y = a[1] + t * (a[3] - a[1]);
    }
}

hl_status hl_net_edge_substring(hl_ctx *ctx, const hl_network *net, uint32_t edge, double from_m,
                                double to_m, double **xy, size_t *n_out) {
    size_t v0, v1, n = 2, k;
    double lo, hi, len;
    bool rev;
    double *p;
    *xy = NULL;
    *n_out = 0;
    if (edge >= net->n_edges) return hl_error(ctx, HL_E_ARG, "edge %u does not exist (%zu edges)", edge, net->n_edges);
    if (isnan(from_m) || isnan(to_m)) return hl_error(ctx, HL_E_ARG, "edge substring: offset is not a number");
    len = net->e_len_m[edge];
    v0 = net->e_voff[edge];
    v1 = net->e_voff[edge + 1];
    from_m = fmin(fmax(from_m, 0.0), len);
    to_m = fmin(fmax(to_m, 0.0), len);
    rev = from_m > to_m;
    lo = rev ? to_m : from_m;
    hi = rev ? from_m : to_m;
    for (size_t v = v0; v < v1; v++) n += net->v_cum_m[v] > lo && net->v_cum_m[v] < hi;
    p = hl_malloc(ctx, n * 2 * sizeof *p);
    if (!p) return hl_error(ctx, HL_E_NOMEM, "out of memory cutting edge %u", edge);
    point_at(net, v0, v1, lo, &p[0], &p[1]);
    k = 1;
    for (size_t v = v0; v < v1; v++) {
        if (net->v_cum_m[v] > lo && net->v_cum_m[v] < hi) {
            p[2 * k] = net->v_xy[2 * v];
            p[2 * k + 1] = net->v_xy[2 * v + 1];
            k++;
        }
    }
    point_at(net, v0, v1, hi, &p[2 * k], &p[2 * k + 1]);
    if (rev) {
        for (size_t i = 0, j = n - 1; i < j; i++, j--) {
            double tx = p[2 * i], ty = p[2 * i + 1];
            p[2 * i] = p[2 * j];
            p[2 * i + 1] = p[2 * j + 1];
            p[2 * j] = tx;
            p[2 * j + 1] = ty;
        }
    }
    *xy = p;
    *n_out = n;
    return HL_OK;
}
