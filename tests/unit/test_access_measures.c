/* Unit tests for the accessibility measures: cumulative opportunities,
 * gravity access with each decay, 2SFCA and E2SFCA, on small matrices whose
 * answers are worked out by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>

#include "hl/access_measures.h"

#define INF INFINITY
#define near(a, b) assert_true(fabs((a) - (b)) <= 1e-9 * (1.0 + fabs(b)))

/* 2 origins x 3 facilities, seconds:
 *   O0: 300   900   INF
 *   O1: 1200  0     1800
 * facility weights 2, 3, 5 */
static const double T23[] = {300, 900, INF, 1200, 0, 1800};
static const double W3[] = {2, 3, 5};

static void test_cumulative(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    double a[2];
    /* T = 900 (inclusive): O0 = 2 + 3 = 5; O1 = 3 */
    assert_int_equal(hl_access_cumulative(ctx, 2, 3, T23, W3, 900, a), HL_OK);
    assert_true(a[0] == 5 && a[1] == 3);
    /* T = 1800: O0 = 5 (the third is unreachable); O1 = 2 + 3 + 5 = 10 */
    assert_int_equal(hl_access_cumulative(ctx, 2, 3, T23, W3, 1800, a), HL_OK);
    assert_true(a[0] == 5 && a[1] == 10);
    /* counting facilities, T = 299: O0 none, O1 one */
    assert_int_equal(hl_access_cumulative(ctx, 2, 3, T23, NULL, 299, a), HL_OK);
    assert_true(a[0] == 0 && a[1] == 1);
    hl_ctx_destroy(ctx);
}

static void test_gravity(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    hl_access_decay d;
    double a[2];

    /* exponential, beta = 1/600 per s (0.1 per minute):
     * O0 = 2 e^-0.5 + 3 e^-1.5 = 1.2130613194 + 0.6693904804 = 1.8824517998
     * O1 = 2 e^-2 + 3 e^0 + 5 e^-3 = 0.2706705665 + 3 + 0.2489353418 = 3.5196059083 */
    hl_access_decay_init(&d);
    d.kind = HL_DECAY_EXPONENTIAL;
    d.beta = 1.0 / 600.0;
    assert_int_equal(hl_access_gravity(ctx, 2, 3, T23, W3, &d, a), HL_OK);
    near(a[0], 1.8824517998);
    near(a[1], 3.5196059083);
    /* same with max_time 900 s: O1 keeps only 3 e^0 = 3 */
    d.max_time_s = 900;
    assert_int_equal(hl_access_gravity(ctx, 2, 3, T23, W3, &d, a), HL_OK);
    near(a[0], 1.8824517998);
    near(a[1], 3.0);

    /* power, beta = 1, t0 = 60 s (t in minutes, clamped at 1 minute):
     * O0 = 2 / 5 + 3 / 15 = 0.6
     * O1 = 2 / 20 + 3 * 1 (t = 0 clamps to 1) + 5 / 30 = 3.2666666667 */
    hl_access_decay_init(&d);
    d.kind = HL_DECAY_POWER;
    d.beta = 1.0;
    d.t0_s = 60;
    assert_int_equal(hl_access_gravity(ctx, 2, 3, T23, W3, &d, a), HL_OK);
    near(a[0], 0.6);
    near(a[1], 3.2666666667);
    near(a[1], 0.1 + 3 + 1.0 / 6.0);

    /* gaussian, sigma = 600 s: f = exp(-(t/600)^2 / 2)
     * O0 = 2 e^-0.125 + 3 e^-1.125 = 1.7649938052 + 0.9739574022 = 2.7389512074
     * O1 = 2 e^-2 + 3 + 5 e^-4.5 = 0.2706705665 + 3 + 0.0555449827 = 3.3262155492 */
    hl_access_decay_init(&d);
    d.kind = HL_DECAY_GAUSSIAN;
    d.t0_s = 600;
    assert_int_equal(hl_access_gravity(ctx, 2, 3, T23, W3, &d, a), HL_OK);
    near(a[0], 2.7389512074);
    near(a[1], 3.3262155492);

    /* decay weights directly */
    assert_true(hl_access_decay_weight(&d, INF) == 0.0);
    assert_true(hl_access_decay_weight(&d, 0) == 1.0);

    /* bad parameters */
    d.t0_s = 0;
    assert_int_equal(hl_access_gravity(ctx, 2, 3, T23, W3, &d, a), HL_E_ARG);
    d.kind = HL_DECAY_EXPONENTIAL;
    d.beta = -1;
    assert_int_equal(hl_access_gravity(ctx, 2, 3, T23, W3, &d, a), HL_E_ARG);
    hl_ctx_destroy(ctx);
}

