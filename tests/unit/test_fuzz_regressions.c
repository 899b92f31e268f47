/* Replays the fuzz seed corpus (tests/fuzz/corpus/<target>/) and every input
 * that once broke something (tests/fuzz/regressions/<target>/) through the
 * same entry functions the libFuzzer targets use (tests/fuzz/fuzz_<x>.h), in
 * the normal build without libFuzzer.  A broken invariant aborts; under the
 * ASan build a memory error or leak fails the test too.  The seeds run in this
 * process; each regression input runs in a child process with a time limit
 * (REGRESSION_TIMEOUT_S), so a crash or a hang is reported with the file name
 * and the other inputs still run.  See tests/fuzz/regressions/README.md for
 * inputs that still fail (KNOWN-FAIL). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/fuzz_geom.h"
#include "../fuzz/fuzz_network.h"
#include "../fuzz/fuzz_plan.h"
#include "../fuzz/fuzz_spec.h"

typedef int (*fuzz_fn)(const uint8_t *, size_t);

#define REGRESSION_TIMEOUT_S 10

/* Run fn on buf in a child; returns 0 when it returned normally in time,
 * else prints why and returns 1. */
static int run_isolated(const char *path, fuzz_fn fn, const uint8_t *buf, size_t len) {
    pid_t pid;
    int status = 0;
    time_t t0 = time(NULL);
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        fn(buf, len);
        hl_fuzz_dir_buf[0] = '\0'; /* the parent's scratch folder: the parent removes it */
        exit(0);                    /* exit, not _exit: LeakSanitizer checks at exit */
    }
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) break;
        if (time(NULL) - t0 > REGRESSION_TIMEOUT_S) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            fprintf(stderr, "FAIL %s: no answer after %d s (a hang)\n", path, REGRESSION_TIMEOUT_S);
            return 1;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    hl_fuzz_spec_restore_all(); /* a killed child may have left a spec file replaced */
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "FAIL %s: killed by signal %d (a crash)\n", path, WTERMSIG(status));
        return 1;
    }
    if (WEXITSTATUS(status) != 0) {
        fprintf(stderr, "FAIL %s: exit status %d (sanitizer report or broken invariant above)\n", path,
                WEXITSTATUS(status));
        return 1;
    }
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Run every file of `dir` (sorted by name) through fn, in this process or
 * each in a child (`isolated`); returns the count, and adds the number of
 * failed inputs to *failed. */
static size_t replay_dir(const char *dir, fuzz_fn fn, bool isolated, size_t *failed) {
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    if (!d) return 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            names = realloc(names, cap * sizeof *names);
            assert_non_null(names);
        }
        names[n] = strdup(e->d_name);
        assert_non_null(names[n]);
        n++;
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char path[2048];
        FILE *f;
        long len;
        uint8_t *buf;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        f = fopen(path, "rb");
        assert_non_null(f);
        fseek(f, 0, SEEK_END);
        len = ftell(f);
        fseek(f, 0, SEEK_SET);
        buf = malloc(len > 0 ? (size_t)len : 1);
        assert_non_null(buf);
        assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
        fclose(f);
        if (isolated) *failed += (size_t)run_isolated(path, fn, buf, (size_t)len);
        else fn(buf, (size_t)len); /* aborts on a broken invariant */
        free(buf);
        free(names[i]);
    }
    free(names);
    return n;
}

static void replay(const char *target, fuzz_fn fn, size_t min_seeds) {
    char dir[1024];
    size_t n, failed = 0;
    /* shared state is made before any child runs */
    assert_non_null(hl_fuzz_dir());
    assert_int_equal(hl_fuzz_spec_setup(), 0);
    snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", HL_SOURCE_DIR, target);
    n = replay_dir(dir, fn, false, &failed);
    assert_true(n >= min_seeds); /* the seed corpus is there */
    snprintf(dir, sizeof dir, "%s/tests/fuzz/regressions/%s", HL_SOURCE_DIR, target);
    replay_dir(dir, fn, true, &failed);
    /* KNOWN-FAIL: regressions/plan/hang-libfyaml-* and regressions/spec/hang-libfyaml-* hang in
     * libfyaml 0.7 until hl_plan_parse and the spec/standard loader refuse text that is not UTF-8;
     * regressions/geom/ubsan-crs-zone-* fail under -fsanitize=undefined until hl_io_check_coords
     * stops casting huge eastings to int (see tests/fuzz/README.md). */
    assert_int_equal(failed, 0);
}

static void test_plan(void **state) {
    (void)state;
    replay("plan", hl_fuzz_plan, 3);
}
static void test_spec(void **state) {
    (void)state;
    replay("spec", hl_fuzz_spec, 3);
}
static void test_geom(void **state) {
    (void)state;
    replay("geom", hl_fuzz_geom, 3);
    /* the seeds get through the loader, not only into its error paths */
    assert_true(hl_fuzz_geom_stats.read_ok >= 5);
    assert_true(hl_fuzz_geom_stats.features_with_geom >= 8);
    assert_true(hl_fuzz_geom_stats.qa_issues >= 3); /* the bow-tie and the NULL/empty geometries */
}
static void test_network(void **state) {
    (void)state;
    replay("network", hl_fuzz_network, 3);
    /* the brute-force oracles ran */
    assert_true(hl_fuzz_network_stats.built >= 3);
    assert_true(hl_fuzz_network_stats.placed_checked >= 5);
    assert_true(hl_fuzz_network_stats.unplaced_checked >= 1);
    assert_true(hl_fuzz_network_stats.search_checked >= 3);
}

/* Hand-made inputs for edge cases the corpus may not hold. */
static void test_edge_inputs(void **state) {
    (void)state;
    hl_fuzz_plan((const uint8_t *)"", 0);
    hl_fuzz_plan((const uint8_t *)"\0\0\0", 3);
    hl_fuzz_spec((const uint8_t *)"\x08", 1);     /* an empty villages.yaml */
    hl_fuzz_spec((const uint8_t *)"\x0c", 1);     /* an empty national.yaml */
    hl_fuzz_geom((const uint8_t *)"", 0);
    hl_fuzz_geom((const uint8_t *)"W", 1);
    hl_fuzz_network((const uint8_t *)"", 0);
    hl_fuzz_network((const uint8_t *)"\xff\x0f", 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan),    cmocka_unit_test(test_spec),       cmocka_unit_test(test_geom),
        cmocka_unit_test(test_network), cmocka_unit_test(test_edge_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
