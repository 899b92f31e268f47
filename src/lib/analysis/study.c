/* Loading a study: every layer of the plan, the working CRS, field
 * bindings from the plan and the layer specifications, the standard with
 * the plan's overrides, and the administrative hierarchy. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/study_int.h"
#include "hl/io.h"
#include "layer/layer_int.h"

static hl_layer **role_slot(hl_study *s, const char *role) {
    if (!strcmp(role, "county")) return &s->county;
    if (!strcmp(role, "townships")) return &s->townships;
    if (!strcmp(role, "villages")) return &s->villages;
    if (!strcmp(role, "natural_villages")) return &s->natural_villages;
    if (!strcmp(role, "roads")) return &s->roads;
    if (!strcmp(role, "water_works")) return &s->water_works;
    if (!strcmp(role, "water_pipes")) return &s->water_pipes;
    if (!strcmp(role, "water_service_areas")) return &s->water_service_areas;
    if (!strcmp(role, "industry_bases")) return &s->industry_bases;
    if (!strcmp(role, "agricultural_bases")) return &s->agricultural_bases;
    if (!strcmp(role, "coverage_5g")) return &s->coverage_5g;
    return NULL;
}

double hl__std_num(const hl_study *s, const char *key, double dflt) {
    const hl_std_param *p = s->standard ? hl_standard_param(s->standard, key) : NULL;
    if (!p || p->type != HL_PARAM_NUMBER || !isfinite(p->number)) return dflt;
    return p->number;
}

/* Choose the working CRS: the plan's when it is a projected CRS, else the
 * Gauss-Krueger zone (UTM outside China) of the centre of the first layer
 * that has an extent. */
static hl_status choose_crs(hl_ctx *ctx, hl_study *s) {
    const hl_plan *plan = s->plan;
    static const char *order[] = {"county", "townships", "villages", "roads", "natural_villages", NULL};
    hl_status rc;
    if (plan->crs && strcasecmp(plan->crs, "auto")) {
        hl_crs *c = NULL;
        hl_crs_info info;
        if ((rc = hl_io_crs_parse(ctx, plan->crs, &c))) {
            hl_error_prefix(ctx, "%s: crs '%s'", plan->path, plan->crs);
            return rc;
        }
        rc = hl_io_crs_describe(ctx, c, &info);
        hl_io_crs_destroy(c);
        if (rc) return rc;
        if (info.projected && !info.gcj02) {
            snprintf(s->crs, sizeof s->crs, "%s", plan->crs);
            s->epsg = info.epsg;
            return HL_OK;
        }
        /* geographic or GCJ-02: the data's CRS, not a working CRS */
    }
    for (const char **r = order; *r; r++) {
        const hl_plan_layer *pl = hl_plan_find(plan, *r, NULL);
        hl_layer_source src;
        hl_layer_probe pr;
        int epsg;
        if (!pl) continue;
        memset(&src, 0, sizeof src);
        src.role = pl->role;
        src.path = pl->source;
        src.layer = pl->layer;
        src.encoding = pl->encoding;
        src.crs = pl->crs;
        src.fallback_crs = plan->crs;
        if ((rc = hl_layer_probe_source(ctx, &src, &pr))) return rc;
        if (!pr.has_extent) continue;
        if ((rc = hl_io_choose_working_crs(ctx, (pr.lon_min + pr.lon_max) / 2, (pr.lat_min + pr.lat_max) / 2, &epsg)))
            return rc;
        snprintf(s->crs, sizeof s->crs, "EPSG:%d", epsg);
        s->epsg = epsg;
        return HL_OK;
    }
    return hl_error(ctx, HL_E_DATA, "%s: none of the county, townships, villages, roads or natural_villages layers "
                                    "has features with coordinates; cannot choose a working CRS (set crs: EPSG:nnnn)",
                    plan->path);
}

