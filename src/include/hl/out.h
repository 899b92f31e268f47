/* hinterland outputs: atomic output files, GeoPackage finalisation (QGIS
 * styles, Chinese column titles, metadata, fixed timestamps), export to
 * Shapefile / GeoJSON / CSV / PostGIS, XLSX and CSV tables, a QGIS project
 * file and a single-file offline HTML report.
 *
 * Thread rule: every function takes its own hl_ctx and may run on any
 * thread, except the atomic-output registry used by
 * hl_out_abort_all_signal_safe, which is process-wide (the CLI is single
 * threaded; at most HL_OUT_MAX_PENDING outputs are pending at once). */
#ifndef HL_OUT_H
#define HL_OUT_H

#include "hl/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Atomic output
 * ------------------------------------------------------------------ */

/* The most outputs that may be pending (begun, not yet committed or
 * aborted) at the same time in one process. */
#define HL_OUT_MAX_PENDING 8

/* An output being written: a temporary file (or folder) in the target
 * folder, named ".<name>.tmp-<pid>", renamed over the final path on
 * commit. */
typedef struct hl_out_file hl_out_file;

/* Begin an output file.  Fails with HL_E_EXISTS if `final_path` exists and
 * !force, HL_E_IO if its folder is missing or not writable (the message
 * names the path and says what to do), HL_E_ARG if too many outputs are
 * pending.  A stale temporary of the same name is removed first.  No file
 * is created: the caller creates hl_out_temp_path(*out) (e.g. with OGR).
 * On success *out is owned by the caller until hl_out_commit or
 * hl_out_abort. */
hl_status hl_out_begin(hl_ctx *ctx, const char *final_path, bool force, hl_out_file **out);
/* Like hl_out_begin for a folder of files (export): the temporary folder
 * is created (mode 0777 & ~umask).  On commit an existing final folder
 * (only with force) is moved aside, the temporary renamed into place, and
 * the old one removed. */
hl_status hl_out_begin_dir(hl_ctx *ctx, const char *final_dir, bool force, hl_out_file **out);
/* The temporary path to write to; borrowed, valid until commit/abort. */
const char *hl_out_temp_path(const hl_out_file *f);
/* The final path; borrowed, valid until commit/abort. */
const char *hl_out_final_path(const hl_out_file *f);
/* fsync the temporary (and the folder), rename it over the final path.
 * Frees f whatever the result; on failure the temporary is removed and
 * an existing final output is left as it was. */
hl_status hl_out_commit(hl_ctx *ctx, hl_out_file *f);
/* Remove the temporary (for a file also its -wal/-shm/-journal; for a
 * folder its whole content) and free f.  NULL does nothing. */
void hl_out_abort(hl_out_file *f);
/* For a SIGINT/SIGTERM handler: unlink every pending temporary file
 * (and its -wal/-shm/-journal) using only async-signal-safe calls.
 * Pending temporary folders are only rmdir'ed (they are removed fully by
 * hl_out_abort when not in a signal handler). */
void hl_out_abort_all_signal_safe(void);

/* ---------------------------------------------------------------------
 * GeoPackage finalisation
 * ------------------------------------------------------------------ */

/* Run metadata written into the GeoPackage (gpkg_metadata) and the report.
 * All strings are borrowed; NULL means absent. */
typedef struct hl_out_meta {
    const char *plan_yaml;       /* the plan text as run */
    const char *thresholds_json; /* JSON array [{"id","name","value","unit","source","confidence"},...] */
    const char *working_crs;     /* e.g. "EPSG:4547" */
    const char *tool_version;    /* NULL = hl_version() */
    const char *lang;            /* "zh" (default) or "en": which alias language the QML shows */
    const char *timestamp;       /* fixed ISO-8601 time for every timestamp; NULL = "2000-01-01T00:00:00.000Z" */
    const char *fields_yaml;     /* the field catalogue path; NULL = hl_out_fields_path() */
} hl_out_meta;

/* Fill *m with defaults (all NULL). */
void hl_out_meta_init(hl_out_meta *m);

/* After the GPKG is written and closed by OGR: add QGIS styles (table
 * layer_styles, one default style per layer plus alternative styles for
 * each styled column), column titles (gpkg_data_columns: name = title =
 * alias in meta->lang, description = English alias; extension gpkg_schema
 * registered), metadata (gpkg_metadata / gpkg_metadata_reference: plan,
 * thresholds with sources, working CRS, tool version) and set every
 * timestamp (gpkg_contents.last_change, layer_styles.update_time,
 * gpkg_metadata_reference.timestamp) to meta->timestamp; finish with VACUUM.
 * Idempotent: running it twice gives the same bytes as running it once,
 * and identical inputs give identical bytes.  meta may be NULL. */
hl_status hl_out_finalize_gpkg(hl_ctx *ctx, const char *gpkg_path, const hl_out_meta *meta);

