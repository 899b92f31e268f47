/* The layer model: the features of one input layer (one role, or one
 * facility kind), read once, reprojected into the working CRS and then
 * read-only.  A feature has its source fid, its geometry and its attribute
 * values as UTF-8 text; canonical field names ("population", "class") are
 * bound to source columns by the plan and the layer specifications. */
#ifndef HL_LAYER_H
#define HL_LAYER_H

#include "hl/core.h"
#include "hl/qa.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hl_layer hl_layer;

/* Where a layer comes from and how to read it. */
typedef struct hl_layer_source {
    const char *role;     /* "roads", "facilities", ... */
    const char *kind;     /* facility kind or NULL */
    const char *path;     /* OGR source: file, folder, /vsi path or PG: string */
    const char *layer;    /* layer name, NULL = the only layer */
    const char *where;    /* attribute filter, NULL = none */
    const char *encoding; /* forced encoding, NULL = detect */
    const char *crs;      /* CRS for a source without one (or to override), NULL = the source's */
    const char *fallback_crs; /* the plan's top-level CRS, used when neither the source nor `crs` gives one */
    hl_geom_kind want;    /* expected geometry, HL_GEOM_UNKNOWN = any */
} hl_layer_source;

/* Facts about a source found before reading it (used to choose the working CRS). */
typedef struct hl_layer_probe {
    bool has_extent;
    double lon_min, lat_min, lon_max, lat_max; /* WGS 84 degrees */
    int64_t feature_count;
} hl_layer_probe;

/* Find the extent of a source in WGS 84 degrees without reading its
 * features.  Errors as hl_layer_read. */
hl_status hl_layer_probe_source(hl_ctx *ctx, const hl_layer_source *src, hl_layer_probe *out);

/* Read a layer into memory in the working CRS `working_crs` (text such as
 * "EPSG:4546").  Features whose geometry is NULL, empty, non-finite, of the
 * wrong kind or invalid are recorded in `qa` (may be NULL) and kept with a
 * NULL geometry (invalid polygons are repaired with MakeValid and kept).
 * The caller destroys *out.  Errors: HL_E_IO (missing/unreadable source),
 * HL_E_FORMAT (not a vector source, layer missing, bad filter), HL_E_CRS
 * (no CRS, unknown CRS, coordinates that cannot belong to it). */
hl_status hl_layer_read(hl_ctx *ctx, const hl_layer_source *src, const char *working_crs, hl_qa *qa,
                        hl_layer **out);
void hl_layer_destroy(hl_layer *layer);

size_t hl_layer_count(const hl_layer *layer);
const char *hl_layer_role(const hl_layer *layer);
const char *hl_layer_kind(const hl_layer *layer);
/* "file" or "file:layer", for messages. */
const char *hl_layer_source_name(const hl_layer *layer);
const char *hl_layer_encoding(const hl_layer *layer);
hl_geom_kind hl_layer_geom_kind(const hl_layer *layer);

size_t hl_layer_field_count(const hl_layer *layer);
const char *hl_layer_field_name(const hl_layer *layer, size_t i);
/* Index of a source field by exact name, or SIZE_MAX. */
size_t hl_layer_field_index(const hl_layer *layer, const char *name);

/* Bind a canonical field to a source column.  Returns HL_E_DATA if the
 * column does not exist (message names the layer and lists its fields). */
hl_status hl_layer_bind(hl_ctx *ctx, hl_layer *layer, const char *canonical, const char *source_field);
/* Whether a canonical field is bound. */
bool hl_layer_has(const hl_layer *layer, const char *canonical);
/* The source column bound to a canonical field, or NULL. */
const char *hl_layer_bound_field(const hl_layer *layer, const char *canonical);

int64_t hl_layer_fid(const hl_layer *layer, size_t i);
/* Attribute value of feature i for a canonical field, borrowed; NULL if the
 * field is unbound or the value is null/empty. */
const char *hl_layer_value(const hl_layer *layer, size_t i, const char *canonical);
/* Raw value by source column index, borrowed, NULL if null. */
const char *hl_layer_raw(const hl_layer *layer, size_t i, size_t field);
/* Numeric value, or `dflt` if unbound, null or not a number. */
double hl_layer_number(const hl_layer *layer, size_t i, const char *canonical, double dflt);
/* The feature's id: the bound `id` (or `code`) field if set, else its fid.
 * Written into buf, which is returned. */
const char *hl_layer_id(const hl_layer *layer, size_t i, char *buf, size_t size);

/* Geometry of feature i as a point: the point itself, or for lines and
 * polygons a point on the feature (polygon: point on surface).  False if
 * the feature has no usable geometry. */
bool hl_layer_point(const hl_layer *layer, size_t i, double *x, double *y);
/* Whether feature i has a usable geometry. */
bool hl_layer_has_geom(const hl_layer *layer, size_t i);

#ifdef __cplusplus
}
#endif
#endif
