/* node_crossings: for road data digitised without shared vertices, find
 * where segments of lines at the same level cross or touch and insert the
 * crossing point as a vertex into both lines, so the ordinary noding rule
 * ("a vertex occurring twice is a node") connects them.  Candidate pairs
 * come from a uniform grid; every pair is evaluated the same way whatever
 * cell finds it, and the insertions are sorted and deduplicated, so the
 * result does not depend on visiting order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "net/net_int.h"

typedef struct ins_rec {
    size_t seg;   /* global vertex index where the segment starts */
    double t;     /* parameter along it, 0 < t < 1 */
    uint32_t cid; /* coordinate to insert */
} ins_rec;

typedef struct cross_state {
    hl_ctx *ctx;
    hl__coord_hash *h;
    const uint32_t *vid;
    ins_rec *recs;
    size_t n_recs, cap_recs;
} cross_state;

static int cmp_rec(const void *a, const void *b) {
    const ins_rec *x = a, *y = b;
    if (x->seg != y->seg) return x->seg < y->seg ? -1 : 1;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    if (x->cid != y->cid) return x->cid < y->cid ? -1 : 1;
    return 0;
}

static double orient(const double *a, const double *b, const double *c) {
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

static hl_status add_rec(cross_state *st, size_t seg, double t, uint32_t cid) {
    hl_status rc = hl_grow(st->ctx, (void **)&st->recs, &st->cap_recs, st->n_recs + 1, sizeof *st->recs);
    if (rc) return rc;
    if (t <= 0) t = 1e-300; /* rounding at an end: keep the order of insertion sane */
    if (t >= 1) t = 1 - 1e-16;
    st->recs[st->n_recs].seg = seg;
    st->recs[st->n_recs].t = t;
    st->recs[st->n_recs].cid = cid;
    st->n_recs++;
    return HL_OK;
}

static double param_on(const double *a, const double *b, const double *p) {
    double dx = b[0] - a[0], dy = b[1] - a[1];
    return ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy);
}

static bool in_box(const double *a, const double *b, const double *p) {
    return p[0] >= fmin(a[0], b[0]) && p[0] <= fmax(a[0], b[0]) && p[1] >= fmin(a[1], b[1]) &&
           p[1] <= fmax(a[1], b[1]);
}

/* Test segments sa < sb (global start vertex indices) and record insertions. */
static hl_status test_pair(cross_state *st, size_t sa, size_t sb) {
    uint32_t a1 = st->vid[sa], a2 = st->vid[sa + 1], b1 = st->vid[sb], b2 = st->vid[sb + 1];
    double p1[2], p2[2], q1[2], q2[2];
    double o1, o2, o3, o4;
    hl_status rc = HL_OK;
    /* copy: the coordinate table may move when a crossing point is added */
    memcpy(p1, st->h->xy + 2 * (size_t)a1, sizeof p1);
    memcpy(p2, st->h->xy + 2 * (size_t)a2, sizeof p2);
    memcpy(q1, st->h->xy + 2 * (size_t)b1, sizeof q1);
    memcpy(q2, st->h->xy + 2 * (size_t)b2, sizeof q2);
    if (fmax(p1[0], p2[0]) < fmin(q1[0], q2[0]) || fmax(q1[0], q2[0]) < fmin(p1[0], p2[0]) ||
        fmax(p1[1], p2[1]) < fmin(q1[1], q2[1]) || fmax(q1[1], q2[1]) < fmin(p1[1], p2[1]))
        return HL_OK;
    o1 = orient(q1, q2, p1);
    o2 = orient(q1, q2, p2);
    o3 = orient(p1, p2, q1);
    o4 = orient(p1, p2, q2);
    /* an end of one segment lying on the other (T-junctions, collinear overlaps) */
    if (a1 != b1 && a1 != b2 && o1 == 0 && in_box(q1, q2, p1)) rc = add_rec(st, sb, param_on(q1, q2, p1), a1);
    if (!rc && a2 != b1 && a2 != b2 && o2 == 0 && in_box(q1, q2, p2)) rc = add_rec(st, sb, param_on(q1, q2, p2), a2);
    if (!rc && b1 != a1 && b1 != a2 && o3 == 0 && in_box(p1, p2, q1)) rc = add_rec(st, sa, param_on(p1, p2, q1), b1);
    if (!rc && b2 != a1 && b2 != a2 && o4 == 0 && in_box(p1, p2, q2)) rc = add_rec(st, sa, param_on(p1, p2, q2), b2);
    if (rc) return rc;
    /* a proper crossing */
    if (o1 != 0 && o2 != 0 && o3 != 0 && o4 != 0 && ((o1 < 0) != (o2 < 0)) && ((o3 < 0) != (o4 < 0))) {
        double s = o1 / (o1 - o2), u = o3 / (o3 - o4);
        double x = p1[0] + s * (p2[0] - p1[0]), y = p1[1] + s * (p2[1] - p1[1]);
        uint32_t cid;
        rc = hl__coord_hash_add(st->ctx, st->h, x, y, &cid);
        if (rc) return rc;
        if (cid != a1 && cid != a2) rc = add_rec(st, sa, s, cid);
        if (!rc && cid != b1 && cid != b2) rc = add_rec(st, sb, u, cid);
    }
    return rc;
}

struct reg_state {
    size_t *start;
    uint32_t *segs;
    uint32_t cur;
};
static void reg_count(void *user, size_t cell) { ((struct reg_state *)user)->start[cell + 1]++; }
static void reg_fill(void *user, size_t cell) {
    struct reg_state *r = user;
    r->segs[r->start[cell]++] = r->cur;
}

