/* Plan file parser: YAML (libfyaml) into hl_plan, with strict validation.
 * Every message names the plan file, the line and the key path. */
#include "hl/plan.h"

#include <errno.h>
#include <libfyaml.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const hl_plan_roles[] = {"county", "townships", "villages", "natural_villages", "roads",
                                     "water_works", "water_pipes", "water_service_areas",
                                     "industry_bases", "agricultural_bases", "coverage_5g",
                                     "facilities", NULL};

typedef struct parse_state {
    hl_ctx *ctx;
    const char *origin;
    hl_plan *plan;
    char diag[512]; /* first diagnostic libfyaml reported */
} parse_state;

static int node_line(struct fy_node *n) {
    struct fy_token *t;
    const struct fy_mark *m;
    if (!n) return 0;
    t = fy_node_get_scalar_token(n);
    if (!t) return 0;
    m = fy_token_start_mark(t);
    return m ? m->line + 1 : 0;
}

static hl_status plan_err(parse_state *st, struct fy_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static hl_status plan_err(parse_state *st, struct fy_node *at, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    int line = node_line(at);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0)
        return hl_error(st->ctx, HL_E_PLAN, "%s:%d: %s", st->origin, line, msg);
    return hl_error(st->ctx, HL_E_PLAN, "%s: %s", st->origin, msg);
}

/* The scalar text of a node as a new string, or an error if it is not a scalar. */
static hl_status scalar_dup(parse_state *st, struct fy_node *n, const char *key, char **out) {
    size_t len;
    const char *s;
    if (!n || !fy_node_is_scalar(n)) return plan_err(st, n, "'%s' must be a single value", key);
    s = fy_node_get_scalar(n, &len);
    *out = hl_malloc(st->ctx, len + 1);
    if (!*out) return hl_error(st->ctx, HL_E_NOMEM, "out of memory reading the plan");
    memcpy(*out, s, len);
    (*out)[len] = '\0';
    return HL_OK;
}

static hl_status scalar_num(parse_state *st, struct fy_node *n, const char *key, double lo, double hi,
                            double *out) {
    char *s = NULL, *end;
    double v;
    hl_status rc = scalar_dup(st, n, key, &s);
    if (rc) return rc;
    errno = 0;
    v = strtod(s, &end);
    if (end == s || *end != '\0' || errno || !isfinite(v)) {
        rc = plan_err(st, n, "'%s' must be a number, not '%s'", key, s);
    } else if (v < lo || v > hi) {
        rc = plan_err(st, n, "'%s' is %g, outside the allowed range %g to %g", key, v, lo, hi);
    } else {
        *out = v;
    }
    hl_free(s);
    return rc;
}

static hl_status scalar_bool(parse_state *st, struct fy_node *n, const char *key, bool *out) {
    char *s = NULL;
    hl_status rc = scalar_dup(st, n, key, &s);
    if (rc) return rc;
    if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on")) *out = true;
    else if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off")) *out = false;
    else rc = plan_err(st, n, "'%s' must be true or false, not '%s'", key, s);
    hl_free(s);
    return rc;
}

static const char *key_of(struct fy_node_pair *p, size_t *len) {
    struct fy_node *k = fy_node_pair_key(p);
    if (!k || !fy_node_is_scalar(k)) return NULL;
    return fy_node_get_scalar(k, len);
}

static bool key_is(const char *k, size_t len, const char *want) {
    return k && strlen(want) == len && memcmp(k, want, len) == 0;
}

static hl_status kv_add(parse_state *st, hl_plan_kv **arr, size_t *n, size_t *cap, const char *k,
                        size_t klen, struct fy_node *v, const char *what) {
    hl_status rc = hl_grow(st->ctx, (void **)arr, cap, *n + 1, sizeof **arr);
    hl_plan_kv *kv;
    if (rc) return rc;
    kv = &(*arr)[*n];
    memset(kv, 0, sizeof *kv);
    kv->key = hl_malloc(st->ctx, klen + 1);
    if (!kv->key) return hl_error(st->ctx, HL_E_NOMEM, "out of memory reading the plan");
    memcpy(kv->key, k, klen);
    kv->key[klen] = '\0';
    (*n)++;
    return scalar_dup(st, v, what, &kv->value);
}

static char *resolve_path(parse_state *st, const char *src) {
    if (!src) return NULL;
    if (src[0] == '/' || !strncmp(src, "PG:", 3) || !strncmp(src, "/vsi", 4) || !st->plan->dir ||
        !strcmp(st->plan->dir, "."))
        return hl_strdup(st->ctx, src);
    return hl_sprintf(st->ctx, "%s/%s", st->plan->dir, src);
}

