/* Result tables: named columns of integers, reals and text, with an
 * optional geometry per row, built in memory by the analysis and written
 * by the io module as GeoPackage layers.  Rows keep insertion order, which
 * the analysis makes deterministic. */
#ifndef HL_TABLE_H
#define HL_TABLE_H

#include "hl/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hl_col_type { HL_COL_INT, HL_COL_REAL, HL_COL_TEXT } hl_col_type;

typedef struct hl_table hl_table;

/* Create an empty table named `name` whose rows carry geometries of kind
 * `geom` (HL_GEOM_NONE for a plain table).  Caller destroys it. */
hl_status hl_table_create(hl_ctx *ctx, const char *name, hl_geom_kind geom, hl_table **out);
void hl_table_destroy(hl_table *t);
/* Add a column; *col receives its index (may be NULL).  Columns must be
 * added before the first row. */
hl_status hl_table_add_column(hl_ctx *ctx, hl_table *t, const char *name, hl_col_type type, size_t *col);
/* Add a row with every cell null; *row receives its index (may be NULL).
 * `wkb` (may be NULL) is the row's geometry as WKB in the working CRS,
 * copied. */
hl_status hl_table_add_row(hl_ctx *ctx, hl_table *t, const unsigned char *wkb, size_t wkb_size, size_t *row);
/* Set cells.  Out-of-range indices and type mismatches are programmer
 * errors (ignored in release builds).  Text is copied. */
void hl_table_set_int(hl_table *t, size_t row, size_t col, int64_t v);
void hl_table_set_real(hl_table *t, size_t row, size_t col, double v); /* non-finite -> null */
hl_status hl_table_set_text(hl_ctx *ctx, hl_table *t, size_t row, size_t col, const char *v);
/* Column index by name, or SIZE_MAX. */
size_t hl_table_column(const hl_table *t, const char *name);

const char *hl_table_name(const hl_table *t);
hl_geom_kind hl_table_geom_kind(const hl_table *t);
size_t hl_table_rows(const hl_table *t);
size_t hl_table_columns(const hl_table *t);
const char *hl_table_column_name(const hl_table *t, size_t col);
hl_col_type hl_table_column_type(const hl_table *t, size_t col);
bool hl_table_is_null(const hl_table *t, size_t row, size_t col);
int64_t hl_table_int(const hl_table *t, size_t row, size_t col);
double hl_table_real(const hl_table *t, size_t row, size_t col); /* NAN if null */
const char *hl_table_text(const hl_table *t, size_t row, size_t col); /* NULL if null */
/* The row's geometry as WKB, borrowed; NULL if none. */
const unsigned char *hl_table_wkb(const hl_table *t, size_t row, size_t *size);

/* Write tables as layers of a new GeoPackage at `path` (which must not
 * exist), in the CRS `crs` ("EPSG:4546" or WKT).  Each table is written in
 * one transaction.  Errors: HL_E_IO, HL_E_DEP. */
hl_status hl_io_write_gpkg(hl_ctx *ctx, const char *path, const char *crs, hl_table *const *tables, size_t n);
/* hl_io_write_gpkg into an existing GeoPackage written by it: the tables
 * become further layers after the ones already there.  Writing tables in two
 * calls gives the same layers as one call (not the same bytes). */
hl_status hl_io_append_gpkg(hl_ctx *ctx, const char *path, const char *crs, hl_table *const *tables, size_t n);
/* Write one table as CSV (UTF-8, header row, no geometry) at `path`. */
hl_status hl_io_write_csv(hl_ctx *ctx, const char *path, const hl_table *t);

#ifdef __cplusplus
}
#endif
#endif
