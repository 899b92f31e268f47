/* Cell masks to polygons: the outline of the marked cells of a grid, traced
 * along the cell edges (service areas).  GDALPolygonize answers the same
 * question for any raster, but through a generic pipeline that cost about
 * 20 ns a cell and a third of the province's service-area stage; a 0/1 mask
 * needs only a scan for ring starts and a walk along each ring.
 *
 * The walk keeps the marked cells on its left, so shells run
 * counter-clockwise and holes clockwise (y up).  Where two marked cells
 * touch only at a corner the walk must choose: it keeps them apart when
 * they belong to different edge-connected groups (4-connectivity, as
 * GDALPolygonize) and joins them when they are one group, which splits the
 * ring there into a shell and a hole, or two holes, that touch at a point:
 * valid polygons, never a ring that touches itself. */
#include <stdint.h>
#include <string.h>

#include "core/core_int.h"
#include "geom/geom_int.h"

enum { DIR_E, DIR_N, DIR_W, DIR_S };
static const int DX[4] = {1, 0, -1, 0}, DY[4] = {0, -1, 0, 1}; /* vertex steps, row index down */

typedef struct tracer {
    const uint8_t *mask;
    long nx, ny;
    uint32_t *label;     /* per cell: its group, UINT32_MAX unmarked */
    uint8_t *top_done;   /* per cell: its top edge has been walked */
} tracer;

static inline bool marked(const tracer *t, long i, long j) {
    return i >= 0 && j >= 0 && i < t->nx && j < t->ny && t->mask[(size_t)j * (size_t)t->nx + (size_t)i];
}

static inline uint32_t label_at(const tracer *t, long i, long j) {
    return t->label[(size_t)j * (size_t)t->nx + (size_t)i];
}

/* Whether the boundary leaves vertex (i, j) in direction d: a marked cell on
 * its left and an unmarked one on its right. */
static inline bool leaves(const tracer *t, long i, long j, int d) {
    switch (d) {
    case DIR_E: return marked(t, i, j - 1) && !marked(t, i, j);
    case DIR_N: return marked(t, i - 1, j - 1) && !marked(t, i, j - 1);
    case DIR_W: return marked(t, i - 1, j) && !marked(t, i - 1, j - 1);
    default: return marked(t, i, j) && !marked(t, i - 1, j);
    }
}