static hl_status parse_layer_entry(parse_state *st, struct fy_node *n, const char *role, const char *kind,
                                   const char *path) {
    hl_plan *plan = st->plan;
    hl_plan_layer *L;
    void *it = NULL;
    struct fy_node_pair *p;
    size_t cap = plan->n_layers, fcap = 0;
    char *src = NULL;
    hl_status rc;

    if (!fy_node_is_mapping(n))
        return plan_err(st, n, "'%s' must be a mapping such as {source: roads.shp}", path);
    cap = plan->n_layers; /* hl_grow needs the true capacity; we grow one at a time via a copy */
    {
        hl_plan_layer *nl = hl_realloc(st->ctx, plan->layers, (plan->n_layers + 1) * sizeof *nl);
        if (!nl) return hl_error(st->ctx, HL_E_NOMEM, "out of memory reading the plan");
        plan->layers = nl;
    }
    (void)cap;
    L = &plan->layers[plan->n_layers++];
    memset(L, 0, sizeof *L);
    L->line = node_line(fy_node_mapping_lookup_by_string(n, "source", FY_NT));
    L->role = hl_strdup(st->ctx, role);
    if (!L->role) return hl_error(st->ctx, HL_E_NOMEM, "out of memory");
    if (kind && !(L->kind = hl_strdup(st->ctx, kind))) return hl_error(st->ctx, HL_E_NOMEM, "out of memory");

    while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
        size_t klen;
        const char *k = key_of(p, &klen);
        struct fy_node *v = fy_node_pair_value(p);
        if (key_is(k, klen, "source")) {
            if ((rc = scalar_dup(st, v, "source", &src))) return rc;
            L->source = resolve_path(st, src);
            hl_free(src);
            src = NULL;
            if (!L->source) return hl_error(st->ctx, HL_E_NOMEM, "out of memory");
        } else if (key_is(k, klen, "layer")) {
            if ((rc = scalar_dup(st, v, "layer", &L->layer))) return rc;
        } else if (key_is(k, klen, "where")) {
            if ((rc = scalar_dup(st, v, "where", &L->where))) return rc;
        } else if (key_is(k, klen, "encoding")) {
            if ((rc = scalar_dup(st, v, "encoding", &L->encoding))) return rc;
        } else if (key_is(k, klen, "crs")) {
            if ((rc = scalar_dup(st, v, "crs", &L->crs))) return rc;
        } else if (key_is(k, klen, "fields")) {
            void *fit = NULL;
            struct fy_node_pair *fp;
            if (!fy_node_is_mapping(v))
                return plan_err(st, v, "'%s.fields' must map canonical names to source fields, e.g. {class: DLDJ}",
                                path);
            while ((fp = fy_node_mapping_iterate(v, &fit)) != NULL) {
                size_t fl;
                const char *fk = key_of(fp, &fl);
                size_t need = L->n_fields + 1;
                if (!fk) return plan_err(st, v, "'%s.fields' has a key that is not text", path);
                if ((rc = hl_grow(st->ctx, (void **)&L->field_keys, &fcap, need, sizeof(char *)))) return rc;
                {
                    char **nv = hl_realloc(st->ctx, L->field_values, need * sizeof(char *));
                    if (!nv) return hl_error(st->ctx, HL_E_NOMEM, "out of memory");
                    L->field_values = nv;
                }
                L->field_keys[L->n_fields] = hl_malloc(st->ctx, fl + 1);
                L->field_values[L->n_fields] = NULL;
                L->n_fields++;
                if (!L->field_keys[L->n_fields - 1]) return hl_error(st->ctx, HL_E_NOMEM, "out of memory");
                memcpy(L->field_keys[L->n_fields - 1], fk, fl);
                L->field_keys[L->n_fields - 1][fl] = '\0';
                if ((rc = scalar_dup(st, fy_node_pair_value(fp), L->field_keys[L->n_fields - 1],
                                     &L->field_values[L->n_fields - 1])))
                    return rc;
            }
        } else {
            return plan_err(st, fy_node_pair_key(p),
                            "unknown key '%.*s' in '%s' (known: source, layer, where, encoding, crs, fields)",
                            (int)klen, k ? k : "?", path);
        }
    }
    if (!L->source) return plan_err(st, n, "'%s' has no 'source': give the file or PG: connection", path);
    return HL_OK;
}

