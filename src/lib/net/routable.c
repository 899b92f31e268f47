/* hl_net_routable: the graph routing runs on.  Every network edge is split
 * at the projections of the placed points (pieces keep the direction rules,
 * times in proportion to length), and every placed point becomes a node with
 * one connector edge to the network, travelled at the access speed both
 * ways.  Each routable edge remembers the network edge and the offsets it
 * covers, so results can be drawn on the road geometry. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "net/net_int.h"

#define NO_ID UINT32_MAX

struct hl_routable {
    size_t n_nodes, n_edges;
    uint32_t *from, *to, *net_edge;
    double *fwd_s, *bwd_s, *len_m, *net_from_m, *net_to_m, *node_xy;
    size_t n_sets;
    size_t *set_off;            /* n_sets + 1: the flat index of each set's first point */
    uint32_t *pt_node, *pt_edge; /* per flat point; NO_ID when not placed */
};

typedef struct split_rec {
    uint32_t edge;
    double offset_m;
    size_t g; /* flat point index */
} split_rec;

static int cmp_split(const void *a, const void *b) {
    const split_rec *x = a, *y = b;
    if (x->edge != y->edge) return x->edge < y->edge ? -1 : 1;
    if (x->offset_m != y->offset_m) return x->offset_m < y->offset_m ? -1 : 1;
    return x->g < y->g ? -1 : (x->g > y->g);
}

void hl_routable_destroy(hl_routable *r) {
    if (!r) return;
    hl_free(r->from);
    hl_free(r->to);
    hl_free(r->net_edge);
    hl_free(r->fwd_s);
    hl_free(r->bwd_s);
    hl_free(r->len_m);
    hl_free(r->net_from_m);
    hl_free(r->net_to_m);
    hl_free(r->node_xy);
    hl_free(r->set_off);
    hl_free(r->pt_node);
    hl_free(r->pt_edge);
    hl_free(r);
}

size_t hl_routable_node_count(const hl_routable *r) { return r->n_nodes; }
size_t hl_routable_edge_count(const hl_routable *r) { return r->n_edges; }
const uint32_t *hl_routable_from(const hl_routable *r) { return r->from; }
const uint32_t *hl_routable_to(const hl_routable *r) { return r->to; }
const double *hl_routable_fwd_s(const hl_routable *r) { return r->fwd_s; }
const double *hl_routable_bwd_s(const hl_routable *r) { return r->bwd_s; }
const double *hl_routable_len_m(const hl_routable *r) { return r->len_m; }
const double *hl_routable_nodes_xy(const hl_routable *r) { return r->node_xy; }
const uint32_t *hl_routable_net_edge(const hl_routable *r) { return r->net_edge; }
const double *hl_routable_net_from_m(const hl_routable *r) { return r->net_from_m; }
const double *hl_routable_net_to_m(const hl_routable *r) { return r->net_to_m; }

bool hl_routable_point(const hl_routable *r, size_t set, size_t i, uint32_t *node, uint32_t *connector) {
    size_t g;
    if (set >= r->n_sets || i >= r->set_off[set + 1] - r->set_off[set]) return false;
    g = r->set_off[set] + i;
    if (r->pt_node[g] == NO_ID) return false;
    if (node) *node = r->pt_node[g];
    if (connector) *connector = r->pt_edge[g];
    return true;
}

/* A piece of edge e between offsets a and b (a < b). */
static void put_piece(hl_routable *r, const hl_network *net, size_t k, uint32_t e, uint32_t u, uint32_t v,
                      double a, double b) {
    double len = net->e_len_m[e], frac = (b - a) / len;
    r->from[k] = u;
    r->to[k] = v;
    r->net_edge[k] = e;
    r->net_from_m[k] = a;
    r->net_to_m[k] = b;
    if (a == 0 && b == len) { /* unsplit: the edge's own values, exactly */
        r->len_m[k] = len;
        r->fwd_s[k] = net->e_fwd_s[e];
        r->bwd_s[k] = net->e_bwd_s[e];
    } else {
        r->len_m[k] = b - a;
        r->fwd_s[k] = isinf(net->e_fwd_s[e]) ? INFINITY : net->e_fwd_s[e] * frac;
        r->bwd_s[k] = isinf(net->e_bwd_s[e]) ? INFINITY : net->e_bwd_s[e] * frac;
    }
}

