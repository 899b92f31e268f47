/* hinterland route module: shortest travel times on a compact road graph.
 *
 * The graph is built once from an edge list (hl_graph_create) into forward
 * and reverse compressed-sparse-row adjacency and is read-only afterwards,
 * so one graph may be shared by any number of threads.  Searches run in a
 * workspace (hl_route_ws) that holds every per-node array and the heap, so
 * repeated searches allocate nothing; a workspace is used by one thread at a
 * time.
 *
 * Queries:
 *   - hl_route_search:    multi-source Dijkstra, FORWARD (time from the
 *                         sources to every node) or BACKWARD (time from every
 *                         node to its nearest source, on the reverse graph);
 *   - hl_route_k_nearest: the k best distinct sources of every node;
 *   - hl_route_od_matrix: origins x destinations, multi-threaded;
 *   - hl_route_search_reached: the same, reporting only the nodes reached;
 *   - hl_route_search_targets: the same for a few targets, stopping early;
 *   - hl_route_isochrone: the reached part of every edge for thresholds
 *                         (hl_route_isochrone_reached: from the reached nodes);
 *   - hl_route_allocate:  catchment totals from a search's winning sources;
 *   - hl_route_path:      the edges of one best path from a search's pred_edge.
 *
 * Units: times in seconds (`_s`), lengths in metres (`_m`).  Node and edge
 * indices are 0-based and refer to the arrays given to hl_graph_create.
 *
 * Label order (the tie rule, used by every query):
 *   a label is (time, source index, length).  Label A is better than B when
 *     A.time < B.time - 1e-9, or
 *     |A.time - B.time| <= 1e-9 and A.source < B.source, or
 *     |A.time - B.time| <= 1e-9, A.source == B.source and A.length < B.length.
 *   So times within HL_ROUTE_TIME_EPS_S are equal, the source with the lowest
 *   index wins, and among equally fast paths from one source the shortest
 *   network length is reported.  Unreached: time and length INFINITY, source
 *   and predecessor HL_ROUTE_NONE (never a -1 inside a double).
 *   Among exactly equal labels the first to arrive is kept; nodes with equal
 *   (time, source) are expanded in increasing node index and arcs in edge
 *   order, so every answer (pred_edge included) depends only on the input.
 *
 * Internally the graph numbers its nodes in breadth-first order for memory
 * locality.  This is invisible: every index taken or returned is the
 * caller's, and the expansion order above uses the caller's node indices. */
#ifndef HL_ROUTE_H
#define HL_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "hl/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "No source / no edge" in index outputs. */
#define HL_ROUTE_NONE UINT32_MAX
/* Two times closer than this are equal (seconds). */
#define HL_ROUTE_TIME_EPS_S 1e-9

typedef struct hl_graph hl_graph;
typedef struct hl_route_ws hl_route_ws;

/* ---- graph ------------------------------------------------------------ */

/* Build a routable graph in compressed sparse row form (forward and reverse
 * adjacency).  Edge i joins from[i] -> to[i]; fwd_s[i] is the travel time
 * along it (from->to), bwd_s[i] against it (to->from); INFINITY means closed
 * in that direction; len_m[i] is its length (len_m may be NULL: all lengths
 * 0).  Times must be >= 0 or +INFINITY, lengths finite and >= 0; NaN is
 * rejected.  Parallel edges and self loops are allowed (routing takes the
 * cheapest).  n_nodes and n_edges must be below HL_ROUTE_NONE.  The arrays
 * are copied.  On success *out is a new graph the caller destroys with
 * hl_graph_destroy; on failure *out is NULL and the status is HL_E_ARG or
 * HL_E_NOMEM with a message on ctx. */
hl_status hl_graph_create(hl_ctx *ctx, size_t n_nodes, size_t n_edges, const uint32_t *from,
                          const uint32_t *to, const double *fwd_s, const double *bwd_s,
                          const double *len_m, hl_graph **out);