/* Bind canonical fields: the plan's mapping first, then the spec's aliases. */
static hl_status bind_fields(hl_ctx *ctx, hl_study *s, hl_layer *L, const hl_plan_layer *pl) {
    const hl_role_spec *rs = hl_spec_role(s->specs, pl->role);
    const char **names;
    size_t nf = hl_layer_field_count(L);
    hl_status rc = HL_OK;
    char where[512];
    if (pl->kind) snprintf(where, sizeof where, "layers.facilities.%s", pl->kind);
    else snprintf(where, sizeof where, "layers.%s", pl->role);
    for (size_t i = 0; i < pl->n_fields; i++) {
        if (rs && !hl_role_spec_field(rs, pl->field_keys[i]) && strcmp(pl->field_keys[i], "id")) {
            char known[1024] = "";
            size_t used = 0;
            for (size_t j = 0; j < hl_role_spec_field_count(rs) && used + 2 < sizeof known; j++) {
                int w = snprintf(known + used, sizeof known - used, "%s%s", j ? ", " : "",
                                 hl_role_spec_field_at(rs, j)->name);
                if (w < 0) break;
                used += (size_t)w;
            }
            return hl_error(ctx, HL_E_PLAN, "%s: %s.fields: '%s' is not a field of role %s (known: %s)",
                            s->plan->path, where, pl->field_keys[i], pl->role, known);
        }
        if ((rc = hl_layer_bind(ctx, L, pl->field_keys[i], pl->field_values[i]))) {
            hl_error_prefix(ctx, "%s: %s", s->plan->path, where);
            return rc;
        }
    }
    if (!rs) return HL_OK;
    names = hl_calloc(ctx, nf ? nf : 1, sizeof *names);
    if (!names) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    for (size_t j = 0; j < nf; j++) names[j] = hl_layer_field_name(L, j);
    for (size_t k = 0; k < hl_role_spec_field_count(rs) && !rc; k++) {
        const hl_field_spec *f = hl_role_spec_field_at(rs, k);
        size_t idx;
        if (hl_layer_has(L, f->name)) continue;
        if (hl_spec_field_find(f, names, nf, &idx)) {
            rc = hl_layer_bind(ctx, L, f->name, names[idx]);
        } else if (f->required) {
            rc = hl_error(ctx, HL_E_DATA,
                          "%s (role %s): required field '%s' (%s) was not found among its fields; map it in the plan "
                          "with %s.fields: {%s: YOUR_FIELD}",
                          hl_layer_source_name(L), pl->role, f->name, f->description_zh ? f->description_zh : "",
                          where, f->name);
        }
    }
    hl_free(names);
    return rc;
}

static hl_status load_layer(hl_ctx *ctx, hl_study *s, const hl_plan_layer *pl, hl_layer **out) {
    hl_layer_source src;
    const hl_role_spec *rs = hl_spec_role(s->specs, pl->role);
    hl_status rc;
    memset(&src, 0, sizeof src);
    src.role = pl->role;
    src.kind = pl->kind;
    src.path = pl->source;
    src.layer = pl->layer;
    src.where = pl->where;
    src.encoding = pl->encoding;
    src.crs = pl->crs;
    src.fallback_crs = s->plan->crs;
    src.want = rs ? hl_role_spec_geom(rs) : HL_GEOM_UNKNOWN;
    if (!strcmp(pl->role, "facilities") || !strcmp(pl->role, "natural_villages") || !strcmp(pl->role, "water_works"))
        src.want = HL_GEOM_POINT; /* polygons become their interior point */
    if (!strcmp(pl->role, "industry_bases")) src.want = HL_GEOM_UNKNOWN;
    hl_log(ctx, HL_LOG_INFO, "reading %s%s%s from %s", pl->role, pl->kind ? "." : "", pl->kind ? pl->kind : "",
           pl->source);
    if ((rc = hl_layer_read(ctx, &src, s->crs, s->qa, out))) return rc;
    if (hl_layer_count(*out) == 0) {
        rc = hl_error(ctx, HL_E_DATA, "%s (role %s) has no features%s; check the layer%s", hl_layer_source_name(*out),
                      pl->role, pl->where ? " after the where: filter" : "", pl->where ? " and the filter" : "");
        hl_layer_destroy(*out);
        *out = NULL;
        return rc;
    }
    if ((rc = bind_fields(ctx, s, *out, pl))) {
        hl_layer_destroy(*out);
        *out = NULL;
        return rc;
    }
    /* findings made while reading name the fid: name the feature's id instead */
    for (size_t q = 0; q < hl_qa_count(s->qa) && !rc; q++) {
        const hl_qa_issue *is = hl_qa_get(s->qa, q);
        char idb[128];
        if (!is->feature_id || !is->source || strcmp(is->source, hl_layer_source_name(*out)) ||
            strcmp(is->layer, pl->role))
            continue;
        for (size_t i = 0; i < hl_layer_count(*out); i++) {
            char fb[32];
            snprintf(fb, sizeof fb, "%lld", (long long)hl_layer_fid(*out, i));
            if (strcmp(fb, is->feature_id)) continue;
            rc = hl_qa_set_feature_id(ctx, s->qa, q, hl_layer_id(*out, i, idb, sizeof idb));
            break;
        }
    }
    if (rc) {
        hl_layer_destroy(*out);
        *out = NULL;
    }
    return rc;
}

