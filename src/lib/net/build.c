/* hl_net_build: raw road lines -> a noded network.  Steps, each over flat
 * arrays (no per-vertex allocation):
 *   1. every vertex gets the id of its exact coordinate (hash);
 *   2. endpoint coordinates closer than snap_tol_m are merged (grid +
 *      union-find, the lowest coordinate id represents its cluster);
 *   3. optionally, crossings at equal level are noded (cross.c);
 *   4. zero-length segments are removed, lines left without a segment dropped;
 *   5. nodes: line ends and coordinates occurring twice or more;
 *   6. lines are split at nodes into pieces; exact duplicate pieces dropped;
 *   7. node ids by first use, edge arrays, lengths and times;
 *   8. weakly connected components, dangling ends;
 *   9. the segment grid and the near-miss report. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "net/net_int.h"

#define BUILD_STEPS 8
#define NO_ID UINT32_MAX

void hl_net_opts_init(hl_net_opts *opts) {
    memset(opts, 0, sizeof *opts);
    opts->snap_tol_m = 1.0;
    opts->node_crossings = false;
    opts->near_miss_m = 10.0;
}

void hl_net_destroy(hl_network *net) {
    if (!net) return;
    hl_free(net->node_xy);
    hl_free(net->node_comp);
    hl_free(net->e_from);
    hl_free(net->e_to);
    hl_free(net->e_comp);
    hl_free(net->e_len_m);
    hl_free(net->e_fwd_s);
    hl_free(net->e_bwd_s);
    hl_free(net->e_speed_kmh);
    hl_free(net->e_road);
    hl_free(net->e_voff);
    hl_free(net->v_xy);
    hl_free(net->v_cum_m);
    hl_free(net->comps);
    hl_free(net->dangles);
    hl_free(net->near);
    hl__grid_free(&net->grid);
    hl_free(net);
}

/* ---------- step 2: endpoint merging ---------- */

typedef struct snap_pt {
    int64_t cx, cy;
    uint32_t id;
} snap_pt;

static int cmp_snap(const void *a, const void *b) {
    const snap_pt *x = a, *y = b;
    if (x->cx != y->cx) return x->cx < y->cx ? -1 : 1;
    if (x->cy != y->cy) return x->cy < y->cy ? -1 : 1;
    return x->id < y->id ? -1 : (x->id > y->id);
}

static uint32_t uf_find(uint32_t *parent, uint32_t x) {
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* Union keeping the smaller id as root, so parent[x] <= x always. */
static void uf_union_min(uint32_t *parent, uint32_t a, uint32_t b) {
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a < b) parent[b] = a;
    else if (b < a) parent[a] = b;
}

/* First index in pts[0..n) not less than (cx, cy). */
static size_t snap_lower(const snap_pt *pts, size_t n, int64_t cx, int64_t cy) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pts[mid].cx < cx || (pts[mid].cx == cx && pts[mid].cy < cy)) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static hl_status snap_endpoints(hl_ctx *ctx, size_t n_lines, const size_t *loff, uint32_t *vid,
                                const hl__coord_hash *h, double tol_m, size_t *n_merged) {
    hl_status rc = HL_OK;
    uint8_t *is_end = NULL;
    uint32_t *parent = NULL;
    snap_pt *pts = NULL;
    size_t n_pts = 0;
    *n_merged = 0;
    if (!(tol_m > 0) || h->n == 0) return HL_OK;
    is_end = hl_calloc(ctx, h->n, 1);
    if (!is_end) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory merging endpoints");
        goto done;
    }
    for (size_t l = 0; l < n_lines; l++) {
        if (loff[l + 1] - loff[l] < 2) continue;
        if (!is_end[vid[loff[l]]]) n_pts++;
        is_end[vid[loff[l]]] = 1;
        if (!is_end[vid[loff[l + 1] - 1]]) n_pts++;
        is_end[vid[loff[l + 1] - 1]] = 1;
    }
    pts = hl_malloc(ctx, (n_pts ? n_pts : 1) * sizeof *pts);
    parent = hl_malloc(ctx, h->n * sizeof *parent);
    if (!pts || !parent) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory merging endpoints");
        goto done;
    }
    n_pts = 0;
    for (uint32_t c = 0; c < h->n; c++) {
        parent[c] = c;
        if (!is_end[c]) continue;
        double fx = floor(h->xy[2 * (size_t)c] / tol_m), fy = floor(h->xy[2 * (size_t)c + 1] / tol_m);
        if (fabs(fx) > 4e18 || fabs(fy) > 4e18) {
            rc = hl_error(ctx, HL_E_ARG, "coordinates too large for snap_tol_m %g", tol_m);
            goto done;
        }
        pts[n_pts].cx = (int64_t)fx;
        pts[n_pts].cy = (int64_t)fy;
        pts[n_pts].id = c;
        n_pts++;
    }
    qsort(pts, n_pts, sizeof *pts, cmp_snap);
    for (size_t i = 0; i < n_pts; i++) {
        const double *p = h->xy + 2 * (size_t)pts[i].id;
        for (int64_t dx = -1; dx <= 1; dx++) {
            size_t j = snap_lower(pts, n_pts, pts[i].cx + dx, pts[i].cy - 1);
            for (; j < n_pts && pts[j].cx == pts[i].cx + dx && pts[j].cy <= pts[i].cy + 1; j++) {
                const double *q;
                if (pts[j].id <= pts[i].id) continue; /* each pair once */
                q = h->xy + 2 * (size_t)pts[j].id;
                if (sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1])) < tol_m)
                    uf_union_min(parent, pts[i].id, pts[j].id);
            }
        }
    }
    /* parent[c] <= c, so one ascending pass resolves every root */
    for (uint32_t c = 0; c < h->n; c++) {
        parent[c] = parent[parent[c]];
        if (parent[c] != c) (*n_merged)++;
    }
    if (*n_merged)
        for (size_t i = 0; i < loff[n_lines]; i++) vid[i] = parent[vid[i]];
