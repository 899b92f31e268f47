/* Spatial helpers of the net module: the exact-coordinate hash that turns
 * vertices into node candidates, and the uniform segment grid that answers
 * "nearest point of the nearest edge" deterministically (ties by lowest
 * edge, then lowest segment), for placement and near-miss reports. */
#include <math.h>
#include <string.h>

#include "net/net_int.h"

/* ---------- coordinate hash ---------- */

static uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint64_t dbits(double v) {
    uint64_t b;
    if (v == 0) v = 0.0; /* -0.0 and 0.0 are one coordinate */
    memcpy(&b, &v, sizeof b);
    return b;
}

static uint64_t coord_key(double x, double y) { return mix64(dbits(x) ^ mix64(dbits(y) + 0x9e3779b97f4a7c15ULL)); }

hl_status hl__coord_hash_init(hl_ctx *ctx, hl__coord_hash *h, size_t expect) {
    size_t slots = 16;
    memset(h, 0, sizeof *h);
    while (slots < expect * 2 + 16) {
        if (slots > SIZE_MAX / 4 / sizeof(uint32_t)) return hl_error(ctx, HL_E_NOMEM, "coordinate table too large");
        slots *= 2;
    }
    h->slots = hl_calloc(ctx, slots, sizeof *h->slots);
    if (!h->slots) return hl_error(ctx, HL_E_NOMEM, "out of memory for a coordinate table of %zu slots", slots);
    h->mask = slots - 1;
    h->cap = expect ? expect : 1;
    h->xy = hl_malloc(ctx, h->cap * 2 * sizeof *h->xy);
    if (!h->xy) {
        hl_free(h->slots);
        h->slots = NULL;
        return hl_error(ctx, HL_E_NOMEM, "out of memory for %zu coordinates", h->cap);
    }
    return HL_OK;
}

void hl__coord_hash_free(hl__coord_hash *h) {
    hl_free(h->slots);
    hl_free(h->xy);
    memset(h, 0, sizeof *h);
}

static hl_status rehash(hl_ctx *ctx, hl__coord_hash *h) {
    size_t nslots = (h->mask + 1) * 2;
    uint32_t *s = hl_calloc(ctx, nslots, sizeof *s);
    if (!s) return hl_error(ctx, HL_E_NOMEM, "out of memory growing a coordinate table");
    for (size_t id = 0; id < h->n; id++) {
        size_t i = (size_t)coord_key(h->xy[2 * id], h->xy[2 * id + 1]) & (nslots - 1);
        while (s[i]) i = (i + 1) & (nslots - 1);
        s[i] = (uint32_t)id + 1;
    }
    hl_free(h->slots);
    h->slots = s;
    h->mask = nslots - 1;
    return HL_OK;
}

hl_status hl__coord_hash_add(hl_ctx *ctx, hl__coord_hash *h, double x, double y, uint32_t *id) {
    size_t i;
    hl_status rc;
    if (x == 0) x = 0.0;
    if (y == 0) y = 0.0;
    i = (size_t)coord_key(x, y) & h->mask;
    while (h->slots[i]) {
        uint32_t c = h->slots[i] - 1;
        if (h->xy[2 * c] == x && h->xy[2 * c + 1] == y) {
            *id = c;
            return HL_OK;
        }
        i = (i + 1) & h->mask;
    }
    if (h->n >= UINT32_MAX - 1) return hl_error(ctx, HL_E_ARG, "too many distinct coordinates (more than 2^32)");
    if (h->n + 1 > h->cap) {
        size_t cap2 = h->cap; /* in coordinates; hl_grow works on elements of two doubles */
        rc = hl_grow(ctx, (void **)&h->xy, &cap2, h->n + 1, 2 * sizeof(double));
        if (rc) return rc;
        h->cap = cap2;
    }
    h->xy[2 * h->n] = x;
    h->xy[2 * h->n + 1] = y;
    h->slots[i] = (uint32_t)h->n + 1;
    *id = (uint32_t)h->n;
    h->n++;
    if (h->n * 2 > h->mask + 1) {
        rc = rehash(ctx, h);
        if (rc) {
            h->n--; /* keep the table consistent: the new id is not reachable from a smaller table */
            h->slots[i] = 0;
            return rc;
        }
    }
    return HL_OK;
}

