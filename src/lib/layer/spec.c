/* Layer specifications: loads the layers/roles/ YAML files and layers/presets/osm.yaml
 * into an hl_spec_set, and answers the questions the readers ask of them:
 * which field of a layer is the canonical field X, what a raw road class,
 * surface, oneway or maxspeed value means, which facility kind a layer name
 * names, and which role a layer probably plays. */
#include "layer/spec_int.h"
#include "layer/spec_guess_int.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef HL_LAYERS_INSTALL_DIR
#define HL_LAYERS_INSTALL_DIR "/usr/local/share/hinterland/layers"
#endif

#define GEOM_POINT 1u
#define GEOM_LINE 2u
#define GEOM_POLYGON 4u
#define GEOM_ANY 7u

typedef struct value_ent {
    const char *name;
    const char *zh;
    const char **aliases;
    size_t n_aliases;
} value_ent;

/* The public struct comes first so a public pointer converts back. */
typedef struct field_int {
    hl_field_spec pub;
    value_ent *values;
} field_int;

struct hl_role_spec {
    const char *name;
    const char *title_zh;
    const char *title_en;
    unsigned geom_mask;
    bool required;
    field_int *fields;
    size_t n_fields;
    const char **keywords;
    size_t n_keywords;
    const char **guess_fields;
    size_t n_guess_fields;
};

typedef struct road_class {
    const char *name;
    const char *zh;
    double speed_kmh;
    const char **aliases;
    size_t n_aliases;
} road_class;

typedef struct surface_ent {
    const char *name;
    const char *zh;
    bool hardened;
    double factor;
    const char **aliases;
    size_t n_aliases;
} surface_ent;

typedef struct osm_hw {
    const char *value;
    const char *cls;
    double speed_kmh;
    bool routable;
} osm_hw;

typedef struct osm_tag {
    const char *role;
    const char *field;
    const char *tag;
} osm_tag;

typedef struct zone_ent {
    const char *key;
    double kmh;
} zone_ent;

enum { OW_FORWARD, OW_BACKWARD, OW_TWOWAY, OW_N };

struct hl_spec_set {
    hl__arena arena;
    const char *dir;
    hl_role_spec *roles;
    size_t n_roles;
    hl_facility_kind *kinds;
    size_t n_kinds;
    road_class *classes;
    size_t n_classes;
    road_class unknown_class;
    const char *prefix_class[26]; /* route-number letter -> class name */
    surface_ent *surfaces;
    size_t n_surfaces;
    surface_ent unknown_surface;
    const char **ow[OW_N];
    size_t n_ow[OW_N];
    osm_hw *hw;
    size_t n_hw;
    osm_tag *tags;
    size_t n_tags;
    zone_ent *zones;
    size_t n_zones;
};

/* ------------------------------------------------------------------ */
/* small YAML readers                                                  */

static hl_status y_bool(hl__yfile *yf, struct fy_node *k, struct fy_node *v, const char *path,
                        bool *out) {
    const char *t = hl__y_text(v);
    if (!t || !hl__parse_yaml_bool(t, out))
        return hl__y_err(yf, k, path, "expected true or false, found '%s'", t ? t : "(list)");
    return HL_OK;
}

static hl_status y_num(hl__yfile *yf, struct fy_node *k, struct fy_node *v, const char *path,
                       double *out) {
    const char *t = hl__y_text(v);
    if (!t || !hl__parse_double(t, out))
        return hl__y_err(yf, k, path, "expected a number, found '%s'", t ? t : "(list)");
    return HL_OK;
}

static hl_status y_map(hl__yfile *yf, struct fy_node *k, struct fy_node *v, const char *path) {
    if (!hl__y_is_map(v)) return hl__y_err(yf, k, path, "expected a mapping (key: value ...)");
    return HL_OK;
}

static hl_status y_unknown(hl__yfile *yf, struct fy_node *k, const char *path, const char *allowed) {
    return hl__y_err(yf, k, path, "unknown key '%s' (allowed: %s)", hl__y_text(k), allowed);
}

static size_t map_count(struct fy_node *m) { return (size_t)fy_node_mapping_item_count(m); }

