/* Tables for spreadsheets: CSV (UTF-8 with BOM so Excel reads Chinese,
 * header of column names) and, when built with libxlsxwriter
 * (HL_HAVE_XLSXWRITER), one XLSX workbook with a sheet per table whose
 * first row is the Chinese alias and second the column name. */
#include "out/out_int.h"

#include <sqlite3.h>
#include <string.h>
#ifdef HL_HAVE_XLSXWRITER
#include <xlsxwriter.h>
#endif

static const char *const k_tables[] = {"village_indicators", "township_summary", "county_summary", "gaps",
                                       "indicator_summary"};

static void csv_cell(hl__sb *b, const char *s) {
    if (s && strpbrk(s, ",\"\n\r")) {
        hl__sb_add(b, "\"");
        for (const char *p = s; *p; p++) {
            if (*p == '"') hl__sb_add(b, "\"\"");
            else hl__sb_addn(b, p, 1);
        }
        hl__sb_add(b, "\"");
    } else if (s) {
        hl__sb_add(b, s);
    }
}

static hl_status write_csv(hl_ctx *ctx, sqlite3 *db, const hl__out_layer *l, const char *path) {
    hl__sb b;
    sqlite3_stmt *st = NULL;
    hl_status rc = HL_OK;
    char *doc = NULL;
    hl__sb_init(&b, ctx);
    hl__sb_add(&b, "\xEF\xBB\xBF");
    for (size_t i = 0; i < l->n_cols; i++) {
        if (i) hl__sb_add(&b, ",");
        csv_cell(&b, l->cols[i]);
    }
    hl__sb_add(&b, "\r\n");
    char *sql = sqlite3_mprintf("SELECT * FROM \"%w\" ORDER BY rowid", l->name);
    if (!sql || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        rc = hl_error(ctx, HL_E_FORMAT, "cannot read table %s", l->name);
        goto done;
    }
    int nc = sqlite3_column_count(st);
    while (sqlite3_step(st) == SQLITE_ROW) {
        bool first = true;
        for (int i = 0; i < nc; i++) {
            const char *cn = sqlite3_column_name(st, i);
            if ((l->fid_col && strcmp(cn, l->fid_col) == 0) || (l->geom_col && strcmp(cn, l->geom_col) == 0))
                continue;
            if (!first) hl__sb_add(&b, ",");
            first = false;
            int t = sqlite3_column_type(st, i);
            if (t == SQLITE_FLOAT) hl__sb_num(&b, sqlite3_column_double(st, i));
            else if (t != SQLITE_NULL && t != SQLITE_BLOB) csv_cell(&b, (const char *)sqlite3_column_text(st, i));
        }
        hl__sb_add(&b, "\r\n");
    }
    if (!(doc = hl__sb_take(&b))) {
        rc = HL_E_NOMEM;
        goto done;
    }
    rc = hl__out_write_file_atomic(ctx, path, doc, strlen(doc), true);
done:
    sqlite3_finalize(st);
    sqlite3_free(sql);
    hl_free(doc);
    hl__sb_free(&b);
    return rc;
}

