/* The check stage: data problems beyond what reading found - duplicate
 * codes, overlaps and gaps between neighbouring village polygons, villages
 * outside the county, missing population, facilities without capacity. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_int.h"
#include "core/core_int.h"
#include "layer/layer_int.h"

typedef struct code_ref {
    const char *code;
    size_t idx;
} code_ref;

static int cmp_code(const void *a, const void *b) {
    const code_ref *x = a, *y = b;
    int c = strcmp(x->code, y->code);
    if (c) return c;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static hl_status duplicate_codes(hl_analysis *a, const hl_layer *L, const char *field) {
    hl_ctx *ctx = a->ctx;
    size_t n = hl_layer_count(L), m = 0;
    code_ref *refs;
    hl_status rc = HL_OK;
    if (!L || !hl_layer_has(L, field)) return HL_OK;
    refs = hl_malloc(ctx, (n ? n : 1) * sizeof *refs);
    if (!refs) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const char *c = hl_layer_value(L, i, field);
        if (c) {
            refs[m].code = c;
            refs[m++].idx = i;
        }
    }
    qsort(refs, m, sizeof *refs, cmp_code);
    for (size_t i = 1; i < m && !rc; i++) {
        if (strcmp(refs[i].code, refs[i - 1].code)) continue;
        double x = 0, y = 0;
        bool has = hl_layer_point(L, refs[i].idx, &x, &y);
        const char *nm0 = hl_layer_value(L, refs[i - 1].idx, "name"), *nm1 = hl_layer_value(L, refs[i].idx, "name");
        rc = hl_qa_add(ctx, a->qa, HL_QA_ERROR, "duplicate_code", hl_layer_role(L), hl_layer_source_name(L),
                       refs[i].code, has, x, y, NAN,
                       "%s '%s' is used by more than one feature (fid %lld%s%s and fid %lld%s%s); give each its own code",
                       field, refs[i].code, (long long)hl_layer_fid(L, refs[i - 1].idx), nm0 ? " " : "", nm0 ? nm0 : "",
                       (long long)hl_layer_fid(L, refs[i].idx), nm1 ? " " : "", nm1 ? nm1 : "");
    }
    hl_free(refs);
    return rc;
}

/* Overlaps and gaps between the village polygons of one township (or of the
 * whole layer): pairwise intersections above min_overlap_m2, and holes in
 * the union above min_gap_m2 that lie inside the township. */
typedef struct cand_list {
    hl_ctx *ctx;
    size_t i;       /* the polygon queried: only later ones are candidates */
    size_t *js;
    size_t n, cap;
    bool fail;
} cand_list;

static void collect_cb(void *item, void *user) {
    cand_list *c = user;
    size_t j = (size_t)(uintptr_t)item - 1;
    if (j <= c->i || c->fail) return;
    if (hl_grow(c->ctx, (void **)&c->js, &c->cap, c->n + 1, sizeof *c->js)) {
        c->fail = true;
        return;
    }
    c->js[c->n++] = j;
}

