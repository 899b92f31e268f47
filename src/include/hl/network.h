/* hinterland net: a routable road network built from raw road lines, and
 * the placement of points (villages, facilities) on it, following
 * docs/accessibility-semantics.md:
 *
 *  - nodes are the first and last vertex of every line and every vertex that
 *    occurs two or more times across all lines (also twice in one line);
 *    lines are split at every node; lines that only cross are not connected
 *    unless hl_net_opts.node_crossings is set (and then only at equal level);
 *  - line endpoints closer than hl_net_opts.snap_tol_m are merged first;
 *  - a point joins the nearest point of the nearest edge (Euclidean, whatever
 *    the direction), ties going to the lowest edge; a projection within
 *    HL_NET_NODE_ATTACH_M of an edge end attaches the point to that node;
 *  - hl_net_routable splits the edges at the projections and adds one
 *    connector per point, travelled at the access speed both ways.
 *
 * All lengths are planar metres in the caller's working CRS, all times
 * seconds.  INFINITY is a closed direction.  Node and edge ids are 0-based
 * uint32_t.  Handles are used by one thread at a time; a built network is
 * read-only, so several threads may read one network and place points on it
 * concurrently, each with its own hl_ctx. */
#ifndef HL_NETWORK_H
#define HL_NETWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hl/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A projection this close (metres, along the edge) to an edge end is that
 * end's node: the point attaches to the node and no edge is split. */
#define HL_NET_NODE_ATTACH_M 1e-6

/* One road line, as the caller resolved it from a road feature. */
typedef struct hl_road_line {
    const double *xy;   /* 2*n_vertices coordinates, metres, in the working CRS (x=easting) */
    size_t n_vertices;
    double speed_kmh;   /* > 0; the caller already resolved speed field / maxspeed / class defaults */
    int oneway;         /* 0 two-way, 1 along the digitised direction only, -1 against it only */
    int level;          /* grade-separation level: 0 at grade; bridges/tunnels/levels non-zero */
    int64_t road_index; /* the caller's index of the road feature, carried to every edge */
} hl_road_line;

/* Build options; hl_net_opts_init sets the defaults. */
typedef struct hl_net_opts {
    /* Line endpoints closer than this (strictly) are merged into one node:
     * single-linkage clusters of endpoint coordinates, each moved to the
     * cluster's first coordinate in input order (line order, then vertex
     * order).  Every vertex at a moved coordinate moves with it, so a line
     * that shared the coordinate stays connected.  0 switches merging off.
     * Default 1.0. */
    double snap_tol_m;
    /* Split lines where they cross or touch without a shared vertex, except
     * where the two lines have different `level`.  Default false. */
    bool node_crossings;
    /* Report dangling ends closer than this (strictly) to an edge they are
     * not connected to (neither their own edge nor an edge at its other
     * end): likely digitising errors.  0 switches the report off.
     * Default 10. */
    double near_miss_m;
} hl_net_opts;

/* Fill `opts` with the defaults above. */
void hl_net_opts_init(hl_net_opts *opts);

typedef struct hl_network hl_network;

/* Build a network from `n` road lines.  `lines` and the coordinates they
 * point to are only read during the call.  `opts` NULL means the defaults.
 * Lines with fewer than two distinct vertices are dropped (counted in
 * hl_net_stats.n_lines_dropped); a non-finite coordinate, a speed that is
 * not > 0 or an oneway value outside -1..1 is HL_E_ARG.
 * Edges are numbered in road order, then piece order along the road; nodes
 * in the order edges first reach them.  Zero-length segments and exact
 * duplicate edges (same from node, same to node, same vertex sequence; the
 * first is kept) are dropped and counted; parallel edges and self-loops
 * with different geometry are kept.
 * Reports hl_progress(ctx, "network build", step, steps).
 * On success *out is a new network the caller destroys with
 * hl_net_destroy; on failure *out is NULL. */
hl_status hl_net_build(hl_ctx *ctx, const hl_road_line *lines, size_t n, const hl_net_opts *opts,
                       hl_network **out);
/* Destroy a network; NULL does nothing. */
void hl_net_destroy(hl_network *net);

/* --- nodes and edges (all pointers borrowed, valid while the network lives) --- */

size_t hl_net_node_count(const hl_network *net);
/* Node coordinates, 2 doubles (x, y) per node. */
const double *hl_net_nodes_xy(const hl_network *net);
size_t hl_net_edge_count(const hl_network *net);

