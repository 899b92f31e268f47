/* The field catalogue (layers/fields.yaml): column and layer aliases in
 * Chinese and English, units and style roles, looked up by exact name and
 * then by patterns with one {kind} or {ind} placeholder. */
#include "out/out_int.h"

#include <ctype.h>
#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *scalar_dup(hl_ctx *ctx, struct fy_node *n) {
    size_t len = 0;
    const char *s;
    char *d;
    if (!n || !fy_node_is_scalar(n)) return NULL;
    s = fy_node_get_scalar(n, &len);
    if (!s) return NULL;
    d = hl_malloc(ctx, len + 1);
    if (!d) return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

static char *child_dup(hl_ctx *ctx, struct fy_node *map, const char *key, bool *oom) {
    struct fy_node *v = fy_node_mapping_lookup_by_string(map, key, FY_NT);
    char *s;
    if (!v) return NULL;
    s = scalar_dup(ctx, v);
    if (!s) *oom = true;
    return s;
}

static void alias_clear(hl__out_alias *a) {
    hl_free(a->key);
    hl_free(a->zh);
    hl_free(a->en);
    hl_free(a->unit);
    hl_free(a->role);
    hl_free(a->style);
    hl_free(a->default_field);
    hl_free(a->color);
    for (size_t i = 0; i < a->n_values; i++) hl_free(a->values[i]);
    hl_free(a->values);
    for (size_t i = 0; i < a->n_fields; i++) alias_clear(&a->fields[i]);
    hl_free(a->fields);
}

static void list_free(hl__out_alias *a, size_t n) {
    for (size_t i = 0; i < n; i++) alias_clear(&a[i]);
    hl_free(a);
}

void hl__out_catalog_destroy(hl__out_catalog *c) {
    if (!c) return;
    list_free(c->kinds, c->n_kinds);
    list_free(c->inds, c->n_inds);
    list_free(c->fields, c->n_fields);
    list_free(c->patterns, c->n_patterns);
    list_free(c->layers, c->n_layers);
    list_free(c->roads, c->n_roads);
    hl_free(c);
}

/* Fill one entry from a mapping node `v` (key given separately). */
static hl_status parse_entry(hl_ctx *ctx, const char *path, char *key_owned, struct fy_node *v,
                             hl__out_alias *a) {
    bool oom = false;
    memset(a, 0, sizeof *a);
    a->key = key_owned;
    a->visible = true;
    if (!v || !fy_node_is_mapping(v))
        return hl_error(ctx, HL_E_FORMAT, "%s: entry '%s' must be a mapping like {zh: ..., en: ...}", path,
                        key_owned ? key_owned : "?");
    a->zh = child_dup(ctx, v, "zh", &oom);
    a->en = child_dup(ctx, v, "en", &oom);
    a->unit = child_dup(ctx, v, "unit", &oom);
    a->role = child_dup(ctx, v, "role", &oom);
    a->style = child_dup(ctx, v, "style", &oom);
    a->default_field = child_dup(ctx, v, "default_field", &oom);
    a->color = child_dup(ctx, v, "color", &oom);
    char *s = child_dup(ctx, v, "order", &oom);
    if (s) a->order = atoi(s);
    hl_free(s);
    s = child_dup(ctx, v, "width_mm", &oom);
    if (s) a->width_mm = strtod(s, NULL);
    hl_free(s);
    s = child_dup(ctx, v, "visible", &oom);
    if (s) a->visible = !(strcmp(s, "false") == 0 || strcmp(s, "no") == 0 || strcmp(s, "0") == 0);
    hl_free(s);
    if (!a->key) {
        a->key = child_dup(ctx, v, "match", &oom);
        if (!a->key && !oom && !fy_node_mapping_lookup_by_string(v, "values", FY_NT))
            return hl_error(ctx, HL_E_FORMAT, "%s: a pattern has no 'match'", path);
    }
    struct fy_node *vals = fy_node_mapping_lookup_by_string(v, "values", FY_NT);
    if (vals && fy_node_is_sequence(vals)) {
        int n = fy_node_sequence_item_count(vals);
        a->values = hl_calloc(ctx, (size_t)(n > 0 ? n : 1), sizeof *a->values);
        if (!a->values) return hl_error(ctx, HL_E_NOMEM, "out of memory reading %s", path);
        void *it = NULL;
        struct fy_node *item;
        while ((item = fy_node_sequence_iterate(vals, &it)) != NULL) {
            char *d = scalar_dup(ctx, item);
            if (!d) {
                oom = true;
                break;
            }
            a->values[a->n_values++] = d;
        }
    }
    if (oom) return hl_error(ctx, HL_E_NOMEM, "out of memory reading %s", path);
    return HL_OK;
}

