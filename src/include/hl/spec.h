/* hinterland layer specifications and standards presets.
 *
 * The layer specifications (layers/roles/<role>.yaml) say what each input layer
 * is for (villages, roads, facilities, ...), its geometry and its canonical
 * fields with the aliases real data uses (English names, pinyin abbreviations of
 * the national data standards such as XZQDM, Chinese names such as 村名, OSM
 * tags).  roads.yaml also carries the road-class, surface and oneway
 * vocabularies; facilities.yaml the facility kinds; presets/osm.yaml the OSM
 * highway table.  The standards presets (layers/standards/<name>.yaml) hold
 * every indicator threshold as {value, unit, source, confidence}, and a preset
 * may extend another one.
 *
 * Everything here reads data files with libfyaml; nothing prints.  A spec set
 * and a standard are read-only after loading (except hl_standard_override) and
 * may be shared between threads for reading.  Strings and structs handed out by
 * the getters are borrowed: valid until the owning set or standard is
 * destroyed (or, for a standard parameter, until it is overridden). */
#ifndef HL_SPEC_H
#define HL_SPEC_H

#include "hl/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Spec set: all role specifications of a layers directory             */

typedef struct hl_spec_set hl_spec_set;
typedef struct hl_role_spec hl_role_spec;

typedef enum hl_field_type {
    HL_FIELD_STRING = 0,
    HL_FIELD_INTEGER,
    HL_FIELD_REAL,
    HL_FIELD_BOOLEAN
} hl_field_type;

/* One canonical field of a role (read-only, borrowed from the set). */
typedef struct hl_field_spec {
    const char *name;           /* canonical name, e.g. "population" */
    hl_field_type type;
    bool required;
    const char *unit;           /* "" when none */
    const char *default_value;  /* NULL when none */
    const char *description_zh; /* "" when none */
    const char *const *aliases; /* in match order (after the canonical name) */
    size_t n_aliases;
    size_t n_values;            /* entries of the value vocabulary, 0 = free text */
} hl_field_spec;

/* A facility kind (read-only, borrowed from the set). */
typedef struct hl_facility_kind {
    const char *name;           /* "clinic" */
    const char *zh;             /* "村卫生室" */
    const char *const *aliases; /* guessing words, see hl_specs_guess_role */
    size_t n_aliases;
    const char *const *osm_tags; /* "amenity=clinic", ... */
    size_t n_osm_tags;
} hl_facility_kind;

/* The layers directory to use when none is given: $HL_LAYERS_DIR when set and
 * not empty, else the source tree's layers/ (compile-time HL_SOURCE_DIR) when it
 * exists, else the installed share directory (HL_LAYERS_INSTALL_DIR).  Returns a
 * new string the caller frees with hl_free, or NULL when out of memory. */
char *hl_spec_default_dir(hl_ctx *ctx);

/* Load every .yaml file in layers_dir/roles (in file-name order) and
 * layers_dir/presets/osm.yaml (optional).  layers_dir NULL = hl_spec_default_dir.
 * Errors: HL_E_IO when the directory or a file cannot be read; HL_E_PLAN for
 * malformed YAML or an invalid specification, with "file:line: key: problem"
 * in the message; HL_E_NOMEM.  On success *out is a new set the caller destroys
 * with hl_spec_set_destroy; on failure *out is NULL. */
hl_status hl_spec_set_load(hl_ctx *ctx, const char *layers_dir, hl_spec_set **out);
/* Destroy a set; NULL does nothing. */
void hl_spec_set_destroy(hl_spec_set *set);
/* The directory the set was loaded from (borrowed). */
const char *hl_spec_set_dir(const hl_spec_set *set);

/* Roles, in file-name order. */
size_t hl_spec_role_count(const hl_spec_set *set);
const hl_role_spec *hl_spec_role_at(const hl_spec_set *set, size_t i);
/* The role called `role`, or NULL when there is none. */
const hl_role_spec *hl_spec_role(const hl_spec_set *set, const char *role);

