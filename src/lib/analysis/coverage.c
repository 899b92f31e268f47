/* The coverage stage: the units indicators are computed on, their
 * eligibility, the indicator registry, and the order of the steps
 * (own measures, road indicators, other indicators, overlay, tables).
 * The indicator rules themselves live in coverage_roads.c and
 * coverage_indicators.c; roll-ups and output tables in coverage_tables.c. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/coverage_int.h"
#include "layer/layer_int.h"

/* The registry: every indicator gets its columns, computed or not, so the
 * output schema does not depend on which inputs a plan gives. */
typedef struct cov_def {
    const char *id;
    cov_level level;
    const char *unit;
    bool is_time, higher_better, pop_share;
    const char *reason; /* %s value, %s rule */
    const char *reason_zh; /* the same in Chinese */
} cov_def;

static const cov_def DEFS[] = {
    {"ROAD-01", COV_ORIGIN, "m", false, false, false,
     "%s from the nearest hardened road connected to the township seat (rule: within %s)", "距连通乡镇驻地的硬化路 %s（标准：%s 以内）"},
    {"ROAD-02", COV_VILLAGE, "m", false, false, false,
     "village point %s from the nearest hardened road connected to the township seat (rule: within %s)", "村委会距连通乡镇驻地的硬化路 %s（标准：%s 以内）"},
    {"ROAD-03", COV_TOWNSHIP, "m", false, false, false,
     "township seat %s from a class-III or better road connected to the county seat (rule: within %s)", "乡镇驻地距连通县城的三级及以上公路 %s（标准：%s 以内）"},
    {"ROAD-04", COV_VILLAGE, "m", false, false, false, "village point %s from a graded road (rule: within %s)", "村委会距等级公路 %s（标准：%s 以内）"},
    {"ROAD-06", COV_ORIGIN, "m", false, false, true, "%s from the nearest all-season road (rule: within %s)", "距全天候道路 %s（标准：%s 以内）"},
    {"SYS-01", COV_ORIGIN, "min", true, false, true, "%s to the own township seat (rule: at most %s)", "至本乡镇驻地 %s（标准：不超过 %s）"},
    {"SYS-02", COV_ORIGIN, "min", true, false, true, "%s to the county seat (rule: at most %s)", "至县城 %s（标准：不超过 %s）"},
    {"BUS-01", COV_VILLAGE, "m", false, false, false, "%s walk to the nearest bus stop (rule: at most %s)", "步行至最近公交站 %s（标准：不超过 %s）"},
    {"WAT-01", COV_ORIGIN, "m", false, false, true,
     "no in-house tap water: %s from a tap-water service area or pipe (rule: within %s)", "未通自来水入户：距入户供水区或管网 %s（标准：%s 以内）"},
    {"WAT-02", COV_ORIGIN, "m", false, false, true,
     "no centralised supply: %s from a service area or pipe (rule: within %s)", "未纳入集中供水：距供水区或管网 %s（标准：%s 以内）"},
    {"WAT-03", COV_ORIGIN, "m", false, false, true,
     "not served by a large-scale works: %s from its service area or pipes (rule: within %s)", "未纳入规模化供水：距其供水区或管网 %s（标准：%s 以内）"},
    {"ENV-02", COV_ORIGIN, "m", false, false, false,
     "%s from a garbage point linked to a transfer station (rule: within %s)", "距连通转运站的垃圾收集点 %s（标准：%s 以内）"},
    {"HLT-01", COV_VILLAGE, "count", false, true, false, "%s village clinics in the village (rule: at least %s)", "村内村卫生室 %s 个（标准：至少 %s 个）"},
    {"HLT-02", COV_ORIGIN, "min", true, false, true, "%s to the nearest clinic or health centre (rule: at most %s)", "至最近村卫生室或卫生院 %s（标准：不超过 %s）"},
    {"HLT-04", COV_ORIGIN, "min", true, false, true, "%s to the county hospital (rule: at most %s)", "至县级医院 %s（标准：不超过 %s）"},
    {"EDU-01", COV_ORIGIN, "min", true, false, true, "%s walk to the nearest primary school (rule: at most %s)", "步行至最近小学 %s（标准：不超过 %s）"},
    {"OLD-01", COV_TOWNSHIP, "count", false, true, false,
     "%s comprehensive elderly-care institutions in the township (rule: at least %s)", "乡镇内综合养老机构 %s 个（标准：至少 %s 个）"},
    {"DIG-02", COV_VILLAGE, "share", false, true, false, "%s of the village area has 5G (rule: at least %s)", "5G覆盖村域面积 %s（标准：至少 %s）"},
    {"LC-01", COV_ORIGIN, "count", false, false, true,
     "%s village life-circle kinds missing within the walking time (rule: %s missing)", "步行时间内缺少村级生活圈设施 %s 类（标准：缺 %s 类）"},
    {"LC-02", COV_ORIGIN, "count", false, false, true,
     "%s township life-circle kinds missing within the driving time (rule: %s missing)", "车行时间内缺少乡集镇生活圈设施 %s 类（标准：缺 %s 类）"},
    {"IND-01", COV_ORIGIN, "count", false, true, true, "%s industry bases within commuting time (rule: at least %s)", "通勤时间内产业基地 %s 个（标准：至少 %s 个）"},
    {"IND-02", COV_VILLAGE, "share", false, true, false, "%s of the village area in agricultural bases (%s)", "农业基地占村域面积 %s（%s）"},
};
#define N_DEFS (sizeof DEFS / sizeof DEFS[0])

