/* Output tables of the coverage stage: village_indicators (one row per
 * origin), the roll-ups township_summary, county_summary and
 * indicator_summary, and the gap list.  Roll-ups are recomputed from the
 * unit records of each indicator's own level (never averages of ratios):
 * eligible units are those with a non-NULL flag; shares are meeting /
 * eligible units and meeting / eligible population; the gap is what is
 * still needed to reach the target (all failing units when the standard
 * gives no target).  Times: min, median (mean of the two middle values
 * for an even count), P90 (nearest rank) and max over eligible units with
 * a finite time; unreachable units fail but are left out of the
 * distribution. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/coverage_int.h"
#include "core/core_int.h"
#include "hl/access_measures.h"
#include "layer/layer_int.h"

/* Kind codes of the village_indicators time columns. */
static const struct {
    const char *code, *kind;
} KCODES[] = {
    {"ts", NULL},         {"ts_any", "township_seat"}, {"cs", "county_seat"},        {"thc", "health_centre"},
    {"clinic", "clinic"}, {"hosp", "county_hospital"}, {"school", "primary_school"}, {"elder", "elderly_care"},
    {"bus", "bus_stop"},  {"garb", "garbage_point"},   {"trans", "transfer_station"}};
#define NKC (sizeof KCODES / sizeof KCODES[0])

