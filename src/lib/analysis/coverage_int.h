/* Internals shared by the coverage-stage files (coverage*.c): the units
 * indicators are computed on (origins, administrative villages,
 * townships), the indicator records, and the per-origin measures the
 * coverage stage computes itself (walking distances, commuting times,
 * hardened-road distances). */
#ifndef HL_COVERAGE_INT_H
#define HL_COVERAGE_INT_H

#include "analysis/analysis_int.h"

/* The unit an indicator is computed on. */
typedef enum cov_level {
    COV_ORIGIN = 0, /* natural village (or administrative village when there are none) */
    COV_VILLAGE,    /* administrative village */
    COV_TOWNSHIP    /* township */
} cov_level;

#define COV_NULL ((signed char)-1)

/* One indicator: parameters, per-unit value and flag. */
typedef struct cov_ind {
    const char *id; /* "ROAD-01" */
    cov_level level;
    const char *unit;   /* unit of value: "m", "min", "share", "count" */
    bool is_time;       /* value is minutes: distribution reported */
    bool higher_better; /* value must reach the threshold from below */
    bool pop_share;     /* the target compares the population share (else the unit share) */
    bool computed;      /* false: skipped (input missing); all NULL */
    double threshold;   /* the rule's threshold in `unit` (NAN: none) */
    const char *reason; /* printf format for a failing unit, one %s (the value text) */
    const char *reason_zh; /* the same in Chinese */
    double *value;      /* per unit, NAN = null, INFINITY = unreachable */
    signed char *meets; /* per unit: 1, 0, COV_NULL (not eligible / not computable) */
    double *weight;     /* per unit population weight (NULL = the unit's population) */
} cov_ind;

/* Everything the coverage stage computes and shares between its files. */
/* Sparse origin x facility travel times: the origins each facility reaches
 * within a cutoff.  Facility j has pairs start[j] .. start[j+1]-1, origins
 * ascending; pairs not listed are beyond the cutoff or unreachable. */
typedef struct cov_pairs {
    size_t n_fac;
    size_t *start;   /* n_fac + 1 */
    uint32_t *orig;  /* origin index per pair */
    double *time_s;  /* motor time per pair */
    size_t n, cap_orig, cap_time;
} cov_pairs;

typedef struct cov {
    hl_analysis *a;
    hl_ctx *ctx;
    hl_study *s;
    hl_access *acc;
    size_t n_unit[3]; /* units per level */
    /* administrative villages: population and households summed from the
       origins (or the village's own fields when they are the origins) */
    double *vill_pop, *vill_hh;
    bool *vill_reloc;
    double *vill_xy; /* village committee point or point on surface */
    bool *vill_has_xy;
    double *town_pop;
    double *town_xy; /* township seat (or point on surface) */
    bool *town_has_xy;
    size_t *town_seat; /* index of the township's seat facility, SIZE_MAX none */
    /* measures per origin computed in coverage_graph.c (INFINITY = unreachable) */
    double walk_speed_ms;
    double **walk_m;   /* per facility kind: network walking distance to the nearest */
    double *garb_ok_m; /* straight line to the nearest garbage point that reaches a transfer station */
    double *pc_2sfca;  /* primary-care 2SFCA supply per 1000 people (NULL: not computed) */
    size_t n_bases;
    cov_pairs base_reach; /* origins within IND-01.far_time_min of every industry base */
    /* overlay statistics of the townships and the county (coverage_overlay.c):
       n_ov columns named ov_names, values row-major per township, and one row
       for the county */
    size_t n_ov;
    char **ov_names;
    double *ov_town, *ov_county;
    /* indicators */
    size_t n_ind;
    cov_ind *ind;
} cov;

/* Per-origin helpers. */
double hl__cov_unit_pop(const cov *c, cov_level lv, size_t u);
size_t hl__cov_unit_township(const cov *c, cov_level lv, size_t u);
/* The id text of a unit, borrowed or written to buf. */
const char *hl__cov_unit_id(const cov *c, cov_level lv, size_t u, char *buf, size_t size);
const char *hl__cov_unit_name(const cov *c, cov_level lv, size_t u, char *buf, size_t size);
/* Whether a unit passes the eligibility filters of indicator `id`
 * (exclusion list, relocation, minimum households). */
bool hl__cov_eligible(const cov *c, const char *id, cov_level lv, size_t u);
/* The index of the facility kind `kind` in the access results, or SIZE_MAX. */
size_t hl__cov_kind(const cov *c, const char *kind);
/* Record an indicator skipped for a missing input (qa info). */
hl_status hl__cov_skip(cov *c, const char *id, const char *why);
/* Note an approximation or a method choice (qa info). */
hl_status hl__cov_note(cov *c, const char *id, const char *what);

/* coverage_graph.c: walking distances to every kind, commuting times to
 * industry bases, garbage points linked to transfer stations. */
hl_status hl__cov_graph(cov *c);
/* coverage_roads.c: d_hardened_road_m, ROAD-01..06 */
hl_status hl__cov_roads(cov *c);
/* coverage_indicators.c: the other indicators */
hl_status hl__cov_indicators(cov *c);
/* coverage_overlay.c: village_overlay, roads_by_village, overlay columns */
hl_status hl__cov_overlay(cov *c);
/* coverage_tables.c: village_indicators, summaries, indicator_summary, gaps */
hl_status hl__cov_tables(cov *c);
/* coverage_water.c: WAT-01/02/03, DIG-02, IND-02 */
hl_status hl__cov_water(cov *c);
hl_status hl__cov_polygons(cov *c);

/* The indicator record `id`, or NULL. */
cov_ind *hl__cov_ind(cov *c, const char *id);
/* Create indicator `id` with per-unit arrays (all NULL), computed = true. */
hl_status hl__cov_ind_add(cov *c, const char *id, cov_level lv, const char *unit, cov_ind **out);

/* Quantile helpers (coverage_tables.c) over a sorted array. */
double hl__cov_median(const double *sorted, size_t n);
double hl__cov_p90(const double *sorted, size_t n);


#endif
