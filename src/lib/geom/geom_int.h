/* The geom module: GEOS-backed spatial helpers used by the analysis
 * (point-in-polygon lookups over a layer, nearest-feature distances,
 * clipping lengths and areas).  GEOS reentrant API only. */
#ifndef HL_GEOM_INT_H
#define HL_GEOM_INT_H

#include <geos_c.h>

#include "hl/layer.h"

/* A point-in-polygon index over the polygons of a layer. */
typedef struct hl_polyindex hl_polyindex;

/* Index the usable polygon geometries of `layer` (borrowed: it must outlive
 * the index).  Caller destroys *out. */
hl_status hl_polyindex_create(hl_ctx *ctx, const hl_layer *layer, hl_polyindex **out);
void hl_polyindex_destroy(hl_polyindex *ix);
/* The lowest-index feature whose polygon contains (covers) the point, or
 * SIZE_MAX. */
size_t hl_polyindex_find(hl_polyindex *ix, double x, double y);

/* A nearest-geometry index over the usable geometries of a layer (or a
 * subset). */
typedef struct hl_nearindex hl_nearindex;
/* Index features i of `layer` for which keep == NULL or keep[i] is true. */
hl_status hl_nearindex_create(hl_ctx *ctx, const hl_layer *layer, const bool *keep, hl_nearindex **out);
void hl_nearindex_destroy(hl_nearindex *ix);
/* Distance from the point to the nearest indexed geometry (INFINITY if the
 * index is empty); *feature receives its index (ties: lowest index). */
double hl_nearindex_distance(hl_nearindex *ix, double x, double y, size_t *feature);

/* A bounding-box index over the usable geometries of a layer: which
 * features' envelopes meet a query box.  Answers come in ascending feature
 * order, so sums taken over them add in the same order as a scan of the
 * whole layer would. */
typedef struct hl_boxindex hl_boxindex;
/* Index every feature i of `layer` with a geometry and with keep == NULL
 * or keep[i] (layer borrowed; it must outlive the index; keep is read
 * here only).  `layer` may be NULL (an empty index).  Caller destroys *out
 * with hl_boxindex_destroy. */
hl_status hl_boxindex_create(hl_ctx *ctx, const hl_layer *layer, const bool *keep, hl_boxindex **out);
void hl_boxindex_destroy(hl_boxindex *ix);
/* Features whose envelope meets box (xmin, ymin, xmax, ymax): *n of them,
 * ascending, in an array owned by the index and valid until the next query.
 * Returns HL_OK or HL_E_GEOM / HL_E_NOMEM with a message. */
hl_status hl_boxindex_query(hl_boxindex *ix, const double *box, const size_t **hits, size_t *n);
/* Area of polygon P covered by the union of the indexed (polygonal)
 * features, overlaps counted once: area(union of P ∩ feature), from the
 * features near P only, so no study-wide union is ever built.  0 when
 * nothing meets P.  HL_E_GEOM / HL_E_NOMEM with a message. */
hl_status hl_boxindex_covered_area(hl_boxindex *ix, const GEOSGeometry *P, double *area_m2);
/* Whether some indexed feature covers the point (x, y) (boundary
 * included): the same as the union of the features covering it. */
bool hl_boxindex_covers(hl_boxindex *ix, double x, double y);

/* Polygons of the cells marked non-zero in `mask` (nx columns by ny rows,
 * row 0 at the top; cell (i, j) spans x0 + i*cell_m .. x0 + (i+1)*cell_m
 * and y_top - (j+1)*cell_m .. y_top - j*cell_m): one polygon per
 * edge-connected (4-connected) group of cells, with its holes, the same
 * regions GDALPolygonize gives for such a grid.  Rings run along the cell
 * edges with a vertex only where the boundary turns; shells are
 * counter-clockwise, holes clockwise.  *out receives a MultiPolygon owned by
 * the caller (destroy with GEOSGeom_destroy_r on hl__geos(ctx)), or NULL
 * when no cell is marked.  HL_E_NOMEM / HL_E_GEOM (HL_E_ARG for a grid of
 * 2^31 cells or more) with a message. */
hl_status hl_geom_mask_polygons(hl_ctx *ctx, const uint8_t *mask, size_t nx, size_t ny, double x0, double y_top,
                                double cell_m, GEOSGeometry **out);
/* One-cell erosion: out[j*nx+i] = 1 where cell (i, j) and its 8 neighbours
 * are all marked in `in` (cells beyond the grid count as unmarked), else 0.
 * Any point within one cell size of an eroded cell lies in a cell marked in
 * `in`.  `in` and `out` must not overlap. */
void hl_geom_mask_erode(const uint8_t *in, uint8_t *out, size_t nx, size_t ny);

/* WKB (little endian, 2D) of a GEOS geometry; caller frees with GEOSFree_r. */
unsigned char *hl__geom_wkb(hl_ctx *ctx, const GEOSGeometry *g, size_t *size);
/* WKB of a point. Caller frees with GEOSFree_r. */
unsigned char *hl__point_wkb(hl_ctx *ctx, double x, double y, size_t *size);

#endif