/* Free a graph; NULL does nothing. */
void hl_graph_destroy(hl_graph *g);
size_t hl_graph_node_count(const hl_graph *g);
size_t hl_graph_edge_count(const hl_graph *g);
/* Number of directed arcs (open edge directions, self loops excluded) that
 * the search uses. */
size_t hl_graph_arc_count(const hl_graph *g);
/* Borrowed views of the copied edge arrays (valid while g lives). */
const uint32_t *hl_graph_edge_from(const hl_graph *g);
const uint32_t *hl_graph_edge_to(const hl_graph *g);
const double *hl_graph_edge_fwd_s(const hl_graph *g);
const double *hl_graph_edge_bwd_s(const hl_graph *g);
const double *hl_graph_edge_len_m(const hl_graph *g);

/* ---- workspace -------------------------------------------------------- */

/* Create a workspace for searches on graphs of up to hl_graph_node_count(g)
 * nodes.  The caller destroys it with hl_route_ws_destroy.  A workspace is
 * not thread-safe: one per thread.  It grows itself on the first
 * hl_route_k_nearest call with a larger k. */
hl_status hl_route_ws_create(hl_ctx *ctx, const hl_graph *g, hl_route_ws **out);
/* Free a workspace; NULL does nothing. */
void hl_route_ws_destroy(hl_route_ws *ws);

/* ---- multi-source search ---------------------------------------------- */

typedef enum hl_route_dir {
    HL_ROUTE_FORWARD = 0, /* time from the sources to every node */
    HL_ROUTE_BACKWARD = 1 /* time from every node to a source (reverse graph) */
} hl_route_dir;

typedef struct hl_route_opts {
    hl_route_dir dir; /* default HL_ROUTE_FORWARD */
    double cutoff_s;  /* labels with time > cutoff_s are dropped (nodes left
                         unreached); default INFINITY.  The cutoff is
                         inclusive: time == cutoff_s is reached. */
} hl_route_opts;

/* Fill *o with the defaults (FORWARD, no cutoff). */
void hl_route_opts_init(hl_route_opts *o);

/* Multi-source shortest times.
 *   ws:            workspace for g, or NULL to use a temporary one.
 *   n_sources:     number of sources (0 leaves every node unreached).
 *   source_node:   node of each source (duplicates allowed).
 *   source_time_s: initial cost of each source, finite (NULL: all 0).
 *   source_len_m:  initial length of each source, finite (NULL: all 0).
 *   opts:          NULL for the defaults.
 * Outputs (caller-allocated, hl_graph_node_count(g) entries each; any may be
 * NULL when not wanted), per node v:
 *   time_s[v]    best time (FORWARD: source -> v; BACKWARD: v -> source),
 *                including the source's initial cost; INFINITY if unreached;
 *   length_m[v]  network length of that path plus the source's initial
 *                length; INFINITY if unreached;
 *   source[v]    index (into source_node) of the winning source, by the
 *                label order above; HL_ROUTE_NONE if unreached;
 *   pred_edge[v] the edge by which the best path enters v (FORWARD) or
 *                leaves v towards the source (BACKWARD); HL_ROUTE_NONE at a
 *                winning source node itself and when unreached.
 *                (Follow it to the edge's other end to walk the path.)
 * Returns HL_OK, HL_E_ARG (bad node index, non-finite initial value,
 * workspace too small), HL_E_NOMEM (only when ws is NULL) or
 * HL_E_INTERRUPTED. */
hl_status hl_route_search(hl_ctx *ctx, const hl_graph *g, hl_route_ws *ws, size_t n_sources,
                          const uint32_t *source_node, const double *source_time_s,
                          const double *source_len_m, const hl_route_opts *opts, double *time_s,
                          double *length_m, uint32_t *source, uint32_t *pred_edge);

/* The same search reporting only the nodes it reaches (within the
 * cutoff): *n_reached of them, in ascending node order, in reached_node
 * (required) with their times and lengths in reached_time_s and
 * reached_len_m (either may be NULL), caller-allocated with
 * hl_graph_node_count(g) entries each.  Same labels as hl_route_search;
 * the cost follows the nodes reached, not the graph, which is what many
 * small searches on a large graph need (service areas, catchments).
 * Returns as hl_route_search. */
