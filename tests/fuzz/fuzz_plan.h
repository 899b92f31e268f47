/* Fuzz entry for the plan parser: the bytes are a plan file.  Shared by
 * fuzz_plan.c (libFuzzer) and tests/unit/test_fuzz_regressions.c. */
#ifndef HL_FUZZ_PLAN_H
#define HL_FUZZ_PLAN_H

#include "fuzz_common.h"
#include "hl/plan.h"

static inline int hl_fuzz_plan(const uint8_t *data, size_t size) {
    hl_ctx *ctx = hl_ctx_create();
    hl_plan *plan = NULL;
    hl_status rc;
    if (!ctx) return 0;
    rc = hl_plan_parse(ctx, (const char *)data, size, "/nonexistent/county/plan.yaml", &plan);
    if (rc) {
        HL_FUZZ_CHECK(plan == NULL);
        hl_fuzz_check_error(ctx, rc);
        /* only the statuses the parser documents */
        HL_FUZZ_CHECK(rc == HL_E_PLAN || rc == HL_E_NOMEM);
    } else {
        HL_FUZZ_CHECK(plan != NULL);
        HL_FUZZ_CHECK(plan->n_layers > 0);
        HL_FUZZ_CHECK(plan->crs && plan->standard);
        HL_FUZZ_CHECK(plan->text && plan->path && plan->dir);
        /* the documented ranges */
        HL_FUZZ_CHECK(plan->k_nearest >= 1);
        for (size_t i = 0; i < plan->n_layers; i++) {
            const hl_plan_layer *L = &plan->layers[i];
            HL_FUZZ_CHECK(L->role && L->source);
            HL_FUZZ_CHECK(hl_plan_find(plan, L->role, L->kind) != NULL);
            for (size_t j = 0; j < L->n_fields; j++) {
                HL_FUZZ_CHECK(L->field_keys[j] && L->field_values[j]);
                HL_FUZZ_CHECK(hl_plan_layer_field(L, L->field_keys[j]) != NULL);
            }
        }
        for (size_t i = 0; i < plan->n_service_area_min; i++)
            HL_FUZZ_CHECK(plan->service_area_min[i] == plan->service_area_min[i]); /* not NaN */
        for (size_t i = 0; hl_plan_roles[i]; i++) (void)hl_plan_find(plan, hl_plan_roles[i], NULL);
    }
    hl_plan_destroy(plan);
    hl_ctx_destroy(ctx);
    return 0;
}

#endif
