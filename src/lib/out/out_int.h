/* Internals shared by the files of the out module: a growable string
 * buffer, the field catalogue (layers/fields.yaml), GeoPackage schema
 * reading and QML generation. */
#ifndef HL_OUT_INT_H
#define HL_OUT_INT_H

#include "hl/out.h"

#include <stdio.h>

/* ---- string buffer (memory through the context) ---- */
typedef struct hl__sb {
    hl_ctx *ctx;
    char *s;
    size_t len, cap;
    bool failed; /* an allocation failed: further appends do nothing */
} hl__sb;
void hl__sb_init(hl__sb *b, hl_ctx *ctx);
void hl__sb_free(hl__sb *b);
void hl__sb_add(hl__sb *b, const char *s);
void hl__sb_addn(hl__sb *b, const char *s, size_t n);
void hl__sb_addf(hl__sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hl__sb_xml(hl__sb *b, const char *s);  /* XML/HTML-escaped text or attribute */
void hl__sb_json(hl__sb *b, const char *s); /* a JSON string literal, safe inside <script> */
void hl__sb_num(hl__sb *b, double v);       /* shortest round-trip number, "null" if not finite */
/* Take the string (caller frees with hl_free); NULL with HL_E_NOMEM set if an append failed. */
char *hl__sb_take(hl__sb *b);

/* ---- files ---- */
void hl__out_remove_tree(const char *path);
/* Read a whole file into a new string (hl_free); *len may be NULL. */
hl_status hl__out_read_file(hl_ctx *ctx, const char *path, char **out, size_t *len);
/* Write `len` bytes to `path` atomically (temp + rename). */
hl_status hl__out_write_file_atomic(hl_ctx *ctx, const char *path, const char *data, size_t len, bool force);

/* ---- field catalogue ---- */
typedef struct hl__out_alias {
    char *key;  /* column name, kind/indicator code, layer name, or pattern */
    char *zh, *en, *unit, *role;
    char *style, *default_field; /* layers only */
    int order;                   /* layers only */
    bool visible;                /* layers only */
    char *color;                 /* road classes only */
    double width_mm;             /* road classes only */
    char **values;               /* road classes only */
    size_t n_values;
    struct hl__out_alias *fields; /* layers only: per-layer overrides */
    size_t n_fields;
} hl__out_alias;

typedef struct hl__out_catalog {
    hl__out_alias *kinds, *inds, *fields, *patterns, *layers, *roads;
    size_t n_kinds, n_inds, n_fields, n_patterns, n_layers, n_roads;
} hl__out_catalog;

/* Load a catalogue (path NULL = hl_out_layers_dir()/fields.yaml).  Free
 * with hl__out_catalog_destroy. */
hl_status hl__out_catalog_load(hl_ctx *ctx, const char *path, hl__out_catalog **out);
void hl__out_catalog_destroy(hl__out_catalog *c);

/* A resolved column: strings are new (free with hl__out_colinfo_clear). */
typedef struct hl__out_colinfo {
    char *zh, *en, *unit, *role;
} hl__out_colinfo;
hl_status hl__out_catalog_column(hl_ctx *ctx, const hl__out_catalog *c, const char *layer,
                                 const char *column, hl__out_colinfo *ci);
void hl__out_colinfo_clear(hl__out_colinfo *ci);
/* Layer info (title and style); *zh and *en new strings; style/default_field borrowed or NULL. */
hl_status hl__out_catalog_layer(hl_ctx *ctx, const hl__out_catalog *c, const char *layer, char **zh,
                                char **en, const hl__out_alias **entry);
/* The name of an indicator id ("road_01") in a language; new string. */
char *hl__out_indicator_name(hl_ctx *ctx, const hl__out_catalog *c, const char *id, const char *lang);
/* The road-class entry matching a value (case-insensitive), or NULL. */
const hl__out_alias *hl__out_catalog_road(const hl__out_catalog *c, const char *value);

/* ---- GeoPackage schema ---- */
typedef struct hl__out_layer {
    char *name;
    char *geom_col;  /* NULL: no geometry */
    char *geom_type; /* gpkg geometry_type_name, upper case, NULL if none */
    int srs_id;
    char **cols;     /* attribute columns in table order (without fid and geometry) */
    char **col_types;
    size_t n_cols;
    char *fid_col;
    long long n_features;
    char **out_names; /* borrowed, optional: names the QML uses for cols (export with short names) */
} hl__out_layer;

typedef struct hl__out_schema {
    hl__out_layer *layers; /* in gpkg_contents order by table_name */
    size_t n_layers;
} hl__out_schema;

struct sqlite3;
/* Read the feature and attribute tables of an open GeoPackage (excluding
 * layer_styles).  Free with hl__out_schema_free. */
hl_status hl__out_schema_read(hl_ctx *ctx, struct sqlite3 *db, hl__out_schema *s);
void hl__out_schema_free(hl__out_schema *s);
const hl__out_layer *hl__out_schema_find(const hl__out_schema *s, const char *name);

/* Open a GeoPackage with SQLite (read-only or read-write). */
hl_status hl__out_db_open(hl_ctx *ctx, const char *path, bool write, struct sqlite3 **db);

/* ---- QML ---- */
/* The QML of a layer: style_field NULL = the layer's default.  Reads
 * distinct values (service areas thresholds, road classes) from db. */
hl_status hl__out_qml(hl_ctx *ctx, struct sqlite3 *db, const hl__out_catalog *cat,
                      const hl__out_layer *layer, const char *style_field, const char *lang, char **qml);
/* The columns that get an alternative style (travel_time, meets, met roles) of a layer;
 * *cols new array of borrowed pointers into layer->cols (hl_free the array). */
hl_status hl__out_styled_columns(hl_ctx *ctx, const hl__out_catalog *cat, const hl__out_layer *layer,
                                 const char ***cols, size_t *n);

#endif
