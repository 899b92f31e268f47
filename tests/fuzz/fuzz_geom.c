/* libFuzzer target: geometry ingestion (GeoJSON or WKB through hl_layer_read
 * into EPSG:4546).  Entry code in fuzz_geom.h. */
#include "fuzz_geom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return hl_fuzz_geom(data, size); }