static hl_status parse_layers(parse_state *st, struct fy_node *n) {
    void *it = NULL;
    struct fy_node_pair *p;
    hl_status rc;
    if (!fy_node_is_mapping(n)) return plan_err(st, n, "'layers' must map role names to sources");
    while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
        size_t klen;
        const char *k = key_of(p, &klen);
        struct fy_node *v = fy_node_pair_value(p);
        char role[64];
        bool known = false;
        if (!k || klen >= sizeof role) return plan_err(st, n, "'layers' has an invalid role name");
        memcpy(role, k, klen);
        role[klen] = '\0';
        for (const char *const *r = hl_plan_roles; *r; r++)
            if (!strcmp(*r, role)) known = true;
        if (!known) {
            return plan_err(st, fy_node_pair_key(p),
                            "unknown role '%s' under 'layers' (known: county, townships, villages, "
                            "natural_villages, roads, water_works, water_pipes, water_service_areas, "
                            "industry_bases, agricultural_bases, coverage_5g, facilities)",
                            role);
        }
        if (!strcmp(role, "facilities")) {
            void *kit = NULL;
            struct fy_node_pair *kp;
            if (!fy_node_is_mapping(v))
                return plan_err(st, v, "'layers.facilities' must map facility kinds to sources, e.g. clinic: {...}");
            while ((kp = fy_node_mapping_iterate(v, &kit)) != NULL) {
                size_t kl;
                const char *kk = key_of(kp, &kl);
                char kind[64], path[128];
                if (!kk || kl == 0 || kl >= sizeof kind) return plan_err(st, v, "invalid facility kind name");
                memcpy(kind, kk, kl);
                kind[kl] = '\0';
                for (size_t i = 0; i < kl; i++) {
                    char c = kind[i];
                    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
                        return plan_err(st, fy_node_pair_key(kp),
                                        "facility kind '%s' must be lower-case letters, digits and '_'", kind);
                }
                snprintf(path, sizeof path, "layers.facilities.%s", kind);
                if ((rc = parse_layer_entry(st, fy_node_pair_value(kp), "facilities", kind, path))) return rc;
            }
        } else {
            char path[128];
            snprintf(path, sizeof path, "layers.%s", role);
            if (hl_plan_find(st->plan, role, NULL))
                return plan_err(st, fy_node_pair_key(p), "role '%s' is given twice", role);
            if ((rc = parse_layer_entry(st, v, role, NULL, path))) return rc;
        }
    }
    return HL_OK;
}

static hl_status parse_network(parse_state *st, struct fy_node *n) {
    void *it = NULL;
    struct fy_node_pair *p;
    hl_status rc;
    if (!fy_node_is_mapping(n)) return plan_err(st, n, "'network' must be a mapping");
    while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
        size_t kl;
        const char *k = key_of(p, &kl);
        struct fy_node *v = fy_node_pair_value(p);
        if (key_is(k, kl, "snap_tolerance_m")) rc = scalar_num(st, v, "network.snap_tolerance_m", 0, 1000, &st->plan->snap_tol_m);
        else if (key_is(k, kl, "near_miss_m")) rc = scalar_num(st, v, "network.near_miss_m", 0, 10000, &st->plan->near_miss_m);
        else if (key_is(k, kl, "node_crossings")) rc = scalar_bool(st, v, "network.node_crossings", &st->plan->node_crossings);
        else if (key_is(k, kl, "small_component_nodes"))
            rc = scalar_num(st, v, "network.small_component_nodes", 1, 1e9, &st->plan->small_component_nodes);
        else
            rc = plan_err(st, fy_node_pair_key(p),
                          "unknown key '%.*s' in 'network' (known: snap_tolerance_m, near_miss_m, node_crossings, "
                          "small_component_nodes)", (int)kl, k ? k : "?");
        if (rc) return rc;
    }
    return HL_OK;
}

static hl_status parse_num_list(parse_state *st, struct fy_node *v, const char *key, double lo, double hi,
                                double **out, size_t *n_out) {
    void *it = NULL;
    struct fy_node *e;
    size_t n = 0, cap = 0;
    hl_status rc;
    if (!fy_node_is_sequence(v)) return plan_err(st, v, "'%s' must be a list such as [15, 30, 60]", key);
    hl_free(*out);
    *out = NULL;
    *n_out = 0;
    while ((e = fy_node_sequence_iterate(v, &it)) != NULL) {
        double x = 0;
        if ((rc = scalar_num(st, e, key, lo, hi, &x))) return rc;
        if ((rc = hl_grow(st->ctx, (void **)out, &cap, n + 1, sizeof **out))) return rc;
        (*out)[n++] = x;
        *n_out = n;
    }
    return HL_OK;
}

static void free_kind_min(hl_plan *pl) {
    for (size_t i = 0; i < pl->n_service_area_kind_min; i++) {
        hl_free(pl->service_area_kind_min[i].kind);
        hl_free(pl->service_area_kind_min[i].min);
    }
    hl_free(pl->service_area_kind_min);
    pl->service_area_kind_min = NULL;
    pl->n_service_area_kind_min = 0;
}

/* access.service_areas_min: [15, 30] for every kind, or
 * {county_hospital: [30, 60], elderly_care: [15]} kind by kind. */
