/* QGIS style documents (QML) for the output layers, generated from the
 * field catalogue: graduated travel times, meets/fails categories, banded
 * service areas, roads by class, boundaries, labels and field aliases.
 * Symbol properties are written both as <Option> (QGIS >= 3.18) and
 * <prop> (older QGIS) so the styles open in the QGIS versions planning
 * bureaus use. */
#include "out/out_int.h"

#include <sqlite3.h>
#include <string.h>
#include <strings.h>

typedef enum { G_POINT, G_LINE, G_POLY, G_NONE } gkind;

static gkind geom_kind(const hl__out_layer *l) {
    const char *t = l->geom_type;
    if (!l->geom_col || !t) return G_NONE;
    if (strstr(t, "POINT")) return G_POINT;
    if (strstr(t, "LINE") || strstr(t, "CURVE") ) return strstr(t, "POLYGON") || strstr(t, "SURFACE") ? G_POLY : G_LINE;
    if (strstr(t, "POLYGON") || strstr(t, "SURFACE")) return G_POLY;
    return G_POINT; /* GEOMETRY: draw as points, the least surprising */
}

/* Travel-time classes (minutes) and colours, green to red. */
static const double k_time_breaks[] = {0, 15, 30, 45, 60};
static const char *const k_time_colors[] = {"26,150,65,255", "166,217,106,255", "255,255,191,255",
                                            "253,174,97,255", "215,25,28,255"};
#define C_NULL "170,170,170,255"
#define C_MEETS "26,150,65,255"
#define C_FAILS "215,25,28,255"
static const char *const k_band_colors[] = {"0,109,44,110",    "49,163,84,100",   "116,196,118,90",
                                            "161,217,155,80",  "199,233,192,70",  "237,248,233,60"};
static const char *const k_kind_colors[] = {"228,26,28,255",  "55,126,184,255", "77,175,74,255",
                                            "152,78,163,255", "255,127,0,255",  "166,86,40,255",
                                            "247,129,191,255", "0,139,139,255", "102,102,102,255"};

typedef struct kv {
    const char *k, *v;
} kv;

static void props(hl__sb *b, const kv *p, size_t n) {
    hl__sb_add(b, "          <Option type=\"Map\">\n");
    for (size_t i = 0; i < n; i++) {
        hl__sb_add(b, "            <Option type=\"QString\" name=\"");
        hl__sb_xml(b, p[i].k);
        hl__sb_add(b, "\" value=\"");
        hl__sb_xml(b, p[i].v);
        hl__sb_add(b, "\"/>\n");
    }
    hl__sb_add(b, "          </Option>\n");
    for (size_t i = 0; i < n; i++) {
        hl__sb_add(b, "          <prop k=\"");
        hl__sb_xml(b, p[i].k);
        hl__sb_add(b, "\" v=\"");
        hl__sb_xml(b, p[i].v);
        hl__sb_add(b, "\"/>\n");
    }
}

typedef struct symspec {
    const char *color;   /* "r,g,b,a" */
    const char *outline; /* outline / line colour */
    double size_mm;      /* marker size, line width, fill outline width */
    const char *shape;   /* marker: circle, square, diamond, triangle, star */
    bool no_fill;        /* fill: outline only */
    bool dashed;
    int pass;            /* symbol level */
} symspec;

