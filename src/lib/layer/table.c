/* In-memory result tables (see hl/table.h). */
#include "hl/table.h"

#include <math.h>
#include <string.h>

typedef struct cell {
    bool set;
    union {
        int64_t i;
        double d;
        char *s;
    } v;
} cell;

typedef struct column {
    char *name;
    hl_col_type type;
} column;

struct hl_table {
    char *name;
    hl_geom_kind geom;
    column *cols;
    size_t n_cols, cap_cols;
    cell *cells; /* rows * n_cols */
    size_t n_rows, cap_cells;
    unsigned char **wkb;
    size_t *wkb_size;
    size_t cap_wkb, cap_wkb_size;
};

hl_status hl_table_create(hl_ctx *ctx, const char *name, hl_geom_kind geom, hl_table **out) {
    hl_table *t = hl_calloc(ctx, 1, sizeof *t);
    *out = NULL;
    if (!t || !(t->name = hl_strdup(ctx, name))) {
        hl_free(t);
        return hl_error(ctx, HL_E_NOMEM, "out of memory");
    }
    t->geom = geom;
    *out = t;
    return HL_OK;
}

void hl_table_destroy(hl_table *t) {
    if (!t) return;
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < t->n_cols; c++) {
            cell *x = &t->cells[r * t->n_cols + c];
            if (t->cols[c].type == HL_COL_TEXT && x->set) hl_free(x->v.s);
        }
        if (t->wkb) hl_free(t->wkb[r]);
    }
    for (size_t c = 0; c < t->n_cols; c++) hl_free(t->cols[c].name);
    hl_free(t->cols);
    hl_free(t->cells);
    hl_free(t->wkb);
    hl_free(t->wkb_size);
    hl_free(t->name);
    hl_free(t);
}

hl_status hl_table_add_column(hl_ctx *ctx, hl_table *t, const char *name, hl_col_type type, size_t *col) {
    hl_status rc;
    if (t->n_rows) return hl_error(ctx, HL_E_ARG, "table %s: columns must be added before rows", t->name);
    if (hl_table_column(t, name) != SIZE_MAX)
        return hl_error(ctx, HL_E_ARG, "table %s: column %s added twice", t->name, name);
    if ((rc = hl_grow(ctx, (void **)&t->cols, &t->cap_cols, t->n_cols + 1, sizeof *t->cols))) return rc;
    t->cols[t->n_cols].name = hl_strdup(ctx, name);
    if (!t->cols[t->n_cols].name) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    t->cols[t->n_cols].type = type;
    if (col) *col = t->n_cols;
    t->n_cols++;
    return HL_OK;
}

hl_status hl_table_add_row(hl_ctx *ctx, hl_table *t, const unsigned char *wkb, size_t wkb_size, size_t *row) {
    hl_status rc;
    size_t r = t->n_rows;
    if ((rc = hl_grow(ctx, (void **)&t->cells, &t->cap_cells, (r + 1) * (t->n_cols ? t->n_cols : 1),
                      sizeof *t->cells)))
        return rc;
    if ((rc = hl_grow(ctx, (void **)&t->wkb, &t->cap_wkb, r + 1, sizeof *t->wkb))) return rc;
    if ((rc = hl_grow(ctx, (void **)&t->wkb_size, &t->cap_wkb_size, r + 1, sizeof *t->wkb_size))) return rc;
    memset(&t->cells[r * t->n_cols], 0, t->n_cols * sizeof *t->cells);
    t->wkb[r] = NULL;
    t->wkb_size[r] = 0;
    if (wkb && wkb_size) {
        t->wkb[r] = hl_malloc(ctx, wkb_size);
        if (!t->wkb[r]) return hl_error(ctx, HL_E_NOMEM, "out of memory");
        memcpy(t->wkb[r], wkb, wkb_size);
        t->wkb_size[r] = wkb_size;
    }
    t->n_rows++;
    if (row) *row = r;
    return HL_OK;
}

static cell *at(hl_table *t, size_t row, size_t col) {
    if (row >= t->n_rows || col >= t->n_cols) return NULL;
    return &t->cells[row * t->n_cols + col];
}

void hl_table_set_int(hl_table *t, size_t row, size_t col, int64_t v) {
    cell *c = at(t, row, col);
    if (!c) return;
    if (t->cols[col].type == HL_COL_REAL) {
        c->v.d = (double)v;
    } else if (t->cols[col].type == HL_COL_INT) {
        c->v.i = v;
    } else {
        return;
    }
    c->set = true;
}

void hl_table_set_real(hl_table *t, size_t row, size_t col, double v) {
    cell *c = at(t, row, col);
    if (!c) return;
    if (!isfinite(v)) {
        if (t->cols[col].type != HL_COL_TEXT) c->set = false;
        return;
    }
    if (t->cols[col].type == HL_COL_REAL) c->v.d = v;
    else if (t->cols[col].type == HL_COL_INT) c->v.i = (int64_t)llround(v);
    else return;
    c->set = true;
}

hl_status hl_table_set_text(hl_ctx *ctx, hl_table *t, size_t row, size_t col, const char *v) {
    cell *c = at(t, row, col);
    char *s;
    if (!c || t->cols[col].type != HL_COL_TEXT) return HL_OK;
    s = v ? hl_strdup(ctx, v) : NULL;
    if (v && !s) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    if (c->set) hl_free(c->v.s);
    c->v.s = s;
    c->set = s != NULL;
    return HL_OK;
}

size_t hl_table_column(const hl_table *t, const char *name) {
    for (size_t c = 0; c < t->n_cols; c++)
        if (!strcmp(t->cols[c].name, name)) return c;
    return SIZE_MAX;
}

const char *hl_table_name(const hl_table *t) { return t->name; }
hl_geom_kind hl_table_geom_kind(const hl_table *t) { return t->geom; }
size_t hl_table_rows(const hl_table *t) { return t->n_rows; }
size_t hl_table_columns(const hl_table *t) { return t->n_cols; }
const char *hl_table_column_name(const hl_table *t, size_t col) { return t->cols[col].name; }
hl_col_type hl_table_column_type(const hl_table *t, size_t col) { return t->cols[col].type; }

bool hl_table_is_null(const hl_table *t, size_t row, size_t col) {
    return !t->cells[row * t->n_cols + col].set;
}
int64_t hl_table_int(const hl_table *t, size_t row, size_t col) {
    const cell *c = &t->cells[row * t->n_cols + col];
    return c->set ? (t->cols[col].type == HL_COL_REAL ? (int64_t)c->v.d : c->v.i) : 0;
}
double hl_table_real(const hl_table *t, size_t row, size_t col) {
    const cell *c = &t->cells[row * t->n_cols + col];
    if (!c->set) return NAN;
    return t->cols[col].type == HL_COL_INT ? (double)c->v.i : c->v.d;
}
const char *hl_table_text(const hl_table *t, size_t row, size_t col) {
    const cell *c = &t->cells[row * t->n_cols + col];
    return c->set && t->cols[col].type == HL_COL_TEXT ? c->v.s : NULL;
}
const unsigned char *hl_table_wkb(const hl_table *t, size_t row, size_t *size) {
    if (size) *size = t->wkb_size[row];
    return t->wkb[row];
}
