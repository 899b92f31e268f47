/* Travel-time and facility indicators of the coverage stage: SYS-01/02,
 * HLT-01/02/04, EDU-01, BUS-01, ENV-02, OLD-01, LC-01/02 and IND-01.
 * Motor times are the access stage's nearest-facility times; walking
 * times are network walking distances (coverage_graph.c) / walk speed. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/coverage_int.h"
#include "hl/access_measures.h"
#include "layer/layer_int.h"

static void flag(cov *c, cov_ind *ind, size_t u, double v, bool ok) {
    ind->value[u] = v;
    ind->meets[u] = !isnan(v) && hl__cov_eligible(c, ind->id, ind->level, u) ? (signed char)ok : COV_NULL;
}

static double param(cov *c, const char *id, const char *name, double dflt) {
    char key[96];
    snprintf(key, sizeof key, "%s.%s", id, name);
    return hl__std_num(c->s, key, dflt);
}

/* A list parameter (kinds, bundle), borrowed; *n 0 when absent. */
static const char *const *list_param(cov *c, const char *key, size_t *n) {
    const hl_std_param *p = c->s->standard ? hl_standard_param(c->s->standard, key) : NULL;
    *n = p && p->type == HL_PARAM_LIST ? p->n_items : 0;
    return *n ? p->items : NULL;
}

static bool is_walk(cov *c, const char *key) {
    const char *m = NULL;
    return c->s->standard && !hl_standard_text(c->s->standard, key, &m) && m && !strcmp(m, "walk");
}

/* Time in minutes from origin i to the nearest facility of kind k, walking or driving. */
static double minutes(cov *c, size_t k, size_t i, bool walk) {
    if (walk)
        return c->walk_m[k][i] / c->walk_speed_ms / 60.0;
    return c->acc->kinds[k].time_s[i] / 60.0;
}

/* A motor time rule on per-origin seconds t_s: value minutes, meets <= max_time_min. */
static void time_rule(cov *c, const char *id, const double *t_s) {
    cov_ind *ind = hl__cov_ind(c, id);
    ind->threshold = param(c, id, "max_time_min", 60);
    for (size_t i = 0; i < c->acc->origins.n; i++) {
        double m = c->acc->origins.placed[i] ? t_s[i] / 60.0 : INFINITY;
        flag(c, ind, i, m, m <= ind->threshold);
    }
}

static hl_status times(cov *c) {
    size_t kcs = hl__cov_kind(c, "county_seat"), kh = hl__cov_kind(c, "county_hospital");
    hl_status rc = HL_OK;
    if (hl__cov_kind(c, "township_seat") == SIZE_MAX || !c->s->townships)
        rc = hl__cov_skip(c, "SYS-01", "the plan gives no township_seat facilities or no townships");
    else
        time_rule(c, "SYS-01", c->acc->t_own_seat_s);
    if (!rc && kcs == SIZE_MAX)
        rc = hl__cov_skip(c, "SYS-02", "the plan gives no county_seat facility");
    else if (!rc)
        time_rule(c, "SYS-02", c->acc->kinds[kcs].time_s);
    if (!rc && kh == SIZE_MAX)
        rc = hl__cov_skip(c, "HLT-04", "the plan gives no county_hospital facilities");
    else if (!rc)
        time_rule(c, "HLT-04", c->acc->kinds[kh].time_s);
    return rc;
}

/* HLT-02: the nearest of the kinds in HLT-02.kinds, clinics by HLT-02.mode,
 * health centres by HLT-02.health_centre_mode. */
static hl_status hlt_02(cov *c) {
    cov_ind *ind = hl__cov_ind(c, "HLT-02");
    size_t nk = 0, used = 0;
    const char *const *kinds = list_param(c, "HLT-02.kinds", &nk);
    ind->threshold = param(c, "HLT-02", "max_time_min", 15);
    for (size_t i = 0; i < c->acc->origins.n; i++)
        ind->value[i] = INFINITY;
    for (size_t j = 0; j < nk; j++) {
        size_t k = hl__cov_kind(c, kinds[j]);
        bool walk = is_walk(c, !strcmp(kinds[j], "health_centre") ? "HLT-02.health_centre_mode" : "HLT-02.mode");
        if (k == SIZE_MAX)
            continue;
        used++;
        for (size_t i = 0; i < c->acc->origins.n; i++)
            ind->value[i] = fmin(ind->value[i], minutes(c, k, i, walk));
    }
    if (!used)
        return hl__cov_skip(c, "HLT-02", "the plan gives none of the facility kinds in HLT-02.kinds");
    for (size_t i = 0; i < c->acc->origins.n; i++)
        flag(c, ind, i, ind->value[i], ind->value[i] <= ind->threshold);
    return HL_OK;
}

