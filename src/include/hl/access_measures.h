/* hinterland accessibility measures: pure functions over a dense
 * origin x facility travel-time matrix (for example from hl_route_od_matrix).
 *
 * Common conventions:
 *   time_s    row-major n_orig x n_fac matrix, time_s[i*n_fac + j] is the
 *             time in seconds from origin i to facility j; INFINITY means
 *             unreachable.  Values must be >= 0 or INFINITY (NaN and
 *             negative values are rejected with HL_E_ARG).
 *   fac_weight / capacity  per facility, finite and >= 0 (beds, doctors,
 *             school places, jobs ...); NULL where allowed means 1 each.
 *   pop       per origin, finite and >= 0 (population, households).
 *   out       caller-allocated, n_orig entries, overwritten.
 * Sums run in index order (j inside i), so results are deterministic.
 * Each function returns HL_OK, HL_E_ARG (bad input, with a message) or
 * HL_E_NOMEM.  No function keeps pointers after it returns. */
#ifndef HL_ACCESS_MEASURES_H
#define HL_ACCESS_MEASURES_H

#include <stddef.h>
#include <stdint.h>

#include "hl/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- distance decay ---------------------------------------------------- */

typedef enum hl_access_decay_kind {
    HL_DECAY_NONE = 0,    /* f(t) = 1 */
    HL_DECAY_EXPONENTIAL, /* f(t) = exp(-beta * t), beta per SECOND
                             (a rate per minute b_min gives beta = b_min / 60) */
    HL_DECAY_POWER,       /* f(t) = (max(t, t0_s) / t0_s)^(-beta), beta dimensionless.
                             This is the classic t^-beta with t measured in units
                             of t0_s (t0_s = 60: minutes), clamped at t0_s so that
                             t = 0 gives 1 instead of infinity */
    HL_DECAY_GAUSSIAN     /* f(t) = exp(-t^2 / (2 * t0_s^2)), t0_s = sigma in seconds */
} hl_access_decay_kind;

typedef struct hl_access_decay {
    hl_access_decay_kind kind;
    double beta;       /* EXPONENTIAL: per second, >= 0; POWER: exponent, >= 0 */
    double t0_s;       /* POWER: reference time (> 0); GAUSSIAN: sigma (> 0) */
    double max_time_s; /* f(t) = 0 for t > max_time_s; INFINITY = no limit */
} hl_access_decay;

/* Defaults: HL_DECAY_NONE, beta 0, t0_s 60 s, max_time_s INFINITY. */
void hl_access_decay_init(hl_access_decay *d);
/* Check the parameters: HL_OK or HL_E_ARG with a message. */
hl_status hl_access_decay_check(hl_ctx *ctx, const hl_access_decay *d);
/* The weight f(t_s) of a (checked) decay; 0 for t_s = INFINITY or beyond
 * max_time_s. */
double hl_access_decay_weight(const hl_access_decay *d, double t_s);

/* ---- measures ----------------------------------------------------------- */

/* Cumulative opportunities:
 *   out[i] = sum_j fac_weight[j] * [time_s[i,j] <= threshold_s]
 * (inclusive threshold).  fac_weight NULL counts facilities. */
hl_status hl_access_cumulative(hl_ctx *ctx, size_t n_orig, size_t n_fac, const double *time_s,
                               const double *fac_weight, double threshold_s, double *out);

/* Gravity (Hansen 1959) access:
 *   out[i] = sum_j fac_weight[j] * f(time_s[i,j])
 * with f the decay above (unreachable pairs add 0).  Units: those of
 * fac_weight (f is dimensionless).  fac_weight NULL = 1 each. */
hl_status hl_access_gravity(hl_ctx *ctx, size_t n_orig, size_t n_fac, const double *time_s,
                            const double *fac_weight, const hl_access_decay *decay, double *out);

/* Two-step floating catchment area, 2SFCA (Luo & Wang 2003), catchment d0:
 *   step 1, per facility:  R_j = S_j / sum_{i: t_ij <= d0} P_i
 *   step 2, per origin:    A_i = sum_{j: t_ij <= d0} R_j
 * S = capacity, P = pop.  A facility with no demand in its catchment has
 * R_j = 0 (it serves nobody).  A_i is a supply-to-demand ratio in capacity
 * units per population unit (e.g. doctors per person; multiply by 1000 for
 * "per 1000 people").  Supply is conserved: sum_i P_i A_i equals the total
 * capacity of the facilities that have demand.  fac_ratio_out (n_fac
 * entries, may be NULL) receives R_j.  catchment_s >= 0; INFINITY counts
 * every reachable pair (inclusive: t_ij == d0 is inside). */
hl_status hl_access_2sfca(hl_ctx *ctx, size_t n_orig, size_t n_fac, const double *time_s,
                          const double *pop, const double *capacity, double catchment_s,
                          double *ratio_out, double *fac_ratio_out);

/* Enhanced 2SFCA, E2SFCA (Luo & Qi 2009), with stepped weights per time band:
 * band r covers band_upper_s[r-1] < t <= band_upper_s[r] (band 0 starts at
 * t = 0 inclusive) and has weight W_r; times beyond the last band weigh 0.
 *   step 1:  R_j = S_j / sum_i P_i * W(t_ij)
 *   step 2:  A_i = sum_j R_j * W(t_ij)
 * e.g. bands {600, 1200, 1800} s with weights {1.0, 0.68, 0.22}.
 * band_upper_s must be strictly increasing, finite and >= 0; weights finite
 * and >= 0.  R_j = 0 when its weighted demand is 0.  2SFCA is the case of
 * one band with weight 1.  Units and outputs as hl_access_2sfca. */
hl_status hl_access_e2sfca(hl_ctx *ctx, size_t n_orig, size_t n_fac, const double *time_s,
                           const double *pop, const double *capacity, size_t n_bands,
                           const double *band_upper_s, const double *band_weight,
                           double *ratio_out, double *fac_ratio_out);

/* ---- sparse form ---------------------------------------------------------
 * For large studies a dense matrix does not fit (a province: 65,000 origins
 * x 18,000 clinics = 9 GB).  The sparse form lists, per facility j, only the
 * origins it reaches: pairs fac_start[j] .. fac_start[j+1]-1 of pair_orig
 * (origin indices, strictly ascending within a facility) and pair_time_s
 * (their times, >= 0 and finite).  Every pair not listed is unreachable.
 * Results are bit-identical to the dense functions on the same matrix
 * (the dense sums add exact zeros for the pairs left out). */
typedef struct hl_access_pairs {
    size_t n_orig, n_fac;
    const size_t *fac_start;   /* n_fac + 1 offsets */
    const uint32_t *pair_orig; /* fac_start[n_fac] origin indices */
    const double *pair_time_s; /* fac_start[n_fac] times */
} hl_access_pairs;

/* 2SFCA over the sparse pairs; arguments and outputs as hl_access_2sfca.
 * HL_E_ARG also for a malformed pair list (offsets not ascending, origin
 * out of range or not ascending, bad time). */
hl_status hl_access_2sfca_pairs(hl_ctx *ctx, const hl_access_pairs *pairs, const double *pop,
                                const double *capacity, double catchment_s, double *ratio_out,
                                double *fac_ratio_out);

#ifdef __cplusplus
}
#endif
#endif
