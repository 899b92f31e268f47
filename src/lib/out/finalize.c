/* GeoPackage finalisation after OGR has written and closed the file:
 * QGIS default styles (layer_styles), column titles (gpkg_data_columns),
 * run metadata (gpkg_metadata), fixed timestamps and VACUUM, so that the
 * same input always gives the same bytes. */
#include "out/out_int.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#define HL_DEFAULT_TIMESTAMP "2000-01-01T00:00:00.000Z"
#define HL_MD_URI_RUN "urn:hinterland:run-metadata:1"
#define HL_MD_URI_PLAN "urn:hinterland:plan:1"

void hl_out_meta_init(hl_out_meta *m) { memset(m, 0, sizeof *m); }

static hl_status exec(hl_ctx *ctx, sqlite3 *db, const char *sql, const char *what) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        hl_status rc = hl_error(ctx, HL_E_DEP, "finalising the GeoPackage (%s): %s", what, err ? err : "?");
        sqlite3_free(err);
        return rc;
    }
    return HL_OK;
}

static hl_status prep(hl_ctx *ctx, sqlite3 *db, const char *sql, sqlite3_stmt **st) {
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
        return hl_error(ctx, HL_E_DEP, "finalising the GeoPackage: %s (in: %.80s)", sqlite3_errmsg(db), sql);
    return HL_OK;
}

static hl_status step_done(hl_ctx *ctx, sqlite3 *db, sqlite3_stmt *st) {
    int r = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (r != SQLITE_DONE && r != SQLITE_ROW)
        return hl_error(ctx, HL_E_DEP, "finalising the GeoPackage: %s", sqlite3_errmsg(db));
    return HL_OK;
}

/* Register an extension row unless present (the UNIQUE constraint does not
 * catch duplicates when column_name is NULL). */
static hl_status register_ext(hl_ctx *ctx, sqlite3 *db, const char *table, const char *ext, const char *def) {
    sqlite3_stmt *st = NULL;
    hl_status rc = prep(ctx, db,
                        "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
                        "SELECT ?1, NULL, ?2, ?3, 'read-write' WHERE NOT EXISTS (SELECT 1 FROM gpkg_extensions "
                        "WHERE table_name = ?1 AND column_name IS NULL AND extension_name = ?2)",
                        &st);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ext, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, def, -1, SQLITE_STATIC);
    rc = step_done(ctx, db, st);
    sqlite3_finalize(st);
    return rc;
}

