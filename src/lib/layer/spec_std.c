/* Standards presets: loads layers/standards/<name>.yaml with its `extends`
 * chain into an hl_standard (every threshold with unit, source and confidence),
 * validates every value, applies overrides and lists the parameters in a
 * stable order for reports. */
#include "layer/spec_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STD_MAX_DEPTH 8

typedef struct sec_int {
    const char *id;
    bool is_indicator;
    const char *title_zh, *title_en, *unit;
    const char **weighting;
    size_t n_weighting;
} sec_int;

typedef struct param_int {
    hl_std_param pub;
    size_t section;
} param_int;

struct hl_standard {
    hl_ctx *ctx;
    hl__arena arena;
    const char *name;
    const char *lineage;
    const char *title_zh, *title_en;
    const char *layers_dir;
    sec_int *secs;
    size_t n_secs, cap_secs;
    param_int *params;
    size_t n_params, cap_params;
    /* Built by finish(): the stable order, and the public sections. */
    size_t *order;
    hl_std_section *pub_secs;
    /* The chain being loaded (cycle check). */
    const char *stack[STD_MAX_DEPTH];
    size_t depth;
};

/* ------------------------------------------------------------------ */
/* value checks                                                          */

static const char *const NONNEG_UNITS[] = {"min", "s", "h", "m", "km", "mm", "m3/d",
                                           "households", "persons", "count"};
static const char *const MODES[] = {"walk", "motor", "ebike", "bicycle", "bus"};