done:
    hl_free(is_end);
    hl_free(parent);
    hl_free(pts);
    return rc;
}

/* ---------- step 6: pieces and duplicates ---------- */

typedef struct piece {
    size_t a, b;   /* vertex range vid[a..b] */
    uint32_t line;
} piece;

static uint64_t seq_hash(const uint32_t *v, size_t n) {
    uint64_t x = 0xcbf29ce484222325ULL ^ n;
    for (size_t i = 0; i < n; i++) {
        x ^= v[i];
        x *= 0x100000001b3ULL;
        x ^= x >> 29;
    }
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ULL;
    x ^= x >> 32;
    return x;
}

/* Marks drop[p] = 1 for every piece equal to an earlier one. */
static hl_status drop_duplicates(hl_ctx *ctx, const piece *pc, size_t n_pc, const uint32_t *vid,
                                 const hl_road_line *lines, uint8_t *drop, size_t *n_dup) {
    size_t slots = 16;
    uint32_t *tab;
    *n_dup = 0;
    while (slots < 2 * n_pc + 16) slots *= 2;
    tab = hl_calloc(ctx, slots, sizeof *tab);
    if (!tab) return hl_error(ctx, HL_E_NOMEM, "out of memory checking duplicate edges");
    for (size_t p = 0; p < n_pc; p++) {
        size_t len = pc[p].b - pc[p].a + 1;
        size_t i = (size_t)seq_hash(vid + pc[p].a, len) & (slots - 1);
        for (;; i = (i + 1) & (slots - 1)) {
            uint32_t q;
            if (!tab[i]) {
                tab[i] = (uint32_t)p + 1;
                break;
            }
            q = tab[i] - 1;
            /* a duplicate has the same vertices AND the same speed and direction;
               otherwise it is a parallel edge and routing takes the cheaper one */
            if (pc[q].b - pc[q].a + 1 == len && memcmp(vid + pc[q].a, vid + pc[p].a, len * sizeof *vid) == 0 &&
                lines[pc[q].line].speed_kmh == lines[pc[p].line].speed_kmh &&
                lines[pc[q].line].oneway == lines[pc[p].line].oneway) {
                drop[p] = 1;
                (*n_dup)++;
                break;
            }
        }
    }
    hl_free(tab);
    return HL_OK;
}

/* ---------- step 8: components ---------- */

typedef struct comp_sort {
    size_t n_nodes;
    uint32_t pre; /* provisional id = order of lowest node */
} comp_sort;

static int cmp_comp(const void *a, const void *b) {
    const comp_sort *x = a, *y = b;
    if (x->n_nodes != y->n_nodes) return x->n_nodes > y->n_nodes ? -1 : 1;
    return x->pre < y->pre ? -1 : (x->pre > y->pre);
}

