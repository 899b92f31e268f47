/* Unit tests for the coverage stage: the real pipeline (hl_plan_load +
 * hl_analysis_run) on the hand-made county of tests/data/coverage (made by
 * scripts/make_test_county.py), with every expected value worked out by
 * hand below.
 *
 * Layout (metres, offsets from 500000/4000000, UTM 50N):
 *   R1 y=2500, x 0..20000, asphalt, grade III, 60 km/h = 1000 m/min
 *   R2 x=5000, y 2500..7500, cement, grade IV, 30 km/h = 500 m/min
 *   R3 x=15000, y 2500..7500, gravel, 等外, 15 km/h = 250 m/min
 *   junctions J1 (5000,2500), J2 (15000,2500); connectors 5 km/h = 83.33 m/min
 *   townships T1 x<10000, T2 x>10000; villages V1/V2 (T1, y<5000 / y>5000),
 *   V3/V4 (T2, y<5000 / y>5000)
 *   natural villages (pop, households):
 *     N1 (5000,3000) on R2, V1 (300, 80)     N2 (8000,2700) 200 m off R1, V1 (100, 25)
 *     N3 (5000,7500) R2 end, V2 (400, 100)   N4 (15000,4000) on R3, V3 (250, 60)
 *     N5 (15000,7500) R3 end, V4 (150, 40) relocation = 是
 *     N6 (17000,9000) V4 (50, 35): 2500 m from R3's end > 2000 m: not placed
 *   seats: TS1 = J1, TS2 = J2; county seat CS (2000,2500); health centre HC1 (6000,2500);
 *   hospital H1 (1000,2500); clinics C1 (5000,7000) V2, C2 (15000,3500) V3;
 *   school S1 (5000,4000); elderly care E1 (5500,2500) comprehensive, E2 (16000,2500) not;
 *   bus stops B1 (5000,5500), B2 (12000,2500); garbage G1 (5000,7200), G2 (15000,7000);
 *   transfer station TR1 (3000,2500); committees VC1 (4000,2500), VC2 (5200,8000),
 *   VC3 (11000,2520), VC4 (15000,9000).
 *   Water: SA1 box (0..7000, 0..5000) in-house, works W1 (2000 m3/d, large);
 *   SA2 box (14000..16000, 3000..5000) standpipe, W2 (50 m3/d); pipe P1 x=5000
 *   y 5000..7600 (W2).  5G box (0..12000, 0..5000).  Industry base IB1 box
 *   (9000..11000, 2000..3000), point on surface (10000,2500) on R1.
 *   Agricultural base AB1 box (10000..15000, 5000..7000) in V4.
 *
 * Drive times to the junctions: N1 1 min (500 m on R2), N2 2.4 min (200 m
 * connector), N3 10 min (5000 m on R2), N4 6 min (1500 m on R3), N5 20 min. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
/* cmocka needs the three above first */
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hl/analysis.h"
#include "hl/plan.h"
#include "hl/qa.h"
#include "hl/table.h"

#define DATA HL_SOURCE_DIR "/tests/data/coverage/"
#define N_ NAN   /* NULL */
#define NUL (-1) /* NULL flag */

typedef struct run {
    hl_ctx *ctx;
    hl_plan *plan;
    hl_analysis *a;
} run;

static void run_plan(run *r, const char *file, const char *extra) {
    char path[1024];
    r->ctx = hl_ctx_create();
    snprintf(path, sizeof path, "%s%s", DATA, file);
    if (!extra) {
        assert_int_equal(hl_plan_load(r->ctx, path, &r->plan), HL_OK);
    } else {
        FILE *f = fopen(path, "rb");
        char buf[8192];
        size_t n;
        assert_non_null(f);
        n = fread(buf, 1, sizeof buf - 1 - strlen(extra), f);
        fclose(f);
        buf[n] = '\0';
        strcat(buf, extra);
        assert_int_equal(hl_plan_parse(r->ctx, buf, strlen(buf), path, &r->plan), HL_OK);
    }
    if (hl_analysis_run(r->ctx, r->plan, NULL, &r->a) != HL_OK)
        fail_msg("%s", hl_ctx_errmsg(r->ctx));
}