static hl_status parse_service_area_min(parse_state *st, struct fy_node *v) {
    hl_plan *pl = st->plan;
    hl_status rc = HL_OK;
    if (fy_node_is_sequence(v)) {
        pl->service_area_min_given = true;
        rc = parse_num_list(st, v, "access.service_areas_min", 0.1, 1440, &pl->service_area_min,
                            &pl->n_service_area_min);
        if (!rc && pl->n_service_area_min > HL_PLAN_SA_MAX)
            rc = plan_err(st, v, "'access.service_areas_min' gives more than %d thresholds", HL_PLAN_SA_MAX);
        return rc;
    }
    if (!fy_node_is_mapping(v))
        return plan_err(st, v,
                        "'access.service_areas_min' must be a list such as [15, 30, 60] or a mapping such as "
                        "{county_hospital: [30, 60], elderly_care: [15]}");
    free_kind_min(pl);
    {
        void *it = NULL;
        struct fy_node_pair *p;
        size_t cap = 0;
        while (!rc && (p = fy_node_mapping_iterate(v, &it)) != NULL) {
            struct hl_plan_kind_min *e;
            size_t kl;
            const char *k = key_of(p, &kl);
            if (!k || !kl) return plan_err(st, v, "'access.service_areas_min' has an empty facility kind");
            if ((rc = hl_grow(st->ctx, (void **)&pl->service_area_kind_min, &cap, pl->n_service_area_kind_min + 1,
                              sizeof *pl->service_area_kind_min)))
                return rc;
            e = &pl->service_area_kind_min[pl->n_service_area_kind_min++];
            memset(e, 0, sizeof *e);
            if (!(e->kind = hl_malloc(st->ctx, kl + 1))) return hl_error(st->ctx, HL_E_NOMEM, "out of memory");
            memcpy(e->kind, k, kl);
            e->kind[kl] = '\0';
            rc = parse_num_list(st, fy_node_pair_value(p), "access.service_areas_min", 0.1, 1440, &e->min, &e->n);
            if (!rc && e->n > HL_PLAN_SA_MAX)
                rc = plan_err(st, fy_node_pair_value(p), "'access.service_areas_min' gives %s more than %d thresholds",
                              e->kind, HL_PLAN_SA_MAX);
        }
    }
    return rc;
}

void hl_plan_service_area_min(const hl_plan *plan, const char *kind, double *min, size_t *n) {
    static const struct {
        const char *kind;
        double min[3];
        size_t n;
    } LEVEL[] = {
        {"county_seat", {30, 60}, 2},    {"county_hospital", {30, 60}, 2}, {"township_seat", {15, 30}, 2},
        {"health_centre", {15, 30}, 2},  {"primary_school", {15, 30}, 2},  {"elderly_care", {15}, 1},
    };
    bool wanted = false;
    *n = 0;
    for (size_t i = 0; i < plan->n_service_area_kinds && !wanted; i++)
        wanted = !strcmp(plan->service_area_kinds[i], kind);
    if (!wanted) return;
    for (size_t i = 0; i < plan->n_service_area_kind_min; i++)
        if (!strcmp(plan->service_area_kind_min[i].kind, kind)) {
            *n = plan->service_area_kind_min[i].n < HL_PLAN_SA_MAX ? plan->service_area_kind_min[i].n : HL_PLAN_SA_MAX;
            if (*n) memcpy(min, plan->service_area_kind_min[i].min, *n * sizeof *min);
            return;
        }
    if (plan->service_area_min_given) {
        *n = plan->n_service_area_min < HL_PLAN_SA_MAX ? plan->n_service_area_min : HL_PLAN_SA_MAX;
        if (*n) memcpy(min, plan->service_area_min, *n * sizeof *min);
        return;
    }
    for (size_t i = 0; i < sizeof LEVEL / sizeof LEVEL[0]; i++)
        if (!strcmp(LEVEL[i].kind, kind)) {
            *n = LEVEL[i].n;
            memcpy(min, LEVEL[i].min, *n * sizeof *min);
            return;
        }
    min[0] = 15;
    min[1] = 30;
    min[2] = 60;
    *n = 3;
}

