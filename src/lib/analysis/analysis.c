/* Running the analysis stages and collecting their tables. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_int.h"
#include "core/core_int.h"
#include "layer/layer_int.h"

void hl__access_destroy(hl_access *acc);

void hl_analysis_opts_init(hl_analysis_opts *o) {
    memset(o, 0, sizeof *o);
    o->stages = HL_STAGE_ALL;
}

hl_status hl__analysis_add_table(hl_analysis *a, hl_table *t_owned) {
    hl_status rc = hl_grow(a->ctx, (void **)&a->tables, &a->cap_tables, a->n_tables + 1, sizeof *a->tables);
    if (rc) {
        hl_table_destroy(t_owned);
        return rc;
    }
    a->tables[a->n_tables++] = t_owned;
    return HL_OK;
}

static hl_status qa_table(hl_analysis *a) {
    hl_ctx *ctx = a->ctx;
    hl_table *t = NULL;
    size_t c_sev, c_code, c_layer, c_src, c_fid, c_msg, c_val;
    hl_status rc;
    static const char *sev[] = {"info", "warning", "error"};
    hl_qa_sort(a->qa);
    if ((rc = hl_table_create(ctx, "qa_issues", HL_GEOM_POINT, &t))) return rc;
    if ((rc = hl_table_add_column(ctx, t, "severity", HL_COL_TEXT, &c_sev)) ||
        (rc = hl_table_add_column(ctx, t, "code", HL_COL_TEXT, &c_code)) ||
        (rc = hl_table_add_column(ctx, t, "layer", HL_COL_TEXT, &c_layer)) ||
        (rc = hl_table_add_column(ctx, t, "source", HL_COL_TEXT, &c_src)) ||
        (rc = hl_table_add_column(ctx, t, "feature_id", HL_COL_TEXT, &c_fid)) ||
        (rc = hl_table_add_column(ctx, t, "message", HL_COL_TEXT, &c_msg)) ||
        (rc = hl_table_add_column(ctx, t, "value", HL_COL_REAL, &c_val)))
        goto fail;
    for (size_t i = 0; i < hl_qa_count(a->qa); i++) {
        const hl_qa_issue *q = hl_qa_get(a->qa, i);
        size_t row, wsz = 0;
        unsigned char *wkb = q->has_xy ? hl__point_wkb(ctx, q->x, q->y, &wsz) : NULL;
        rc = hl_table_add_row(ctx, t, wkb, wsz, &row);
        if (wkb) GEOSFree_r(hl__geos(ctx), wkb);
        if (rc) goto fail;
        if ((rc = hl_table_set_text(ctx, t, row, c_sev, sev[q->severity])) ||
            (rc = hl_table_set_text(ctx, t, row, c_code, q->code)) ||
            (rc = hl_table_set_text(ctx, t, row, c_layer, q->layer)) ||
            (rc = hl_table_set_text(ctx, t, row, c_src, q->source)) ||
            (rc = hl_table_set_text(ctx, t, row, c_fid, q->feature_id)) ||
            (rc = hl_table_set_text(ctx, t, row, c_msg, q->message)))
            goto fail;
        hl_table_set_real(t, row, c_val, q->value);
    }
    return hl__analysis_add_table(a, t);
fail:
    hl_table_destroy(t);
    return rc;
}

hl_status hl__group_index(hl_ctx *ctx, size_t n, const size_t *key, size_t n_groups, size_t **start,
                          size_t **member) {
    size_t *st = hl_calloc(ctx, n_groups + 2, sizeof *st);
    size_t *m = hl_malloc(ctx, (n ? n : 1) * sizeof *m);
    *start = *member = NULL;
    if (!st || !m) {
        hl_free(st);
        hl_free(m);
        return hl_error(ctx, HL_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        if (key[i] < n_groups) st[key[i] + 2]++;
    for (size_t k = 0; k < n_groups; k++) st[k + 2] += st[k + 1];
    /* st[k + 1] is the running cursor of group k; it ends at group k's end */
    for (size_t i = 0; i < n; i++)
        if (key[i] < n_groups) m[st[key[i] + 1]++] = i;
    *start = st;
    *member = m;
    return HL_OK;
}