/* ---------------------------------------------------------------------
 * Field catalogue and styles
 * ------------------------------------------------------------------ */

/* The folder holding fields.yaml: env HL_LAYERS_DIR, else
 * HL_SOURCE_DIR "/layers".  Borrowed static string. */
const char *hl_out_layers_dir(void);
/* The folder holding vendored JS: env HL_VENDOR_DIR, else
 * HL_SOURCE_DIR "/vendor".  Borrowed static string. */
const char *hl_out_vendor_dir(void);

/* Aliases of one column as the field catalogue gives them.  *zh and *en
 * are new strings the caller frees with hl_free (never NULL on HL_OK: a
 * column the catalogue does not know gets its own name). */
hl_status hl_out_field_alias(hl_ctx *ctx, const char *fields_yaml, const char *layer,
                             const char *column, char **zh, char **en);

/* The QGIS style (QML document) of one layer of a GeoPackage, in the
 * language "zh" or "en".  `style_field` NULL = the layer's default style,
 * else a style classed by that column.  *qml is a new string the caller
 * frees with hl_free. */
hl_status hl_out_layer_qml(hl_ctx *ctx, const char *gpkg_path, const char *layer,
                           const char *style_field, const char *lang, char **qml);

/* ---------------------------------------------------------------------
 * Export
 * ------------------------------------------------------------------ */

/* Shorten field names to at most `max_len` bytes (Shapefile: 10), without
 * collisions (case-insensitive) and deterministically: names that fit are
 * kept; a longer one is cut to max_len; if that collides with a name
 * already taken (earlier in the list, or kept unchanged anywhere), it is
 * cut to max_len-2 and given a 2-digit counter 01..99 (first free).
 * `names` has n entries; *out_short is a new array of n new strings; free
 * with hl_out_free_names(*out_short, n). */
hl_status hl_out_shorten_names(hl_ctx *ctx, const char *const *names, size_t n, size_t max_len,
                               char ***out_short);
void hl_out_free_names(char **names, size_t n);

typedef struct hl_out_export_opts {
    const char *format;   /* "ESRI Shapefile" | "GeoJSON" | "CSV" | "PostgreSQL" */
    const char *dest;     /* folder, or "PG:..." connection string for PostgreSQL */
    const char *encoding; /* "UTF-8" (default) or "GBK" (Shapefile, CSV) */
    const char *layers;   /* comma-separated layer names; NULL = all */
    const char *lang;     /* alias language of the .qml files ("zh" default) */
    bool force;           /* overwrite an existing folder / tables */
} hl_out_export_opts;
void hl_out_export_opts_init(hl_out_export_opts *o);
/* Export the layers of a finalised GeoPackage.  Files go into a temporary
 * folder renamed to o->dest on success: one file set per layer (.shp with
 * .cpg, .prj, .qml), fields_mapping.csv (layer, short name, full name,
 * alias zh, alias en).  PostgreSQL writes straight to the database (with
 * OVERWRITE only when force). */
hl_status hl_out_export(hl_ctx *ctx, const char *gpkg_path, const hl_out_export_opts *o);

/* ---------------------------------------------------------------------
 * Tables, QGIS project, report
 * ------------------------------------------------------------------ */

/* Write CSV (UTF-8 with BOM, so Excel opens it; header row of column names;
 * fid and geometry left out) of village_indicators, township_summary,
 * county_summary, gaps and indicator_summary into the existing folder
 * `dir` (<layer>.csv), and, when the library is built with libxlsxwriter
 * (HL_HAVE_XLSXWRITER), <gpkg base name>.xlsx with one sheet per table
 * (row 1 Chinese aliases, row 2 column names).  Each file is atomic. */
hl_status hl_out_write_tables(hl_ctx *ctx, const char *gpkg_path, const char *dir);

/* Write a QGIS project (.qgs) opening every layer of the GeoPackage (path
 * stored relative to the project) in a fixed order, county and townships
 * at the bottom, with the styles of hl_out_layer_qml. Atomic. */
hl_status hl_out_write_qgs(hl_ctx *ctx, const char *gpkg_path, const char *qgs_path);

typedef struct hl_out_report_opts {
    const char *lang;       /* "zh" (default) or "en" */
    size_t top_gaps;        /* rows of the gap list (default 50) */
    double simplify_tol_m;  /* geometry simplification tolerance (default 20 m) */
    const char *vendor_dir; /* NULL = hl_out_vendor_dir() */
    bool force;             /* overwrite an existing report */
} hl_out_report_opts;
void hl_out_report_opts_init(hl_out_report_opts *o);
/* Write a self-contained HTML report (ECharts inlined, maps from the
 * GeoPackage layers, no network access at open time).  Atomic. */
hl_status hl_out_write_report(hl_ctx *ctx, const char *gpkg_path, const char *html_path,
                              const hl_out_report_opts *o);

#ifdef __cplusplus
}
#endif
#endif