const char *hl_role_spec_name(const hl_role_spec *rs);
/* Title in "zh" or "en" (anything else gives "en"). */
const char *hl_role_spec_title(const hl_role_spec *rs, const char *lang);
/* Whether a layer of geometry kind `geom` may play this role (HL_GEOM_UNKNOWN
 * is always accepted). */
bool hl_role_spec_accepts_geom(const hl_role_spec *rs, hl_geom_kind geom);
/* The role's geometry when it names exactly one kind; HL_GEOM_UNKNOWN for
 * "any" or a list (industry_bases: point or polygon). */
hl_geom_kind hl_role_spec_geom(const hl_role_spec *rs);
bool hl_role_spec_required(const hl_role_spec *rs);
size_t hl_role_spec_field_count(const hl_role_spec *rs);
const hl_field_spec *hl_role_spec_field_at(const hl_role_spec *rs, size_t i);
/* The canonical field called `name`, or NULL when the role has none. */
const hl_field_spec *hl_role_spec_field(const hl_role_spec *rs, const char *name);

/* Find a canonical field among a layer's field names.  Candidates are the
 * canonical name, then the aliases in list order; the first candidate that
 * equals some field name wins (and the lowest such index).  Comparison ignores
 * surrounding ASCII whitespace and U+3000, folds ASCII letters to one case and
 * compares everything else (CJK) byte for byte.  Returns true and sets *index_out
 * when found; false when not. */
bool hl_spec_field_find(const hl_field_spec *f, const char *const *names, size_t n_names,
                        size_t *index_out);
/* hl_spec_field_find by role and field name.  HL_E_ARG when the role or the
 * canonical field does not exist; otherwise HL_OK with *found_out telling
 * whether a match was found (and *index_out its index). */
hl_status hl_spec_match_field(hl_ctx *ctx, const hl_spec_set *set, const char *role,
                              const char *field, const char *const *names, size_t n_names,
                              size_t *index_out, bool *found_out);
/* Map a raw value through a field's value vocabulary (e.g. villages.class
 * "集聚提升" -> "agglomeration", roads.grade "三级" -> "grade3").  Returns true
 * and sets *canonical_out (borrowed) and *rank_out (0-based position in the
 * vocabulary; for roads.grade, lower is better) when recognised. */
bool hl_spec_field_value(const hl_field_spec *f, const char *raw, const char **canonical_out,
                         size_t *rank_out);

/* ------------------------------------------------------------------ */
/* Road vocabularies (from roles/roads.yaml and presets/osm.yaml)      */

typedef struct hl_road_class_info {
    const char *name; /* "county"; "unknown" when not recognised (borrowed) */
    const char *zh;   /* "县道" */
    double speed_kmh; /* the class default, [U] planning default */
    bool known;
} hl_road_class_info;

/* Classify a raw administrative road-class value: an alias (国道, 县道, X, 3,
 * county, ...), else a route number (letter G/S/X/Y/C/Z + digits, e.g. X123).
 * Always fills *out (the unknown class when nothing matches); returns out->known. */
bool hl_spec_road_class(const hl_spec_set *set, const char *raw, hl_road_class_info *out);

typedef struct hl_surface_info {
    const char *name;    /* "cement"; "unknown" when not recognised */
    const char *zh;
    bool hardened;       /* counts as 硬化路 by default */
    double speed_factor; /* multiplies the class speed, [U] */
    bool known;
} hl_surface_info;

/* Classify a raw surface value (沥青, 水泥混凝土路面, gravel, ...).  A trailing
 * 路面 is ignored when the full value is not an alias.  Always fills *out;
 * returns out->known. */
bool hl_spec_surface(const hl_spec_set *set, const char *raw, hl_surface_info *out);

/* Parse a oneway value with the documented vocabulary (roads.yaml `oneway`):
 * 1 = along the digitised direction only, -1 = against it only, 0 = two-way.
 * Unrecognised values are two-way; *recognised_out (may be NULL) says whether
 * the value was in the vocabulary.  NULL raw is "", i.e. two-way. */
