/* Accessibility measures over an origin x facility time matrix:
 * cumulative opportunities, gravity (Hansen) access with distance decay,
 * and 2SFCA / E2SFCA supply-to-demand ratios.  Formulas are documented in
 * hl/access_measures.h. */
#include "hl/access_measures.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>

void hl_access_decay_init(hl_access_decay *d) {
    d->kind = HL_DECAY_NONE;
    d->beta = 0.0;
    d->t0_s = 60.0;
    d->max_time_s = INFINITY;
}

hl_status hl_access_decay_check(hl_ctx *ctx, const hl_access_decay *d) {
    if (!d) return hl_error(ctx, HL_E_ARG, "decay parameters are NULL");
    if (isnan(d->max_time_s) || d->max_time_s < 0.0)
        return hl_error(ctx, HL_E_ARG, "decay max_time_s %g must be >= 0", d->max_time_s);
    switch (d->kind) {
    case HL_DECAY_NONE: return HL_OK;
    case HL_DECAY_EXPONENTIAL:
        if (!isfinite(d->beta) || d->beta < 0.0)
            return hl_error(ctx, HL_E_ARG, "exponential decay beta %g (per second) must be >= 0",
                            d->beta);
        return HL_OK;
    case HL_DECAY_POWER:
        if (!isfinite(d->beta) || d->beta < 0.0)
            return hl_error(ctx, HL_E_ARG, "power decay exponent %g must be >= 0", d->beta);
        if (!isfinite(d->t0_s) || d->t0_s <= 0.0)
            return hl_error(ctx, HL_E_ARG, "power decay reference time %g s must be > 0", d->t0_s);
        return HL_OK;
    case HL_DECAY_GAUSSIAN:
        if (!isfinite(d->t0_s) || d->t0_s <= 0.0)
            return hl_error(ctx, HL_E_ARG, "gaussian decay sigma %g s must be > 0", d->t0_s);
        return HL_OK;
    default: return hl_error(ctx, HL_E_ARG, "unknown decay kind %d", (int)d->kind);
    }
}

double hl_access_decay_weight(const hl_access_decay *d, double t_s) {
    if (!(t_s <= d->max_time_s) || isinf(t_s)) return 0.0;
    switch (d->kind) {
    case HL_DECAY_EXPONENTIAL: return exp(-d->beta * t_s);
    case HL_DECAY_POWER: {
        double x = t_s > d->t0_s ? t_s / d->t0_s : 1.0;
        return pow(x, -d->beta);
    }
    case HL_DECAY_GAUSSIAN: {
        double z = t_s / d->t0_s;
        return exp(-0.5 * z * z);
    }
    case HL_DECAY_NONE:
    default: return 1.0;
    }
}

/* Validate the matrix and the per-row / per-column arrays. */
static hl_status check_inputs(hl_ctx *ctx, const char *fn, size_t n_orig, size_t n_fac,
                              const double *time_s, const double *pop, bool need_pop,
                              const double *fac, bool need_fac, bool fac_nonneg,
                              const double *out) {
    size_t i, n;
    if (n_fac > 0 && n_orig > SIZE_MAX / sizeof(double) / n_fac)
        return hl_error(ctx, HL_E_ARG, "%s: matrix too large", fn);
    n = n_orig * n_fac;
    if ((n > 0 && !time_s) || (n_orig > 0 && !out) || (need_pop && n_orig > 0 && !pop) ||
        (need_fac && n_fac > 0 && !fac))
        return hl_error(ctx, HL_E_ARG, "%s: a required array is NULL", fn);
    for (i = 0; i < n; i++)
        if (isnan(time_s[i]) || time_s[i] < 0.0)
            return hl_error(ctx, HL_E_ARG, "%s: time of origin %zu to facility %zu is %g s", fn,
                            i / n_fac, i % n_fac, time_s[i]);
    if (pop)
        for (i = 0; i < n_orig; i++)
            if (!isfinite(pop[i]) || pop[i] < 0.0)
                return hl_error(ctx, HL_E_ARG, "%s: population of origin %zu is %g", fn, i, pop[i]);
    if (fac)
        for (i = 0; i < n_fac; i++)
            if (!isfinite(fac[i]) || (fac_nonneg && fac[i] < 0.0))
                return hl_error(ctx, HL_E_ARG, "%s: weight of facility %zu is %g", fn, i, fac[i]);
    return HL_OK;
}