static void run_free(run *r) {
    hl_analysis_destroy(r->a);
    hl_plan_destroy(r->plan);
    hl_ctx_destroy(r->ctx);
}

static hl_table *table(const run *r, const char *name) {
    for (size_t i = 0; i < hl_analysis_table_count(r->a); i++)
        if (!strcmp(hl_table_name(hl_analysis_table(r->a, i)), name))
            return hl_analysis_table(r->a, i);
    fail_msg("no table %s", name);
    return NULL;
}

static size_t col(const hl_table *t, const char *name) {
    size_t c = hl_table_column(t, name);
    if (c == SIZE_MAX)
        fail_msg("table %s has no column %s", hl_table_name(t), name);
    return c;
}

static void real_is(const hl_table *t, size_t row, const char *name, double want) {
    size_t c = col(t, name);
    double got = hl_table_is_null(t, row, c)                ? NAN
                 : hl_table_column_type(t, c) == HL_COL_INT ? (double)hl_table_int(t, row, c)
                                                            : hl_table_real(t, row, c);
    if (isnan(want) ? !isnan(got) : !(fabs(got - want) <= 1e-6 * (1 + fabs(want))))
        fail_msg("%s row %zu %s: got %.9g, want %.9g", hl_table_name(t), row, name, got, want);
}

static void flag_is(const hl_table *t, size_t row, const char *name, int want) {
    size_t c = col(t, name);
    int got = hl_table_is_null(t, row, c) ? NUL : (int)hl_table_int(t, row, c);
    if (got != want)
        fail_msg("%s row %zu %s: got %d, want %d", hl_table_name(t), row, name, got, want);
}

/* Row of a table whose text column `key` is `value` (and, if key2, key2 = value2). */
static size_t row_of(const hl_table *t, const char *key, const char *value, const char *key2, const char *value2) {
    size_t c = col(t, key), c2 = key2 ? col(t, key2) : 0;
    for (size_t r = 0; r < hl_table_rows(t); r++) {
        const char *v = hl_table_text(t, r, c);
        const char *v2 = key2 ? hl_table_text(t, r, c2) : NULL;
        if (v && !strcmp(v, value) && (!key2 || (v2 && !strcmp(v2, value2))))
            return r;
    }
    fail_msg("%s: no row %s=%s", hl_table_name(t), key, value);
    return 0;
}

/* One column of village_indicators over N1..N6. */
typedef struct expect {
    const char *col;
    double v[6];
} expect;

/* "ROAD-01" -> "road_01_meets" */
static void meets_col(const char *id, char *out, size_t size) {
    size_t n = 0;
    for (; *id && n + 1 < size; id++)
        out[n++] = *id == '-' ? '_' : (char)(*id >= 'A' && *id <= 'Z' ? *id + 32 : *id);
    snprintf(out + n, size - n, "_meets");
}