static hl_status write_styles(hl_ctx *ctx, sqlite3 *db, const hl__out_catalog *cat, const hl__out_schema *s,
                              const char *lang, const char *ts) {
    hl_status rc;
    sqlite3_stmt *del = NULL, *ins = NULL, *mx = NULL;
    char *qml = NULL, *zh = NULL, *en = NULL;
    const char **cols = NULL;
    hl__out_colinfo ci;
    memset(&ci, 0, sizeof ci);
    /* The table as QGIS creates it through OGR (id, ..., update_time). */
    rc = exec(ctx, db,
              "CREATE TABLE IF NOT EXISTS layer_styles ("
              "id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, f_table_catalog TEXT(256), "
              "f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), "
              "styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, "
              "owner TEXT(30), ui TEXT(30), update_time DATETIME DEFAULT "
              "(strftime('%Y-%m-%dT%H:%M:%fZ','now')))",
              "layer_styles");
    if (rc) goto done;
    if ((rc = prep(ctx, db,
                   "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id) "
                   "SELECT 'layer_styles', 'attributes', 'layer_styles', '', ?1, 0 WHERE NOT EXISTS "
                   "(SELECT 1 FROM gpkg_contents WHERE table_name = 'layer_styles')",
                   &ins)))
        goto done;
    sqlite3_bind_text(ins, 1, ts, -1, SQLITE_STATIC);
    if ((rc = step_done(ctx, db, ins))) goto done;
    sqlite3_finalize(ins);
    ins = NULL;
    if ((rc = prep(ctx, db, "DELETE FROM layer_styles WHERE f_table_name = ?1", &del))) goto done;
    for (size_t i = 0; i < s->n_layers; i++) {
        sqlite3_bind_text(del, 1, s->layers[i].name, -1, SQLITE_STATIC);
        if ((rc = step_done(ctx, db, del))) goto done;
    }
    if ((rc = prep(ctx, db, "SELECT coalesce(max(id), 0) FROM layer_styles", &mx))) goto done;
    sqlite3_int64 next_id = sqlite3_step(mx) == SQLITE_ROW ? sqlite3_column_int64(mx, 0) + 1 : 1;
    if ((rc = prep(ctx, db,
                   "INSERT INTO layer_styles (id, f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                   "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) "
                   "VALUES (?1, '', '', ?2, ?3, ?4, ?5, '', ?6, ?7, 'hinterland', NULL, ?8)",
                   &ins)))
        goto done;
    for (size_t i = 0; i < s->n_layers; i++) {
        const hl__out_layer *l = &s->layers[i];
        size_t n_alt = 0;
        if ((rc = hl__out_catalog_layer(ctx, cat, l->name, &zh, &en, NULL))) goto done;
        if ((rc = hl__out_qml(ctx, db, cat, l, NULL, lang, &qml))) goto done;
        sqlite3_bind_int64(ins, 1, next_id++);
        sqlite3_bind_text(ins, 2, l->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, l->geom_col ? l->geom_col : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, l->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 5, qml, -1, SQLITE_STATIC);
        sqlite3_bind_int(ins, 6, 1);
        char *desc = hl_sprintf(ctx, "%s / %s", zh, en);
        if (!desc) {
            rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
            goto done;
        }
        sqlite3_bind_text(ins, 7, desc, -1, hl_free);
        sqlite3_bind_text(ins, 8, ts, -1, SQLITE_STATIC);
        if ((rc = step_done(ctx, db, ins))) goto done;
        hl_free(qml);
        qml = NULL;
        /* Alternative styles, one per classed column, for the Style menu. */
        if ((rc = hl__out_styled_columns(ctx, cat, l, &cols, &n_alt))) goto done;
        for (size_t k = 0; k < n_alt; k++) {
            if ((rc = hl__out_qml(ctx, db, cat, l, cols[k], lang, &qml))) goto done;
            if ((rc = hl__out_catalog_column(ctx, cat, l->name, cols[k], &ci))) goto done;
            char *sname = hl_sprintf(ctx, "%s: %s", l->name, cols[k]);
            char *sdesc = hl_sprintf(ctx, "%s / %s", ci.zh, ci.en);
            if (!sname || !sdesc) {
                hl_free(sname);
                hl_free(sdesc);
                rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
                goto done;
            }
            sqlite3_bind_int64(ins, 1, next_id++);
            sqlite3_bind_text(ins, 2, l->name, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 3, l->geom_col ? l->geom_col : "", -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 4, sname, -1, hl_free);
            sqlite3_bind_text(ins, 5, qml, -1, SQLITE_STATIC);
            sqlite3_bind_int(ins, 6, 0);
            sqlite3_bind_text(ins, 7, sdesc, -1, hl_free);
            sqlite3_bind_text(ins, 8, ts, -1, SQLITE_STATIC);
            if ((rc = step_done(ctx, db, ins))) goto done;
            hl_free(qml);
            qml = NULL;
            hl__out_colinfo_clear(&ci);
        }
        hl_free(cols);
        cols = NULL;
        hl_free(zh);
        hl_free(en);
        zh = en = NULL;
    }
done:
    hl__out_colinfo_clear(&ci);
    hl_free(cols);
    hl_free(qml);
    hl_free(zh);
    hl_free(en);
    sqlite3_finalize(del);
    sqlite3_finalize(ins);
    sqlite3_finalize(mx);
    return rc;
}

