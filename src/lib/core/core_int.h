/* Internals of the core module shared with other modules of the library. */
#ifndef HL_CORE_INT_H
#define HL_CORE_INT_H

#include <geos_c.h>

#include "hl/core.h"

/* The context's GEOS handle, created on first use with its error and notice
 * handlers routed into the context (a GEOS error becomes the context's
 * message).  NULL only when memory is exhausted. */
GEOSContextHandle_t hl__geos(hl_ctx *ctx);
/* The last message GEOS reported on this context ("" if none). */
const char *hl__geos_last_error(hl_ctx *ctx);

#endif
