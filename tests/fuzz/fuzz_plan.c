/* libFuzzer target: the plan parser (hl_plan_parse).  The entry code is in
 * fuzz_plan.h so the regression replay test runs the same code. */
#include "fuzz_plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return hl_fuzz_plan(data, size); }