/* A mapping of name → entry. */
static hl_status parse_map(hl_ctx *ctx, const char *path, struct fy_node *m, hl__out_alias **out,
                           size_t *n_out) {
    hl_status rc = HL_OK;
    hl__out_alias *arr = NULL;
    size_t n = 0;
    *out = NULL;
    *n_out = 0;
    if (!m) return HL_OK;
    if (!fy_node_is_mapping(m)) return hl_error(ctx, HL_E_FORMAT, "%s: expected a mapping", path);
    int count = fy_node_mapping_item_count(m);
    arr = hl_calloc(ctx, (size_t)(count > 0 ? count : 1), sizeof *arr);
    if (!arr) return hl_error(ctx, HL_E_NOMEM, "out of memory reading %s", path);
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(m, &it)) != NULL) {
        char *key = scalar_dup(ctx, fy_node_pair_key(p));
        if (!key) {
            rc = hl_error(ctx, HL_E_NOMEM, "out of memory reading %s", path);
            goto done;
        }
        struct fy_node *v = fy_node_pair_value(p);
        rc = parse_entry(ctx, path, key, v, &arr[n]);
        n++;
        if (rc) goto done;
        struct fy_node *fields = fy_node_mapping_lookup_by_string(v, "fields", FY_NT);
        if (fields) {
            rc = parse_map(ctx, path, fields, &arr[n - 1].fields, &arr[n - 1].n_fields);
            if (rc) goto done;
        }
    }
done:
    if (rc) {
        list_free(arr, n);
        return rc;
    }
    *out = arr;
    *n_out = n;
    return HL_OK;
}

static hl_status parse_seq(hl_ctx *ctx, const char *path, struct fy_node *m, hl__out_alias **out,
                           size_t *n_out) {
    hl_status rc = HL_OK;
    hl__out_alias *arr = NULL;
    size_t n = 0;
    *out = NULL;
    *n_out = 0;
    if (!m) return HL_OK;
    if (!fy_node_is_sequence(m)) return hl_error(ctx, HL_E_FORMAT, "%s: expected a list", path);
    int count = fy_node_sequence_item_count(m);
    arr = hl_calloc(ctx, (size_t)(count > 0 ? count : 1), sizeof *arr);
    if (!arr) return hl_error(ctx, HL_E_NOMEM, "out of memory reading %s", path);
    void *it = NULL;
    struct fy_node *v;
    while ((v = fy_node_sequence_iterate(m, &it)) != NULL) {
        rc = parse_entry(ctx, path, NULL, v, &arr[n]);
        n++;
        if (rc) break;
    }
    if (rc) {
        list_free(arr, n);
        return rc;
    }
    *out = arr;
    *n_out = n;
    return HL_OK;
}