static uint32_t uf_find(uint32_t *p, uint32_t x) {
    while (p[x] != x) {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
}

/* Edge-connected groups of marked cells, numbered 0.. in scan order (the
 * order their first top edge is met); returns the number of groups. */
static uint32_t label_groups(tracer *t) {
    size_t n = (size_t)t->nx * (size_t)t->ny;
    uint32_t *p = t->label, groups = 0;
    for (long j = 0; j < t->ny; j++)
        for (long i = 0; i < t->nx; i++) {
            size_t c = (size_t)j * (size_t)t->nx + (size_t)i;
            if (!t->mask[c]) {
                p[c] = UINT32_MAX;
                continue;
            }
            p[c] = (uint32_t)c;
            if (i > 0 && t->mask[c - 1]) p[c] = uf_find(p, (uint32_t)(c - 1));
            if (j > 0 && t->mask[c - (size_t)t->nx]) {
                uint32_t a = uf_find(p, (uint32_t)(c - (size_t)t->nx)), b = uf_find(p, p[c]);
                if (a != b) {
                    if (a < b) p[b] = a;
                    else p[a] = b;
                }
                p[c] = a < b ? a : b;
            }
        }
    /* every cell points to a smaller index or to itself (the root: the
       group's first cell in scan order), so in scan order a cell's parent
       already holds its final group number */
    for (size_t c = 0; c < n; c++) {
        if (p[c] == UINT32_MAX) continue;
        p[c] = p[c] == c ? groups++ : p[p[c]];
    }
    return groups;
}

typedef struct ring_list {
    double *xy;          /* all rings' vertices, each ring closed */
    size_t n_xy, cap_xy; /* in points */
    struct ring {
        size_t first, n; /* points */
        uint32_t group;
        bool shell;
    } *rings;
    size_t n_rings, cap_rings;
} ring_list;

/* Walk the ring through the top edge of cell (i, j), adding its turning
 * vertices (closed) to *rl. */
static hl_status walk_ring(hl_ctx *ctx, tracer *t, long i, long j, double x0, double y_top, double c, ring_list *rl) {
    long vi = i + 1, vj = j, si = vi, sj = vj; /* the top edge runs west from (i+1, j) */
    int d = DIR_W;
    size_t first = rl->n_xy;
    double area2 = 0;
    hl_status rc;
    do {
        int nd;
        if (d == DIR_W) t->top_done[(size_t)vj * (size_t)t->nx + (size_t)(vi - 1)] = 1;
        vi += DX[d];
        vj += DY[d];
        {
            int left = (d + 1) & 3, right = (d + 3) & 3;
            bool l = leaves(t, vi, vj, left), r = leaves(t, vi, vj, right);
            if (l && r) {
                /* two marked cells meet at this corner only: join them when
                   they are one group */
                uint32_t a, b;
                if (marked(t, vi - 1, vj - 1)) {
                    a = label_at(t, vi - 1, vj - 1);
                    b = label_at(t, vi, vj);
                } else {
                    a = label_at(t, vi, vj - 1);
                    b = label_at(t, vi - 1, vj);
                }
                nd = a == b ? right : left;
            } else if (l) {
                nd = left;
            } else if (leaves(t, vi, vj, d)) {
                nd = d;
            } else {
                nd = right;
            }
            if (nd != d) {
                if ((rc = hl_grow(ctx, (void **)&rl->xy, &rl->cap_xy, rl->n_xy + 2, 2 * sizeof *rl->xy))) return rc;
                rl->xy[2 * rl->n_xy] = x0 + (double)vi * c;
                rl->xy[2 * rl->n_xy + 1] = y_top - (double)vj * c;
                rl->n_xy++;
            }
            d = nd;
        }
    } while (!(vi == si && vj == sj && d == DIR_W));
    /* close, and orient by the signed area (in cell units, exact) */
    if ((rc = hl_grow(ctx, (void **)&rl->xy, &rl->cap_xy, rl->n_xy + 1, 2 * sizeof *rl->xy))) return rc;
    rl->xy[2 * rl->n_xy] = rl->xy[2 * first];
    rl->xy[2 * rl->n_xy + 1] = rl->xy[2 * first + 1];
    rl->n_xy++;
    for (size_t k = first; k + 1 < rl->n_xy; k++) {
        double ax = (rl->xy[2 * k] - x0) / c, ay = (rl->xy[2 * k + 1] - y_top) / c;
        double bx = (rl->xy[2 * k + 2] - x0) / c, by = (rl->xy[2 * k + 3] - y_top) / c;
        area2 += ax * by - bx * ay;
    }
    if ((rc = hl_grow(ctx, (void **)&rl->rings, &rl->cap_rings, rl->n_rings + 1, sizeof *rl->rings))) return rc;
    rl->rings[rl->n_rings].first = first;
    rl->rings[rl->n_rings].n = rl->n_xy - first;
    rl->rings[rl->n_rings].group = label_at(t, i, j);
    rl->rings[rl->n_rings].shell = area2 > 0;
    rl->n_rings++;
    return HL_OK;
}

static GEOSGeometry *make_ring(GEOSContextHandle_t h, const ring_list *rl, size_t r) {
    GEOSCoordSequence *cs =
        GEOSCoordSeq_copyFromBuffer_r(h, &rl->xy[2 * rl->rings[r].first], (unsigned)rl->rings[r].n, 0, 0);
    return cs ? GEOSGeom_createLinearRing_r(h, cs) : NULL;
}

/* One polygon per group from the rings: its shell and its holes. */
static hl_status assemble(hl_ctx *ctx, const ring_list *rl, uint32_t groups, GEOSGeometry **out) {
    GEOSContextHandle_t h = hl__geos(ctx);
    GEOSGeometry **polys = NULL, **holes = NULL;
    size_t *shell_of = NULL, *n_holes = NULL, *hole_start = NULL, *hole_ring = NULL;
    size_t made = 0;
    hl_status rc = HL_OK;
    if (!h) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    polys = hl_calloc(ctx, groups, sizeof *polys);
    shell_of = hl_malloc(ctx, groups * sizeof *shell_of);
    n_holes = hl_calloc(ctx, groups + 1, sizeof *n_holes);
    hole_start = hl_calloc(ctx, groups + 1, sizeof *hole_start);
    hole_ring = hl_malloc(ctx, (rl->n_rings + 1) * sizeof *hole_ring);
    holes = hl_malloc(ctx, (rl->n_rings + 1) * sizeof *holes);
    if (!polys || !shell_of || !n_holes || !hole_start || !hole_ring || !holes) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    for (uint32_t g = 0; g < groups; g++) shell_of[g] = SIZE_MAX;
    for (size_t r = 0; r < rl->n_rings; r++) {
        if (rl->rings[r].shell) shell_of[rl->rings[r].group] = r;
        else n_holes[rl->rings[r].group]++;
    }
    for (uint32_t g = 0; g < groups; g++) hole_start[g + 1] = hole_start[g] + n_holes[g];
    memset(n_holes, 0, (groups + 1) * sizeof *n_holes);
    for (size_t r = 0; r < rl->n_rings; r++)
        if (!rl->rings[r].shell) {
            uint32_t g = rl->rings[r].group;
            hole_ring[hole_start[g] + n_holes[g]++] = r;
        }
    for (uint32_t g = 0; g < groups; g++) {
        GEOSGeometry *shell;
        size_t nh = n_holes[g];
        if (shell_of[g] == SIZE_MAX) {
            rc = hl_error(ctx, HL_E_GEOM, "a group of service-area cells has no outline");
            goto done;
        }
        shell = make_ring(h, rl, shell_of[g]);
        if (!shell) {
            rc = hl_error(ctx, HL_E_GEOM, "cannot build a polygon ring");
            goto done;
        }
        for (size_t k = 0; k < nh; k++) {
            if (!(holes[k] = make_ring(h, rl, hole_ring[hole_start[g] + k]))) {
                for (size_t q = 0; q < k; q++) GEOSGeom_destroy_r(h, holes[q]);
                GEOSGeom_destroy_r(h, shell);
                rc = hl_error(ctx, HL_E_GEOM, "cannot build a polygon ring");
                goto done;
            }
        }
        /* the polygon takes the rings, also on failure */
        if (!(polys[g] = GEOSGeom_createPolygon_r(h, shell, nh ? holes : NULL, (unsigned)nh))) {
            rc = hl_error(ctx, HL_E_GEOM, "cannot build a polygon");
            goto done;
        }
        made = g + 1;
    }
    *out = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys, groups);
    if (!*out) rc = hl_error(ctx, HL_E_GEOM, "cannot build a multipolygon");
    else made = 0; /* owned by *out */
done:
    for (size_t g = 0; g < made; g++) GEOSGeom_destroy_r(h, polys[g]);
    hl_free(polys);
    hl_free(shell_of);
    hl_free(n_holes);
    hl_free(hole_start);
    hl_free(hole_ring);
    hl_free(holes);
    return rc;
}