hl_status hl_route_search_reached(hl_ctx *ctx, const hl_graph *g, hl_route_ws *ws, size_t n_sources,
                                  const uint32_t *source_node, const double *source_time_s,
                                  const double *source_len_m, const hl_route_opts *opts,
                                  size_t *n_reached, uint32_t *reached_node, double *reached_time_s,
                                  double *reached_len_m);

/* The same search for a few target nodes only: it stops once every
 * target's label is final (an early stop that a search over the whole
 * graph cannot make), so its cost follows the region around the sources
 * that holds the targets.  time_s (and length_m, may be NULL) receive
 * n_targets entries, caller-allocated: each target's time (FORWARD: from
 * the sources; BACKWARD: to its best source) and length, INFINITY when
 * unreached within the cutoff; the same values hl_route_search gives.
 * Targets may repeat.  Returns as hl_route_search, or HL_E_ARG for a target
 * out of range. */
hl_status hl_route_search_targets(hl_ctx *ctx, const hl_graph *g, hl_route_ws *ws, size_t n_sources,
                                  const uint32_t *source_node, const double *source_time_s,
                                  const double *source_len_m, const hl_route_opts *opts,
                                  size_t n_targets, const uint32_t *target_node, double *time_s,
                                  double *length_m);

/* The k best distinct sources of every node (k-label search).  Arguments as
 * for hl_route_search; k >= 1.  Outputs are caller-allocated arrays of
 * hl_graph_node_count(g) * k entries, row v at [v*k .. v*k+k-1], sorted by
 * the label order (time, then source index); slots beyond the number of
 * sources that reach v hold INFINITY / INFINITY / HL_ROUTE_NONE.  length_m
 * and source may be NULL.  Each slot is that source's own best time to (or
 * from) v.  Returns HL_OK, HL_E_ARG, HL_E_NOMEM (growing ws for k) or
 * HL_E_INTERRUPTED. */
hl_status hl_route_k_nearest(hl_ctx *ctx, const hl_graph *g, hl_route_ws *ws, size_t k,
                             size_t n_sources, const uint32_t *source_node,
                             const double *source_time_s, const double *source_len_m,
                             const hl_route_opts *opts, double *time_s, double *length_m,
                             uint32_t *source);

/* The edges of the best path to (FORWARD) or from (BACKWARD) `node`, from
 * the pred_edge output of hl_route_search with the same graph and
 * direction, in travel order: FORWARD from the winning source to node,
 * BACKWARD from node to the winning source.  On success *edges is a new
 * array of *n_edges entries that the caller frees with hl_free (NULL and 0
 * when node is a source itself or unreached).  Returns HL_OK, HL_E_ARG (node
 * out of range, or pred_edge not a path tree of this graph) or HL_E_NOMEM. */
hl_status hl_route_path(hl_ctx *ctx, const hl_graph *g, hl_route_dir dir, const uint32_t *pred_edge,
                        uint32_t node, uint32_t **edges, size_t *n_edges);

/* ---- origin-destination matrix ---------------------------------------- */

typedef enum hl_route_od_side {
    HL_ROUTE_OD_AUTO = 0,         /* search from whichever side has fewer nodes
                                     (ties: from the origins) */
    HL_ROUTE_OD_FROM_ORIGINS,     /* one forward search per origin */
    HL_ROUTE_OD_FROM_DESTINATIONS /* one backward search per destination */
} hl_route_od_side;

typedef struct hl_route_od_opts {
    double cutoff_s;       /* pairs slower than this get INFINITY; default INFINITY */
    unsigned n_threads;    /* worker threads; 0 (default) = online CPUs, at most 64 */
    hl_route_od_side side; /* default HL_ROUTE_OD_AUTO */
} hl_route_od_opts;

/* Fill *o with the defaults. */
void hl_route_od_opts_init(hl_route_od_opts *o);