#ifdef HL_HAVE_XLSXWRITER
static hl_status write_xlsx(hl_ctx *ctx, sqlite3 *db, const hl__out_catalog *cat, const hl__out_schema *s,
                            const char *path) {
    hl_status rc = HL_OK;
    hl_out_file *f = NULL;
    lxw_workbook *wb = NULL;
    hl__out_colinfo ci;
    memset(&ci, 0, sizeof ci);
    if ((rc = hl_out_begin(ctx, path, true, &f))) return rc;
    lxw_workbook_options wopt = {.constant_memory = LXW_FALSE, .tmpdir = NULL, .use_zip64 = LXW_FALSE};
    wb = workbook_new_opt(hl_out_temp_path(f), &wopt);
    if (!wb) {
        rc = hl_error(ctx, HL_E_IO, "cannot create %s", path);
        goto done;
    }
    /* a fixed creation time so the bytes do not depend on the clock */
    lxw_doc_properties props;
    memset(&props, 0, sizeof props);
    props.created = 946684800; /* 2000-01-01T00:00:00Z */
    workbook_set_properties(wb, &props);
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    for (size_t t = 0; t < sizeof k_tables / sizeof *k_tables; t++) {
        const hl__out_layer *l = hl__out_schema_find(s, k_tables[t]);
        if (!l) continue;
        lxw_worksheet *ws = workbook_add_worksheet(wb, l->name);
        if (!ws) {
            rc = hl_error(ctx, HL_E_IO, "cannot add a sheet to %s", path);
            goto done;
        }
        for (size_t i = 0; i < l->n_cols; i++) {
            if ((rc = hl__out_catalog_column(ctx, cat, l->name, l->cols[i], &ci))) goto done;
            worksheet_write_string(ws, 0, (lxw_col_t)i, ci.zh, bold);
            worksheet_write_string(ws, 1, (lxw_col_t)i, l->cols[i], NULL);
            hl__out_colinfo_clear(&ci);
        }
        worksheet_freeze_panes(ws, 2, 0);
        sqlite3_stmt *st = NULL;
        char *sql = sqlite3_mprintf("SELECT * FROM \"%w\" ORDER BY rowid", l->name);
        if (!sql || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
            sqlite3_free(sql);
            rc = hl_error(ctx, HL_E_FORMAT, "cannot read table %s", l->name);
            goto done;
        }
        lxw_row_t row = 2;
        int nc = sqlite3_column_count(st);
        while (sqlite3_step(st) == SQLITE_ROW) {
            lxw_col_t c = 0;
            for (int i = 0; i < nc; i++) {
                const char *cn = sqlite3_column_name(st, i);
                if ((l->fid_col && strcmp(cn, l->fid_col) == 0) || (l->geom_col && strcmp(cn, l->geom_col) == 0))
                    continue;
                int ty = sqlite3_column_type(st, i);
                if (ty == SQLITE_INTEGER || ty == SQLITE_FLOAT)
                    worksheet_write_number(ws, row, c, sqlite3_column_double(st, i), NULL);
                else if (ty == SQLITE_TEXT)
                    worksheet_write_string(ws, row, c, (const char *)sqlite3_column_text(st, i), NULL);
                c++;
            }
            row++;
        }
        sqlite3_finalize(st);
        sqlite3_free(sql);
    }
    lxw_error e = workbook_close(wb);
    wb = NULL;
    if (e != LXW_NO_ERROR) {
        rc = hl_error(ctx, HL_E_IO, "cannot write %s: %s", path, lxw_strerror(e));
        goto done;
    }
    rc = hl_out_commit(ctx, f);
    f = NULL;
done:
    hl__out_colinfo_clear(&ci);
    if (wb) workbook_close(wb);
    hl_out_abort(f);
    return rc;
}
#endif

hl_status hl_out_write_tables(hl_ctx *ctx, const char *gpkg_path, const char *dir) {
    hl_status rc = HL_OK;
    sqlite3 *db = NULL;
    hl__out_catalog *cat = NULL;
    hl__out_schema s;
    char *path = NULL;
    memset(&s, 0, sizeof s);
    if ((rc = hl__out_catalog_load(ctx, NULL, &cat))) goto done;
    if ((rc = hl__out_db_open(ctx, gpkg_path, false, &db))) goto done;
    if ((rc = hl__out_schema_read(ctx, db, &s))) goto done;
    for (size_t t = 0; t < sizeof k_tables / sizeof *k_tables; t++) {
        const hl__out_layer *l = hl__out_schema_find(&s, k_tables[t]);
        if (!l) continue;
        path = hl_sprintf(ctx, "%s/%s.csv", dir, l->name);
        if (!path) {
            rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
            goto done;
        }
        if ((rc = write_csv(ctx, db, l, path))) goto done;
        hl_free(path);
        path = NULL;
    }
#ifdef HL_HAVE_XLSXWRITER
    const char *base = strrchr(gpkg_path, '/');
    base = base ? base + 1 : gpkg_path;
    size_t bl = strlen(base);
    if (bl > 5 && strcmp(base + bl - 5, ".gpkg") == 0) bl -= 5;
    path = hl_sprintf(ctx, "%s/%.*s.xlsx", dir, (int)bl, base);
    if (!path) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    rc = write_xlsx(ctx, db, cat, &s, path);
#endif
done:
    hl_free(path);
    hl__out_schema_free(&s);
    hl__out_catalog_destroy(cat);
    if (db) sqlite3_close(db);
    return rc;
}
