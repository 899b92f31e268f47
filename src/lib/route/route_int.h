/* Private structures of the route module: the adjacency graph, the search
 * workspace with its lazy heap, and the internal search entry
 * points shared by search.c, od.c and isochrone.c. */
#ifndef HL_ROUTE_INT_H
#define HL_ROUTE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hl/route.h"

/* Arcs per node in the fixed-size rows (see struct hl_graph). */
#define HL__SLOTS 4
/* Node field of an arc slot that ends a row. */
#define HL__ARC_END UINT32_MAX
/* Node field of the last slot of a row that goes on in the overflow array
 * (at index `more`).  Never a node: node indices are below n_nodes, which
 * is below HL_ROUTE_NONE. */
#define HL__ARC_MORE (UINT32_MAX - 1)

/* One directed arc.  In the forward rows the row is the tail and `node`
 * the head; in the reverse rows the row is the head and `node` the tail. */
typedef struct hl__arc {
    uint32_t node;
    uint32_t edge;
    double time_s;
    union {
        double len_m;
        size_t more; /* HL__ARC_MORE slots: start of the row's overflow run */
    };
} hl__arc;

/* The graph keeps the caller's edge arrays (original node numbers) and
 * builds its adjacency in an internal node order chosen for memory
 * locality (breadth-first, see graph.c): new_of maps a caller's node to its
 * internal number, old_of back.  Everything the public API takes or
 * returns uses the caller's numbering; the searches translate at the
 * boundary, and break exact key ties by the caller's number, so that the
 * search order (and every answer) is the same as without renumbering.
 *
 * Adjacency rows have a fixed size: internal node v's arcs start at
 * slots[v * HL__SLOTS], so a search can find (and prefetch) a row without
 * first loading an offset.  A row of up to HL__SLOTS arcs sits in its
 * slots, ended by an HL__ARC_END slot when shorter; a longer row keeps its
 * first HL__SLOTS - 1 arcs there and the last slot (HL__ARC_MORE) points to
 * the rest in `more`, ended by an HL__ARC_END arc.  Arcs of a row are in
 * edge order, the along-direction arc of an edge first. */
struct hl_graph {
    size_t n_nodes, n_edges, n_arcs;
    uint32_t *from, *to;
    double *fwd_s, *bwd_s, *len_m;
    uint32_t *new_of;  /* n_nodes: caller's node -> internal node */
    uint32_t *old_of;  /* n_nodes: internal node -> caller's node */
    hl__arc *fwd_slots; /* n_nodes * HL__SLOTS, rows by internal tail */
    hl__arc *fwd_more;
    hl__arc *bwd_slots; /* n_nodes * HL__SLOTS, rows by internal head */
    hl__arc *bwd_more;
    uint32_t *loop_edge; /* the self loops (not in the rows), ascending */
    size_t n_loops;
};

/* Heap entry of the lazy heap.  The key is (time, source, caller's id):
 * tk holds the time's bits mapped so that integer order is double order
 * (-0.0 taken as +0.0), sid = source << 32 | id, where id is an internal
 * node (one-label search) or label slot node*k + j (k-label search); exact
 * (time, source) ties are broken by the caller's node number (old_of).
 * An entry is live while its id is queued and its key is the id's current
 * label; other entries are stale and skipped when popped. */
typedef struct hl__heap_entry {
    uint64_t tk;
    uint64_t sid;
} hl__heap_entry;

/* A node's label in the one-label search, kept together (24 bytes) so
 * that an update touches one cache line or two.  Unlabelled: t = l =
 * INFINITY, s = pred = NONE. */
typedef struct hl__label {
    double t;      /* time, s */
    double l;      /* length, m */
    uint32_t s;    /* source index */
    uint32_t pred; /* edge the label came by */
} hl__label;

struct hl_route_ws {
    size_t n_nodes;
    /* one-label search state, n_nodes long, by internal node */
    hl__label *lab;
    uint8_t *done;   /* OD target bookkeeping */
    uint8_t *tmark;  /* targets of hl_route_search_targets (all 0 between searches) */
    uint8_t *queued; /* 1 while a live heap entry holds the node's label key
                        (a byte array apart from lab: small enough to stay
                        in cache, and lab stays at 24 bytes) */
    uint32_t *touched; /* nodes that got a label in the current search */
    size_t n_touched;
    /* lazy heap of heap_cap entries over ids 0 .. id_cap-1; heap_cap is
     * more than id_cap so that dropping the stale entries always frees
     * room (see compact1 in search.c) */
    hl__heap_entry *heap;
    size_t heap_n, heap_cap;
    size_t id_cap;
    /* set by each search: the graph's old_of (to break exact key ties by
     * the caller's node number) and the labels per node (1 or k) */
    const uint32_t *old_of;
    size_t heap_k;
    /* k-label state: slot arrays n_nodes*k_cap, count per node (internal
     * node numbers) */
    size_t k_cap;
    double *k_time_s;
    double *k_len_m;
    uint32_t *k_src;
    uint8_t *k_queued; /* 1 while a live heap entry holds the slot's key */
    uint32_t *k_count;
};

/* qsort comparator of uint32_t values (node or edge indices). */
static inline int hl__cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Sort n uint32_t values ascending (node or edge indices): an LSD radix
 * sort on the bytes the largest value uses, qsort below 64 values.  Needs n
 * values of scratch from ctx; HL_E_NOMEM with a message. */
hl_status hl__sort_u32(hl_ctx *ctx, uint32_t *a, size_t n);

/* Label order of route.h: is (t1, s1, l1) better than (t2, s2, l2)? */
static inline bool hl__label_better(double t1, uint32_t s1, double l1, double t2, uint32_t s2,
                                    double l2) {
    if (t1 < t2 - HL_ROUTE_TIME_EPS_S) return true;
    if (t1 > t2 + HL_ROUTE_TIME_EPS_S) return false;
    if (s1 != s2) return s1 < s2;
    return l1 < l2;
}

/* Seed one source label into a clean workspace (one-label search); node is
 * an internal node number (g->new_of of the caller's). */
void hl__search_seed(hl_route_ws *ws, const hl_graph *g, uint32_t node, double t, uint32_t s,
                     double l, double cutoff_s);
/* Run the one-label search from the seeded labels.  If target_mark is not
 * NULL (indexed by internal node) the search stops once the n_targets
 * distinct marked nodes are final.  ws->lab is indexed by internal node.
 * `ictx` is only polled for interruption (may be NULL).  Returns HL_OK or
 * HL_E_INTERRUPTED (without setting a message: the caller does). */
hl_status hl__search_run(hl_route_ws *ws, const hl_graph *g, hl_route_dir dir, double cutoff_s,
                         const uint8_t *target_mark, size_t n_targets, const hl_ctx *ictx);
/* Return the workspace to its clean state after hl__search_run. */
void hl__search_reset(hl_route_ws *ws);

#endif