static void test_village_indicators(void **state) {
    run r;
    hl_table *t;
    (void)state;
    run_plan(&r, "plan.yaml", NULL);
    t = table(&r, "village_indicators");
    assert_int_equal(hl_table_rows(t), 6);
    assert_string_equal(hl_table_text(t, 0, col(t, "id")), "N1");
    assert_string_equal(hl_table_text(t, 5, col(t, "id")), "N6");
    assert_string_equal(hl_table_text(t, 2, col(t, "village_code")), "140521001002");
    assert_string_equal(hl_table_text(t, 3, col(t, "township_name")), "乙乡");
    {
        const expect e[] = {
            /* N5 is relocated: not eligible; N6 is not placed */
            {"eligible", {1, 1, 1, 1, 0, 1}},
            {"reachable", {1, 1, 1, 1, 1, 0}},
            {"origin_snap_m", {0, 200, 0, 0, 0, N_}},
            /* own seat: see the junction times above */
            {"t_ts_min", {1, 5.4, 10, 6, 20, N_}},
            /* county seat at x=2000: junction time + 3 min (+10 more for T2) */
            {"t_cs_min", {4, 8.4, 13, 19, 33, N_}},
            /* health centre at x=6000: N1 1+1, N2 2.4+2, N3 10+1, N4 6+9, N5 20+9 */
            {"t_thc_min", {2, 4.4, 11, 15, 29, N_}},
            {"t_hosp_min", {5, 9.4, 14, 20, 34, N_}},
            {"d_school_m", {1000, 4700, 3500, 13000, 16500, N_}},
            {"d_hardened_road_m", {0, 200, 0, 1500, 5000, 6500}},
            /* walking: N1 -> C1 4000 m; N2 200+3000+4500; N3 -> C1 500; N4 -> C2 500; N5 -> C2 4000 */
            {"walk_clinic_m", {4000, 7700, 500, 500, 4000, N_}},
            /* ROAD-01: hardened piece (R1+R2) holds both seats; snap 50 m; N2 has 25 < 30 households */
            {"road_01_value", {0, 200, 0, 1500, 5000, 6500}},
            {"road_01_meets", {1, N_, 1, 0, N_, 0}},
            /* ROAD-02 (per village, from the committee point): VC1 0, VC2 538.5 (R2's end), VC3 20, VC4 6500 */
            {"road_02_value", {0, 0, 538.516480713, 20, 6500, 6500}},
            {"road_02_meets", {1, 1, 0, 1, 0, 0}},
            /* ROAD-03: both seats on R1 (grade III) */
            {"road_03_meets", {1, 1, 1, 1, 1, 1}},
            {"road_04_meets", {1, 1, 0, 1, 0, 0}},
            /* ROAD-06: within 2 km of a hardened road */
            {"road_06_meets", {1, 1, 1, 1, N_, 0}},
            {"sys_01_meets", {1, 1, 1, 1, N_, 0}},
            {"sys_02_value", {4, 8.4, 13, 19, 33, N_}},
            {"sys_02_meets", {1, 1, 1, 1, N_, 0}},
            /* BUS-01 per village: least walk of its settlements: V1 N1->B1 2500; V2 N3->B1 2000;
               V3 N4->B2 1500+3000; V4 N5->B2 5000+3000 (N6 unreachable) */
            {"bus_01_value", {2500, 2500, 2000, 4500, 8000, 8000}},
            {"bus_01_meets", {0, 0, 1, 0, 0, 0}},
            /* WAT-01: N1 in SA1; N2 1000 m east of SA1; N3 on pipe P1; N4 only in a standpipe area
               (8000 m from SA1); N6 from SA1's corner (7000,5000): hypot(10000,4000) */
            {"wat_01_value", {0, 1000, 0, 8000, N_ /* unchecked below */, 10770.329614269}},
            {"wat_01_meets", {1, 0, 1, 0, N_, 0}},
            /* WAT-02: standpipes count; N6 -> SA2 corner (16000,5000): hypot(1000,4000) */
            {"wat_02_meets", {1, 0, 1, 1, N_, 0}},
            {"wat_02_value", {0, 1000, 0, 0, N_, 4123.105625617}},
            /* WAT-03: only W1's SA1 is large-scale; N3 is 2500 m from it */
            {"wat_03_meets", {1, 0, 0, 0, N_, 0}},
            {"wat_03_value", {0, 1000, 2500, 8000, N_, 10770.329614269}},
            /* ENV-02: both garbage points reach TR1 within 20 km (6700 m, 16500 m); d1 500 m:
               N1 -> G1 4200, N2 -> G1 hypot(3000,4500), N3 300, N4 -> G2 3000, N5 500, N6 hypot(2000,2000) */
            {"env_02_value", {4200, 5408.326913196, 300, 3000, 500, 2828.427124746}},
            {"env_02_meets", {0, 0, 1, 0, N_, 0}},
            /* HLT-01: V1 has the health centre (substitutes), V2 C1, V3 C2, V4 none */
            {"hlt_01_value", {1, 1, 1, 1, 0, 0}},
            {"hlt_01_meets", {1, 1, 1, 1, 0, 0}},
            /* HLT-02: min(walk to clinic at 5 km/h, drive to the health centre): N1 min(48, 2),
               N2 min(92.4, 4.4), N3 min(6, 11), N4 min(6, 15), N5 min(48, 29) */
            {"hlt_02_value", {2, 4.4, 6, 6, 29, N_}},
            {"hlt_02_meets", {1, 1, 1, 1, N_, 0}},
            {"hlt_04_meets", {1, 1, 1, 1, N_, 0}},
            /* EDU-01: walk to S1 <= 40 min and <= 3000 m: 1000 m 12 min; 4700 m; 3500 m 42 min; ... */
            {"edu_01_value", {12, 56.4, 42, 156, 198, N_}},
            {"edu_01_meets", {1, 0, 0, 0, N_, 0}},
            /* OLD-01: T1 has the comprehensive E1, T2 only E2 (not comprehensive) */
            {"old_01_value", {1, 1, 1, 0, 0, 0}},
            {"old_01_meets", {1, 1, 1, 0, 0, 0}},
            /* DIG-02: V1 fully covered; V3 20 % but its committee (11000,2520) is covered */
            {"dig_02_value", {1, 1, 0, 0.2, 0, 0}},
            {"dig_02_meets", {1, 1, 0, 1, 0, 0}},
            /* LC-01 bundle kinds present: committee, clinic, elderly care; 15 min walk = 1250 m.
               N1: committee 1500 m, clinic 4000 -> 2 missing (E1 1000 m ok); N3: committee 538.5 and
               clinic 500 ok, E1 5500 -> 1 */
            {"lc_01_value", {2, 3, 1, 2, 3, 3}},
            {"lc_01_meets", {0, 0, 0, 0, N_, 0}},
            /* LC-02 present kinds: school, health centre, elderly care, 30 min drive; N5 school 33 min */
            {"lc_02_value", {0, 0, 0, 0, 1, 3}},
            {"lc_02_meets", {1, 1, 1, 1, N_, 0}},
            /* IND-01: drive to (10000,2500): 6, 4.4, 15, 11, 25 min, all within 30 */
            {"ind_01_value", {1, 1, 1, 1, 1, 0}},
            {"ind_01_meets", {1, 1, 1, 1, N_, 0}},
            /* 2SFCA (supply 1 per clinic and health centre, 30 min by car): C1 reaches N1..N4
               (8, 14.4, 1, 25 min; N5 39) = 1050 people, C2 and HC1 reach N1..N5 = 1200;
               N1..N4: 1000/1050 + 2 * 1000/1200; N5: 2 * 1000/1200; N6 unplaced */
            {"hlt_2sfca_per1000",
             {1000.0 / 1050 + 2000.0 / 1200, 1000.0 / 1050 + 2000.0 / 1200, 1000.0 / 1050 + 2000.0 / 1200,
              1000.0 / 1050 + 2000.0 / 1200, 2000.0 / 1200, 0}},
            /* IND-02: AB1 covers 10 of V4's 50 km2; descriptive, never flagged */
            {"ind_02_value", {0, 0, 0, 0, 0.2, 0.2}},
            {"ind_02_meets", {N_, N_, N_, N_, N_, N_}},
        };
        for (size_t k = 0; k < sizeof e / sizeof e[0]; k++)
            for (size_t i = 0; i < 6; i++) {
                if (i == 4 && !strncmp(e[k].col, "wat_0", 5) && strstr(e[k].col, "_value"))
                    continue;
                if (strstr(e[k].col, "_meets") || !strcmp(e[k].col, "eligible") || !strcmp(e[k].col, "reachable"))
                    flag_is(t, i, e[k].col, isnan(e[k].v[i]) ? NUL : (int)e[k].v[i]);
                else
                    real_is(t, i, e[k].col, e[k].v[i]);
            }
    }
    assert_string_equal(hl_table_text(t, 1, col(t, "f_clinic_id")), "C2"); /* by drive: 2.4+7+4 < 2.4+3+9 */
    assert_true(hl_table_is_null(t, 5, col(t, "f_thc_id")));
    run_free(&r);
}

