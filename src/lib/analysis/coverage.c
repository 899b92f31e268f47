/* The coverage stage (placeholder until the indicators land). */
#include "analysis/analysis_int.h"

hl_status hl__stage_coverage(hl_analysis *a) {
    hl_log(a->ctx, HL_LOG_WARN, "coverage indicators are not computed in this build");
    return HL_OK;
}
