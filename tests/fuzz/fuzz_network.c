/* libFuzzer target: network build, placement, routable graph and search
 * (checked against brute force).  Entry code in fuzz_network.h. */
#include "fuzz_network.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return hl_fuzz_network(data, size); }