/* One edge as hl_net_edge_get returns it. */
typedef struct hl_net_edge {
    uint32_t from, to;  /* node ids; from = first vertex of the digitised direction */
    double len_m;       /* planar length */
    double fwd_s;       /* time from -> to, INFINITY if closed */
    double bwd_s;       /* time to -> from, INFINITY if closed */
    double speed_kmh;
    int64_t road_index; /* hl_road_line.road_index of the line it came from */
    uint32_t component; /* component id (see hl_net_component_get) */
    const double *xy;   /* borrowed: 2*n_vertices coordinates, from -> to */
    size_t n_vertices;
} hl_net_edge;

/* Fill *out with edge `edge` (< hl_net_edge_count). */
void hl_net_edge_get(const hl_network *net, uint32_t edge, hl_net_edge *out);
/* Flat per-edge arrays, hl_net_edge_count long each. */
const uint32_t *hl_net_edges_from(const hl_network *net);
const uint32_t *hl_net_edges_to(const hl_network *net);
const double *hl_net_edges_len_m(const hl_network *net);
const double *hl_net_edges_fwd_s(const hl_network *net);
const double *hl_net_edges_bwd_s(const hl_network *net);

/* The part of edge `edge` between offsets `from_m` and `to_m` (metres from
 * its from-node, clamped to 0..len_m) as a polyline: the interpolated start,
 * the edge vertices strictly between, the interpolated end.  If from_m >
 * to_m the polyline runs backwards along the edge.  Always at least 2
 * points (equal offsets give 2 equal points).  On success *xy is a new array
 * of 2 * *n_out doubles the caller frees with hl_free. */
hl_status hl_net_edge_substring(hl_ctx *ctx, const hl_network *net, uint32_t edge, double from_m,
                                double to_m, double **xy, size_t *n_out);

/* --- components (weakly connected), dangles, near misses, counts --- */

typedef struct hl_net_component {
    size_t n_nodes;
    size_t n_edges;
    double len_m; /* summed edge length */
} hl_net_component;

/* Components are numbered by node count, largest first; equal counts by
 * their lowest node id.  Component 0 is the main network. */
size_t hl_net_component_count(const hl_network *net);
void hl_net_component_get(const hl_network *net, uint32_t component, hl_net_component *out);
/* Component id per node, hl_net_node_count long. */
const uint32_t *hl_net_node_components(const hl_network *net);

/* Dangling ends: nodes of degree 1 (a self-loop counts 2), ascending.
 * *n receives the count. */
const uint32_t *hl_net_dangles(const hl_network *net, size_t *n);

/* A dangling end closer than near_miss_m to an edge that is neither its own
 * edge nor one at that edge's other end. */
typedef struct hl_net_near_miss {
    uint32_t node;     /* the dangling end */
    uint32_t edge;     /* the nearest such edge (ties: lowest edge) */
    double dist_m;     /* the gap */
    double x, y;       /* the nearest point on that edge */
    bool at_node;      /* that point is an end of the edge (within HL_NET_NODE_ATTACH_M) */
    uint32_t other_node; /* ...and this is the node there (valid if at_node) */
} hl_net_near_miss;

/* Near misses, one per dangling end that has one, by node id.  *n
 * receives the count. */
const hl_net_near_miss *hl_net_near_misses(const hl_network *net, size_t *n);

typedef struct hl_net_stats {
    size_t n_lines;          /* lines given */
    size_t n_lines_dropped;  /* lines left with fewer than 2 distinct vertices */
    size_t n_zero_length;    /* zero-length segments removed (also after merging) */
    size_t n_duplicates;     /* exact duplicate edges dropped */
    size_t n_merged_coords;  /* distinct endpoint coordinates moved by snap_tol_m */
    size_t n_crossing_splits; /* vertices inserted by node_crossings */
} hl_net_stats;

void hl_net_stats_get(const hl_network *net, hl_net_stats *out);

/* --- placement --- */

typedef struct hl_place_opts {
    double max_snap_m;      /* a point farther than this from every edge is not placed; inclusive; default 2000 */
    bool main_network_only; /* consider only edges of component 0; default false */
} hl_place_opts;

void hl_place_opts_init(hl_place_opts *opts);

typedef enum hl_place_status {
    HL_PLACE_OK = 0,      /* placed */
    HL_PLACE_TOO_FAR,     /* no edge within max_snap_m */
    HL_PLACE_NO_NETWORK,  /* the network (or its main component) has no edge */
    HL_PLACE_BAD_POINT    /* the point's coordinates are not finite */
} hl_place_status;