static void symbol(hl__sb *b, gkind g, int name, const symspec *s) {
    char size[32];
    snprintf(size, sizeof size, "%g", s->size_mm);
    const char *type = g == G_LINE ? "line" : g == G_POLY ? "fill" : "marker";
    hl__sb_addf(b, "      <symbol type=\"%s\" name=\"%d\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n", type,
                name);
    if (g == G_LINE) {
        hl__sb_addf(b, "        <layer class=\"SimpleLine\" enabled=\"1\" locked=\"0\" pass=\"%d\">\n", s->pass);
        kv p[] = {{"line_color", s->color},  {"line_style", s->dashed ? "dash" : "solid"},
                  {"line_width", size},      {"line_width_unit", "MM"},
                  {"capstyle", "round"},     {"joinstyle", "round"},
                  {"offset", "0"},           {"offset_unit", "MM"}};
        props(b, p, sizeof p / sizeof p[0]);
    } else if (g == G_POLY) {
        hl__sb_addf(b, "        <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"%d\">\n", s->pass);
        kv p[] = {{"color", s->color},
                  {"style", s->no_fill ? "no" : "solid"},
                  {"outline_color", s->outline ? s->outline : "110,110,110,255"},
                  {"outline_style", s->dashed ? "dash" : "solid"},
                  {"outline_width", size},
                  {"outline_width_unit", "MM"},
                  {"joinstyle", "bevel"},
                  {"offset", "0,0"},
                  {"offset_unit", "MM"}};
        props(b, p, sizeof p / sizeof p[0]);
    } else {
        hl__sb_addf(b, "        <layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"%d\">\n", s->pass);
        kv p[] = {{"name", s->shape ? s->shape : "circle"},
                  {"color", s->color},
                  {"outline_color", s->outline ? s->outline : "50,50,50,255"},
                  {"outline_style", "solid"},
                  {"outline_width", "0.2"},
                  {"outline_width_unit", "MM"},
                  {"size", size},
                  {"size_unit", "MM"},
                  {"angle", "0"},
                  {"offset", "0,0"},
                  {"offset_unit", "MM"},
                  {"scale_method", "diameter"},
                  {"horizontal_anchor_point", "1"},
                  {"vertical_anchor_point", "1"},
                  {"joinstyle", "bevel"}};
        props(b, p, sizeof p / sizeof p[0]);
    }
    hl__sb_add(b, "        </layer>\n      </symbol>\n");
}

/* The default symbol size for a geometry kind. */
static double base_size(gkind g) { return g == G_POINT ? 2.4 : g == G_LINE ? 0.6 : 0.26; }

static const char *fill_color_of(gkind g, const char *c, char *buf, size_t n) {
    /* polygons get a translucent fill so boundaries below stay visible */
    if (g != G_POLY) return c;
    int r, gg, bl, a;
    if (sscanf(c, "%d,%d,%d,%d", &r, &gg, &bl, &a) == 4) {
        snprintf(buf, n, "%d,%d,%d,%d", r, gg, bl, a > 200 ? 200 : a);
        return buf;
    }
    return c;
}

static void renderer_single(hl__sb *b, gkind g, const symspec *s) {
    hl__sb_add(b, "  <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n"
                  "    <symbols>\n");
    symbol(b, g, 0, s);
    hl__sb_add(b, "    </symbols>\n  </renderer-v2>\n");
}

static void xml_attr_quoted_field(hl__sb *b, const char *field) {
    /* an expression field reference: "name" with inner quotes doubled */
    hl__sb_add(b, "&quot;");
    for (const char *p = field; *p; p++) {
        if (*p == '"') hl__sb_add(b, "&quot;&quot;");
        else hl__sb_addn(b, p, 1);
    }
    hl__sb_add(b, "&quot;");
}

/* Travel time: rule-based so that NULL (unreachable / not computed) shows
 * grey instead of disappearing as it would with a graduated renderer. */
static void renderer_time(hl__sb *b, gkind g, const char *field, bool en) {
    char buf[64];
    hl__sb_add(b, "  <renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n"
                  "    <rules key=\"{00000000-0000-4000-8000-000000000000}\">\n");
    for (int i = 0; i < 5; i++) {
        hl__sb_addf(b, "      <rule key=\"{00000000-0000-4000-8000-00000000000%d}\" symbol=\"%d\" filter=\"", i + 1, i);
        xml_attr_quoted_field(b, field);
        if (i < 4) {
            hl__sb_addf(b, " &gt;= %g AND ", k_time_breaks[i]);
            xml_attr_quoted_field(b, field);
            hl__sb_addf(b, " &lt; %g\" label=\"%g–%g %s\"/>\n", k_time_breaks[i + 1], k_time_breaks[i],
                        k_time_breaks[i + 1], en ? "min" : "分钟");
        } else {
            hl__sb_addf(b, " &gt;= %g\" label=\"≥ %g %s\"/>\n", k_time_breaks[i], k_time_breaks[i],
                        en ? "min" : "分钟");
        }
    }
    hl__sb_addf(b, "      <rule key=\"{00000000-0000-4000-8000-000000000006}\" symbol=\"5\" filter=\"ELSE\" label=\"%s\"/>\n",
                en ? "unreachable / not computed" : "不可达或未计算");
    hl__sb_add(b, "    </rules>\n    <symbols>\n");
    for (int i = 0; i < 6; i++) {
        symspec s = {fill_color_of(g, i < 5 ? k_time_colors[i] : C_NULL, buf, sizeof buf), NULL, base_size(g), NULL,
                     false, false, 0};
        symbol(b, g, i, &s);
    }
    hl__sb_add(b, "    </symbols>\n  </renderer-v2>\n");
}