static hl_status components(hl_ctx *ctx, hl_network *net) {
    hl_status rc = HL_OK;
    size_t nn = net->n_nodes, nc = 0;
    uint32_t *parent = NULL, *pre = NULL, *rank = NULL, *deg = NULL;
    comp_sort *cs = NULL;
    parent = hl_malloc(ctx, (nn ? nn : 1) * sizeof *parent);
    pre = hl_malloc(ctx, (nn ? nn : 1) * sizeof *pre);
    deg = hl_calloc(ctx, nn ? nn : 1, sizeof *deg);
    net->node_comp = hl_malloc(ctx, (nn ? nn : 1) * sizeof *net->node_comp);
    net->e_comp = hl_malloc(ctx, (net->n_edges ? net->n_edges : 1) * sizeof *net->e_comp);
    if (!parent || !pre || !deg || !net->node_comp || !net->e_comp) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory finding components");
        goto done;
    }
    for (uint32_t i = 0; i < nn; i++) parent[i] = i;
    for (size_t e = 0; e < net->n_edges; e++) {
        uf_union_min(parent, net->e_from[e], net->e_to[e]);
        deg[net->e_from[e]]++;
        deg[net->e_to[e]]++;
    }
    for (uint32_t i = 0; i < nn; i++) {
        uint32_t r = uf_find(parent, i);
        pre[i] = r == i ? (uint32_t)nc++ : pre[r]; /* roots are the lowest node, met first */
    }
    cs = hl_calloc(ctx, nc ? nc : 1, sizeof *cs);
    rank = hl_malloc(ctx, (nc ? nc : 1) * sizeof *rank);
    net->comps = hl_calloc(ctx, nc ? nc : 1, sizeof *net->comps);
    if (!cs || !rank || !net->comps) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory finding components");
        goto done;
    }
    for (uint32_t c = 0; c < nc; c++) cs[c].pre = c;
    for (uint32_t i = 0; i < nn; i++) cs[pre[i]].n_nodes++;
    qsort(cs, nc, sizeof *cs, cmp_comp);
    for (uint32_t c = 0; c < nc; c++) rank[cs[c].pre] = c;
    for (uint32_t i = 0; i < nn; i++) {
        net->node_comp[i] = rank[pre[i]];
        net->comps[net->node_comp[i]].n_nodes++;
    }
    for (size_t e = 0; e < net->n_edges; e++) {
        uint32_t c = net->node_comp[net->e_from[e]];
        net->e_comp[e] = c;
        net->comps[c].n_edges++;
        net->comps[c].len_m += net->e_len_m[e];
    }
    net->n_comps = nc;
    net->n_dangles = 0;
    for (uint32_t i = 0; i < nn; i++) net->n_dangles += deg[i] == 1;
    net->dangles = hl_malloc(ctx, (net->n_dangles ? net->n_dangles : 1) * sizeof *net->dangles);
    if (!net->dangles) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory listing dangling ends");
        goto done;
    }
    for (uint32_t i = 0, k = 0; i < nn; i++)
        if (deg[i] == 1) net->dangles[k++] = i;
done:
    hl_free(parent);
    hl_free(pre);
    hl_free(rank);
    hl_free(deg);
    hl_free(cs);
    return rc;
}

/* ---------- step 9: near misses ---------- */

static hl_status near_misses(hl_ctx *ctx, hl_network *net, double near_m) {
    size_t cap = 0;
    uint32_t *nbr = NULL;
    hl_status rc = HL_OK;
    net->n_near = 0;
    if (!(near_m > 0) || net->n_dangles == 0) return HL_OK;
    /* the node at the other end of each dangle's only edge */
    nbr = hl_malloc(ctx, net->n_nodes * sizeof *nbr);
    if (!nbr) return hl_error(ctx, HL_E_NOMEM, "out of memory finding near misses");
    for (size_t e = 0; e < net->n_edges; e++) {
        nbr[net->e_from[e]] = net->e_to[e];
        nbr[net->e_to[e]] = net->e_from[e];
    }
    for (size_t k = 0; k < net->n_dangles; k++) {
        uint32_t d = net->dangles[k];
        /* not the dangle's own edge, nor the edges one step away: those are connected already */
        hl__near_filter f = {false, true, d, true, nbr[d]};
        hl__near_hit hit;
        hl_net_near_miss *m;
        hl__grid_nearest(net, net->node_xy[2 * (size_t)d], net->node_xy[2 * (size_t)d + 1], near_m, &f, &hit);
        if (!hit.found || !(hit.dist_m < near_m)) continue;
        rc = hl_grow(ctx, (void **)&net->near, &cap, net->n_near + 1, sizeof *net->near);
        if (rc) goto done;
        m = &net->near[net->n_near];
        memset(m, 0, sizeof *m);
        m->node = d;
        m->edge = hit.edge;
        m->dist_m = hit.dist_m;
        m->x = hit.x;
        m->y = hit.y;
        if (hit.offset_m <= HL_NET_NODE_ATTACH_M || net->e_len_m[hit.edge] - hit.offset_m <= HL_NET_NODE_ATTACH_M) {
            m->at_node = true;
            m->other_node = hit.offset_m <= net->e_len_m[hit.edge] - hit.offset_m ? net->e_from[hit.edge]
                                                                                  : net->e_to[hit.edge];
        }
        net->n_near++;
    }
done:
    hl_free(nbr);
    return rc;
}