/* Where one point joined the network.  All fields but status, px, py are
 * meaningful only when status == HL_PLACE_OK. */
typedef struct hl_place {
    hl_place_status status;
    double px, py;          /* the point itself */
    uint32_t edge;          /* the nearest edge */
    double offset_m;        /* of the projection, along the edge from its from-node
                               (exactly 0 or len_m when at_node) */
    double x, y;            /* the projection */
    double snap_m;          /* point -> projection distance */
    bool at_node;           /* the projection is within HL_NET_NODE_ATTACH_M of an edge end */
    uint32_t node;          /* ...that end's node (valid if at_node) */
    uint32_t component;     /* component of the edge */
    size_t comp_n_nodes;    /* its node count (small = an island) */
    double comp_len_m;      /* its summed edge length */
} hl_place;

typedef struct hl_placement hl_placement;

/* Place `n_points` points (xy: 2 doubles each, working CRS) on `net`.
 * `opts` NULL means the defaults.  Unplaceable points are not errors; see
 * hl_place.status.  On success *out is a new placement the caller destroys
 * with hl_placement_destroy; it refers to `net`, which must outlive it. */
hl_status hl_net_place(hl_ctx *ctx, const hl_network *net, const double *xy, size_t n_points,
                       const hl_place_opts *opts, hl_placement **out);
void hl_placement_destroy(hl_placement *pl);
size_t hl_placement_count(const hl_placement *pl);
/* Borrowed array of hl_placement_count entries, in input order. */
const hl_place *hl_placement_places(const hl_placement *pl);

/* --- the routable graph --- */

typedef struct hl_routable hl_routable;

/* hl_routable_net_edge value of a connector edge. */
#define HL_ROUTABLE_CONNECTOR UINT32_MAX

/* Build the graph routing runs on: `net` with every edge split at the
 * projections of the placed points of all `n_sets` placement sets (several
 * points on one edge chained in order along it; points with the very same
 * offset share one split node; piece times are the edge's times in
 * proportion to length), plus one node per placed point and one connector
 * edge per placed point from that node to its projection (or its attach
 * node), len_m = snap_m, both ways at access_speed_kmh.
 * Node ids: the network's nodes keep theirs (0..hl_net_node_count-1), then
 * split nodes by (edge, offset), then point nodes by (set, point).  Edge
 * ids: the pieces of network edge 0, 1, ... in order along each edge, then
 * connectors by (set, point).  Connector from = point node, to = the node on
 * the network.  Every set must come from hl_net_place on `net` (HL_E_ARG
 * otherwise).  On success *out is a new graph the caller destroys with
 * hl_routable_destroy; it does not refer to `net` or the sets afterwards. */
hl_status hl_net_routable(hl_ctx *ctx, const hl_network *net, const hl_placement *const *sets,
                          size_t n_sets, double access_speed_kmh, hl_routable **out);
void hl_routable_destroy(hl_routable *r);

size_t hl_routable_node_count(const hl_routable *r);
size_t hl_routable_edge_count(const hl_routable *r);
/* Flat arrays for hl_graph_create: edge_count long (nodes_xy: 2 per node). */
const uint32_t *hl_routable_from(const hl_routable *r);
const uint32_t *hl_routable_to(const hl_routable *r);
const double *hl_routable_fwd_s(const hl_routable *r);
const double *hl_routable_bwd_s(const hl_routable *r);
const double *hl_routable_len_m(const hl_routable *r);
const double *hl_routable_nodes_xy(const hl_routable *r);
/* Per edge: the network edge it is a piece of (HL_ROUTABLE_CONNECTOR for a
 * connector) and the piece's start and end offsets along it in metres
 * (from_m < to_m; for a connector 0 and len_m, from the point). */
const uint32_t *hl_routable_net_edge(const hl_routable *r);
const double *hl_routable_net_from_m(const hl_routable *r);
const double *hl_routable_net_to_m(const hl_routable *r);
/* The node and the connector edge of point `i` of set `set`.  Returns false
 * (and leaves the outputs alone) if that point was not placed or the
 * indices are out of range.  Either output may be NULL. */
bool hl_routable_point(const hl_routable *r, size_t set, size_t i, uint32_t *node,
                       uint32_t *connector);

#ifdef __cplusplus
}
#endif
#endif