hl_status hl_analysis_run(hl_ctx *ctx, const hl_plan *plan, const hl_analysis_opts *opts, hl_analysis **out) {
    hl_analysis *a;
    hl_analysis_opts def;
    hl_status rc;
    unsigned st;
    bool handed = false;
    *out = NULL;
    if (!opts) {
        hl_analysis_opts_init(&def);
        opts = &def;
    }
    st = opts->stages;
    if (st & HL_STAGE_COVERAGE) st |= HL_STAGE_ACCESS;
    if (st & HL_STAGE_ACCESS) st |= HL_STAGE_NETWORK;
    st |= HL_STAGE_CHECK;
    a = hl_calloc(ctx, 1, sizeof *a);
    if (!a) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    a->ctx = ctx;
    a->plan = plan;
    if ((rc = hl_qa_create(ctx, &a->qa))) goto done;
    /* stage markers (progress lines with done = total = 0) let scripts/bench
       attribute time to the stages */
    hl_progress(ctx, "stage read", 0, 0);
    if ((rc = hl_study_load(ctx, plan, opts->layers_dir, a->qa, &a->study))) goto done;
    hl_progress(ctx, "stage check", 0, 0);
    if ((rc = hl__stage_check(a))) goto done;
    if (st & HL_STAGE_NETWORK) {
        hl_progress(ctx, "stage network", 0, 0);
        if ((rc = hl__stage_network(a))) goto done;
    }
    if (st & HL_STAGE_ACCESS) {
        hl_progress(ctx, "stage access", 0, 0);
        if ((rc = hl__stage_access(a))) goto done;
        if (opts->on_access_tables && (st & HL_STAGE_COVERAGE)) {
            opts->on_access_tables(opts->user, a->tables, a->n_tables, hl_study_crs(a->study));
            handed = true;
        }
    }
    if (st & HL_STAGE_COVERAGE) {
        hl_progress(ctx, "stage coverage", 0, 0);
        if ((rc = hl__stage_coverage(a))) goto done;
    }
    hl_progress(ctx, "stage tables", 0, 0);
    rc = qa_table(a);
done:
    if (rc) {
        /* the tables handed out are about to go: the caller stops using them */
        if (handed) opts->on_access_tables(opts->user, NULL, 0, NULL);
        hl_analysis_destroy(a);
        return rc;
    }
    *out = a;
    return HL_OK;
}

void hl_analysis_destroy(hl_analysis *a) {
    if (!a) return;
    for (size_t i = 0; i < a->n_tables; i++) hl_table_destroy(a->tables[i]);
    hl_free(a->tables);
    hl__access_destroy(a->access);
    hl_net_destroy(a->net);
    hl_free(a->roads);
    hl_study_destroy(a->study);
    hl_qa_destroy(a->qa);
    hl_free(a);
}

const char *hl_analysis_crs(const hl_analysis *a) { return hl_study_crs(a->study); }
hl_qa *hl_analysis_qa(hl_analysis *a) { return a->qa; }
size_t hl_analysis_table_count(const hl_analysis *a) { return a->n_tables; }
hl_table *hl_analysis_table(const hl_analysis *a, size_t i) { return i < a->n_tables ? a->tables[i] : NULL; }

/* JSON string escaping into a growing buffer. */
typedef struct sbuf {
    hl_ctx *ctx;
    char *s;
    size_t n, cap;
    bool fail;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n) {
    if (b->fail) return;
    if (hl_grow(b->ctx, (void **)&b->s, &b->cap, b->n + n + 1, 1)) {
        b->fail = true;
        return;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}
static void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }
static void sb_json(sbuf *b, const char *s) {
    sb_add(b, "\"", 1);
    for (; s && *s; s++) {
        char esc[8];
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            sb_add(b, esc, 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            sb_add(b, esc, 6);
        } else {
            sb_add(b, s, 1);
        }
    }
    sb_add(b, "\"", 1);
}

char *hl_analysis_thresholds_json(hl_ctx *ctx, const hl_analysis *a) {
    sbuf b = {ctx, NULL, 0, 0, false};
    const hl_standard *std = a->study->standard;
    size_t n = std ? hl_standard_param_count(std) : 0;
    sb_str(&b, "[");
    for (size_t i = 0; i < n; i++) {
        const hl_std_param *p = hl_standard_param_at(std, i);
        char conf[2] = {p->confidence, 0};
        if (i) sb_str(&b, ",");
        sb_str(&b, "{\"id\":");
        sb_json(&b, p->section);
        sb_str(&b, ",\"name\":");
        sb_json(&b, p->name);
        sb_str(&b, ",\"key\":");
        sb_json(&b, p->key);
        sb_str(&b, ",\"value\":");
        sb_json(&b, p->text);
        sb_str(&b, ",\"unit\":");
        sb_json(&b, p->unit);
        sb_str(&b, ",\"source\":");
        sb_json(&b, p->source);
        sb_str(&b, ",\"confidence\":");
        sb_json(&b, conf);
        sb_str(&b, ",\"origin\":");
        sb_json(&b, p->origin);
        sb_str(&b, "}");
    }
    sb_str(&b, "]");
    if (b.fail) {
        hl_free(b.s);
        return NULL;
    }
    return b.s;
}

char *hl_analysis_summary(hl_ctx *ctx, const hl_analysis *a) {
    size_t e = hl_qa_count_severity(a->qa, HL_QA_ERROR), w = hl_qa_count_severity(a->qa, HL_QA_WARNING);
    size_t unreach = hl_qa_count_code(a->qa, "beyond_snap"), island = hl_qa_count_code(a->qa, "on_network_island");
    size_t invalid = hl_qa_count_code(a->qa, "geom_invalid") + hl_qa_count_code(a->qa, "geom_unusable");
    return hl_sprintf(ctx,
                      "%zu errors, %zu warnings in qa_issues (%zu points beyond the snap distance, %zu on network "
                      "islands, %zu unusable or repaired geometries); working CRS %s",
                      e, w, unreach, island, invalid, hl_analysis_crs(a));
}