hl_status hl_access_cumulative(hl_ctx *ctx, size_t n_orig, size_t n_fac, const double *time_s,
                               const double *fac_weight, double threshold_s, double *out) {
    size_t i, j;
    hl_status rc = check_inputs(ctx, "hl_access_cumulative", n_orig, n_fac, time_s, NULL, false,
                                fac_weight, false, false, out);
    if (rc) return rc;
    if (isnan(threshold_s)) return hl_error(ctx, HL_E_ARG, "hl_access_cumulative: threshold is NaN");
    for (i = 0; i < n_orig; i++) {
        const double *row = time_s + i * n_fac;
        double a = 0.0;
        for (j = 0; j < n_fac; j++)
            if (row[j] <= threshold_s) a += fac_weight ? fac_weight[j] : 1.0;
        out[i] = a;
    }
    return HL_OK;
}

hl_status hl_access_gravity(hl_ctx *ctx, size_t n_orig, size_t n_fac, const double *time_s,
                            const double *fac_weight, const hl_access_decay *decay, double *out) {
    size_t i, j;
    hl_status rc = check_inputs(ctx, "hl_access_gravity", n_orig, n_fac, time_s, NULL, false,
                                fac_weight, false, false, out);
    if (rc) return rc;
    rc = hl_access_decay_check(ctx, decay);
    if (rc) return rc;
    for (i = 0; i < n_orig; i++) {
        const double *row = time_s + i * n_fac;
        double a = 0.0;
        for (j = 0; j < n_fac; j++) {
            double f = hl_access_decay_weight(decay, row[j]);
            if (f > 0.0) a += (fac_weight ? fac_weight[j] : 1.0) * f;
        }
        out[i] = a;
    }
    return HL_OK;
}

/* Weight of time t in the bands (0 beyond the last). */
static double band_weight_of(double t, size_t n_bands, const double *upper, const double *w) {
    size_t r;
    for (r = 0; r < n_bands; r++)
        if (t <= upper[r]) return w[r];
    return 0.0;
}

hl_status hl_access_e2sfca(hl_ctx *ctx, size_t n_orig, size_t n_fac, const double *time_s,
                           const double *pop, const double *capacity, size_t n_bands,
                           const double *band_upper_s, const double *band_weight,
                           double *ratio_out, double *fac_ratio_out) {
    hl_status rc;
    double *R = NULL;
    size_t i, j, r;

    rc = check_inputs(ctx, "hl_access_e2sfca", n_orig, n_fac, time_s, pop, true, capacity, true,
                      true, ratio_out);
    if (rc) goto done;
    if (n_bands > 0 && (!band_upper_s || !band_weight)) {
        rc = hl_error(ctx, HL_E_ARG, "hl_access_e2sfca: band arrays are NULL");
        goto done;
    }
    for (r = 0; r < n_bands; r++) {
        if (!isfinite(band_upper_s[r]) || band_upper_s[r] < 0.0 ||
            (r > 0 && !(band_upper_s[r] > band_upper_s[r - 1]))) {
            rc = hl_error(ctx, HL_E_ARG,
                          "hl_access_e2sfca: band %zu upper limit %g s: limits must be finite, "
                          ">= 0 and strictly increasing",
                          r, band_upper_s[r]);
            goto done;
        }
        if (!isfinite(band_weight[r]) || band_weight[r] < 0.0) {
            rc = hl_error(ctx, HL_E_ARG, "hl_access_e2sfca: band %zu weight %g must be >= 0", r,
                          band_weight[r]);
            goto done;
        }
    }
    R = fac_ratio_out;
    if (!R) {
        R = hl_malloc(ctx, n_fac * sizeof *R);
        if (!R) {
            rc = hl_error(ctx, HL_E_NOMEM, "out of memory for %zu facility ratios", n_fac);
            goto done;
        }
    }
    /* step 1: weighted demand per facility, summed in origin order */
    for (j = 0; j < n_fac; j++) {
        double demand = 0.0;
        for (i = 0; i < n_orig; i++)
            demand += pop[i] * band_weight_of(time_s[i * n_fac + j], n_bands, band_upper_s,
                                              band_weight);
        R[j] = demand > 0.0 ? capacity[j] / demand : 0.0;
    }
    /* step 2 */
    for (i = 0; i < n_orig; i++) {
        double a = 0.0;
        for (j = 0; j < n_fac; j++)
            a += R[j] * band_weight_of(time_s[i * n_fac + j], n_bands, band_upper_s, band_weight);
        ratio_out[i] = a;
    }
done:
    if (R != fac_ratio_out) hl_free(R);
    return rc;
}

hl_status hl_access_2sfca(hl_ctx *ctx, size_t n_orig, size_t n_fac, const double *time_s,
                          const double *pop, const double *capacity, double catchment_s,
                          double *ratio_out, double *fac_ratio_out) {
    const double one = 1.0;
    double upper = catchment_s;
    if (isnan(catchment_s) || catchment_s < 0.0)
        return hl_error(ctx, HL_E_ARG, "hl_access_2sfca: catchment %g s must be >= 0", catchment_s);
    /* an unlimited catchment is the largest finite band: every reachable
     * pair counts, unreachable (INFINITY) ones do not */
    if (isinf(upper)) upper = DBL_MAX;
    return hl_access_e2sfca(ctx, n_orig, n_fac, time_s, pop, capacity, 1, &upper, &one, ratio_out,
                            fac_ratio_out);
}