static hl_status parse_access(parse_state *st, struct fy_node *n) {
    void *it = NULL;
    struct fy_node_pair *p;
    hl_status rc;
    hl_plan *pl = st->plan;
    if (!fy_node_is_mapping(n)) return plan_err(st, n, "'access' must be a mapping");
    while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
        size_t kl;
        const char *k = key_of(p, &kl);
        struct fy_node *v = fy_node_pair_value(p);
        double x;
        if (key_is(k, kl, "connector_speed_kmh"))
            rc = scalar_num(st, v, "access.connector_speed_kmh", 0.1, 200, &pl->connector_speed_kmh);
        else if (key_is(k, kl, "max_snap_m")) rc = scalar_num(st, v, "access.max_snap_m", 0, 1e6, &pl->max_snap_m);
        else if (key_is(k, kl, "k_nearest")) {
            rc = scalar_num(st, v, "access.k_nearest", 1, 100, &x);
            if (!rc) pl->k_nearest = (size_t)x;
        } else if (key_is(k, kl, "service_areas_min"))
            rc = parse_service_area_min(st, v);
        else if (key_is(k, kl, "service_area_kinds")) {
            void *sit = NULL;
            pl->service_area_kinds_given = true;
            struct fy_node *e;
            size_t cap = 0;
            rc = HL_OK;
            if (!fy_node_is_sequence(v)) {
                rc = plan_err(st, v, "'access.service_area_kinds' must be a list of facility kinds");
            } else {
                for (size_t i = 0; i < pl->n_service_area_kinds; i++) hl_free(pl->service_area_kinds[i]);
                hl_free(pl->service_area_kinds);
                pl->service_area_kinds = NULL;
                pl->n_service_area_kinds = 0;
                while (!rc && (e = fy_node_sequence_iterate(v, &sit)) != NULL) {
                    rc = hl_grow(st->ctx, (void **)&pl->service_area_kinds, &cap, pl->n_service_area_kinds + 1,
                                 sizeof(char *));
                    if (!rc) {
                        pl->service_area_kinds[pl->n_service_area_kinds] = NULL;
                        rc = scalar_dup(st, e, "access.service_area_kinds",
                                        &pl->service_area_kinds[pl->n_service_area_kinds]);
                        pl->n_service_area_kinds++;
                    }
                }
                /* an empty list means no service areas (not the default kinds) */
                if (!rc && !pl->service_area_kinds && !(pl->service_area_kinds = hl_calloc(st->ctx, 1, sizeof(char *))))
                    rc = hl_error(st->ctx, HL_E_NOMEM, "out of memory");
            }
        } else if (key_is(k, kl, "od_matrix")) rc = scalar_bool(st, v, "access.od_matrix", &pl->od_matrix);
        else if (key_is(k, kl, "od_cutoff_min")) rc = scalar_num(st, v, "access.od_cutoff_min", 0, 1440, &pl->od_cutoff_min);
        else if (key_is(k, kl, "snap")) {
            char *s = NULL;
            rc = scalar_dup(st, v, "access.snap", &s);
            if (!rc) {
                if (!strcmp(s, "main_network")) pl->snap_main_network = true;
                else if (!strcmp(s, "nearest")) pl->snap_main_network = false;
                else rc = plan_err(st, v, "'access.snap' must be 'nearest' or 'main_network', not '%s'", s);
            }
            hl_free(s);
        } else
            rc = plan_err(st, fy_node_pair_key(p),
                          "unknown key '%.*s' in 'access' (known: connector_speed_kmh, max_snap_m, snap, k_nearest, "
                          "service_areas_min, service_area_kinds, od_matrix, od_cutoff_min)", (int)kl, k ? k : "?");
        if (rc) return rc;
    }
    return HL_OK;
}

static hl_status parse_eligibility(parse_state *st, struct fy_node *n) {
    void *it = NULL;
    struct fy_node_pair *p;
    hl_status rc;
    hl_plan *pl = st->plan;
    if (!fy_node_is_mapping(n)) return plan_err(st, n, "'eligibility' must be a mapping");
    while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
        size_t kl;
        const char *k = key_of(p, &kl);
        struct fy_node *v = fy_node_pair_value(p);
        if (key_is(k, kl, "exclude_relocation")) rc = scalar_bool(st, v, "eligibility.exclude_relocation", &pl->exclude_relocation);
        else if (key_is(k, kl, "min_households")) rc = scalar_num(st, v, "eligibility.min_households", 0, 1e6, &pl->min_households);
        else if (key_is(k, kl, "exclude")) {
            void *sit = NULL;
            struct fy_node *e;
            size_t cap = 0;
            rc = HL_OK;
            if (!fy_node_is_sequence(v)) { rc = plan_err(st, v, "'eligibility.exclude' must be a list of ids"); break; }
            while (!rc && (e = fy_node_sequence_iterate(v, &sit)) != NULL) {
                rc = hl_grow(st->ctx, (void **)&pl->exclude_ids, &cap, pl->n_exclude_ids + 1, sizeof(char *));
                if (!rc) {
                    pl->exclude_ids[pl->n_exclude_ids] = NULL;
                    rc = scalar_dup(st, e, "eligibility.exclude", &pl->exclude_ids[pl->n_exclude_ids]);
                    pl->n_exclude_ids++;
                }
            }
        } else
            rc = plan_err(st, fy_node_pair_key(p),
                          "unknown key '%.*s' in 'eligibility' (known: exclude_relocation, min_households, exclude)",
                          (int)kl, k ? k : "?");
        if (rc) return rc;
    }
    return HL_OK;
}

