/* Internals shared by the analysis stages (network, access, coverage). */
#ifndef HL_ANALYSIS_INT_H
#define HL_ANALYSIS_INT_H

#include "analysis/study_int.h"
#include "hl/analysis.h"
#include "hl/network.h"
#include "hl/route.h"
#include "hl/table.h"

/* Road attributes resolved per road feature (index = road feature index). */
typedef struct hl_road_info {
    const char *class_name; /* canonical class ("county"), borrowed from the specs */
    const char *surface;    /* canonical surface ("asphalt"), borrowed */
    bool hardened;
    int grade;              /* technical grade 1..4, 5 = 等外, 0 unknown */
    double speed_kmh;
    int oneway;
} hl_road_info;

/* The origins: natural villages, or administrative villages when the plan
 * gives no natural villages. */
typedef struct hl_origins {
    size_t n;
    const hl_layer *layer;
    bool natural;           /* true: natural villages */
    double *xy;             /* 2 per origin (representative point) */
    bool *has_xy;
    char **id;              /* id text */
    char **name;
    size_t *village;        /* admin village index (SIZE_MAX none) */
    size_t *township;       /* township index (SIZE_MAX none) */
    double *population;     /* NAN unknown */
    double *households;     /* NAN unknown */
    bool *relocation;
    double *snap_m;         /* INFINITY = not placed */
    bool *placed;
    size_t *comp_nodes;     /* size of the network piece it landed on */
} hl_origins;

/* Nearest-facility results for one facility kind. */
typedef struct hl_kind_access {
    const char *kind;       /* borrowed from the layer */
    const hl_layer *fac;
    size_t n_fac;
    double *fac_snap_m;     /* per facility, INFINITY = not placed */
    /* per origin (k = 1) */
    double *time_s;         /* INFINITY = unreachable */
    double *dist_m;
    size_t *facility;       /* SIZE_MAX = none */
    /* per origin: k nearest (k = plan k_nearest), row-major n x k */
    size_t k;
    double *k_time_s, *k_dist_m;
    size_t *k_facility;
} hl_kind_access;

typedef struct hl_access {
    hl_origins origins;
    size_t n_kinds;
    hl_kind_access *kinds;
    /* own township seat and the county seat, per origin */
    double *t_own_seat_s, *d_own_seat_m;
    /* straight-line distance from each origin to the nearest hardened road, m */
    double *d_hardened_road_m;
} hl_access;

struct hl_analysis {
    hl_ctx *ctx;
    const hl_plan *plan;
    hl_qa *qa;
    hl_study *study;
    hl_road_info *roads;     /* per road feature */
    hl_network *net;
    hl_access *access;
    hl_table **tables;
    size_t n_tables, cap_tables;
};

/* Add a finished table to the outputs (ownership moves, even on failure). */
hl_status hl__analysis_add_table(hl_analysis *a, hl_table *t_owned);

/* Items 0..n-1 grouped by key[i] (a key >= n_groups, e.g. SIZE_MAX, puts
 * the item in no group), by counting sort: group k is
 * (*member)[(*start)[k] .. (*start)[k+1]-1], items ascending, so sums over
 * a group add in the order a scan of all items would.  On success *start
 * (n_groups + 1 entries) and *member are new arrays the caller frees with
 * hl_free; on failure both are NULL and the status is HL_E_NOMEM. */
hl_status hl__group_index(hl_ctx *ctx, size_t n, const size_t *key, size_t n_groups, size_t **start,
                          size_t **member);
const hl_kind_access *hl__access_kind(const hl_access *acc, const char *kind);

hl_status hl__stage_check(hl_analysis *a);
hl_status hl__stage_network(hl_analysis *a);
hl_status hl__stage_access(hl_analysis *a);
/* Accessibility measures and catchments on the access stage's graph (measures_stage.c). */
hl_status hl__access_measures(hl_analysis *a, const hl_graph *g, const hl_routable *rt);
/* The coverage stage: indicators, roll-ups and gaps (analysis/coverage*.c). */
hl_status hl__stage_coverage(hl_analysis *a);

#endif