/* meets / met: 1 green, 0 red, anything else (NULL) grey. */
static void renderer_meets(hl__sb *b, gkind g, const char *field, bool en) {
    char buf[64];
    const char *vals[] = {"1", "0", ""};
    const char *lab_zh[] = {"达标", "未达标", "不适用"};
    const char *lab_en[] = {"meets", "does not meet", "not applicable"};
    const char *cols[] = {C_MEETS, C_FAILS, C_NULL};
    hl__sb_add(b, "  <renderer-v2 type=\"categorizedSymbol\" attr=\"");
    hl__sb_xml(b, field);
    hl__sb_add(b, "\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n    <categories>\n");
    for (int i = 0; i < 3; i++)
        hl__sb_addf(b, "      <category value=\"%s\" symbol=\"%d\" label=\"%s\" render=\"true\"/>\n", vals[i], i,
                    en ? lab_en[i] : lab_zh[i]);
    hl__sb_add(b, "    </categories>\n    <symbols>\n");
    for (int i = 0; i < 3; i++) {
        symspec s = {fill_color_of(g, cols[i], buf, sizeof buf), NULL, base_size(g), NULL, false, false, 0};
        symbol(b, g, i, &s);
    }
    hl__sb_add(b, "    </symbols>\n  </renderer-v2>\n");
}

typedef struct strlist {
    char **v;
    size_t n, cap;
} strlist;

static void strlist_free(strlist *l) {
    for (size_t i = 0; i < l->n; i++) hl_free(l->v[i]);
    hl_free(l->v);
    memset(l, 0, sizeof *l);
}

/* Distinct non-NULL values of a column, in SQLite's order (numbers sorted numerically). */
static hl_status distinct_values(hl_ctx *ctx, sqlite3 *db, const char *table, const char *col, strlist *out) {
    hl_status rc = HL_OK;
    sqlite3_stmt *st = NULL;
    memset(out, 0, sizeof *out);
    char *sql = sqlite3_mprintf("SELECT DISTINCT \"%w\" FROM \"%w\" WHERE \"%w\" IS NOT NULL ORDER BY 1 LIMIT 50",
                                col, table, col);
    if (!sql) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        rc = hl_error(ctx, HL_E_FORMAT, "cannot read values of %s.%s: %s", table, col, sqlite3_errmsg(db));
        goto done;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        if (!t) continue;
        if (hl_grow(ctx, (void **)&out->v, &out->cap, out->n + 1, sizeof *out->v) ||
            !(out->v[out->n] = hl_strdup(ctx, t))) {
            rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
            goto done;
        }
        out->n++;
    }
done:
    if (rc) strlist_free(out);
    sqlite3_finalize(st);
    sqlite3_free(sql);
    return rc;
}