cov_ind *hl__cov_ind(cov *c, const char *id) {
    for (size_t i = 0; i < c->n_ind; i++)
        if (!strcmp(c->ind[i].id, id))
            return &c->ind[i];
    return NULL;
}

size_t hl__cov_kind(const cov *c, const char *kind) {
    for (size_t k = 0; k < c->acc->n_kinds; k++)
        if (!strcmp(c->acc->kinds[k].kind, kind))
            return k;
    return SIZE_MAX;
}

hl_status hl__cov_skip(cov *c, const char *id, const char *why) {
    cov_ind *ind = hl__cov_ind(c, id);
    if (ind) {
        ind->computed = false;
        for (size_t u = 0; u < c->n_unit[ind->level]; u++) {
            ind->value[u] = NAN;
            ind->meets[u] = COV_NULL;
        }
    }
    hl_log(c->ctx, HL_LOG_INFO, "%s not computed: %s", id, why);
    return hl_qa_add(c->ctx, c->a->qa, HL_QA_INFO, "indicator_skipped", "coverage", NULL, id, false, 0, 0, NAN,
                     "%s is not computed: %s; its columns are NULL", id, why);
}

hl_status hl__cov_note(cov *c, const char *id, const char *what) {
    return hl_qa_add(c->ctx, c->a->qa, HL_QA_INFO, "indicator_method", "coverage", NULL, id, false, 0, 0, NAN, "%s: %s",
                     id, what);
}

/* ------------------------------------------------------------------ */
/* units                                                               */

double hl__cov_unit_pop(const cov *c, cov_level lv, size_t u) {
    double p = lv == COV_ORIGIN ? c->acc->origins.population[u] : lv == COV_VILLAGE ? c->vill_pop[u] : c->town_pop[u];
    return isfinite(p) && p > 0 ? p : 0;
}

size_t hl__cov_unit_township(const cov *c, cov_level lv, size_t u) {
    if (lv == COV_ORIGIN)
        return c->acc->origins.township[u];
    if (lv == COV_VILLAGE)
        return c->s->village_township ? c->s->village_township[u] : SIZE_MAX;
    return u;
}

static const hl_layer *unit_layer(const cov *c, cov_level lv) {
    return lv == COV_ORIGIN ? c->acc->origins.layer : lv == COV_VILLAGE ? c->s->villages : c->s->townships;
}

const char *hl__cov_unit_id(const cov *c, cov_level lv, size_t u, char *buf, size_t size) {
    if (lv == COV_ORIGIN)
        return c->acc->origins.id[u];
    return hl_layer_id(unit_layer(c, lv), u, buf, size);
}

const char *hl__cov_unit_name(const cov *c, cov_level lv, size_t u, char *buf, size_t size) {
    const char *n;
    if (lv == COV_ORIGIN)
        return c->acc->origins.name[u];
    n = hl_layer_value(unit_layer(c, lv), u, "name");
    return n ? n : hl_layer_id(unit_layer(c, lv), u, buf, size);
}

