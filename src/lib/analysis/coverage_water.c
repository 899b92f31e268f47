/* Polygon-overlay indicators of the coverage stage: water supply
 * (WAT-01/02/03), 5G reach (DIG-02) and agricultural-base shares (IND-02).
 *
 * Water: an origin is served when it lies inside a service-area polygon,
 * within <ID>.pipe_buffer_m of a pipe, or is listed in a works'
 * served_villages (by village code, village name or its own name/id).
 * WAT-01 counts service areas whose `tap` is in_house (the default) and
 * all pipes; WAT-02 every service area and pipe and the served lists of
 * works that are not dispersed; WAT-03 only those linked (works_id) to a
 * large-scale works: capacity >= min_capacity_m3d, served population >=
 * min_served_persons, type urban_extension or the scale flag.  A
 * natural village's own tap_water attribute, when given, decides WAT-01.
 * Value: the distance still to go, max(0, distance to the pipe - buffer)
 * or the distance to the polygon (0 = served). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/coverage_int.h"
#include "core/core_int.h"
#include "geom/geom_int.h"
#include "layer/layer_int.h"

enum { W_TAP, W_ANY, W_LARGE, W_N };

/* Per class the service areas and pipes it counts, indexed for nearest
 * distances: the distance to the nearest member is the distance to their
 * union, which is never built (a province has thousands of each). */
typedef struct water {
    hl_nearindex *poly[W_N], *pipe[W_N];
    bool *large_works; /* per works */
    char **large_ids;  /* ids of the large-scale works, sorted (for bsearch) */
    size_t n_large;
    bool *listed[W_N]; /* per origin: named in a served list */
} water;

static const char *canon(cov *c, const char *role, const char *field, const char *raw) {
    const hl_role_spec *rs = hl_spec_role(c->s->specs, role);
    const hl_field_spec *f = rs ? hl_role_spec_field(rs, field) : NULL;
    const char *cn = NULL;
    return f && hl_spec_field_value(f, raw, &cn, NULL) ? cn : raw;
}

static bool flag_of(const char *v) {
    bool b;
    return v && hl_spec_parse_bool(v, &b) && b;
}