/* ---------- cells a segment passes through ---------- */

static int64_t clamp_cell(double v, int64_t n) {
    if (!(v >= 0)) return 0; /* also NaN */
    if (v >= (double)(n - 1)) return n - 1;
    return (int64_t)v;
}

size_t hl__grid_cells_of_segment(double x0, double y0, double cell_m, int64_t nx, int64_t ny,
                                 double ax, double ay, double bx, double by, hl__cell_fn fn,
                                 void *user) {
    /* Slack in cell units so rounding never drops a cell the segment touches. */
    const double slack = 1e-6;
    double dx = bx - ax, dy = by - ay;
    double ylo = fmin(ay, by), yhi = fmax(ay, by);
    int64_t j0 = clamp_cell(floor((ylo - y0) / cell_m - slack), ny);
    int64_t j1 = clamp_cell(floor((yhi - y0) / cell_m + slack), ny);
    size_t visited = 0;
    for (int64_t j = j0; j <= j1; j++) {
        double xa, xb;
        if (dy == 0) {
            xa = fmin(ax, bx);
            xb = fmax(ax, bx);
        } else {
            double yb0 = y0 + (double)j * cell_m, yb1 = yb0 + cell_m;
            double t0 = (yb0 - ay) / dy, t1 = (yb1 - ay) / dy;
            double tlo = fmax(0.0, fmin(t0, t1)), thi = fmin(1.0, fmax(t0, t1));
            if (tlo > thi) { /* the segment only grazes this row through the slack */
                double tm = tlo > 1.0 ? 1.0 : tlo;
                tlo = thi = tm < 0 ? 0 : tm;
            }
            double xlo = tlo <= 0 ? ax : (tlo >= 1 ? bx : ax + tlo * dx);
            double xhi = thi <= 0 ? ax : (thi >= 1 ? bx : ax + thi * dx);
            xa = fmin(xlo, xhi);
            xb = fmax(xlo, xhi);
        }
        int64_t i0 = clamp_cell(floor((xa - x0) / cell_m - slack), nx);
        int64_t i1 = clamp_cell(floor((xb - x0) / cell_m + slack), nx);
        for (int64_t i = i0; i <= i1; i++) {
            if (fn) fn(user, (size_t)(j * nx + i));
            visited++;
        }
    }
    return visited;
}

/* ---------- the segment grid ---------- */

void hl__grid_free(hl__seg_grid *g) {
    hl_free(g->cell_start);
    hl_free(g->cell_seg);
    hl_free(g->seg_edge);
    memset(g, 0, sizeof *g);
}

struct fill_state {
    size_t *start;
    uint32_t *segs;
    uint32_t cur;
};

static void count_cell(void *user, size_t cell) { ((struct fill_state *)user)->start[cell + 1]++; }
static void fill_cell(void *user, size_t cell) {
    struct fill_state *st = user;
    st->segs[st->start[cell]++] = st->cur;
}

