/* The plan file: which source plays which role, with field overrides, the
 * working CRS, the standard preset and its overrides, and the analysis
 * options.  Parsed from YAML with libfyaml; every unknown key, wrong type
 * or out-of-range value is an HL_E_PLAN error naming the file, the line and
 * the key.  Relative paths are resolved against the plan file's folder. */
#ifndef HL_PLAN_H
#define HL_PLAN_H

#include "hl/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One source playing one role (or one facility kind). */
typedef struct hl_plan_layer {
    char *role;     /* "roads", "villages", ... or "facilities" */
    char *kind;     /* facility kind ("clinic"), NULL for other roles */
    char *source;   /* path resolved against the plan folder, or a PG: string */
    char *layer;    /* layer name inside the source, NULL = the only layer */
    char *where;    /* OGR attribute filter, NULL = none */
    char *encoding; /* forced encoding, NULL = detect */
    char *crs;      /* CRS for a source without one, NULL = the source's own */
    size_t n_fields;
    char **field_keys;   /* canonical names ("class") */
    char **field_values; /* source field names ("DLDJ") */
    int line;            /* line in the plan file, for messages */
} hl_plan_layer;

typedef struct hl_plan_kv {
    char *key;
    char *value;
} hl_plan_kv;

typedef struct hl_plan {
    char *path;     /* the plan file as given */
    char *dir;      /* its folder */
    char *text;     /* the whole file, for the output metadata */
    char *crs;      /* "auto", "EPSG:nnnn", "GCJ02", a PROJ string or WKT */
    char *standard; /* preset name, default "national" */
    char *divisions; /* folder of the national division tables (china-division CSVs:
                        areas.csv, streets.csv, villages.csv), resolved; NULL = none */
    size_t n_layers;
    hl_plan_layer *layers;
    size_t n_speeds; /* speeds_kmh: class -> km/h */
    hl_plan_kv *speeds;
    size_t n_overrides; /* thresholds: "WAT-01.target" -> "0.95" */
    hl_plan_kv *overrides;
    /* network */
    double snap_tol_m;     /* network.snap_tolerance_m, default 1 */
    double near_miss_m;    /* network.near_miss_m, default 10 */
    bool node_crossings;   /* node_crossings / network.node_crossings, default false */
    /* access */
    double connector_speed_kmh; /* access.connector_speed_kmh, default 5 */
    double max_snap_m;          /* access.max_snap_m, default 2000 */
    bool snap_main_network;     /* snap: main_network */
    size_t k_nearest;           /* access.k_nearest, default 1 */
    /* access.service_areas_min: minutes, either one list for every kind
       (service_area_min_given; an empty list turns service areas off) or a
       mapping from kind to its list (service_area_kind_min).  A kind given
       neither gets its level's default: see hl_plan_service_area_min. */
    bool service_area_min_given;
    size_t n_service_area_min;
    double *service_area_min;
    size_t n_service_area_kind_min;
    struct hl_plan_kind_min {
        char *kind;
        double *min;
        size_t n;
    } *service_area_kind_min;
    size_t n_service_area_kinds; /* access.service_area_kinds: facility kinds that get service
                                    areas; default health_centre, county_hospital, primary_school,
                                    elderly_care, township_seat, county_seat */
    char **service_area_kinds;
    bool service_area_kinds_given; /* written in the plan, not the default six */
    bool od_matrix;             /* access.od_matrix, default false (it can hold millions of rows) */
    double od_cutoff_min;       /* access.od_cutoff_min, default 60 (0 = none) */
    double small_component_nodes; /* components under this many nodes are islands, default 50 */
    /* eligibility */
    bool exclude_relocation;   /* eligibility.exclude_relocation, default true */
    double min_households;     /* eligibility.min_households, default 0 (use the standard's) */
    size_t n_exclude_ids;
    char **exclude_ids;        /* eligibility.exclude: ids of units to leave out */
} hl_plan;

/* Parse a plan file.  On success *out is a new plan the caller frees with
 * hl_plan_destroy.  Errors: HL_E_IO (cannot read), HL_E_PLAN (syntax,
 * unknown key, wrong type, value out of range). */
hl_status hl_plan_load(hl_ctx *ctx, const char *path, hl_plan **out);
/* The same from text in memory; `origin` names it in messages and its
 * folder resolves relative paths (NULL = current folder). */
hl_status hl_plan_parse(hl_ctx *ctx, const char *text, size_t len, const char *origin, hl_plan **out);
void hl_plan_destroy(hl_plan *plan);

/* The layer entry for a role (and kind for facilities), borrowed; NULL if absent. */
const hl_plan_layer *hl_plan_find(const hl_plan *plan, const char *role, const char *kind);
/* The source field the plan maps to a canonical field, borrowed; NULL if none. */
const char *hl_plan_layer_field(const hl_plan_layer *layer, const char *canonical);

/* The most service-area thresholds a kind can have (the plan refuses more). */
#define HL_PLAN_SA_MAX 16

/* The service-area thresholds of facility kind `kind`, in minutes as the
 * plan gives them (*n of them, at most HL_PLAN_SA_MAX into min; 0 when the kind gets no
 * service areas: not in access.service_area_kinds).  From the plan's
 * mapping entry for the kind, else its one list, else the kind's level in
 * the county-township-village hierarchy (indicators.md): 30 and 60 min for
 * county seats and county hospitals (SYS-02, HLT-04), 15 and 30 min for
 * township seats, health centres and primary schools (LC-02, HLT-02,
 * EDU-01), 15 min for elderly care (the village-level life circle, LC-01),
 * and 15, 30 and 60 min for any other kind. */
void hl_plan_service_area_min(const hl_plan *plan, const char *kind, double *min, size_t *n);

/* The role keys a plan understands. */
extern const char *const hl_plan_roles[];

#ifdef __cplusplus
}
#endif
#endif