static void test_rollups(void **state) {
    run r;
    hl_table *cs, *is, *ts;
    size_t row;
    (void)state;
    run_plan(&r, "plan.yaml", NULL);
    cs = table(&r, "county_summary");
    ts = table(&r, "township_summary");
    is = table(&r, "indicator_summary");
    assert_int_equal(hl_table_rows(cs), 1);
    assert_int_equal(hl_table_rows(ts), 2);
    real_is(cs, 0, "n_units", 6);
    real_is(cs, 0, "population", 1250);
    real_is(ts, 0, "population", 800);
    real_is(ts, 1, "population", 450);
    /* ROAD-01: eligible N1 N3 N4 N6 (1000 people), meeting N1 N3 (700); target 1 */
    real_is(cs, 0, "road_01_share_units", 0.5);
    real_is(cs, 0, "road_01_share_pop", 0.7);
    real_is(cs, 0, "road_01_target", 1.0);
    flag_is(cs, 0, "road_01_met", 0);
    real_is(cs, 0, "road_01_gap_pop", 300);
    flag_is(ts, 0, "road_01_met", 1); /* T1: N1, N3 */
    real_is(ts, 1, "road_01_share_units", 0);
    /* WAT-01: eligible 1100, meeting 700; target 0.88 -> gap 968 - 700 */
    real_is(cs, 0, "wat_01_share_pop", 700.0 / 1100.0);
    real_is(cs, 0, "wat_01_gap_pop", 268);
    /* WAT-02 has no target in the national preset: gap = all failing people (N2 100 + N6 50) */
    real_is(cs, 0, "wat_02_target", N_);
    flag_is(cs, 0, "wat_02_met", NUL);
    real_is(cs, 0, "wat_02_gap_pop", 150);
    /* OLD-01 over townships: 1 of 2, target 0.6 -> not met, one township short */
    real_is(cs, 0, "old_01_share_units", 0.5);
    flag_is(cs, 0, "old_01_met", 0);
    row = row_of(is, "level", "county", "indicator", "OLD-01");
    real_is(is, row, "gap_units", 1);
    /* IND-01 weighted by working-age population: eligible 200+60+250+150+30, meeting all but N6 */
    real_is(cs, 0, "ind_01_share_pop", 660.0 / 690.0);
    /* SYS-01 distribution over eligible reachable units: 1, 5.4, 6, 10 */
    row = row_of(is, "level", "county", "indicator", "SYS-01");
    real_is(is, row, "eligible_units", 5);
    real_is(is, row, "meeting_units", 4);
    real_is(is, row, "t_min", 1);
    real_is(is, row, "t_median", 5.7);
    real_is(is, row, "t_p90", 10);
    real_is(is, row, "t_max", 10);
    real_is(is, row, "target", N_);
    /* ENV-02 target 0.9 of 5 units -> 5 needed, 1 meets */
    row = row_of(is, "level", "county", "indicator", "ENV-02");
    real_is(is, row, "gap_units", 4);
    /* village level: V1 = N1 + N2 */
    row = row_of(is, "code", "140521001001", "indicator", "WAT-01");
    assert_string_equal(hl_table_text(is, row, col(is, "level")), "village");
    real_is(is, row, "eligible_pop", 400);
    real_is(is, row, "meeting_pop", 300);
    /* industry_access: everyone placed is within 30 min of IB1 (N1..N5 = 1200 people, 750 workers) */
    {
        hl_table *ia = table(&r, "industry_access");
        real_is(ia, 0, "pop_near", 1200);
        real_is(ia, 0, "workers_near", 750);
        real_is(ia, 0, "jobs", 500);
    }
    run_free(&r);
}