static int cmp_size(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static hl_status overlaps_and_gaps(hl_analysis *a) {
    hl_ctx *ctx = a->ctx;
    GEOSContextHandle_t h = hl__geos(ctx);
    const hl_layer *V = a->study->villages;
    size_t n = hl_layer_count(V);
    const double min_overlap_m2 = 100.0, min_gap_m2 = 1000.0;
    GEOSSTRtree *tree;
    hl_status rc = HL_OK;
    char buf[64], buf2[64];
    cand_list cand;
    memset(&cand, 0, sizeof cand);
    cand.ctx = ctx;
    if (!V || hl_layer_geom_kind(V) != HL_GEOM_POLYGON) return HL_OK;
    tree = GEOSSTRtree_create_r(h, 10);
    if (!tree) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (hl__layer_geom(V, i)) GEOSSTRtree_insert_r(h, tree, hl__layer_geom(V, i), (void *)(uintptr_t)(i + 1));
    for (size_t i = 0; i < n && !rc; i++) {
        const GEOSGeometry *gi = hl__layer_geom(V, i);
        const GEOSPreparedGeometry *pi;
        if (!gi) continue;
        pi = GEOSPrepare_r(h, gi);
        if (!pi) continue;
        cand.n = 0;
        cand.i = i;
        GEOSSTRtree_query_r(h, tree, gi, collect_cb, &cand);
        if (cand.fail) rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        if (cand.n > 1) qsort(cand.js, cand.n, sizeof *cand.js, cmp_size);
        for (size_t q = 0; q < cand.n && !rc; q++) {
            size_t j = cand.js[q];
            const GEOSGeometry *gj = hl__layer_geom(V, j);
            GEOSGeometry *x;
            double area = 0, cx = 0, cy = 0;
            if (!gj || GEOSPreparedIntersects_r(h, pi, gj) != 1) continue;
            x = GEOSIntersection_r(h, gi, gj);
            if (!x) continue;
            GEOSArea_r(h, x, &area);
            if (area > min_overlap_m2) {
                GEOSGeometry *pt = GEOSPointOnSurface_r(h, x);
                if (pt) {
                    GEOSGeomGetX_r(h, pt, &cx);
                    GEOSGeomGetY_r(h, pt, &cy);
                    GEOSGeom_destroy_r(h, pt);
                }
                rc = hl_qa_add(ctx, a->qa, HL_QA_WARNING, "village_overlap", "villages", hl_layer_source_name(V),
                               hl_layer_id(V, i, buf, sizeof buf), pt != NULL, cx, cy, area,
                               "village polygons %s and %s overlap by %.0f m2; fix the shared boundary",
                               buf, hl_layer_id(V, j, buf2, sizeof buf2), area);
            }
            GEOSGeom_destroy_r(h, x);
        }
        GEOSPreparedGeom_destroy_r(h, pi);
        if (!rc) rc = hl_check_interrupt(ctx);
    }
    GEOSSTRtree_destroy_r(h, tree);
    hl_free(cand.js);
    /* gaps: holes of the union of all villages, inside the county/townships */
    if (!rc && n) {
        GEOSGeometry **parts = hl_malloc(ctx, n * sizeof *parts);
        size_t np = 0;
        if (!parts) return hl_error(ctx, HL_E_NOMEM, "out of memory");
        for (size_t i = 0; i < n; i++)
            if (hl__layer_geom(V, i)) parts[np++] = GEOSGeom_clone_r(h, hl__layer_geom(V, i));
        {
            GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)np);
            GEOSGeometry *u = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
            int ng = u ? GEOSGetNumGeometries_r(h, u) : 0;
            for (int p = 0; p < ng && !rc; p++) {
                const GEOSGeometry *poly = GEOSGetGeometryN_r(h, u, p);
                int nh = GEOSGetNumInteriorRings_r(h, poly);
                for (int r = 0; r < nh && !rc; r++) {
                    const GEOSGeometry *ring = GEOSGetInteriorRingN_r(h, poly, r);
                    GEOSGeometry *rc2 = GEOSGeom_clone_r(h, ring);
                    GEOSGeometry *hole = rc2 ? GEOSGeom_createPolygon_r(h, rc2, NULL, 0) : NULL;
                    double area = 0, cx = 0, cy = 0;
                    if (!hole) continue;
                    GEOSArea_r(h, hole, &area);
                    if (area > min_gap_m2) {
                        GEOSGeometry *pt = GEOSPointOnSurface_r(h, hole);
                        if (pt) {
                            GEOSGeomGetX_r(h, pt, &cx);
                            GEOSGeomGetY_r(h, pt, &cy);
                            GEOSGeom_destroy_r(h, pt);
                        }
                        snprintf(buf, sizeof buf, "gap %d.%d", p, r);
                        rc = hl_qa_add(ctx, a->qa, HL_QA_WARNING, "village_gap", "villages", hl_layer_source_name(V),
                                       buf, true, cx, cy, area,
                                       "a gap of %.0f m2 between village polygons belongs to no village; close it",
                                       area);
                    }
                    GEOSGeom_destroy_r(h, hole);
                }
            }
            if (u) GEOSGeom_destroy_r(h, u);
            if (coll) GEOSGeom_destroy_r(h, coll);
        }
        hl_free(parts);
    }
    return rc;
}

static hl_status outside_county(hl_analysis *a) {
    hl_ctx *ctx = a->ctx;
    hl_study *s = a->study;
    hl_polyindex *ix = NULL;
    hl_status rc;
    const hl_layer *check[] = {s->villages, s->natural_villages};
    char buf[64];
    if (!s->county) return HL_OK;
    if ((rc = hl_polyindex_create(ctx, s->county, &ix))) return rc;
    for (size_t c = 0; c < 2 && !rc; c++) {
        const hl_layer *L = check[c];
        for (size_t i = 0; L && i < hl_layer_count(L) && !rc; i++) {
            double x, y;
            if (!hl_layer_point(L, i, &x, &y)) continue;
            if (hl_polyindex_find(ix, x, y) != SIZE_MAX) continue;
            rc = hl_qa_add(ctx, a->qa, HL_QA_WARNING, "outside_county", hl_layer_role(L), hl_layer_source_name(L),
                           hl_layer_id(L, i, buf, sizeof buf), true, x, y, NAN,
                           "%s lies outside the county boundary; check its coordinates and CRS, or the boundary",
                           hl_layer_value(L, i, "name") ? hl_layer_value(L, i, "name") : buf);
        }
    }
    hl_polyindex_destroy(ix);
    return rc;
}