/* {zh: ..., en: ...} */
static hl_status y_title(hl__yfile *yf, struct fy_node *k, struct fy_node *v, const char *path,
                         const char **zh, const char **en) {
    void *it = NULL;
    struct fy_node_pair *p;
    char sub[256];
    hl_status rc = y_map(yf, k, v, path);
    if (rc) return rc;
    *zh = *en = NULL;
    while ((p = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *kk = fy_node_pair_key(p), *vv = fy_node_pair_value(p);
        const char *name = hl__y_text(kk);
        snprintf(sub, sizeof sub, "%s.%s", path, name ? name : "?");
        if (name && strcmp(name, "zh") == 0) rc = hl__y_str(yf, kk, vv, sub, (char **)zh);
        else if (name && strcmp(name, "en") == 0) rc = hl__y_str(yf, kk, vv, sub, (char **)en);
        else rc = y_unknown(yf, kk, path, "zh, en");
        if (rc) return rc;
    }
    if (!*zh || !*en) return hl__y_err(yf, k, path, "needs both zh and en");
    return HL_OK;
}

static hl_status geom_word(hl__yfile *yf, struct fy_node *k, const char *path, const char *w,
                           unsigned *mask) {
    if (strcmp(w, "point") == 0) *mask |= GEOM_POINT;
    else if (strcmp(w, "line") == 0) *mask |= GEOM_LINE;
    else if (strcmp(w, "polygon") == 0) *mask |= GEOM_POLYGON;
    else if (strcmp(w, "any") == 0) *mask |= GEOM_ANY;
    else return hl__y_err(yf, k, path, "unknown geometry '%s' (point, line, polygon, any)", w);
    return HL_OK;
}

/* values: {name: {zh: ..., aliases: [...]}} */
static hl_status y_values(hl__yfile *yf, struct fy_node *k, struct fy_node *v, const char *path,
                          value_ent **out, size_t *n_out) {
    void *it = NULL;
    struct fy_node_pair *p;
    size_t i = 0;
    char sub[256], sub2[300];
    value_ent *vals;
    hl_status rc = y_map(yf, k, v, path);
    if (rc) return rc;
    vals = hl__arena_alloc(yf->arena, (map_count(v) + 1) * sizeof *vals);
    if (!vals) return HL_E_NOMEM;
    while ((p = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *kk = fy_node_pair_key(p), *vv = fy_node_pair_value(p);
        void *it2 = NULL;
        struct fy_node_pair *q;
        value_ent *e = &vals[i++];
        snprintf(sub, sizeof sub, "%s.%s", path, hl__y_text(kk) ? hl__y_text(kk) : "?");
        if ((rc = hl__y_str(yf, kk, kk, sub, (char **)&e->name))) return rc;
        if ((rc = y_map(yf, kk, vv, sub))) return rc;
        while ((q = fy_node_mapping_iterate(vv, &it2))) {
            struct fy_node *k3 = fy_node_pair_key(q), *v3 = fy_node_pair_value(q);
            const char *n3 = hl__y_text(k3);
            snprintf(sub2, sizeof sub2, "%s.%s", sub, n3 ? n3 : "?");
            if (n3 && strcmp(n3, "zh") == 0) rc = hl__y_str(yf, k3, v3, sub2, (char **)&e->zh);
            else if (n3 && strcmp(n3, "aliases") == 0)
                rc = hl__y_strlist(yf, k3, v3, sub2, &e->aliases, &e->n_aliases);
            else rc = y_unknown(yf, k3, sub, "zh, aliases");
            if (rc) return rc;
        }
        if (!e->zh) e->zh = e->name;
    }
    *out = vals;
    *n_out = i;
    return HL_OK;
}

static hl_status y_field(hl__yfile *yf, struct fy_node *k, struct fy_node *v, const char *path,
                         field_int *f) {
    void *it = NULL;
    struct fy_node_pair *p;
    char sub[300];
    bool have_type = false, have_req = false;
    hl_status rc = y_map(yf, k, v, path);
    if (rc) return rc;
    if ((rc = hl__y_str(yf, k, k, path, (char **)&f->pub.name))) return rc;
    f->pub.unit = "";
    f->pub.description_zh = "";
    while ((p = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *kk = fy_node_pair_key(p), *vv = fy_node_pair_value(p);
        const char *n = hl__y_text(kk);
        snprintf(sub, sizeof sub, "%s.%s", path, n ? n : "?");
        if (!n) return hl__y_err(yf, k, path, "keys must be text");
        if (strcmp(n, "type") == 0) {
            const char *t = hl__y_text(vv);
            have_type = true;
            if (t && strcmp(t, "string") == 0) f->pub.type = HL_FIELD_STRING;
            else if (t && strcmp(t, "integer") == 0) f->pub.type = HL_FIELD_INTEGER;
            else if (t && strcmp(t, "real") == 0) f->pub.type = HL_FIELD_REAL;
            else if (t && strcmp(t, "boolean") == 0) f->pub.type = HL_FIELD_BOOLEAN;
            else
                return hl__y_err(yf, kk, sub, "unknown type '%s' (string, integer, real, boolean)",
                                 t ? t : "(list)");
        } else if (strcmp(n, "required") == 0) {
            have_req = true;
            rc = y_bool(yf, kk, vv, sub, &f->pub.required);
        } else if (strcmp(n, "unit") == 0) {
            rc = hl__y_str(yf, kk, vv, sub, (char **)&f->pub.unit);
        } else if (strcmp(n, "default") == 0) {
            rc = hl__y_str(yf, kk, vv, sub, (char **)&f->pub.default_value);
        } else if (strcmp(n, "description_zh") == 0) {
            rc = hl__y_str(yf, kk, vv, sub, (char **)&f->pub.description_zh);
        } else if (strcmp(n, "aliases") == 0) {
            const char **a = NULL;
            rc = hl__y_strlist(yf, kk, vv, sub, &a, &f->pub.n_aliases);
            f->pub.aliases = a;
        } else if (strcmp(n, "values") == 0) {
            rc = y_values(yf, kk, vv, sub, &f->values, &f->pub.n_values);
        } else {
            rc = y_unknown(yf, kk, path, "type, required, unit, default, description_zh, aliases, values");
        }
        if (rc) return rc;
    }
    if (!have_type) return hl__y_err(yf, k, path, "missing 'type'");
    if (!have_req) return hl__y_err(yf, k, path, "missing 'required'");
    if (!f->pub.aliases) {
        static const char *const none[1] = {NULL};
        f->pub.aliases = none;
    }
    return HL_OK;
}

/* ------------------------------------------------------------------ */
/* roads.yaml vocabularies and facilities.yaml kinds                   */

static hl_status y_classes(hl__yfile *yf, hl_spec_set *set, struct fy_node *k, struct fy_node *v) {
    void *it = NULL;
    struct fy_node_pair *p;
    char sub[256], sub2[300];
    hl_status rc = y_map(yf, k, v, "classes");
    if (rc) return rc;
    set->classes = hl__arena_alloc(yf->arena, (map_count(v) + 1) * sizeof *set->classes);
    if (!set->classes) return HL_E_NOMEM;
    while ((p = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *kk = fy_node_pair_key(p), *vv = fy_node_pair_value(p);
        road_class *c = &set->classes[set->n_classes++];
        void *it2 = NULL;
        struct fy_node_pair *q;
        bool have_speed = false;
        snprintf(sub, sizeof sub, "classes.%s", hl__y_text(kk) ? hl__y_text(kk) : "?");
        if ((rc = hl__y_str(yf, kk, kk, sub, (char **)&c->name))) return rc;
        if ((rc = y_map(yf, kk, vv, sub))) return rc;
        while ((q = fy_node_mapping_iterate(vv, &it2))) {
            struct fy_node *k3 = fy_node_pair_key(q), *v3 = fy_node_pair_value(q);
            const char *n3 = hl__y_text(k3);
            snprintf(sub2, sizeof sub2, "%s.%s", sub, n3 ? n3 : "?");
            if (n3 && strcmp(n3, "zh") == 0) rc = hl__y_str(yf, k3, v3, sub2, (char **)&c->zh);
            else if (n3 && strcmp(n3, "aliases") == 0)
                rc = hl__y_strlist(yf, k3, v3, sub2, &c->aliases, &c->n_aliases);
            else if (n3 && strcmp(n3, "speed_kmh") == 0) {
                have_speed = true;
                rc = y_num(yf, k3, v3, sub2, &c->speed_kmh);
                if (!rc && !(c->speed_kmh > 0))
                    rc = hl__y_err(yf, k3, sub2, "a speed must be > 0 km/h, found %g", c->speed_kmh);
            } else rc = y_unknown(yf, k3, sub, "zh, speed_kmh, aliases");
            if (rc) return rc;
        }
        if (!have_speed) return hl__y_err(yf, kk, sub, "missing 'speed_kmh'");
        if (!c->zh) c->zh = c->name;
    }
    return HL_OK;
}

static hl_status y_surfaces(hl__yfile *yf, hl_spec_set *set, struct fy_node *k, struct fy_node *v) {
    void *it = NULL;
    struct fy_node_pair *p;
    char sub[256], sub2[300];
    hl_status rc = y_map(yf, k, v, "surfaces");
    if (rc) return rc;
    set->surfaces = hl__arena_alloc(yf->arena, (map_count(v) + 1) * sizeof *set->surfaces);
    if (!set->surfaces) return HL_E_NOMEM;
    while ((p = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *kk = fy_node_pair_key(p), *vv = fy_node_pair_value(p);
        surface_ent *s = &set->surfaces[set->n_surfaces++];
        void *it2 = NULL;
        struct fy_node_pair *q;
        bool have_h = false, have_f = false;
        snprintf(sub, sizeof sub, "surfaces.%s", hl__y_text(kk) ? hl__y_text(kk) : "?");
        if ((rc = hl__y_str(yf, kk, kk, sub, (char **)&s->name))) return rc;
        if ((rc = y_map(yf, kk, vv, sub))) return rc;
        while ((q = fy_node_mapping_iterate(vv, &it2))) {
            struct fy_node *k3 = fy_node_pair_key(q), *v3 = fy_node_pair_value(q);
            const char *n3 = hl__y_text(k3);
            snprintf(sub2, sizeof sub2, "%s.%s", sub, n3 ? n3 : "?");
            if (n3 && strcmp(n3, "zh") == 0) rc = hl__y_str(yf, k3, v3, sub2, (char **)&s->zh);
            else if (n3 && strcmp(n3, "aliases") == 0)
                rc = hl__y_strlist(yf, k3, v3, sub2, &s->aliases, &s->n_aliases);
            else if (n3 && strcmp(n3, "hardened") == 0) {
                have_h = true;
                rc = y_bool(yf, k3, v3, sub2, &s->hardened);
            } else if (n3 && strcmp(n3, "speed_factor") == 0) {
                have_f = true;
                rc = y_num(yf, k3, v3, sub2, &s->factor);
                if (!rc && !(s->factor > 0 && s->factor <= 2))
                    rc = hl__y_err(yf, k3, sub2, "a speed factor must be in (0, 2], found %g", s->factor);
            } else rc = y_unknown(yf, k3, sub, "zh, hardened, speed_factor, aliases");
            if (rc) return rc;
        }
        if (!have_h || !have_f) return hl__y_err(yf, kk, sub, "needs 'hardened' and 'speed_factor'");
        if (!s->zh) s->zh = s->name;
    }
    return HL_OK;
}

/* unknown_class: {name, zh, speed_kmh} and unknown_surface: {name, hardened, speed_factor} */
static hl_status y_unknown_ent(hl__yfile *yf, hl_spec_set *set, struct fy_node *k, struct fy_node *v,
                               bool is_class) {
    void *it = NULL;
    struct fy_node_pair *p;
    char sub[256];
    const char *path = is_class ? "unknown_class" : "unknown_surface";
    hl_status rc = y_map(yf, k, v, path);
    if (rc) return rc;
    while ((p = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *kk = fy_node_pair_key(p), *vv = fy_node_pair_value(p);
        const char *n = hl__y_text(kk);
        snprintf(sub, sizeof sub, "%s.%s", path, n ? n : "?");
        if (n && strcmp(n, "name") == 0)
            rc = hl__y_str(yf, kk, vv, sub,
                           (char **)(is_class ? &set->unknown_class.name : &set->unknown_surface.name));
        else if (n && strcmp(n, "zh") == 0)
            rc = hl__y_str(yf, kk, vv, sub,
                           (char **)(is_class ? &set->unknown_class.zh : &set->unknown_surface.zh));
        else if (is_class && n && strcmp(n, "speed_kmh") == 0) {
            rc = y_num(yf, kk, vv, sub, &set->unknown_class.speed_kmh);
            if (!rc && !(set->unknown_class.speed_kmh > 0))
                rc = hl__y_err(yf, kk, sub, "a speed must be > 0 km/h");
        } else if (!is_class && n && strcmp(n, "hardened") == 0)
            rc = y_bool(yf, kk, vv, sub, &set->unknown_surface.hardened);
        else if (!is_class && n && strcmp(n, "speed_factor") == 0) {
            rc = y_num(yf, kk, vv, sub, &set->unknown_surface.factor);
            if (!rc && !(set->unknown_surface.factor > 0))
                rc = hl__y_err(yf, kk, sub, "a speed factor must be > 0");
        } else
            rc = y_unknown(yf, kk, path, is_class ? "name, zh, speed_kmh" : "name, zh, hardened, speed_factor");
        if (rc) return rc;
    }
    return HL_OK;
}

static const road_class *class_by_name(const hl_spec_set *set, const char *name) {
    size_t i;
    for (i = 0; i < set->n_classes; i++)
        if (strcmp(set->classes[i].name, name) == 0) return &set->classes[i];
    return NULL;
}

static hl_status y_prefixes(hl__yfile *yf, hl_spec_set *set, struct fy_node *k, struct fy_node *v) {
    void *it = NULL;
    struct fy_node_pair *p;
    char sub[256];
    hl_status rc = y_map(yf, k, v, "route_prefixes");
    if (rc) return rc;
    while ((p = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *kk = fy_node_pair_key(p), *vv = fy_node_pair_value(p);
        const char *letter = hl__y_text(kk);
        char *cls;
        snprintf(sub, sizeof sub, "route_prefixes.%s", letter ? letter : "?");
        if (!letter || strlen(letter) != 1 || letter[0] < 'A' || letter[0] > 'Z')
            return hl__y_err(yf, kk, sub, "a route prefix is one capital letter");
        if ((rc = hl__y_str(yf, kk, vv, sub, &cls))) return rc;
        set->prefix_class[letter[0] - 'A'] = cls; /* checked against the classes later */
    }
    return HL_OK;
}

static hl_status y_oneway(hl__yfile *yf, hl_spec_set *set, struct fy_node *k, struct fy_node *v) {
    void *it = NULL;
    struct fy_node_pair *p;
    char sub[256];
    hl_status rc = y_map(yf, k, v, "oneway");
    if (rc) return rc;
    while ((p = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *kk = fy_node_pair_key(p), *vv = fy_node_pair_value(p);
        const char *n = hl__y_text(kk);
        int w;
        snprintf(sub, sizeof sub, "oneway.%s", n ? n : "?");
        if (n && strcmp(n, "forward") == 0) w = OW_FORWARD;
        else if (n && strcmp(n, "backward") == 0) w = OW_BACKWARD;
        else if (n && strcmp(n, "twoway") == 0) w = OW_TWOWAY;
        else return y_unknown(yf, kk, "oneway", "forward, backward, twoway");
        if ((rc = hl__y_strlist(yf, kk, vv, sub, &set->ow[w], &set->n_ow[w]))) return rc;
    }
    return HL_OK;
}

static hl_status y_kinds(hl__yfile *yf, hl_spec_set *set, struct fy_node *k, struct fy_node *v) {
    void *it = NULL;
    struct fy_node_pair *p;
    char sub[256], sub2[300];
    hl_status rc = y_map(yf, k, v, "kinds");
    if (rc) return rc;
    set->kinds = hl__arena_alloc(yf->arena, (map_count(v) + 1) * sizeof *set->kinds);
    if (!set->kinds) return HL_E_NOMEM;
    while ((p = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *kk = fy_node_pair_key(p), *vv = fy_node_pair_value(p);
        hl_facility_kind *fk = &set->kinds[set->n_kinds++];
        void *it2 = NULL;
        struct fy_node_pair *q;
        static const char *const none[1] = {NULL};
        snprintf(sub, sizeof sub, "kinds.%s", hl__y_text(kk) ? hl__y_text(kk) : "?");
        if ((rc = hl__y_str(yf, kk, kk, sub, (char **)&fk->name))) return rc;
        if ((rc = y_map(yf, kk, vv, sub))) return rc;
        fk->aliases = none;
        fk->osm_tags = none;
        while ((q = fy_node_mapping_iterate(vv, &it2))) {
            struct fy_node *k3 = fy_node_pair_key(q), *v3 = fy_node_pair_value(q);
            const char *n3 = hl__y_text(k3);
            const char **lst = NULL;
            snprintf(sub2, sizeof sub2, "%s.%s", sub, n3 ? n3 : "?");
            if (n3 && strcmp(n3, "zh") == 0) rc = hl__y_str(yf, k3, v3, sub2, (char **)&fk->zh);
            else if (n3 && strcmp(n3, "aliases") == 0) {
                rc = hl__y_strlist(yf, k3, v3, sub2, &lst, &fk->n_aliases);
                if (!rc) fk->aliases = lst;
            } else if (n3 && strcmp(n3, "osm") == 0) {
                rc = hl__y_strlist(yf, k3, v3, sub2, &lst, &fk->n_osm_tags);
                if (!rc) fk->osm_tags = lst;
            } else rc = y_unknown(yf, k3, sub, "zh, aliases, osm");
            if (rc) return rc;
        }
        if (!fk->zh) return hl__y_err(yf, kk, sub, "missing 'zh'");
    }
    return HL_OK;
}

/* ------------------------------------------------------------------ */
/* role files                                                           */

static hl_status y_guess(hl__yfile *yf, hl_role_spec *rs, struct fy_node *k, struct fy_node *v) {
    void *it = NULL;
    struct fy_node_pair *p;
    char sub[256];
    hl_status rc = y_map(yf, k, v, "guess");
    if (rc) return rc;
    while ((p = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *kk = fy_node_pair_key(p), *vv = fy_node_pair_value(p);
        const char *n = hl__y_text(kk);
        snprintf(sub, sizeof sub, "guess.%s", n ? n : "?");
        if (n && strcmp(n, "keywords") == 0)
            rc = hl__y_strlist(yf, kk, vv, sub, &rs->keywords, &rs->n_keywords);
        else if (n && strcmp(n, "fields") == 0)
            rc = hl__y_strlist(yf, kk, vv, sub, &rs->guess_fields, &rs->n_guess_fields);
        else rc = y_unknown(yf, kk, "guess", "keywords, fields");
        if (rc) return rc;
    }
    return HL_OK;
}

static hl_status y_fields(hl__yfile *yf, hl_role_spec *rs, struct fy_node *k, struct fy_node *v) {
    void *it = NULL;
    struct fy_node_pair *p;
    char sub[256];
    hl_status rc = y_map(yf, k, v, "fields");
    if (rc) return rc;
    rs->fields = hl__arena_alloc(yf->arena, (map_count(v) + 1) * sizeof *rs->fields);
    if (!rs->fields) return HL_E_NOMEM;
    while ((p = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *kk = fy_node_pair_key(p), *vv = fy_node_pair_value(p);
        snprintf(sub, sizeof sub, "fields.%s", hl__y_text(kk) ? hl__y_text(kk) : "?");
        if ((rc = y_field(yf, kk, vv, sub, &rs->fields[rs->n_fields]))) return rc;
        rs->n_fields++;
    }
    if (rs->n_fields == 0) return hl__y_err(yf, k, "fields", "a role needs at least one field");
    return HL_OK;
}

static hl_status load_role(hl_spec_set *set, const char *path, const char *stem, hl_role_spec *rs) {
    hl__yfile yf;
    struct fy_node *root;
    void *it = NULL;
    struct fy_node_pair *p;
    bool have_title = false, have_geom = false, have_req = false;
    hl_status rc = hl__yfile_open(set->arena.ctx, &set->arena, path, &yf);
    if (rc) goto done;
    root = hl__yfile_root(&yf);
    while ((p = fy_node_mapping_iterate(root, &it))) {
        struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        const char *n = hl__y_text(k);
        if (!n) {
            rc = hl_error(set->arena.ctx, HL_E_PLAN, "%s: top-level keys must be text", path);
            goto done;
        }
        if (strcmp(n, "role") == 0) {
            rc = hl__y_str(&yf, k, v, "role", (char **)&rs->name);
            if (!rc && strcmp(rs->name, stem) != 0)
                rc = hl__y_err(&yf, k, "role", "role '%s' does not match the file name '%s.yaml'",
                               rs->name, stem);
        } else if (strcmp(n, "title") == 0) {
            have_title = true;
            rc = y_title(&yf, k, v, "title", &rs->title_zh, &rs->title_en);
        } else if (strcmp(n, "geometry") == 0) {
            have_geom = true;
            if (hl__y_is_seq(v)) {
                void *it2 = NULL;
                struct fy_node *item;
                while (!rc && (item = fy_node_sequence_iterate(v, &it2))) {
                    const char *t = hl__y_text(item);
                    rc = geom_word(&yf, k, "geometry", t ? t : "(list)", &rs->geom_mask);
                }
            } else {
                const char *t = hl__y_text(v);
                rc = geom_word(&yf, k, "geometry", t ? t : "(mapping)", &rs->geom_mask);
            }
        } else if (strcmp(n, "required") == 0) {
            have_req = true;
            rc = y_bool(&yf, k, v, "required", &rs->required);
        } else if (strcmp(n, "guess") == 0) {
            rc = y_guess(&yf, rs, k, v);
        } else if (strcmp(n, "fields") == 0) {
            rc = y_fields(&yf, rs, k, v);
        } else if (strcmp(stem, "facilities") == 0 && strcmp(n, "kinds") == 0) {
            rc = y_kinds(&yf, set, k, v);
        } else if (strcmp(stem, "roads") == 0 && strcmp(n, "classes") == 0) {
            rc = y_classes(&yf, set, k, v);
        } else if (strcmp(stem, "roads") == 0 && strcmp(n, "unknown_class") == 0) {
            rc = y_unknown_ent(&yf, set, k, v, true);
        } else if (strcmp(stem, "roads") == 0 && strcmp(n, "route_prefixes") == 0) {
            rc = y_prefixes(&yf, set, k, v);
        } else if (strcmp(stem, "roads") == 0 && strcmp(n, "surfaces") == 0) {
            rc = y_surfaces(&yf, set, k, v);
        } else if (strcmp(stem, "roads") == 0 && strcmp(n, "unknown_surface") == 0) {
            rc = y_unknown_ent(&yf, set, k, v, false);
        } else if (strcmp(stem, "roads") == 0 && strcmp(n, "oneway") == 0) {
            rc = y_oneway(&yf, set, k, v);
        } else {
            rc = y_unknown(&yf, k, "(top level)",
                           strcmp(stem, "roads") == 0
                               ? "role, title, geometry, required, guess, fields, classes, unknown_class, "
                                 "route_prefixes, surfaces, unknown_surface, oneway"
                           : strcmp(stem, "facilities") == 0
                               ? "role, title, geometry, required, guess, fields, kinds"
                               : "role, title, geometry, required, guess, fields");
        }
        if (rc) goto done;
    }
    if (!rs->name || !have_title || !have_geom || !have_req || !rs->fields) {
        rc = hl_error(set->arena.ctx, HL_E_PLAN,
                      "%s: a role specification needs role, title, geometry, required and fields", path);
        goto done;
    }
    if (strcmp(stem, "roads") == 0) {
        size_t i;
        if (set->n_classes == 0 || !set->unknown_class.name || set->n_surfaces == 0 ||
            !set->unknown_surface.name || !set->ow[OW_FORWARD]) {
            rc = hl_error(set->arena.ctx, HL_E_PLAN,
                          "%s: roads needs classes, unknown_class, surfaces, unknown_surface and oneway", path);
            goto done;
        }
        if (!set->unknown_class.zh) set->unknown_class.zh = set->unknown_class.name;
        if (!set->unknown_surface.zh) set->unknown_surface.zh = set->unknown_surface.name;
        for (i = 0; i < 26; i++) {
            if (set->prefix_class[i] && !class_by_name(set, set->prefix_class[i])) {
                rc = hl_error(set->arena.ctx, HL_E_PLAN,
                              "%s: route_prefixes.%c: unknown class '%s'", path, (char)('A' + i),
                              set->prefix_class[i]);
                goto done;
            }
        }
    }
done:
    hl__yfile_close(&yf);
    return rc;
}

/* ------------------------------------------------------------------ */
/* OSM preset                                                           */

static const hl_field_spec *field_by_name(const hl_role_spec *rs, const char *name);

static hl_status load_osm(hl_spec_set *set, const char *path) {
    hl__yfile yf;
    struct fy_node *root;
    void *it = NULL;
    struct fy_node_pair *p;
    char sub[256], sub2[300];
    hl_status rc = hl__yfile_open(set->arena.ctx, &set->arena, path, &yf);
    if (rc) goto done;
    root = hl__yfile_root(&yf);
    while ((p = fy_node_mapping_iterate(root, &it))) {
        struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        const char *n = hl__y_text(k);
        void *it2 = NULL;
        struct fy_node_pair *q;
        if (!n) n = "?";
        if (strcmp(n, "preset") == 0 || strcmp(n, "title") == 0) {
            continue;
        } else if (strcmp(n, "fields") == 0) {
            size_t total = 0;
            if ((rc = y_map(&yf, k, v, "fields"))) goto done;
            while ((q = fy_node_mapping_iterate(v, &it2))) {
                struct fy_node *v2 = fy_node_pair_value(q);
                if (hl__y_is_map(v2)) total += map_count(v2);
            }
            set->tags = hl__arena_alloc(&set->arena, (total + 1) * sizeof *set->tags);
            if (!set->tags) {
                rc = HL_E_NOMEM;
                goto done;
            }
            it2 = NULL;
            while ((q = fy_node_mapping_iterate(v, &it2))) {
                struct fy_node *k2 = fy_node_pair_key(q), *v2 = fy_node_pair_value(q);
                const char *role = hl__y_text(k2);
                const hl_role_spec *rs = role ? hl_spec_role(set, role) : NULL;
                void *it3 = NULL;
                struct fy_node_pair *r;
                snprintf(sub, sizeof sub, "fields.%s", role ? role : "?");
                if (!rs) {
                    rc = hl__y_err(&yf, k2, sub, "unknown role '%s'", role ? role : "?");
                    goto done;
                }
                if ((rc = y_map(&yf, k2, v2, sub))) goto done;
                while ((r = fy_node_mapping_iterate(v2, &it3))) {
                    struct fy_node *k3 = fy_node_pair_key(r), *v3 = fy_node_pair_value(r);
                    const char *fname = hl__y_text(k3);
                    osm_tag *t = &set->tags[set->n_tags];
                    snprintf(sub2, sizeof sub2, "%s.%s", sub, fname ? fname : "?");
                    if (!fname || !field_by_name(rs, fname)) {
                        rc = hl__y_err(&yf, k3, sub2, "role %s has no field '%s'", rs->name,
                                       fname ? fname : "?");
                        goto done;
                    }
                    t->role = rs->name;
                    t->field = field_by_name(rs, fname)->name;
                    if ((rc = hl__y_str(&yf, k3, v3, sub2, (char **)&t->tag))) goto done;
                    set->n_tags++;
                }
            }
        } else if (strcmp(n, "highway") == 0) {
            if ((rc = y_map(&yf, k, v, "highway"))) goto done;
            set->hw = hl__arena_alloc(&set->arena, (map_count(v) + 1) * sizeof *set->hw);
            if (!set->hw) {
                rc = HL_E_NOMEM;
                goto done;
            }
            while ((q = fy_node_mapping_iterate(v, &it2))) {
                struct fy_node *k2 = fy_node_pair_key(q), *v2 = fy_node_pair_value(q);
                osm_hw *h = &set->hw[set->n_hw];
                void *it3 = NULL;
                struct fy_node_pair *r;
                bool have_c = false, have_s = false, have_r = false;
                snprintf(sub, sizeof sub, "highway.%s", hl__y_text(k2) ? hl__y_text(k2) : "?");
                if ((rc = hl__y_str(&yf, k2, k2, sub, (char **)&h->value))) goto done;
                if ((rc = y_map(&yf, k2, v2, sub))) goto done;
                while ((r = fy_node_mapping_iterate(v2, &it3))) {
                    struct fy_node *k3 = fy_node_pair_key(r), *v3 = fy_node_pair_value(r);
                    const char *n3 = hl__y_text(k3);
                    snprintf(sub2, sizeof sub2, "%s.%s", sub, n3 ? n3 : "?");
                    if (n3 && strcmp(n3, "class") == 0) {
                        have_c = true;
                        rc = hl__y_str(&yf, k3, v3, sub2, (char **)&h->cls);
                        if (!rc && !class_by_name(set, h->cls) &&
                            !(set->unknown_class.name && strcmp(h->cls, set->unknown_class.name) == 0))
                            rc = hl__y_err(&yf, k3, sub2, "unknown road class '%s'", h->cls);
                    } else if (n3 && strcmp(n3, "speed_kmh") == 0) {
                        have_s = true;
                        rc = y_num(&yf, k3, v3, sub2, &h->speed_kmh);
                        if (!rc && !(h->speed_kmh > 0))
                            rc = hl__y_err(&yf, k3, sub2, "a speed must be > 0 km/h, found %g", h->speed_kmh);
                    } else if (n3 && strcmp(n3, "routable") == 0) {
                        have_r = true;
                        rc = y_bool(&yf, k3, v3, sub2, &h->routable);
                    } else rc = y_unknown(&yf, k3, sub, "class, speed_kmh, routable");
                    if (rc) goto done;
                }
                if (!have_c || !have_s || !have_r) {
                    rc = hl__y_err(&yf, k2, sub, "needs class, speed_kmh and routable");
                    goto done;
                }
                set->n_hw++;
            }
        } else if (strcmp(n, "maxspeed_zones") == 0) {
            if ((rc = y_map(&yf, k, v, "maxspeed_zones"))) goto done;
            set->zones = hl__arena_alloc(&set->arena, (map_count(v) + 1) * sizeof *set->zones);
            if (!set->zones) {
                rc = HL_E_NOMEM;
                goto done;
            }
            while ((q = fy_node_mapping_iterate(v, &it2))) {
                struct fy_node *k2 = fy_node_pair_key(q), *v2 = fy_node_pair_value(q);
                zone_ent *z = &set->zones[set->n_zones];
                snprintf(sub, sizeof sub, "maxspeed_zones.%s", hl__y_text(k2) ? hl__y_text(k2) : "?");
                if ((rc = hl__y_str(&yf, k2, k2, sub, (char **)&z->key))) goto done;
                if ((rc = y_num(&yf, k2, v2, sub, &z->kmh))) goto done;
                if (!(z->kmh > 0)) {
                    rc = hl__y_err(&yf, k2, sub, "a speed must be > 0 km/h");
                    goto done;
                }
                set->n_zones++;
            }
        } else {
            rc = y_unknown(&yf, k, "(top level)", "preset, title, fields, highway, maxspeed_zones");
            goto done;
        }
    }
done:
    hl__yfile_close(&yf);
    return rc;
}

/* ------------------------------------------------------------------ */
/* loading                                                              */

static bool is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *hl_spec_default_dir(hl_ctx *ctx) {
    const char *env = getenv("HL_LAYERS_DIR");
    if (env && env[0]) return hl_strdup(ctx, env);
#ifdef HL_SOURCE_DIR
    if (is_dir(HL_SOURCE_DIR "/layers/roles")) return hl_strdup(ctx, HL_SOURCE_DIR "/layers");
#endif
    return hl_strdup(ctx, HL_LAYERS_INSTALL_DIR);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The *.yaml names in dir, sorted bytewise; arena-allocated. */
static hl_status list_yaml(hl_spec_set *set, const char *dir, char ***names_out, size_t *n_out) {
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    hl_status rc = HL_OK;
    if (!d) return hl_error(set->arena.ctx, HL_E_IO, "%s: cannot open directory: %s", dir, strerror(errno));
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len <= 5 || strcmp(e->d_name + len - 5, ".yaml") != 0 || e->d_name[0] == '.') continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **nn = hl__arena_alloc(&set->arena, ncap * sizeof *nn);
            if (!nn) {
                rc = HL_E_NOMEM;
                goto done;
            }
            if (n) memcpy(nn, names, n * sizeof *nn);
            names = nn;
            cap = ncap;
        }
        names[n] = hl__arena_strdup(&set->arena, e->d_name);
        if (!names[n]) {
            rc = HL_E_NOMEM;
            goto done;
        }
        n++;
    }
    if (n) qsort(names, n, sizeof *names, cmp_str);
    *names_out = names;
    *n_out = n;
done:
    closedir(d);
    return rc;
}

hl_status hl_spec_set_load(hl_ctx *ctx, const char *layers_dir, hl_spec_set **out) {
    hl_spec_set *set = NULL;
    char *dflt = NULL, *roles_dir = NULL, *path = NULL;
    char **names = NULL;
    size_t n_names = 0, i;
    hl_status rc = HL_OK;
    if (!ctx || !out) return ctx ? hl_error(ctx, HL_E_ARG, "hl_spec_set_load: NULL argument") : HL_E_ARG;
    *out = NULL;
    if (!layers_dir) {
        dflt = hl_spec_default_dir(ctx);
        if (!dflt) return hl_error(ctx, HL_E_NOMEM, "out of memory");
        layers_dir = dflt;
    }
    set = hl_calloc(ctx, 1, sizeof *set);
    if (!set) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    hl__arena_init(&set->arena, ctx);
    set->dir = hl__arena_strdup(&set->arena, layers_dir);
    roles_dir = hl_sprintf(ctx, "%s/roles", layers_dir);
    if (!set->dir || !roles_dir) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    if (!is_dir(roles_dir)) {
        rc = hl_error(ctx, HL_E_IO,
                      "%s: no layer specifications here (set HL_LAYERS_DIR to the layers/ directory)",
                      roles_dir);
        goto done;
    }
    if ((rc = list_yaml(set, roles_dir, &names, &n_names))) goto done;
    set->roles = hl__arena_alloc(&set->arena, (n_names + 1) * sizeof *set->roles);
    if (!set->roles) {
        rc = HL_E_NOMEM;
        goto done;
    }
    for (i = 0; i < n_names; i++) {
        char stem[256];
        size_t len = strlen(names[i]) - 5;
        if (len >= sizeof stem) len = sizeof stem - 1;
        memcpy(stem, names[i], len);
        stem[len] = '\0';
        hl_free(path);
        path = hl_sprintf(ctx, "%s/%s", roles_dir, names[i]);
        if (!path) {
            rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
            goto done;
        }
        if ((rc = load_role(set, path, stem, &set->roles[set->n_roles]))) goto done;
        set->n_roles++;
    }
    if (!hl_spec_role(set, "roads") || !hl_spec_role(set, "facilities")) {
        rc = hl_error(ctx, HL_E_PLAN, "%s: roads.yaml and facilities.yaml are required", roles_dir);
        goto done;
    }
    hl_free(path);
    path = hl_sprintf(ctx, "%s/presets/osm.yaml", layers_dir);
    if (!path) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    if (is_file(path) && (rc = load_osm(set, path))) goto done;
    *out = set;
    set = NULL;
done:
    if (rc == HL_E_NOMEM && hl_ctx_errcode(ctx) != HL_E_NOMEM)
        hl_error(ctx, HL_E_NOMEM, "out of memory reading layer specifications");
    hl_spec_set_destroy(set);
    hl_free(path);
    hl_free(roles_dir);
    hl_free(dflt);
    return rc;
}

void hl_spec_set_destroy(hl_spec_set *set) {
    if (!set) return;
    hl__arena_free(&set->arena);
    hl_free(set);
}

const char *hl_spec_set_dir(const hl_spec_set *set) { return set->dir; }

/* ------------------------------------------------------------------ */
/* roles and fields                                                     */

size_t hl_spec_role_count(const hl_spec_set *set) { return set->n_roles; }

const hl_role_spec *hl_spec_role_at(const hl_spec_set *set, size_t i) {
    return i < set->n_roles ? &set->roles[i] : NULL;
}

const hl_role_spec *hl_spec_role(const hl_spec_set *set, const char *role) {
    size_t i;
    if (!set || !role) return NULL;
    for (i = 0; i < set->n_roles; i++)
        if (strcmp(set->roles[i].name, role) == 0) return &set->roles[i];
    return NULL;
}

const char *hl_role_spec_name(const hl_role_spec *rs) { return rs->name; }

const char *hl_role_spec_title(const hl_role_spec *rs, const char *lang) {
    return (lang && strcmp(lang, "zh") == 0) ? rs->title_zh : rs->title_en;
}

static unsigned geom_bit(hl_geom_kind g) {
    switch (g) {
    case HL_GEOM_POINT: return GEOM_POINT;
    case HL_GEOM_LINE: return GEOM_LINE;
    case HL_GEOM_POLYGON: return GEOM_POLYGON;
    default: return 0;
    }
}

bool hl_role_spec_accepts_geom(const hl_role_spec *rs, hl_geom_kind geom) {
    if (geom == HL_GEOM_UNKNOWN) return true;
    return (rs->geom_mask & geom_bit(geom)) != 0;
}

hl_geom_kind hl_role_spec_geom(const hl_role_spec *rs) {
    switch (rs->geom_mask) {
    case GEOM_POINT: return HL_GEOM_POINT;
    case GEOM_LINE: return HL_GEOM_LINE;
    case GEOM_POLYGON: return HL_GEOM_POLYGON;
    default: return HL_GEOM_UNKNOWN;
    }
}

bool hl_role_spec_required(const hl_role_spec *rs) { return rs->required; }
size_t hl_role_spec_field_count(const hl_role_spec *rs) { return rs->n_fields; }

const hl_field_spec *hl_role_spec_field_at(const hl_role_spec *rs, size_t i) {
    return i < rs->n_fields ? &rs->fields[i].pub : NULL;
}

static const hl_field_spec *field_by_name(const hl_role_spec *rs, const char *name) {
    size_t i;
    for (i = 0; i < rs->n_fields; i++)
        if (strcmp(rs->fields[i].pub.name, name) == 0) return &rs->fields[i].pub;
    return NULL;
}

const hl_field_spec *hl_role_spec_field(const hl_role_spec *rs, const char *name) {
    if (!rs || !name) return NULL;
    return field_by_name(rs, name);
}

static bool find_name(const char *cand, const char *const *names, size_t n, size_t *idx) {
    size_t j;
    for (j = 0; j < n; j++) {
        if (names[j] && hl__name_eq(cand, names[j])) {
            *idx = j;
            return true;
        }
    }
    return false;
}

bool hl_spec_field_find(const hl_field_spec *f, const char *const *names, size_t n_names,
                        size_t *index_out) {
    size_t i, idx;
    if (!f || !names) return false;
    if (find_name(f->name, names, n_names, &idx)) goto found;
    for (i = 0; i < f->n_aliases; i++)
        if (find_name(f->aliases[i], names, n_names, &idx)) goto found;
    return false;
found:
    if (index_out) *index_out = idx;
    return true;
}

hl_status hl_spec_match_field(hl_ctx *ctx, const hl_spec_set *set, const char *role,
                              const char *field, const char *const *names, size_t n_names,
                              size_t *index_out, bool *found_out) {
    const hl_role_spec *rs;
    const hl_field_spec *f;
    if (!set || !role || !field || !found_out || (n_names && !names))
        return hl_error(ctx, HL_E_ARG, "hl_spec_match_field: NULL argument");
    rs = hl_spec_role(set, role);
    if (!rs) return hl_error(ctx, HL_E_ARG, "no layer specification for role '%s'", role);
    f = field_by_name(rs, field);
    if (!f) return hl_error(ctx, HL_E_ARG, "role '%s' has no canonical field '%s'", role, field);
    *found_out = n_names ? hl_spec_field_find(f, names, n_names, index_out) : false;
    return HL_OK;
}

bool hl_spec_field_value(const hl_field_spec *f, const char *raw, const char **canonical_out,
                         size_t *rank_out) {
    const field_int *fi = (const field_int *)f;
    size_t i, j;
    if (!f || !raw) return false;
    for (i = 0; i < f->n_values; i++) {
        const value_ent *v = &fi->values[i];
        bool hit = hl__name_eq(raw, v->name);
        for (j = 0; !hit && j < v->n_aliases; j++) hit = hl__name_eq(raw, v->aliases[j]);
        if (hit) {
            if (canonical_out) *canonical_out = v->name;
            if (rank_out) *rank_out = i;
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* road vocabularies                                                    */

static bool any_alias(const char *raw, const char **aliases, size_t n) {
    size_t j;
    for (j = 0; j < n; j++)
        if (hl__name_eq(raw, aliases[j])) return true;
    return false;
}

static void fill_class(hl_road_class_info *out, const road_class *c, bool known) {
    out->name = c->name;
    out->zh = c->zh;
    out->speed_kmh = c->speed_kmh;
    out->known = known;
}

bool hl_spec_road_class(const hl_spec_set *set, const char *raw, hl_road_class_info *out) {
    size_t i, len;
    const char *p;
    fill_class(out, &set->unknown_class, false);
    if (!raw) return false;
    for (i = 0; i < set->n_classes; i++) {
        if (hl__name_eq(raw, set->classes[i].name) ||
            any_alias(raw, set->classes[i].aliases, set->classes[i].n_aliases)) {
            fill_class(out, &set->classes[i], true);
            return true;
        }
    }
    /* A route number: one letter, optional spaces, then digits only. */
    p = hl__trim(raw, &len);
    if (len >= 2) {
        char c = p[0];
        size_t j = 1;
        if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        if (c >= 'A' && c <= 'Z' && set->prefix_class[c - 'A']) {
            while (j < len && p[j] == ' ') j++;
            if (j < len) {
                size_t k;
                for (k = j; k < len; k++)
                    if (p[k] < '0' || p[k] > '9') break;
                if (k == len) {
                    const road_class *rc = class_by_name(set, set->prefix_class[c - 'A']);
                    if (rc) {
                        fill_class(out, rc, true);
                        return true;
                    }
                }
            }
        }
    }
    return false;
}

static void fill_surface(hl_surface_info *out, const surface_ent *s, bool known) {
    out->name = s->name;
    out->zh = s->zh;
    out->hardened = s->hardened;
    out->speed_factor = s->factor;
    out->known = known;
}

static const surface_ent *surface_lookup(const hl_spec_set *set, const char *raw) {
    size_t i;
    for (i = 0; i < set->n_surfaces; i++)
        if (hl__name_eq(raw, set->surfaces[i].name) ||
            any_alias(raw, set->surfaces[i].aliases, set->surfaces[i].n_aliases))
            return &set->surfaces[i];
    return NULL;
}

bool hl_spec_surface(const hl_spec_set *set, const char *raw, hl_surface_info *out) {
    const surface_ent *s;
    static const char suffix[] = "路面";
    size_t len;
    const char *p;
    fill_surface(out, &set->unknown_surface, false);
    if (!raw) return false;
    s = surface_lookup(set, raw);
    p = hl__trim(raw, &len);
    if (!s && len > sizeof suffix - 1 && memcmp(p + len - (sizeof suffix - 1), suffix, sizeof suffix - 1) == 0) {
        char buf[256];
        size_t m = len - (sizeof suffix - 1);
        if (m < sizeof buf) {
            memcpy(buf, p, m);
            buf[m] = '\0';
            s = surface_lookup(set, buf);
        }
    }
    if (!s) return false;
    fill_surface(out, s, true);
    return true;
}

int hl_spec_parse_oneway(const hl_spec_set *set, const char *raw, bool *recognised_out) {
    const char *v = raw ? raw : "";
    int dir = 0;
    bool rec = true;
    /* Backward first: accessibility-semantics.md rule 1. */
    if (any_alias(v, set->ow[OW_BACKWARD], set->n_ow[OW_BACKWARD])) dir = -1;
    else if (any_alias(v, set->ow[OW_FORWARD], set->n_ow[OW_FORWARD])) dir = 1;
    else if (any_alias(v, set->ow[OW_TWOWAY], set->n_ow[OW_TWOWAY])) dir = 0;
    else rec = false;
    if (recognised_out) *recognised_out = rec;
    return dir;
}

int hl_spec_road_direction(const hl_spec_set *set, const char *oneway_raw, const char *junction_raw) {
    size_t len;
    int dir = hl_spec_parse_oneway(set, oneway_raw, NULL);
    if (dir != 0) return dir;
    hl__trim(oneway_raw, &len);
    if (len == 0 && junction_raw &&
        (hl__name_eq(junction_raw, "roundabout") || hl__name_eq(junction_raw, "circular")))
        return 1;
    return 0;
}

bool hl_spec_parse_bool(const char *raw, bool *value_out) {
    static const char *const yes[] = {"是", "有", "yes", "y", "true", "t", "1"};
    static const char *const no[] = {"否", "无", "no", "n", "false", "f", "0"};
    size_t i;
    if (!raw) return false;
    for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (hl__name_eq(raw, yes[i])) {
            *value_out = true;
            return true;
        }
        if (hl__name_eq(raw, no[i])) {
            *value_out = false;
            return true;
        }
    }
    return false;
}

/* One maxspeed value without ';'. */
static bool maxspeed_one(const hl_spec_set *set, const char *p, size_t len, double *kmh) {
    char buf[64], *end;
    double v, factor = 1.0;
    size_t i;
    if (len == 0 || len >= sizeof buf) return false;
    memcpy(buf, p, len);
    buf[len] = '\0';
    if (strchr(buf, ':')) {
        if (!set) return false;
        for (i = 0; i < set->n_zones; i++)
            if (hl__name_eq(buf, set->zones[i].key)) {
                *kmh = set->zones[i].kmh;
                return true;
            }
        return false;
    }
    if (!(buf[0] >= '0' && buf[0] <= '9')) return false; /* none, signals, walk, variable, -5 */
    v = strtod(buf, &end);
    while (*end == ' ') end++;
    if (*end == '\0' || hl__name_eq(end, "km/h") || hl__name_eq(end, "kmh") ||
        hl__name_eq(end, "kph") || strcmp(end, "公里/小时") == 0 || strcmp(end, "千米/小时") == 0)
        factor = 1.0;
    else if (hl__name_eq(end, "mph"))
        factor = 1.609344;
    else if (hl__name_eq(end, "knots"))
        factor = 1.852;
    else
        return false;
    v *= factor;
    if (!isfinite(v) || !(v > 0)) return false;
    *kmh = v;
    return true;
}

bool hl_spec_parse_maxspeed(const hl_spec_set *set, const char *raw, double *kmh_out) {
    size_t len;
    const char *p = hl__trim(raw, &len);
    bool found = false;
    double best = 0;
    while (len > 0) {
        size_t part = 0, tl;
        const char *tp;
        double v;
        while (part < len && p[part] != ';') part++;
        {
            char tmp[64];
            if (part < sizeof tmp) {
                memcpy(tmp, p, part);
                tmp[part] = '\0';
                tp = hl__trim(tmp, &tl);
                if (maxspeed_one(set, tp, tl, &v) && (!found || v < best)) {
                    best = v;
                    found = true;
                }
            }
        }
        if (part == len) break;
        p += part + 1;
        len -= part + 1;
    }
    if (found && kmh_out) *kmh_out = best;
    return found;
}

bool hl_spec_osm_highway(const hl_spec_set *set, const char *highway, hl_osm_highway_info *out) {
    size_t i;
    out->road_class = set->unknown_class.name;
    out->speed_kmh = set->unknown_class.speed_kmh;
    out->routable = false;
    out->known = false;
    if (!highway) return false;
    for (i = 0; i < set->n_hw; i++) {
        if (hl__name_eq(highway, set->hw[i].value)) {
            out->road_class = set->hw[i].cls;
            out->speed_kmh = set->hw[i].speed_kmh;
            out->routable = set->hw[i].routable;
            out->known = true;
            return true;
        }
    }
    return false;
}

const char *hl_spec_osm_tag(const hl_spec_set *set, const char *role, const char *field) {
    size_t i;
    if (!role || !field) return NULL;
    for (i = 0; i < set->n_tags; i++)
        if (strcmp(set->tags[i].role, role) == 0 && strcmp(set->tags[i].field, field) == 0)
            return set->tags[i].tag;
    return NULL;
}

/* ------------------------------------------------------------------ */
/* kinds and guessing                                                   */

size_t hl_spec_kind_count(const hl_spec_set *set) { return set->n_kinds; }

const hl_facility_kind *hl_spec_kind_at(const hl_spec_set *set, size_t i) {
    return i < set->n_kinds ? &set->kinds[i] : NULL;
}

const hl_facility_kind *hl_spec_kind(const hl_spec_set *set, const char *name) {
    size_t i;
    if (!name) return NULL;
    for (i = 0; i < set->n_kinds; i++)
        if (strcmp(set->kinds[i].name, name) == 0) return &set->kinds[i];
    return NULL;
}

/* Role guessing lives in spec_guess.c; it reads the guess words through this
 * accessor (the role struct is private to this file). */
void hl__role_spec_guess_words(const hl_role_spec *rs, const char *const **keywords, size_t *n_keywords,
                               const char *const **fields, size_t *n_fields) {
    *keywords = rs->keywords;
    *n_keywords = rs->n_keywords;
    *fields = rs->guess_fields;
    *n_fields = rs->n_guess_fields;
}