static bool std_flag(const cov *c, const char *id, const char *name, bool dflt) {
    char key[96];
    const hl_std_param *p;
    snprintf(key, sizeof key, "%s.%s", id, name);
    p = c->s->standard ? hl_standard_param(c->s->standard, key) : NULL;
    return p && p->type == HL_PARAM_BOOL ? p->flag : dflt;
}

static bool excluded(const cov *c, const char *id) {
    for (size_t i = 0; i < c->a->plan->n_exclude_ids; i++)
        if (!strcmp(c->a->plan->exclude_ids[i], id))
            return true;
    return false;
}

bool hl__cov_eligible(const cov *c, const char *id, cov_level lv, size_t u) {
    char buf[128];
    double hh = NAN, min_hh;
    bool reloc = false;
    char key[96];
    if (excluded(c, hl__cov_unit_id(c, lv, u, buf, sizeof buf)))
        return false;
    if (lv == COV_ORIGIN) {
        size_t v = c->acc->origins.village[u];
        if (c->acc->origins.natural && v != SIZE_MAX && c->s->villages &&
            excluded(c, hl_layer_id(c->s->villages, v, buf, sizeof buf)))
            return false;
        reloc = c->acc->origins.relocation[u];
        hh = c->acc->origins.households[u];
    } else if (lv == COV_VILLAGE) {
        reloc = c->vill_reloc[u];
        hh = c->vill_hh[u];
    }
    if (!id)
        return !(reloc && c->a->plan->exclude_relocation);
    if (reloc && c->a->plan->exclude_relocation && std_flag(c, id, "exclude_relocation", true))
        return false;
    snprintf(key, sizeof key, "%s.min_households", id);
    min_hh = c->a->plan->min_households > 0 ? c->a->plan->min_households : hl__std_num(c->s, key, 0);
    if (lv != COV_TOWNSHIP && min_hh > 0 && isfinite(hh) && hh < min_hh)
        return false;
    return true;
}

static bool truthy(const char *v) {
    bool b;
    if (!v)
        return false;
    if (hl_spec_parse_bool(v, &b))
        return b;
    return strstr(v, "搬迁") != NULL;
}

/* Village totals from the origins; village point = committee or point on surface. */
static hl_status setup_villages(cov *c) {
    const hl_origins *o = &c->acc->origins;
    size_t nv = c->n_unit[COV_VILLAGE], k = hl__cov_kind(c, "village_committee");
    size_t *n_known = NULL, *n_orig = NULL, *n_reloc = NULL;
    c->vill_pop = hl_calloc(c->ctx, nv ? nv : 1, sizeof *c->vill_pop);
    c->vill_hh = hl_calloc(c->ctx, nv ? nv : 1, sizeof *c->vill_hh);
    c->vill_reloc = hl_calloc(c->ctx, nv ? nv : 1, sizeof *c->vill_reloc);
    c->vill_xy = hl_calloc(c->ctx, 2 * (nv ? nv : 1), sizeof *c->vill_xy);
    c->vill_has_xy = hl_calloc(c->ctx, nv ? nv : 1, sizeof *c->vill_has_xy);
    n_known = hl_calloc(c->ctx, nv ? nv : 1, sizeof *n_known);
    n_orig = hl_calloc(c->ctx, nv ? nv : 1, sizeof *n_orig);
    n_reloc = hl_calloc(c->ctx, nv ? nv : 1, sizeof *n_reloc);
    if (!c->vill_pop || !c->vill_hh || !c->vill_reloc || !c->vill_xy || !c->vill_has_xy || !n_known || !n_orig ||
        !n_reloc) {
        hl_free(n_known);
        hl_free(n_orig);
        hl_free(n_reloc);
        return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < o->n; i++) {
        size_t v = o->village[i];
        if (v >= nv)
            continue;
        n_orig[v]++;
        if (o->relocation[i])
            n_reloc[v]++;
        if (isfinite(o->population[i])) {
            c->vill_pop[v] += o->population[i];
            n_known[v]++;
        }
        if (isfinite(o->households[i]))
            c->vill_hh[v] += o->households[i];
    }
    for (size_t v = 0; v < nv; v++) {
        const hl_layer *V = c->s->villages;
        if (!n_known[v])
            c->vill_pop[v] = hl_layer_number(V, v, "population", NAN);
        if (!(c->vill_hh[v] > 0))
            c->vill_hh[v] = hl_layer_number(V, v, "households", NAN);
        c->vill_reloc[v] = truthy(hl_layer_value(V, v, "relocation")) || truthy(hl_layer_value(V, v, "class")) ||
                           (n_orig[v] && n_reloc[v] == n_orig[v]);
        c->vill_has_xy[v] = hl_layer_point(V, v, &c->vill_xy[2 * v], &c->vill_xy[2 * v + 1]);
    }
    if (k != SIZE_MAX) {
        const hl_kind_access *ka = &c->acc->kinds[k];
        bool *set = hl_calloc(c->ctx, nv ? nv : 1, sizeof *set);
        if (!set) {
            hl_free(n_known);
            hl_free(n_orig);
            hl_free(n_reloc);
            return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
        }
        for (size_t f = 0; f < ka->n_fac; f++) {
            double x, y;
            size_t v;
            if (!hl_layer_point(ka->fac, f, &x, &y) || (v = hl_study_village_at(c->s, x, y)) == SIZE_MAX || set[v])
                continue;
            set[v] = true; /* the first committee in its layer */
            c->vill_xy[2 * v] = x;
            c->vill_xy[2 * v + 1] = y;
            c->vill_has_xy[v] = true;
        }
        hl_free(set);
    }
    hl_free(n_known);
    hl_free(n_orig);
    hl_free(n_reloc);
    return HL_OK;
}