/* County totals are sums over the village records and over the townships. */
static void test_totals(void **state) {
    run r;
    hl_table *vi, *is;
    (void)state;
    run_plan(&r, "plan.yaml", NULL);
    vi = table(&r, "village_indicators");
    is = table(&r, "indicator_summary");
    for (size_t row = 0; row < hl_table_rows(is); row++) {
        const char *ind = hl_table_text(is, row, col(is, "indicator"));
        char name[64];
        double ep = 0, mp = 0, tep = 0, tmp = 0;
        size_t n = 0;
        if (strcmp(hl_table_text(is, row, col(is, "level")), "county"))
            continue;
        /* origin-level, population-weighted indicators: straight from the village records */
        if (!strncmp(ind, "ROAD-01", 7) || !strncmp(ind, "ROAD-06", 7) || !strncmp(ind, "SYS", 3) ||
            !strncmp(ind, "WAT", 3) || !strncmp(ind, "ENV", 3) || !strcmp(ind, "HLT-02") || !strcmp(ind, "HLT-04") ||
            !strncmp(ind, "LC", 2)) {
            meets_col(ind, name, sizeof name);
            for (size_t i = 0; i < hl_table_rows(vi); i++) {
                size_t c = col(vi, name);
                double p = hl_table_real(vi, i, col(vi, "population"));
                if (hl_table_is_null(vi, i, c))
                    continue;
                ep += p;
                n++;
                if (hl_table_int(vi, i, c) == 1)
                    mp += p;
            }
            real_is(is, row, "eligible_pop", ep);
            real_is(is, row, "meeting_pop", mp);
            real_is(is, row, "eligible_units", (double)n);
        }
        /* every indicator: county = sum of its townships */
        for (size_t r2 = 0; r2 < hl_table_rows(is); r2++)
            if (!strcmp(hl_table_text(is, r2, col(is, "level")), "township") &&
                !strcmp(hl_table_text(is, r2, col(is, "indicator")), ind)) {
                double a = hl_table_real(is, r2, col(is, "eligible_pop")),
                       b = hl_table_real(is, r2, col(is, "meeting_pop"));
                tep += isnan(a) ? 0 : a;
                tmp += isnan(b) ? 0 : b;
            }
        if (!hl_table_is_null(is, row, col(is, "eligible_pop"))) {
            real_is(is, row, "eligible_pop", tep);
            real_is(is, row, "meeting_pop", tmp);
        }
    }
    run_free(&r);
}