/* Codes: strip spaces and trailing ".0" that numeric columns give. */
static void norm_code(const char *in, char *out, size_t size) {
    size_t n = 0;
    if (!in) {
        out[0] = '\0';
        return;
    }
    for (; *in && n + 1 < size; in++)
        if (*in != ' ') out[n++] = *in;
    out[n] = '\0';
    if (n > 2 && !strcmp(out + n - 2, ".0")) out[n - 2] = '\0';
}

static const char *name_of(const hl_layer *L, size_t i, char *buf, size_t size) {
    const char *n = hl_layer_value(L, i, "name");
    if (n) return n;
    return hl_layer_id(L, i, buf, size);
}


/* ------------------------------------------------------------------ */
/* the national division table: fill missing names and codes, report  */
/* codes it does not know and names that differ from it                */

typedef struct div_table {
    char **codes, **names;
    size_t n;
} div_table;

static void div_free(div_table *d) {
    for (size_t i = 0; i < d->n; i++) {
        hl_free(d->codes[i]);
        hl_free(d->names[i]);
    }
    hl_free(d->codes);
    hl_free(d->names);
    memset(d, 0, sizeof *d);
}

static size_t div_find_code(const div_table *d, const char *code) {
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->codes[i], code)) return i;
    return SIZE_MAX;
}

/* The only row with this name, SIZE_MAX if none or several. */
static size_t div_find_name(const div_table *d, const char *name) {
    size_t hit = SIZE_MAX;
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->names[i], name)) {
            if (hit != SIZE_MAX) return SIZE_MAX;
            hit = i;
        }
    return hit;
}

/* The column bound to `canonical`, adding and binding a new one if needed. */
static hl_status column_for(hl_ctx *ctx, hl_layer *L, const char *canonical, const char *new_name, size_t *col) {
    const char *f = hl_layer_bound_field(L, canonical);
    hl_status rc;
    if (f) {
        *col = hl_layer_field_index(L, f);
        return HL_OK;
    }
    if ((rc = hl__layer_add_field(ctx, L, new_name, col))) return rc;
    return hl_layer_bind(ctx, L, canonical, new_name);
}

