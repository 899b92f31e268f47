/* Private declarations shared by the io module's files (encoding.c, crs.c,
 * gcj02.c, info.c and the feature loader read.c).  This header may include
 * GDAL/OGR headers; nothing outside src/lib/io includes it. */
#ifndef HL_IO_INT_H
#define HL_IO_INT_H

/* GDAL's VSIStatBufL is a struct stat64: needs the LFS64 names, which the
 * strict C11 + _POSIX_C_SOURCE build hides.  io_int.h must therefore be the
 * first include of every io .c file. */
#ifndef _LARGEFILE64_SOURCE
#define _LARGEFILE64_SOURCE 1
#endif

#include "hl/io.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

/* The CRS handle: an OGR spatial reference (always with the traditional
 * GIS axis order) plus the GCJ-02 flag (srs is then WGS 84). */
struct hl_crs {
    OGRSpatialReferenceH srs;
    bool gcj02;
};

/* Wrap a clone of `srs` (borrowed, may come from OGR_L_GetSpatialRef) in a
 * new hl_crs the caller destroys.  The clone gets the traditional GIS axis
 * order. */
hl_status hl__io_crs_from_ogr(hl_ctx *ctx, OGRSpatialReferenceH srs, hl_crs **out);

/* The OGR spatial reference inside `crs`, borrowed (valid while crs
 * lives).  For GCJ-02 this is WGS 84: callers must not hand it to GDAL as
 * if the data were WGS 84 without the offset. */
OGRSpatialReferenceH hl__io_crs_ogr(const hl_crs *crs);

/* Transform every vertex of `geom` in place with `xf` (handles the GCJ-02
 * step, which a plain OGRCoordinateTransformation cannot).  HL_E_CRS if a
 * point fails, HL_E_NOMEM. */
hl_status hl__io_xform_geometry(hl_ctx *ctx, hl_io_xform *xf, OGRGeometryH geom);

/* The PROJ transformation inside `xf`, borrowed; NULL when the transform
 * is the identity or GCJ-02 only.  Only valid to use alone when
 * hl__io_xform_has_gcj02(xf) is false. */
OGRCoordinateTransformationH hl__io_xform_oct(const hl_io_xform *xf);
bool hl__io_xform_has_gcj02(const hl_io_xform *xf);

/* True if `path` names a shapefile or a bare .dbf (case-insensitive
 * extension), or a folder GDAL would read as shapefiles. */
bool hl__io_is_shapefile_path(const char *path);

/* GDAL error capture: push a handler that records the first message and
 * counts warnings/errors instead of printing them; pop restores. */
typedef struct hl__io_cpl_capture {
    int n_warnings;
    int n_errors;
    char first_warning[256];
    char last_error[512];
} hl__io_cpl_capture;
void hl__io_cpl_push(hl__io_cpl_capture *cap);
void hl__io_cpl_pop(void);

/* Call GDALAllRegister once (cheap after the first time). */
void hl__io_gdal_init(void);

/* The kind of an OGR geometry type (curves count as lines and polygons). */
hl_geom_kind hl__io_geom_kind(OGRwkbGeometryType t);

#endif
