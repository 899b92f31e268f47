/* Accessibility measures per facility kind, from the travel-time matrix of
 * origins x facilities (one bounded backward search per facility):
 *   - cumulative opportunities: facilities within 30 min;
 *   - gravity (Hansen) with exponential decay, half weight at 15 min, none
 *     beyond 60 min;
 *   - 2SFCA with a 30-min catchment and E2SFCA with bands 10/20/30 min
 *     weighted 1.00/0.68/0.22 (Luo & Qi 2009), supply = capacity, else beds,
 *     else doctors, else 1 per facility; demand = origin population;
 * and catchments: each origin allocated to its nearest facility, with the
 * origins and people each facility serves.  Tables `accessibility` and
 * `catchments`.  The formulas are in hl/access_measures.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/analysis_int.h"
#include "core/core_int.h"
#include "geom/geom_int.h"
#include "hl/access_measures.h"

#define MEASURE_MAX_CELLS 50000000.0 /* origins x facilities per kind */

typedef struct measure_cols {
    size_t o, k, cum, grav, s2, e2;
} measure_cols;

static double supply_of(const hl_layer *F, size_t j) {
    static const char *fields[] = {"capacity", "beds", "doctors"};
    for (size_t k = 0; k < 3; k++) {
        double v = hl_layer_number(F, j, fields[k], NAN);
        if (hl_layer_has(F, fields[k])) return isfinite(v) && v > 0 ? v : 0;
    }
    return 1.0;
}

static hl_status kind_matrix(hl_analysis *a, const hl_graph *g, const hl_routable *rt, size_t k, double *T,
                             hl_route_ws *ws, double *time) {
    hl_access *acc = a->access;
    const hl_kind_access *ka = &acc->kinds[k];
    size_t n = acc->origins.n, nf = ka->n_fac;
    hl_route_opts ro;
    hl_status rc = HL_OK;
    hl_route_opts_init(&ro);
    ro.dir = HL_ROUTE_BACKWARD;
    ro.cutoff_s = 3600.0;
    for (size_t i = 0; i < n * nf; i++) T[i] = INFINITY;
    for (size_t j = 0; j < nf && !rc; j++) {
        uint32_t node;
        if (!hl_routable_point(rt, 1 + k, j, &node, NULL)) continue;
        if ((rc = hl_route_search(a->ctx, g, ws, 1, &node, NULL, NULL, &ro, time, NULL, NULL, NULL))) break;
        for (size_t i = 0; i < n; i++) {
            uint32_t on;
            if (hl_routable_point(rt, 0, i, &on, NULL)) T[i * nf + j] = time[on];
        }
    }
    return rc;
}