static void classify_works(cov *c, water *w) {
    const hl_layer *W = c->s->water_works;
    double cap_min = hl__std_num(c->s, "WAT-03.min_capacity_m3d", 1000);
    double pop_min = hl__std_num(c->s, "WAT-03.min_served_persons", 10000);
    for (size_t j = 0; j < hl_layer_count(W); j++) {
        const char *type = canon(c, "water_works", "type", hl_layer_value(W, j, "type"));
        w->large_works[j] = hl_layer_number(W, j, "capacity_m3d", 0) >= cap_min ||
                            hl_layer_number(W, j, "served_population", 0) >= pop_min ||
                            (type && !strcmp(type, "urban_extension")) || flag_of(hl_layer_value(W, j, "scale"));
    }
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The sorted ids of the large-scale works (a province has thousands of
 * works and tens of thousands of service areas and pipes to look up). */
static hl_status index_large(cov *c, water *w) {
    const hl_layer *W = c->s->water_works;
    size_t nw = hl_layer_count(W);
    char buf[128];
    w->large_ids = hl_calloc(c->ctx, nw + 1, sizeof *w->large_ids);
    if (!w->large_ids)
        return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
    for (size_t j = 0; j < nw; j++)
        if (w->large_works[j] && !(w->large_ids[w->n_large++] = hl_strdup(c->ctx, hl_layer_id(W, j, buf, sizeof buf))))
            return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
    qsort(w->large_ids, w->n_large, sizeof *w->large_ids, cmp_str);
    return HL_OK;
}

/* Whether `works_id` names a large-scale works. */
static bool large_by_id(const water *w, const char *works_id) {
    return works_id && w->n_large && bsearch(&works_id, w->large_ids, w->n_large, sizeof *w->large_ids, cmp_str);
}

/* Whether the comma/、/; separated list names one of the strings. */
static bool list_names(const char *list, const char *const *names, size_t n) {
    const char *p = list;
    while (p && *p) {
        const char *e = p;
        size_t len;
        while (*e && *e != ',' && *e != ';' && strncmp(e, "、", 3) && strncmp(e, "，", 3) && strncmp(e, "；", 3))
            e++;
        len = (size_t)(e - p);
        while (len && *p == ' ')
            p++, len--;
        while (len && p[len - 1] == ' ')
            len--;
        for (size_t k = 0; k < n; k++)
            if (names[k] && len && strlen(names[k]) == len && !strncmp(p, names[k], len))
                return true;
        if (!*e)
            break;
        p = e + (*e == ',' || *e == ';' ? 1 : 3);
    }
    return false;
}

static void served_lists(cov *c, water *w) {
    const hl_layer *W = c->s->water_works;
    const hl_origins *o = &c->acc->origins;
    for (size_t j = 0; j < hl_layer_count(W); j++) {
        const char *list = hl_layer_value(W, j, "served_villages");
        const char *type = canon(c, "water_works", "type", hl_layer_value(W, j, "type"));
        bool dispersed = type && !strcmp(type, "dispersed");
        if (!list)
            continue;
        for (size_t i = 0; i < o->n; i++) {
            const char *names[4] = {o->id[i], o->name[i], NULL, NULL};
            size_t v = o->village[i];
            if (o->natural && v != SIZE_MAX) {
                names[2] = hl_layer_value(c->s->villages, v, "code");
                names[3] = hl_layer_value(c->s->villages, v, "name");
            }
            if (!list_names(list, names, 4))
                continue;
            if (!dispersed)
                w->listed[W_ANY][i] = true;
            if (!dispersed)
                w->listed[W_TAP][i] = true;
            if (w->large_works[j])
                w->listed[W_LARGE][i] = true;
        }
    }
}

static hl_status build_water(cov *c, water *w) {
    const hl_layer *A = c->s->water_service_areas, *P = c->s->water_pipes;
    size_t na = hl_layer_count(A), np = hl_layer_count(P), nw = hl_layer_count(c->s->water_works),
           n = c->acc->origins.n;
    bool *pick = hl_calloc(c->ctx, (na > np ? na : np) + 1, sizeof *pick);
    hl_status rc = HL_OK;
    w->large_works = hl_calloc(c->ctx, nw + 1, sizeof *w->large_works);
    for (int k = 0; k < W_N; k++)
        w->listed[k] = hl_calloc(c->ctx, n + 1, sizeof *w->listed[k]);
    if (!pick || !w->large_works || !w->listed[0] || !w->listed[1] || !w->listed[2]) {
        hl_free(pick);
        return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
    }
    classify_works(c, w);
    if ((rc = index_large(c, w))) {
        hl_free(pick);
        return rc;
    }
    served_lists(c, w);
    for (int k = 0; k < W_N && !rc; k++) {
        for (size_t j = 0; j < na; j++) {
            const char *tap = canon(c, "water_service_areas", "tap", hl_layer_value(A, j, "tap"));
            pick[j] = k == W_ANY || (k == W_TAP && (!tap || !strcmp(tap, "in_house"))) ||
                      (k == W_LARGE && large_by_id(w, hl_layer_value(A, j, "works_id")));
        }
        if ((rc = hl_nearindex_create(c->ctx, A, pick, &w->poly[k])))
            break;
        for (size_t j = 0; j < np; j++)
            pick[j] = k != W_LARGE || large_by_id(w, hl_layer_value(P, j, "works_id"));
        if ((rc = hl_nearindex_create(c->ctx, P, pick, &w->pipe[k])))
            break;
    }
    hl_free(pick);
    return rc;
}

static void water_free(cov *c, water *w) {
    for (int k = 0; k < W_N; k++) {
        hl_nearindex_destroy(w->poly[k]);
        hl_nearindex_destroy(w->pipe[k]);
        hl_free(w->listed[k]);
    }
    hl_free(w->large_works);
    if (w->large_ids)
        for (size_t j = 0; j < w->n_large; j++)
            hl_free(w->large_ids[j]);
    hl_free(w->large_ids);
}

hl_status hl__cov_water(cov *c) {
    static const char *ids[W_N] = {"WAT-01", "WAT-02", "WAT-03"};
    const hl_origins *o = &c->acc->origins;
    bool has_attr = o->natural && hl_layer_has(o->layer, "tap_water");
    water w;
    hl_status rc;
    if (!c->s->water_service_areas && !c->s->water_pipes && !c->s->water_works && !has_attr) {
        for (int k = 0; k < W_N; k++)
            if ((rc = hl__cov_skip(c, ids[k], "the plan gives no water_service_areas, water_pipes or water_works")))
                return rc;
        return HL_OK;
    }
    memset(&w, 0, sizeof w);
    if ((rc = build_water(c, &w)))
        goto done;
    for (int k = 0; k < W_N; k++) {
        cov_ind *ind = hl__cov_ind(c, ids[k]);
        char key[64];
        double buf_m;
        snprintf(key, sizeof key, "%s.pipe_buffer_m", k == W_LARGE ? "WAT-01" : ids[k]);
        buf_m = hl__std_num(c->s, key, 100);
        ind->threshold = 0;
        if (k == W_LARGE && !c->s->water_works) {
            if ((rc = hl__cov_skip(c, ids[k], "the plan gives no water_works (capacity decides large scale)")))
                goto done;
            continue;
        }
        for (size_t i = 0; i < o->n; i++) {
            double x = o->xy[2 * i], y = o->xy[2 * i + 1], d;
            const char *attr = has_attr ? hl_layer_value(o->layer, i, "tap_water") : NULL;
            bool ok;
            if (!o->has_xy[i])
                continue;
            /* listed by a works, or inside a supply area: no pipe needed */
            d = w.listed[k][i] ? 0 : hl_nearindex_distance(w.poly[k], x, y, NULL);
            if (d > 0)
                d = fmin(d, fmax(0, hl_nearindex_distance(w.pipe[k], x, y, NULL) - buf_m));
            ok = d <= 0;
            if (k == W_TAP && attr) {
                ok = flag_of(attr);
                if (ok)
                    d = 0;
            }
            ind->value[i] = d;
            ind->meets[i] = hl__cov_eligible(c, ids[k], COV_ORIGIN, i) ? (signed char)ok : COV_NULL;
            if ((i & 0xFFF) == 0xFFF && (rc = hl_check_interrupt(c->ctx)))
                goto done;
        }
    }
    if (has_attr)
        rc = hl__cov_note(c, "WAT-01", "the natural villages' tap_water attribute decides where it is given");
done:
    water_free(c, &w);
    return rc;
}

/* Area share of polygon g covered by the features of ix (NAN without g). */
static hl_status area_share(cov *c, hl_boxindex *ix, const GEOSGeometry *g, double *share) {
    GEOSContextHandle_t h = hl__geos(c->ctx);
    double a = 0, covered = 0;
    hl_status rc;
    *share = g ? 0 : NAN;
    if (!g || !GEOSArea_r(h, g, &a) || a <= 0)
        return HL_OK;
    if ((rc = hl_boxindex_covered_area(ix, g, &covered)))
        return rc;
    *share = covered / a;
    return HL_OK;
}

hl_status hl__cov_polygons(cov *c) {
    const hl_layer *V = c->s->villages;
    size_t nv = c->n_unit[COV_VILLAGE];
    hl_boxindex *ix = NULL;
    cov_ind *dig = hl__cov_ind(c, "DIG-02"), *agr = hl__cov_ind(c, "IND-02");
    hl_status rc = HL_OK;
    if (!nv || !c->s->coverage_5g) {
        rc = hl__cov_skip(c, "DIG-02", nv ? "the plan gives no coverage_5g layer" : "the plan gives no villages layer");
    } else if (!(rc = hl_boxindex_create(c->ctx, c->s->coverage_5g, NULL, &ix))) {
        dig->threshold = hl__std_num(c->s, "DIG-02.min_area_share", 0.5);
        for (size_t v = 0; v < nv && !rc; v++) {
            double sh;
            bool pt_in;
            if ((v & 0xFF) == 0xFF && (rc = hl_check_interrupt(c->ctx)))
                break;
            if ((rc = area_share(c, ix, hl__layer_geom(V, v), &sh)))
                break;
            pt_in = c->vill_has_xy[v] && hl_boxindex_covers(ix, c->vill_xy[2 * v], c->vill_xy[2 * v + 1]);
            dig->value[v] = sh;
            dig->meets[v] = !isnan(sh) && hl__cov_eligible(c, "DIG-02", COV_VILLAGE, v)
                                ? (signed char)(pt_in || sh >= dig->threshold)
                                : COV_NULL;
        }
    }
    hl_boxindex_destroy(ix);
    ix = NULL;
    if (rc)
        return rc;
    if (!nv || !c->s->agricultural_bases)
        return hl__cov_skip(c, "IND-02",
                            nv ? "the plan gives no agricultural_bases layer" : "the plan gives no villages layer");
    if ((rc = hl_boxindex_create(c->ctx, c->s->agricultural_bases, NULL, &ix)))
        return rc;
    for (size_t v = 0; v < nv && !rc; v++)
        rc = area_share(c, ix, hl__layer_geom(V, v), &agr->value[v]);
    hl_boxindex_destroy(ix);
    if (rc)
        return rc;
    return hl__cov_note(c, "IND-02",
                        "descriptive: the share of each village's area in agricultural bases; no rule, so "
                        "no flag (conflict layers are not an input role yet)");
}