hl_status hl__grid_build(hl_ctx *ctx, hl_network *net) {
    hl__seg_grid *g = &net->grid;
    hl_status rc = HL_OK;
    size_t n_segs = 0, n_cells, total;
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY, sum_len = 0;
    struct fill_state st = {0};
    memset(g, 0, sizeof *g);
    if (net->n_edges == 0) return HL_OK;
    n_segs = net->e_voff[net->n_edges] - net->n_edges;
    if (n_segs >= UINT32_MAX) return hl_error(ctx, HL_E_ARG, "too many segments for the index (%zu)", n_segs);
    for (size_t v = 0; v < net->e_voff[net->n_edges]; v++) {
        minx = fmin(minx, net->v_xy[2 * v]);
        maxx = fmax(maxx, net->v_xy[2 * v]);
        miny = fmin(miny, net->v_xy[2 * v + 1]);
        maxy = fmax(maxy, net->v_xy[2 * v + 1]);
    }
    for (size_t e = 0; e < net->n_edges; e++) sum_len += net->e_len_m[e];
    {
        double w = maxx - minx, hgt = maxy - miny;
        /* about a segment per cell where the roads are; the cap below bounds
         * the empty cells of a sparse county */
        double cell = sum_len / (double)n_segs;
        if (!(cell > 0) || !isfinite(cell)) cell = 1.0;
        for (;;) {
            double fx = floor(w / cell) + 1, fy = floor(hgt / cell) + 1;
            if (fx * fy <= 4.0 * (double)n_segs + 64) {
                g->nx = (int64_t)fx;
                g->ny = (int64_t)fy;
                break;
            }
            cell *= 1.5;
        }
        g->cell_m = cell;
        g->x0 = minx;
        g->y0 = miny;
    }
    n_cells = (size_t)(g->nx * g->ny);
    g->n_segs = n_segs;
    g->seg_edge = hl_malloc(ctx, n_segs * sizeof *g->seg_edge);
    g->cell_start = hl_calloc(ctx, n_cells + 1, sizeof *g->cell_start);
    if (!g->seg_edge || !g->cell_start) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory for the edge index");
        goto done;
    }
    st.start = g->cell_start;
    for (size_t e = 0, s = 0; e < net->n_edges; e++) {
        for (size_t v = net->e_voff[e]; v + 1 < net->e_voff[e + 1]; v++, s++) {
            const double *p = net->v_xy + 2 * v;
            g->seg_edge[s] = (uint32_t)e;
            hl__grid_cells_of_segment(g->x0, g->y0, g->cell_m, g->nx, g->ny, p[0], p[1], p[2], p[3],
                                      count_cell, &st);
        }
    }
    for (size_t c = 0; c < n_cells; c++) g->cell_start[c + 1] += g->cell_start[c];
    total = g->cell_start[n_cells];
    g->cell_seg = hl_malloc(ctx, (total ? total : 1) * sizeof *g->cell_seg);
    if (!g->cell_seg) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory for the edge index (%zu entries)", total);
        goto done;
    }
    st.segs = g->cell_seg;
    for (size_t e = 0, s = 0; e < net->n_edges; e++) {
        for (size_t v = net->e_voff[e]; v + 1 < net->e_voff[e + 1]; v++, s++) {
            const double *p = net->v_xy + 2 * v;
            st.cur = (uint32_t)s;
            hl__grid_cells_of_segment(g->x0, g->y0, g->cell_m, g->nx, g->ny, p[0], p[1], p[2], p[3],
                                      fill_cell, &st);
        }
    }
    /* fill_cell advanced each start to the next cell's start: shift back */
    for (size_t c = n_cells; c > 0; c--) g->cell_start[c] = g->cell_start[c - 1];
    g->cell_start[0] = 0;
done:
    if (rc) hl__grid_free(g);
    return rc;
}