/* ---- sparse form -------------------------------------------------------- */

static hl_status check_pairs(hl_ctx *ctx, const char *fn, const hl_access_pairs *p) {
    if (!p) return hl_error(ctx, HL_E_ARG, "%s: pairs is NULL", fn);
    if (p->n_fac > 0 && !p->fac_start) return hl_error(ctx, HL_E_ARG, "%s: fac_start is NULL", fn);
    if (p->n_fac == 0) return HL_OK;
    if (p->fac_start[0] != 0) return hl_error(ctx, HL_E_ARG, "%s: fac_start[0] is not 0", fn);
    if (p->fac_start[p->n_fac] > 0 && (!p->pair_orig || !p->pair_time_s))
        return hl_error(ctx, HL_E_ARG, "%s: a pair array is NULL", fn);
    for (size_t j = 0; j < p->n_fac; j++) {
        if (p->fac_start[j + 1] < p->fac_start[j])
            return hl_error(ctx, HL_E_ARG, "%s: offsets of facility %zu go backwards", fn, j);
        for (size_t q = p->fac_start[j]; q < p->fac_start[j + 1]; q++) {
            double t = p->pair_time_s[q];
            if (p->pair_orig[q] >= p->n_orig || (q > p->fac_start[j] && p->pair_orig[q] <= p->pair_orig[q - 1]))
                return hl_error(ctx, HL_E_ARG, "%s: facility %zu: origin %u out of range or out of order", fn,
                                j, p->pair_orig[q]);
            if (!isfinite(t) || t < 0.0)
                return hl_error(ctx, HL_E_ARG, "%s: time of origin %u to facility %zu is %g s", fn,
                                p->pair_orig[q], j, t);
        }
    }
    return HL_OK;
}

hl_status hl_access_2sfca_pairs(hl_ctx *ctx, const hl_access_pairs *pairs, const double *pop,
                                const double *capacity, double catchment_s, double *ratio_out,
                                double *fac_ratio_out) {
    hl_status rc;
    double *R = NULL;
    size_t n_orig, n_fac;
    if ((rc = check_pairs(ctx, "hl_access_2sfca_pairs", pairs))) return rc;
    n_orig = pairs->n_orig;
    n_fac = pairs->n_fac;
    /* the population, capacity and output checks of the dense form */
    if ((rc = check_inputs(ctx, "hl_access_2sfca_pairs", n_orig, 0, NULL, pop, true, NULL, false, true,
                           ratio_out)))
        return rc;
    if ((rc = check_inputs(ctx, "hl_access_2sfca_pairs", 0, n_fac, NULL, NULL, false, capacity, true, true,
                           n_fac ? ratio_out : NULL)))
        return rc;
    if (n_fac > 0 && n_orig > 0 && !ratio_out)
        return hl_error(ctx, HL_E_ARG, "hl_access_2sfca_pairs: ratio_out is NULL");
    if (isnan(catchment_s) || catchment_s < 0.0)
        return hl_error(ctx, HL_E_ARG, "hl_access_2sfca_pairs: catchment %g s must be >= 0", catchment_s);
    R = fac_ratio_out;
    if (!R && n_fac) {
        R = hl_malloc(ctx, n_fac * sizeof *R);
        if (!R) return hl_error(ctx, HL_E_NOMEM, "out of memory for %zu facility ratios", n_fac);
    }
    /* step 1: demand per facility, in origin order */
    for (size_t j = 0; j < n_fac; j++) {
        double demand = 0.0;
        for (size_t q = pairs->fac_start[j]; q < pairs->fac_start[j + 1]; q++)
            if (pairs->pair_time_s[q] <= catchment_s) demand += pop[pairs->pair_orig[q]] * 1.0;
        R[j] = demand > 0.0 ? capacity[j] / demand : 0.0;
    }
    /* step 2: facility order inside every origin, as the dense form */
    for (size_t i = 0; i < n_orig; i++) ratio_out[i] = 0.0;
    for (size_t j = 0; j < n_fac; j++)
        for (size_t q = pairs->fac_start[j]; q < pairs->fac_start[j + 1]; q++)
            if (pairs->pair_time_s[q] <= catchment_s) ratio_out[pairs->pair_orig[q]] += R[j] * 1.0;
    if (R != fac_ratio_out) hl_free(R);
    return HL_OK;
}
