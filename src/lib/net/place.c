/* hl_net_place: join points (villages, facilities) to the nearest point of
 * the nearest edge, with the max-snap, tie and node-attach rules of
 * docs/accessibility-semantics.md. */
#include <math.h>
#include <string.h>

#include "net/net_int.h"

void hl_place_opts_init(hl_place_opts *opts) {
    memset(opts, 0, sizeof *opts);
    opts->max_snap_m = 2000.0;
    opts->main_network_only = false;
}

void hl_placement_destroy(hl_placement *pl) {
    if (!pl) return;
    hl_free(pl->places);
    hl_free(pl);
}

size_t hl_placement_count(const hl_placement *pl) { return pl->n; }
const hl_place *hl_placement_places(const hl_placement *pl) { return pl->places; }

hl_status hl_net_place(hl_ctx *ctx, const hl_network *net, const double *xy, size_t n_points,
                       const hl_place_opts *opts, hl_placement **out) {
    hl_place_opts o;
    hl_placement *pl = NULL;
    hl_status rc = HL_OK;
    hl__near_filter f;
    if (!out) return hl_error(ctx, HL_E_ARG, "hl_net_place: no output pointer");
    *out = NULL;
    if (!net || (n_points && !xy)) return hl_error(ctx, HL_E_ARG, "hl_net_place: no network or no points");
    if (opts) o = *opts;
    else hl_place_opts_init(&o);
    if (isnan(o.max_snap_m) || o.max_snap_m < 0)
        return hl_error(ctx, HL_E_ARG, "max_snap_m %g is not a non-negative number", o.max_snap_m);
    memset(&f, 0, sizeof f);
    f.main_only = o.main_network_only;

    pl = hl_calloc(ctx, 1, sizeof *pl);
    if (!pl) return hl_error(ctx, HL_E_NOMEM, "out of memory placing points");
    pl->net = net;
    pl->n = n_points;
    pl->places = hl_calloc(ctx, n_points ? n_points : 1, sizeof *pl->places);
    if (!pl->places) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory placing %zu points", n_points);
        goto done;
    }
    for (size_t i = 0; i < n_points; i++) {
        hl_place *p = &pl->places[i];
        hl__near_hit hit;
        double len, o_m;
        p->px = xy[2 * i];
        p->py = xy[2 * i + 1];
        if (!isfinite(p->px) || !isfinite(p->py)) {
            p->status = HL_PLACE_BAD_POINT;
            continue;
        }
        if (net->n_edges == 0) {
            p->status = HL_PLACE_NO_NETWORK;
            continue;
        }
        hl__grid_nearest(net, p->px, p->py, o.max_snap_m, &f, &hit);
        if (!hit.found) {
            p->status = HL_PLACE_TOO_FAR;
            continue;
        }
        p->status = HL_PLACE_OK;
        p->edge = hit.edge;
        p->x = hit.x;
        p->y = hit.y;
        p->snap_m = hit.dist_m;
        len = net->e_len_m[hit.edge];
        o_m = hit.offset_m;
        if (o_m <= HL_NET_NODE_ATTACH_M || len - o_m <= HL_NET_NODE_ATTACH_M) {
            p->at_node = true;
            if (o_m <= len - o_m) {
                p->node = net->e_from[hit.edge];
                o_m = 0;
            } else {
                p->node = net->e_to[hit.edge];
                o_m = len;
            }
        }
        p->offset_m = o_m;
        p->component = net->e_comp[hit.edge];
        p->comp_n_nodes = net->comps[p->component].n_nodes;
        p->comp_len_m = net->comps[p->component].len_m;
        if ((i & 0xffff) == 0xffff) {
            if ((rc = hl_check_interrupt(ctx))) goto done;
            hl_progress(ctx, "network placement", i + 1, n_points);
        }
    }
    hl_progress(ctx, "network placement", n_points, n_points);
    *out = pl;
    pl = NULL;
done:
    hl_placement_destroy(pl);
    return rc;
}