static hl_status apply_division_level(hl_ctx *ctx, hl_study *s, hl_layer *L, const div_table *d, size_t code_len,
                                      size_t *filled) {
    hl_status rc = HL_OK;
    char code[64], idb[64];
    for (size_t i = 0; i < hl_layer_count(L) && !rc; i++) {
        const char *name = hl_layer_value(L, i, "name");
        size_t row;
        size_t col;
        norm_code(hl_layer_value(L, i, "code"), code, sizeof code);
        if (code[0]) {
            row = div_find_code(d, code);
            if (row == SIZE_MAX) {
                if (strlen(code) == code_len)
                    rc = hl_qa_add(ctx, s->qa, HL_QA_WARNING, "unknown_code", hl_layer_role(L),
                                   hl_layer_source_name(L), hl_layer_id(L, i, idb, sizeof idb), false, 0, 0, NAN,
                                   "code %s is not in the national division table; check it", code);
            } else if (!name) {
                if (!(rc = column_for(ctx, L, "name", "division_name", &col)) &&
                    !(rc = hl__layer_set_raw(ctx, L, i, col, d->names[row])))
                    (*filled)++;
            } else if (strcmp(name, d->names[row]) && !strstr(d->names[row], name) && !strstr(name, d->names[row])) {
                rc = hl_qa_add(ctx, s->qa, HL_QA_INFO, "name_differs", hl_layer_role(L), hl_layer_source_name(L),
                               code, false, 0, 0, NAN, "name '%s' differs from the division table's '%s' for code %s",
                               name, d->names[row], code);
            }
        } else if (name && (row = div_find_name(d, name)) != SIZE_MAX) {
            if (!(rc = column_for(ctx, L, "code", "division_code", &col)) &&
                !(rc = hl__layer_set_raw(ctx, L, i, col, d->codes[row])))
                (*filled)++;
        }
    }
    return rc;
}

static hl_status apply_divisions(hl_ctx *ctx, hl_study *s) {
    const char *dir = s->plan->divisions;
    char prefix[16] = "", code[64], *path = NULL;
    div_table d;
    hl_status rc = HL_OK;
    size_t filled = 0;
    const hl_layer *src[] = {s->county, s->townships, s->villages};
    memset(&d, 0, sizeof d);
    if (!dir) return HL_OK;
    for (size_t k = 0; k < 3 && !prefix[0]; k++)
        for (size_t i = 0; src[k] && i < hl_layer_count(src[k]) && !prefix[0]; i++) {
            norm_code(hl_layer_value(src[k], i, "code"), code, sizeof code);
            if (strlen(code) >= 6) snprintf(prefix, sizeof prefix, "%.6s", code);
        }
    if (!prefix[0])
        return hl_qa_add(ctx, s->qa, HL_QA_INFO, "divisions_unused", "divisions", dir, NULL, false, 0, 0, NAN,
                         "no layer carries a division code, so the division table cannot be matched");
    if (s->townships) {
        if (!(path = hl_sprintf(ctx, "%s/streets.csv", dir))) return hl_error(ctx, HL_E_NOMEM, "out of memory");
        rc = hl_io_read_divisions(ctx, path, prefix, &d.codes, &d.names, &d.n);
        hl_free(path);
        if (!rc) rc = apply_division_level(ctx, s, s->townships, &d, 9, &filled);
        div_free(&d);
    }
    if (!rc && s->villages) {
        if (!(path = hl_sprintf(ctx, "%s/villages.csv", dir))) return hl_error(ctx, HL_E_NOMEM, "out of memory");
        rc = hl_io_read_divisions(ctx, path, prefix, &d.codes, &d.names, &d.n);
        hl_free(path);
        if (!rc) rc = apply_division_level(ctx, s, s->villages, &d, 12, &filled);
        div_free(&d);
    }
    if (!rc && filled)
        hl_log(ctx, HL_LOG_INFO, "%zu township/village names or codes filled in from the division table", filled);
    return rc;
}

/* A sorted index of the normalised codes of a layer, for lookups by code
 * (the hierarchy joins tens of thousands of villages). */
typedef struct code_ix {
    char (*code)[24];
    size_t *idx;
    size_t n;
} code_ix;

static int cmp_code_ent(const void *a, const void *b) { return strcmp((const char *)a, (const char *)b); }

