/* Data-quality findings (the `qa_issues` layer): problems that do not stop a
 * run (an invalid polygon, an unreachable village, a near-miss road end) and
 * the errors `hinterland check` reports.  Each finding names the layer, the
 * source and the feature, says what is wrong and what to do, and may carry
 * a location in the working CRS.  Findings keep the order they were added;
 * hl_qa_sort gives the stable order used in outputs. */
#ifndef HL_QA_H
#define HL_QA_H

#include "hl/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hl_qa_severity { HL_QA_INFO = 0, HL_QA_WARNING = 1, HL_QA_ERROR = 2 } hl_qa_severity;

typedef struct hl_qa_issue {
    hl_qa_severity severity;
    char *code;       /* stable short code: "geom_invalid", "duplicate_code", ... */
    char *layer;      /* role or output layer: "villages", "roads", "network" */
    char *source;     /* file (and layer) the feature came from, may be NULL */
    char *feature_id; /* the feature's id or fid as text, may be NULL */
    char *message;    /* what is wrong and what to do */
    bool has_xy;
    double x, y;      /* a location in the working CRS */
    double value;     /* a measure where useful (distance, size), NAN if none */
} hl_qa_issue;

typedef struct hl_qa hl_qa;

hl_status hl_qa_create(hl_ctx *ctx, hl_qa **out);
void hl_qa_destroy(hl_qa *qa);
/* Add a finding; strings are copied.  has_xy false ignores x, y. */
hl_status hl_qa_add(hl_ctx *ctx, hl_qa *qa, hl_qa_severity sev, const char *code, const char *layer,
                    const char *source, const char *feature_id, bool has_xy, double x, double y,
                    double value, const char *fmt, ...) __attribute__((format(printf, 12, 13)));
size_t hl_qa_count(const hl_qa *qa);
size_t hl_qa_count_severity(const hl_qa *qa, hl_qa_severity sev);
/* Count of findings with this code. */
size_t hl_qa_count_code(const hl_qa *qa, const char *code);
/* Finding i, borrowed. */
const hl_qa_issue *hl_qa_get(const hl_qa *qa, size_t i);
/* Replace the feature id of finding i (copied). */
hl_status hl_qa_set_feature_id(hl_ctx *ctx, hl_qa *qa, size_t i, const char *feature_id);
/* Sort by severity (errors first), layer, code, feature id, message. */
void hl_qa_sort(hl_qa *qa);

#ifdef __cplusplus
}
#endif
#endif
