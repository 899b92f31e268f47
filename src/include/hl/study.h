/* The study: every layer a plan names, read into the working CRS, with the
 * canonical fields bound (plan mapping first, then the aliases of the layer
 * specifications) and the administrative hierarchy county -> township ->
 * administrative village -> natural village built from codes and
 * geometry. */
#ifndef HL_STUDY_H
#define HL_STUDY_H

#include "hl/core.h"
#include "hl/layer.h"
#include "hl/plan.h"
#include "hl/qa.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hl_study hl_study;

/* Load every layer of `plan` (borrowed: it must outlive the study).
 * Findings go to `qa` (borrowed).  `layers_dir` is the folder with the layer
 * specifications (NULL = default).  Caller destroys *out. */
hl_status hl_study_load(hl_ctx *ctx, const hl_plan *plan, const char *layers_dir, hl_qa *qa, hl_study **out);
void hl_study_destroy(hl_study *s);

/* The working CRS as "EPSG:nnnn" (or the plan's text), borrowed. */
const char *hl_study_crs(const hl_study *s);
/* The layer playing `role` (borrowed), NULL if the plan gives none. */
const hl_layer *hl_study_layer(const hl_study *s, const char *role);
size_t hl_study_facility_kind_count(const hl_study *s);
const hl_layer *hl_study_facility_layer(const hl_study *s, size_t i);
const hl_layer *hl_study_facilities(const hl_study *s, const char *kind);

/* Hierarchy: index of the township of administrative village v, of the
 * administrative village of natural village n (SIZE_MAX = none found). */
size_t hl_study_village_township(const hl_study *s, size_t village);
size_t hl_study_natural_village_village(const hl_study *s, size_t natural_village);
/* The township containing a point (by polygon), SIZE_MAX if none. */
size_t hl_study_township_at(const hl_study *s, double x, double y);
size_t hl_study_village_at(const hl_study *s, double x, double y);

#ifdef __cplusplus
}
#endif
#endif