int hl_spec_parse_oneway(const hl_spec_set *set, const char *raw, bool *recognised_out);
/* The direction of a road by accessibility-semantics.md: a backward oneway value
 * gives -1, a forward one 1; else junction=roundabout (or circular) with no
 * oneway value (NULL or blank) gives 1; else 0. */
int hl_spec_road_direction(const hl_spec_set *set, const char *oneway_raw, const char *junction_raw);

/* Parse an OSM-style maxspeed: "50", "50 km/h", "30 mph", "10 knots",
 * "RU:rural" (zones from presets/osm.yaml; set may be NULL, then zones are not
 * recognised), "50;70" (the lowest).  "none", "signals", "walk", "variable" and
 * anything unparsable give false (the caller falls back to the class speed).
 * Returns true and sets *kmh_out (> 0) when a limit was found. */
bool hl_spec_parse_maxspeed(const hl_spec_set *set, const char *raw, double *kmh_out);

/* Parse a yes/no attribute: 是/否, 有/无, yes/no, y/n, true/false, t/f, 1/0
 * (ASCII case-insensitive, trimmed).  Returns true and sets *value_out when
 * recognised. */
bool hl_spec_parse_bool(const char *raw, bool *value_out);

typedef struct hl_osm_highway_info {
    const char *road_class; /* canonical class ("unknown" for highway=road) */
    double speed_kmh;       /* default speed for this highway value, [U] */
    bool routable;          /* motor traffic may use it */
    bool known;             /* the value is in the preset */
} hl_osm_highway_info;

/* Look up an OSM highway=* value in presets/osm.yaml.  Unknown values (and a set
 * without the preset) are not routable.  Always fills *out; returns out->known. */
bool hl_spec_osm_highway(const hl_spec_set *set, const char *highway, hl_osm_highway_info *out);
/* The OSM tag that fills canonical field `field` of `role` in the OSM preset
 * ("highway" for roads.class), or NULL (borrowed). */
const char *hl_spec_osm_tag(const hl_spec_set *set, const char *role, const char *field);

/* ------------------------------------------------------------------ */
/* Facility kinds and role guessing                                    */

size_t hl_spec_kind_count(const hl_spec_set *set);
const hl_facility_kind *hl_spec_kind_at(const hl_spec_set *set, size_t i);
/* The kind called `name`, or NULL. */
const hl_facility_kind *hl_spec_kind(const hl_spec_set *set, const char *name);
/* Guess a facility kind from a layer or file name: the longest kind alias found
 * in it (CJK aliases as substrings, ASCII ones as whole words, case-insensitive;
 * ties go to the kind listed first).  Returns the kind or NULL. */
const hl_facility_kind *hl_spec_guess_kind(const hl_spec_set *set, const char *layer_name);

/* The result of a guess.  role "" = no role.  `reason` says in a few words
 * what decided ("polygons; field adcode; 6-digit codes"), also when no role was
 * found ("OSM route relations"); `note` is advice for the plan ("117 county
 * polygons: a multi-county study area ...", "mixed kinds: use where: to
 * split"), "" when none. */
typedef struct hl_role_guess {
    char role[40];
    char kind[40];
    double score;
    char reason[160]; /* added after role/kind/score: keep those first */
    char note[320];
} hl_role_guess;

/* Guess which role a layer plays from its name, geometry kind and field names;
 * score 0..1, role "" if none.  This is hl_specs_guess_role_ex without sample
 * values, restricted to answers a plan can take as they are: only roles of the
 * set (never the pseudo roles "divisions", "attributes" or "mixed"), and a
 * facilities guess only when it names a kind.
 *
 * The base score of a role (only roles whose geometry accepts `geom` compete;
 * HL_GEOM_UNKNOWN: all; HL_GEOM_NONE, a table: none): name = 1 when the layer
 * name contains one of the role's guess keywords (or, for facilities, a kind
 * alias), fields = min(1, hits / 2) where hits counts the role's distinctive
 * guess fields present among field_names; base = 0.6 name + 0.4 fields.
 * Structural cues raise it (see hl_specs_guess_role_ex): an OSM `lines` layer
 * with a highway column is roads at 0.95, AMap/echarts county layers are county.
 * The highest score wins; ties go to the longer name match, then to the role
 * first in file-name order.  kind is set for facilities when the name gives one.
 * layer_name and field_names may be NULL.  HL_E_ARG when set or out is NULL. */