static void eval_cell(const hl_network *net, size_t cell, double px, double py, double max_m,
                      const hl__near_filter *f, hl__near_hit *hit) {
    const hl__seg_grid *g = &net->grid;
    for (size_t k = g->cell_start[cell]; k < g->cell_start[cell + 1]; k++) {
        size_t s = g->cell_seg[k];
        uint32_t e = g->seg_edge[s];
        size_t v = s + e;
        double t, qx, qy, d;
        if (f) {
            if (f->main_only && net->e_comp[e] != 0) continue;
            if (f->skip_node && (net->e_from[e] == f->node || net->e_to[e] == f->node)) continue;
            if (f->skip_node2 && (net->e_from[e] == f->node2 || net->e_to[e] == f->node2)) continue;
        }
        d = hl__seg_dist(px, py, net->v_xy[2 * v], net->v_xy[2 * v + 1], net->v_xy[2 * v + 2],
                         net->v_xy[2 * v + 3], &t, &qx, &qy);
        if (!(d <= max_m)) continue;
        if (hit->found && (d > hit->dist_m || (d == hit->dist_m && (e > hit->edge || (e == hit->edge && s >= hit->seg)))))
            continue;
        hit->found = true;
        hit->edge = e;
        hit->seg = s;
        hit->dist_m = d;
        hit->x = qx;
        hit->y = qy;
        if (t >= 1)
            hit->offset_m = net->v_cum_m[v + 1];
        else
            hit->offset_m = net->v_cum_m[v] + t * (net->v_cum_m[v + 1] - net->v_cum_m[v]);
    }
}

static int64_t cell_index(double v) {
    /* far-away points: keep the arithmetic in range; such rings are empty anyway */
    if (v < -4e15) return -4000000000000000LL;
    if (v > 4e15) return 4000000000000000LL;
    return (int64_t)floor(v);
}

void hl__grid_nearest(const hl_network *net, double px, double py, double max_m,
                      const hl__near_filter *f, hl__near_hit *hit) {
    const hl__seg_grid *g = &net->grid;
    int64_t cx, cy, r, rstart = 0, dxo = 0, dyo = 0;
    memset(hit, 0, sizeof *hit);
    if (g->n_segs == 0 || !(max_m >= 0)) return;
    cx = cell_index((px - g->x0) / g->cell_m);
    cy = cell_index((py - g->y0) / g->cell_m);
    /* Chebyshev distance in cells from the point's cell to the grid */
    if (cx < 0) dxo = -cx;
    else if (cx >= g->nx) dxo = cx - g->nx + 1;
    if (cy < 0) dyo = -cy;
    else if (cy >= g->ny) dyo = cy - g->ny + 1;
    rstart = dxo > dyo ? dxo : dyo;
    for (r = rstart;; r++) {
        /* every point in a cell r rings away is at least (r - 1) cells away */
        double lb = r == 0 ? 0.0 : (double)(r - 1) * g->cell_m * (1 - 1e-9); /* margin for the rounding of cx, cy */
        int64_t i0, i1, j0, j1;
        if (lb > max_m || (hit->found && lb > hit->dist_m)) break;
        if (r == 0) {
            if (cx >= 0 && cx < g->nx && cy >= 0 && cy < g->ny)
                eval_cell(net, (size_t)(cy * g->nx + cx), px, py, max_m, f, hit);
        } else {
            i0 = cx - r < 0 ? 0 : cx - r;
            i1 = cx + r >= g->nx ? g->nx - 1 : cx + r;
            j0 = cy - r < 0 ? 0 : cy - r;
            j1 = cy + r >= g->ny ? g->ny - 1 : cy + r;
            /* bottom and top rows */
            for (int k = 0; k < 2; k++) {
                int64_t j = k == 0 ? cy - r : cy + r;
                if (j < 0 || j >= g->ny) continue;
                for (int64_t i = i0; i <= i1; i++) eval_cell(net, (size_t)(j * g->nx + i), px, py, max_m, f, hit);
            }
            /* left and right columns without the corners */
            for (int k = 0; k < 2; k++) {
                int64_t i = k == 0 ? cx - r : cx + r;
                if (i < 0 || i >= g->nx) continue;
                for (int64_t j = (cy - r + 1 > j0 ? cy - r + 1 : j0); j <= (cy + r - 1 < j1 ? cy + r - 1 : j1); j++)
                    eval_cell(net, (size_t)(j * g->nx + i), px, py, max_m, f, hit);
            }
        }
        /* once the square of radius r covers the whole grid there is nothing further out */
        if (cx - r <= 0 && cx + r >= g->nx - 1 && cy - r <= 0 && cy + r >= g->ny - 1) break;
    }
}
