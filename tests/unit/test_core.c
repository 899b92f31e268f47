/* Unit tests for the core module: errors, allocation failure injection, growth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "hl/core.h"

static void test_error_message_and_code(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    assert_non_null(ctx);
    assert_int_equal(hl_error(ctx, HL_E_IO, "cannot open %s", "roads.shp"), HL_E_IO);
    assert_string_equal(hl_ctx_errmsg(ctx), "cannot open roads.shp");
    hl_error_prefix(ctx, "layer %s", "roads");
    assert_string_equal(hl_ctx_errmsg(ctx), "layer roads: cannot open roads.shp");
    assert_int_equal(hl_ctx_errcode(ctx), HL_E_IO);
    assert_int_equal(hl_status_exit_code(HL_E_IO), 3);
    assert_int_equal(hl_status_exit_code(HL_OK), 0);
    hl_ctx_destroy(ctx);
}

static void test_alloc_failure_injection(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    hl_ctx_fail_alloc_after(ctx, 3);
    void *a = hl_malloc(ctx, 8), *b = hl_malloc(ctx, 8), *c = hl_malloc(ctx, 8);
    assert_non_null(a);
    assert_non_null(b);
    assert_null(c);
    assert_int_equal(hl_ctx_alloc_count(ctx), 3);
    hl_free(a);
    hl_free(b);
    hl_ctx_fail_alloc_after(ctx, 0);
    c = hl_malloc(ctx, 8);
    assert_non_null(c);
    hl_free(c);
    hl_ctx_destroy(ctx);
}

static void test_grow_geometric(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    int *arr = NULL;
    size_t cap = 0, reallocs = 0, last = 0;
    for (size_t i = 0; i < 1000; i++) {
        assert_int_equal(hl_grow(ctx, (void **)&arr, &cap, i + 1, sizeof *arr), HL_OK);
        if (cap != last) { reallocs++; last = cap; }
        arr[i] = (int)i;
    }
    /* 16, 32, ..., 1024: 7 growths, not 1000 */
    assert_int_equal(reallocs, 7);
    assert_int_equal(cap, 1024);
    assert_int_equal(arr[999], 999);
    hl_free(arr);
    hl_ctx_destroy(ctx);
}

static void test_sprintf_and_strdup(void **state) {
    (void)state;
    hl_ctx *ctx = hl_ctx_create();
    char *s = hl_sprintf(ctx, "%s-%d", "村", 12);
    assert_string_equal(s, "村-12");
    char *d = hl_strdup(ctx, s);
    assert_string_equal(d, "村-12");
    assert_null(hl_strdup(ctx, NULL));
    hl_free(s);
    hl_free(d);
    hl_ctx_destroy(ctx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_message_and_code),
        cmocka_unit_test(test_alloc_failure_injection),
        cmocka_unit_test(test_grow_geometric),
        cmocka_unit_test(test_sprintf_and_strdup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