static void renderer_categories(hl__sb *b, gkind g, const char *field, const strlist *vals, const char *const *labels,
                                const symspec *specs, bool levels, const symspec *other, const char *other_label) {
    hl__sb_add(b, "  <renderer-v2 type=\"categorizedSymbol\" attr=\"");
    hl__sb_xml(b, field);
    hl__sb_addf(b, "\" symbollevels=\"%d\" enableorderby=\"0\" forceraster=\"0\">\n    <categories>\n", levels ? 1 : 0);
    for (size_t i = 0; i < vals->n; i++) {
        hl__sb_add(b, "      <category value=\"");
        hl__sb_xml(b, vals->v[i]);
        hl__sb_addf(b, "\" symbol=\"%zu\" label=\"", i);
        hl__sb_xml(b, labels[i]);
        hl__sb_add(b, "\" render=\"true\"/>\n");
    }
    if (other) {
        hl__sb_addf(b, "      <category value=\"\" symbol=\"%zu\" label=\"", vals->n);
        hl__sb_xml(b, other_label);
        hl__sb_add(b, "\" render=\"true\"/>\n");
    }
    hl__sb_add(b, "    </categories>\n    <symbols>\n");
    for (size_t i = 0; i < vals->n; i++) symbol(b, g, (int)i, &specs[i]);
    if (other) symbol(b, g, (int)vals->n, other);
    hl__sb_add(b, "    </symbols>\n  </renderer-v2>\n");
}

static hl_status renderer_roads(hl_ctx *ctx, hl__sb *b, sqlite3 *db, const hl__out_catalog *cat,
                                const hl__out_layer *l, gkind g, const char *field, const char *ofield, bool en) {
    strlist vals;
    hl_status rc = distinct_values(ctx, db, l->name, field, &vals);
    if (rc) return rc;
    symspec *specs = hl_calloc(ctx, vals.n + 1, sizeof *specs);
    const char **labels = hl_calloc(ctx, vals.n + 1, sizeof *labels);
    if (!specs || !labels) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < vals.n; i++) {
        const hl__out_alias *r = hl__out_catalog_road(cat, vals.v[i]);
        size_t rank = r ? (size_t)(r - cat->roads) : cat->n_roads;
        specs[i].color = r && r->color ? r->color : "150,150,150,255";
        specs[i].size_mm = r && r->width_mm > 0 ? r->width_mm : 0.3;
        specs[i].pass = (int)(cat->n_roads - rank) + 1; /* major roads drawn last, on top */
        labels[i] = r ? (en ? r->en : r->zh) : vals.v[i];
        if (!labels[i]) labels[i] = vals.v[i];
    }
    /* colours in the catalogue are "#rrggbb": convert for QGIS */
    char (*colbuf)[32] = hl_calloc(ctx, vals.n + 1, sizeof *colbuf);
    if (!colbuf) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < vals.n; i++) {
        unsigned rr, gg, bb;
        if (specs[i].color[0] == '#' && sscanf(specs[i].color + 1, "%2x%2x%2x", &rr, &gg, &bb) == 3) {
            snprintf(colbuf[i], sizeof colbuf[i], "%u,%u,%u,255", rr, gg, bb);
            specs[i].color = colbuf[i];
        }
    }
    symspec other = {"150,150,150,255", NULL, 0.3, NULL, false, false, 1};
    renderer_categories(b, g, ofield, &vals, labels, specs, true, &other, en ? "other" : "其他");
    hl_free(colbuf);
done:
    hl_free(specs);
    hl_free(labels);
    strlist_free(&vals);
    return rc;
}

static hl_status renderer_bands(hl_ctx *ctx, hl__sb *b, sqlite3 *db, const hl__out_layer *l, gkind g,
                                const char *field, const char *ofield, bool en) {
    strlist vals;
    hl_status rc = distinct_values(ctx, db, l->name, field, &vals);
    if (rc) return rc;
    /* numeric order (distinct_values sorts numbers numerically when stored as numbers) */
    symspec *specs = hl_calloc(ctx, vals.n + 1, sizeof *specs);
    char **labels = hl_calloc(ctx, vals.n + 1, sizeof *labels);
    if (!specs || !labels) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    size_t nb = sizeof k_band_colors / sizeof k_band_colors[0];
    for (size_t i = 0; i < vals.n; i++) {
        specs[i].color = k_band_colors[i < nb ? i : nb - 1];
        specs[i].outline = g == G_LINE ? NULL : "0,109,44,160";
        specs[i].size_mm = g == G_LINE ? 0.8 : 0.2;
        if (g == G_LINE) specs[i].color = k_time_colors[i < 5 ? i : 4];
        specs[i].pass = (int)(vals.n - i); /* the smallest threshold on top */
        labels[i] = hl_sprintf(ctx, en ? "≤ %s min" : "≤ %s 分钟", vals.v[i]);
        if (!labels[i]) {
            rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
            goto done;
        }
    }
    renderer_categories(b, g, ofield, &vals, (const char *const *)labels, specs, true, NULL, NULL);
done:
    if (labels)
        for (size_t i = 0; i < vals.n; i++) hl_free(labels[i]);
    hl_free(labels);
    hl_free(specs);
    strlist_free(&vals);
    return rc;
}