/* 2 origins x 2 facilities, seconds:
 *   O0 (pop 1000): F0 600 (10 min), F1 2400 (40 min)
 *   O1 (pop  500): F0 1200 (20 min), F1 1500 (25 min)
 * capacities F0 = 10, F1 = 3. */
static const double T22[] = {600, 2400, 1200, 1500};
static const double POP[] = {1000, 500};
static const double CAP[] = {10, 3};

static void test_2sfca(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    double a[2], r[2];
    /* catchment 30 min:
     *   R0 = 10 / (1000 + 500) = 1/150      (both origins within 30 min)
     *   R1 = 3 / 500                        (O0 at 40 min is outside)
     *   A0 = R0 = 0.0066666667
     *   A1 = R0 + R1 = 1/150 + 3/500 = 0.0126666667
     * check: 1000 A0 + 500 A1 = 6.667 + 6.333 = 13 = total capacity */
    assert_int_equal(hl_access_2sfca(ctx, 2, 2, T22, POP, CAP, 1800, a, r), HL_OK);
    near(r[0], 1.0 / 150.0);
    near(r[1], 3.0 / 500.0);
    near(a[0], 0.0066666666667);
    near(a[1], 0.0126666666667);
    near(POP[0] * a[0] + POP[1] * a[1], 13.0);
    /* catchment 10 min (inclusive): only O0-F0; R0 = 10/1000, F1 has no demand -> 0 */
    assert_int_equal(hl_access_2sfca(ctx, 2, 2, T22, POP, CAP, 600, a, r), HL_OK);
    near(r[0], 0.01);
    assert_true(r[1] == 0.0);
    near(a[0], 0.01);
    assert_true(a[1] == 0.0);
    /* unlimited catchment: R0 = 10/1500, R1 = 3/1500; A0 = A1 = 13/1500 */
    assert_int_equal(hl_access_2sfca(ctx, 2, 2, T22, POP, CAP, INF, a, NULL), HL_OK);
    near(a[0], 13.0 / 1500.0);
    near(a[1], 13.0 / 1500.0);
    hl_ctx_destroy(ctx);
}

static void test_e2sfca(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    double a[2], r[2];
    /* bands 10/20/30 min with weights 1.0/0.68/0.22:
     *   W(O0,F0) = 1 (10 min), W(O0,F1) = 0 (40 min),
     *   W(O1,F0) = 0.68 (20 min), W(O1,F1) = 0.22 (25 min)
     *   R0 = 10 / (1000 * 1 + 500 * 0.68) = 10 / 1340 = 0.0074626866
     *   R1 = 3 / (500 * 0.22) = 3 / 110 = 0.0272727273
     *   A0 = 1 * R0 = 0.0074626866
     *   A1 = 0.68 R0 + 0.22 R1 = 0.0050746269 + 0.006 = 0.0110746269 */
    const double up[] = {600, 1200, 1800}, w[] = {1.0, 0.68, 0.22};
    assert_int_equal(hl_access_e2sfca(ctx, 2, 2, T22, POP, CAP, 3, up, w, a, r), HL_OK);
    near(r[0], 0.0074626865672);
    near(r[1], 0.0272727272727);
    near(a[0], 0.0074626865672);
    near(a[1], 0.0110746268657);
    /* bands must increase */
    const double bad[] = {600, 600, 1800};
    assert_int_equal(hl_access_e2sfca(ctx, 2, 2, T22, POP, CAP, 3, bad, w, a, r), HL_E_ARG);
    hl_ctx_destroy(ctx);
}

static void test_invalid_inputs(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    double a[2];
    const double tnan[] = {600, NAN, 1200, 1500}, tneg[] = {600, -1, 1200, 1500};
    const double popneg[] = {1000, -5};
    assert_int_equal(hl_access_cumulative(ctx, 2, 2, tnan, NULL, 900, a), HL_E_ARG);
    assert_int_equal(hl_access_cumulative(ctx, 2, 2, tneg, NULL, 900, a), HL_E_ARG);
    assert_int_equal(hl_access_2sfca(ctx, 2, 2, T22, popneg, CAP, 1800, a, NULL), HL_E_ARG);
    assert_int_equal(hl_access_2sfca(ctx, 2, 2, T22, POP, CAP, NAN, a, NULL), HL_E_ARG);
    /* an empty problem is fine */
    assert_int_equal(hl_access_cumulative(ctx, 0, 0, NULL, NULL, 900, NULL), HL_OK);
    hl_ctx_destroy(ctx);
}