/* ---------- the build ---------- */

static hl_status check_lines(hl_ctx *ctx, const hl_road_line *lines, size_t n, size_t *total) {
    size_t t = 0;
    for (size_t l = 0; l < n; l++) {
        const hl_road_line *L = &lines[l];
        if (L->n_vertices && !L->xy)
            return hl_error(ctx, HL_E_ARG, "road %lld: no coordinates", (long long)L->road_index);
        if (!(L->speed_kmh > 0) || !isfinite(L->speed_kmh))
            return hl_error(ctx, HL_E_ARG, "road %lld: speed %g km/h is not a positive number",
                            (long long)L->road_index, L->speed_kmh);
        if (L->oneway < -1 || L->oneway > 1)
            return hl_error(ctx, HL_E_ARG, "road %lld: oneway %d is not -1, 0 or 1", (long long)L->road_index,
                            L->oneway);
        for (size_t i = 0; i < 2 * L->n_vertices; i++)
            if (!isfinite(L->xy[i]))
                return hl_error(ctx, HL_E_ARG, "road %lld: vertex %zu has a non-finite coordinate",
                                (long long)L->road_index, i / 2);
        t += L->n_vertices;
        if (t >= UINT32_MAX / 2)
            return hl_error(ctx, HL_E_ARG, "too many road vertices (%zu); the network is limited to 2^31", t);
    }
    *total = t;
    return HL_OK;
}