/* HLT-02.max_time_min 15 -> 5 flips exactly N3 and N4 (6 min each). */
static void test_threshold_change(void **state) {
    run a, b;
    hl_table *ta, *tb;
    (void)state;
    run_plan(&a, "plan.yaml", NULL);
    run_plan(&b, "plan.yaml", "thresholds:\n  HLT-02: {max_time_min: 5}\n");
    ta = table(&a, "village_indicators");
    tb = table(&b, "village_indicators");
    assert_int_equal(hl_table_columns(ta), hl_table_columns(tb));
    for (size_t c = 0; c < hl_table_columns(ta); c++) {
        const char *name = hl_table_column_name(ta, c);
        if (!strstr(name, "_meets"))
            continue;
        for (size_t i = 0; i < 6; i++) {
            int fa = hl_table_is_null(ta, i, c) ? NUL : (int)hl_table_int(ta, i, c);
            int fb = hl_table_is_null(tb, i, c) ? NUL : (int)hl_table_int(tb, i, c);
            bool should_flip = !strcmp(name, "hlt_02_meets") && (i == 2 || i == 3);
            if (should_flip) {
                assert_int_equal(fa, 1);
                assert_int_equal(fb, 0);
            } else if (fa != fb) {
                fail_msg("%s row %zu changed from %d to %d", name, i, fa, fb);
            }
        }
    }
    real_is(table(&b, "county_summary"), 0, "hlt_02_share_pop", 400.0 / 1100.0);
    run_free(&a);
    run_free(&b);
}