hl_status hl__access_measures(hl_analysis *a, const hl_graph *g, const hl_routable *rt) {
    hl_ctx *ctx = a->ctx;
    hl_access *acc = a->access;
    size_t n = acc->origins.n;
    hl_table *ta = NULL, *tc = NULL;
    measure_cols mc;
    size_t c_f, c_k, c_n, c_p, c_r;
    hl_route_ws *ws = NULL;
    double *time = NULL, *pop = NULL;
    hl_status rc;
    static const double band_s[3] = {600, 1200, 1800}, band_w[3] = {1.0, 0.68, 0.22};
    char buf[128];
    if ((rc = hl_table_create(ctx, "accessibility", HL_GEOM_NONE, &ta)) ||
        (rc = hl_table_create(ctx, "catchments", HL_GEOM_POINT, &tc)))
        goto done;
    if ((rc = hl_table_add_column(ctx, ta, "origin_id", HL_COL_TEXT, &mc.o)) ||
        (rc = hl_table_add_column(ctx, ta, "kind", HL_COL_TEXT, &mc.k)) ||
        (rc = hl_table_add_column(ctx, ta, "n_within_30min", HL_COL_REAL, &mc.cum)) ||
        (rc = hl_table_add_column(ctx, ta, "gravity", HL_COL_REAL, &mc.grav)) ||
        (rc = hl_table_add_column(ctx, ta, "sfca2_per1000", HL_COL_REAL, &mc.s2)) ||
        (rc = hl_table_add_column(ctx, ta, "e2sfca_per1000", HL_COL_REAL, &mc.e2)) ||
        (rc = hl_table_add_column(ctx, tc, "facility_id", HL_COL_TEXT, &c_f)) ||
        (rc = hl_table_add_column(ctx, tc, "kind", HL_COL_TEXT, &c_k)) ||
        (rc = hl_table_add_column(ctx, tc, "n_origins", HL_COL_INT, &c_n)) ||
        (rc = hl_table_add_column(ctx, tc, "population", HL_COL_REAL, &c_p)) ||
        (rc = hl_table_add_column(ctx, tc, "supply_per1000", HL_COL_REAL, &c_r)))
        goto done;
    if ((rc = hl_route_ws_create(ctx, g, &ws))) goto done;
    time = hl_malloc(ctx, hl_graph_node_count(g) * sizeof *time);
    pop = hl_malloc(ctx, (n ? n : 1) * sizeof *pop);
    if (!time || !pop) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) pop[i] = isfinite(acc->origins.population[i]) ? acc->origins.population[i] : 0;
    for (size_t k = 0; k < acc->n_kinds && !rc; k++) {
        const hl_kind_access *ka = &acc->kinds[k];
        size_t nf = ka->n_fac;
        double *T = NULL, *S = NULL, *cum = NULL, *grav = NULL, *s2 = NULL, *e2 = NULL, *R = NULL;
        hl_access_decay dec;
        if (!nf || !n) continue;
        if ((double)n * (double)nf > MEASURE_MAX_CELLS) {
            rc = hl_qa_add(ctx, a->qa, HL_QA_INFO, "measures_skipped", "accessibility", NULL, ka->kind, false, 0, 0,
                           NAN, "accessibility measures for %s skipped: %zu origins x %zu facilities is too large",
                           ka->kind, n, nf);
            continue;
        }
        T = hl_malloc(ctx, n * nf * sizeof *T);
        S = hl_malloc(ctx, nf * sizeof *S);
        R = hl_malloc(ctx, nf * sizeof *R);
        cum = hl_malloc(ctx, n * sizeof *cum);
        grav = hl_malloc(ctx, n * sizeof *grav);
        s2 = hl_malloc(ctx, n * sizeof *s2);
        e2 = hl_malloc(ctx, n * sizeof *e2);
        if (!T || !S || !R || !cum || !grav || !s2 || !e2) rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        if (!rc) rc = kind_matrix(a, g, rt, k, T, ws, time);
        for (size_t j = 0; !rc && j < nf; j++) S[j] = supply_of(ka->fac, j);
        hl_access_decay_init(&dec);
        dec.kind = HL_DECAY_EXPONENTIAL;
        dec.beta = log(2.0) / 900.0; /* half weight at 15 min */
        dec.max_time_s = 3600.0;
        if (!rc) rc = hl_access_cumulative(ctx, n, nf, T, NULL, 1800.0, cum);
        if (!rc) rc = hl_access_gravity(ctx, n, nf, T, S, &dec, grav);
        if (!rc) rc = hl_access_2sfca(ctx, n, nf, T, pop, S, 1800.0, s2, NULL);
        if (!rc) rc = hl_access_e2sfca(ctx, n, nf, T, pop, S, 3, band_s, band_w, e2, R);
        for (size_t i = 0; !rc && i < n; i++) {
            size_t row;
            if (!acc->origins.placed[i]) continue;
            if ((rc = hl_table_add_row(ctx, ta, NULL, 0, &row))) break;
            if ((rc = hl_table_set_text(ctx, ta, row, mc.o, acc->origins.id[i])) ||
                (rc = hl_table_set_text(ctx, ta, row, mc.k, ka->kind)))
                break;
            hl_table_set_real(ta, row, mc.cum, cum[i]);
            hl_table_set_real(ta, row, mc.grav, grav[i]);
            hl_table_set_real(ta, row, mc.s2, s2[i] * 1000.0);
            hl_table_set_real(ta, row, mc.e2, e2[i] * 1000.0);
        }
        /* catchments: origins allocated to their nearest facility of the kind */
        for (size_t j = 0; !rc && j < nf; j++) {
            size_t cnt = 0, row, wsz = 0;
            double p = 0, x, y;
            unsigned char *wkb = NULL;
            for (size_t i = 0; i < n; i++)
                if (ka->facility[i] == j) {
                    cnt++;
                    p += pop[i];
                }
            if (hl_layer_point(ka->fac, j, &x, &y)) wkb = hl__point_wkb(ctx, x, y, &wsz);
            rc = hl_table_add_row(ctx, tc, wkb, wsz, &row);
            if (wkb) GEOSFree_r(hl__geos(ctx), wkb);
            if (rc) break;
            if ((rc = hl_table_set_text(ctx, tc, row, c_f, hl_layer_id(ka->fac, j, buf, sizeof buf))) ||
                (rc = hl_table_set_text(ctx, tc, row, c_k, ka->kind)))
                break;
            hl_table_set_int(tc, row, c_n, (int64_t)cnt);
            hl_table_set_real(tc, row, c_p, p);
            hl_table_set_real(tc, row, c_r, R[j] * 1000.0);
        }
        hl_free(T);
        hl_free(S);
        hl_free(R);
        hl_free(cum);
        hl_free(grav);
        hl_free(s2);
        hl_free(e2);
        hl_progress(ctx, "accessibility measures", k + 1, acc->n_kinds);
    }
    if (!rc) {
        rc = hl__analysis_add_table(a, ta);
        ta = NULL;
        if (!rc) rc = hl__analysis_add_table(a, tc);
        tc = NULL;
    }
done:
    hl_table_destroy(ta);
    hl_table_destroy(tc);
    hl_route_ws_destroy(ws);
    hl_free(time);
    hl_free(pop);
    return rc;
}