static hl_status write_data_columns(hl_ctx *ctx, sqlite3 *db, const hl__out_catalog *cat, const hl__out_schema *s,
                                    const char *lang) {
    hl_status rc;
    sqlite3_stmt *del = NULL, *ins = NULL, *used = NULL, *desc = NULL;
    hl__out_colinfo ci;
    char *zh = NULL, *en = NULL;
    bool en_lang = lang && strcmp(lang, "en") == 0;
    memset(&ci, 0, sizeof ci);
    rc = exec(ctx, db,
              "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
              "name TEXT, title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT, "
              "CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), "
              "CONSTRAINT gdc_tn UNIQUE (table_name, name));"
              "CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (constraint_name TEXT NOT NULL, "
              "constraint_type TEXT NOT NULL, value TEXT, min NUMERIC, min_is_inclusive BOOLEAN, max NUMERIC, "
              "max_is_inclusive BOOLEAN, description TEXT, "
              "CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value));",
              "gpkg_data_columns");
    if (rc) goto done;
    if ((rc = register_ext(ctx, db, "gpkg_data_columns", "gpkg_schema",
                           "http://www.geopackage.org/spec121/#extension_schema")))
        goto done;
    if ((rc = register_ext(ctx, db, "gpkg_data_column_constraints", "gpkg_schema",
                           "http://www.geopackage.org/spec121/#extension_schema")))
        goto done;
    if ((rc = prep(ctx, db, "DELETE FROM gpkg_data_columns WHERE table_name = ?1", &del))) goto done;
    if ((rc = prep(ctx, db,
                   "INSERT INTO gpkg_data_columns (table_name, column_name, name, title, description, mime_type, "
                   "constraint_name) VALUES (?1, ?2, ?3, ?3, ?4, NULL, NULL)",
                   &ins)))
        goto done;
    if ((rc = prep(ctx, db, "SELECT 1 FROM gpkg_data_columns WHERE table_name = ?1 AND name = ?2", &used))) goto done;
    if ((rc = prep(ctx, db, "UPDATE gpkg_contents SET description = ?2 WHERE table_name = ?1", &desc))) goto done;
    for (size_t i = 0; i < s->n_layers; i++) {
        const hl__out_layer *l = &s->layers[i];
        sqlite3_bind_text(del, 1, l->name, -1, SQLITE_STATIC);
        if ((rc = step_done(ctx, db, del))) goto done;
        for (size_t k = 0; k < l->n_cols; k++) {
            if ((rc = hl__out_catalog_column(ctx, cat, l->name, l->cols[k], &ci))) goto done;
            const char *title = en_lang ? ci.en : ci.zh;
            char *alt = NULL;
            /* name must be unique within the table: a repeated alias gets the column name */
            sqlite3_bind_text(used, 1, l->name, -1, SQLITE_STATIC);
            sqlite3_bind_text(used, 2, title, -1, SQLITE_STATIC);
            bool taken = sqlite3_step(used) == SQLITE_ROW;
            sqlite3_reset(used);
            if (taken) {
                alt = hl_sprintf(ctx, "%s (%s)", title, l->cols[k]);
                if (!alt) {
                    rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
                    goto done;
                }
                title = alt;
            }
            sqlite3_bind_text(ins, 1, l->name, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 2, l->cols[k], -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 3, title, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 4, ci.en, -1, SQLITE_TRANSIENT);
            rc = step_done(ctx, db, ins);
            hl_free(alt);
            hl__out_colinfo_clear(&ci);
            if (rc) goto done;
        }
        if ((rc = hl__out_catalog_layer(ctx, cat, l->name, &zh, &en, NULL))) goto done;
        char *d = hl_sprintf(ctx, "%s / %s", zh, en);
        if (!d) {
            rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
            goto done;
        }
        sqlite3_bind_text(desc, 1, l->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(desc, 2, d, -1, hl_free);
        if ((rc = step_done(ctx, db, desc))) goto done;
        hl_free(zh);
        hl_free(en);
        zh = en = NULL;
    }
done:
    hl_free(zh);
    hl_free(en);
    hl__out_colinfo_clear(&ci);
    sqlite3_finalize(del);
    sqlite3_finalize(ins);
    sqlite3_finalize(used);
    sqlite3_finalize(desc);
    return rc;
}

/* True if `s` looks like a JSON array or object (so it is embedded raw). */
static bool looks_json(const char *s) {
    while (s && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')) s++;
    return s && (*s == '[' || *s == '{');
}

static hl_status write_metadata(hl_ctx *ctx, sqlite3 *db, const hl_out_meta *m, const char *ts) {
    hl_status rc;
    sqlite3_stmt *ins = NULL, *ref = NULL;
    hl__sb b;
    char *json = NULL;
    hl__sb_init(&b, ctx);
    rc = exec(ctx, db,
              "CREATE TABLE IF NOT EXISTS gpkg_metadata (id INTEGER CONSTRAINT m_pk PRIMARY KEY ASC NOT NULL, "
              "md_scope TEXT NOT NULL DEFAULT 'dataset', md_standard_uri TEXT NOT NULL, "
              "mime_type TEXT NOT NULL DEFAULT 'text/xml', metadata TEXT NOT NULL DEFAULT '');"
              "CREATE TABLE IF NOT EXISTS gpkg_metadata_reference (reference_scope TEXT NOT NULL, table_name TEXT, "
              "column_name TEXT, row_id_value INTEGER, timestamp DATETIME NOT NULL DEFAULT "
              "(strftime('%Y-%m-%dT%H:%M:%fZ','now')), md_file_id INTEGER NOT NULL, md_parent_id INTEGER, "
              "CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES gpkg_metadata(id), "
              "CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES gpkg_metadata(id));"
              "DELETE FROM gpkg_metadata_reference WHERE md_file_id IN (SELECT id FROM gpkg_metadata WHERE "
              "md_standard_uri LIKE 'urn:hinterland:%');"
              "DELETE FROM gpkg_metadata WHERE md_standard_uri LIKE 'urn:hinterland:%';",
              "gpkg_metadata");
    if (rc) goto done;
    if ((rc = register_ext(ctx, db, "gpkg_metadata", "gpkg_metadata",
                           "http://www.geopackage.org/spec121/#extension_metadata")))
        goto done;
    if ((rc = register_ext(ctx, db, "gpkg_metadata_reference", "gpkg_metadata",
                           "http://www.geopackage.org/spec121/#extension_metadata")))
        goto done;
    hl__sb_add(&b, "{\"tool\":\"hinterland\",\"tool_version\":");
    hl__sb_json(&b, m->tool_version ? m->tool_version : hl_version());
    hl__sb_add(&b, ",\"working_crs\":");
    if (m->working_crs) hl__sb_json(&b, m->working_crs);
    else hl__sb_add(&b, "null");
    hl__sb_add(&b, ",\"lang\":");
    hl__sb_json(&b, m->lang ? m->lang : "zh");
    hl__sb_add(&b, ",\"thresholds\":");
    if (!m->thresholds_json) hl__sb_add(&b, "null");
    else if (looks_json(m->thresholds_json)) hl__sb_add(&b, m->thresholds_json);
    else hl__sb_json(&b, m->thresholds_json);
    hl__sb_add(&b, ",\"plan_yaml\":");
    if (m->plan_yaml) hl__sb_json(&b, m->plan_yaml);
    else hl__sb_add(&b, "null");
    hl__sb_add(&b, "}");
    if (!(json = hl__sb_take(&b))) {
        rc = HL_E_NOMEM;
        goto done;
    }
    if ((rc = prep(ctx, db,
                   "INSERT INTO gpkg_metadata (id, md_scope, md_standard_uri, mime_type, metadata) VALUES "
                   "((SELECT coalesce(max(id), 0) + 1 FROM gpkg_metadata), 'dataset', ?1, ?2, ?3)",
                   &ins)))
        goto done;
    if ((rc = prep(ctx, db,
                   "INSERT INTO gpkg_metadata_reference (reference_scope, table_name, column_name, row_id_value, "
                   "timestamp, md_file_id, md_parent_id) VALUES ('geopackage', NULL, NULL, NULL, ?1, "
                   "(SELECT max(id) FROM gpkg_metadata), NULL)",
                   &ref)))
        goto done;
    sqlite3_bind_text(ins, 1, HL_MD_URI_RUN, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 2, "application/json", -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 3, json, -1, SQLITE_STATIC);
    if ((rc = step_done(ctx, db, ins))) goto done;
    sqlite3_bind_text(ref, 1, ts, -1, SQLITE_STATIC);
    if ((rc = step_done(ctx, db, ref))) goto done;
    if (m->plan_yaml) {
        sqlite3_bind_text(ins, 1, HL_MD_URI_PLAN, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, "application/yaml", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, m->plan_yaml, -1, SQLITE_STATIC);
        if ((rc = step_done(ctx, db, ins))) goto done;
        sqlite3_bind_text(ref, 1, ts, -1, SQLITE_STATIC);
        if ((rc = step_done(ctx, db, ref))) goto done;
    }
done:
    hl__sb_free(&b);
    hl_free(json);
    sqlite3_finalize(ins);
    sqlite3_finalize(ref);
    return rc;
}

static hl_status fix_timestamps(hl_ctx *ctx, sqlite3 *db, const char *ts) {
    static const char *const sqls[] = {
        "UPDATE gpkg_contents SET last_change = ?1",
        "UPDATE layer_styles SET update_time = ?1",
        "UPDATE gpkg_metadata_reference SET timestamp = ?1",
    };
    for (size_t i = 0; i < sizeof sqls / sizeof sqls[0]; i++) {
        sqlite3_stmt *st = NULL;
        hl_status rc = prep(ctx, db, sqls[i], &st);
        if (rc) return rc;
        sqlite3_bind_text(st, 1, ts, -1, SQLITE_STATIC);
        rc = step_done(ctx, db, st);
        sqlite3_finalize(st);
        if (rc) return rc;
    }
    return HL_OK;
}

/* Set the SQLite header's file change counter (offset 24), schema cookie
 * (offset 40) and version-valid-for number (offset 92) to 1, so the bytes
 * do not depend on how many transactions and schema changes wrote the
 * file (finalising twice = once).  Done with no connection open (the
 * counters only invalidate caches of open connections); the change
 * counter and version-valid-for stay equal, so the header's page count is
 * still trusted. */
static hl_status normalise_header(hl_ctx *ctx, const char *path) {
    static const unsigned char one[4] = {0, 0, 0, 1};
    int fd = open(path, O_RDWR);
    if (fd < 0) return hl_error(ctx, HL_E_IO, "cannot reopen %s", path);
    bool ok = pwrite(fd, one, 4, 24) == 4 && pwrite(fd, one, 4, 40) == 4 && pwrite(fd, one, 4, 92) == 4 && fsync(fd) == 0;
    close(fd);
    return ok ? HL_OK : hl_error(ctx, HL_E_IO, "cannot write the header of %s", path);
}

hl_status hl_out_finalize_gpkg(hl_ctx *ctx, const char *gpkg_path, const hl_out_meta *meta) {
    hl_status rc;
    sqlite3 *db = NULL;
    hl__out_catalog *cat = NULL;
    hl__out_schema s;
    hl_out_meta m;
    bool in_tx = false;
    memset(&s, 0, sizeof s);
    if (meta) m = *meta;
    else hl_out_meta_init(&m);
    const char *ts = m.timestamp ? m.timestamp : HL_DEFAULT_TIMESTAMP;
    const char *lang = m.lang && strcmp(m.lang, "en") == 0 ? "en" : "zh";
    if ((rc = hl__out_catalog_load(ctx, m.fields_yaml, &cat))) goto done;
    if ((rc = hl__out_db_open(ctx, gpkg_path, true, &db))) goto done;
    if ((rc = exec(ctx, db, "PRAGMA journal_mode=DELETE", "journal mode"))) goto done;
    if ((rc = hl__out_schema_read(ctx, db, &s))) goto done;
    if ((rc = exec(ctx, db, "BEGIN IMMEDIATE", "begin"))) goto done;
    in_tx = true;
    if ((rc = write_styles(ctx, db, cat, &s, lang, ts))) goto done;
    if ((rc = write_data_columns(ctx, db, cat, &s, lang))) goto done;
    if ((rc = write_metadata(ctx, db, &m, ts))) goto done;
    if ((rc = fix_timestamps(ctx, db, ts))) goto done;
    /* Renumber the rowids of the tables we delete from and refill (an
     * emptied table restarts at rowid 1), so finalising twice gives the
     * same bytes as once. */
    if ((rc = exec(ctx, db,
                   "CREATE TEMP TABLE hl_dc AS SELECT * FROM gpkg_data_columns ORDER BY rowid;"
                   "DELETE FROM gpkg_data_columns;"
                   "INSERT INTO gpkg_data_columns SELECT * FROM hl_dc ORDER BY rowid;"
                   "DROP TABLE hl_dc;"
                   "CREATE TEMP TABLE hl_mr AS SELECT * FROM gpkg_metadata_reference ORDER BY rowid;"
                   "DELETE FROM gpkg_metadata_reference;"
                   "INSERT INTO gpkg_metadata_reference SELECT * FROM hl_mr ORDER BY rowid;"
                   "DROP TABLE hl_mr;",
                   "renumber")))
        goto done;
    if ((rc = exec(ctx, db, "COMMIT", "commit"))) goto done;
    in_tx = false;
    {
        /* VACUUM rewrites the whole file (for a province, 1.7 GB: half the
           write time); it is needed only when pages were freed, and the
           bytes are the same either way for the same inputs. */
        sqlite3_stmt *st = NULL;
        long long free_pages = -1;
        if (sqlite3_prepare_v2(db, "PRAGMA freelist_count", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            free_pages = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if (free_pages != 0 && (rc = exec(ctx, db, "VACUUM", "vacuum"))) goto done;
    }
done:
    if (in_tx) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    if (db && sqlite3_close(db) != SQLITE_OK && rc == HL_OK)
        rc = hl_error(ctx, HL_E_IO, "cannot close %s after finalising it", gpkg_path);
    db = NULL;
    if (rc == HL_OK) rc = normalise_header(ctx, gpkg_path);
    if (rc) hl_error_prefix(ctx, "finalising %s", gpkg_path);
    hl__out_schema_free(&s);
    hl__out_catalog_destroy(cat);
    return rc;
}