hl_status hl__node_crossings(hl_ctx *ctx, const hl_road_line *lines, size_t n_lines,
                             hl__coord_hash *h, uint32_t **vid_io, size_t **loff_io, size_t *n_inserted) {
    hl_status rc = HL_OK;
    uint32_t *vid = *vid_io, *vline = NULL, *cell_seg = NULL, *nvid = NULL;
    size_t *loff = *loff_io, *cell_start = NULL, *nloff = NULL;
    size_t nv = loff[n_lines], n_segs = 0, n_cells, nx, ny, total, w, k;
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY, sum_len = 0, cell;
    cross_state st = {0};
    struct reg_state reg = {0};
    *n_inserted = 0;
    st.ctx = ctx;
    st.h = h;
    st.vid = vid;

    vline = hl_malloc(ctx, (nv ? nv : 1) * sizeof *vline);
    if (!vline) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory noding crossings");
        goto done;
    }
    for (size_t l = 0; l < n_lines; l++) {
        for (size_t i = loff[l]; i < loff[l + 1]; i++) {
            const double *p = h->xy + 2 * (size_t)vid[i];
            vline[i] = (uint32_t)l;
            minx = fmin(minx, p[0]);
            maxx = fmax(maxx, p[0]);
            miny = fmin(miny, p[1]);
            maxy = fmax(maxy, p[1]);
            if (i + 1 < loff[l + 1] && vid[i] != vid[i + 1]) {
                const double *q = h->xy + 2 * (size_t)vid[i + 1];
                n_segs++;
                sum_len += sqrt((q[0] - p[0]) * (q[0] - p[0]) + (q[1] - p[1]) * (q[1] - p[1]));
            }
        }
    }
    if (n_segs < 2) goto rebuild;
    {
        double wd = maxx - minx, ht = maxy - miny;
        cell = sum_len / (double)n_segs; /* the cap below bounds the empty cells */
        if (!(cell > 0) || !isfinite(cell)) cell = 1.0;
        for (;;) {
            double fx = floor(wd / cell) + 1, fy = floor(ht / cell) + 1;
            if (fx * fy <= 4.0 * (double)n_segs + 64) {
                nx = (size_t)fx;
                ny = (size_t)fy;
                break;
            }
            cell *= 1.5;
        }
    }
    n_cells = nx * ny;
    cell_start = hl_calloc(ctx, n_cells + 1, sizeof *cell_start);
    if (!cell_start) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory noding crossings");
        goto done;
    }
    reg.start = cell_start;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i + 1 < nv; i++) {
            const double *p, *q;
            if (vline[i] != vline[i + 1] || vid[i] == vid[i + 1]) continue;
            p = h->xy + 2 * (size_t)vid[i];
            q = h->xy + 2 * (size_t)vid[i + 1];
            reg.cur = (uint32_t)i;
            hl__grid_cells_of_segment(minx, miny, cell, (int64_t)nx, (int64_t)ny, p[0], p[1], q[0], q[1],
                                      pass == 0 ? reg_count : reg_fill, &reg);
        }
        if (pass == 0) {
            for (size_t c = 0; c < n_cells; c++) cell_start[c + 1] += cell_start[c];
            total = cell_start[n_cells];
            cell_seg = hl_malloc(ctx, (total ? total : 1) * sizeof *cell_seg);
            if (!cell_seg) {
                rc = hl_error(ctx, HL_E_NOMEM, "out of memory noding crossings (%zu cell entries)", total);
                goto done;
            }
            reg.segs = cell_seg;
        }
    }
    for (size_t c = n_cells; c > 0; c--) cell_start[c] = cell_start[c - 1];
    cell_start[0] = 0;

    for (size_t c = 0; c < n_cells; c++) {
        for (size_t a = cell_start[c]; a < cell_start[c + 1]; a++) {
            size_t sa = cell_seg[a];
            int la = lines[vline[sa]].level;
            for (size_t b = a + 1; b < cell_start[c + 1]; b++) {
                size_t sb = cell_seg[b];
                if (lines[vline[sb]].level != la) continue;
                rc = test_pair(&st, sa, sb);
                if (rc) goto done;
            }
        }
        if ((c & 0xffff) == 0 && (rc = hl_check_interrupt(ctx))) goto done;
    }
    if (st.n_recs) qsort(st.recs, st.n_recs, sizeof *st.recs, cmp_rec);

rebuild:
    nvid = hl_malloc(ctx, (nv + st.n_recs + 1) * sizeof *nvid);
    nloff = hl_malloc(ctx, (n_lines + 1) * sizeof *nloff);
    if (!nvid || !nloff) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory noding crossings");
        goto done;
    }
    w = 0;
    k = 0;
    for (size_t l = 0; l < n_lines; l++) {
        nloff[l] = w;
        for (size_t i = loff[l]; i < loff[l + 1]; i++) {
            nvid[w++] = vid[i];
            while (k < st.n_recs && st.recs[k].seg < i) k++;
            for (; k < st.n_recs && st.recs[k].seg == i; k++) {
                uint32_t c = st.recs[k].cid;
                if (c == nvid[w - 1] || (i + 1 < loff[l + 1] && c == vid[i + 1])) continue;
                nvid[w++] = c;
                (*n_inserted)++;
            }
        }
    }
    nloff[n_lines] = w;
    hl_free(vid);
    hl_free(loff);
    *vid_io = nvid;
    *loff_io = nloff;
    nvid = NULL;
    nloff = NULL;
done:
    hl_free(vline);
    hl_free(cell_start);
    hl_free(cell_seg);
    hl_free(st.recs);
    hl_free(nvid);
    hl_free(nloff);
    return rc;
}