static hl_status code_ix_build(hl_ctx *ctx, const hl_layer *L, code_ix *ix) {
    size_t n = hl_layer_count(L), m = 0;
    typedef struct ent { char code[24]; size_t idx; } ent;
    ent *e;
    memset(ix, 0, sizeof *ix);
    if (!L || !n) return HL_OK;
    e = hl_malloc(ctx, n * sizeof *e);
    if (!e) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        norm_code(hl_layer_value(L, i, "code"), e[m].code, sizeof e[m].code);
        if (!e[m].code[0]) continue;
        e[m].idx = i;
        m++;
    }
    /* equal codes: code_ix_find takes the lowest feature index, as a linear scan would */
    qsort(e, m, sizeof *e, cmp_code_ent);
    ix->code = hl_malloc(ctx, (m ? m : 1) * sizeof *ix->code);
    ix->idx = hl_malloc(ctx, (m ? m : 1) * sizeof *ix->idx);
    if (!ix->code || !ix->idx) {
        hl_free(e);
        hl_free(ix->code);
        hl_free(ix->idx);
        memset(ix, 0, sizeof *ix);
        return hl_error(ctx, HL_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < m; i++) {
        memcpy(ix->code[i], e[i].code, sizeof ix->code[i]);
        ix->idx[i] = e[i].idx;
    }
    ix->n = m;
    hl_free(e);
    return HL_OK;
}

/* The lowest feature index with this code, or SIZE_MAX. */
static size_t code_ix_find(const code_ix *ix, const char *code) {
    size_t lo = 0, hi = ix->n, best = SIZE_MAX;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ix->code[mid], code);
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    for (size_t i = lo; i < ix->n && !strcmp(ix->code[i], code); i++)
        if (ix->idx[i] < best) best = ix->idx[i];
    return best;
}

static void code_ix_free(code_ix *ix) {
    hl_free(ix->code);
    hl_free(ix->idx);
    memset(ix, 0, sizeof *ix);
}

static hl_status build_hierarchy_ix(hl_ctx *ctx, hl_study *s, const code_ix *tix_, const code_ix *vix_) {
    hl_status rc = HL_OK;
    const code_ix tix = *tix_, vix = *vix_;
    size_t nv = hl_layer_count(s->villages), nn = hl_layer_count(s->natural_villages);
    char a[64], b[64], buf[64], buf2[64];
    if (s->townships && (rc = hl_polyindex_create(ctx, s->townships, &s->township_ix))) return rc;
    if (s->villages && (rc = hl_polyindex_create(ctx, s->villages, &s->village_ix))) return rc;
    if (nv) {
        s->village_township = hl_malloc(ctx, nv * sizeof *s->village_township);
        if (!s->village_township) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    }
    for (size_t v = 0; v < nv; v++) {
        size_t by_code = SIZE_MAX, by_geom = SIZE_MAX;
        double x, y;
        norm_code(hl_layer_value(s->villages, v, "township_code"), a, sizeof a);
        if (!a[0]) {
            norm_code(hl_layer_value(s->villages, v, "code"), a, sizeof a);
            if (strlen(a) == 12) a[9] = '\0';
            else a[0] = '\0';
        }
        if (a[0]) by_code = code_ix_find(&tix, a);
        if (s->township_ix && hl_layer_point(s->villages, v, &x, &y)) by_geom = hl_polyindex_find(s->township_ix, x, y);
        s->village_township[v] = by_code != SIZE_MAX ? by_code : by_geom;
        if (by_code != SIZE_MAX && by_geom != SIZE_MAX && by_code != by_geom) {
            bool has = hl_layer_point(s->villages, v, &x, &y);
            rc = hl_qa_add(ctx, s->qa, HL_QA_WARNING, "hierarchy_mismatch", "villages", hl_layer_source_name(s->villages),
                           hl_layer_id(s->villages, v, buf, sizeof buf), has, x, y, NAN,
                           "village %s: its code places it in township %s but its geometry lies in township %s; "
                           "the code is used. Check the code or the boundary",
                           name_of(s->villages, v, buf2, sizeof buf2), name_of(s->townships, by_code, a, sizeof a),
                           name_of(s->townships, by_geom, b, sizeof b));
        } else if (s->townships && by_code == SIZE_MAX && by_geom == SIZE_MAX) {
            bool has = hl_layer_point(s->villages, v, &x, &y);
            rc = hl_qa_add(ctx, s->qa, HL_QA_WARNING, "outside_township", "villages", hl_layer_source_name(s->villages),
                           hl_layer_id(s->villages, v, buf, sizeof buf), has, x, y, NAN,
                           "village %s lies in no township and its code matches none; check its boundary and code",
                           name_of(s->villages, v, buf2, sizeof buf2));
        }
        if (rc) return rc;
    }
    if (nn) {
        s->nv_village = hl_malloc(ctx, nn * sizeof *s->nv_village);
        s->nv_township = hl_malloc(ctx, nn * sizeof *s->nv_township);
        if (!s->nv_village || !s->nv_township) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    }
    for (size_t n = 0; n < nn; n++) {
        size_t by_code = SIZE_MAX, by_geom = SIZE_MAX;
        double x = 0, y = 0;
        bool has = hl_layer_point(s->natural_villages, n, &x, &y);
        norm_code(hl_layer_value(s->natural_villages, n, "village_code"), a, sizeof a);
        if (a[0]) by_code = code_ix_find(&vix, a);
        if (s->village_ix && has) by_geom = hl_polyindex_find(s->village_ix, x, y);
        s->nv_village[n] = by_code != SIZE_MAX ? by_code : by_geom;
        if (by_code != SIZE_MAX && by_geom != SIZE_MAX && by_code != by_geom)
            rc = hl_qa_add(ctx, s->qa, HL_QA_WARNING, "hierarchy_mismatch", "natural_villages",
                           hl_layer_source_name(s->natural_villages),
                           hl_layer_id(s->natural_villages, n, buf, sizeof buf), has, x, y, NAN,
                           "natural village %s: its village code says %s but it lies in %s; the code is used",
                           name_of(s->natural_villages, n, buf2, sizeof buf2),
                           name_of(s->villages, by_code, a, sizeof a), name_of(s->villages, by_geom, b, sizeof b));
        else if (s->villages && by_code == SIZE_MAX && by_geom == SIZE_MAX && has)
            rc = hl_qa_add(ctx, s->qa, HL_QA_WARNING, "outside_village", "natural_villages",
                           hl_layer_source_name(s->natural_villages),
                           hl_layer_id(s->natural_villages, n, buf, sizeof buf), has, x, y, NAN,
                           "natural village %s lies in no administrative village; check its location "
                           "(it may be outside the county or in the wrong CRS)",
                           name_of(s->natural_villages, n, buf2, sizeof buf2));
        if (rc) return rc;
        s->nv_township[n] = s->nv_village[n] != SIZE_MAX && s->village_township
                                ? s->village_township[s->nv_village[n]]
                                : (s->township_ix && has ? hl_polyindex_find(s->township_ix, x, y) : SIZE_MAX);
    }
    return HL_OK;
}

