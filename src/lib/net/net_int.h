/* Internals of the net module: the network's flat arrays, the segment grid
 * used for nearest-edge queries, and helpers shared by the net sources. */
#ifndef HL_NET_INT_H
#define HL_NET_INT_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hl/network.h"

/* A uniform grid over the network's segments.  Segment s is the piece
 * between vertices s + seg_edge[s] and s + seg_edge[s] + 1 of the flat
 * vertex array (edge e with k vertices owns k - 1 consecutive segments).
 * Cell (i, j) lists its segments in cell_seg[cell_start[c] .. cell_start[c+1]),
 * ascending, c = j * nx + i. */
typedef struct hl__seg_grid {
    double x0, y0, cell_m;
    int64_t nx, ny;
    size_t *cell_start; /* nx*ny + 1 */
    uint32_t *cell_seg;
    uint32_t *seg_edge; /* n_segs */
    size_t n_segs;
} hl__seg_grid;

struct hl_network {
    size_t n_nodes;
    double *node_xy;    /* 2 * n_nodes */
    uint32_t *node_comp;
    size_t n_edges;
    uint32_t *e_from, *e_to, *e_comp;
    double *e_len_m, *e_fwd_s, *e_bwd_s, *e_speed_kmh;
    int64_t *e_road;
    size_t *e_voff;     /* n_edges + 1, vertex offsets into v_xy */
    double *v_xy;       /* 2 per vertex */
    double *v_cum_m;    /* length along its edge at each vertex */
    size_t n_comps;
    hl_net_component *comps;
    uint32_t *dangles;
    size_t n_dangles;
    hl_net_near_miss *near;
    size_t n_near;
    hl_net_stats stats;
    hl__seg_grid grid;
};

/* A set of placed points (place.c); routable.c reads it. */
struct hl_placement {
    const hl_network *net; /* the network the points were placed on */
    size_t n;
    hl_place *places;
};

/* Which edges a nearest query may return. */
typedef struct hl__near_filter {
    bool main_only;      /* only edges of component 0 */
    bool skip_node;      /* not edges incident to `node` */
    uint32_t node;
    bool skip_node2;     /* nor to `node2` */
    uint32_t node2;
} hl__near_filter;

/* The result of a nearest query. */
typedef struct hl__near_hit {
    bool found;
    uint32_t edge;
    size_t seg;        /* global segment index */
    double dist_m;
    double x, y;       /* nearest point */
    double offset_m;   /* along the edge from its from-node */
} hl__near_hit;

/* Build the grid over net's edges (net->v_xy, e_voff must be set). */
hl_status hl__grid_build(hl_ctx *ctx, hl_network *net);
void hl__grid_free(hl__seg_grid *g);
/* The nearest point of any edge passing `f`, within max_m (inclusive), to
 * (px, py); ties by lowest edge, then lowest segment. */
void hl__grid_nearest(const hl_network *net, double px, double py, double max_m,
                      const hl__near_filter *f, hl__near_hit *hit);

/* Calls fn(user, cell_index) for every grid cell a segment a-b passes
 * through (closed cells, a little slack), cells clipped to nx x ny.  Used
 * both by the nearest grid and by the crossing noder.  Returns the number of
 * cells visited. */
typedef void (*hl__cell_fn)(void *user, size_t cell);
size_t hl__grid_cells_of_segment(double x0, double y0, double cell_m, int64_t nx, int64_t ny,
                                 double ax, double ay, double bx, double by, hl__cell_fn fn,
                                 void *user);

/* Open-addressing hash of exact coordinates to dense ids (0, 1, ... in
 * insertion order).  -0.0 equals 0.0. */
typedef struct hl__coord_hash {
    uint32_t *slots; /* id + 1, 0 = empty */
    size_t mask;
    double *xy;      /* 2 per id */
    size_t n, cap;   /* ids used, capacity of xy in ids */
} hl__coord_hash;

hl_status hl__coord_hash_init(hl_ctx *ctx, hl__coord_hash *h, size_t expect);
void hl__coord_hash_free(hl__coord_hash *h);
/* The id of (x, y), adding it if new. */
hl_status hl__coord_hash_add(hl_ctx *ctx, hl__coord_hash *h, double x, double y, uint32_t *id);

/* Node the crossings of line segments (node_crossings): inserts crossing and
 * touching points as new vertices into both lines, where the lines' levels
 * are equal.  *vid / *loff describe the lines as coordinate ids (line l is
 * vid[loff[l] .. loff[l+1])); on success they are replaced by new arrays
 * (the old ones freed), *n_inserted receives the count of inserted
 * vertices. */
hl_status hl__node_crossings(hl_ctx *ctx, const hl_road_line *lines, size_t n_lines,
                             hl__coord_hash *h, uint32_t **vid, size_t **loff, size_t *n_inserted);

/* Distance from p to segment a-b with the projection parameter t in 0..1
 * and the nearest point q (exactly a or b at the ends). */
static inline double hl__seg_dist(double px, double py, double ax, double ay, double bx, double by,
                                  double *t, double *qx, double *qy) {
    double dx = bx - ax, dy = by - ay;
    double l2 = dx * dx + dy * dy;
    double tt = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0.0;
    if (tt <= 0) {
        tt = 0;
        *qx = ax;
        *qy = ay;
    } else if (tt >= 1) {
        tt = 1;
        *qx = bx;
        *qy = by;
    } else {
        *qx = ax + tt * dx;
        *qy = ay + tt * dy;
    }
    *t = tt;
    return sqrt((px - *qx) * (px - *qx) + (py - *qy) * (py - *qy));
}

#endif