hl_status hl_net_routable(hl_ctx *ctx, const hl_network *net, const hl_placement *const *sets,
                          size_t n_sets, double access_speed_kmh, hl_routable **out) {
    hl_status rc = HL_OK;
    hl_routable *r = NULL;
    split_rec *recs = NULL;
    uint32_t *attach = NULL; /* per flat point: the network-side node of its connector */
    size_t n_pts = 0, n_recs = 0, n_split = 0, n_placed = 0, nn, ne, k;
    double access_ms;

    if (!out) return hl_error(ctx, HL_E_ARG, "hl_net_routable: no output pointer");
    *out = NULL;
    if (!net || (n_sets && !sets)) return hl_error(ctx, HL_E_ARG, "hl_net_routable: no network or no sets");
    if (!(access_speed_kmh > 0) || !isfinite(access_speed_kmh))
        return hl_error(ctx, HL_E_ARG, "access speed %g km/h is not a positive number", access_speed_kmh);
    access_ms = access_speed_kmh / 3.6;
    for (size_t s = 0; s < n_sets; s++) {
        if (!sets[s] || sets[s]->net != net)
            return hl_error(ctx, HL_E_ARG, "placement set %zu was not placed on this network", s);
        n_pts += sets[s]->n;
        for (size_t i = 0; i < sets[s]->n; i++) {
            const hl_place *p = &sets[s]->places[i];
            if (p->status != HL_PLACE_OK) continue;
            n_placed++;
            n_recs += !p->at_node;
        }
    }

    r = hl_calloc(ctx, 1, sizeof *r);
    if (!r) return hl_error(ctx, HL_E_NOMEM, "out of memory for the routable graph");
    r->n_sets = n_sets;
    r->set_off = hl_malloc(ctx, (n_sets + 1) * sizeof *r->set_off);
    r->pt_node = hl_malloc(ctx, (n_pts ? n_pts : 1) * sizeof *r->pt_node);
    r->pt_edge = hl_malloc(ctx, (n_pts ? n_pts : 1) * sizeof *r->pt_edge);
    attach = hl_malloc(ctx, (n_pts ? n_pts : 1) * sizeof *attach);
    recs = hl_malloc(ctx, (n_recs ? n_recs : 1) * sizeof *recs);
    if (!r->set_off || !r->pt_node || !r->pt_edge || !attach || !recs) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory for the routable graph (%zu points)", n_pts);
        goto done;
    }

    /* split points, sorted along each edge; equal offsets share a node */
    k = 0;
    for (size_t s = 0, g = 0; s < n_sets; s++) {
        r->set_off[s] = g;
        for (size_t i = 0; i < sets[s]->n; i++, g++) {
            const hl_place *p = &sets[s]->places[i];
            r->pt_node[g] = NO_ID;
            r->pt_edge[g] = NO_ID;
            attach[g] = NO_ID;
            if (p->status != HL_PLACE_OK) continue;
            if (p->at_node) {
                attach[g] = p->node;
                continue;
            }
            recs[k].edge = p->edge;
            recs[k].offset_m = p->offset_m;
            recs[k].g = g;
            k++;
        }
    }
    r->set_off[n_sets] = n_pts;
    qsort(recs, n_recs, sizeof *recs, cmp_split);
    for (size_t i = 0; i < n_recs; i++) {
        if (i == 0 || recs[i].edge != recs[i - 1].edge || recs[i].offset_m != recs[i - 1].offset_m) n_split++;
        attach[recs[i].g] = (uint32_t)(net->n_nodes + n_split - 1);
    }
    nn = net->n_nodes + n_split + n_placed;
    ne = net->n_edges + n_split + n_placed;
    if (nn >= UINT32_MAX || ne >= UINT32_MAX) {
        rc = hl_error(ctx, HL_E_ARG, "routable graph too large (%zu nodes, %zu edges)", nn, ne);
        goto done;
    }
    r->n_nodes = nn;
    r->n_edges = ne;
    r->from = hl_malloc(ctx, (ne ? ne : 1) * sizeof *r->from);
    r->to = hl_malloc(ctx, (ne ? ne : 1) * sizeof *r->to);
    r->net_edge = hl_malloc(ctx, (ne ? ne : 1) * sizeof *r->net_edge);
    r->fwd_s = hl_malloc(ctx, (ne ? ne : 1) * sizeof *r->fwd_s);
    r->bwd_s = hl_malloc(ctx, (ne ? ne : 1) * sizeof *r->bwd_s);
    r->len_m = hl_malloc(ctx, (ne ? ne : 1) * sizeof *r->len_m);
    r->net_from_m = hl_malloc(ctx, (ne ? ne : 1) * sizeof *r->net_from_m);
    r->net_to_m = hl_malloc(ctx, (ne ? ne : 1) * sizeof *r->net_to_m);
    r->node_xy = hl_malloc(ctx, (nn ? nn : 1) * 2 * sizeof *r->node_xy);
    if (!r->from || !r->to || !r->net_edge || !r->fwd_s || !r->bwd_s || !r->len_m || !r->net_from_m ||
        !r->net_to_m || !r->node_xy) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory for the routable graph (%zu edges)", ne);
        goto done;
    }

    /* nodes: the network's, split points, then the points themselves */
    memcpy(r->node_xy, net->node_xy, net->n_nodes * 2 * sizeof *r->node_xy);
    for (size_t s = 0, g = 0; s < n_sets; s++) {
        for (size_t i = 0; i < sets[s]->n; i++, g++) {
            const hl_place *p = &sets[s]->places[i];
            if (p->status != HL_PLACE_OK || p->at_node) continue;
            r->node_xy[2 * (size_t)attach[g]] = p->x; /* equal offsets: the last writer wins, the same point */
            r->node_xy[2 * (size_t)attach[g] + 1] = p->y;
        }
    }

    /* edges: the pieces of every network edge in order along it */
    k = 0;
    for (size_t e = 0, i = 0; e < net->n_edges; e++) {
        uint32_t u = net->e_from[e];
        double a = 0;
        for (; i < n_recs && recs[i].edge == e; i++) {
            uint32_t v = attach[recs[i].g];
            if (i > 0 && recs[i - 1].edge == e && recs[i - 1].offset_m == recs[i].offset_m) continue;
            put_piece(r, net, k++, (uint32_t)e, u, v, a, recs[i].offset_m);
            u = v;
            a = recs[i].offset_m;
        }
        put_piece(r, net, k++, (uint32_t)e, u, net->e_to[e], a, net->e_len_m[e]);
    }

    /* connectors, by (set, point) */
    for (size_t s = 0, g = 0, pn = net->n_nodes + n_split; s < n_sets; s++) {
        for (size_t i = 0; i < sets[s]->n; i++, g++) {
            const hl_place *p = &sets[s]->places[i];
            double t_s;
            if (p->status != HL_PLACE_OK) continue;
            r->node_xy[2 * pn] = p->px;
            r->node_xy[2 * pn + 1] = p->py;
            t_s = p->snap_m / access_ms;
            r->from[k] = (uint32_t)pn;
            r->to[k] = attach[g];
            r->net_edge[k] = HL_ROUTABLE_CONNECTOR;
            r->net_from_m[k] = 0;
            r->net_to_m[k] = p->snap_m;
            r->len_m[k] = p->snap_m;
            r->fwd_s[k] = t_s;
            r->bwd_s[k] = t_s;
            r->pt_node[g] = (uint32_t)pn;
            r->pt_edge[g] = (uint32_t)k;
            pn++;
            k++;
        }
    }
    *out = r;
    r = NULL;
done:
    hl_routable_destroy(r);
    hl_free(recs);
    hl_free(attach);
    return rc;
}
