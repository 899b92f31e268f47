/* The list of data-quality findings. */
#include "hl/qa.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hl_qa {
    hl_qa_issue *items;
    size_t n, cap;
};

hl_status hl_qa_create(hl_ctx *ctx, hl_qa **out) {
    *out = hl_calloc(ctx, 1, sizeof **out);
    return *out ? HL_OK : hl_error(ctx, HL_E_NOMEM, "out of memory");
}

static void issue_free(hl_qa_issue *q) {
    hl_free(q->code);
    hl_free(q->layer);
    hl_free(q->source);
    hl_free(q->feature_id);
    hl_free(q->message);
}

void hl_qa_destroy(hl_qa *qa) {
    if (!qa) return;
    for (size_t i = 0; i < qa->n; i++) issue_free(&qa->items[i]);
    hl_free(qa->items);
    hl_free(qa);
}

hl_status hl_qa_add(hl_ctx *ctx, hl_qa *qa, hl_qa_severity sev, const char *code, const char *layer,
                    const char *source, const char *feature_id, bool has_xy, double x, double y,
                    double value, const char *fmt, ...) {
    hl_qa_issue q;
    char msg[1024];
    va_list ap;
    hl_status rc = hl_grow(ctx, (void **)&qa->items, &qa->cap, qa->n + 1, sizeof *qa->items);
    if (rc) return rc;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    memset(&q, 0, sizeof q);
    q.severity = sev;
    q.has_xy = has_xy && isfinite(x) && isfinite(y);
    q.x = q.has_xy ? x : 0;
    q.y = q.has_xy ? y : 0;
    q.value = value;
    q.code = hl_strdup(ctx, code ? code : "");
    q.layer = hl_strdup(ctx, layer ? layer : "");
    q.source = hl_strdup(ctx, source);
    q.feature_id = hl_strdup(ctx, feature_id);
    q.message = hl_strdup(ctx, msg);
    if (!q.code || !q.layer || !q.message || (source && !q.source) || (feature_id && !q.feature_id)) {
        issue_free(&q);
        return hl_error(ctx, HL_E_NOMEM, "out of memory recording a data-quality finding");
    }
    qa->items[qa->n++] = q;
    return HL_OK;
}

size_t hl_qa_count(const hl_qa *qa) { return qa ? qa->n : 0; }

size_t hl_qa_count_severity(const hl_qa *qa, hl_qa_severity sev) {
    size_t c = 0;
    for (size_t i = 0; qa && i < qa->n; i++) c += qa->items[i].severity == sev;
    return c;
}

size_t hl_qa_count_code(const hl_qa *qa, const char *code) {
    size_t c = 0;
    for (size_t i = 0; qa && i < qa->n; i++) c += !strcmp(qa->items[i].code, code);
    return c;
}

const hl_qa_issue *hl_qa_get(const hl_qa *qa, size_t i) { return i < qa->n ? &qa->items[i] : NULL; }

static int cmp_str(const char *a, const char *b) {
    if (!a) a = "";
    if (!b) b = "";
    return strcmp(a, b);
}

/* Numeric-aware comparison for feature ids ("9" before "10"). */
static int cmp_id(const char *a, const char *b) {
    size_t la, lb;
    if (!a) a = "";
    if (!b) b = "";
    la = strspn(a, "0123456789");
    lb = strspn(b, "0123456789");
    if (la && lb && a[la] == '\0' && b[lb] == '\0' && la != lb) return la < lb ? -1 : 1;
    return strcmp(a, b);
}

static int cmp_issue(const void *pa, const void *pb) {
    const hl_qa_issue *a = pa, *b = pb;
    int c;
    if (a->severity != b->severity) return a->severity > b->severity ? -1 : 1;
    if ((c = cmp_str(a->layer, b->layer))) return c;
    if ((c = cmp_str(a->code, b->code))) return c;
    if ((c = cmp_id(a->feature_id, b->feature_id))) return c;
    return cmp_str(a->message, b->message);
}

void hl_qa_sort(hl_qa *qa) {
    if (qa && qa->n > 1) qsort(qa->items, qa->n, sizeof *qa->items, cmp_issue);
}

hl_status hl_qa_set_feature_id(hl_ctx *ctx, hl_qa *qa, size_t i, const char *feature_id) {
    char *d;
    if (i >= qa->n) return hl_error(ctx, HL_E_ARG, "no finding %zu", i);
    d = hl_strdup(ctx, feature_id);
    if (feature_id && !d) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    hl_free(qa->items[i].feature_id);
    qa->items[i].feature_id = d;
    return HL_OK;
}