hl_status hl__out_catalog_load(hl_ctx *ctx, const char *path, hl__out_catalog **out) {
    hl_status rc = HL_OK;
    char *own_path = NULL;
    struct fy_document *doc = NULL;
    struct fy_parse_cfg cfg;
    hl__out_catalog *c = NULL;
    *out = NULL;
    if (!path) {
        own_path = hl_sprintf(ctx, "%s/fields.yaml", hl_out_layers_dir());
        if (!own_path) return hl_error(ctx, HL_E_NOMEM, "out of memory");
        path = own_path;
    }
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = FYPCF_QUIET;
    doc = fy_document_build_from_file(&cfg, path);
    if (!doc) {
        FILE *fp = fopen(path, "rb");
        if (!fp) {
            rc = hl_error(ctx, HL_E_IO,
                          "cannot read the field catalogue %s; set HL_LAYERS_DIR to the folder holding fields.yaml",
                          path);
        } else {
            fclose(fp);
            rc = hl_error(ctx, HL_E_FORMAT, "the field catalogue %s is not valid YAML", path);
        }
        goto done;
    }
    struct fy_node *root = fy_document_root(doc);
    if (!root || !fy_node_is_mapping(root)) {
        rc = hl_error(ctx, HL_E_FORMAT, "the field catalogue %s must be a mapping", path);
        goto done;
    }
    c = hl_calloc(ctx, 1, sizeof *c);
    if (!c) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    if ((rc = parse_map(ctx, path, fy_node_mapping_lookup_by_string(root, "kinds", FY_NT), &c->kinds, &c->n_kinds)))
        goto done;
    if ((rc = parse_map(ctx, path, fy_node_mapping_lookup_by_string(root, "indicators", FY_NT), &c->inds,
                        &c->n_inds)))
        goto done;
    if ((rc = parse_map(ctx, path, fy_node_mapping_lookup_by_string(root, "fields", FY_NT), &c->fields,
                        &c->n_fields)))
        goto done;
    if ((rc = parse_seq(ctx, path, fy_node_mapping_lookup_by_string(root, "patterns", FY_NT), &c->patterns,
                        &c->n_patterns)))
        goto done;
    if ((rc = parse_map(ctx, path, fy_node_mapping_lookup_by_string(root, "layers", FY_NT), &c->layers,
                        &c->n_layers)))
        goto done;
    if ((rc = parse_seq(ctx, path, fy_node_mapping_lookup_by_string(root, "road_classes", FY_NT), &c->roads,
                        &c->n_roads)))
        goto done;
    *out = c;
    c = NULL;
done:
    hl__out_catalog_destroy(c);
    if (doc) fy_document_destroy(doc);
    hl_free(own_path);
    return rc;
}

static const hl__out_alias *find(const hl__out_alias *a, size_t n, const char *key, size_t keylen) {
    for (size_t i = 0; i < n; i++)
        if (a[i].key && strlen(a[i].key) == keylen && strncmp(a[i].key, key, keylen) == 0) return &a[i];
    return NULL;
}

void hl__out_colinfo_clear(hl__out_colinfo *ci) {
    hl_free(ci->zh);
    hl_free(ci->en);
    hl_free(ci->unit);
    hl_free(ci->role);
    memset(ci, 0, sizeof *ci);
}

/* Replace every `ph` in `tmpl` by `val`; new string. */
static char *subst(hl_ctx *ctx, const char *tmpl, const char *ph, const char *val) {
    hl__sb b;
    size_t phl = strlen(ph);
    hl__sb_init(&b, ctx);
    for (const char *p = tmpl; *p;) {
        if (strncmp(p, ph, phl) == 0) {
            hl__sb_add(&b, val);
            p += phl;
        } else {
            hl__sb_addn(&b, p, 1);
            p++;
        }
    }
    return hl__sb_take(&b);
}

/* Fallback display of a code: indicators in capitals with '-' ("HLT-03"). */
static char *code_display(hl_ctx *ctx, const char *code, size_t len, bool indicator) {
    char *d = hl_malloc(ctx, len + 1);
    if (!d) return NULL;
    for (size_t i = 0; i < len; i++) {
        char ch = code[i];
        if (indicator) ch = ch == '_' ? '-' : (char)toupper((unsigned char)ch);
        d[i] = ch;
    }
    d[len] = '\0';
    return d;
}