static void test_allocation_failure(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    double a[2];
    /* without fac_ratio_out the facility ratios need one allocation */
    hl_ctx_fail_alloc_after(ctx, 1);
    assert_int_equal(hl_access_2sfca(ctx, 2, 2, T22, POP, CAP, 1800, a, NULL), HL_E_NOMEM);
    hl_ctx_fail_alloc_after(ctx, 2);
    assert_int_equal(hl_access_2sfca(ctx, 2, 2, T22, POP, CAP, 1800, a, NULL), HL_OK);
    near(a[1], 0.0126666666667);
    hl_ctx_destroy(ctx);
}

/* The sparse 2SFCA against the dense one on random matrices: the sparse
 * form lists only the reachable pairs, so both must agree bit for bit
 * (hand check of the dense form is test_2sfca above). */
static void test_2sfca_pairs(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    enum { NO = 37, NF = 11 };
    static double T[NO * NF], pop[NO], cap[NF], dense[NO], sparse[NO], rd[NF], rs[NF], ptime[NO * NF];
    static uint32_t porig[NO * NF];
    size_t start[NF + 1];
    uint64_t x = 12345;
    for (int round = 0; round < 20; round++) {
        size_t q = 0;
        for (size_t k = 0; k < NO * NF; k++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            /* about a third unreachable, the rest 0 .. 3600 s */
            T[k] = (x >> 33) % 3 == 0 ? INF : (double)((x >> 20) % 3601);
        }
        for (size_t i = 0; i < NO; i++) pop[i] = (double)((i * 7919 + (size_t)round) % 500) + 0.5 * (i % 3);
        for (size_t j = 0; j < NF; j++) cap[j] = (double)(j % 4) + 0.25;
        for (size_t j = 0; j < NF; j++) {
            start[j] = q;
            for (size_t i = 0; i < NO; i++)
                if (isfinite(T[i * NF + j])) {
                    porig[q] = (uint32_t)i;
                    ptime[q++] = T[i * NF + j];
                }
        }
        start[NF] = q;
        hl_access_pairs p = {NO, NF, start, porig, ptime};
        double catchment = round % 5 == 4 ? INF : 600.0 * (round % 5 + 1);
        assert_int_equal(hl_access_2sfca(ctx, NO, NF, T, pop, cap, catchment, dense, rd), HL_OK);
        assert_int_equal(hl_access_2sfca_pairs(ctx, &p, pop, cap, catchment, sparse, rs), HL_OK);
        assert_memory_equal(dense, sparse, sizeof dense);
        assert_memory_equal(rd, rs, sizeof rd);
    }
    /* malformed lists are refused */
    {
        size_t st[3] = {0, 2, 3};
        uint32_t o[3] = {1, 0, 2};
        double t[3] = {1, 2, 3}, a[3], c2[2] = {1, 1}, p3[3] = {1, 1, 1};
        hl_access_pairs bad = {3, 2, st, o, t};
        assert_int_equal(hl_access_2sfca_pairs(ctx, &bad, p3, c2, 600, a, NULL), HL_E_ARG); /* 1 then 0 */
        o[0] = 0;
        o[1] = 1;
        t[2] = NAN;
        assert_int_equal(hl_access_2sfca_pairs(ctx, &bad, p3, c2, 600, a, NULL), HL_E_ARG);
        t[2] = 3;
        o[2] = 3;
        assert_int_equal(hl_access_2sfca_pairs(ctx, &bad, p3, c2, 600, a, NULL), HL_E_ARG); /* out of range */
        o[2] = 2;
        assert_int_equal(hl_access_2sfca_pairs(ctx, &bad, p3, c2, 600, a, NULL), HL_OK);
        /* by hand: R0 = 1 / (1 + 1), R1 = 1 / 1; A = {0.5, 0.5, 1} */
        assert_true(a[0] == 0.5 && a[1] == 0.5 && a[2] == 1.0);
    }
    hl_ctx_destroy(ctx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cumulative),     cmocka_unit_test(test_gravity),
        cmocka_unit_test(test_2sfca),          cmocka_unit_test(test_e2sfca),
        cmocka_unit_test(test_invalid_inputs), cmocka_unit_test(test_allocation_failure),
        cmocka_unit_test(test_2sfca_pairs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