hl_status hl_net_build(hl_ctx *ctx, const hl_road_line *lines, size_t n, const hl_net_opts *opts,
                       hl_network **out) {
    hl_status rc = HL_OK;
    hl_net_opts o;
    hl_network *net = NULL;
    hl__coord_hash h;
    uint32_t *vid = NULL, *node_of = NULL;
    size_t *loff = NULL;
    uint8_t *occ = NULL, *drop = NULL;
    piece *pc = NULL;
    size_t total = 0, n_pc = 0, step = 0, ne = 0, nvert = 0;

    memset(&h, 0, sizeof h);
    if (!out) return hl_error(ctx, HL_E_ARG, "hl_net_build: no output pointer");
    *out = NULL;
    if (!lines && n) return hl_error(ctx, HL_E_ARG, "hl_net_build: no lines");
    if (opts) o = *opts;
    else hl_net_opts_init(&o);
    if (!(o.snap_tol_m >= 0) || !isfinite(o.snap_tol_m))
        return hl_error(ctx, HL_E_ARG, "snap_tol_m %g is not a non-negative number", o.snap_tol_m);
    if (!(o.near_miss_m >= 0) || !isfinite(o.near_miss_m))
        return hl_error(ctx, HL_E_ARG, "near_miss_m %g is not a non-negative number", o.near_miss_m);
    rc = check_lines(ctx, lines, n, &total);
    if (rc) return rc;

    net = hl_calloc(ctx, 1, sizeof *net);
    if (!net) return hl_error(ctx, HL_E_NOMEM, "out of memory for a network");
    net->stats.n_lines = n;
    hl_progress(ctx, "network build", step++, BUILD_STEPS);

    /* 1. coordinate ids */
    loff = hl_malloc(ctx, (n + 1) * sizeof *loff);
    vid = hl_malloc(ctx, (total ? total : 1) * sizeof *vid);
    if (!loff || !vid) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory for %zu road vertices", total);
        goto done;
    }
    rc = hl__coord_hash_init(ctx, &h, total);
    if (rc) goto done;
    {
        size_t k = 0;
        for (size_t l = 0; l < n; l++) {
            loff[l] = k;
            for (size_t i = 0; i < lines[l].n_vertices; i++, k++) {
                rc = hl__coord_hash_add(ctx, &h, lines[l].xy[2 * i], lines[l].xy[2 * i + 1], &vid[k]);
                if (rc) goto done;
            }
        }
        loff[n] = k;
    }
    hl_progress(ctx, "network build", step++, BUILD_STEPS);

    /* 2. merge close endpoints */
    rc = snap_endpoints(ctx, n, loff, vid, &h, o.snap_tol_m, &net->stats.n_merged_coords);
    if (rc) goto done;
    if ((rc = hl_check_interrupt(ctx))) goto done;
    hl_progress(ctx, "network build", step++, BUILD_STEPS);

    /* 3. crossings */
    if (o.node_crossings) {
        rc = hl__node_crossings(ctx, lines, n, &h, &vid, &loff, &net->stats.n_crossing_splits);
        if (rc) goto done;
    }
    if ((rc = hl_check_interrupt(ctx))) goto done;
    hl_progress(ctx, "network build", step++, BUILD_STEPS);

    /* 4. zero-length segments; lines with fewer than 2 distinct vertices */
    {
        size_t w = 0, ob = loff[0];
        for (size_t l = 0; l < n; l++) {
            size_t oe = loff[l + 1], start = w;
            for (size_t i = ob; i < oe; i++) {
                if (w > start && vid[w - 1] == vid[i]) {
                    net->stats.n_zero_length++;
                    continue;
                }
                vid[w++] = vid[i];
            }
            if (w - start < 2) {
                w = start;
                net->stats.n_lines_dropped++;
            }
            loff[l] = start;
            ob = oe;
        }
        loff[n] = w;
        nvert = w;
    }

    /* 5. nodes: line ends and coordinates met twice or more */
    occ = hl_calloc(ctx, h.n ? h.n : 1, 1);
    if (!occ) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory finding nodes");
        goto done;
    }
    for (size_t i = 0; i < nvert; i++)
        if (occ[vid[i]] < 2) occ[vid[i]]++;
    for (size_t l = 0; l < n; l++) {
        if (loff[l + 1] == loff[l]) continue;
        occ[vid[loff[l]]] = 2;
        occ[vid[loff[l + 1] - 1]] = 2;
    }
    hl_progress(ctx, "network build", step++, BUILD_STEPS);

    /* 6. pieces between nodes, duplicates */
    for (size_t l = 0; l < n; l++)
        for (size_t i = loff[l] + 1; i < loff[l + 1]; i++) n_pc += occ[vid[i]] >= 2;
    if (n_pc >= UINT32_MAX) {
        rc = hl_error(ctx, HL_E_ARG, "too many edges (%zu)", n_pc);
        goto done;
    }
    pc = hl_malloc(ctx, (n_pc ? n_pc : 1) * sizeof *pc);
    drop = hl_calloc(ctx, n_pc ? n_pc : 1, 1);
    if (!pc || !drop) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory for %zu edges", n_pc);
        goto done;
    }
    {
        size_t k = 0;
        for (size_t l = 0; l < n; l++) {
            size_t a = loff[l];
            for (size_t i = loff[l] + 1; i < loff[l + 1]; i++) {
                if (occ[vid[i]] < 2) continue;
                pc[k].a = a;
                pc[k].b = i;
                pc[k].line = (uint32_t)l;
                k++;
                a = i;
            }
        }
    }
    rc = drop_duplicates(ctx, pc, n_pc, vid, lines, drop, &net->stats.n_duplicates);
    if (rc) goto done;
    if ((rc = hl_check_interrupt(ctx))) goto done;
    hl_progress(ctx, "network build", step++, BUILD_STEPS);

    /* 7. node ids by first use; edge arrays */
    ne = n_pc - net->stats.n_duplicates;
    nvert = 0;
    for (size_t p = 0; p < n_pc; p++)
        if (!drop[p]) nvert += pc[p].b - pc[p].a + 1;
    node_of = hl_malloc(ctx, (h.n ? h.n : 1) * sizeof *node_of);
    net->n_edges = ne;
    net->e_from = hl_malloc(ctx, (ne ? ne : 1) * sizeof *net->e_from);
    net->e_to = hl_malloc(ctx, (ne ? ne : 1) * sizeof *net->e_to);
    net->e_len_m = hl_malloc(ctx, (ne ? ne : 1) * sizeof *net->e_len_m);
    net->e_fwd_s = hl_malloc(ctx, (ne ? ne : 1) * sizeof *net->e_fwd_s);
    net->e_bwd_s = hl_malloc(ctx, (ne ? ne : 1) * sizeof *net->e_bwd_s);
    net->e_speed_kmh = hl_malloc(ctx, (ne ? ne : 1) * sizeof *net->e_speed_kmh);
    net->e_road = hl_malloc(ctx, (ne ? ne : 1) * sizeof *net->e_road);
    net->e_voff = hl_malloc(ctx, (ne + 1) * sizeof *net->e_voff);
    net->v_xy = hl_malloc(ctx, (nvert ? nvert : 1) * 2 * sizeof *net->v_xy);
    net->v_cum_m = hl_malloc(ctx, (nvert ? nvert : 1) * sizeof *net->v_cum_m);
    if (!node_of || !net->e_from || !net->e_to || !net->e_len_m || !net->e_fwd_s || !net->e_bwd_s ||
        !net->e_speed_kmh || !net->e_road || !net->e_voff || !net->v_xy || !net->v_cum_m) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory for %zu edges", ne);
        goto done;
    }
    for (size_t c = 0; c < h.n; c++) node_of[c] = NO_ID;
    {
        size_t e = 0, v = 0;
        uint32_t nn = 0;
        for (size_t p = 0; p < n_pc; p++) {
            const hl_road_line *L;
            double len = 0, ms;
            uint32_t ends[2];
            if (drop[p]) continue;
            L = &lines[pc[p].line];
            ends[0] = vid[pc[p].a];
            ends[1] = vid[pc[p].b];
            for (int k = 0; k < 2; k++)
                if (node_of[ends[k]] == NO_ID) node_of[ends[k]] = nn++;
            net->e_from[e] = node_of[ends[0]];
            net->e_to[e] = node_of[ends[1]];
            net->e_voff[e] = v;
            for (size_t i = pc[p].a; i <= pc[p].b; i++, v++) {
                const double *q = h.xy + 2 * (size_t)vid[i];
                net->v_xy[2 * v] = q[0];
                net->v_xy[2 * v + 1] = q[1];
                if (i > pc[p].a) {
                    double dx = q[0] - net->v_xy[2 * v - 2], dy = q[1] - net->v_xy[2 * v - 1];
                    len += sqrt(dx * dx + dy * dy);
                }
                net->v_cum_m[v] = len;
            }
            ms = L->speed_kmh / 3.6;
            net->e_len_m[e] = len;
            net->e_fwd_s[e] = L->oneway == -1 ? INFINITY : len / ms;
            net->e_bwd_s[e] = L->oneway == 1 ? INFINITY : len / ms;
            net->e_speed_kmh[e] = L->speed_kmh;
            net->e_road[e] = L->road_index;
            e++;
        }
        net->e_voff[ne] = v;
        net->n_nodes = nn;
        net->node_xy = hl_malloc(ctx, (nn ? nn : 1) * 2 * sizeof *net->node_xy);
        if (!net->node_xy) {
            rc = hl_error(ctx, HL_E_NOMEM, "out of memory for %u nodes", nn);
            goto done;
        }
        for (size_t c = 0; c < h.n; c++) {
            if (node_of[c] == NO_ID) continue;
            net->node_xy[2 * (size_t)node_of[c]] = h.xy[2 * c];
            net->node_xy[2 * (size_t)node_of[c] + 1] = h.xy[2 * c + 1];
        }
    }
    /* the build's scratch is no longer needed: free it before the index */
    hl_free(pc);
    pc = NULL;
    hl_free(drop);
    drop = NULL;
    hl_free(occ);
    occ = NULL;
    hl_free(node_of);
    node_of = NULL;
    hl_free(vid);
    vid = NULL;
    hl__coord_hash_free(&h);
    hl_progress(ctx, "network build", step++, BUILD_STEPS);

    /* 8. components and dangles */
    rc = components(ctx, net);
    if (rc) goto done;
    hl_progress(ctx, "network build", step++, BUILD_STEPS);

    /* 9. index and near misses */
    rc = hl__grid_build(ctx, net);
    if (rc) goto done;
    rc = near_misses(ctx, net, o.near_miss_m);
    if (rc) goto done;
    hl_progress(ctx, "network build", step++, BUILD_STEPS);
    *out = net;
    net = NULL;
done:
    hl_net_destroy(net);
    hl__coord_hash_free(&h);
    hl_free(vid);
    hl_free(loff);
    hl_free(occ);
    hl_free(drop);
    hl_free(pc);
    hl_free(node_of);
    return rc;
}