/* Match `name` against a pattern with one placeholder `{kind}`/`{ind}`:
 * on success *mid and *midlen give the placeholder part and *ph its name. */
static bool pattern_match(const char *pat, const char *name, const char **ph, const char **mid, size_t *midlen) {
    const char *open = strchr(pat, '{');
    const char *close = open ? strchr(open, '}') : NULL;
    if (!open || !close) return strcmp(pat, name) == 0 ? (*mid = NULL, *midlen = 0, *ph = NULL, true) : false;
    size_t pre = (size_t)(open - pat), suf = strlen(close + 1), n = strlen(name);
    if (n <= pre + suf) return false;
    if (strncmp(pat, name, pre) != 0 || strcmp(name + n - suf, close + 1) != 0) return false;
    *mid = name + pre;
    *midlen = n - pre - suf;
    *ph = open;
    /* the placeholder part is an identifier */
    for (size_t i = 0; i < *midlen; i++)
        if (!(isalnum((unsigned char)(*mid)[i]) || (*mid)[i] == '_')) return false;
    return true;
}

static hl_status fill_from(hl_ctx *ctx, const hl__out_catalog *c, const hl__out_alias *a, const char *ph,
                           const char *mid, size_t midlen, hl__out_colinfo *ci) {
    char *zhv = NULL, *env = NULL;
    bool is_kind = ph && strncmp(ph, "{kind}", 6) == 0;
    const char *phname = is_kind ? "{kind}" : "{ind}";
    if (ph) {
        const hl__out_alias *d = is_kind ? find(c->kinds, c->n_kinds, mid, midlen) : find(c->inds, c->n_inds, mid, midlen);
        zhv = d && d->zh ? hl_strdup(ctx, d->zh) : code_display(ctx, mid, midlen, !is_kind);
        env = d && d->en ? hl_strdup(ctx, d->en) : code_display(ctx, mid, midlen, !is_kind);
        if (!zhv || !env) goto oom;
        ci->zh = a->zh ? subst(ctx, a->zh, phname, zhv) : NULL;
        ci->en = a->en ? subst(ctx, a->en, phname, env) : NULL;
    } else {
        ci->zh = hl_strdup(ctx, a->zh);
        ci->en = hl_strdup(ctx, a->en);
    }
    ci->unit = hl_strdup(ctx, a->unit);
    ci->role = hl_strdup(ctx, a->role);
    if ((a->zh && !ci->zh) || (a->en && !ci->en) || (a->unit && !ci->unit) || (a->role && !ci->role)) goto oom;
    hl_free(zhv);
    hl_free(env);
    return HL_OK;
oom:
    hl_free(zhv);
    hl_free(env);
    hl__out_colinfo_clear(ci);
    return hl_error(ctx, HL_E_NOMEM, "out of memory resolving aliases");
}

static const hl__out_alias *find_layer(const hl__out_catalog *c, const char *layer, const char **ph,
                                       const char **mid, size_t *midlen) {
    *ph = NULL;
    *mid = NULL;
    *midlen = 0;
    if (!layer) return NULL;
    const hl__out_alias *a = find(c->layers, c->n_layers, layer, strlen(layer));
    if (a) return a;
    for (size_t i = 0; i < c->n_layers; i++)
        if (strchr(c->layers[i].key, '{') && pattern_match(c->layers[i].key, layer, ph, mid, midlen))
            return &c->layers[i];
    return NULL;
}