static hl_status setup_townships(cov *c) {
    size_t nt = c->n_unit[COV_TOWNSHIP], k = hl__cov_kind(c, "township_seat");
    const hl_origins *o = &c->acc->origins;
    c->town_pop = hl_calloc(c->ctx, nt ? nt : 1, sizeof *c->town_pop);
    c->town_xy = hl_calloc(c->ctx, 2 * (nt ? nt : 1), sizeof *c->town_xy);
    c->town_has_xy = hl_calloc(c->ctx, nt ? nt : 1, sizeof *c->town_has_xy);
    c->town_seat = hl_malloc(c->ctx, (nt ? nt : 1) * sizeof *c->town_seat);
    if (!c->town_pop || !c->town_xy || !c->town_has_xy || !c->town_seat)
        return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < o->n; i++)
        if (o->township[i] < nt && isfinite(o->population[i]))
            c->town_pop[o->township[i]] += o->population[i];
    for (size_t t = 0; t < nt; t++)
        c->town_seat[t] = SIZE_MAX;
    for (size_t t = 0; t < nt; t++)
        c->town_has_xy[t] = hl_layer_point(c->s->townships, t, &c->town_xy[2 * t], &c->town_xy[2 * t + 1]);
    if (k != SIZE_MAX) {
        const hl_kind_access *ka = &c->acc->kinds[k];
        for (size_t f = ka->n_fac; f-- > 0;) { /* backwards: the first seat in the layer wins */
            double x, y;
            size_t t;
            if (!hl_layer_point(ka->fac, f, &x, &y) || (t = hl_study_township_at(c->s, x, y)) == SIZE_MAX)
                continue;
            c->town_xy[2 * t] = x;
            c->town_xy[2 * t + 1] = y;
            c->town_has_xy[t] = true;
            c->town_seat[t] = f;
        }
    }
    return HL_OK;
}

hl_status hl__cov_ind_add(cov *c, const char *id, cov_level lv, const char *unit, cov_ind **out) {
    size_t n = c->n_unit[lv] ? c->n_unit[lv] : 1;
    cov_ind *ind = &c->ind[c->n_ind];
    memset(ind, 0, sizeof *ind);
    ind->id = id;
    ind->level = lv;
    ind->unit = unit;
    ind->computed = true;
    ind->threshold = NAN;
    ind->value = hl_malloc(c->ctx, n * sizeof *ind->value);
    ind->meets = hl_malloc(c->ctx, n * sizeof *ind->meets);
    c->n_ind++;
    if (!ind->value || !ind->meets)
        return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
    for (size_t u = 0; u < n; u++) {
        ind->value[u] = NAN;
        ind->meets[u] = COV_NULL;
    }
    if (out)
        *out = ind;
    return HL_OK;
}