static hl_status build_hierarchy(hl_ctx *ctx, hl_study *s) {
    code_ix tix, vix;
    hl_status rc = code_ix_build(ctx, s->townships, &tix);
    if (!rc) rc = code_ix_build(ctx, s->villages, &vix);
    else memset(&vix, 0, sizeof vix);
    if (!rc) rc = build_hierarchy_ix(ctx, s, &tix, &vix);
    code_ix_free(&tix);
    code_ix_free(&vix);
    return rc;
}

hl_status hl_study_load(hl_ctx *ctx, const hl_plan *plan, const char *layers_dir, hl_qa *qa, hl_study **out) {
    hl_study *s;
    hl_status rc;
    *out = NULL;
    s = hl_calloc(ctx, 1, sizeof *s);
    if (!s) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    s->ctx = ctx;
    s->plan = plan;
    s->qa = qa;
    if ((rc = hl_spec_set_load(ctx, layers_dir, &s->specs))) goto done;
    {
        /* a standard given as a file is relative to the plan, like the sources */
        const char *std = plan->standard;
        char *path = NULL;
        size_t sl = strlen(std);
        if (std[0] != '/' && (strchr(std, '/') || (sl > 5 && !strcmp(std + sl - 5, ".yaml"))) && plan->dir &&
            strcmp(plan->dir, "."))
            path = hl_sprintf(ctx, "%s/%s", plan->dir, std);
        rc = hl_standard_load_for_set(ctx, s->specs, path ? path : std, &s->standard);
        hl_free(path);
    }
    if (rc) {
        hl_error_prefix(ctx, "%s: standard '%s'", plan->path, plan->standard);
        goto done;
    }
    for (size_t i = 0; i < plan->n_overrides; i++) {
        if ((rc = hl_standard_override(s->standard, plan->overrides[i].key, plan->overrides[i].value))) {
            hl_error_prefix(ctx, "%s: thresholds", plan->path);
            goto done;
        }
    }
    if ((rc = choose_crs(ctx, s))) goto done;
    hl_log(ctx, HL_LOG_INFO, "working CRS %s", s->crs);
    for (size_t i = 0; i < plan->n_layers; i++) {
        const hl_plan_layer *pl = &plan->layers[i];
        hl_layer *L = NULL;
        if ((rc = load_layer(ctx, s, pl, &L))) goto done;
        if (pl->kind) {
            hl_layer **nf = hl_realloc(ctx, s->facilities, (s->n_facilities + 1) * sizeof *nf);
            if (!nf) {
                hl_layer_destroy(L);
                rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
                goto done;
            }
            s->facilities = nf;
            s->facilities[s->n_facilities++] = L;
        } else {
            hl_layer **slot = role_slot(s, pl->role);
            if (!slot) {
                hl_layer_destroy(L);
                continue;
            }
            *slot = L;
        }
    }
    if ((rc = apply_divisions(ctx, s))) goto done;
    rc = build_hierarchy(ctx, s);
done:
    if (rc) {
        hl_study_destroy(s);
        return rc;
    }
    *out = s;
    return HL_OK;
}