static hl_status renderer_qa(hl_ctx *ctx, hl__sb *b, sqlite3 *db, const hl__out_layer *l, gkind g,
                             const char *field, const char *ofield, bool en) {
    strlist vals;
    hl_status rc = distinct_values(ctx, db, l->name, field, &vals);
    if (rc) return rc;
    symspec *specs = hl_calloc(ctx, vals.n + 1, sizeof *specs);
    const char **labels = hl_calloc(ctx, vals.n + 1, sizeof *labels);
    if (!specs || !labels) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < vals.n; i++) {
        const char *v = vals.v[i];
        specs[i].color = strcasecmp(v, "error") == 0 ? "215,25,28,255"
                         : strcasecmp(v, "warning") == 0 ? "253,174,97,255"
                                                          : "43,131,186,255";
        specs[i].size_mm = base_size(g) * 1.2;
        specs[i].shape = "triangle";
        labels[i] = v;
    }
    (void)en;
    renderer_categories(b, g, ofield, &vals, labels, specs, false, NULL, NULL);
done:
    hl_free(specs);
    hl_free(labels);
    strlist_free(&vals);
    return rc;
}

/* The name a column has in the written layer (short names on export). */
static const char *oname(const hl__out_layer *l, const char *c) {
    if (!c || !l->out_names) return c;
    for (size_t i = 0; i < l->n_cols; i++)
        if (strcmp(l->cols[i], c) == 0 && l->out_names[i]) return l->out_names[i];
    return c;
}

static bool has_col(const hl__out_layer *l, const char *c) {
    for (size_t i = 0; i < l->n_cols; i++)
        if (strcmp(l->cols[i], c) == 0) return true;
    return false;
}

static hl_status col_role(hl_ctx *ctx, const hl__out_catalog *cat, const hl__out_layer *l, const char *col,
                          char **role) {
    hl__out_colinfo ci;
    *role = NULL;
    hl_status rc = hl__out_catalog_column(ctx, cat, l->name, col, &ci);
    if (rc) return rc;
    *role = ci.role;
    ci.role = NULL;
    hl__out_colinfo_clear(&ci);
    return HL_OK;
}

/* The first column with role `want`, or NULL (borrowed from l). */
static hl_status first_with_role(hl_ctx *ctx, const hl__out_catalog *cat, const hl__out_layer *l, const char *want,
                                 const char **out) {
    *out = NULL;
    for (size_t i = 0; i < l->n_cols && !*out; i++) {
        char *role = NULL;
        hl_status rc = col_role(ctx, cat, l, l->cols[i], &role);
        if (rc) return rc;
        if (role && strcmp(role, want) == 0) *out = l->cols[i];
        hl_free(role);
    }
    return HL_OK;
}

hl_status hl__out_styled_columns(hl_ctx *ctx, const hl__out_catalog *cat, const hl__out_layer *l, const char ***cols,
                                 size_t *n) {
    *cols = NULL;
    *n = 0;
    if (geom_kind(l) == G_NONE) return HL_OK;
    const char **v = hl_calloc(ctx, l->n_cols + 1, sizeof *v);
    if (!v) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < l->n_cols; i++) {
        char *role = NULL;
        hl_status rc = col_role(ctx, cat, l, l->cols[i], &role);
        if (rc) {
            hl_free(v);
            return rc;
        }
        if (role && (strcmp(role, "travel_time") == 0 || strcmp(role, "meets") == 0 || strcmp(role, "met") == 0))
            v[(*n)++] = l->cols[i];
        hl_free(role);
    }
    *cols = v;
    return HL_OK;
}

