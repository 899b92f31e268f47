/* Reading the layer list and columns of a GeoPackage with SQLite: the
 * feature and attribute tables of gpkg_contents with their geometry
 * column, type and attribute columns, in table-name order. */
#include "out/out_int.h"

#include <ctype.h>
#include <sqlite3.h>
#include <string.h>
#include <strings.h>

hl_status hl__out_db_open(hl_ctx *ctx, const char *path, bool write, sqlite3 **db) {
    sqlite3 *d = NULL;
    sqlite3_stmt *st = NULL;
    hl_status rc = HL_OK;
    *db = NULL;
    int src = sqlite3_open_v2(path, &d, write ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, NULL);
    if (src != SQLITE_OK) {
        rc = hl_error(ctx, HL_E_IO, "cannot open GeoPackage %s: %s; check the path", path,
                      d ? sqlite3_errmsg(d) : "out of memory");
        goto done;
    }
    sqlite3_busy_timeout(d, 5000);
    src = sqlite3_prepare_v2(d, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='gpkg_contents'", -1, &st,
                             NULL);
    if (src != SQLITE_OK) {
        rc = hl_error(ctx, HL_E_FORMAT, "%s is not a GeoPackage (not an SQLite database: %s)", path,
                      sqlite3_errmsg(d));
        goto done;
    }
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = hl_error(ctx, HL_E_FORMAT, "%s is not a GeoPackage (no gpkg_contents table)", path);
        goto done;
    }
    *db = d;
    d = NULL;
done:
    sqlite3_finalize(st);
    if (d) sqlite3_close(d);
    return rc;
}

static void layer_free(hl__out_layer *l) {
    hl_free(l->name);
    hl_free(l->geom_col);
    hl_free(l->geom_type);
    hl_free(l->fid_col);
    for (size_t i = 0; i < l->n_cols; i++) {
        hl_free(l->cols[i]);
        hl_free(l->col_types[i]);
    }
    hl_free(l->cols);
    hl_free(l->col_types);
}

void hl__out_schema_free(hl__out_schema *s) {
    if (!s) return;
    for (size_t i = 0; i < s->n_layers; i++) layer_free(&s->layers[i]);
    hl_free(s->layers);
    s->layers = NULL;
    s->n_layers = 0;
}

static char *col_dup(hl_ctx *ctx, sqlite3_stmt *st, int i) {
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? hl_strdup(ctx, (const char *)t) : NULL;
}

static hl_status read_columns(hl_ctx *ctx, sqlite3 *db, hl__out_layer *l) {
    hl_status rc = HL_OK;
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    char *sql = sqlite3_mprintf("PRAGMA table_info(\"%w\")", l->name);
    if (!sql) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        rc = hl_error(ctx, HL_E_FORMAT, "cannot read the columns of %s: %s", l->name, sqlite3_errmsg(db));
        goto done;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 1);
        const char *type = (const char *)sqlite3_column_text(st, 2);
        int pk = sqlite3_column_int(st, 5);
        if (!name) continue;
        if (l->geom_col && strcmp(name, l->geom_col) == 0) continue;
        if (pk == 1 && type && strcasecmp(type, "INTEGER") == 0 && !l->fid_col) {
            l->fid_col = hl_strdup(ctx, name);
            if (!l->fid_col) goto oom;
            continue;
        }
        if (l->n_cols + 1 > cap) {
            size_t c2 = cap;
            if (hl_grow(ctx, (void **)&l->cols, &cap, l->n_cols + 1, sizeof *l->cols)) goto oom;
            if (hl_grow(ctx, (void **)&l->col_types, &c2, l->n_cols + 1, sizeof *l->col_types)) goto oom;
        }
        l->cols[l->n_cols] = hl_strdup(ctx, name);
        l->col_types[l->n_cols] = hl_strdup(ctx, type ? type : "");
        l->n_cols++;
        if (!l->cols[l->n_cols - 1] || !l->col_types[l->n_cols - 1]) goto oom;
    }
    goto done;
oom:
    rc = hl_error(ctx, HL_E_NOMEM, "out of memory reading the columns of %s", l->name);
done:
    sqlite3_finalize(st);
    sqlite3_free(sql);
    return rc;
}

hl_status hl__out_schema_read(hl_ctx *ctx, sqlite3 *db, hl__out_schema *s) {
    hl_status rc = HL_OK;
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    memset(s, 0, sizeof *s);
    const char *sql =
        "SELECT c.table_name, g.column_name, upper(g.geometry_type_name), coalesce(g.srs_id, c.srs_id, 0) "
        "FROM gpkg_contents c LEFT JOIN gpkg_geometry_columns g ON lower(g.table_name) = lower(c.table_name) "
        "WHERE c.data_type IN ('features','attributes') AND c.table_name <> 'layer_styles' "
        "ORDER BY c.table_name";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        rc = hl_error(ctx, HL_E_FORMAT, "cannot read the layer list of the GeoPackage: %s", sqlite3_errmsg(db));
        goto done;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (hl_grow(ctx, (void **)&s->layers, &cap, s->n_layers + 1, sizeof *s->layers)) {
            rc = hl_error(ctx, HL_E_NOMEM, "out of memory reading the layer list");
            goto done;
        }
        hl__out_layer *l = &s->layers[s->n_layers++];
        memset(l, 0, sizeof *l);
        l->name = col_dup(ctx, st, 0);
        l->geom_col = col_dup(ctx, st, 1);
        l->geom_type = col_dup(ctx, st, 2);
        l->srs_id = sqlite3_column_int(st, 3);
        if (!l->name || (sqlite3_column_type(st, 1) != SQLITE_NULL && !l->geom_col) ||
            (sqlite3_column_type(st, 2) != SQLITE_NULL && !l->geom_type)) {
            rc = hl_error(ctx, HL_E_NOMEM, "out of memory reading the layer list");
            goto done;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    for (size_t i = 0; i < s->n_layers; i++) {
        hl__out_layer *l = &s->layers[i];
        if ((rc = read_columns(ctx, db, l))) goto done;
        /* GDAL keeps the count in gpkg_ogr_contents (with triggers for other
           writers): counting the rows reads the whole table, 1.7 GB for a
           province */
        l->n_features = -1;
        if (sqlite3_prepare_v2(db, "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = ?1", -1, &st,
                               NULL) == SQLITE_OK &&
            sqlite3_bind_text(st, 1, l->name, -1, SQLITE_TRANSIENT) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
            sqlite3_column_type(st, 0) != SQLITE_NULL)
            l->n_features = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        st = NULL;
        if (l->n_features >= 0) continue;
        char *q = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", l->name);
        if (!q) {
            rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
            goto done;
        }
        l->n_features = 0;
        if (sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            l->n_features = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        st = NULL;
        sqlite3_free(q);
    }
done:
    sqlite3_finalize(st);
    if (rc) hl__out_schema_free(s);
    return rc;
}

const hl__out_layer *hl__out_schema_find(const hl__out_schema *s, const char *name) {
    for (size_t i = 0; i < s->n_layers; i++)
        if (strcmp(s->layers[i].name, name) == 0) return &s->layers[i];
    return NULL;
}