void hl_study_destroy(hl_study *s) {
    if (!s) return;
    hl_polyindex_destroy(s->township_ix);
    hl_polyindex_destroy(s->village_ix);
    hl_layer_destroy(s->county);
    hl_layer_destroy(s->townships);
    hl_layer_destroy(s->villages);
    hl_layer_destroy(s->natural_villages);
    hl_layer_destroy(s->roads);
    hl_layer_destroy(s->water_works);
    hl_layer_destroy(s->water_pipes);
    hl_layer_destroy(s->water_service_areas);
    hl_layer_destroy(s->industry_bases);
    hl_layer_destroy(s->agricultural_bases);
    hl_layer_destroy(s->coverage_5g);
    for (size_t i = 0; i < s->n_facilities; i++) hl_layer_destroy(s->facilities[i]);
    hl_free(s->facilities);
    hl_free(s->village_township);
    hl_free(s->nv_village);
    hl_free(s->nv_township);
    hl_standard_destroy(s->standard);
    hl_spec_set_destroy(s->specs);
    hl_free(s);
}

const char *hl_study_crs(const hl_study *s) { return s->crs; }

const hl_layer *hl_study_layer(const hl_study *s, const char *role) {
    hl_layer **slot = role_slot((hl_study *)s, role);
    return slot ? *slot : NULL;
}

size_t hl_study_facility_kind_count(const hl_study *s) { return s->n_facilities; }
const hl_layer *hl_study_facility_layer(const hl_study *s, size_t i) {
    return i < s->n_facilities ? s->facilities[i] : NULL;
}
const hl_layer *hl_study_facilities(const hl_study *s, const char *kind) {
    for (size_t i = 0; i < s->n_facilities; i++)
        if (!strcmp(hl_layer_kind(s->facilities[i]), kind)) return s->facilities[i];
    return NULL;
}

size_t hl_study_village_township(const hl_study *s, size_t v) {
    return s->village_township && v < hl_layer_count(s->villages) ? s->village_township[v] : SIZE_MAX;
}
size_t hl_study_natural_village_village(const hl_study *s, size_t n) {
    return s->nv_village && n < hl_layer_count(s->natural_villages) ? s->nv_village[n] : SIZE_MAX;
}
size_t hl_study_township_at(const hl_study *s, double x, double y) {
    return s->township_ix ? hl_polyindex_find(s->township_ix, x, y) : SIZE_MAX;
}
size_t hl_study_village_at(const hl_study *s, double x, double y) {
    return s->village_ix ? hl_polyindex_find(s->village_ix, x, y) : SIZE_MAX;
}