/* Travel time and length from every origin node to every destination node.
 * Outputs are caller-allocated, row-major n_orig x n_dest:
 * time_s[i*n_dest + j] is the time from orig[i] to dest[j] (0 when they are
 * the same node), INFINITY when there is no path or it is slower than the
 * cutoff; length_m (may be NULL) the network length of that path (INFINITY
 * likewise).  Each thread has its own workspace; the result bytes do not
 * depend on the thread count.  The ctx is used only by the calling thread
 * (workers only poll its interrupt flag).  Returns HL_OK, HL_E_ARG,
 * HL_E_NOMEM or HL_E_INTERRUPTED (outputs then incomplete). */
hl_status hl_route_od_matrix(hl_ctx *ctx, const hl_graph *g, size_t n_orig, const uint32_t *orig,
                             size_t n_dest, const uint32_t *dest, const hl_route_od_opts *opts,
                             double *time_s, double *length_m);

/* ---- service areas (isochrones) --------------------------------------- */

/* A reached part of one edge. */
typedef struct hl_route_piece {
    uint32_t edge;      /* edge index as given to hl_graph_create */
    uint32_t threshold; /* index into the thresholds array */
    double f0, f1;      /* 0 <= f0 < f1 <= 1, fractions of the edge along its
                           digitised direction (0 at from-node, 1 at to-node) */
} hl_route_piece;

/* Reached parts of edges for each threshold T.
 *   time_s: per-node times from hl_route_search (INFINITY = unreached);
 *   dir:    the direction that search used.
 * FORWARD (reached from the sources): for every open arc u->v of an edge
 *   with time_s[u] < T, the part of length min(1, (T - time_s[u]) / arc_time)
 *   starting at u's end is reached (a zero-time arc is reached whole).
 * BACKWARD (can reach a source): for every open arc u->v with time_s[v] < T,
 *   the part of length min(1, (T - time_s[v]) / arc_time) ending at v's end.
 * The parts of one edge (from both ends) are merged: overlapping or touching
 * parts give one piece, so an edge has one or two pieces per threshold.
 * Empty parts are dropped.  Pieces are ordered by threshold index, edge
 * index, then f0.  Thresholds may be INFINITY, not NaN.
 * On success *pieces is a new array of *n_pieces entries that the caller
 * frees with hl_free (NULL when there are none).  Returns HL_OK, HL_E_ARG or
 * HL_E_NOMEM. */
hl_status hl_route_isochrone(hl_ctx *ctx, const hl_graph *g, const double *time_s, hl_route_dir dir,
                             size_t n_thresholds, const double *threshold_s,
                             hl_route_piece **pieces, size_t *n_pieces);

/* hl_route_isochrone restricted to the edges that touch the listed nodes
 * (and the self loops): the same pieces, in the same order, when the
 * listed nodes are all those with time_s < INFINITY, e.g. the reached
 * nodes of hl_route_search_reached.  time_s is still a full per-node array
 * (INFINITY elsewhere); only the listed nodes are checked for NaN.  Cost
 * follows the listed nodes.  Returns as hl_route_isochrone, or HL_E_ARG
 * for a node out of range. */
hl_status hl_route_isochrone_reached(hl_ctx *ctx, const hl_graph *g, const double *time_s,
                                     hl_route_dir dir, size_t n_thresholds,
                                     const double *threshold_s, size_t n_reached,
                                     const uint32_t *reached_node, hl_route_piece **pieces,
                                     size_t *n_pieces);

/* ---- catchment allocation --------------------------------------------- */

/* Catchment totals: for every node v with source[v] != HL_ROUTE_NONE, add
 * weight[v] (NULL: 1 per node) to sum_out[source[v]] and 1 to
 * count_out[source[v]].  sum_out and count_out (either may be NULL) have
 * n_sources caller-allocated entries and are overwritten.  Nodes whose
 * weight is NaN are rejected.  Summation runs in node order (deterministic).
 * Returns HL_OK or HL_E_ARG (a source index >= n_sources). */
hl_status hl_route_allocate(hl_ctx *ctx, size_t n_nodes, const uint32_t *source,
                            const double *weight, size_t n_sources, double *sum_out,
                            size_t *count_out);

#ifdef __cplusplus
}
#endif
#endif
