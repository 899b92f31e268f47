/* The analysis: from a plan to result tables.  Stages run in order -
 * check (load and validate), network (build the road graph), access
 * (travel times from every village to every service), coverage
 * (indicators against the standard, rolled up) - and each adds tables.
 * The caller writes the tables (hl_io_write_gpkg) and the qa_issues. */
#ifndef HL_ANALYSIS_H
#define HL_ANALYSIS_H

#include "hl/core.h"
#include "hl/plan.h"
#include "hl/qa.h"
#include "hl/table.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    HL_STAGE_CHECK = 1,
    HL_STAGE_NETWORK = 2,
    HL_STAGE_ACCESS = 4,
    HL_STAGE_COVERAGE = 8,
    HL_STAGE_ALL = 15
};

/* Called once the access stage has finished, before the coverage stage,
 * with the result tables so far (they are final: later stages only add
 * tables after them) and the working CRS.  The tables stay valid until
 * hl_analysis_destroy; the array itself only during the call.  A caller
 * may write them out meanwhile, from another thread (tables are read-only
 * from then on).  If a later stage fails, hl_analysis_run calls it again
 * with tables NULL and n_tables 0 before it destroys them: the callee must
 * have stopped using them when it returns. */
typedef void (*hl_tables_ready_fn)(void *user, hl_table *const *tables, size_t n_tables, const char *crs);

typedef struct hl_analysis_opts {
    unsigned stages;        /* HL_STAGE_* bits; later stages pull in earlier ones */
    const char *layers_dir; /* layer specifications, NULL = default */
    hl_tables_ready_fn on_access_tables; /* NULL: none */
    void *user;                          /* for on_access_tables */
} hl_analysis_opts;

void hl_analysis_opts_init(hl_analysis_opts *o);

typedef struct hl_analysis hl_analysis;

/* Run the stages on `plan` (borrowed; must outlive the analysis).
 * Problems that need not stop the run are in hl_analysis_qa.  Caller
 * destroys *out (also on failure, *out may hold partial results: NULL is
 * returned then). */
hl_status hl_analysis_run(hl_ctx *ctx, const hl_plan *plan, const hl_analysis_opts *opts, hl_analysis **out);
void hl_analysis_destroy(hl_analysis *a);

/* The working CRS ("EPSG:4546"), borrowed. */
const char *hl_analysis_crs(const hl_analysis *a);
hl_qa *hl_analysis_qa(hl_analysis *a);
/* The result tables in output order, borrowed (qa_issues included last). */
size_t hl_analysis_table_count(const hl_analysis *a);
hl_table *hl_analysis_table(const hl_analysis *a, size_t i);
/* Every threshold used, with its source, as JSON (new string, hl_free). */
char *hl_analysis_thresholds_json(hl_ctx *ctx, const hl_analysis *a);
/* A short summary for stderr (new string, hl_free). */
char *hl_analysis_summary(hl_ctx *ctx, const hl_analysis *a);

#ifdef __cplusplus
}
#endif
#endif