static hl_status edu_01(cov *c) {
    cov_ind *ind = hl__cov_ind(c, "EDU-01");
    size_t k = hl__cov_kind(c, "primary_school"), n = c->acc->origins.n;
    double max_m = param(c, "EDU-01", "walk_max_m", 3000);
    if (k == SIZE_MAX)
        return hl__cov_skip(c, "EDU-01", "the plan gives no primary_school facilities");
    ind->threshold = param(c, "EDU-01", "walk_max_min", 40);
    for (size_t i = 0; i < n; i++) {
        double m = minutes(c, k, i, true);
        flag(c, ind, i, m, m <= ind->threshold && c->walk_m[k][i] <= max_m);
    }
    if (hl_layer_has(c->acc->origins.layer, "school_age_population")) {
        ind->weight = hl_malloc(c->ctx, (n ? n : 1) * sizeof *ind->weight);
        if (!ind->weight)
            return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
        for (size_t i = 0; i < n; i++)
            ind->weight[i] = hl_layer_number(c->acc->origins.layer, i, "school_age_population", 0);
    }
    return hl__cov_note(c, "EDU-01",
                        "walking network distance and time to the nearest primary school (both limits); "
                        "school-bus service is not modelled");
}

/* BUS-01: the least walking distance from any origin of the village to a stop. */
static hl_status bus_01(cov *c) {
    cov_ind *ind = hl__cov_ind(c, "BUS-01");
    size_t k = hl__cov_kind(c, "bus_stop"), nv = c->n_unit[COV_VILLAGE];
    double max_min = param(c, "BUS-01", "max_walk_min", 20);
    if (!nv)
        return hl__cov_skip(c, "BUS-01", "the plan gives no villages layer");
    if (k == SIZE_MAX)
        return hl__cov_skip(c, "BUS-01", "the plan gives no bus_stop facilities");
    ind->threshold = param(c, "BUS-01", "max_walk_m", 2000);
    for (size_t v = 0; v < nv; v++)
        ind->value[v] = INFINITY;
    for (size_t i = 0; i < c->acc->origins.n; i++) {
        size_t v = c->acc->origins.village[i];
        if (v < nv)
            ind->value[v] = fmin(ind->value[v], c->walk_m[k][i]);
    }
    for (size_t v = 0; v < nv; v++) {
        double d = ind->value[v];
        flag(c, ind, v, d, d <= ind->threshold || d / c->walk_speed_ms / 60.0 <= max_min);
    }
    return hl__cov_note(c, "BUS-01", "network walking distance from the village's nearest settlement to a bus stop");
}

static hl_status env_02(cov *c) {
    cov_ind *ind = hl__cov_ind(c, "ENV-02");
    hl_status rc = HL_OK;
    if (!c->garb_ok_m)
        return hl__cov_skip(c, "ENV-02", "the plan gives no garbage_point facilities");
    ind->threshold = param(c, "ENV-02", "d1_m", 500);
    for (size_t i = 0; i < c->acc->origins.n; i++) {
        double d = c->acc->origins.has_xy[i] ? c->garb_ok_m[i] : NAN;
        flag(c, ind, i, d, d <= ind->threshold);
    }
    if (hl__cov_kind(c, "transfer_station") == SIZE_MAX)
        rc = hl__cov_note(c, "ENV-02", "no transfer_station facilities: every garbage point counts as linked");
    return rc;
}

/* Facilities of kind k inside each unit polygon (village or township). */
static void count_inside(cov *c, size_t k, cov_level lv, bool comprehensive_only, double *count) {
    const hl_kind_access *ka = &c->acc->kinds[k];
    bool has_comp = hl_layer_has(ka->fac, "comprehensive");
    for (size_t f = 0; f < ka->n_fac; f++) {
        double x, y;
        size_t u;
        bool b;
        const char *cv = hl_layer_value(ka->fac, f, "comprehensive");
        if (!hl_layer_point(ka->fac, f, &x, &y))
            continue;
        if (comprehensive_only && has_comp && !(cv && hl_spec_parse_bool(cv, &b) && b))
            continue;
        u = lv == COV_VILLAGE ? hl_study_village_at(c->s, x, y) : hl_study_township_at(c->s, x, y);
        if (u < c->n_unit[lv])
            count[u] += 1;
    }
}

static hl_status hlt_01(cov *c) {
    cov_ind *ind = hl__cov_ind(c, "HLT-01");
    size_t k = hl__cov_kind(c, "clinic"), kh = hl__cov_kind(c, "health_centre"), nv = c->n_unit[COV_VILLAGE];
    if (!nv)
        return hl__cov_skip(c, "HLT-01", "the plan gives no villages layer");
    if (k == SIZE_MAX)
        return hl__cov_skip(c, "HLT-01", "the plan gives no clinic facilities");
    ind->threshold = param(c, "HLT-01", "min_clinics", 1);
    for (size_t v = 0; v < nv; v++)
        ind->value[v] = 0;
    count_inside(c, k, COV_VILLAGE, false, ind->value);
    if (kh != SIZE_MAX) {
        const hl_std_param *p =
            c->s->standard ? hl_standard_param(c->s->standard, "HLT-01.health_centre_substitutes") : NULL;
        if (!p || p->type != HL_PARAM_BOOL || p->flag)
            count_inside(c, kh, COV_VILLAGE, false, ind->value);
    }
    for (size_t v = 0; v < nv; v++)
        flag(c, ind, v, hl__layer_geom(c->s->villages, v) ? ind->value[v] : NAN, ind->value[v] >= ind->threshold);
    return HL_OK;
}

