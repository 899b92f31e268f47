/* Internals of the study shared by the analysis stages. */
#ifndef HL_STUDY_INT_H
#define HL_STUDY_INT_H

#include "geom/geom_int.h"
#include "hl/spec.h"
#include "hl/study.h"

struct hl_study {
    hl_ctx *ctx;
    const hl_plan *plan;
    hl_qa *qa;
    hl_spec_set *specs;
    hl_standard *standard;
    char crs[64];
    int epsg;
    /* role layers (NULL = absent) */
    hl_layer *county, *townships, *villages, *natural_villages, *roads, *water_works, *water_pipes,
        *water_service_areas, *industry_bases, *agricultural_bases, *coverage_5g;
    hl_layer **facilities;
    size_t n_facilities;
    /* hierarchy */
    size_t *village_township; /* per administrative village */
    size_t *nv_village;       /* per natural village */
    size_t *nv_township;      /* per natural village */
    hl_polyindex *township_ix, *village_ix;
};

/* The standard's number for `key`, or `dflt` if the standard lacks it. */
double hl__std_num(const hl_study *s, const char *key, double dflt);

#endif