static void labeling(hl__sb *b, gkind g, const char *field) {
    hl__sb_add(b, "  <labeling type=\"simple\">\n    <settings calloutType=\"simple\">\n"
                  "      <text-style fieldName=\"");
    hl__sb_xml(b, field);
    hl__sb_add(b, "\" isExpression=\"0\" fontFamily=\"Microsoft YaHei\" namedStyle=\"Regular\" fontSize=\"9\" "
                  "fontSizeUnit=\"Point\" fontWeight=\"50\" fontItalic=\"0\" textColor=\"40,40,40,255\" "
                  "textOpacity=\"1\" multilineHeight=\"1\" blendMode=\"0\" capitalization=\"0\" allowHtml=\"0\">\n"
                  "        <families>\n"
                  "          <family name=\"Microsoft YaHei\"/>\n          <family name=\"SimHei\"/>\n"
                  "          <family name=\"Noto Sans CJK SC\"/>\n          <family name=\"WenQuanYi Micro Hei\"/>\n"
                  "          <family name=\"Sans Serif\"/>\n        </families>\n"
                  "        <text-buffer bufferDraw=\"1\" bufferSize=\"0.7\" bufferSizeUnits=\"MM\" "
                  "bufferColor=\"255,255,255,255\" bufferOpacity=\"0.9\" bufferNoFill=\"1\" bufferJoinStyle=\"128\" "
                  "bufferBlendMode=\"0\"/>\n      </text-style>\n");
    hl__sb_addf(b, "      <placement placement=\"%d\" dist=\"1\" distUnits=\"MM\" quadOffset=\"4\" priority=\"5\" "
                   "placementFlags=\"10\" offsetType=\"0\" centroidInside=\"1\" centroidWhole=\"0\" "
                   "fitInPolygonOnly=\"0\"/>\n",
                g == G_POLY ? 1 : g == G_LINE ? 2 : 6);
    hl__sb_add(b, "      <rendering drawLabels=\"1\" obstacle=\"1\" obstacleFactor=\"1\" obstacleType=\"1\" "
                  "displayAll=\"0\" upsidedownLabels=\"0\" labelPerPart=\"0\" mergeLines=\"0\" "
                  "limitNumLabels=\"0\" maxNumLabels=\"2000\" scaleVisibility=\"0\" scaleMin=\"0\" scaleMax=\"0\" "
                  "fontLimitPixelSize=\"0\" fontMinPixelSize=\"3\" fontMaxPixelSize=\"10000\" minFeatureSize=\"0\" "
                  "zIndex=\"0\"/>\n    </settings>\n  </labeling>\n");
}

