/* Fuzz entry for the layer specifications and the standards presets.  The
 * first byte picks a file of a private copy of layers/ (0-11: a role file in
 * file-name order, 12-14: the standards national, shanxi, qinshui, 15: the
 * OSM preset; taken modulo 16); the rest of the bytes replace that file, and
 * the spec set (or the standard) is loaded from the copy.  The original file
 * is put back afterwards.  Shared by fuzz_spec.c and the replay test. */
#ifndef HL_FUZZ_SPEC_H
#define HL_FUZZ_SPEC_H

#include "fuzz_common.h"
#include "hl/spec.h"

static const char *const hl_fuzz_spec_files[16] = {
    "roles/agricultural_bases.yaml", "roles/county.yaml", "roles/coverage_5g.yaml", "roles/facilities.yaml",
    "roles/industry_bases.yaml", "roles/natural_villages.yaml", "roles/roads.yaml", "roles/townships.yaml",
    "roles/villages.yaml", "roles/water_pipes.yaml", "roles/water_service_areas.yaml", "roles/water_works.yaml",
    "standards/national.yaml", "standards/shanxi.yaml", "standards/qinshui.yaml", "presets/osm.yaml"};

static char hl_fuzz_spec_src[1024];  /* the real layers/ */
static char hl_fuzz_spec_copy[1024]; /* our copy */

/* Make the copy once; returns 0 on success. */
static inline int hl_fuzz_spec_setup(void) {
    const char *dir;
    char a[2048], b[2048];
    if (hl_fuzz_spec_copy[0]) return 0;
    dir = hl_fuzz_dir();
    if (!dir) return -1;
    {
        hl_ctx *ctx = hl_ctx_create();
        char *d = ctx ? hl_spec_default_dir(ctx) : NULL;
        if (!d) {
            hl_ctx_destroy(ctx);
            return -1;
        }
        snprintf(hl_fuzz_spec_src, sizeof hl_fuzz_spec_src, "%s", d);
        hl_free(d);
        hl_ctx_destroy(ctx);
    }
    snprintf(a, sizeof a, "%s/layers", dir);
    if (mkdir(a, 0777)) return -1;
    snprintf(a, sizeof a, "%s/layers/roles", dir);
    if (mkdir(a, 0777)) return -1;
    snprintf(a, sizeof a, "%s/layers/standards", dir);
    if (mkdir(a, 0777)) return -1;
    snprintf(a, sizeof a, "%s/layers/presets", dir);
    if (mkdir(a, 0777)) return -1;
    for (int i = 0; i < 16; i++) {
        snprintf(a, sizeof a, "%s/%s", hl_fuzz_spec_src, hl_fuzz_spec_files[i]);
        snprintf(b, sizeof b, "%s/layers/%s", dir, hl_fuzz_spec_files[i]);
        if (hl_fuzz_copy(a, b)) return -1;
    }
    snprintf(hl_fuzz_spec_copy, sizeof hl_fuzz_spec_copy, "%s/layers", dir);
    return 0;
}

/* Put every file of the copy back (after a child that replaced one was
 * killed before it could). */
static inline void hl_fuzz_spec_restore_all(void) {
    char a[2048], b[2048];
    if (!hl_fuzz_spec_copy[0]) return;
    for (int i = 0; i < 16; i++) {
        snprintf(a, sizeof a, "%s/%s", hl_fuzz_spec_src, hl_fuzz_spec_files[i]);
        snprintf(b, sizeof b, "%s/%s", hl_fuzz_spec_copy, hl_fuzz_spec_files[i]);
        hl_fuzz_copy(a, b);
    }
}