static void test_gaps(void **state) {
    run r;
    hl_table *g;
    (void)state;
    run_plan(&r, "plan.yaml", NULL);
    g = table(&r, "gaps");
    /* 31 failing natural-village flags, 10 village flags, 1 township flag */
    assert_int_equal(hl_table_rows(g), 42);
    /* 1: township T2 (450 people) fails OLD-01 */
    real_is(g, 0, "rank", 1);
    assert_string_equal(hl_table_text(g, 0, col(g, "indicator")), "OLD-01");
    assert_string_equal(hl_table_text(g, 0, col(g, "id")), "140521002");
    real_is(g, 0, "population", 450);
    /* 2: village V1 (400 people, id sorts before V2's and N3's) fails BUS-01 by 500 m */
    assert_string_equal(hl_table_text(g, 1, col(g, "indicator")), "BUS-01");
    assert_string_equal(hl_table_text(g, 1, col(g, "id")), "140521001001");
    real_is(g, 1, "shortfall", 500);
    assert_string_equal(hl_table_text(g, 1, col(g, "unit")), "m");
    assert_non_null(strstr(hl_table_text(g, 1, col(g, "reason")), "2.5 km"));
    /* the reason in Chinese for the bureau, and in English */
    assert_non_null(strstr(hl_table_text(g, 1, col(g, "reason")), "步行至最近公交站 2.5 km"));
    assert_non_null(strstr(hl_table_text(g, 1, col(g, "reason_en")), "2.5 km walk to the nearest bus stop"));
    /* then V2: ROAD-02, ROAD-04, DIG-02; then N3: WAT-03, EDU-01 (2 min over 40), LC-01 */
    assert_string_equal(hl_table_text(g, 2, col(g, "indicator")), "ROAD-02");
    assert_string_equal(hl_table_text(g, 6, col(g, "id")), "N3");
    assert_string_equal(hl_table_text(g, 6, col(g, "indicator")), "EDU-01");
    real_is(g, 6, "shortfall", 2);
    assert_non_null(strstr(hl_table_text(g, 6, col(g, "reason")), "42 min"));
    /* the unreachable N6 is last (50 people) */
    assert_string_equal(hl_table_text(g, 41, col(g, "id")), "N6");
    run_free(&r);
}

static void test_overlay(void **state) {
    run r;
    hl_table *vo, *rb, *cs;
    (void)state;
    run_plan(&r, "plan.yaml", NULL);
    vo = table(&r, "village_overlay");
    rb = table(&r, "roads_by_village");
    cs = table(&r, "county_summary");
    /* V1: R1 0..10000 and R2 2500..5000 */
    real_is(vo, 0, "area_km2", 50);
    real_is(vo, 0, "road_len_m", 12500);
    real_is(vo, 0, "hardened_len_m", 12500);
    real_is(vo, 0, "road_density_km_km2", 0.25);
    real_is(vo, 0, "len_county_m", 10000);
    real_is(vo, 0, "len_surf_cement_m", 2500);
    real_is(vo, 0, "water_area_share", 0.7); /* SA1 35 of 50 km2 */
    real_is(vo, 0, "water_pop_share", 0.75); /* N1 300 of 400 */
    real_is(vo, 0, "n_industry", 1);
    real_is(vo, 0, "industry_area_km2", 1); /* 1000 x 1000 of IB1 */
    real_is(vo, 0, "n_health_centre", 1);
    real_is(vo, 1, "pipe_len_m", 2600);
    real_is(vo, 2, "hardened_len_m", 10000); /* V3: R1 only; R3 is gravel */
    real_is(vo, 2, "len_surf_gravel_m", 2500);
    real_is(vo, 3, "n_clinic", 0);
    /* clipped roads: V1 R1 R2, V2 R2, V3 R1 R3, V4 R3 */
    assert_int_equal(hl_table_rows(rb), 6);
    assert_string_equal(hl_table_text(rb, 4, col(rb, "road_id")), "R3");
    assert_string_equal(hl_table_text(rb, 4, col(rb, "village_code")), "140521002001");
    real_is(rb, 4, "len_m", 2500);
    /* county: 30 km of road, 25 km hardened, 200 km2 */
    real_is(cs, 0, "road_len_m", 30000);
    real_is(cs, 0, "hardened_len_m", 25000);
    real_is(cs, 0, "road_density_km_km2", 0.15);
    real_is(cs, 0, "n_township_seat", 2);
    run_free(&r);
}