hl_status hl__out_catalog_column(hl_ctx *ctx, const hl__out_catalog *c, const char *layer, const char *column,
                                 hl__out_colinfo *ci) {
    const char *ph, *mid;
    size_t midlen;
    hl_status rc;
    memset(ci, 0, sizeof *ci);
    const hl__out_alias *la = find_layer(c, layer, &ph, &mid, &midlen);
    const hl__out_alias *a = la ? find(la->fields, la->n_fields, column, strlen(column)) : NULL;
    if (!a) a = find(c->fields, c->n_fields, column, strlen(column));
    if (a) {
        rc = fill_from(ctx, c, a, NULL, NULL, 0, ci);
    } else {
        rc = HL_OK;
        for (size_t i = 0; i < c->n_patterns; i++) {
            if (c->patterns[i].key && pattern_match(c->patterns[i].key, column, &ph, &mid, &midlen)) {
                a = &c->patterns[i];
                rc = fill_from(ctx, c, a, ph, mid, midlen, ci);
                break;
            }
        }
    }
    if (rc) return rc;
    if (!ci->zh) ci->zh = hl_strdup(ctx, ci->en ? ci->en : column);
    if (!ci->en) ci->en = hl_strdup(ctx, column);
    if (!ci->zh || !ci->en) {
        hl__out_colinfo_clear(ci);
        return hl_error(ctx, HL_E_NOMEM, "out of memory resolving aliases");
    }
    return HL_OK;
}

hl_status hl__out_catalog_layer(hl_ctx *ctx, const hl__out_catalog *c, const char *layer, char **zh, char **en,
                                const hl__out_alias **entry) {
    const char *ph, *mid;
    size_t midlen;
    hl__out_colinfo ci;
    memset(&ci, 0, sizeof ci);
    *zh = *en = NULL;
    const hl__out_alias *a = find_layer(c, layer, &ph, &mid, &midlen);
    if (entry) *entry = a;
    if (a) {
        hl_status rc = fill_from(ctx, c, a, ph, mid, midlen, &ci);
        if (rc) return rc;
        hl_free(ci.unit);
        hl_free(ci.role);
    }
    *zh = ci.zh ? ci.zh : hl_strdup(ctx, layer);
    *en = ci.en ? ci.en : hl_strdup(ctx, layer);
    if (!*zh || !*en) {
        hl_free(*zh);
        hl_free(*en);
        *zh = *en = NULL;
        return hl_error(ctx, HL_E_NOMEM, "out of memory");
    }
    return HL_OK;
}

char *hl__out_indicator_name(hl_ctx *ctx, const hl__out_catalog *c, const char *id, const char *lang) {
    char low[64];
    size_t n = strlen(id);
    if (n >= sizeof low) n = sizeof low - 1;
    for (size_t i = 0; i < n; i++) low[i] = id[i] == '-' ? '_' : (char)tolower((unsigned char)id[i]);
    low[n] = '\0';
    const hl__out_alias *a = find(c->inds, c->n_inds, low, n);
    bool en = lang && strcmp(lang, "en") == 0;
    if (a && (en ? a->en : a->zh)) return hl_strdup(ctx, en ? a->en : a->zh);
    return code_display(ctx, low, n, true);
}

const hl__out_alias *hl__out_catalog_road(const hl__out_catalog *c, const char *value) {
    if (!value) return NULL;
    for (size_t i = 0; i < c->n_roads; i++)
        for (size_t k = 0; k < c->roads[i].n_values; k++)
            if (strcasecmp(c->roads[i].values[k], value) == 0) return &c->roads[i];
    return NULL;
}

hl_status hl_out_field_alias(hl_ctx *ctx, const char *fields_yaml, const char *layer, const char *column, char **zh,
                             char **en) {
    hl__out_catalog *c = NULL;
    hl__out_colinfo ci;
    *zh = *en = NULL;
    hl_status rc = hl__out_catalog_load(ctx, fields_yaml, &c);
    if (rc) return rc;
    rc = hl__out_catalog_column(ctx, c, layer, column, &ci);
    if (rc == HL_OK) {
        *zh = ci.zh;
        *en = ci.en;
        ci.zh = ci.en = NULL;
        hl__out_colinfo_clear(&ci);
    }
    hl__out_catalog_destroy(c);
    return rc;
}