hl_status hl_geom_mask_polygons(hl_ctx *ctx, const uint8_t *mask, size_t nx, size_t ny, double x0, double y_top,
                                double cell_m, GEOSGeometry **out) {
    tracer t;
    ring_list rl;
    uint32_t groups;
    hl_status rc = HL_OK;
    *out = NULL;
    if (!nx || !ny) return HL_OK;
    if (nx > (size_t)INT32_MAX || ny > (size_t)INT32_MAX || nx * ny >= (size_t)UINT32_MAX / 2)
        return hl_error(ctx, HL_E_ARG, "a %zu x %zu grid is too large to outline", nx, ny);
    memset(&t, 0, sizeof t);
    memset(&rl, 0, sizeof rl);
    t.mask = mask;
    t.nx = (long)nx;
    t.ny = (long)ny;
    t.label = hl_malloc(ctx, nx * ny * sizeof *t.label);
    t.top_done = hl_calloc(ctx, nx * ny, 1);
    if (!t.label || !t.top_done) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory for a %zu x %zu grid", nx, ny);
        goto done;
    }
    groups = label_groups(&t);
    if (!groups) goto done;
    for (long j = 0; j < t.ny && !rc; j++) {
        const uint8_t *row = mask + (size_t)j * nx, *up = j ? row - nx : NULL;
        const uint8_t *done_row = t.top_done + (size_t)j * nx;
        for (long i = 0; i < t.nx && !rc; i++)
            if (row[i] && !(up && up[i]) && !done_row[i]) rc = walk_ring(ctx, &t, i, j, x0, y_top, cell_m, &rl);
    }
    if (!rc) rc = assemble(ctx, &rl, groups, out);
done:
    hl_free(t.label);
    hl_free(t.top_done);
    hl_free(rl.xy);
    hl_free(rl.rings);
    return rc;
}

void hl_geom_mask_erode(const uint8_t *in, uint8_t *out, size_t nx, size_t ny) {
    memset(out, 0, nx * ny);
    for (size_t j = 1; j + 1 < ny; j++) {
        const uint8_t *a = in + (j - 1) * nx, *b = a + nx, *c = b + nx;
        uint8_t *o = out + j * nx;
        for (size_t i = 1; i + 1 < nx; i++)
            o[i] = (a[i - 1] && a[i] && a[i + 1] && b[i - 1] && b[i] && b[i + 1] && c[i - 1] && c[i] && c[i + 1]);
    }
}
