/* The in-memory layer: features, attribute values and canonical field
 * bindings.  Read-only once loaded. */
#include "layer/layer_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_int.h"

hl_status hl__layer_create(hl_ctx *ctx, const char *role, const char *kind, const char *source_name,
                           hl_geom_kind geom_kind, size_t n_fields, const char *const *field_names,
                           hl_layer **out) {
    hl_layer *L = hl_calloc(ctx, 1, sizeof *L);
    *out = NULL;
    if (!L) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    L->ctx = ctx;
    L->geom_kind = geom_kind;
    L->role = hl_strdup(ctx, role ? role : "");
    L->kind = hl_strdup(ctx, kind);
    L->source_name = hl_strdup(ctx, source_name ? source_name : "");
    L->field_names = hl_calloc(ctx, n_fields ? n_fields : 1, sizeof(char *));
    if (!L->role || (kind && !L->kind) || !L->source_name || !L->field_names) goto nomem;
    for (size_t i = 0; i < n_fields; i++) {
        L->field_names[i] = hl_strdup(ctx, field_names[i] ? field_names[i] : "");
        if (!L->field_names[i]) goto nomem;
        L->n_fields = i + 1;
    }
    L->n_fields = n_fields;
    *out = L;
    return HL_OK;
nomem:
    hl_layer_destroy(L);
    return hl_error(ctx, HL_E_NOMEM, "out of memory creating a layer");
}

static void feature_free(hl_layer *L, hl_feature *f) {
    if (f->geom) GEOSGeom_destroy_r(hl__geos(L->ctx), f->geom);
    if (f->values) {
        for (size_t j = 0; j < L->n_fields; j++) hl_free(f->values[j]);
        hl_free(f->values);
    }
}

void hl_layer_destroy(hl_layer *L) {
    if (!L) return;
    for (size_t i = 0; i < L->n; i++) feature_free(L, &L->feat[i]);
    hl_free(L->feat);
    if (L->field_names)
        for (size_t i = 0; i < L->n_fields; i++) hl_free(L->field_names[i]);
    hl_free(L->field_names);
    for (size_t i = 0; i < L->n_bind; i++) hl_free(L->bind[i].canonical);
    hl_free(L->bind);
    hl_free(L->role);
    hl_free(L->kind);
    hl_free(L->source_name);
    hl_free(L->encoding);
    hl_free(L);
}

/* A representative point: the point itself; the interior point of a
 * polygon; the middle vertex of a line. */
static bool rep_point(hl_ctx *ctx, const GEOSGeometry *g, double *x, double *y) {
    GEOSContextHandle_t h = hl__geos(ctx);
    GEOSGeometry *p;
    int t;
    bool ok = false;
    if (!g || GEOSisEmpty_r(h, g) != 0) return false;
    t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_POINT) return GEOSGeomGetX_r(h, g, x) == 1 && GEOSGeomGetY_r(h, g, y) == 1;
    p = (t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON) ? GEOSPointOnSurface_r(h, g) : NULL;
    if (!p && (t == GEOS_LINESTRING || t == GEOS_MULTILINESTRING)) {
        /* the point halfway along the line */
        const GEOSGeometry *line = t == GEOS_LINESTRING ? g : GEOSGetGeometryN_r(h, g, 0);
        double len = 0;
        if (line && GEOSLength_r(h, line, &len) == 1) p = GEOSInterpolate_r(h, line, len / 2);
    }
    if (!p) p = GEOSPointOnSurface_r(h, g);
    if (p) {
        ok = GEOSGeomGetX_r(h, p, x) == 1 && GEOSGeomGetY_r(h, p, y) == 1;
        GEOSGeom_destroy_r(h, p);
    }
    return ok;
}

hl_status hl__layer_append(hl_ctx *ctx, hl_layer *L, int64_t fid, GEOSGeometry *geom_owned,
                           const char *const *values) {
    hl_feature *f;
    hl_status rc = hl_grow(ctx, (void **)&L->feat, &L->cap, L->n + 1, sizeof *L->feat);
    if (rc) {
        if (geom_owned) GEOSGeom_destroy_r(hl__geos(ctx), geom_owned);
        return rc;
    }
    f = &L->feat[L->n];
    memset(f, 0, sizeof *f);
    f->fid = fid;
    f->geom = geom_owned;
    f->values = hl_calloc(ctx, L->n_fields ? L->n_fields : 1, sizeof(char *));
    if (!f->values) goto nomem;
    for (size_t j = 0; j < L->n_fields; j++) {
        if (values && values[j]) {
            f->values[j] = hl_strdup(ctx, values[j]);
            if (!f->values[j]) goto nomem;
        }
    }
    f->has_point = rep_point(ctx, geom_owned, &f->px, &f->py);
    L->n++;
    return HL_OK;
nomem:
    feature_free(L, f);
    memset(f, 0, sizeof *f);
    return hl_error(ctx, HL_E_NOMEM, "out of memory reading features");
}

size_t hl_layer_count(const hl_layer *L) { return L ? L->n : 0; }
const char *hl_layer_role(const hl_layer *L) { return L->role; }
const char *hl_layer_kind(const hl_layer *L) { return L->kind; }
const char *hl_layer_source_name(const hl_layer *L) { return L->source_name; }
const char *hl_layer_encoding(const hl_layer *L) { return L->encoding; }
hl_geom_kind hl_layer_geom_kind(const hl_layer *L) { return L->geom_kind; }
size_t hl_layer_field_count(const hl_layer *L) { return L->n_fields; }
const char *hl_layer_field_name(const hl_layer *L, size_t i) { return i < L->n_fields ? L->field_names[i] : NULL; }