/* thresholds: {WAT-01: {target: 0.95}, ROAD-01.min_households: 20} */
static hl_status parse_thresholds(parse_state *st, struct fy_node *n, size_t *cap) {
    void *it = NULL;
    struct fy_node_pair *p;
    hl_status rc;
    if (!fy_node_is_mapping(n)) return plan_err(st, n, "'thresholds' must be a mapping such as {WAT-01: {target: 0.95}}");
    while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
        size_t kl;
        const char *k = key_of(p, &kl);
        struct fy_node *v = fy_node_pair_value(p);
        if (!k) return plan_err(st, n, "'thresholds' has a key that is not text");
        if (fy_node_is_mapping(v)) {
            void *it2 = NULL;
            struct fy_node_pair *p2;
            while ((p2 = fy_node_mapping_iterate(v, &it2)) != NULL) {
                size_t kl2;
                const char *k2 = key_of(p2, &kl2);
                char key[256];
                if (!k2 || kl + kl2 + 2 > sizeof key) return plan_err(st, v, "invalid threshold name");
                snprintf(key, sizeof key, "%.*s.%.*s", (int)kl, k, (int)kl2, k2);
                if ((rc = kv_add(st, &st->plan->overrides, &st->plan->n_overrides, cap, key, strlen(key),
                                 fy_node_pair_value(p2), "thresholds")))
                    return rc;
            }
        } else {
            if ((rc = kv_add(st, &st->plan->overrides, &st->plan->n_overrides, cap, k, kl, v, "thresholds")))
                return rc;
        }
    }
    return HL_OK;
}

static void diag_output(struct fy_diag *diag, void *user, const char *buf, size_t len) {
    parse_state *st = user;
    (void)diag;
    if (st->diag[0] == '\0') {
        size_t n = len < sizeof st->diag - 1 ? len : sizeof st->diag - 1;
        memcpy(st->diag, buf, n);
        st->diag[n] = '\0';
        while (n > 0 && (st->diag[n - 1] == '\n' || st->diag[n - 1] == ' ')) st->diag[--n] = '\0';
    }
}

static void plan_defaults(hl_plan *p) {
    p->snap_tol_m = 1.0;
    p->near_miss_m = 10.0;
    p->connector_speed_kmh = 5.0;
    p->max_snap_m = 2000.0;
    p->k_nearest = 1;
    p->od_matrix = false;
    p->od_cutoff_min = 60.0;
    p->small_component_nodes = 50;
    p->exclude_relocation = true;
}

