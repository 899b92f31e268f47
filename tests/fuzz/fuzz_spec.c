/* libFuzzer target: layer specifications and standards presets
 * (hl_spec_set_load, hl_standard_load).  Entry code in fuzz_spec.h. */
#include "fuzz_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return hl_fuzz_spec(data, size); }