hl_status hl_specs_guess_role(const hl_spec_set *set, const char *layer_name, hl_geom_kind geom,
                              const char *const *field_names, size_t n_fields, hl_role_guess *out);

/* One field of a layer for hl_specs_guess_role_ex, with what the reader saw in
 * it (all borrowed, all optional). */
typedef struct hl_guess_field {
    const char *name;
    const char *const *samples; /* distinct non-empty values of the first features, as text */
    size_t n_samples;
    int64_t n_nonempty;         /* features with a value among in->n_counted, -1 = not counted */
} hl_guess_field;

/* What a reader knows of a layer (all borrowed; zero-initialise, then fill). */
typedef struct hl_guess_input {
    const char *layer_name;    /* layer name, may be NULL */
    const char *dataset_name;  /* file name of the dataset (base name), may be NULL */
    const char *driver;        /* GDAL driver short name ("OSM", "CSV", ...), may be NULL */
    hl_geom_kind geom;         /* HL_GEOM_UNKNOWN for mixed or unknown geometry */
    int64_t feature_count;     /* -1 (or 0) when unknown */
    int64_t geom_counts[3];    /* features that are points, lines, polygons (0 when not scanned) */
    int64_t n_counted;         /* features over which hl_guess_field.n_nonempty was counted */
    const hl_guess_field *fields;
    size_t n_fields;
} hl_guess_input;

/* Guess the role of a layer from everything the inventory saw: names (layer
 * and file, Chinese, pinyin, English), geometry (and, for mixed layers, how many
 * points, lines and polygons), field names, and a few sample values per field
 * (administrative code lengths 6/9/12 with a valid province prefix, name
 * endings 县/区, 乡/镇/街道, 村/居委会, AMap `level`, OSM tag values).  Besides
 * the roles of the set it may answer (only for what they describe):
 *   "divisions"  a table of division codes and names (note: which level);
 *   "attributes" a table of figures by division code, joinable by code;
 *   "mixed"      one layer holding several kinds of things (note: the parts).
 * On success *out holds role ("" = none), kind, score 0..1, reason and note.
 * Deterministic: depends only on the input.  HL_E_ARG when set, in or out is
 * NULL. */
hl_status hl_specs_guess_role_ex(const hl_spec_set *set, const hl_guess_input *in, hl_role_guess *out);

/* ------------------------------------------------------------------ */
/* Standards presets                                                    */

typedef struct hl_standard hl_standard;

typedef enum hl_param_type {
    HL_PARAM_NUMBER = 0,
    HL_PARAM_BOOL,
    HL_PARAM_TEXT,
    HL_PARAM_LIST
} hl_param_type;

/* One parameter (read-only, borrowed; replaced by hl_standard_override). */
typedef struct hl_std_param {
    const char *key;     /* "WAT-01.target" */
    const char *section; /* "WAT-01", or "common" for shared parameters */
    const char *name;    /* "target" */
    hl_param_type type;
    double number;       /* HL_PARAM_NUMBER */
    bool flag;           /* HL_PARAM_BOOL */
    const char *text;    /* any type, as text: "0.95", "true", "walk", "asphalt,cement" */
    const char *const *items; /* HL_PARAM_LIST */
    size_t n_items;
    const char *unit;    /* share, min, m, km/h, m3/d, households, persons, count, bool, mode,
                            kinds, surfaces, text, mm, s, h, km */
    const char *source;
    char confidence;     /* 'C', 'P' or 'U' */
    int year;            /* the target year, 0 when not given */
    const char *note;    /* NULL when none */
    const char *origin;  /* standard that set the value ("national", "qinshui") or "override" */
} hl_std_param;