hl_status hl_plan_parse(hl_ctx *ctx, const char *text, size_t len, const char *origin, hl_plan **out) {
    parse_state st;
    struct fy_diag_cfg dcfg;
    struct fy_diag *diag = NULL;
    struct fy_parse_cfg pcfg;
    struct fy_document *doc = NULL;
    struct fy_node *root;
    struct fy_node_pair *p;
    void *it = NULL;
    size_t cap_speeds = 0, cap_over = 0;
    hl_status rc = HL_OK;
    hl_plan *plan;

    *out = NULL;
    memset(&st, 0, sizeof st);
    st.ctx = ctx;
    st.origin = origin ? origin : "<plan>";
    plan = hl_calloc(ctx, 1, sizeof *plan);
    if (!plan) return hl_error(ctx, HL_E_NOMEM, "out of memory reading the plan");
    st.plan = plan;
    plan_defaults(plan);
    plan->path = hl_strdup(ctx, st.origin);
    {
        const char *slash = strrchr(st.origin, '/');
        plan->dir = slash ? hl_sprintf(ctx, "%.*s", (int)(slash - st.origin), st.origin) : hl_strdup(ctx, ".");
        if (slash == st.origin) { hl_free(plan->dir); plan->dir = hl_strdup(ctx, "/"); }
    }
    plan->text = hl_malloc(ctx, len + 1);
    if (!plan->path || !plan->dir || !plan->text) { rc = hl_error(ctx, HL_E_NOMEM, "out of memory"); goto done; }
    memcpy(plan->text, text, len);
    plan->text[len] = '\0';

    /* libfyaml 0.7 can loop on bytes that are not UTF-8: refuse them first */
    if (memchr(plan->text, '\0', len) || !hl_utf8_valid(plan->text, len)) {
        rc = hl_error(ctx, HL_E_PLAN, "%s: the plan is not UTF-8 text; save it as UTF-8 (YAML)", st.origin);
        goto done;
    }
    {
        /* nothing but blanks and comments */
        bool empty = true;
        const char *q = plan->text;
        while (*q && empty) {
            while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n') q++;
            if (*q == '#') {
                while (*q && *q != '\n') q++;
            } else if (*q && strncmp(q, "---", 3)) {
                empty = false;
            } else if (*q) {
                q += 3;
            }
        }
        if (empty) {
            rc = hl_error(ctx, HL_E_PLAN, "%s: the plan is empty; it needs at least 'layers:' (see README)", st.origin);
            goto done;
        }
    }
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = diag_output;
    dcfg.user = &st;
    dcfg.colorize = false;
    diag = fy_diag_create(&dcfg);
    if (!diag) { rc = hl_error(ctx, HL_E_NOMEM, "out of memory creating the YAML parser"); goto done; }
    fy_diag_set_collect_errors(diag, true);
    memset(&pcfg, 0, sizeof pcfg);
    pcfg.flags = FYPCF_QUIET | FYPCF_DISABLE_RECYCLING | FYPCF_COLLECT_DIAG;
    pcfg.diag = diag;
    doc = fy_document_build_from_string(&pcfg, plan->text, len);
    if (!doc) {
        void *dit = NULL;
        struct fy_diag_error *e = fy_diag_errors_iterate(diag, &dit);
        if (e)
            rc = hl_error(ctx, HL_E_PLAN, "%s:%d:%d: not valid YAML: %s", st.origin, e->line + 1, e->column + 1,
                          e->msg ? e->msg : "syntax error");
        else
            rc = hl_error(ctx, HL_E_PLAN, "%s: not valid YAML: %s", st.origin, st.diag[0] ? st.diag : "syntax error");
        goto done;
    }
    root = fy_document_root(doc);
    if (!root || !fy_node_is_mapping(root)) {
        rc = hl_error(ctx, HL_E_PLAN, "%s: a plan must be a YAML mapping with at least 'layers:'", st.origin);
        goto done;
    }
    while ((p = fy_node_mapping_iterate(root, &it)) != NULL) {
        size_t kl;
        const char *k = key_of(p, &kl);
        struct fy_node *v = fy_node_pair_value(p);
        if (key_is(k, kl, "crs")) rc = scalar_dup(&st, v, "crs", &plan->crs);
        else if (key_is(k, kl, "standard")) rc = scalar_dup(&st, v, "standard", &plan->standard);
        else if (key_is(k, kl, "divisions")) {
            char *d = NULL;
            rc = scalar_dup(&st, v, "divisions", &d);
            if (!rc) {
                plan->divisions = resolve_path(&st, d);
                if (!plan->divisions) rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
            }
            hl_free(d);
        }
        else if (key_is(k, kl, "layers")) rc = parse_layers(&st, v);
        else if (key_is(k, kl, "speeds_kmh")) {
            void *sit = NULL;
            struct fy_node_pair *sp;
            if (!fy_node_is_mapping(v)) { rc = plan_err(&st, v, "'speeds_kmh' must map road classes to km/h"); break; }
            while (!rc && (sp = fy_node_mapping_iterate(v, &sit)) != NULL) {
                size_t sl;
                const char *sk = key_of(sp, &sl);
                double x;
                if (!sk) { rc = plan_err(&st, v, "'speeds_kmh' has a key that is not text"); break; }
                rc = scalar_num(&st, fy_node_pair_value(sp), "speeds_kmh", 0.1, 300, &x);
                if (!rc) rc = kv_add(&st, &plan->speeds, &plan->n_speeds, &cap_speeds, sk, sl, fy_node_pair_value(sp), "speeds_kmh");
            }
        } else if (key_is(k, kl, "access")) rc = parse_access(&st, v);
        else if (key_is(k, kl, "network")) rc = parse_network(&st, v);
        else if (key_is(k, kl, "node_crossings")) rc = scalar_bool(&st, v, "node_crossings", &plan->node_crossings);
        else if (key_is(k, kl, "snap")) {
            char *s = NULL;
            rc = scalar_dup(&st, v, "snap", &s);
            if (!rc) {
                if (!strcmp(s, "main_network")) plan->snap_main_network = true;
                else if (!strcmp(s, "nearest")) plan->snap_main_network = false;
                else rc = plan_err(&st, v, "'snap' must be 'nearest' or 'main_network', not '%s'", s);
            }
            hl_free(s);
        } else if (key_is(k, kl, "eligibility")) rc = parse_eligibility(&st, v);
        else if (key_is(k, kl, "thresholds")) rc = parse_thresholds(&st, v, &cap_over);
        else
            rc = plan_err(&st, fy_node_pair_key(p),
                          "unknown key '%.*s' (known: crs, standard, divisions, layers, speeds_kmh, access, network, "
                          "node_crossings, snap, eligibility, thresholds)", (int)kl, k ? k : "?");
        if (rc) goto done;
    }
    if (plan->n_layers == 0) {
        rc = hl_error(ctx, HL_E_PLAN, "%s: the plan has no 'layers:'; name at least the roads and the villages", st.origin);
        goto done;
    }
    if (!plan->crs && !(plan->crs = hl_strdup(ctx, "auto"))) { rc = hl_error(ctx, HL_E_NOMEM, "out of memory"); goto done; }
    if (!plan->standard && !(plan->standard = hl_strdup(ctx, "national"))) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    if (!plan->service_area_kinds && plan->n_service_area_kind_min) {
        /* the kinds of the service_areas_min mapping */
        size_t nd = plan->n_service_area_kind_min;
        plan->service_area_kinds = hl_calloc(ctx, nd, sizeof(char *));
        if (!plan->service_area_kinds) { rc = hl_error(ctx, HL_E_NOMEM, "out of memory"); goto done; }
        plan->n_service_area_kinds = nd;
        for (size_t i = 0; i < nd; i++)
            if (!(plan->service_area_kinds[i] = hl_strdup(ctx, plan->service_area_kind_min[i].kind))) {
                rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
                goto done;
            }
    }
    if (!plan->service_area_kinds) {
        static const char *def[] = {"health_centre", "county_hospital", "primary_school",
                                    "elderly_care", "township_seat", "county_seat"};
        size_t nd = sizeof def / sizeof def[0];
        plan->service_area_kinds = hl_calloc(ctx, nd, sizeof(char *));
        if (!plan->service_area_kinds) { rc = hl_error(ctx, HL_E_NOMEM, "out of memory"); goto done; }
        plan->n_service_area_kinds = nd;
        for (size_t i = 0; i < nd; i++)
            if (!(plan->service_area_kinds[i] = hl_strdup(ctx, def[i]))) {
                rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
                goto done;
            }
    }
done:
    if (doc) fy_document_destroy(doc);
    if (diag) fy_diag_destroy(diag);
    if (rc) {
        hl_plan_destroy(plan);
        return rc;
    }
    *out = plan;
    return HL_OK;
}