/* Without the 5G layer DIG-02 is skipped: NULL columns and an info finding. */
static void test_missing_layer(void **state) {
    run r;
    hl_table *vi;
    bool noted = false;
    (void)state;
    run_plan(&r, "plan_no5g.yaml", NULL);
    vi = table(&r, "village_indicators");
    for (size_t i = 0; i < 6; i++) {
        assert_true(hl_table_is_null(vi, i, col(vi, "dig_02_value")));
        assert_true(hl_table_is_null(vi, i, col(vi, "dig_02_meets")));
    }
    real_is(table(&r, "county_summary"), 0, "dig_02_share_units", N_);
    for (size_t i = 0; i < hl_qa_count(hl_analysis_qa(r.a)); i++) {
        const hl_qa_issue *q = hl_qa_get(hl_analysis_qa(r.a), i);
        if (!strcmp(q->code, "indicator_skipped") && q->feature_id && !strcmp(q->feature_id, "DIG-02")) {
            assert_int_equal(q->severity, HL_QA_INFO);
            noted = true;
        }
    }
    assert_true(noted);
    flag_is(vi, 0, "road_01_meets", 1); /* the rest is unchanged */
    run_free(&r);
}

/* The access-tables hand-over (hl_analysis_opts.on_access_tables): called
 * once after the access stage with its tables (service areas among them),
 * and, when a later stage fails, once more with NULL before the tables are
 * destroyed, so that a writer reading them can stop first. */
typedef struct handover {
    hl_ctx *ctx;
    int calls, null_calls;
    size_t n;
    bool has_service_areas;
    bool interrupt; /* fail the coverage stage by interrupting */
} handover;

static void on_tables(void *user, hl_table *const *tables, size_t n, const char *crs) {
    handover *h = user;
    h->calls++;
    if (!tables) {
        h->null_calls++;
        assert_int_equal(n, 0);
        return;
    }
    assert_non_null(crs);
    h->n = n;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(hl_table_name(tables[i]), "service_areas")) h->has_service_areas = true;
    if (h->interrupt) hl_ctx_interrupt(h->ctx);
}

static void test_access_handover(void **state) {
    (void)state;
    for (int fail = 0; fail < 2; fail++) {
        hl_ctx *ctx = hl_ctx_create();
        hl_plan *plan = NULL;
        hl_analysis *a = NULL;
        hl_analysis_opts o;
        handover h = {ctx, 0, 0, 0, false, fail == 1};
        assert_int_equal(hl_plan_load(ctx, DATA "plan.yaml", &plan), HL_OK);
        hl_analysis_opts_init(&o);
        o.on_access_tables = on_tables;
        o.user = &h;
        if (!fail) {
            assert_int_equal(hl_analysis_run(ctx, plan, &o, &a), HL_OK);
            assert_int_equal(h.calls, 1);
            assert_int_equal(h.null_calls, 0);
            assert_true(h.n > 0 && h.n < hl_analysis_table_count(a));
            /* the handed tables are the first ones of the result, in order */
            assert_string_equal(hl_table_name(hl_analysis_table(a, h.n - 1)), "service_area_roads");
        } else {
            assert_int_equal(hl_analysis_run(ctx, plan, &o, &a), HL_E_INTERRUPTED);
            assert_null(a);
            assert_int_equal(h.calls, 2);
            assert_int_equal(h.null_calls, 1);
        }
        assert_true(h.has_service_areas);
        hl_analysis_destroy(a);
        hl_plan_destroy(plan);
        hl_ctx_destroy(ctx);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_village_indicators), cmocka_unit_test(test_rollups), cmocka_unit_test(test_totals),
        cmocka_unit_test(test_threshold_change),   cmocka_unit_test(test_gaps),    cmocka_unit_test(test_overlay),
        cmocka_unit_test(test_missing_layer),      cmocka_unit_test(test_access_handover),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