double hl__cov_median(const double *v, size_t n) {
    if (!n)
        return NAN;
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

double hl__cov_p90(const double *v, size_t n) {
    size_t r;
    if (!n)
        return NAN;
    r = (size_t)ceil(0.9 * (double)n - 1e-9); /* nearest rank, 1-based */
    return v[(r ? r : 1) - 1];
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* lower-case id with '-' -> '_' plus a suffix */
static void col_name(char *out, size_t size, const char *id, const char *suffix) {
    size_t n = 0;
    for (; *id && n + 1 < size; id++)
        out[n++] = *id == '-' ? '_' : (char)(*id >= 'A' && *id <= 'Z' ? *id + 32 : *id);
    out[n] = '\0';
    snprintf(out + n, size - n, "_%s", suffix);
}

static double target_of(cov *c, const cov_ind *ind) {
    char key[64];
    snprintf(key, sizeof key, "%s.target", ind->id);
    return hl__std_num(c->s, key, NAN);
}

/* ------------------------------------------------------------------ */
/* roll-up                                                             */

typedef struct rollup {
    double eu, mu, ep, mp, su, sp, target, met, gu, gp, tmin, tmed, tp90, tmax;
} rollup;

enum { AREA_COUNTY, AREA_TOWNSHIP, AREA_VILLAGE };

/* Roll-up workspace: a scratch array for time statistics and, per unit
 * level, the units of every township and of every administrative village
 * (counting-sort lists, units in ascending order so that every sum is
 * taken in the same order as a scan of all units would take it). */
typedef struct roll_ws {
    double *scratch;
    size_t *start[3][2]; /* [level][0 township, 1 village]: n_groups + 1 offsets */
    size_t *unit[3][2];  /* the member units */
} roll_ws;

/* The group of unit u of level lv in grouping g (0 township, 1 village);
 * SIZE_MAX when it has none. */
static size_t group_of(const cov *c, cov_level lv, size_t u, int g) {
    if (g == 0)
        return hl__cov_unit_township(c, lv, u);
    if (lv == COV_ORIGIN)
        return c->acc->origins.village[u];
    return lv == COV_VILLAGE ? u : SIZE_MAX;
}

static void roll_ws_free(roll_ws *w) {
    hl_free(w->scratch);
    for (int lv = 0; lv < 3; lv++)
        for (int g = 0; g < 2; g++) {
            hl_free(w->start[lv][g]);
            hl_free(w->unit[lv][g]);
        }
}

static hl_status roll_ws_init(cov *c, roll_ws *w) {
    size_t n = c->n_unit[COV_ORIGIN] + c->n_unit[COV_VILLAGE] + c->n_unit[COV_TOWNSHIP] + 1;
    size_t *key = NULL;
    hl_status rc = HL_OK;
    memset(w, 0, sizeof *w);
    w->scratch = hl_malloc(c->ctx, n * sizeof *w->scratch);
    key = hl_malloc(c->ctx, n * sizeof *key);
    if (!w->scratch || !key) {
        hl_free(key);
        return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
    }
    for (int lv = 0; lv < 3 && !rc; lv++)
        for (int g = 0; g < 2 && !rc; g++) {
            size_t ng = c->n_unit[g == 0 ? COV_TOWNSHIP : COV_VILLAGE], nu = c->n_unit[lv];
            for (size_t u = 0; u < nu; u++)
                key[u] = group_of(c, (cov_level)lv, u, g);
            rc = hl__group_index(c->ctx, nu, key, ng, &w->start[lv][g], &w->unit[lv][g]);
        }
    hl_free(key);
    return rc;
}

/* The units of level lv in an area: *all true for the county (every unit),
 * else the list [*first, *first + *n). */
static void area_units(const cov *c, const roll_ws *w, cov_level lv, int area, size_t idx, bool *all,
                       const size_t **first, size_t *n) {
    int g = area == AREA_TOWNSHIP ? 0 : 1;
    size_t ng = c->n_unit[g == 0 ? COV_TOWNSHIP : COV_VILLAGE];
    *all = area == AREA_COUNTY;
    *first = NULL;
    *n = *all ? c->n_unit[lv] : 0;
    if (*all || idx >= ng)
        return;
    *first = w->unit[lv][g] + w->start[lv][g][idx];
    *n = w->start[lv][g][idx + 1] - w->start[lv][g][idx];
}

static double unit_weight(const cov *c, const cov_ind *ind, size_t u) {
    double w = ind->weight ? ind->weight[u] : hl__cov_unit_pop(c, ind->level, u);
    return isfinite(w) && w > 0 ? w : 0;
}

static void roll(cov *c, const cov_ind *ind, int area, size_t idx, roll_ws *w, rollup *r) {
    size_t nt = 0, n;
    const size_t *list;
    bool all;
    double share, *scratch = w->scratch;
    for (double *p = &r->eu; p <= &r->tmax; p++)
        *p = NAN;
    if (!ind->computed)
        return;
    r->eu = r->mu = r->ep = r->mp = 0;
    area_units(c, w, ind->level, area, idx, &all, &list, &n);
    for (size_t i = 0; i < n; i++) {
        size_t u = all ? i : list[i];
        double wt;
        if (ind->meets[u] == COV_NULL)
            continue;
        wt = unit_weight(c, ind, u);
        r->eu += 1;
        r->ep += wt;
        if (ind->meets[u] == 1) {
            r->mu += 1;
            r->mp += wt;
        }
        if (ind->is_time && isfinite(ind->value[u]))
            scratch[nt++] = ind->value[u];
    }
    r->su = r->eu > 0 ? r->mu / r->eu : NAN;
    r->sp = r->ep > 0 ? r->mp / r->ep : NAN;
    r->target = target_of(c, ind);
    share = ind->pop_share ? r->sp : r->su;
    if (isfinite(r->target) && isfinite(share))
        r->met = share >= r->target - 1e-12;
    if (isfinite(r->target)) {
        r->gu = fmax(0, ceil(r->target * r->eu - 1e-9) - r->mu);
        r->gp = fmax(0, r->target * r->ep - r->mp);
    } else {
        r->gu = r->eu - r->mu;
        r->gp = r->ep - r->mp;
    }
    if (nt) {
        qsort(scratch, nt, sizeof *scratch, cmp_double);
        r->tmin = scratch[0];
        r->tmax = scratch[nt - 1];
        r->tmed = hl__cov_median(scratch, nt);
        r->tp90 = hl__cov_p90(scratch, nt);
    }
}

/* ------------------------------------------------------------------ */
/* village_indicators                                                  */

static const hl_kind_access *kc_access(cov *c, size_t j) {
    return KCODES[j].kind ? hl__access_kind(c->acc, KCODES[j].kind) : NULL;
}

static hl_status add_cols(cov *c, hl_table *t, const char *const *names, hl_col_type type, size_t n) {
    hl_status rc = HL_OK;
    for (size_t i = 0; i < n && !rc; i++)
        rc = hl_table_add_column(c->ctx, t, names[i], type, NULL);
    return rc;
}

static hl_status vi_columns(cov *c, hl_table *t) {
    static const char *text[] = {"id", "name", "village_code", "village_name", "township_code", "township_name"};
    char name[64];
    hl_status rc;
    if ((rc = add_cols(c, t, text, HL_COL_TEXT, 6)) ||
        (rc = hl_table_add_column(c->ctx, t, "population", HL_COL_REAL, NULL)) ||
        (rc = hl_table_add_column(c->ctx, t, "households", HL_COL_REAL, NULL)) ||
        (rc = hl_table_add_column(c->ctx, t, "eligible", HL_COL_INT, NULL)) ||
        (rc = hl_table_add_column(c->ctx, t, "origin_snap_m", HL_COL_REAL, NULL)) ||
        (rc = hl_table_add_column(c->ctx, t, "reachable", HL_COL_INT, NULL)))
        return rc;
    for (int pass = 0; pass < 3 && !rc; pass++)
        for (size_t j = 0; j < NKC && !rc; j++) {
            snprintf(name, sizeof name, pass == 0 ? "t_%s_min" : pass == 1 ? "d_%s_m" : "f_%s_id", KCODES[j].code);
            rc = hl_table_add_column(c->ctx, t, name, pass == 2 ? HL_COL_TEXT : HL_COL_REAL, NULL);
        }
    if (!rc)
        rc = hl_table_add_column(c->ctx, t, "d_hardened_road_m", HL_COL_REAL, NULL);
    if (!rc)
        rc = hl_table_add_column(c->ctx, t, "walk_clinic_m", HL_COL_REAL, NULL);
    if (!rc)
        rc = hl_table_add_column(c->ctx, t, "walk_school_m", HL_COL_REAL, NULL);
    if (!rc)
        rc = hl_table_add_column(c->ctx, t, "walk_bus_m", HL_COL_REAL, NULL);
    if (!rc)
        rc = hl_table_add_column(c->ctx, t, "hlt_2sfca_per1000", HL_COL_REAL, NULL);
    for (size_t k = 0; k < c->n_ind && !rc; k++) {
        col_name(name, sizeof name, c->ind[k].id, "value");
        if (!(rc = hl_table_add_column(c->ctx, t, name, HL_COL_REAL, NULL))) {
            col_name(name, sizeof name, c->ind[k].id, "meets");
            rc = hl_table_add_column(c->ctx, t, name, HL_COL_INT, NULL);
        }
    }
    return rc;
}

/* Cells of origin i from column `col` on (the column order of vi_columns). */
static hl_status vi_row(cov *c, hl_table *t, size_t row, size_t i) {
    const hl_origins *o = &c->acc->origins;
    const hl_layer *V = c->s->villages, *T = c->s->townships;
    size_t v = o->village[i], tw = o->township[i], col = 0;
    char b1[128], b2[128];
    hl_status rc;
    const char *text[6] = {o->id[i],
                           o->name[i],
                           v != SIZE_MAX ? hl_layer_id(V, v, b1, sizeof b1) : NULL,
                           v != SIZE_MAX ? hl_layer_value(V, v, "name") : NULL,
                           tw != SIZE_MAX ? hl_layer_id(T, tw, b2, sizeof b2) : NULL,
                           tw != SIZE_MAX ? hl_layer_value(T, tw, "name") : NULL};
    for (; col < 6; col++)
        if ((rc = hl_table_set_text(c->ctx, t, row, col, text[col])))
            return rc;
    hl_table_set_real(t, row, col++, o->population[i]);
    hl_table_set_real(t, row, col++, o->households[i]);
    hl_table_set_int(t, row, col++, hl__cov_eligible(c, NULL, COV_ORIGIN, i));
    hl_table_set_real(t, row, col++, o->snap_m[i]);
    hl_table_set_int(t, row, col++, o->placed[i]);
    for (size_t j = 0; j < NKC; j++) {
        const hl_kind_access *ka = kc_access(c, j);
        double ts = j == 0 ? c->acc->t_own_seat_s[i] : ka ? ka->time_s[i] : NAN;
        double dm = j == 0 ? c->acc->d_own_seat_m[i] : ka ? ka->dist_m[i] : NAN;
        size_t f = j == 0 ? (tw < c->n_unit[COV_TOWNSHIP] && isfinite(ts) ? c->town_seat[tw] : SIZE_MAX)
                   : ka   ? ka->facility[i]
                          : SIZE_MAX;
        const hl_kind_access *fk = j == 0 ? hl__access_kind(c->acc, "township_seat") : ka;
        hl_table_set_real(t, row, col, ts / 60.0);
        hl_table_set_real(t, row, col + NKC, dm);
        if (f != SIZE_MAX && fk &&
            (rc = hl_table_set_text(c->ctx, t, row, col + 2 * NKC, hl_layer_id(fk->fac, f, b1, sizeof b1))))
            return rc;
        col++;
    }
    col += 2 * NKC;
    hl_table_set_real(t, row, col++, c->acc->d_hardened_road_m[i]);
    {
        static const char *wk[3] = {"clinic", "primary_school", "bus_stop"};
        for (int w = 0; w < 3; w++) {
            size_t k = hl__cov_kind(c, wk[w]);
            hl_table_set_real(t, row, col++, k != SIZE_MAX ? c->walk_m[k][i] : NAN);
        }
    }
    hl_table_set_real(t, row, col++, c->pc_2sfca ? c->pc_2sfca[i] : NAN);
    for (size_t k = 0; k < c->n_ind; k++) {
        const cov_ind *ind = &c->ind[k];
        size_t u = ind->level == COV_ORIGIN ? i : ind->level == COV_VILLAGE ? v : tw;
        if (u < c->n_unit[ind->level]) {
            hl_table_set_real(t, row, col, ind->value[u]);
            if (ind->meets[u] != COV_NULL)
                hl_table_set_int(t, row, col + 1, ind->meets[u]);
        }
        col += 2;
    }
    return HL_OK;
}

static hl_status village_indicators(cov *c) {
    hl_table *t = NULL;
    const hl_origins *o = &c->acc->origins;
    GEOSContextHandle_t h = hl__geos(c->ctx);
    hl_status rc;
    if ((rc = hl_table_create(c->ctx, "village_indicators", hl_layer_geom_kind(o->layer), &t)))
        return rc;
    rc = vi_columns(c, t);
    for (size_t i = 0; i < o->n && !rc; i++) {
        const GEOSGeometry *g = hl__layer_geom(o->layer, i);
        size_t wsz = 0, row;
        unsigned char *wkb = g ? hl__geom_wkb(c->ctx, g, &wsz) : NULL;
        rc = hl_table_add_row(c->ctx, t, wkb, wsz, &row);
        if (wkb)
            GEOSFree_r(h, wkb);
        if (!rc)
            rc = vi_row(c, t, row, i);
    }
    if (rc) {
        hl_table_destroy(t);
        return rc;
    }
    return hl__analysis_add_table(c->a, t);
}

/* ------------------------------------------------------------------ */
/* summaries                                                           */

static hl_status summary_columns(cov *c, hl_table *t) {
    static const char *sfx[] = {"share_units", "share_pop", "target", "met", "gap_pop"};
    char name[64];
    hl_status rc;
    if ((rc = hl_table_add_column(c->ctx, t, "code", HL_COL_TEXT, NULL)) ||
        (rc = hl_table_add_column(c->ctx, t, "name", HL_COL_TEXT, NULL)) ||
        (rc = hl_table_add_column(c->ctx, t, "n_units", HL_COL_INT, NULL)) ||
        (rc = hl_table_add_column(c->ctx, t, "population", HL_COL_REAL, NULL)))
        return rc;
    for (size_t k = 0; k < c->n_ind && !rc; k++)
        for (int s = 0; s < 5 && !rc; s++) {
            col_name(name, sizeof name, c->ind[k].id, sfx[s]);
            rc = hl_table_add_column(c->ctx, t, name, s == 3 ? HL_COL_INT : HL_COL_REAL, NULL);
        }
    for (size_t j = 0; j < c->n_ov && !rc; j++)
        rc = hl_table_add_column(c->ctx, t, c->ov_names[j], HL_COL_REAL, NULL);
    return rc;
}

static hl_status summary_row(cov *c, hl_table *t, const GEOSGeometry *g, const char *code, const char *name, int area,
                             size_t idx, const double *ov, roll_ws *w) {
    size_t row, wsz = 0, col = 4, n_units = 0;
    unsigned char *wkb = g ? hl__geom_wkb(c->ctx, g, &wsz) : NULL;
    double pop = 0;
    hl_status rc = hl_table_add_row(c->ctx, t, wkb, wsz, &row);
    if (wkb)
        GEOSFree_r(hl__geos(c->ctx), wkb);
    if (!rc)
        rc = hl_table_set_text(c->ctx, t, row, 0, code);
    if (!rc)
        rc = hl_table_set_text(c->ctx, t, row, 1, name);
    if (rc)
        return rc;
    {
        const size_t *list;
        size_t n;
        bool all;
        area_units(c, w, COV_ORIGIN, area, idx, &all, &list, &n);
        for (size_t i = 0; i < n; i++) {
            n_units++;
            pop += hl__cov_unit_pop(c, COV_ORIGIN, all ? i : list[i]);
        }
    }
    hl_table_set_int(t, row, 2, (int64_t)n_units);
    hl_table_set_real(t, row, 3, pop);
    for (size_t k = 0; k < c->n_ind; k++) {
        rollup r;
        roll(c, &c->ind[k], area, idx, w, &r);
        hl_table_set_real(t, row, col++, r.su);
        hl_table_set_real(t, row, col++, r.sp);
        hl_table_set_real(t, row, col++, r.target);
        if (isfinite(r.met))
            hl_table_set_int(t, row, col, (int64_t)r.met);
        col++;
        hl_table_set_real(t, row, col++, r.gp);
    }
    for (size_t j = 0; j < c->n_ov; j++)
        hl_table_set_real(t, row, col++, ov[j]);
    return HL_OK;
}

static hl_status summaries(cov *c, roll_ws *w) {
    hl_table *tt = NULL, *ct = NULL;
    const hl_layer *T = c->s->townships, *C = c->s->county;
    char buf[128];
    hl_status rc;
    if ((rc = hl_table_create(c->ctx, "township_summary", HL_GEOM_POLYGON, &tt)) || (rc = summary_columns(c, tt)))
        goto done;
    for (size_t t = 0; t < c->n_unit[COV_TOWNSHIP] && !rc; t++)
        rc = summary_row(c, tt, hl__layer_geom(T, t), hl_layer_id(T, t, buf, sizeof buf), hl_layer_value(T, t, "name"),
                         AREA_TOWNSHIP, t, &c->ov_town[t * c->n_ov], w);
    if (rc || (rc = hl_table_create(c->ctx, "county_summary", HL_GEOM_POLYGON, &ct)) || (rc = summary_columns(c, ct)))
        goto done;
    rc = summary_row(c, ct, C ? hl__layer_geom(C, 0) : NULL, C ? hl_layer_id(C, 0, buf, sizeof buf) : "county",
                     C ? hl_layer_value(C, 0, "name") : NULL, AREA_COUNTY, 0, c->ov_county, w);
    if (rc)
        goto done;
    rc = hl__analysis_add_table(c->a, tt);
    tt = NULL;
    if (!rc)
        rc = hl__analysis_add_table(c->a, ct);
    ct = NULL;
done:
    hl_table_destroy(tt);
    hl_table_destroy(ct);
    return rc;
}

static hl_status is_row(cov *c, hl_table *t, const char *level, const char *code, const char *name, const cov_ind *ind,
                        int area, size_t idx, roll_ws *w) {
    rollup r;
    size_t row, col = 4;
    hl_status rc = hl_table_add_row(c->ctx, t, NULL, 0, &row);
    if (!rc)
        rc = hl_table_set_text(c->ctx, t, row, 0, level);
    if (!rc)
        rc = hl_table_set_text(c->ctx, t, row, 1, code);
    if (!rc)
        rc = hl_table_set_text(c->ctx, t, row, 2, name);
    if (!rc)
        rc = hl_table_set_text(c->ctx, t, row, 3, ind->id);
    if (rc)
        return rc;
    roll(c, ind, area, idx, w, &r);
    if (isfinite(r.eu)) {
        hl_table_set_int(t, row, col, (int64_t)r.eu);
        hl_table_set_int(t, row, col + 1, (int64_t)r.mu);
    }
    col += 2;
    hl_table_set_real(t, row, col++, r.ep);
    hl_table_set_real(t, row, col++, r.mp);
    hl_table_set_real(t, row, col++, r.su);
    hl_table_set_real(t, row, col++, r.sp);
    hl_table_set_real(t, row, col++, r.target);
    if (isfinite(r.met))
        hl_table_set_int(t, row, col, (int64_t)r.met);
    col++;
    if (isfinite(r.gu))
        hl_table_set_int(t, row, col, (int64_t)r.gu);
    col++;
    hl_table_set_real(t, row, col++, r.gp);
    hl_table_set_real(t, row, col++, r.tmin);
    hl_table_set_real(t, row, col++, r.tmed);
    hl_table_set_real(t, row, col++, r.tp90);
    hl_table_set_real(t, row, col++, r.tmax);
    return HL_OK;
}

static hl_status indicator_summary(cov *c, roll_ws *w) {
    static const char *text[] = {"level", "code", "name", "indicator"};
    static const char *ints[] = {"eligible_units", "meeting_units"};
    static const char *reals1[] = {"eligible_pop", "meeting_pop", "share_units", "share_pop", "target"};
    static const char *reals2[] = {"gap_pop", "t_min", "t_median", "t_p90", "t_max"};
    const hl_layer *T = c->s->townships, *V = c->s->villages, *C = c->s->county;
    hl_table *t = NULL;
    char buf[128];
    hl_status rc;
    if ((rc = hl_table_create(c->ctx, "indicator_summary", HL_GEOM_NONE, &t)) ||
        (rc = add_cols(c, t, text, HL_COL_TEXT, 4)) || (rc = add_cols(c, t, ints, HL_COL_INT, 2)) ||
        (rc = add_cols(c, t, reals1, HL_COL_REAL, 5)) ||
        (rc = hl_table_add_column(c->ctx, t, "met", HL_COL_INT, NULL)) ||
        (rc = hl_table_add_column(c->ctx, t, "gap_units", HL_COL_INT, NULL)) ||
        (rc = add_cols(c, t, reals2, HL_COL_REAL, 5)))
        goto done;
    for (size_t k = 0; k < c->n_ind && !rc; k++)
        rc = is_row(c, t, "county", C ? hl_layer_id(C, 0, buf, sizeof buf) : "county",
                    C ? hl_layer_value(C, 0, "name") : NULL, &c->ind[k], AREA_COUNTY, 0, w);
    for (size_t tw = 0; tw < c->n_unit[COV_TOWNSHIP] && !rc; tw++)
        for (size_t k = 0; k < c->n_ind && !rc; k++)
            rc = is_row(c, t, "township", hl_layer_id(T, tw, buf, sizeof buf), hl_layer_value(T, tw, "name"),
                        &c->ind[k], AREA_TOWNSHIP, tw, w);
    for (size_t v = 0; v < c->n_unit[COV_VILLAGE] && !rc; v++)
        for (size_t k = 0; k < c->n_ind && !rc; k++)
            if (c->ind[k].level != COV_TOWNSHIP)
                rc = is_row(c, t, "village", hl_layer_id(V, v, buf, sizeof buf), hl_layer_value(V, v, "name"),
                            &c->ind[k], AREA_VILLAGE, v, w);
    if (!rc) {
        rc = hl__analysis_add_table(c->a, t);
        t = NULL;
    }
done:
    hl_table_destroy(t);
    return rc;
}

/* ------------------------------------------------------------------ */
/* gaps                                                                */

typedef struct gap {
    size_t ind, unit;
    double pop;
    char id[96];
} gap;

static int cmp_gap(const void *a, const void *b) {
    const gap *x = a, *y = b;
    int s;
    if (x->pop != y->pop)
        return x->pop > y->pop ? -1 : 1;
    if ((s = strcmp(x->id, y->id)))
        return s;
    if (x->ind != y->ind)
        return x->ind < y->ind ? -1 : 1;
    return x->unit < y->unit ? -1 : x->unit > y->unit; /* duplicate ids: input order */
}

static void fmt_value(const char *unit, double v, char *out, size_t size) {
    if (!strcmp(unit, "m")) {
        if (v >= 1000)
            snprintf(out, size, "%.1f km", v / 1000.0);
        else
            snprintf(out, size, "%.0f m", v);
    } else if (!strcmp(unit, "min")) {
        snprintf(out, size, "%.0f min", v);
    } else if (!strcmp(unit, "share")) {
        snprintf(out, size, "%.0f%%", 100.0 * v);
    } else {
        snprintf(out, size, "%.0f", v);
    }
}

static hl_status gap_row(cov *c, hl_table *t, const gap *g, size_t rank) {
    const cov_ind *ind = &c->ind[g->ind];
    cov_level lv = ind->level;
    size_t u = g->unit, row, wsz = 0, v = SIZE_MAX, tw = hl__cov_unit_township(c, lv, u);
    double x = NAN, y = NAN, val = ind->value[u];
    bool has = false;
    unsigned char *wkb;
    char nb[128], vb[128], a[64], b[64], reason[512], reason_zh[512];
    hl_status rc;
    if (lv == COV_ORIGIN) {
        has = c->acc->origins.has_xy[u];
        x = c->acc->origins.xy[2 * u], y = c->acc->origins.xy[2 * u + 1];
        v = c->acc->origins.natural ? c->acc->origins.village[u] : u;
    } else if (lv == COV_VILLAGE) {
        has = c->vill_has_xy[u], x = c->vill_xy[2 * u], y = c->vill_xy[2 * u + 1], v = u;
    } else {
        has = c->town_has_xy[u], x = c->town_xy[2 * u], y = c->town_xy[2 * u + 1];
    }
    if (isfinite(val)) {
        fmt_value(ind->unit, val, a, sizeof a);
        fmt_value(ind->unit, ind->threshold, b, sizeof b);
        snprintf(reason, sizeof reason, ind->reason, a, b);
        snprintf(reason_zh, sizeof reason_zh, ind->reason_zh, a, b);
    } else {
        bool placed = lv == COV_ORIGIN && c->acc->origins.placed[u];
        snprintf(reason, sizeof reason, "not reachable on the road network (placed: %s)",
                 placed ? "yes, but no path" : "no");
        snprintf(reason_zh, sizeof reason_zh, "%s", placed ? "路网上无可达路径" : "距道路过远，无法接入路网");
    }
    wkb = has ? hl__point_wkb(c->ctx, x, y, &wsz) : NULL;
    rc = hl_table_add_row(c->ctx, t, wkb, wsz, &row);
    if (wkb)
        GEOSFree_r(hl__geos(c->ctx), wkb);
    if (rc)
        return rc;
    hl_table_set_int(t, row, 0, (int64_t)rank);
    if ((rc = hl_table_set_text(c->ctx, t, row, 1, g->id)) ||
        (rc = hl_table_set_text(c->ctx, t, row, 2, hl__cov_unit_name(c, lv, u, nb, sizeof nb))) ||
        (rc = hl_table_set_text(c->ctx, t, row, 3,
                                v < c->n_unit[COV_VILLAGE] ? hl_layer_id(c->s->villages, v, vb, sizeof vb) : NULL)) ||
        (rc = hl_table_set_text(c->ctx, t, row, 4,
                                tw < c->n_unit[COV_TOWNSHIP] ? hl_layer_value(c->s->townships, tw, "name") : NULL)) ||
        (rc = hl_table_set_text(c->ctx, t, row, 5, ind->id)) || (rc = hl_table_set_text(c->ctx, t, row, 7, reason_zh)) ||
        (rc = hl_table_set_text(c->ctx, t, row, 10, reason)) ||
        (rc = hl_table_set_text(c->ctx, t, row, 9, ind->unit)))
        return rc;
    hl_table_set_real(t, row, 6, g->pop);
    if (isfinite(val) && isfinite(ind->threshold))
        hl_table_set_real(t, row, 8, ind->higher_better ? ind->threshold - val : val - ind->threshold);
    return HL_OK;
}

static hl_status gaps(cov *c) {
    static const char *cols[] = {"rank",      "id",         "name",   "village_code", "township_name",
                                 "indicator", "population", "reason", "shortfall",    "unit", "reason_en"};
    static const hl_col_type types[] = {HL_COL_INT,  HL_COL_TEXT, HL_COL_TEXT, HL_COL_TEXT, HL_COL_TEXT,
                                        HL_COL_TEXT, HL_COL_REAL, HL_COL_TEXT, HL_COL_REAL, HL_COL_TEXT,
                                        HL_COL_TEXT};
    gap *g = NULL;
    size_t n = 0, cap = 0;
    hl_table *t = NULL;
    hl_status rc = hl_table_create(c->ctx, "gaps", HL_GEOM_POINT, &t);
    for (size_t j = 0; j < sizeof cols / sizeof cols[0] && !rc; j++)
        rc = hl_table_add_column(c->ctx, t, cols[j], types[j], NULL);
    for (size_t k = 0; k < c->n_ind && !rc; k++)
        for (size_t u = 0; u < c->n_unit[c->ind[k].level] && !rc; u++) {
            if (c->ind[k].meets[u] != 0)
                continue;
            if ((rc = hl_grow(c->ctx, (void **)&g, &cap, n + 1, sizeof *g)))
                break;
            g[n].ind = k;
            g[n].unit = u;
            g[n].pop = hl__cov_unit_pop(c, c->ind[k].level, u);
            {
                char ib[96];
                snprintf(g[n].id, sizeof g[n].id, "%s", hl__cov_unit_id(c, c->ind[k].level, u, ib, sizeof ib));
            }
            n++;
        }
    if (!rc && n)
        qsort(g, n, sizeof *g, cmp_gap);
    for (size_t i = 0; i < n && !rc; i++)
        rc = gap_row(c, t, &g[i], i + 1);
    hl_free(g);
    if (rc) {
        hl_table_destroy(t);
        return rc;
    }
    return hl__analysis_add_table(c->a, t);
}

/* industry_access: per industry base, population within the near and far
 * commuting times (cumulative opportunities over the transposed matrix). */
static hl_status industry_access(cov *c) {
    size_t n = c->acc->origins.n, nb = c->n_bases;
    double *pop = NULL, *work = NULL, *out = NULL;
    const cov_pairs *bp = &c->base_reach;
    const hl_layer *B = c->s->industry_bases;
    bool has_work = hl_layer_has(c->acc->origins.layer, "working_age_population");
    hl_table *t = NULL;
    char buf[128];
    hl_status rc;
    static const char *reals[] = {"jobs", "pop_near", "pop_far", "workers_near", "workers_far"};
    if (!nb)
        return HL_OK;
    pop = hl_malloc(c->ctx, (n ? n : 1) * sizeof *pop);
    work = hl_malloc(c->ctx, (n ? n : 1) * sizeof *work);
    out = hl_malloc(c->ctx, 4 * nb * sizeof *out);
    if (!pop || !work || !out) {
        rc = hl_error(c->ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        pop[i] = hl__cov_unit_pop(c, COV_ORIGIN, i);
        work[i] = has_work ? fmax(0, hl_layer_number(c->acc->origins.layer, i, "working_age_population", 0)) : NAN;
        if (!isfinite(work[i]))
            work[i] = 0;
    }
    /* people (and workers) within the near and far times of each base,
       summed in origin order */
    for (int q = 0; q < 4; q++) {
        double lim = 60.0 * hl__std_num(c->s, q % 2 ? "IND-01.far_time_min" : "IND-01.near_time_min", q % 2 ? 45 : 30);
        const double *w = q < 2 ? pop : work;
        for (size_t b = 0; b < nb; b++) {
            double a = 0.0;
            for (size_t k = bp->start[b]; k < bp->start[b + 1]; k++)
                if (bp->time_s[k] <= lim)
                    a += w[bp->orig[k]];
            out[q * nb + b] = a;
        }
    }
    if ((rc = hl_table_create(c->ctx, "industry_access", HL_GEOM_POINT, &t)) ||
        (rc = hl_table_add_column(c->ctx, t, "base_id", HL_COL_TEXT, NULL)) ||
        (rc = hl_table_add_column(c->ctx, t, "name", HL_COL_TEXT, NULL)) ||
        (rc = add_cols(c, t, reals, HL_COL_REAL, 5)))
        goto done;
    for (size_t b = 0; b < nb && !rc; b++) {
        double x, y;
        size_t row, wsz = 0;
        unsigned char *wkb = hl_layer_point(B, b, &x, &y) ? hl__point_wkb(c->ctx, x, y, &wsz) : NULL;
        rc = hl_table_add_row(c->ctx, t, wkb, wsz, &row);
        if (wkb)
            GEOSFree_r(hl__geos(c->ctx), wkb);
        if (!rc)
            rc = hl_table_set_text(c->ctx, t, row, 0, hl_layer_id(B, b, buf, sizeof buf));
        if (!rc)
            rc = hl_table_set_text(c->ctx, t, row, 1, hl_layer_value(B, b, "name"));
        hl_table_set_real(t, row, 2, hl_layer_number(B, b, "jobs", NAN));
        hl_table_set_real(t, row, 3, out[b]);
        hl_table_set_real(t, row, 4, out[nb + b]);
        hl_table_set_real(t, row, 5, has_work ? out[2 * nb + b] : NAN);
        hl_table_set_real(t, row, 6, has_work ? out[3 * nb + b] : NAN);
    }
    if (!rc) {
        rc = hl__analysis_add_table(c->a, t);
        t = NULL;
    }
done:
    hl_table_destroy(t);
    hl_free(pop);
    hl_free(work);
    hl_free(out);
    return rc;
}

hl_status hl__cov_tables(cov *c) {
    roll_ws w;
    hl_status rc = roll_ws_init(c, &w);
    if (!rc && !(rc = village_indicators(c)) && !(rc = summaries(c, &w)) && !(rc = indicator_summary(c, &w)) &&
        !(rc = gaps(c)))
        rc = industry_access(c);
    roll_ws_free(&w);
    return rc;
}