size_t hl_layer_field_index(const hl_layer *L, const char *name) {
    for (size_t i = 0; i < L->n_fields; i++)
        if (!strcmp(L->field_names[i], name)) return i;
    return SIZE_MAX;
}

static const hl_binding *find_binding(const hl_layer *L, const char *canonical) {
    for (size_t i = 0; i < L->n_bind; i++)
        if (!strcmp(L->bind[i].canonical, canonical)) return &L->bind[i];
    return NULL;
}

hl_status hl_layer_bind(hl_ctx *ctx, hl_layer *L, const char *canonical, const char *source_field) {
    size_t idx = hl_layer_field_index(L, source_field);
    hl_binding *b;
    hl_status rc;
    if (idx == SIZE_MAX) {
        char list[1024];
        size_t used = 0;
        list[0] = '\0';
        for (size_t i = 0; i < L->n_fields && used + 2 < sizeof list; i++) {
            int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", L->field_names[i]);
            if (w < 0) break;
            used += (size_t)w;
        }
        return hl_error(ctx, HL_E_DATA,
                        "%s (role %s): field '%s' for '%s' does not exist; the fields are: %s. "
                        "Fix the 'fields:' mapping in the plan",
                        L->source_name, L->role, source_field, canonical, list);
    }
    b = (hl_binding *)find_binding(L, canonical);
    if (b) {
        b->field = idx;
        return HL_OK;
    }
    if ((rc = hl_grow(ctx, (void **)&L->bind, &L->cap_bind, L->n_bind + 1, sizeof *L->bind))) return rc;
    b = &L->bind[L->n_bind];
    b->canonical = hl_strdup(ctx, canonical);
    if (!b->canonical) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    b->field = idx;
    L->n_bind++;
    return HL_OK;
}

bool hl_layer_has(const hl_layer *L, const char *canonical) { return find_binding(L, canonical) != NULL; }

const char *hl_layer_bound_field(const hl_layer *L, const char *canonical) {
    const hl_binding *b = find_binding(L, canonical);
    return b ? L->field_names[b->field] : NULL;
}

int64_t hl_layer_fid(const hl_layer *L, size_t i) { return L->feat[i].fid; }

const char *hl_layer_raw(const hl_layer *L, size_t i, size_t field) {
    if (i >= L->n || field >= L->n_fields) return NULL;
    return L->feat[i].values[field];
}

const char *hl_layer_value(const hl_layer *L, size_t i, const char *canonical) {
    const hl_binding *b = find_binding(L, canonical);
    const char *v;
    if (!b || i >= L->n) return NULL;
    v = L->feat[i].values[b->field];
    if (!v) return NULL;
    while (*v == ' ') v++;
    return *v ? v : NULL;
}

double hl_layer_number(const hl_layer *L, size_t i, const char *canonical, double dflt) {
    const char *v = hl_layer_value(L, i, canonical);
    char *end;
    double x;
    if (!v) return dflt;
    errno = 0;
    x = strtod(v, &end);
    while (*end == ' ') end++;
    if (end == v || *end != '\0' || errno || !isfinite(x)) return dflt;
    return x;
}

const char *hl_layer_id(const hl_layer *L, size_t i, char *buf, size_t size) {
    const char *v = hl_layer_value(L, i, "id");
    if (!v) v = hl_layer_value(L, i, "code");
    if (v) snprintf(buf, size, "%s", v);
    else snprintf(buf, size, "%lld", (long long)L->feat[i].fid);
    return buf;
}

bool hl_layer_point(const hl_layer *L, size_t i, double *x, double *y) {
    if (i >= L->n || !L->feat[i].has_point) return false;
    *x = L->feat[i].px;
    *y = L->feat[i].py;
    return true;
}

bool hl_layer_has_geom(const hl_layer *L, size_t i) { return i < L->n && L->feat[i].geom != NULL; }

const GEOSGeometry *hl__layer_geom(const hl_layer *L, size_t i) { return i < L->n ? L->feat[i].geom : NULL; }

hl_status hl__layer_add_field(hl_ctx *ctx, hl_layer *L, const char *name, size_t *field) {
    char **names = hl_realloc(ctx, L->field_names, (L->n_fields + 1) * sizeof *names);
    if (!names) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    L->field_names = names;
    if (!(names[L->n_fields] = hl_strdup(ctx, name))) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < L->n; i++) {
        char **v = hl_realloc(ctx, L->feat[i].values, (L->n_fields + 1) * sizeof *v);
        if (!v) {
            /* the features grown so far keep one spare slot: harmless */
            hl_free(names[L->n_fields]);
            return hl_error(ctx, HL_E_NOMEM, "out of memory");
        }
        v[L->n_fields] = NULL;
        L->feat[i].values = v;
    }
    *field = L->n_fields++;
    return HL_OK;
}

hl_status hl__layer_set_raw(hl_ctx *ctx, hl_layer *L, size_t i, size_t field, const char *value) {
    char *d;
    if (i >= L->n || field >= L->n_fields) return hl_error(ctx, HL_E_ARG, "no such cell");
    d = hl_strdup(ctx, value);
    if (value && !d) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    hl_free(L->feat[i].values[field]);
    L->feat[i].values[field] = d;
    return HL_OK;
}