static hl_status attributes(hl_analysis *a) {
    hl_ctx *ctx = a->ctx;
    hl_study *s = a->study;
    const hl_layer *O = s->natural_villages ? s->natural_villages : s->villages;
    hl_status rc = HL_OK;
    char buf[64];
    if (O && !hl_layer_has(O, "population"))
        rc = hl_qa_add(ctx, a->qa, HL_QA_WARNING, "missing_field", hl_layer_role(O), hl_layer_source_name(O), NULL,
                       false, 0, 0, NAN,
                       "no population field was found; population shares cannot be computed (map one with fields: "
                       "{population: ...})");
    for (size_t i = 0; O && !rc && hl_layer_has(O, "population") && i < hl_layer_count(O); i++) {
        double p = hl_layer_number(O, i, "population", NAN);
        if (isfinite(p) && p >= 0) continue;
        rc = hl_qa_add(ctx, a->qa, HL_QA_WARNING, "population_invalid", hl_layer_role(O), hl_layer_source_name(O),
                       hl_layer_id(O, i, buf, sizeof buf), false, 0, 0, p,
                       "population '%s' is missing or not a non-negative number; the village counts with 0 people",
                       hl_layer_value(O, i, "population") ? hl_layer_value(O, i, "population") : "");
    }
    for (size_t k = 0; k < s->n_facilities && !rc; k++) {
        const hl_layer *F = s->facilities[k];
        if (!hl_layer_has(F, "capacity")) continue;
        for (size_t i = 0; i < hl_layer_count(F) && !rc; i++) {
            double c = hl_layer_number(F, i, "capacity", NAN);
            double x = 0, y = 0;
            bool has = hl_layer_point(F, i, &x, &y);
            if (isfinite(c) && c > 0) continue;
            rc = hl_qa_add(ctx, a->qa, HL_QA_WARNING, "capacity_zero", "facilities", hl_layer_source_name(F),
                           hl_layer_id(F, i, buf, sizeof buf), has, x, y, c,
                           "%s has no positive capacity; it counts for nearest-facility times but supplies nothing in "
                           "2SFCA ratios",
                           hl_layer_kind(F));
        }
    }
    if (!s->roads && !rc)
        rc = hl_qa_add(ctx, a->qa, HL_QA_ERROR, "missing_layer", "roads", NULL, NULL, false, 0, 0, NAN,
                       "the plan names no roads layer: no travel time can be computed");
    return rc;
}

static bool has_facility_kind(const hl_study *s, const char *kind) {
    for (size_t k = 0; k < s->n_facilities; k++) {
        const char *fk = hl_layer_kind(s->facilities[k]);
        if (fk && !strcmp(fk, kind)) return true;
    }
    return false;
}

static bool listed(char *const *list, size_t n, const char *s) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i], s)) return true;
    return false;
}

/* Service-area kinds the plan names (access.service_area_kinds, or the keys
 * of an access.service_areas_min mapping) that no facility layer has: a
 * typing error would otherwise draw nothing, silently.  The default six
 * kinds are not the plan's words and are not checked. */
static hl_status service_area_kinds(hl_analysis *a) {
    const hl_plan *p = a->plan;
    const hl_study *s = a->study;
    hl_status rc = HL_OK;
    char have[512] = "";
    size_t used = 0;
    for (size_t k = 0; k < s->n_facilities && used < sizeof have; k++) {
        const char *fk = hl_layer_kind(s->facilities[k]);
        int w = fk ? snprintf(have + used, sizeof have - used, "%s%s", used ? ", " : "", fk) : 0;
        if (w > 0) used += (size_t)w;
    }
    for (size_t i = 0; i < p->n_service_area_kinds + p->n_service_area_kind_min && !rc; i++) {
        bool in_list = i < p->n_service_area_kinds;
        const char *kind = in_list ? p->service_area_kinds[i] : p->service_area_kind_min[i - p->n_service_area_kinds].kind;
        if (in_list ? !p->service_area_kinds_given
                    : p->service_area_kinds_given && listed(p->service_area_kinds, p->n_service_area_kinds, kind))
            continue; /* the default six, or checked in the list already */
        if (!has_facility_kind(s, kind))
            rc = hl_qa_add(a->ctx, a->qa, HL_QA_WARNING, "unknown_service_area_kind", "plan", NULL, kind, false, 0, 0,
                           NAN,
                           "the plan asks for service areas of '%s' (access.%s), but no facility layer has that "
                           "kind (the plan's kinds: %s); none are drawn for it: correct the name or add the layer",
                           kind, in_list ? "service_area_kinds" : "service_areas_min", have[0] ? have : "none");
    }
    return rc;
}

hl_status hl__stage_check(hl_analysis *a) {
    hl_status rc;
    hl_study *s = a->study;
    if ((rc = duplicate_codes(a, s->villages, "code"))) return rc;
    if ((rc = duplicate_codes(a, s->townships, "code"))) return rc;
    if ((rc = duplicate_codes(a, s->natural_villages, "id"))) return rc;
    for (size_t k = 0; k < s->n_facilities; k++)
        if ((rc = duplicate_codes(a, s->facilities[k], "id"))) return rc;
    if ((rc = outside_county(a))) return rc;
    if ((rc = attributes(a))) return rc;
    if ((rc = service_area_kinds(a))) return rc;
    return overlaps_and_gaps(a);
}
