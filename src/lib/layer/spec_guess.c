/* Role guessing: which role (county, townships, villages, natural_villages,
 * roads, facilities, ...) a layer most likely plays, with a score, a short
 * reason and advice for the plan.  The base score comes from the `guess:`
 * keywords and fields of the role files (layers/roles/<role>.yaml); structural and
 * content cues, which the YAML cannot express, come on top: administrative code
 * lengths (6/9/12 digits with a valid province prefix), name endings (县/区,
 * 乡/镇/街道, 村/居委会, " County"), AMap `level`, the OSM driver's fixed layers
 * (points, lines, multipolygons, ...), geometry mixes and population columns.
 * Pure functions of their input: nothing is read, printed or allocated. */
#include "layer/spec_guess_int.h"
#include "layer/spec_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* kinds                                                                */

/* The longest of `words` contained in `name` (0 if none). */
static size_t longest_hit(const char *name, const char *const *words, size_t n) {
    size_t j, best = 0;
    for (j = 0; j < n; j++) {
        size_t l = strlen(words[j]);
        if (l > best && hl__name_contains(name, words[j])) best = l;
    }
    return best;
}

static const hl_facility_kind *guess_kind(const hl_spec_set *set, const char *name, size_t *len_out) {
    const hl_facility_kind *best = NULL;
    size_t i, best_len = 0, n = hl_spec_kind_count(set);
    if (name) {
        for (i = 0; i < n; i++) {
            const hl_facility_kind *k = hl_spec_kind_at(set, i);
            size_t l = longest_hit(name, k->aliases, k->n_aliases);
            if (l > best_len) {
                best_len = l;
                best = k;
            }
        }
    }
    *len_out = best_len;
    return best;
}

const hl_facility_kind *hl_spec_guess_kind(const hl_spec_set *set, const char *layer_name) {
    size_t len;
    if (!set) return NULL;
    return guess_kind(set, layer_name, &len);
}