static bool in_list(const char *s, const char *const *l, size_t n) {
    size_t i;
    for (i = 0; i < n; i++)
        if (strcmp(s, l[i]) == 0) return true;
    return false;
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static bool known_unit(const char *u) {
    static const char *const other[] = {"share", "km/h", "bool", "mode", "kinds", "surfaces", "text"};
    return in_list(u, NONNEG_UNITS, N_OF(NONNEG_UNITS)) || in_list(u, other, N_OF(other));
}

static const char *type_name(hl_param_type t) {
    switch (t) {
    case HL_PARAM_NUMBER: return "a number";
    case HL_PARAM_BOOL: return "true/false";
    case HL_PARAM_TEXT: return "text";
    default: return "a list";
    }
}

/* NULL when the value fits its unit, else a message in buf. */
static const char *check_value(const char *name, const char *unit, hl_param_type type, double num,
                               const char *text, size_t n_items, char *buf, size_t n) {
    bool is_target = strcmp(name, "target") == 0 || strncmp(name, "target_", 7) == 0;
    if (!known_unit(unit)) {
        snprintf(buf, n,
                 "unknown unit '%s' (share, min, s, h, m, km, mm, m3/d, km/h, households, persons, "
                 "count, bool, mode, kinds, surfaces, text)",
                 unit);
        return buf;
    }
    if (is_target && strcmp(unit, "share") != 0) {
        snprintf(buf, n, "a target is a share (unit: share), found unit '%s'", unit);
        return buf;
    }
    if (strcmp(unit, "share") == 0 || strcmp(unit, "km/h") == 0 ||
        in_list(unit, NONNEG_UNITS, N_OF(NONNEG_UNITS))) {
        if (type != HL_PARAM_NUMBER) {
            snprintf(buf, n, "unit '%s' needs a number, found %s", unit, type_name(type));
            return buf;
        }
        if (strcmp(unit, "share") == 0 && !(num >= 0 && num <= 1)) {
            snprintf(buf, n, "%g is outside 0..1 (a share: write 0.95, not 95)", num);
            return buf;
        }
        if (strcmp(unit, "km/h") == 0 && !(num > 0)) {
            snprintf(buf, n, "a speed must be > 0 km/h, found %g", num);
            return buf;
        }
        if (strcmp(unit, "km/h") != 0 && strcmp(unit, "share") != 0 && num < 0) {
            snprintf(buf, n, "%g is negative (unit %s)", num, unit);
            return buf;
        }
        return NULL;
    }
    if (strcmp(unit, "bool") == 0 && type != HL_PARAM_BOOL) {
        snprintf(buf, n, "unit 'bool' needs true or false, found %s", type_name(type));
        return buf;
    }
    if (strcmp(unit, "mode") == 0 && (type != HL_PARAM_TEXT || !in_list(text, MODES, N_OF(MODES)))) {
        snprintf(buf, n, "unknown mode '%s' (walk, motor, ebike, bicycle, bus)", text);
        return buf;
    }
    if ((strcmp(unit, "kinds") == 0 || strcmp(unit, "surfaces") == 0) &&
        (type != HL_PARAM_LIST || n_items == 0)) {
        snprintf(buf, n, "unit '%s' needs a non-empty list [a, b]", unit);
        return buf;
    }
    if (strcmp(unit, "text") == 0 && type != HL_PARAM_TEXT && type != HL_PARAM_LIST) {
        snprintf(buf, n, "unit 'text' needs text or a list, found %s", type_name(type));
        return buf;
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* building                                                              */

static size_t find_sec(const hl_standard *std, const char *id) {
    size_t i;
    for (i = 0; i < std->n_secs; i++)
        if (strcmp(std->secs[i].id, id) == 0) return i;
    return (size_t)-1;
}

static param_int *find_param(hl_standard *std, size_t sec, const char *name) {
    size_t i;
    for (i = 0; i < std->n_params; i++)
        if (std->params[i].section == sec && strcmp(std->params[i].pub.name, name) == 0)
            return &std->params[i];
    return NULL;
}

static char *join_items(hl__arena *a, const char *const *items, size_t n) {
    size_t i, len = 0;
    char *s, *p;
    for (i = 0; i < n; i++) len += strlen(items[i]) + 1;
    s = hl__arena_alloc(a, len + 1);
    if (!s) return NULL;
    p = s;
    for (i = 0; i < n; i++) {
        size_t l = strlen(items[i]);
        if (i) *p++ = ',';
        memcpy(p, items[i], l);
        p += l;
    }
    *p = '\0';
    return s;
}

static char *num_text(hl__arena *a, double v) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.15g", v);
    return hl__arena_strdup(a, buf);
}

/* A parsed value before it is stored. */
typedef struct pval {
    hl_param_type type;
    double num;
    bool flag;
    const char *text;
    const char **items;
    size_t n_items;
} pval;

static hl_status read_value(hl__yfile *yf, struct fy_node *k, struct fy_node *v, const char *path,
                            pval *out) {
    hl_status rc;
    memset(out, 0, sizeof *out);
    if (hl__y_is_seq(v)) {
        out->type = HL_PARAM_LIST;
        if ((rc = hl__y_strlist(yf, k, v, path, &out->items, &out->n_items))) return rc;
        out->text = join_items(yf->arena, out->items, out->n_items);
        return out->text ? HL_OK : HL_E_NOMEM;
    }
    if (hl__y_is_map(v)) return hl__y_err(yf, k, path, "a value is a number, true/false, text or a list");
    out->text = hl__y_text(v);
    if (!out->text || !out->text[0]) return hl__y_err(yf, k, path, "empty value");
    if (hl__y_is_plain(v) && (strcmp(out->text, "true") == 0 || strcmp(out->text, "false") == 0)) {
        out->type = HL_PARAM_BOOL;
        out->flag = out->text[0] == 't';
    } else if (hl__y_is_plain(v) && hl__parse_double(out->text, &out->num)) {
        out->type = HL_PARAM_NUMBER;
        out->text = num_text(yf->arena, out->num);
        return out->text ? HL_OK : HL_E_NOMEM;
    } else {
        out->type = HL_PARAM_TEXT;
    }
    out->text = hl__arena_strdup(yf->arena, out->text);
    return out->text ? HL_OK : HL_E_NOMEM;
}

static hl_status add_section(hl_standard *std, const char *id, bool is_indicator, size_t *out) {
    size_t i = find_sec(std, id);
    hl_status rc;
    if (i != (size_t)-1) {
        *out = i;
        return HL_OK;
    }
    rc = hl_grow(std->ctx, (void **)&std->secs, &std->cap_secs, std->n_secs + 1, sizeof *std->secs);
    if (rc) return rc;
    memset(&std->secs[std->n_secs], 0, sizeof std->secs[0]);
    std->secs[std->n_secs].id = hl__arena_strdup(&std->arena, id);
    if (!std->secs[std->n_secs].id) return HL_E_NOMEM;
    std->secs[std->n_secs].is_indicator = is_indicator;
    std->secs[std->n_secs].title_zh = std->secs[std->n_secs].title_en = "";
    std->secs[std->n_secs].unit = "";
    *out = std->n_secs++;
    return HL_OK;
}

/* One parameter mapping {value, unit, source, confidence, year, note}. */
static hl_status apply_param(hl_standard *std, hl__yfile *yf, size_t sec, struct fy_node *k,
                             struct fy_node *v, const char *origin) {
    const char *name = hl__y_text(k);
    char path[256], sub[300], msg[512];
    void *it = NULL;
    struct fy_node_pair *p;
    pval val;
    bool have_val = false;
    const char *unit = NULL, *source = NULL, *note = NULL;
    char conf = 0;
    int year = 0;
    param_int *pi;
    hl_status rc;
    snprintf(path, sizeof path, "%s.%s", std->secs[sec].id, name ? name : "?");
    if (!name || !name[0] || strchr(name, '.'))
        return hl__y_err(yf, k, path, "a parameter name is text without dots");
    if (!hl__y_is_map(v))
        return hl__y_err(yf, k, path, "expected {value, unit, source, confidence}");
    while ((p = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *kk = fy_node_pair_key(p), *vv = fy_node_pair_value(p);
        const char *n = hl__y_text(kk);
        snprintf(sub, sizeof sub, "%s.%s", path, n ? n : "?");
        if (!n) return hl__y_err(yf, k, path, "keys must be text");
        if (strcmp(n, "value") == 0) {
            have_val = true;
            if ((rc = read_value(yf, kk, vv, sub, &val))) return rc;
        } else if (strcmp(n, "unit") == 0) {
            if (!(unit = hl__y_text(vv))) return hl__y_err(yf, kk, sub, "expected text");
        } else if (strcmp(n, "source") == 0) {
            if (!(source = hl__y_text(vv)) || !source[0])
                return hl__y_err(yf, kk, sub, "expected a non-empty source");
        } else if (strcmp(n, "note") == 0) {
            if (!(note = hl__y_text(vv))) return hl__y_err(yf, kk, sub, "expected text");
        } else if (strcmp(n, "confidence") == 0) {
            const char *t = hl__y_text(vv);
            if (!t || strlen(t) != 1 || !strchr("CPU", t[0]))
                return hl__y_err(yf, kk, sub, "confidence is C, P or U, found '%s'", t ? t : "(list)");
            conf = t[0];
        } else if (strcmp(n, "year") == 0) {
            double y;
            const char *t = hl__y_text(vv);
            if (!t || !hl__parse_double(t, &y) || y != floor(y) || y < 1900 || y > 2100)
                return hl__y_err(yf, kk, sub, "a year is a whole number 1900..2100, found '%s'",
                                 t ? t : "(list)");
            year = (int)y;
        } else {
            return hl__y_err(yf, kk, path, "unknown key '%s' (value, unit, source, confidence, year, note)", n);
        }
    }
    if (!have_val) return hl__y_err(yf, k, path, "missing 'value'");
    if (!source) return hl__y_err(yf, k, path, "missing 'source'");
    if (!conf) return hl__y_err(yf, k, path, "missing 'confidence'");
    pi = find_param(std, sec, name);
    if (pi) {
        if (!unit) unit = pi->pub.unit;
        else if (strcmp(unit, pi->pub.unit) != 0)
            return hl__y_err(yf, k, path, "unit '%s' differs from the inherited unit '%s'", unit, pi->pub.unit);
        if (val.type != pi->pub.type)
            return hl__y_err(yf, k, path, "value is %s but the inherited value is %s", type_name(val.type),
                             type_name(pi->pub.type));
    } else if (!unit) {
        return hl__y_err(yf, k, path, "missing 'unit' (a new parameter needs one)");
    }
    if (check_value(name, unit, val.type, val.num, val.text, val.n_items, msg, sizeof msg))
        return hl__y_err(yf, k, path, "%s", msg);
    if (!pi) {
        if ((rc = hl_grow(std->ctx, (void **)&std->params, &std->cap_params, std->n_params + 1,
                          sizeof *std->params)))
            return rc;
        pi = &std->params[std->n_params++];
        memset(pi, 0, sizeof *pi);
        pi->section = sec;
        pi->pub.section = std->secs[sec].id;
        pi->pub.name = hl__arena_strdup(&std->arena, name);
        pi->pub.key = hl__arena_strdup(&std->arena, path);
        if (!pi->pub.name || !pi->pub.key) return HL_E_NOMEM;
    }
    pi->pub.type = val.type;
    pi->pub.number = val.num;
    pi->pub.flag = val.flag;
    pi->pub.text = val.text;
    pi->pub.items = val.items;
    pi->pub.n_items = val.n_items;
    pi->pub.unit = hl__arena_strdup(&std->arena, unit);
    pi->pub.source = hl__arena_strdup(&std->arena, source);
    pi->pub.note = note ? hl__arena_strdup(&std->arena, note) : NULL;
    pi->pub.confidence = conf;
    pi->pub.year = year;
    pi->pub.origin = origin;
    if (!pi->pub.unit || !pi->pub.source || (note && !pi->pub.note)) return HL_E_NOMEM;
    return HL_OK;
}

static hl_status apply_params(hl_standard *std, hl__yfile *yf, size_t sec, struct fy_node *k,
                              struct fy_node *v, const char *origin) {
    void *it = NULL;
    struct fy_node_pair *p;
    hl_status rc;
    if (!hl__y_is_map(v)) return hl__y_err(yf, k, std->secs[sec].id, "parameters must be a mapping");
    while ((p = fy_node_mapping_iterate(v, &it)))
        if ((rc = apply_param(std, yf, sec, fy_node_pair_key(p), fy_node_pair_value(p), origin))) return rc;
    return HL_OK;
}

static bool valid_indicator_id(const char *id) {
    const char *p = id;
    if (!(*p >= 'A' && *p <= 'Z')) return false;
    while (*p >= 'A' && *p <= 'Z') p++;
    if (*p++ != '-') return false;
    if (!(*p >= '0' && *p <= '9')) return false;
    while (*p >= '0' && *p <= '9') p++;
    return *p == '\0';
}

static hl_status apply_indicator(hl_standard *std, hl__yfile *yf, struct fy_node *k, struct fy_node *v,
                                 const char *origin) {
    const char *id = hl__y_text(k);
    size_t sec;
    bool is_new;
    void *it = NULL;
    struct fy_node_pair *p;
    char sub[256];
    hl_status rc;
    if (!id || !valid_indicator_id(id))
        return hl__y_err(yf, k, "indicators", "indicator ids look like ROAD-01, found '%s'", id ? id : "?");
    if (!hl__y_is_map(v)) return hl__y_err(yf, k, id, "expected {title, unit, weighting, params}");
    is_new = find_sec(std, id) == (size_t)-1;
    if ((rc = add_section(std, id, true, &sec))) return rc;
    while ((p = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *kk = fy_node_pair_key(p), *vv = fy_node_pair_value(p);
        const char *n = hl__y_text(kk);
        snprintf(sub, sizeof sub, "%s.%s", id, n ? n : "?");
        if (!n) return hl__y_err(yf, k, id, "keys must be text");
        if (strcmp(n, "title") == 0) {
            void *it2 = NULL;
            struct fy_node_pair *q;
            if (!hl__y_is_map(vv)) return hl__y_err(yf, kk, sub, "expected {zh, en}");
            while ((q = fy_node_mapping_iterate(vv, &it2))) {
                struct fy_node *k3 = fy_node_pair_key(q), *v3 = fy_node_pair_value(q);
                const char *n3 = hl__y_text(k3);
                char sub2[320];
                snprintf(sub2, sizeof sub2, "%s.%s", sub, n3 ? n3 : "?");
                if (n3 && strcmp(n3, "zh") == 0) rc = hl__y_str(yf, k3, v3, sub2, (char **)&std->secs[sec].title_zh);
                else if (n3 && strcmp(n3, "en") == 0) rc = hl__y_str(yf, k3, v3, sub2, (char **)&std->secs[sec].title_en);
                else rc = hl__y_err(yf, k3, sub, "unknown key '%s' (zh, en)", n3 ? n3 : "?");
                if (rc) return rc;
            }
        } else if (strcmp(n, "unit") == 0) {
            if ((rc = hl__y_str(yf, kk, vv, sub, (char **)&std->secs[sec].unit))) return rc;
        } else if (strcmp(n, "weighting") == 0) {
            if ((rc = hl__y_strlist(yf, kk, vv, sub, &std->secs[sec].weighting, &std->secs[sec].n_weighting)))
                return rc;
        } else if (strcmp(n, "params") == 0) {
            if ((rc = apply_params(std, yf, sec, kk, vv, origin))) return rc;
        } else {
            return hl__y_err(yf, kk, id, "unknown key '%s' (title, unit, weighting, params)", n);
        }
    }
    if (is_new && (!std->secs[sec].title_zh[0] || !std->secs[sec].title_en[0] || !std->secs[sec].unit[0] ||
                   !std->secs[sec].weighting))
        return hl__y_err(yf, k, id, "a new indicator needs title {zh, en}, unit and weighting");
    return HL_OK;
}

static bool looks_like_path(const char *name) {
    size_t l = strlen(name);
    return strchr(name, '/') != NULL || (l > 5 && strcmp(name + l - 5, ".yaml") == 0);
}

static bool file_exists(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f) fclose(f);
    return f != NULL;
}

/* The stem of a path ("a/b/qinshui.yaml" -> "qinshui"), in the arena. */
static char *path_stem(hl__arena *a, const char *path) {
    const char *base = strrchr(path, '/');
    size_t l;
    base = base ? base + 1 : path;
    l = strlen(base);
    if (l > 5 && strcmp(base + l - 5, ".yaml") == 0) l -= 5;
    return hl__arena_strndup(a, base, l);
}

static hl_status load_file(hl_standard *std, const char *path);

/* Find the parent's file: next to the child, then in layers/standards. */
static hl_status load_parent(hl_standard *std, hl__yfile *yf, struct fy_node *k, const char *parent) {
    char *p1 = NULL, *p2 = NULL;
    const char *slash = strrchr(yf->path, '/');
    hl_status rc;
    size_t i;
    for (i = 0; i < std->depth; i++)
        if (strcmp(std->stack[i], parent) == 0 ||
            (looks_like_path(parent) && strcmp(std->stack[i], parent) == 0))
            return hl__y_err(yf, k, "extends", "'%s' extends itself through the chain (cycle)", parent);
    if (std->depth >= STD_MAX_DEPTH)
        return hl__y_err(yf, k, "extends", "more than %d levels of extends", STD_MAX_DEPTH);
    if (looks_like_path(parent)) {
        p1 = hl_strdup(std->ctx, parent);
    } else {
        p1 = hl_sprintf(std->ctx, "%.*s/%s.yaml", slash ? (int)(slash - yf->path) : 1,
                        slash ? yf->path : ".", parent);
        p2 = hl_sprintf(std->ctx, "%s/standards/%s.yaml", std->layers_dir, parent);
        if (!p2) {
            hl_free(p1);
            return hl_error(std->ctx, HL_E_NOMEM, "out of memory");
        }
    }
    if (!p1) {
        hl_free(p2);
        return hl_error(std->ctx, HL_E_NOMEM, "out of memory");
    }
    if (file_exists(p1)) rc = load_file(std, p1);
    else if (p2 && file_exists(p2)) rc = load_file(std, p2);
    else rc = hl__y_err(yf, k, "extends", "no standard '%s' (looked for %s%s%s)", parent, p1,
                        p2 ? " and " : "", p2 ? p2 : "");
    hl_free(p1);
    hl_free(p2);
    return rc;
}

static hl_status load_file(hl_standard *std, const char *path) {
    hl__yfile yf;
    struct fy_node *root, *ext;
    void *it = NULL;
    struct fy_node_pair *p;
    const char *stem = path_stem(&std->arena, path);
    const char *name = NULL;
    hl_status rc;
    if (!stem) return HL_E_NOMEM;
    rc = hl__yfile_open(std->ctx, &std->arena, path, &yf);
    if (rc) goto done;
    root = hl__yfile_root(&yf);
    std->stack[std->depth++] = stem;
    ext = fy_node_mapping_lookup_by_string(root, "extends", (size_t)-1);
    if (ext) {
        const char *parent = hl__y_text(ext);
        struct fy_node *ek = fy_node_mapping_lookup_key_by_string(root, "extends", (size_t)-1);
        if (!parent || !parent[0]) {
            rc = hl__y_err(&yf, ek, "extends", "expected the name of a standard");
            goto done;
        }
        if ((rc = load_parent(std, &yf, ek, parent))) goto done;
    }
    while ((p = fy_node_mapping_iterate(root, &it))) {
        struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        const char *n = hl__y_text(k);
        if (!n) n = "?";
        if (strcmp(n, "standard") == 0) {
            name = hl__y_text(v);
            if (!name || strcmp(name, stem) != 0) {
                rc = hl__y_err(&yf, k, "standard", "'%s' does not match the file name '%s.yaml'",
                               name ? name : "?", stem);
                goto done;
            }
        } else if (strcmp(n, "extends") == 0 || strcmp(n, "description") == 0) {
            continue;
        } else if (strcmp(n, "title") == 0) {
            void *it2 = NULL;
            struct fy_node_pair *q;
            if (!hl__y_is_map(v)) {
                rc = hl__y_err(&yf, k, "title", "expected {zh, en}");
                goto done;
            }
            while ((q = fy_node_mapping_iterate(v, &it2))) {
                const char *n3 = hl__y_text(fy_node_pair_key(q));
                if (n3 && strcmp(n3, "zh") == 0)
                    rc = hl__y_str(&yf, fy_node_pair_key(q), fy_node_pair_value(q), "title.zh", (char **)&std->title_zh);
                else if (n3 && strcmp(n3, "en") == 0)
                    rc = hl__y_str(&yf, fy_node_pair_key(q), fy_node_pair_value(q), "title.en", (char **)&std->title_en);
                else rc = hl__y_err(&yf, fy_node_pair_key(q), "title", "unknown key (zh, en)");
                if (rc) goto done;
            }
        } else if (strcmp(n, "common") == 0) {
            size_t sec;
            if ((rc = add_section(std, "common", false, &sec))) goto done;
            if ((rc = apply_params(std, &yf, sec, k, v, stem))) goto done;
        } else if (strcmp(n, "indicators") == 0) {
            void *it2 = NULL;
            struct fy_node_pair *q;
            if (!hl__y_is_map(v)) {
                rc = hl__y_err(&yf, k, "indicators", "expected a mapping of indicator ids");
                goto done;
            }
            while ((q = fy_node_mapping_iterate(v, &it2)))
                if ((rc = apply_indicator(std, &yf, fy_node_pair_key(q), fy_node_pair_value(q), stem))) goto done;
        } else {
            rc = hl__y_err(&yf, k, "(top level)",
                           "unknown key '%s' (standard, extends, title, description, common, indicators)", n);
            goto done;
        }
    }
    if (!name) {
        rc = hl_error(std->ctx, HL_E_PLAN, "%s: missing 'standard: %s'", path, stem);
        goto done;
    }
    std->name = stem;
done:
    hl__yfile_close(&yf);
    return rc;
}

/* Build the stable order and the public sections. */
static hl_status finish(hl_standard *std) {
    size_t s, i, k = 0;
    std->order = hl_malloc(std->ctx, (std->n_params + 1) * sizeof *std->order);
    std->pub_secs = hl_calloc(std->ctx, std->n_secs + 1, sizeof *std->pub_secs);
    if (!std->order || !std->pub_secs) return hl_error(std->ctx, HL_E_NOMEM, "out of memory");
    /* "common" first, then the indicators in order of first appearance. */
    for (s = 0; s < std->n_secs; s++) {
        if (strcmp(std->secs[s].id, "common") == 0 && s != 0) {
            sec_int tmp = std->secs[s];
            size_t j;
            memmove(&std->secs[1], &std->secs[0], s * sizeof *std->secs);
            std->secs[0] = tmp;
            for (j = 0; j < std->n_params; j++) {
                if (std->params[j].section == s) std->params[j].section = 0;
                else if (std->params[j].section < s) std->params[j].section++;
            }
        }
    }
    for (s = 0; s < std->n_secs; s++) {
        hl_std_section *ps = &std->pub_secs[s];
        ps->id = std->secs[s].id;
        ps->is_indicator = std->secs[s].is_indicator;
        ps->title_zh = std->secs[s].title_zh;
        ps->title_en = std->secs[s].title_en;
        ps->unit = std->secs[s].unit;
        ps->weighting = std->secs[s].weighting;
        ps->n_weighting = std->secs[s].n_weighting;
        ps->first_param = k;
        for (i = 0; i < std->n_params; i++) {
            if (std->params[i].section == s) {
                std->params[i].pub.section = std->secs[s].id;
                std->order[k++] = i;
            }
        }
        ps->n_params = k - ps->first_param;
    }
    return HL_OK;
}

hl_status hl_standard_load(hl_ctx *ctx, const char *layers_dir, const char *name, hl_standard **out) {
    hl_standard *std = NULL;
    char *dflt = NULL, *path = NULL;
    hl_status rc = HL_OK;
    size_t i, len = 0;
    if (!ctx || !name || !out) return ctx ? hl_error(ctx, HL_E_ARG, "hl_standard_load: NULL argument") : HL_E_ARG;
    *out = NULL;
    if (!name[0]) return hl_error(ctx, HL_E_ARG, "hl_standard_load: empty standard name");
    if (!layers_dir) {
        if (!(dflt = hl_spec_default_dir(ctx))) return hl_error(ctx, HL_E_NOMEM, "out of memory");
        layers_dir = dflt;
    }
    std = hl_calloc(ctx, 1, sizeof *std);
    if (!std) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    std->ctx = ctx;
    hl__arena_init(&std->arena, ctx);
    std->layers_dir = hl__arena_strdup(&std->arena, layers_dir);
    path = looks_like_path(name) ? hl_strdup(ctx, name) : hl_sprintf(ctx, "%s/standards/%s.yaml", layers_dir, name);
    if (!std->layers_dir || !path) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    if ((rc = load_file(std, path))) goto done;
    /* Lineage "national > shanxi > qinshui": the stack holds the chain, child first. */
    for (i = 0; i < std->depth; i++) len += strlen(std->stack[i]) + 3;
    {
        char *l = hl__arena_alloc(&std->arena, len + 1), *q;
        if (!l) {
            rc = HL_E_NOMEM;
            goto done;
        }
        q = l;
        for (i = std->depth; i-- > 0;) {
            size_t sl = strlen(std->stack[i]);
            memcpy(q, std->stack[i], sl);
            q += sl;
            if (i) {
                memcpy(q, " > ", 3);
                q += 3;
            }
        }
        *q = '\0';
        std->lineage = l;
    }
    if (!std->title_zh) std->title_zh = std->name;
    if (!std->title_en) std->title_en = std->name;
    if ((rc = finish(std))) goto done;
    *out = std;
    std = NULL;
done:
    if (rc == HL_E_NOMEM && hl_ctx_errcode(ctx) != HL_E_NOMEM) hl_error(ctx, HL_E_NOMEM, "out of memory loading a standard");
    hl_standard_destroy(std);
    hl_free(path);
    hl_free(dflt);
    return rc;
}

hl_status hl_standard_load_for_set(hl_ctx *ctx, const hl_spec_set *set, const char *name, hl_standard **out) {
    if (!set) {
        if (out) *out = NULL;
        return hl_error(ctx, HL_E_ARG, "hl_standard_load_for_set: NULL set");
    }
    return hl_standard_load(ctx, hl_spec_set_dir(set), name, out);
}

void hl_standard_destroy(hl_standard *std) {
    if (!std) return;
    hl__arena_free(&std->arena);
    hl_free(std->secs);
    hl_free(std->params);
    hl_free(std->order);
    hl_free(std->pub_secs);
    hl_free(std);
}

const char *hl_standard_name(const hl_standard *std) { return std->name; }
const char *hl_standard_lineage(const hl_standard *std) { return std->lineage; }
const char *hl_standard_title(const hl_standard *std, const char *lang) {
    return (lang && strcmp(lang, "zh") == 0) ? std->title_zh : std->title_en;
}

/* ------------------------------------------------------------------ */
/* lookup and override                                                   */

static param_int *param_by_key(const hl_standard *std, const char *key) {
    size_t i;
    if (!key) return NULL;
    for (i = 0; i < std->n_params; i++)
        if (strcmp(std->params[i].pub.key, key) == 0) return &std->params[i];
    return NULL;
}

size_t hl_standard_param_count(const hl_standard *std) { return std->n_params; }

const hl_std_param *hl_standard_param_at(const hl_standard *std, size_t i) {
    return i < std->n_params ? &std->params[std->order[i]].pub : NULL;
}

const hl_std_param *hl_standard_param(const hl_standard *std, const char *key) {
    param_int *p = param_by_key(std, key);
    return p ? &p->pub : NULL;
}

static hl_status need(const hl_standard *std, const char *key, hl_param_type t, const hl_std_param **out) {
    const hl_std_param *p = hl_standard_param(std, key);
    if (!p) return hl_error(std->ctx, HL_E_PLAN, "standard '%s' has no parameter '%s'", std->name, key ? key : "(null)");
    if (t != p->type)
        return hl_error(std->ctx, HL_E_PLAN, "standard '%s': parameter '%s' is %s, not %s", std->name, key,
                        type_name(p->type), type_name(t));
    *out = p;
    return HL_OK;
}

hl_status hl_standard_number(const hl_standard *std, const char *key, double *out) {
    const hl_std_param *p;
    hl_status rc = need(std, key, HL_PARAM_NUMBER, &p);
    if (!rc) *out = p->number;
    return rc;
}

hl_status hl_standard_bool(const hl_standard *std, const char *key, bool *out) {
    const hl_std_param *p;
    hl_status rc = need(std, key, HL_PARAM_BOOL, &p);
    if (!rc) *out = p->flag;
    return rc;
}

hl_status hl_standard_text(const hl_standard *std, const char *key, const char **out) {
    const hl_std_param *p = hl_standard_param(std, key);
    if (!p) return hl_error(std->ctx, HL_E_PLAN, "standard '%s' has no parameter '%s'", std->name, key ? key : "(null)");
    *out = p->text;
    return HL_OK;
}

size_t hl_standard_section_count(const hl_standard *std) { return std->n_secs; }

const hl_std_section *hl_standard_section_at(const hl_standard *std, size_t i) {
    return i < std->n_secs ? &std->pub_secs[i] : NULL;
}

const hl_std_section *hl_standard_section(const hl_standard *std, const char *id) {
    size_t i;
    if (!id) return NULL;
    for (i = 0; i < std->n_secs; i++)
        if (strcmp(std->pub_secs[i].id, id) == 0) return &std->pub_secs[i];
    return NULL;
}

hl_status hl_standard_override_ex(hl_standard *std, const char *key, const char *value, const char *source,
                                  char confidence) {
    param_int *pi;
    pval v;
    char msg[512];
    size_t len;
    const char *t;
    if (!std || !key || !value) return std ? hl_error(std->ctx, HL_E_ARG, "hl_standard_override: NULL argument") : HL_E_ARG;
    if (confidence == 0) confidence = 'U';
    if (!strchr("CPU", confidence))
        return hl_error(std->ctx, HL_E_PLAN, "override %s: confidence is C, P or U", key);
    pi = param_by_key(std, key);
    if (!pi) {
        const char *dot = strchr(key, '.');
        size_t sl = dot ? (size_t)(dot - key) : strlen(key), i, n = 0;
        char known[512] = "";
        for (i = 0; i < std->n_params; i++) {
            const hl_std_param *q = &std->params[i].pub;
            if (strlen(q->section) == sl && strncmp(q->section, key, sl) == 0 && n + strlen(q->name) + 3 < sizeof known) {
                if (known[0]) strcat(known, ", ");
                strcat(known, q->name);
                n = strlen(known);
            }
        }
        if (known[0])
            return hl_error(std->ctx, HL_E_PLAN, "override %s: unknown parameter (known in %.*s: %s)", key, (int)sl,
                            key, known);
        return hl_error(std->ctx, HL_E_PLAN, "override %s: unknown parameter (keys look like WAT-01.target)", key);
    }
    memset(&v, 0, sizeof v);
    v.type = pi->pub.type;
    t = hl__trim(value, &len);
    {
        char *txt = hl__arena_strndup(&std->arena, t, len);
        if (!txt) return HL_E_NOMEM;
        switch (v.type) {
        case HL_PARAM_NUMBER:
            if (!hl__parse_double(txt, &v.num))
                return hl_error(std->ctx, HL_E_PLAN, "override %s: '%s' is not a number", key, value);
            if (!(v.text = num_text(&std->arena, v.num))) return HL_E_NOMEM;
            break;
        case HL_PARAM_BOOL:
            if (!hl__parse_yaml_bool(txt, &v.flag))
                return hl_error(std->ctx, HL_E_PLAN, "override %s: '%s' is not true or false", key, value);
            v.text = v.flag ? "true" : "false";
            break;
        case HL_PARAM_TEXT:
            if (!txt[0]) return hl_error(std->ctx, HL_E_PLAN, "override %s: empty value", key);
            v.text = txt;
            break;
        case HL_PARAM_LIST: {
            size_t n = 1, i = 0;
            char *p, *save = NULL;
            for (p = txt; *p; p++)
                if (*p == ',') n++;
            v.items = hl__arena_alloc(&std->arena, n * sizeof *v.items);
            if (!v.items) return HL_E_NOMEM;
            for (p = strtok_r(txt, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
                size_t il;
                const char *it = hl__trim(p, &il);
                if (il == 0) continue;
                if (!(v.items[i] = hl__arena_strndup(&std->arena, it, il))) return HL_E_NOMEM;
                i++;
            }
            v.n_items = i;
            if (!(v.text = join_items(&std->arena, v.items, v.n_items))) return HL_E_NOMEM;
            break;
        }
        }
    }
    if (check_value(pi->pub.name, pi->pub.unit, v.type, v.num, v.text, v.n_items, msg, sizeof msg))
        return hl_error(std->ctx, HL_E_PLAN, "override %s = %s: %s", key, value, msg);
    source = hl__arena_strdup(&std->arena, source ? source : "user override");
    if (!source) return HL_E_NOMEM;
    pi->pub.number = v.num;
    pi->pub.flag = v.flag;
    pi->pub.text = v.text;
    pi->pub.items = v.items;
    pi->pub.n_items = v.n_items;
    pi->pub.source = source;
    pi->pub.confidence = confidence;
    pi->pub.origin = "override";
    pi->pub.year = 0;
    pi->pub.note = NULL;
    return HL_OK;
}

hl_status hl_standard_override(hl_standard *std, const char *key, const char *value) {
    return hl_standard_override_ex(std, key, value, NULL, 0);
}