/* A section: "common" or one indicator (read-only, borrowed). */
typedef struct hl_std_section {
    const char *id;       /* "ROAD-01" or "common" */
    bool is_indicator;
    const char *title_zh; /* "" for common */
    const char *title_en;
    const char *unit;     /* unit of analysis: natural_village, village, township, ... */
    const char *const *weighting; /* count, population, school_age_population, ... */
    size_t n_weighting;
    size_t first_param;   /* its parameters are hl_standard_param_at(first_param + j) */
    size_t n_params;
} hl_std_section;

/* Load standard `name` ("national", "shanxi", "qinshui") from
 * layers_dir/standards/<name>.yaml, resolving `extends` (parents first, depth at
 * most 8, cycles refused).  `name` may also be a path to a .yaml file; its
 * parents are looked for next to it, then in layers_dir/standards.  layers_dir
 * NULL = hl_spec_default_dir.  Every value is validated: a share outside 0..1,
 * a negative time or distance, a wrong type or unit, a bad confidence tag or an
 * unknown key is HL_E_PLAN with "file:line: key: problem"; a missing file is
 * HL_E_IO.  The standard keeps `ctx` for the error messages of later calls.
 * On success *out is a new standard the caller destroys with
 * hl_standard_destroy; on failure *out is NULL. */
hl_status hl_standard_load(hl_ctx *ctx, const char *layers_dir, const char *name,
                           hl_standard **out);
/* hl_standard_load with the set's directory. */
hl_status hl_standard_load_for_set(hl_ctx *ctx, const hl_spec_set *set, const char *name,
                                   hl_standard **out);
/* Destroy a standard; NULL does nothing. */
void hl_standard_destroy(hl_standard *std);

/* The standard's name ("qinshui") and its lineage ("national > shanxi > qinshui"). */
const char *hl_standard_name(const hl_standard *std);
const char *hl_standard_lineage(const hl_standard *std);
const char *hl_standard_title(const hl_standard *std, const char *lang);

/* Override one value ("WAT-01.target", "0.95"): the text is parsed as the
 * parameter's type (number; true/false/yes/no/1/0; text; comma-separated list)
 * and validated as when loading.  The parameter's origin becomes "override",
 * its source `source` (NULL: "user override") and its confidence `confidence`
 * ('C', 'P' or 'U'; 0: 'U').  Pointers previously obtained for that parameter
 * become invalid.  HL_E_PLAN for an unknown key or an invalid value (the standard
 * is unchanged), HL_E_NOMEM. */
hl_status hl_standard_override(hl_standard *std, const char *key, const char *value);
hl_status hl_standard_override_ex(hl_standard *std, const char *key, const char *value,
                                  const char *source, char confidence);

/* Parameters in a stable order: sections in order ("common" first, then the
 * indicators in the order the base preset lists them, then indicators added by
 * children), and within a section in order of first definition. */
size_t hl_standard_param_count(const hl_standard *std);
const hl_std_param *hl_standard_param_at(const hl_standard *std, size_t i);
/* The parameter `key`, or NULL. */
const hl_std_param *hl_standard_param(const hl_standard *std, const char *key);
/* Typed getters: HL_E_PLAN (message on the standard's ctx) when the key is
 * missing or has another type. */
hl_status hl_standard_number(const hl_standard *std, const char *key, double *out);
hl_status hl_standard_bool(const hl_standard *std, const char *key, bool *out);
/* Text of any parameter (borrowed). */
hl_status hl_standard_text(const hl_standard *std, const char *key, const char **out);

size_t hl_standard_section_count(const hl_standard *std);
const hl_std_section *hl_standard_section_at(const hl_standard *std, size_t i);
/* The section `id` ("WAT-01", "common"), or NULL. */
const hl_std_section *hl_standard_section(const hl_standard *std, const char *id);

#ifdef __cplusplus
}
#endif
#endif