/* The kind whose OSM tags include key=value ("amenity", "townhall"), or NULL. */
static const hl_facility_kind *kind_by_tag(const hl_spec_set *set, const char *key, const char *value) {
    size_t i, j, n = hl_spec_kind_count(set), kl = strlen(key);
    for (i = 0; i < n; i++) {
        const hl_facility_kind *k = hl_spec_kind_at(set, i);
        for (j = 0; j < k->n_osm_tags; j++) {
            const char *t = k->osm_tags[j];
            if (strncmp(t, key, kl) == 0 && t[kl] == '=' && strcmp(t + kl + 1, value) == 0) return k;
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* small text helpers                                                   */

/* Append printf text to a fixed buffer, "; "-separated. */
static void addf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void addf(char *buf, size_t size, const char *fmt, ...) {
    size_t len = strlen(buf);
    va_list ap;
    if (len + 3 >= size) return;
    if (len) {
        memcpy(buf + len, "; ", 3);
        len += 2;
    }
    va_start(ap, fmt);
    vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
}

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static bool ends_with_ci(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix), i;
    if (n < m) return false;
    for (i = 0; i < m; i++)
        if (tolower((unsigned char)s[n - m + i]) != tolower((unsigned char)suffix[i])) return false;
    return true;
}

static bool all_digits(const char *s, size_t *len_out) {
    size_t n = 0;
    for (; s[n]; n++)
        if (s[n] < '0' || s[n] > '9') return false;
    *len_out = n;
    return n > 0;
}

/* ------------------------------------------------------------------ */
/* administrative levels                                                */

typedef enum level {
    LV_NONE = 0,
    LV_COUNTRY,
    LV_PROVINCE,
    LV_CITY,
    LV_COUNTY,
    LV_TOWNSHIP,
    LV_VILLAGE
} level;

static const char *level_word(level lv) {
    static const char *const w[] = {"", "country", "province", "prefecture", "county", "township", "village"};
    return w[lv];
}

/* The 2-digit province codes of GB/T 2260 (11 Beijing ... 82 Macao). */
static bool cn_province_prefix(const char *s) {
    static const int ok[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42,
                             43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82};
    int p = (s[0] - '0') * 10 + (s[1] - '0');
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (ok[i] == p) return true;
    return false;
}

/* The level of a Chinese division code (NBS 统计用区划代码 / GB/T 2260): 2
 * digits province, 4 prefecture, 6 county (xx0000 province, xxxx00
 * prefecture), 9 township, 12 village (…000 township).  LV_NONE otherwise. */
static level code_level(const char *s, int *digits) {
    size_t n;
    if (!all_digits(s, &n) || n < 2 || !cn_province_prefix(s)) return LV_NONE;
    *digits = (int)n;
    switch (n) {
    case 2: return LV_PROVINCE;
    case 4: return ends_with(s, "00") ? LV_PROVINCE : LV_CITY;
    case 6: return ends_with(s, "0000") ? LV_PROVINCE : ends_with(s, "00") ? LV_CITY : LV_COUNTY;
    case 9: return LV_TOWNSHIP;
    case 12: return ends_with(s, "000000") ? LV_COUNTY : ends_with(s, "000") ? LV_TOWNSHIP : LV_VILLAGE;
    default: return LV_NONE;
    }
}

/* The level a place name's ending says: 县/区/旗 county, 乡/镇/街道 township,
 * 村/居委会/社区 village; English " County" / " Parish" county.  市 is left
 * out (县级市 and 地级市 end alike). */
static level name_level(const char *s) {
    static const char *const village[] = {"村", "居委会", "村委会", "居民委员会", "村民委员会", "社区", "嘎查", "里", NULL};
    static const char *const township[] = {"乡", "镇", "街道", "街道办事处", "苏木", "鄉", "鎮", NULL};
    static const char *const county[] = {"县", "区", "旗", "縣", "區", "自治县", NULL};
    static const char *const county_en[] = {" county", " parish", NULL};
    static const char *const township_en[] = {" township", NULL};
    size_t i;
    for (i = 0; village[i]; i++)
        if (ends_with(s, village[i])) return LV_VILLAGE;
    for (i = 0; township[i]; i++)
        if (ends_with(s, township[i])) return LV_TOWNSHIP;
    for (i = 0; county[i]; i++)
        if (ends_with(s, county[i])) return LV_COUNTY;
    for (i = 0; county_en[i]; i++)
        if (ends_with_ci(s, county_en[i])) return LV_COUNTY;
    for (i = 0; township_en[i]; i++)
        if (ends_with_ci(s, township_en[i])) return LV_TOWNSHIP;
    return LV_NONE;
}

/* AMap / Tencent district `level` values. */
static level amap_level(const char *s) {
    if (hl__name_eq(s, "district") || hl__name_eq(s, "county")) return LV_COUNTY;
    if (hl__name_eq(s, "street") || hl__name_eq(s, "township")) return LV_TOWNSHIP;
    if (hl__name_eq(s, "city")) return LV_CITY;
    if (hl__name_eq(s, "province")) return LV_PROVINCE;
    if (hl__name_eq(s, "country")) return LV_COUNTRY;
    if (hl__name_eq(s, "village")) return LV_VILLAGE;
    return LV_NONE;
}

/* The level most samples of `f` have by `fn` (at least 60% of them agree),
 * LV_NONE otherwise. */
static level modal_level(const hl_guess_field *f, level (*fn)(const char *)) {
    size_t counts[LV_VILLAGE + 1] = {0}, i, best = 0;
    level lv = LV_NONE;
    if (!f->samples || f->n_samples == 0) return LV_NONE;
    for (i = 0; i < f->n_samples; i++)
        if (f->samples[i]) counts[fn(f->samples[i])]++;
    for (i = 1; i <= LV_VILLAGE; i++)
        if (counts[i] > best) best = counts[i], lv = (level)i;
    return best * 10 >= f->n_samples * 6 ? lv : LV_NONE;
}

/* ------------------------------------------------------------------ */
/* what a layer shows                                                   */

enum { FAM_ADMIN, FAM_PLACE, FAM_HIGHWAY, FAM_POWER, FAM_RAILWAY, FAM_WATERWAY, FAM_BUILDING, FAM_LANDUSE,
       FAM_AMENITY, FAM_N };

typedef struct cues {
    const hl_guess_input *in;
    char text[1024];      /* layer name + " " + dataset name */
    bool osm;             /* the OSM driver's layers (or their field set) */
    bool has_pt, has_ln, has_pg; /* geometry kinds present (from the kind or the counts) */
    /* administrative level from code samples */
    level code_lv;
    const char *code_field;
    int code_digits;
    bool code_seen[LV_VILLAGE + 1]; /* levels of all code fields (own and parents) */
    /* from name values, the AMap level field, field names */
    level name_lv;
    const char *name_field;
    level amap_lv;
    level fieldname_lv;      /* the finest level whose role fields the layer has */
    int fieldname_levels;    /* how many levels have role fields */
    char fieldname_list[96];
    /* long all-digit codes (census tracts: 13+ digits) */
    const char *tract_field;
    int tract_digits;
    const char *pop_field;
    const char *place_field;
    int64_t fam[FAM_N];   /* features with a tag of each family, -1 = field absent */
} cues;

static const hl_guess_field *field(const hl_guess_input *in, const char *name) {
    for (size_t i = 0; i < in->n_fields; i++)
        if (in->fields[i].name && hl__name_eq(in->fields[i].name, name)) return &in->fields[i];
    return NULL;
}

/* Fields that hold identifiers or numbers that are not division codes. */
static bool not_a_code_field(const char *n) {
    static const char *const bad[] = {"osm", "@id", "uid", "changeset", "version", "timestamp", "wikidata",
                                      "pop", "phone", "post", "zip", "ref", "area", "shape", "len", "人口",
                                      "户", "count", "num", "sid", "bir", NULL};
    char low[128];
    size_t i;
    for (i = 0; n[i] && i + 1 < sizeof low; i++) low[i] = (char)tolower((unsigned char)n[i]);
    low[i] = '\0';
    for (i = 0; bad[i]; i++)
        if (strstr(low, bad[i])) return true;
    return false;
}

/* Fields whose name says they hold a code: *code, *DM, *BM, id, adcode, 代码,
 * 编码, 区划 (a column of 6-digit figures is not a code by itself). */
static bool is_code_name(const char *n) {
    static const char *const exact[] = {"id", "adcode", "gb", "pac", "xzqdm", "xzqhdm", NULL};
    static const char *const parts[] = {"代码", "编码", "区划", "编号", NULL};
    size_t i;
    for (i = 0; exact[i]; i++)
        if (hl__name_eq(n, exact[i])) return true;
    for (i = 0; parts[i]; i++)
        if (strstr(n, parts[i])) return true;
    return ends_with_ci(n, "code") || ends_with(n, "DM") || ends_with(n, "BM") || ends_with_ci(n, "id");
}

static bool is_name_field(const char *n) {
    static const char *const exact[] = {"name", "名称", "名字", "地名", "NAME_ZH", "name:zh", "VILLAGENAM", NULL};
    size_t len = strlen(n), i;
    for (i = 0; exact[i]; i++)
        if (hl__name_eq(n, exact[i])) return true;
    if (len >= 2 && (ends_with(n, "MC") || ends_with_ci(n, "name") || ends_with(n, "名称") || ends_with(n, "名")))
        return true;
    return strncmp(n, "NM_", 3) == 0;
}

static bool is_pop_field(const char *n) {
    static const char *const names[] = {"population", "pop", "popu", "pop_total", "total_pop", "人口", "总人口",
                                        "户籍人口", "常住人口", "RK", "ZRK", "HJRK", "CZRK", NULL};
    for (size_t i = 0; names[i]; i++)
        if (hl__name_eq(n, names[i])) return true;
    return false;
}

/* The finest of the county/townships/villages roles whose guess fields the
 * layer has ("TOWNNAME" townships, "VILLAGENAM" villages). */
static void fieldname_level(const hl_spec_set *set, cues *c) {
    static const char *const roles[] = {"villages", "townships", "county"};
    static const level lv[] = {LV_VILLAGE, LV_TOWNSHIP, LV_COUNTY};
    const hl_guess_input *in = c->in;
    for (size_t r = 0; r < 3 && c->fieldname_lv == LV_NONE; r++) {
        const hl_role_spec *rs = hl_spec_role(set, roles[r]);
        const char *const *kw, *const *gf;
        size_t nk, ng, hits = 0;
        if (!rs) continue;
        hl__role_spec_guess_words(rs, &kw, &nk, &gf, &ng);
        for (size_t j = 0; j < ng; j++) {
            const hl_guess_field *f = field(in, gf[j]);
            if (!f) continue;
            if (hits++ < 3) {
                size_t l = strlen(c->fieldname_list);
                snprintf(c->fieldname_list + l, sizeof c->fieldname_list - l, "%s%s", l ? ", " : "", f->name);
            }
        }
        if (hits >= 1) c->fieldname_lv = lv[r];
    }
    /* how many levels have fields (TOWNNAME and VILLAGENAM: the finest decides) */
    for (size_t r = 0; r < 3; r++) {
        const hl_role_spec *rs = hl_spec_role(set, roles[r]);
        const char *const *kw, *const *gf;
        size_t nk, ng;
        if (!rs) continue;
        hl__role_spec_guess_words(rs, &kw, &nk, &gf, &ng);
        for (size_t j = 0; j < ng; j++)
            if (field(in, gf[j])) {
                c->fieldname_levels++;
                break;
            }
    }
}

static void read_cues(const hl_spec_set *set, const hl_guess_input *in, cues *c) {
    static const char *const fam_tags[FAM_N][3] = {
        {"admin_level", "boundary", NULL}, {"place", NULL, NULL},    {"highway", NULL, NULL},
        {"power", NULL, NULL},             {"railway", NULL, NULL},  {"waterway", NULL, NULL},
        {"building", NULL, NULL},          {"landuse", NULL, NULL},  {"amenity", "shop", NULL}};
    memset(c, 0, sizeof *c);
    c->in = in;
    snprintf(c->text, sizeof c->text, "%s %s", in->layer_name ? in->layer_name : "",
             in->dataset_name ? in->dataset_name : "");
    c->osm = (in->driver && strcmp(in->driver, "OSM") == 0) || (field(in, "osm_id") && field(in, "other_tags"));
    c->has_pt = in->geom == HL_GEOM_POINT || in->geom_counts[0] > 0;
    c->has_ln = in->geom == HL_GEOM_LINE || in->geom_counts[1] > 0;
    c->has_pg = in->geom == HL_GEOM_POLYGON || in->geom_counts[2] > 0;
    if (in->geom == HL_GEOM_UNKNOWN && !in->geom_counts[0] && !in->geom_counts[1] && !in->geom_counts[2])
        c->has_pt = c->has_ln = c->has_pg = true; /* not scanned: anything goes */
    for (size_t i = 0; i < in->n_fields; i++) {
        const hl_guess_field *f = &in->fields[i];
        level lv;
        if (!f->name) continue;
        if (!c->pop_field && is_pop_field(f->name)) c->pop_field = f->name;
        if (!c->place_field && hl__name_eq(f->name, "place")) c->place_field = f->name;
        if (!c->tract_field && f->n_samples > 0 && !not_a_code_field(f->name)) {
            size_t n, ok = 0, len = 0;
            for (size_t k = 0; k < f->n_samples; k++)
                if (f->samples[k] && all_digits(f->samples[k], &n) && n >= 13 && n <= 20) ok++, len = n;
            if (ok * 10 >= f->n_samples * 8) c->tract_field = f->name, c->tract_digits = (int)len;
        }
        if (f->n_samples > 0 && !not_a_code_field(f->name) && is_code_name(f->name)) {
            int digits = 0;
            size_t counts[LV_VILLAGE + 1] = {0}, best = 0;
            level flv = LV_NONE;
            size_t same_len = 0, first_len = f->samples[0] ? strlen(f->samples[0]) : 0;
            for (size_t k = 0; k < f->n_samples; k++) {
                int d = 0;
                if (f->samples[k]) counts[code_level(f->samples[k], &d)]++;
                if (d) digits = d;
                if (f->samples[k] && strlen(f->samples[k]) == first_len) same_len++;
            }
            /* codes of one column have one length */
            if (same_len * 10 < f->n_samples * 8) memset(counts, 0, sizeof counts);
            for (int l = 1; l <= LV_VILLAGE; l++)
                if (counts[l] > best) best = counts[l], flv = (level)l;
            if (flv != LV_NONE && best * 10 >= f->n_samples * 6) {
                c->code_seen[flv] = true;
                if (flv > c->code_lv) c->code_lv = flv, c->code_field = f->name, c->code_digits = digits;
            }
        }
        if (is_name_field(f->name) && (lv = modal_level(f, name_level)) > c->name_lv) {
            c->name_lv = lv;
            c->name_field = f->name;
        }
        if (hl__name_eq(f->name, "level") && (lv = modal_level(f, amap_level)) != LV_NONE) c->amap_lv = lv;
    }
    fieldname_level(set, c);
    for (int k = 0; k < FAM_N; k++) {
        c->fam[k] = -1;
        for (int t = 0; t < 3 && fam_tags[k][t]; t++) {
            const hl_guess_field *f = field(in, fam_tags[k][t]);
            if (f && f->n_nonempty > c->fam[k]) c->fam[k] = f->n_nonempty;
            else if (f && c->fam[k] < 0) c->fam[k] = 0;
        }
    }
}

/* ------------------------------------------------------------------ */
/* candidates                                                           */

typedef struct cand {
    char role[40];
    char kind[40];
    double score;
    size_t name_len; /* length of the name keyword that matched (ties) */
    char reason[160];
    char note[320];
} cand;

static void put(hl_role_guess *out, const cand *c) {
    snprintf(out->role, sizeof out->role, "%s", c->role);
    snprintf(out->kind, sizeof out->kind, "%s", c->kind);
    out->score = c->score > 1.0 ? 1.0 : c->score;
    snprintf(out->reason, sizeof out->reason, "%s", c->reason);
    snprintf(out->note, sizeof out->note, "%s", c->note);
}

static const char *geom_word(const cues *c) {
    if (c->in->geom == HL_GEOM_POINT) return "points";
    if (c->in->geom == HL_GEOM_LINE) return "lines";
    if (c->in->geom == HL_GEOM_POLYGON) return "polygons";
    if (c->has_pg && c->has_pt && !c->has_ln) return "points and polygons";
    return "geometry unknown";
}

/* The keyword of `role` found in the layer text (0 if none). */
static size_t role_keyword(const hl_spec_set *set, const cues *c, const char *role) {
    const hl_role_spec *rs = hl_spec_role(set, role);
    const char *const *kw, *const *gf;
    size_t nk, ng;
    if (!rs) return 0;
    hl__role_spec_guess_words(rs, &kw, &nk, &gf, &ng);
    return longest_hit(c->text, kw, nk);
}

/* The OSM driver's fixed layers decide by themselves. */
static bool osm_layer(const cues *c, hl_role_guess *out) {
    const char *ln = c->in->layer_name ? c->in->layer_name : "";
    cand k;
    memset(&k, 0, sizeof k);
    if (!c->osm) return false;
    if (strcmp(ln, "lines") == 0 && field(c->in, "highway")) {
        snprintf(k.role, sizeof k.role, "roads");
        k.score = 0.95;
        snprintf(k.reason, sizeof k.reason, "OSM lines; field highway (decisive)");
        snprintf(k.note, sizeof k.note,
                 "also holds waterways, railways and power lines: the network keeps highway=* only");
    } else if (strcmp(ln, "points") == 0) {
        snprintf(k.role, sizeof k.role, "facilities");
        k.score = 0.7;
        snprintf(k.reason, sizeof k.reason, "OSM points; amenity/shop tags in other_tags, field place");
        snprintf(k.note, sizeof k.note,
                 "mixed kinds: use where: to split (the kind of each feature comes from its amenity/shop "
                 "tags); place=village/hamlet points are natural_villages (where: place IN ('village','hamlet'))");
    } else if (strcmp(ln, "multipolygons") == 0) {
        snprintf(k.role, sizeof k.role, "industry_bases");
        k.score = 0.6;
        snprintf(k.reason, sizeof k.reason, "OSM multipolygons; field landuse");
        snprintf(k.note, sizeof k.note,
                 "mixed: landuse=industrial is industry_bases (where: landuse='industrial'), "
                 "landuse=farmland/farmyard is agricultural_bases (where: landuse IN ('farmland','farmyard')); "
                 "buildings, parks and admin areas are in the same layer");
    } else if (strcmp(ln, "multilinestrings") == 0) {
        snprintf(k.reason, sizeof k.reason, "OSM route relations (bus, hiking routes): no role");
    } else if (strcmp(ln, "other_relations") == 0) {
        snprintf(k.reason, sizeof k.reason, "OSM relations that are not routes or areas: no role");
    } else {
        return false;
    }
    put(out, &k);
    return true;
}

static const char *level_table_note(level lv) {
    switch (lv) {
    case LV_PROVINCE: return "province level (2-digit codes), above the county: names for labels only";
    case LV_CITY: return "prefecture (city) level (4-digit codes), above the county: names for labels only";
    case LV_COUNTY: return "county level (6-digit codes): county codes and names";
    case LV_TOWNSHIP: return "township level (9-digit codes): township codes and names with their county";
    case LV_VILLAGE: return "village level (12-digit codes): village codes and names with their township";
    default: return "";
    }
}

/* Tables without geometry: division lookups, figures by code, or nothing. */
static void table_guess(const cues *c, hl_role_guess *out) {
    const hl_guess_input *in = c->in;
    size_t data = 0, i;
    char data_names[96] = "";
    cand k;
    memset(&k, 0, sizeof k);
    if (c->code_lv == LV_NONE) {
        snprintf(k.reason, sizeof k.reason, "table without geometry and without division codes: no role");
        put(out, &k);
        return;
    }
    for (i = 0; i < in->n_fields; i++) {
        const char *n = in->fields[i].name;
        size_t len = n ? strlen(n) : 0;
        if (!n || is_name_field(n) || ends_with_ci(n, "code") || ends_with(n, "DM") || hl__name_eq(n, "id") ||
            hl__name_eq(n, c->code_field))
            continue;
        if (data++ < 3) {
            size_t l = strlen(data_names);
            snprintf(data_names + l, sizeof data_names - l, "%s%s", l ? ", " : "", n);
        }
        (void)len;
    }
    if (data == 0) {
        snprintf(k.role, sizeof k.role, "divisions");
        k.score = 0.9;
        snprintf(k.reason, sizeof k.reason, "table; field %s: %d-digit division codes; names, parent codes",
                 c->code_field, c->code_digits);
        snprintf(k.note, sizeof k.note,
                 "division table (not a layer): %s; a lookup joinable by code to the county/township/village "
                 "layers",
                 level_table_note(c->code_lv));
    } else {
        bool census = false;
        for (i = 0; i < in->n_fields; i++) {
            const char *n = in->fields[i].name;
            if (n && (strncmp(n, "POP", 3) == 0 || strncmp(n, "HHLD", 4) == 0 || is_pop_field(n))) census = true;
        }
        snprintf(k.role, sizeof k.role, "attributes");
        k.score = 0.8;
        snprintf(k.reason, sizeof k.reason, "table; field %s: %d-digit codes; figures %s", c->code_field,
                 c->code_digits, data_names);
        snprintf(k.note, sizeof k.note, "%s by %s code (%s): join to the %s layer by code", census ? "census figures" : "figures",
                 level_word(c->code_lv), c->code_field,
                 c->code_lv == LV_TOWNSHIP ? "townships" : c->code_lv == LV_VILLAGE ? "villages" : "county");
    }
    put(out, &k);
}

/* One layer holding points, lines and polygons of different things. */
static bool mixed_layer(const cues *c, hl_role_guess *out) {
    static const char *const fam_name[FAM_N] = {"admin boundaries (admin_level/boundary)", "places (place)",
                                                "roads (highway)", "power (power)", "railways (railway)",
                                                "waterways (waterway)", "buildings (building)",
                                                "land use (landuse)", "facilities (amenity/shop)"};
    const hl_guess_input *in = c->in;
    int kinds = (in->geom_counts[0] > 0) + (in->geom_counts[1] > 0) + (in->geom_counts[2] > 0), fams = 0;
    cand k;
    if (kinds < 3) return false;
    memset(&k, 0, sizeof k);
    for (int f = 0; f < FAM_N; f++)
        if (c->fam[f] > 0) {
            if (fams++ == 0) snprintf(k.note, sizeof k.note, "mixed layer, parts: ");
            else strncat(k.note, ", ", sizeof k.note - strlen(k.note) - 1);
            size_t l = strlen(k.note);
            snprintf(k.note + l, sizeof k.note - l, "%s %lld", fam_name[f], (long long)c->fam[f]);
        }
    if (fams < 2) return false;
    snprintf(k.role, sizeof k.role, "mixed");
    k.score = 0.8;
    snprintf(k.reason, sizeof k.reason, "%lld points, %lld lines, %lld polygons with %d kinds of tags",
             (long long)in->geom_counts[0], (long long)in->geom_counts[1], (long long)in->geom_counts[2], fams);
    {
        size_t l = strlen(k.note);
        snprintf(k.note + l, sizeof k.note - l, "; split it with where: (one entry per role)");
    }
    put(out, &k);
    return true;
}

/* Polygons of administrative units: which level? */
static void admin_cand(const hl_spec_set *set, const cues *c, cand *best) {
    static const char *const admin_words[] = {"admin", "administrative", "boundary", "boundaries", "行政区",
                                              "行政区划", "行政界线", "边界", "界线", "xzq", "xzqh"};
    static const char *const role_of[] = {[LV_COUNTY] = "county", [LV_TOWNSHIP] = "townships",
                                          [LV_VILLAGE] = "villages"};
    const hl_guess_input *in = c->in;
    level lv = LV_NONE;
    double score = 0;
    char reason[160] = "";
    int agree = 0;
    const hl_guess_field *fips;
    size_t fips_len = 0;
    cand k;
    if (!c->has_pg || (c->has_ln && !c->has_pt && in->geom != HL_GEOM_POLYGON)) return;
    addf(reason, sizeof reason, "%s", geom_word(c));
    /* strongest first: codes, field names, AMap level, name endings */
    if (c->code_lv >= LV_COUNTY) {
        lv = c->code_lv, score = 0.85;
        addf(reason, sizeof reason, "field %s; %d-digit codes", c->code_field, c->code_digits);
    } else if (c->fieldname_lv != LV_NONE && c->fieldname_levels >= 2) {
        /* fields of one level alone are the base score's business; with
         * fields of several levels (COUNTYNAME, TOWNNAME, VILLAGENAM) the
         * finest is the layer's own */
        lv = c->fieldname_lv, score = 0.75;
        addf(reason, sizeof reason, "fields %s", c->fieldname_list);
    } else if (c->amap_lv >= LV_COUNTY) {
        lv = c->amap_lv, score = 0.8;
        addf(reason, sizeof reason, "level=%s", c->amap_lv == LV_COUNTY ? "district" : "street");
    } else if (c->name_lv != LV_NONE) {
        lv = c->name_lv, score = 0.75;
        addf(reason, sizeof reason, "%s values are %s names", c->name_field, level_word(c->name_lv));
    } else if (field(in, "cp") && field(in, "childNum")) {
        lv = LV_COUNTY, score = 0.7;
        addf(reason, sizeof reason, "echarts city map (fields cp, childNum): its parts are counties");
    } else if (field(in, "adcode") && (field(in, "ctadcode") || field(in, "ctname"))) {
        lv = LV_COUNTY, score = 0.7;
        addf(reason, sizeof reason, "AMap district fields (adcode; parent city ctadcode): counties");
    } else if ((fips = field(in, "FIPS")) != NULL && fips->n_samples > 0 && all_digits(fips->samples[0], &fips_len) &&
               fips_len == 5) {
        lv = LV_COUNTY, score = 0.7;
        addf(reason, sizeof reason, "field FIPS: 5-digit county codes");
    } else if (c->tract_field) {
        lv = LV_VILLAGE, score = 0.65;
        addf(reason, sizeof reason, "field %s: %d-digit census-tract codes, the finest unit", c->tract_field,
             c->tract_digits);
        if (c->pop_field) addf(reason, sizeof reason, "population %s", c->pop_field);
    } else if (c->code_lv == LV_PROVINCE || c->code_lv == LV_CITY || c->amap_lv == LV_PROVINCE ||
               c->amap_lv == LV_CITY) {
        /* above the county: no role, whatever the name says */
        memset(best, 0, sizeof *best);
        snprintf(best->reason, sizeof best->reason, "%s-level polygons (field %s): above the county, no role",
                 level_word(c->code_lv ? c->code_lv : c->amap_lv), c->code_field ? c->code_field : "level");
        best->score = -1; /* nothing may replace the veto below */
        return;
    } else {
        size_t i;
        for (i = 0; i < sizeof admin_words / sizeof admin_words[0]; i++)
            if (hl__name_contains(c->text, admin_words[i])) break;
        if (i == sizeof admin_words / sizeof admin_words[0]) return;
        if (c->fam[FAM_ADMIN] < 0 && !field(in, "admin_level")) return;
        lv = LV_COUNTY, score = 0.6;
        addf(reason, sizeof reason, "name '%s'; admin_level/boundary fields", admin_words[i]);
    }
    /* agreeing cues */
    if (c->fieldname_lv == lv && score != 0.75) agree++;
    if (c->amap_lv == lv && !strstr(reason, "level=")) agree++, addf(reason, sizeof reason, "level=%s",
                                                                    lv == LV_COUNTY ? "district" : "street");
    if (c->name_lv == lv && !strstr(reason, "names")) agree++, addf(reason, sizeof reason, "%s names", level_word(lv));
    if (lv == LV_VILLAGE && c->tract_field && !strstr(reason, "census-tract"))
        addf(reason, sizeof reason, "%d-digit census-tract codes", c->tract_digits);
    if (lv == LV_VILLAGE && c->tract_field && c->pop_field && !strstr(reason, "population"))
        addf(reason, sizeof reason, "population %s", c->pop_field);
    score += 0.04 * agree;
    memset(&k, 0, sizeof k);
    snprintf(k.role, sizeof k.role, "%s", role_of[lv]);
    k.name_len = role_keyword(set, c, k.role);
    if (k.name_len) score += 0.1, addf(reason, sizeof reason, "name keyword");
    k.score = score > 0.98 ? 0.98 : score;
    snprintf(k.reason, sizeof k.reason, "%s", reason);
    if (lv == LV_VILLAGE && c->tract_field)
        snprintf(k.note, sizeof k.note,
                 "census tracts: the finest polygon unit, used as villages; name the population column in the "
                 "plan (fields: population: ...)");
    if (k.score > best->score) *best = k;
}

/* The county note: how many counties, and what to do with stray points. */
static void county_note(const hl_guess_input *in, cand *k) {
    int64_t npg = in->geom_counts[2] > 0 ? in->geom_counts[2] : in->feature_count;
    if (npg > 1)
        snprintf(k->note, sizeof k->note,
                 "%lld county polygons: a multi-county study area (the county role is the study's outer "
                 "boundary; pick one county with where: for a single-county plan)",
                 (long long)npg);
    else if (npg == 1)
        snprintf(k->note, sizeof k->note, "one county polygon: the study's outer boundary");
    if (in->geom_counts[0] > 0 && in->geom_counts[2] > 0) {
        size_t l = strlen(k->note);
        snprintf(k->note + l, sizeof k->note - l, "%s%lld of the features are points: keep the polygons",
                 l ? "; " : "", (long long)in->geom_counts[0]);
    }
}

/* Points (or mostly points) with a population column: natural villages. */
static void settlement_cand(const hl_spec_set *set, const cues *c, cand *best) {
    const hl_guess_input *in = c->in;
    bool mostly_points = in->geom == HL_GEOM_POINT ||
                         (in->geom == HL_GEOM_UNKNOWN && in->geom_counts[0] > in->geom_counts[1] + in->geom_counts[2]);
    cand k;
    double score;
    if (!mostly_points || !c->pop_field) return;
    memset(&k, 0, sizeof k);
    snprintf(k.role, sizeof k.role, "natural_villages");
    snprintf(k.reason, sizeof k.reason, "%s; field %s", in->geom == HL_GEOM_POINT ? "points" : "mostly points",
             c->pop_field);
    score = 0.75;
    if (c->place_field) score += 0.05, addf(k.reason, sizeof k.reason, "field place");
    k.name_len = role_keyword(set, c, "natural_villages");
    if (k.name_len || hl__name_contains(c->text, "village") || hl__name_contains(c->text, "villages") ||
        hl__name_contains(c->text, "村"))
        score += 0.1, addf(k.reason, sizeof k.reason, "village name");
    if (in->geom != HL_GEOM_POINT)
        snprintf(k.note, sizeof k.note, "%lld of the features are polygons: their centroids stand for the villages",
                 (long long)(in->geom_counts[1] + in->geom_counts[2]));
    k.score = score;
    if (k.score > best->score) *best = k;
}

/* Lines with a highway column: roads. */
static void road_cand(const hl_spec_set *set, const cues *c, cand *best) {
    const hl_guess_field *hw = field(c->in, "highway");
    cand k;
    size_t i, known = 0;
    if (c->in->geom != HL_GEOM_LINE || !hw) return;
    memset(&k, 0, sizeof k);
    snprintf(k.role, sizeof k.role, "roads");
    k.score = 0.9;
    snprintf(k.reason, sizeof k.reason, "lines; field highway (decisive)");
    for (i = 0; i < hw->n_samples; i++) {
        hl_osm_highway_info hi;
        if (hw->samples[i] && hl_spec_osm_highway(set, hw->samples[i], &hi)) known++;
    }
    if (known) k.score = 0.95, addf(k.reason, sizeof k.reason, "OSM highway values");
    k.name_len = role_keyword(set, c, "roads");
    if (k.name_len) k.score += 0.03;
    if (k.score > best->score) *best = k;
}

/* A facility kind from amenity/healthcare/shop values when all samples agree. */
static const hl_facility_kind *kind_from_values(const hl_spec_set *set, const cues *c, const char **tag) {
    static const char *const keys[] = {"amenity", "healthcare", "shop", "social_facility"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const hl_guess_field *f = field(c->in, keys[i]);
        const hl_facility_kind *k = NULL;
        size_t j;
        if (!f || f->n_samples == 0) continue;
        for (j = 0; j < f->n_samples; j++) {
            const hl_facility_kind *kj = f->samples[j] ? kind_by_tag(set, keys[i], f->samples[j]) : NULL;
            if (!kj || (k && kj != k)) break;
            k = kj;
        }
        if (j == f->n_samples && k) {
            *tag = keys[i];
            return k;
        }
    }
    return NULL;
}

hl_status hl_specs_guess_role_ex(const hl_spec_set *set, const hl_guess_input *in, hl_role_guess *out) {
    cues c;
    cand best;
    size_t i, j, n_roles;
    if (!set || !in || !out) return HL_E_ARG;
    memset(out, 0, sizeof *out);
    read_cues(set, in, &c);
    if (osm_layer(&c, out)) return HL_OK;
    if (in->geom == HL_GEOM_NONE) {
        table_guess(&c, out);
        return HL_OK;
    }
    if (mixed_layer(&c, out)) return HL_OK;

    /* base scores from the YAML guess words */
    memset(&best, 0, sizeof best);
    n_roles = hl_spec_role_count(set);
    for (i = 0; i < n_roles; i++) {
        const hl_role_spec *rs = hl_spec_role_at(set, i);
        const hl_facility_kind *kind = NULL;
        const char *const *kw, *const *gf;
        size_t nk, ng, name_len = 0, hits = 0;
        char fields_hit[96] = "";
        double score;
        if (!hl_role_spec_accepts_geom(rs, in->geom)) continue;
        hl__role_spec_guess_words(rs, &kw, &nk, &gf, &ng);
        if (in->layer_name) {
            name_len = longest_hit(c.text, kw, nk);
            if (strcmp(hl_role_spec_name(rs), "facilities") == 0) {
                size_t kl;
                kind = guess_kind(set, c.text, &kl);
                if (kl > name_len) name_len = kl;
            }
        }
        for (j = 0; j < ng; j++) {
            const hl_guess_field *f = field(in, gf[j]);
            if (!f) continue;
            if (hits++ < 3) {
                size_t l = strlen(fields_hit);
                snprintf(fields_hit + l, sizeof fields_hit - l, "%s%s", l ? ", " : "", f->name);
            }
        }
        score = (name_len ? 0.6 : 0.0) + 0.4 * (hits >= 2 ? 1.0 : hits / 2.0);
        if (score > best.score + 1e-12 || (score > best.score - 1e-12 && score > 0 && name_len > best.name_len)) {
            memset(&best, 0, sizeof best);
            snprintf(best.role, sizeof best.role, "%s", hl_role_spec_name(rs));
            if (kind) snprintf(best.kind, sizeof best.kind, "%s", kind->name);
            best.score = score;
            best.name_len = name_len;
            if (name_len) addf(best.reason, sizeof best.reason, "name '%s'", in->layer_name);
            if (hits) addf(best.reason, sizeof best.reason, "field%s %s", hits > 1 ? "s" : "", fields_hit);
        }
    }
    /* facilities: a kind from the values when the name gives none, or agreement */
    if (c.has_pt) {
        const char *tag = NULL;
        const hl_facility_kind *vk = kind_from_values(set, &c, &tag);
        if (vk && strcmp(best.role, "facilities") == 0 && (!best.kind[0] || strcmp(best.kind, vk->name) == 0)) {
            if (!best.kind[0]) snprintf(best.kind, sizeof best.kind, "%s", vk->name);
            best.score += 0.1;
            addf(best.reason, sizeof best.reason, "%s values say %s", tag, vk->name);
        } else if (vk && best.score < 0.7) {
            memset(&best, 0, sizeof best);
            snprintf(best.role, sizeof best.role, "facilities");
            snprintf(best.kind, sizeof best.kind, "%s", vk->name);
            best.score = 0.7;
            snprintf(best.reason, sizeof best.reason, "points; %s values say %s", tag, vk->name);
        }
    }
    /* structural and content cues */
    admin_cand(set, &c, &best);
    if (best.score >= 0) {
        settlement_cand(set, &c, &best);
        road_cand(set, &c, &best);
    }
    if (best.score < 0) {
        snprintf(out->reason, sizeof out->reason, "%s", best.reason);
        return HL_OK;
    }
    if (best.role[0] && best.score > 0) {
        if (strcmp(best.role, "county") == 0 && !best.note[0]) county_note(in, &best);
        if (strcmp(best.role, "facilities") == 0 && !best.kind[0] && !best.note[0])
            snprintf(best.note, sizeof best.note, "no kind recognised: set the kind in the plan, or use where: to split");
        put(out, &best);
    }
    return HL_OK;
}

hl_status hl_specs_guess_role(const hl_spec_set *set, const char *layer_name, hl_geom_kind geom,
                              const char *const *field_names, size_t n_fields, hl_role_guess *out) {
    hl_guess_field fields[256];
    hl_guess_input in;
    hl_status rc;
    size_t i;
    if (!set || !out) return HL_E_ARG;
    memset(out, 0, sizeof *out);
    if (!field_names) n_fields = 0;
    if (n_fields > sizeof fields / sizeof fields[0]) n_fields = sizeof fields / sizeof fields[0];
    memset(&in, 0, sizeof in);
    in.layer_name = layer_name;
    in.geom = geom;
    in.feature_count = -1;
    for (i = 0; i < n_fields; i++) {
        memset(&fields[i], 0, sizeof fields[i]);
        fields[i].name = field_names[i];
        fields[i].n_nonempty = -1;
    }
    in.fields = fields;
    in.n_fields = n_fields;
    /* the layer name may start with the file name ("map.osm points"): the OSM
     * layer names are the last word */
    if (layer_name) {
        const char *sp = strrchr(layer_name, ' ');
        if (sp && in.n_fields > 0 && field(&in, "osm_id") && field(&in, "other_tags")) in.layer_name = sp + 1;
    }
    rc = hl_specs_guess_role_ex(set, &in, out);
    if (rc) return rc;
    /* only answers a plan takes as they are */
    if (!hl_spec_role(set, out->role) || (strcmp(out->role, "facilities") == 0 && !out->kind[0])) {
        char reason[sizeof out->reason];
        snprintf(reason, sizeof reason, "%s", out->reason);
        memset(out, 0, sizeof *out);
        snprintf(out->reason, sizeof out->reason, "%s", reason);
    }
    return HL_OK;
}