hl_status hl__out_qml(hl_ctx *ctx, sqlite3 *db, const hl__out_catalog *cat, const hl__out_layer *l,
                      const char *style_field, const char *lang, char **qml) {
    hl_status rc = HL_OK;
    hl__sb b;
    hl__out_colinfo ci;
    char *role = NULL, *lzh = NULL, *len_ = NULL;
    const hl__out_alias *lentry = NULL;
    const char *field = style_field;
    const char *label_field = NULL;
    bool en = lang && strcmp(lang, "en") == 0;
    gkind g = geom_kind(l);
    char buf[64];
    memset(&ci, 0, sizeof ci);
    hl__sb_init(&b, ctx);
    *qml = NULL;
    if ((rc = hl__out_catalog_layer(ctx, cat, l->name, &lzh, &len_, &lentry))) goto done;
    const char *style = lentry && lentry->style ? lentry->style : NULL;
    if (style_field && !has_col(l, style_field)) {
        rc = hl_error(ctx, HL_E_ARG, "layer %s has no column %s to style by", l->name, style_field);
        goto done;
    }
    /* The field the default style classes by. */
    if (!field && g != G_NONE) {
        if (lentry && lentry->default_field && has_col(l, lentry->default_field)) field = lentry->default_field;
        if (!field && (!style || strcmp(style, "village") == 0 || strcmp(style, "summary") == 0 ||
                       strcmp(style, "gaps") == 0)) {
            const char *wants[] = {"travel_time", "met", "meets"};
            bool summary = style && strcmp(style, "summary") == 0;
            bool gaps = style && strcmp(style, "gaps") == 0;
            for (size_t i = 0; i < 3 && !field && !gaps; i++)
                if (!(summary && i == 0))
                    if ((rc = first_with_role(ctx, cat, l, wants[i], &field))) goto done;
        }
        if (!field && style && (strcmp(style, "roads") == 0))
            if ((rc = first_with_role(ctx, cat, l, "road_class", &field))) goto done;
        if (!field && style && (strcmp(style, "service_areas") == 0 || strcmp(style, "service_area_roads") == 0))
            if ((rc = first_with_role(ctx, cat, l, "threshold", &field))) goto done;
        if (!field && style && strcmp(style, "qa") == 0 && has_col(l, "severity")) field = "severity";
    }
    if (field && (rc = col_role(ctx, cat, l, field, &role))) goto done;
    if (has_col(l, "name") && style &&
        (strcmp(style, "village") == 0 || strcmp(style, "gaps") == 0 || strcmp(style, "boundary_village") == 0 ||
         strcmp(style, "boundary_township") == 0 || strcmp(style, "facilities") == 0))
        label_field = "name";
    if (!style && has_col(l, "name") && g == G_POINT) label_field = "name";

    hl__sb_add(&b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
    hl__sb_addf(&b, "<qgis version=\"3.22.0\" styleCategories=\"AllStyleCategories\" labelsEnabled=\"%d\" "
                    "hasScaleBasedVisibilityFlag=\"0\" minScale=\"100000000\" maxScale=\"0\" readOnly=\"0\">\n",
                label_field ? 1 : 0);
    if (g != G_NONE) {
        symspec s = {"120,120,120,255", NULL, base_size(g), NULL, false, false, 0};
        if (role && strcmp(role, "travel_time") == 0) {
            renderer_time(&b, g, oname(l, field), en);
        } else if (role && (strcmp(role, "meets") == 0 || strcmp(role, "met") == 0)) {
            renderer_meets(&b, g, oname(l, field), en);
        } else if (role && strcmp(role, "road_class") == 0) {
            if ((rc = renderer_roads(ctx, &b, db, cat, l, g, field, oname(l, field), en))) goto done;
        } else if (role && strcmp(role, "threshold") == 0) {
            if ((rc = renderer_bands(ctx, &b, db, l, g, field, oname(l, field), en))) goto done;
        } else if (field && strcmp(field, "severity") == 0) {
            if ((rc = renderer_qa(ctx, &b, db, l, g, field, oname(l, field), en))) goto done;
        } else {
            if (style && strcmp(style, "boundary_county") == 0) {
                s = (symspec){"0,0,0,0", "40,40,40,255", 0.8, NULL, true, false, 0};
                if (g == G_LINE) s.color = "40,40,40,255";
            } else if (style && strcmp(style, "boundary_township") == 0) {
                s = (symspec){"0,0,0,0", "80,80,80,255", 0.4, NULL, true, true, 0};
                if (g == G_LINE) s.color = "80,80,80,255";
            } else if (style && strcmp(style, "boundary_village") == 0) {
                s = (symspec){"0,0,0,0", "150,150,150,255", 0.2, NULL, true, false, 0};
                if (g != G_POLY) s.color = "150,150,150,255";
                if (g == G_POINT) s.size_mm = 1.6;
            } else if (style && strcmp(style, "summary") == 0) {
                s = (symspec){"255,255,255,60", "80,80,80,255", 0.3, NULL, false, false, 0};
            } else if (style && strcmp(style, "nodes") == 0) {
                s = (symspec){"90,90,90,255", "90,90,90,255", 0.8, NULL, false, false, 0};
            } else if (style && strcmp(style, "gaps") == 0) {
                s = (symspec){"215,25,28,255", "255,255,255,255", 3.2, "star", false, false, 0};
            } else if (style && strcmp(style, "qa") == 0) {
                s = (symspec){"253,174,97,255", NULL, 2.6, "triangle", false, false, 0};
            } else if (style && strcmp(style, "facilities") == 0) {
                /* colour by the kind of facilities_<kind> */
                size_t idx = 0;
                const char *kind = strncmp(l->name, "facilities_", 11) == 0 ? l->name + 11 : "";
                for (size_t i = 0; i < cat->n_kinds; i++)
                    if (strcmp(cat->kinds[i].key, kind) == 0) idx = i;
                s = (symspec){k_kind_colors[idx % (sizeof k_kind_colors / sizeof k_kind_colors[0])],
                              "255,255,255,255", 3.0, "diamond", false, false, 0};
            } else if (g == G_POLY) {
                s.color = fill_color_of(g, "200,200,200,255", buf, sizeof buf);
            }
            renderer_single(&b, g, &s);
        }
    }
    if (label_field) labeling(&b, g, oname(l, label_field));
    /* aliases for every column (and the fid) */
    hl__sb_add(&b, "  <aliases>\n");
    size_t idx = 0;
    if (l->fid_col) {
        hl__sb_add(&b, "    <alias field=\"");
        hl__sb_xml(&b, l->fid_col);
        hl__sb_addf(&b, "\" index=\"%zu\" name=\"%s\"/>\n", idx++, en ? "Feature id" : "要素编号");
    }
    for (size_t i = 0; i < l->n_cols; i++) {
        if ((rc = hl__out_catalog_column(ctx, cat, l->name, l->cols[i], &ci))) goto done;
        hl__sb_add(&b, "    <alias field=\"");
        hl__sb_xml(&b, oname(l, l->cols[i]));
        hl__sb_addf(&b, "\" index=\"%zu\" name=\"", idx++);
        hl__sb_xml(&b, en ? ci.en : ci.zh);
        hl__sb_add(&b, "\"/>\n");
        hl__out_colinfo_clear(&ci);
    }
    hl__sb_add(&b, "  </aliases>\n");
    if (label_field || g == G_POINT) {
        hl__sb_add(&b, "  <previewExpression>");
        if (has_col(l, "name")) xml_attr_quoted_field(&b, oname(l, "name"));
        hl__sb_add(&b, "</previewExpression>\n");
    }
    hl__sb_addf(&b, "  <layerGeometryType>%d</layerGeometryType>\n</qgis>\n",
                g == G_POINT ? 0 : g == G_LINE ? 1 : g == G_POLY ? 2 : 4);
    if (!(*qml = hl__sb_take(&b))) rc = HL_E_NOMEM;
done:
    hl__sb_free(&b);
    hl__out_colinfo_clear(&ci);
    hl_free(role);
    hl_free(lzh);
    hl_free(len_);
    return rc;
}

hl_status hl_out_layer_qml(hl_ctx *ctx, const char *gpkg_path, const char *layer, const char *style_field,
                           const char *lang, char **qml) {
    hl_status rc;
    sqlite3 *db = NULL;
    hl__out_catalog *cat = NULL;
    hl__out_schema s;
    memset(&s, 0, sizeof s);
    *qml = NULL;
    if ((rc = hl__out_catalog_load(ctx, NULL, &cat))) goto done;
    if ((rc = hl__out_db_open(ctx, gpkg_path, false, &db))) goto done;
    if ((rc = hl__out_schema_read(ctx, db, &s))) goto done;
    const hl__out_layer *l = hl__out_schema_find(&s, layer);
    if (!l) {
        rc = hl_error(ctx, HL_E_ARG, "%s has no layer %s", gpkg_path, layer);
        goto done;
    }
    rc = hl__out_qml(ctx, db, cat, l, style_field, lang, qml);
done:
    hl__out_schema_free(&s);
    hl__out_catalog_destroy(cat);
    if (db) sqlite3_close(db);
    return rc;
}
