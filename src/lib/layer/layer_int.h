/* Internals of the layer model: the structures the pipeline modules read
 * directly (geometries stay GEOS objects owned by the layer). */
#ifndef HL_LAYER_INT_H
#define HL_LAYER_INT_H

#include <geos_c.h>

#include "hl/layer.h"

typedef struct hl_feature {
    int64_t fid;
    GEOSGeometry *geom; /* working CRS; NULL if missing or unusable */
    char **values;      /* one per source field (UTF-8), NULL = null */
    double px, py;      /* representative point (valid if has_point) */
    bool has_point;
} hl_feature;

typedef struct hl_binding {
    char *canonical;
    size_t field;
} hl_binding;

struct hl_layer {
    hl_ctx *ctx;
    char *role, *kind, *source_name, *encoding;
    hl_geom_kind geom_kind;
    size_t n_fields;
    char **field_names;
    size_t n, cap;
    hl_feature *feat;
    size_t n_bind, cap_bind;
    hl_binding *bind;
};

/* Create an empty layer (used by the reader and by tests that build layers
 * in code).  Strings are copied.  The caller destroys it. */
hl_status hl__layer_create(hl_ctx *ctx, const char *role, const char *kind, const char *source_name,
                           hl_geom_kind kind_geom, size_t n_fields, const char *const *field_names,
                           hl_layer **out);
/* Append a feature: takes ownership of `geom_owned` (even on failure) and
 * copies the n_fields values (NULL = null). */
hl_status hl__layer_append(hl_ctx *ctx, hl_layer *layer, int64_t fid, GEOSGeometry *geom_owned,
                           const char *const *values);
/* The GEOS geometry of feature i, borrowed (NULL if none). */
const GEOSGeometry *hl__layer_geom(const hl_layer *layer, size_t i);
/* Add a column (all null) named `name`; *field receives its index. */
hl_status hl__layer_add_field(hl_ctx *ctx, hl_layer *layer, const char *name, size_t *field);
/* Set the value of feature i in column `field` (copied; NULL = null). */
hl_status hl__layer_set_raw(hl_ctx *ctx, hl_layer *layer, size_t i, size_t field, const char *value);

#endif