static hl_status old_01(cov *c) {
    cov_ind *ind = hl__cov_ind(c, "OLD-01");
    size_t k = hl__cov_kind(c, "elderly_care"), nt = c->n_unit[COV_TOWNSHIP];
    const hl_std_param *p = c->s->standard ? hl_standard_param(c->s->standard, "OLD-01.require_comprehensive") : NULL;
    bool req = !p || p->type != HL_PARAM_BOOL || p->flag;
    if (!nt)
        return hl__cov_skip(c, "OLD-01", "the plan gives no townships layer");
    if (k == SIZE_MAX)
        return hl__cov_skip(c, "OLD-01", "the plan gives no elderly_care facilities");
    ind->threshold = 1;
    for (size_t t = 0; t < nt; t++)
        ind->value[t] = 0;
    count_inside(c, k, COV_TOWNSHIP, req, ind->value);
    for (size_t t = 0; t < nt; t++)
        flag(c, ind, t, ind->value[t], ind->value[t] >= 1);
    if (req && !hl_layer_has(c->acc->kinds[k].fac, "comprehensive"))
        return hl__cov_note(c, "OLD-01",
                            "the elderly_care layer has no 'comprehensive' field: every institution counts");
    return HL_OK;
}

/* LC-01 / LC-02: kinds of the bundle present in the plan; value = kinds
 * missing within the time, meets when none is missing. */
static hl_status life_circle(cov *c, const char *id, bool walk) {
    cov_ind *ind = hl__cov_ind(c, id);
    char key[64];
    size_t nb = 0, used = 0;
    const char *const *bundle;
    snprintf(key, sizeof key, "%s.bundle", id);
    bundle = list_param(c, key, &nb);
    ind->threshold = 0;
    for (size_t i = 0; i < c->acc->origins.n; i++)
        ind->value[i] = 0;
    for (size_t j = 0; j < nb; j++) {
        size_t k = hl__cov_kind(c, bundle[j]);
        double max_min = param(c, id, "max_time_min", walk ? 15 : 30);
        if (k == SIZE_MAX)
            continue;
        used++;
        for (size_t i = 0; i < c->acc->origins.n; i++)
            if (!(minutes(c, k, i, walk) <= max_min))
                ind->value[i] += 1;
    }
    if (!used)
        return hl__cov_skip(c, id, "the plan gives none of the facility kinds of its bundle");
    for (size_t i = 0; i < c->acc->origins.n; i++)
        flag(c, ind, i, ind->value[i], ind->value[i] == 0);
    if (used < nb)
        return hl__cov_note(c, id,
                            "only the bundle kinds the plan gives are checked; absent kinds are not counted as "
                            "missing");
    return HL_OK;
}

/* IND-01 per origin: industry bases within IND-01.near_time_min (cumulative
 * opportunities); meets with at least one. */
static hl_status ind_01(cov *c) {
    cov_ind *ind = hl__cov_ind(c, "IND-01");
    size_t n = c->acc->origins.n, nb = c->n_bases;
    if (!nb)
        return hl__cov_skip(c, "IND-01", "the plan gives no industry_bases layer");
    ind->threshold = 1;
    {
        /* bases within near_time_min of each origin (the reach lists run
           to far_time_min) */
        const cov_pairs *bp = &c->base_reach;
        double near_s = 60.0 * param(c, "IND-01", "near_time_min", 30);
        for (size_t i = 0; i < n; i++)
            ind->value[i] = 0;
        for (size_t q = 0; q < bp->n; q++)
            if (bp->time_s[q] <= near_s)
                ind->value[bp->orig[q]] += 1.0;
    }
    for (size_t i = 0; i < n; i++)
        flag(c, ind, i, ind->value[i], ind->value[i] >= 1);
    if (hl_layer_has(c->acc->origins.layer, "working_age_population")) {
        ind->weight = hl_malloc(c->ctx, (n ? n : 1) * sizeof *ind->weight);
        if (!ind->weight)
            return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
        for (size_t i = 0; i < n; i++)
            ind->weight[i] = hl_layer_number(c->acc->origins.layer, i, "working_age_population", 0);
    }
    return HL_OK;
}

hl_status hl__cov_indicators(cov *c) {
    hl_status rc;
    if ((rc = times(c)) || (rc = hlt_02(c)) || (rc = edu_01(c)) || (rc = bus_01(c)) || (rc = env_02(c)) ||
        (rc = hlt_01(c)) || (rc = old_01(c)) || (rc = life_circle(c, "LC-01", is_walk(c, "LC-01.mode"))) ||
        (rc = life_circle(c, "LC-02", is_walk(c, "LC-02.mode"))) || (rc = ind_01(c)) || (rc = hl__cov_water(c)))
        return rc;
    return hl__cov_polygons(c);
}