static hl_status register_all(cov *c) {
    hl_status rc = HL_OK;
    c->ind = hl_calloc(c->ctx, N_DEFS, sizeof *c->ind);
    if (!c->ind)
        return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < N_DEFS && !rc; i++) {
        cov_ind *ind;
        if ((rc = hl__cov_ind_add(c, DEFS[i].id, DEFS[i].level, DEFS[i].unit, &ind)))
            break;
        ind->is_time = DEFS[i].is_time;
        ind->higher_better = DEFS[i].higher_better;
        ind->pop_share = DEFS[i].pop_share;
        ind->reason = DEFS[i].reason;
        ind->reason_zh = DEFS[i].reason_zh;
    }
    return rc;
}

static void cov_free(cov *c) {
    for (size_t i = 0; i < c->n_ind; i++) {
        hl_free(c->ind[i].value);
        hl_free(c->ind[i].meets);
        hl_free(c->ind[i].weight);
    }
    hl_free(c->ind);
    if (c->walk_m)
        for (size_t k = 0; k < c->acc->n_kinds; k++)
            hl_free(c->walk_m[k]);
    hl_free(c->walk_m);
    hl_free(c->garb_ok_m);
    hl_free(c->pc_2sfca);
    if (c->ov_names)
        for (size_t j = 0; j < c->n_ov; j++)
            hl_free(c->ov_names[j]);
    hl_free(c->ov_names);
    hl_free(c->ov_town);
    hl_free(c->ov_county);
    hl_free(c->town_seat);
    hl_free(c->base_reach.start);
    hl_free(c->base_reach.orig);
    hl_free(c->base_reach.time_s);
    hl_free(c->vill_pop);
    hl_free(c->vill_hh);
    hl_free(c->vill_reloc);
    hl_free(c->vill_xy);
    hl_free(c->vill_has_xy);
    hl_free(c->town_pop);
    hl_free(c->town_xy);
    hl_free(c->town_has_xy);
}

hl_status hl__stage_coverage(hl_analysis *a) {
    cov c;
    hl_status rc;
    if (!a->access)
        return hl_error(a->ctx, HL_E_ARG, "the coverage stage needs the access stage");
    memset(&c, 0, sizeof c);
    c.a = a;
    c.ctx = a->ctx;
    c.s = a->study;
    c.acc = a->access;
    c.n_unit[COV_ORIGIN] = c.acc->origins.n;
    c.n_unit[COV_VILLAGE] = hl_layer_count(c.s->villages);
    c.n_unit[COV_TOWNSHIP] = hl_layer_count(c.s->townships);
    c.walk_speed_ms = hl__std_num(c.s, "common.walk_kmh", 5.0) / 3.6;
    hl_log(c.ctx, HL_LOG_INFO, "coverage indicators for %zu origins, %zu villages, %zu townships", c.n_unit[COV_ORIGIN],
           c.n_unit[COV_VILLAGE], c.n_unit[COV_TOWNSHIP]);
    if ((rc = setup_villages(&c)) || (rc = setup_townships(&c)) || (rc = register_all(&c)))
        goto done;
    hl_progress(c.ctx, "coverage", 0, 5);
    if ((rc = hl__cov_graph(&c)) || (rc = hl_check_interrupt(c.ctx)))
        goto done;
    hl_progress(c.ctx, "coverage", 1, 5);
    if ((rc = hl__cov_roads(&c)) || (rc = hl_check_interrupt(c.ctx)))
        goto done;
    hl_progress(c.ctx, "coverage", 2, 5);
    if ((rc = hl__cov_indicators(&c)) || (rc = hl_check_interrupt(c.ctx)))
        goto done;
    hl_progress(c.ctx, "coverage", 3, 5);
    if ((rc = hl__cov_overlay(&c)) || (rc = hl_check_interrupt(c.ctx)))
        goto done;
    hl_progress(c.ctx, "coverage", 4, 5);
    rc = hl__cov_tables(&c);
    hl_progress(c.ctx, "coverage", 5, 5);
done:
    cov_free(&c);
    return rc;
}