/* Ask the loaded set the questions the readers ask. */
static inline void hl_fuzz_spec_use_set(const hl_spec_set *set) {
    static const char *const names[] = {"ZRCDM", "ZRCMC", "RK", "DLDJ", "名称", "NAME", "id"};
    hl_road_class_info rci;
    hl_surface_info si;
    hl_osm_highway_info oh;
    hl_role_guess g;
    double kmh;
    for (size_t i = 0; i < hl_spec_role_count(set); i++) {
        const hl_role_spec *rs = hl_spec_role_at(set, i);
        HL_FUZZ_CHECK(rs != NULL);
        HL_FUZZ_CHECK(hl_spec_role(set, hl_role_spec_name(rs)) != NULL);
        (void)hl_role_spec_title(rs, "zh");
        (void)hl_role_spec_geom(rs);
        for (size_t j = 0; j < hl_role_spec_field_count(rs); j++) {
            const hl_field_spec *f = hl_role_spec_field_at(rs, j);
            const char *canon = NULL;
            size_t idx, rank;
            HL_FUZZ_CHECK(f && f->name);
            (void)hl_spec_field_find(f, names, sizeof names / sizeof names[0], &idx);
            (void)hl_spec_field_value(f, "三级", &canon, &rank);
        }
    }
    (void)hl_spec_road_class(set, "县道", &rci);
    (void)hl_spec_road_class(set, "X123", &rci);
    (void)hl_spec_surface(set, "水泥混凝土路面", &si);
    (void)hl_spec_parse_oneway(set, "单向", NULL);
    (void)hl_spec_road_direction(set, NULL, "roundabout");
    (void)hl_spec_parse_maxspeed(set, "RU:rural", &kmh);
    (void)hl_spec_osm_highway(set, "residential", &oh);
    (void)hl_spec_osm_tag(set, "roads", "class");
    for (size_t k = 0; k < hl_spec_kind_count(set); k++) HL_FUZZ_CHECK(hl_spec_kind_at(set, k)->name != NULL);
    (void)hl_spec_guess_kind(set, "卫生室 clinic");
    HL_FUZZ_CHECK(hl_specs_guess_role(set, "村庄 roads", HL_GEOM_UNKNOWN, names, 7, &g) == HL_OK);
}

static inline void hl_fuzz_spec_use_std(hl_standard *std) {
    (void)hl_standard_lineage(std);
    for (size_t i = 0; i < hl_standard_param_count(std); i++) {
        const hl_std_param *p = hl_standard_param_at(std, i);
        HL_FUZZ_CHECK(p && p->key && p->text);
        HL_FUZZ_CHECK(hl_standard_param(std, p->key) != NULL);
    }
    for (size_t i = 0; i < hl_standard_section_count(std); i++) {
        const hl_std_section *s = hl_standard_section_at(std, i);
        HL_FUZZ_CHECK(s && s->id && s->first_param + s->n_params <= hl_standard_param_count(std));
    }
    (void)hl_standard_override(std, "WAT-01.target", "0.5");
    (void)hl_standard_override(std, "WAT-01.target", "1.5");
}

static inline int hl_fuzz_spec(const uint8_t *data, size_t size) {
    char path[2048], orig[2048];
    unsigned sel;
    hl_ctx *ctx;
    hl_status rc;
    if (size < 1 || hl_fuzz_spec_setup()) return 0;
    sel = data[0] % 16u;
    snprintf(path, sizeof path, "%s/%s", hl_fuzz_spec_copy, hl_fuzz_spec_files[sel]);
    snprintf(orig, sizeof orig, "%s/%s", hl_fuzz_spec_src, hl_fuzz_spec_files[sel]);
    if (hl_fuzz_write(path, data + 1, size - 1)) return 0;
    ctx = hl_ctx_create();
    if (!ctx) goto restore;
    if (sel >= 12 && sel <= 14) {
        static const char *const stds[] = {"national", "shanxi", "qinshui"};
        hl_standard *std = NULL;
        rc = hl_standard_load(ctx, hl_fuzz_spec_copy, stds[sel - 12], &std);
        if (rc) {
            HL_FUZZ_CHECK(std == NULL);
            hl_fuzz_check_error(ctx, rc);
        } else {
            HL_FUZZ_CHECK(std != NULL);
            hl_fuzz_spec_use_std(std);
        }
        hl_standard_destroy(std);
    } else {
        hl_spec_set *set = NULL;
        rc = hl_spec_set_load(ctx, hl_fuzz_spec_copy, &set);
        if (rc) {
            HL_FUZZ_CHECK(set == NULL);
            hl_fuzz_check_error(ctx, rc);
        } else {
            HL_FUZZ_CHECK(set != NULL);
            hl_fuzz_spec_use_set(set);
        }
        hl_spec_set_destroy(set);
    }
    hl_ctx_destroy(ctx);
restore:
    hl_fuzz_copy(orig, path);
    return 0;
}

#endif