hl_status hl_plan_load(hl_ctx *ctx, const char *path, hl_plan **out) {
    FILE *f;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    hl_status rc;
    *out = NULL;
    f = fopen(path, "rb");
    if (!f) return hl_error(ctx, HL_E_IO, "cannot open plan file '%s': %s", path, strerror(errno));
    for (;;) {
        size_t got;
        if ((rc = hl_grow(ctx, (void **)&buf, &cap, n + 4096, 1))) {
            fclose(f);
            hl_free(buf);
            return rc;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    if (ferror(f)) {
        fclose(f);
        hl_free(buf);
        return hl_error(ctx, HL_E_IO, "cannot read plan file '%s'", path);
    }
    fclose(f);
    rc = hl_plan_parse(ctx, buf, n, path, out);
    hl_free(buf);
    return rc;
}

static void layer_free(hl_plan_layer *L) {
    hl_free(L->role);
    hl_free(L->kind);
    hl_free(L->source);
    hl_free(L->layer);
    hl_free(L->where);
    hl_free(L->encoding);
    hl_free(L->crs);
    for (size_t i = 0; i < L->n_fields; i++) {
        hl_free(L->field_keys[i]);
        hl_free(L->field_values[i]);
    }
    hl_free(L->field_keys);
    hl_free(L->field_values);
}

void hl_plan_destroy(hl_plan *plan) {
    if (!plan) return;
    for (size_t i = 0; i < plan->n_layers; i++) layer_free(&plan->layers[i]);
    hl_free(plan->layers);
    for (size_t i = 0; i < plan->n_speeds; i++) {
        hl_free(plan->speeds[i].key);
        hl_free(plan->speeds[i].value);
    }
    hl_free(plan->speeds);
    for (size_t i = 0; i < plan->n_overrides; i++) {
        hl_free(plan->overrides[i].key);
        hl_free(plan->overrides[i].value);
    }
    hl_free(plan->overrides);
    for (size_t i = 0; i < plan->n_exclude_ids; i++) hl_free(plan->exclude_ids[i]);
    hl_free(plan->exclude_ids);
    hl_free(plan->service_area_min);
    free_kind_min(plan);
    for (size_t i = 0; i < plan->n_service_area_kinds; i++) hl_free(plan->service_area_kinds[i]);
    hl_free(plan->service_area_kinds);
    hl_free(plan->path);
    hl_free(plan->dir);
    hl_free(plan->text);
    hl_free(plan->crs);
    hl_free(plan->standard);
    hl_free(plan->divisions);
    hl_free(plan);
}

const hl_plan_layer *hl_plan_find(const hl_plan *plan, const char *role, const char *kind) {
    for (size_t i = 0; i < plan->n_layers; i++) {
        const hl_plan_layer *L = &plan->layers[i];
        if (strcmp(L->role, role)) continue;
        if (kind == NULL && L->kind == NULL) return L;
        if (kind && L->kind && !strcmp(kind, L->kind)) return L;
    }
    return NULL;
}

const char *hl_plan_layer_field(const hl_plan_layer *layer, const char *canonical) {
    for (size_t i = 0; i < layer->n_fields; i++)
        if (!strcmp(layer->field_keys[i], canonical)) return layer->field_values[i];
    return NULL;
}
