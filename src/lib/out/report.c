/* Single-file offline HTML report of a result GeoPackage: county and
 * township tables against the targets, the gap list, travel-time
 * histograms, shares by township, maps (villages coloured by a chosen
 * indicator, service areas, roads by class) and the thresholds used with
 * their sources.  Apache ECharts is inlined from the vendor folder;
 * geometries are simplified with GEOS and written as GeoJSON in the
 * working CRS (ECharts draws them with a linear projection).  Every text
 * from the data goes through HTML or JS-string escaping. */
#include "out/out_int.h"

#include <geos_c.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <string.h>

void hl_out_report_opts_init(hl_out_report_opts *o) {
    memset(o, 0, sizeof *o);
    o->lang = "zh";
    o->top_gaps = 50;
    o->simplify_tol_m = 20;
}

typedef struct rep {
    hl_ctx *ctx;
    sqlite3 *db;
    hl__out_catalog *cat;
    hl__out_schema s;
    GEOSContextHandle_t gh;
    GEOSWKBReader *wkb;
    GEOSGeoJSONWriter *gj;
    bool en;
    double tol_m;
    hl__sb *b;
} rep;

#define T(r, zh, en_) ((r)->en ? (en_) : (zh))

static void geos_quiet(const char *fmt, ...) { (void)fmt; }

/* A GeoPackage geometry blob to a GEOS geometry (NULL if empty or unreadable). */
static GEOSGeometry *gpkg_geom(rep *r, const unsigned char *blob, int n) {
    if (!blob || n < 8 || blob[0] != 'G' || blob[1] != 'P') return NULL;
    int env = (blob[3] >> 1) & 7;
    size_t hdr = 8 + (env == 1 ? 32 : env == 2 || env == 3 ? 48 : env == 4 ? 64 : 0);
    if (blob[3] & 0x10) return NULL; /* empty */
    if ((size_t)n <= hdr) return NULL;
    return GEOSWKBReader_read_r(r->gh, r->wkb, blob + hdr, (size_t)n - hdr);
}

/* Append the GeoJSON of a geometry, simplified and rounded to 1 m. */
static void geom_json(rep *r, const unsigned char *blob, int n, bool simplify) {
    GEOSGeometry *g = gpkg_geom(r, blob, n), *s = NULL, *p = NULL;
    char *txt = NULL;
    if (!g) {
        hl__sb_add(r->b, "null");
        return;
    }
    s = simplify && r->tol_m > 0 ? GEOSTopologyPreserveSimplify_r(r->gh, g, r->tol_m) : NULL;
    p = GEOSGeom_setPrecision_r(r->gh, s ? s : g, 1.0, 0);
    txt = GEOSGeoJSONWriter_writeGeometry_r(r->gh, r->gj, p ? p : (s ? s : g), -1);
    hl__sb_add(r->b, txt ? txt : "null");
    if (txt) GEOSFree_r(r->gh, txt);
    if (p) GEOSGeom_destroy_r(r->gh, p);
    if (s) GEOSGeom_destroy_r(r->gh, s);
    GEOSGeom_destroy_r(r->gh, g);
}

static void point_xy(rep *r, const unsigned char *blob, int n) {
    GEOSGeometry *g = gpkg_geom(r, blob, n);
    double x, y;
    const GEOSGeometry *pt = g;
    if (g && GEOSGeomTypeId_r(r->gh, g) != GEOS_POINT) {
        GEOSGeometry *c = GEOSPointOnSurface_r(r->gh, g);
        GEOSGeom_destroy_r(r->gh, g);
        g = c;
        pt = g;
    }
    if (pt && GEOSGeomGetX_r(r->gh, pt, &x) == 1 && GEOSGeomGetY_r(r->gh, pt, &y) == 1) {
        hl__sb_add(r->b, "[");
        hl__sb_num(r->b, round(x));
        hl__sb_add(r->b, ",");
        hl__sb_num(r->b, round(y));
        hl__sb_add(r->b, "]");
    } else {
        hl__sb_add(r->b, "null");
    }
    if (g) GEOSGeom_destroy_r(r->gh, g);
}

/* One SQLite value as JSON. */
static void val_json(rep *r, sqlite3_stmt *st, int i) {
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL: hl__sb_add(r->b, "null"); break;
    case SQLITE_INTEGER: hl__sb_addf(r->b, "%lld", (long long)sqlite3_column_int64(st, i)); break;
    case SQLITE_FLOAT: hl__sb_num(r->b, sqlite3_column_double(st, i)); break;
    default: hl__sb_json(r->b, (const char *)sqlite3_column_text(st, i)); break;
    }
}

static bool has_col(const hl__out_layer *l, const char *c) {
    for (size_t i = 0; i < l->n_cols; i++)
        if (strcmp(l->cols[i], c) == 0) return true;
    return false;
}

/* Rows of a table as an array of arrays, columns given; geometry optional
 * ("geo": GeoJSON, "xy": point). `where_order` is appended to the SQL. */
static hl_status table_json(rep *r, const hl__out_layer *l, const char *const *cols, size_t n, const char *geo,
                            const char *where_order) {
    hl__sb q;
    sqlite3_stmt *st = NULL;
    hl_status rc = HL_OK;
    hl__sb_init(&q, r->ctx);
    hl__sb_add(&q, "SELECT ");
    for (size_t i = 0; i < n; i++) {
        char *id = sqlite3_mprintf(has_col(l, cols[i]) ? "\"%w\"" : "NULL", cols[i]);
        hl__sb_add(&q, i ? ", " : "");
        hl__sb_add(&q, id ? id : "NULL");
        sqlite3_free(id);
    }
    if (geo && l->geom_col) {
        char *id = sqlite3_mprintf(", \"%w\"", l->geom_col);
        hl__sb_add(&q, id ? id : "");
        sqlite3_free(id);
    } else if (n == 0) {
        hl__sb_add(&q, "1");
    }
    char *from = sqlite3_mprintf(" FROM \"%w\" ", l->name);
    hl__sb_add(&q, from ? from : "");
    sqlite3_free(from);
    hl__sb_add(&q, where_order ? where_order : "");
    char *sql = hl__sb_take(&q);
    if (!sql) return HL_E_NOMEM;
    if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
        rc = hl_error(r->ctx, HL_E_FORMAT, "report: cannot read %s: %s", l->name, sqlite3_errmsg(r->db));
        goto done;
    }
    hl__sb_add(r->b, "[");
    bool first = true;
    int k = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (++k % 1000 == 0 && (rc = hl_check_interrupt(r->ctx))) goto done;
        hl__sb_add(r->b, first ? "[" : ",\n[");
        first = false;
        for (size_t i = 0; i < n; i++) {
            if (i) hl__sb_add(r->b, ",");
            val_json(r, st, (int)i);
        }
        if (geo && l->geom_col) {
            hl__sb_add(r->b, n ? "," : "");
            const unsigned char *blob = sqlite3_column_blob(st, (int)n);
            int bn = sqlite3_column_bytes(st, (int)n);
            if (strcmp(geo, "xy") == 0) point_xy(r, blob, bn);
            else geom_json(r, blob, bn, true);
        }
        hl__sb_add(r->b, "]");
    }
    hl__sb_add(r->b, "]");
done:
    sqlite3_finalize(st);
    hl_free(sql);
    return rc;
}

/* Column names with a role (travel_time, meets) in a layer, as a JSON array
 * of [name, alias]; the names go into *cols (borrowed) for table_json. */
static hl_status role_cols(rep *r, const hl__out_layer *l, const char *role, const char ***cols, size_t *n) {
    hl__out_colinfo ci;
    *n = 0;
    *cols = hl_calloc(r->ctx, l->n_cols + 1, sizeof **cols);
    if (!*cols) return hl_error(r->ctx, HL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < l->n_cols; i++) {
        hl_status rc = hl__out_catalog_column(r->ctx, r->cat, l->name, l->cols[i], &ci);
        if (rc) return rc;
        if (ci.role && strcmp(ci.role, role) == 0) (*cols)[(*n)++] = l->cols[i];
        hl__out_colinfo_clear(&ci);
    }
    return HL_OK;
}

static hl_status aliases_json(rep *r, const hl__out_layer *l, const char *const *cols, size_t n) {
    hl__out_colinfo ci;
    hl__sb_add(r->b, "[");
    for (size_t i = 0; i < n; i++) {
        hl_status rc = hl__out_catalog_column(r->ctx, r->cat, l ? l->name : NULL, cols[i], &ci);
        if (rc) return rc;
        hl__sb_add(r->b, i ? "," : "");
        hl__sb_json(r->b, r->en ? ci.en : ci.zh);
        hl__out_colinfo_clear(&ci);
    }
    hl__sb_add(r->b, "]");
    return HL_OK;
}

static const hl__out_layer *layer(rep *r, const char *name) { return hl__out_schema_find(&r->s, name); }

/* The data object: const HL = {...}; */
static hl_status data_json(rep *r, const hl_out_report_opts *o, const char *gpkg_path) {
    hl_status rc = HL_OK;
    const char **tcols = NULL, **mcols = NULL, **vcols = NULL;
    size_t nt = 0, nm = 0;
    const hl__out_layer *l;
    hl__sb *b = r->b;
    hl__sb_add(b, "const HL = {\n\"lang\":");
    hl__sb_json(b, r->en ? "en" : "zh");
    hl__sb_add(b, ",\n\"source\":");
    const char *base = strrchr(gpkg_path, '/');
    hl__sb_json(b, base ? base + 1 : gpkg_path);
    hl__sb_add(b, ",\n\"tool_version\":");
    hl__sb_json(b, hl_version());
    /* run metadata (thresholds, plan, CRS) as a string parsed in JS */
    hl__sb_add(b, ",\n\"meta\":");
    {
        sqlite3_stmt *st = NULL;
        const char *sql = "SELECT metadata FROM gpkg_metadata WHERE md_standard_uri = 'urn:hinterland:run-metadata:1' "
                          "ORDER BY id LIMIT 1";
        if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            hl__sb_json(b, (const char *)sqlite3_column_text(st, 0));
        else
            hl__sb_add(b, "null");
        sqlite3_finalize(st);
    }
    /* indicator names */
    hl__sb_add(b, ",\n\"indicators\":{");
    for (size_t i = 0; i < r->cat->n_inds; i++) {
        char *nm_ = hl__out_indicator_name(r->ctx, r->cat, r->cat->inds[i].key, r->en ? "en" : "zh");
        char up[64];
        size_t k = 0;
        for (const char *p = r->cat->inds[i].key; *p && k < sizeof up - 1; p++)
            up[k++] = *p == '_' ? '-' : (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        up[k] = '\0';
        hl__sb_add(b, i ? "," : "");
        hl__sb_json(b, up);
        hl__sb_add(b, ":");
        hl__sb_json(b, nm_ ? nm_ : up);
        hl_free(nm_);
    }
    hl__sb_add(b, "}");
    /* indicator_summary */
    static const char *const is_cols[] = {"level", "code", "name", "indicator", "eligible_units", "meeting_units",
                                          "eligible_pop", "meeting_pop", "share_units", "share_pop", "target", "met",
                                          "gap_units", "gap_pop", "t_min", "t_median", "t_p90", "t_max"};
    hl__sb_add(b, ",\n\"summary_cols\":");
    hl__sb_add(b, "[");
    for (size_t i = 0; i < sizeof is_cols / sizeof *is_cols; i++) {
        hl__sb_add(b, i ? "," : "");
        hl__sb_json(b, is_cols[i]);
    }
    hl__sb_add(b, "],\n\"summary_titles\":");
    if ((rc = aliases_json(r, layer(r, "indicator_summary"), is_cols, sizeof is_cols / sizeof *is_cols))) goto done;
    hl__sb_add(b, ",\n\"summary\":");
    if ((l = layer(r, "indicator_summary")))
        rc = table_json(r, l, is_cols, sizeof is_cols / sizeof *is_cols, NULL,
                        "ORDER BY CASE level WHEN 'county' THEN 0 ELSE 1 END, code, indicator");
    else
        hl__sb_add(b, "[]");
    if (rc) goto done;
    /* gaps */
    static const char *const gap_cols_zh[] = {"rank", "name", "township_name", "village_code", "indicator",
                                              "population", "reason", "shortfall", "unit"};
    static const char *const gap_cols_en[] = {"rank", "name", "township_name", "village_code", "indicator",
                                              "population", "reason_en", "shortfall", "unit"};
    /* the gap reasons come in Chinese (reason) and English (reason_en) */
    const char *const *gap_cols =
        o->lang && !strcmp(o->lang, "en") && layer(r, "gaps") && has_col(layer(r, "gaps"), "reason_en") ? gap_cols_en
                                                                                                     : gap_cols_zh;
    hl__sb_add(b, ",\n\"gap_titles\":");
    if ((rc = aliases_json(r, layer(r, "gaps"), gap_cols, sizeof gap_cols_zh / sizeof *gap_cols_zh))) goto done;
    hl__sb_add(b, ",\n\"gaps\":");
    if ((l = layer(r, "gaps"))) {
        char lim[64];
        snprintf(lim, sizeof lim, "ORDER BY %s LIMIT %zu", has_col(l, "rank") ? "\"rank\"" : "rowid", o->top_gaps);
        rc = table_json(r, l, gap_cols, sizeof gap_cols_zh / sizeof *gap_cols_zh, NULL, lim);
    } else {
        hl__sb_add(b, "[]");
    }
    if (rc) goto done;
    /* villages: name, township, population, times, meets, point */
    hl__sb_add(b, ",\n\"villages\":");
    if ((l = layer(r, "village_indicators"))) {
        if ((rc = role_cols(r, l, "travel_time", &tcols, &nt))) goto done;
        if ((rc = role_cols(r, l, "meets", &mcols, &nm))) goto done;
        vcols = hl_calloc(r->ctx, nt + nm + 4, sizeof *vcols);
        if (!vcols) {
            rc = hl_error(r->ctx, HL_E_NOMEM, "out of memory");
            goto done;
        }
        vcols[0] = "name";
        vcols[1] = "township_name";
        vcols[2] = "population";
        memcpy(vcols + 3, tcols, nt * sizeof *vcols);
        memcpy(vcols + 3 + nt, mcols, nm * sizeof *vcols);
        hl__sb_add(b, "{\"time_cols\":[");
        for (size_t i = 0; i < nt; i++) {
            hl__sb_add(b, i ? "," : "");
            hl__sb_json(b, tcols[i]);
        }
        hl__sb_add(b, "],\"time_titles\":");
        if ((rc = aliases_json(r, l, tcols, nt))) goto done;
        hl__sb_add(b, ",\"meets_cols\":[");
        for (size_t i = 0; i < nm; i++) {
            hl__sb_add(b, i ? "," : "");
            hl__sb_json(b, mcols[i]);
        }
        hl__sb_add(b, "],\"meets_titles\":");
        if ((rc = aliases_json(r, l, mcols, nm))) goto done;
        hl__sb_add(b, ",\"rows\":");
        if ((rc = table_json(r, l, vcols, nt + nm + 3, "xy", "ORDER BY rowid"))) goto done;
        hl__sb_add(b, "}");
    } else {
        hl__sb_add(b, "null");
    }
    /* boundaries */
    static const char *const nm_cols[] = {"name"};
    hl__sb_add(b, ",\n\"townships\":");
    if ((l = layer(r, "townships")) || (l = layer(r, "township_summary")))
        rc = l->geom_col ? table_json(r, l, nm_cols, 1, "geo", "ORDER BY rowid") : (hl__sb_add(b, "[]"), HL_OK);
    else
        hl__sb_add(b, "[]");
    if (rc) goto done;
    hl__sb_add(b, ",\n\"county\":");
    if ((l = layer(r, "county")) || (l = layer(r, "county_summary")))
        rc = l->geom_col ? table_json(r, l, nm_cols, 1, "geo", "ORDER BY rowid") : (hl__sb_add(b, "[]"), HL_OK);
    else
        hl__sb_add(b, "[]");
    if (rc) goto done;
    /* service areas */
    static const char *const sa_cols[] = {"kind", "threshold_min", "facility_id"};
    hl__sb_add(b, ",\n\"service_areas\":");
    if ((l = layer(r, "service_areas")) && l->geom_col)
        rc = table_json(r, l, sa_cols, 3, "geo", "ORDER BY \"threshold_min\" DESC, rowid");
    else
        hl__sb_add(b, "[]");
    if (rc) goto done;
    /* roads by class */
    static const char *const rd_cols[] = {"class"};
    hl__sb_add(b, ",\n\"roads\":");
    if ((l = layer(r, "network_edges")) && l->geom_col)
        rc = table_json(r, l, rd_cols, 1, "geo", "ORDER BY rowid");
    else
        hl__sb_add(b, "[]");
    if (rc) goto done;
    hl__sb_add(b, ",\n\"road_classes\":[");
    for (size_t i = 0; i < r->cat->n_roads; i++) {
        const hl__out_alias *a = &r->cat->roads[i];
        hl__sb_add(b, i ? "," : "");
        hl__sb_add(b, "{\"label\":");
        hl__sb_json(b, r->en ? a->en : a->zh);
        hl__sb_add(b, ",\"color\":");
        hl__sb_json(b, a->color ? a->color : "#999999");
        hl__sb_add(b, ",\"width\":");
        hl__sb_num(b, a->width_mm > 0 ? a->width_mm * 2 : 1);
        hl__sb_add(b, ",\"values\":[");
        for (size_t k = 0; k < a->n_values; k++) {
            hl__sb_add(b, k ? "," : "");
            hl__sb_json(b, a->values[k]);
        }
        hl__sb_add(b, "]}");
    }
    hl__sb_add(b, "]\n};\n");
done:
    hl_free(tcols);
    hl_free(mcols);
    hl_free(vcols);
    return rc;
}

static const char k_css[] =
    "body{font-family:\"Microsoft YaHei\",\"PingFang SC\",\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\",sans-serif;"
    "margin:0;color:#222;background:#f6f7f9}"
    "header{background:#24506e;color:#fff;padding:16px 28px}header h1{margin:0;font-size:22px}"
    "header p{margin:4px 0 0;opacity:.85;font-size:13px}"
    "main{max-width:1200px;margin:0 auto;padding:8px 20px 40px}"
    "section{background:#fff;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.08);margin:18px 0;padding:14px 18px}"
    "h2{font-size:18px;margin:4px 0 12px;border-left:4px solid #24506e;padding-left:8px}"
    "table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #dde1e6;padding:4px 6px;"
    "text-align:left}th{background:#eef2f6;position:sticky;top:0}td.n{text-align:right;font-variant-numeric:"
    "tabular-nums}td.ok{background:#e3f4e4}td.bad{background:#fbe3e3}.scroll{max-height:480px;overflow:auto}"
    ".chart{width:100%;height:420px}.map{width:100%;height:560px}select{font-size:14px;margin:0 0 8px}"
    "pre{background:#f3f3f3;padding:8px;overflow:auto;font-size:12px}.muted{color:#777;font-size:12px}";

/* The page script: builds tables, charts and maps from HL (in pieces,
 * as C99 only promises string literals of 4095 bytes). */
static const char *const k_js[] = {
    "(function(){'use strict';\n",
    "var zh=HL.lang!=='en';function t(a,b){return zh?a:b;}\n",
    "function esc(s){return String(s==null?'':s).replace(/[&<>\"']/g,function(c){return{'&':'&amp;','<':'&lt;',"
    "'>':'&gt;','\"':'&quot;',\"'\":'&#39;'}[c];});}\n",
    "function pct(v){return v==null?'–':(100*v).toFixed(1)+'%';}\n",
    "function num(v,d){return v==null?'–':(typeof v==='number'?v.toFixed(d||0):esc(v));}\n",
    "function indName(id){return HL.indicators[id]||id;}\n",
    "function el(id){return document.getElementById(id);}\n",
    "var meta=null;try{meta=HL.meta?JSON.parse(HL.meta):null;}catch(e){meta=null;}\n",
    "var S=HL.summary,C=HL.summary_cols;function col(n){return C.indexOf(n);}\n",
    "function rowsAt(level){return S.filter(function(r){return r[col('level')]===level;});}\n",
    /* county table */
    "(function(){var rows=rowsAt('county');var h='<table><tr><th>'+t('指标','Indicator')+'</th>';\n",
    "['eligible_units','meeting_units','share_units','eligible_pop','meeting_pop','share_pop','target','met',"
    "'gap_pop','t_median','t_p90'].forEach(function(c){h+='<th>'+esc(HL.summary_titles[col(c)])+'</th>';});h+='</tr>';\n",
    "rows.forEach(function(r){var met=r[col('met')];h+='<tr><td>'+esc(r[col('indicator')])+' '+esc(indName("
    "r[col('indicator')]))+'</td><td class=n>'+num(r[col('eligible_units')])+'</td><td class=n>'+num(r[col("
    "'meeting_units')])+'</td><td class=n>'+pct(r[col('share_units')])+'</td><td class=n>'+num(r[col('eligible_pop')"
    "])+'</td><td class=n>'+num(r[col('meeting_pop')])+'</td><td class=n>'+pct(r[col('share_pop')])+'</td><td "
    "class=n>'+pct(r[col('target')])+'</td><td class=\"'+(met===1?'ok':met===0?'bad':'')+'\">'+(met===1?t('达到',"
    "'met'):met===0?t('未达到','not met'):'–')+'</td><td class=n>'+num(r[col('gap_pop')])+'</td><td class=n>'+num("
    "r[col('t_median')],1)+'</td><td class=n>'+num(r[col('t_p90')],1)+'</td></tr>';});\n",
    "el('county-table').innerHTML=rows.length?h+'</table>':'<p class=muted>'+t('无县级汇总','No county summary')+"
    "'</p>';})();\n",
    /* township pivot */
    "var towns=[],inds=[];rowsAt('township').forEach(function(r){var n=r[col('name')]||r[col('code')];if(towns."
    "indexOf(n)<0)towns.push(n);if(inds.indexOf(r[col('indicator')])<0)inds.push(r[col('indicator')]);});\n",
    "(function(){var h='<table><tr><th>'+t('乡镇','Township')+'</th>';inds.forEach(function(i){h+='<th title=\"'+"
    "esc(indName(i))+'\">'+esc(i)+'</th>';});h+='</tr>';towns.forEach(function(tn){h+='<tr><td>'+esc(tn)+'</td>';\n",
    "inds.forEach(function(i){var r=rowsAt('township').filter(function(x){return (x[col('name')]||x[col('code')])"
    "===tn&&x[col('indicator')]===i;})[0];if(!r){h+='<td>–</td>';return;}var m=r[col('met')];h+='<td class=\"n '+"
    "(m===1?'ok':m===0?'bad':'')+'\">'+pct(r[col('share_pop')])+'</td>';});h+='</tr>';});\n",
    "el('town-table').innerHTML=towns.length?h+'</table><p class=muted>'+t('单元格为达标人口比例；绿色=达到目标，"
    "红色=未达到。','Cells: share of population meeting; green = target met, red = not met.')+'</p>':'<p "
    "class=muted>'+t('无乡镇汇总','No township summary')+'</p>';})();\n",
    /* gaps */
    "(function(){var h='<table><tr>';HL.gap_titles.forEach(function(c){h+='<th>'+esc(c)+'</th>';});h+='</tr>';\n",
    "HL.gaps.forEach(function(r){h+='<tr>';r.forEach(function(v,i){if(i===4)v=v+' '+indName(v);h+='<td'+(typeof v"
    "==='number'?' class=n':'')+'>'+(typeof v==='number'?num(v,i===7?1:0):esc(v))+'</td>';});h+='</tr>';});\n",
    "el('gap-table').innerHTML=HL.gaps.length?h+'</table>':'<p class=muted>'+t('无短板','No gaps')+'</p>';})();\n",
    /* thresholds */
    "(function(){var box=el('thresholds');if(!meta){box.innerHTML='<p class=muted>'+t('文件中没有运行元数据',"
    "'No run metadata in the file')+'</p>';return;}var h='<p>'+t('工作坐标系','Working CRS')+': '+esc(meta."
    "working_crs)+' · '+t('工具版本','Tool version')+': '+esc(meta.tool_version)+'</p>';var th=meta.thresholds;\n",
    "if(Array.isArray(th)&&th.length){var keys=[];th.forEach(function(o){if(o&&typeof o==='object')Object.keys(o)."
    "forEach(function(k){if(keys.indexOf(k)<0)keys.push(k);});});h+='<div class=scroll><table><tr>';keys.forEach("
    "function(k){h+='<th>'+esc(k)+'</th>';});h+='</tr>';th.forEach(function(o){h+='<tr>';keys.forEach(function(k){"
    "var v=o?o[k]:null;h+='<td>'+esc(typeof v==='object'&&v!==null?JSON.stringify(v):v)+'</td>';});h+='</tr>';});"
    "h+='</table></div>';}else if(th){h+='<pre>'+esc(JSON.stringify(th,null,1))+'</pre>';}\n",
    "if(meta.plan_yaml)h+='<details><summary>'+t('规划参数文件','Plan file')+'</summary><pre>'+esc(meta.plan_yaml)+"
    "'</pre></details>';box.innerHTML=h;})();\n",
    "if(typeof echarts==='undefined'){return;}\n",
    "var V=HL.villages;\n",
    /* histogram */
    "(function(){var sel=el('hist-kind');if(!V||!V.time_cols.length){el('hist').innerHTML='<p class=muted>'+t("
    "'无通行时间','No travel times')+'</p>';sel.style.display='none';return;}V.time_cols.forEach(function(c,i){var o="
    "document.createElement('option');o.value=i;o.textContent=V.time_titles[i];sel.appendChild(o);});\n",
    "var ch=echarts.init(el('hist'));function draw(){var i=+sel.value,bins=[],lab=[],un=0;for(var b=0;b<19;b++){"
    "bins.push(0);lab.push(b<18?(b*5)+'–'+(b*5+5):'≥90');}V.rows.forEach(function(r){var v=r[3+i];if(v==null){un++;"
    "return;}var b=Math.min(18,Math.max(0,Math.floor(v/5)));bins[b]++;});lab.push(t('不可达','unreachable'));bins."
    "push(un);\n",
    "ch.setOption({animation:false,tooltip:{},grid:{left:50,right:20,bottom:50},xAxis:{type:'category',data:lab,"
    "name:t('分钟','min'),axisLabel:{rotate:40}},yAxis:{type:'value',name:t('村庄数','villages'),minInterval:1},"
    "series:[{type:'bar',data:bins.map(function(n,k){return{value:n,itemStyle:{color:k>=19?'#aaaaaa':k<3?"
    "'#1a9641':k<6?'#a6d96a':k<9?'#e6c229':k<12?'#fdae61':'#d7191c'}};})}]},true);}sel.onchange=draw;draw();})();\n",
    /* share by township */
    "(function(){var sel=el('share-ind');if(!inds.length){el('share').innerHTML='<p class=muted>'+t('无乡镇汇总',"
    "'No township summary')+'</p>';sel.style.display='none';return;}inds.forEach(function(i){var o=document."
    "createElement('option');o.value=i;o.textContent=i+' '+indName(i);sel.appendChild(o);});var ch=echarts.init(el("
    "'share'));\n",
    "function draw(){var i=sel.value,vals=[],tgt=null;towns.forEach(function(tn){var r=rowsAt('township').filter("
    "function(x){return (x[col('name')]||x[col('code')])===tn&&x[col('indicator')]===i;})[0];vals.push(r&&r[col("
    "'share_pop')]!=null?+(100*r[col('share_pop')]).toFixed(1):null);if(r&&r[col('target')]!=null)tgt=100*r[col("
    "'target')];});\n",
    "ch.setOption({animation:false,tooltip:{},grid:{left:50,right:30,bottom:60},xAxis:{type:'category',data:towns,"
    "axisLabel:{rotate:30}},yAxis:{type:'value',max:100,name:'%'},series:[{type:'bar',data:vals.map(function(v){"
    "return{value:v,itemStyle:{color:tgt!=null&&v!=null&&v<tgt?'#d7191c':'#1a9641'}};}),markLine:tgt==null?undefined:"
    "{symbol:'none',data:[{yAxis:tgt,name:t('目标','target')}],label:{formatter:t('目标 ','target ')+tgt.toFixed(0)+"
    "'%'}}}]},true);}sel.onchange=draw;draw();})();\n",
    /* base map */
    "function fc(rows,nameIdx,extra){var f=[];rows.forEach(function(r,k){var g=r[r.length-1];if(!g)return;f.push({"
    "type:'Feature',properties:{name:(extra||'')+k},geometry:g});});return{type:'FeatureCollection',features:f};}\n",
    "var base=fc(HL.townships.concat(HL.county),0,'b');echarts.registerMap('hl_base',base);\n",
    "var sa=fc(HL.service_areas,0,'s');var saAll={type:'FeatureCollection',features:sa.features.concat(base.features)};"
    "echarts.registerMap('hl_sa',saAll);\n",
    "function geo(map,regions){return{map:map,roam:true,aspectScale:1,silent:true,label:{show:false},itemStyle:{"
    "areaColor:'#f4f4f0',borderColor:'#777',borderWidth:1},emphasis:{disabled:true},regions:regions||[]};}\n",
    "function centre(g){var b=[1e18,1e18,-1e18,-1e18];(function w(c){if(typeof c[0]==='number'){b[0]=Math.min(b[0],c[0]"
    ");b[1]=Math.min(b[1],c[1]);b[2]=Math.max(b[2],c[0]);b[3]=Math.max(b[3],c[1]);}else c.forEach(w);})(g.coordinates);"
    "return[(b[0]+b[2])/2,(b[1]+b[3])/2];}\n",
    "var townLabels=HL.townships.filter(function(r){return r[1];}).map(function(r){return{name:r[0],value:centre(r[1])"
    "};});\n",
    /* village map */
    "(function(){var sel=el('map-ind');if(!V){el('map-v').innerHTML='<p class=muted>'+t('无村庄图层','No village "
    "layer')+'</p>';sel.style.display='none';return;}V.time_cols.forEach(function(c,i){var o=document.createElement("
    "'option');o.value='t'+i;o.textContent=V.time_titles[i];sel.appendChild(o);});V.meets_cols.forEach(function(c,i)"
    "{var o=document.createElement('option');o.value='m'+i;o.textContent=V.meets_titles[i];sel.appendChild(o);});\n",
    "var ch=echarts.init(el('map-v'));function draw(){var s=sel.value,isT=s[0]==='t',i=+s.slice(1),idx=3+(isT?i:V."
    "time_cols.length+i);var data=V.rows.filter(function(r){return r[r.length-1];}).map(function(r){var v=r[idx];"
    "return{name:r[0],value:r[r.length-1].concat([v==null?-1:v]),town:r[1],pop:r[2]};});\n",
    "var vm=isT?{type:'piecewise',dimension:2,pieces:[{min:-1,max:-0.5,label:t('不可达/未计算','unreachable'),color:"
    "'#aaaaaa'},{min:0,max:15,color:'#1a9641'},{min:15,max:30,color:'#a6d96a'},{min:30,max:45,color:'#e6c229'},{min:"
    "45,max:60,color:'#fdae61'},{min:60,color:'#d7191c'}]}:{type:'piecewise',dimension:2,pieces:[{value:1,label:t("
    "'达标','meets'),color:'#1a9641'},{value:0,label:t('未达标','fails'),color:'#d7191c'},{value:-1,label:t('不适用',"
    "'n/a'),color:'#aaaaaa'}]};\n",
    "ch.setOption({animation:false,tooltip:{formatter:function(p){if(!p.data||p.data.town===undefined)return esc("
    "p.name);var v=p.data.value[2];return esc(p.name)+'<br>'+esc(p.data.town)+'<br>'+esc(sel.options[sel."
    "selectedIndex].text)+': '+(v<0?'–':esc(v))+'<br>'+t('人口','population')+': '+esc(p.data.pop);}},visualMap:"
    "Object.assign(vm,{left:10,bottom:10,seriesIndex:0}),geo:geo('hl_base'),series:[{type:'scatter',coordinateSystem:"
    "'geo',data:data,symbolSize:7,itemStyle:{borderColor:'#333',borderWidth:0.5}},{type:'scatter',coordinateSystem:"
    "'geo',data:townLabels,symbolSize:0,label:{show:true,formatter:'{b}',color:'#444',fontSize:12},silent:true}]},"
    "true);}sel.onchange=draw;draw();})();\n",
    /* service areas */
    "(function(){if(!HL.service_areas.length){el('map-sa').innerHTML='<p class=muted>'+t('无服务区','No service "
    "areas')+'</p>';return;}var th=[];HL.service_areas.forEach(function(r){if(th.indexOf(r[1])<0)th.push(r[1]);});th."
    "sort(function(a,b){return a-b;});var cols=['#006d2c','#31a354','#74c476','#a1d99b','#c7e9c0','#edf8e9'];\n",
    "var regions=sa.features.map(function(f,k){var r=HL.service_areas[+f.properties.name.slice(1)];var c=cols[Math."
    "min(cols.length-1,th.indexOf(r[1]))];return{name:f.properties.name,itemStyle:{areaColor:c,opacity:0.55,"
    "borderColor:c}};});var ch=echarts.init(el('map-sa'));\n",
    "ch.setOption({animation:false,title:{text:th.map(function(v,k){return '≤'+v+t('分钟','min');}).join('  '),left:"
    "10,bottom:10,textStyle:{fontSize:12,fontWeight:'normal'}},geo:geo('hl_sa',regions),series:[{type:'scatter',"
    "coordinateSystem:'geo',data:townLabels,symbolSize:0,label:{show:true,formatter:'{b}',color:'#444'},silent:true}"
    "]},true);})();\n",
    /* roads */
    "(function(){if(!HL.roads.length){el('map-r').innerHTML='<p class=muted>'+t('无路网','No road network')+"
    "'</p>';return;}function cls(v){var s=String(v==null?'':v).toLowerCase();for(var i=0;i<HL.road_classes.length;"
    "i++){if(HL.road_classes[i].values.some(function(x){return String(x).toLowerCase()===s;}))return i;}return -1;}\n",
    "var series=HL.road_classes.map(function(c){return{name:c.label,type:'lines',coordinateSystem:'geo',polyline:true,"
    "silent:true,lineStyle:{color:c.color,width:c.width,opacity:0.9},data:[]};});series.push({name:t('其他','other')"
    ",type:'lines',coordinateSystem:'geo',polyline:true,silent:true,lineStyle:{color:'#999',width:0.6},data:[]});\n",
    "HL.roads.forEach(function(r){var g=r[1];if(!g)return;var k=cls(r[0]);var s=series[k<0?series.length-1:k];var "
    "parts=g.type==='LineString'?[g.coordinates]:g.type==='MultiLineString'?g.coordinates:[];parts.forEach(function("
    "p){s.data.push({coords:p});});});series=series.filter(function(s){return s.data.length;});series.reverse();\n",
    "var ch=echarts.init(el('map-r'));ch.setOption({animation:false,legend:{left:10,bottom:10,orient:'vertical',data:"
    "series.map(function(s){return s.name;}).reverse()},geo:geo('hl_base'),series:series},true);})();\n",
    "window.addEventListener('resize',function(){document.querySelectorAll('.chart,.map').forEach(function(d){var c="
    "echarts.getInstanceByDom(d);if(c)c.resize();});});\n",
    "})();\n",
    NULL};

static void section(hl__sb *b, const char *id, const char *title) {
    hl__sb_addf(b, "<section id=\"s-%s\"><h2>", id);
    hl__sb_xml(b, title);
    hl__sb_add(b, "</h2>\n");
}

hl_status hl_out_write_report(hl_ctx *ctx, const char *gpkg_path, const char *html_path, const hl_out_report_opts *opts) {
    hl_status rc = HL_OK;
    hl_out_report_opts o;
    rep r;
    hl__sb b;
    char *js = NULL, *jspath = NULL, *html = NULL;
    size_t jslen = 0;
    memset(&r, 0, sizeof r);
    hl__sb_init(&b, ctx);
    if (opts) o = *opts;
    else hl_out_report_opts_init(&o);
    if (!o.lang) o.lang = "zh";
    if (o.top_gaps == 0) o.top_gaps = 50;
    r.ctx = ctx;
    r.en = strcmp(o.lang, "en") == 0;
    r.tol_m = o.simplify_tol_m;
    r.b = &b;
    /* fail early, before the work, if the output exists */
    if (!o.force) {
        FILE *fp = fopen(html_path, "rb");
        if (fp) {
            fclose(fp);
            return hl_error(ctx, HL_E_EXISTS, "report %s already exists; use -f/--force to overwrite it", html_path);
        }
    }
    jspath = hl_sprintf(ctx, "%s/echarts/echarts.min.js", o.vendor_dir ? o.vendor_dir : hl_out_vendor_dir());
    if (!jspath) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    if ((rc = hl__out_read_file(ctx, jspath, &js, &jslen))) {
        hl_error_prefix(ctx, "report: the chart library is missing (set HL_VENDOR_DIR to the folder holding "
                             "echarts/echarts.min.js)");
        goto done;
    }
    if (strstr(js, "</script")) {
        rc = hl_error(ctx, HL_E_FORMAT, "report: %s contains '</script' and cannot be inlined", jspath);
        goto done;
    }
    if ((rc = hl__out_catalog_load(ctx, NULL, &r.cat))) goto done;
    if ((rc = hl__out_db_open(ctx, gpkg_path, false, &r.db))) goto done;
    if ((rc = hl__out_schema_read(ctx, r.db, &r.s))) goto done;
    r.gh = GEOS_init_r();
    if (!r.gh) {
        rc = hl_error(ctx, HL_E_DEP, "report: cannot start GEOS");
        goto done;
    }
    GEOSContext_setErrorHandler_r(r.gh, geos_quiet);
    GEOSContext_setNoticeHandler_r(r.gh, geos_quiet);
    r.wkb = GEOSWKBReader_create_r(r.gh);
    r.gj = GEOSGeoJSONWriter_create_r(r.gh);
    if (!r.wkb || !r.gj) {
        rc = hl_error(ctx, HL_E_DEP, "report: cannot create GEOS readers");
        goto done;
    }
    const char *base = strrchr(gpkg_path, '/');
    base = base ? base + 1 : gpkg_path;
    hl__sb_addf(&b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                    "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n<title>",
                r.en ? "en" : "zh-CN");
    hl__sb_xml(&b, T(&r, "县乡村覆盖与可达性评估报告", "County, township and village coverage and accessibility report"));
    hl__sb_add(&b, " — ");
    hl__sb_xml(&b, base);
    hl__sb_addf(&b, "</title>\n<style>%s</style>\n</head>\n<body>\n<header><h1>", k_css);
    hl__sb_xml(&b, T(&r, "县乡村覆盖与可达性评估报告", "County, township and village coverage and accessibility report"));
    hl__sb_add(&b, "</h1><p>");
    hl__sb_xml(&b, T(&r, "数据文件：", "Data file: "));
    hl__sb_xml(&b, base);
    hl__sb_add(&b, " · hinterland ");
    hl__sb_xml(&b, hl_version());
    hl__sb_add(&b, "</p></header>\n<main>\n");
    section(&b, "county", T(&r, "县域指标与目标", "County indicators against targets"));
    hl__sb_add(&b, "<div id=\"county-table\" class=\"scroll\"></div></section>\n");
    section(&b, "towns", T(&r, "各乡镇达标情况", "Townships against targets"));
    hl__sb_add(&b, "<div id=\"town-table\" class=\"scroll\"></div>\n<select id=\"share-ind\"></select>"
                   "<div id=\"share\" class=\"chart\"></div></section>\n");
    section(&b, "gaps", T(&r, "短板清单", "Gap list"));
    hl__sb_addf(&b, "<p class=\"muted\">%s %zu</p><div id=\"gap-table\" class=\"scroll\"></div></section>\n",
                T(&r, "按优先级排序，前", "In priority order, top"), o.top_gaps);
    section(&b, "hist", T(&r, "通行时间分布", "Travel-time distribution"));
    hl__sb_add(&b, "<select id=\"hist-kind\"></select><div id=\"hist\" class=\"chart\"></div></section>\n");
    section(&b, "mapv", T(&r, "村庄指标地图", "Village indicator map"));
    hl__sb_add(&b, "<select id=\"map-ind\"></select><div id=\"map-v\" class=\"map\"></div></section>\n");
    section(&b, "mapsa", T(&r, "设施服务区", "Facility service areas"));
    hl__sb_add(&b, "<div id=\"map-sa\" class=\"map\"></div></section>\n");
    section(&b, "mapr", T(&r, "路网（按等级）", "Road network by class"));
    hl__sb_add(&b, "<div id=\"map-r\" class=\"map\"></div></section>\n");
    section(&b, "thr", T(&r, "所用阈值及来源", "Thresholds used and their sources"));
    hl__sb_add(&b, "<div id=\"thresholds\"></div></section>\n</main>\n");
    hl__sb_add(&b, "<script>\n");
    hl__sb_addn(&b, js, jslen);
    hl__sb_add(&b, "\n</script>\n<script>\n");
    if ((rc = data_json(&r, &o, gpkg_path))) goto done;
    for (size_t i = 0; k_js[i]; i++) hl__sb_add(&b, k_js[i]);
    hl__sb_add(&b, "</script>\n</body>\n</html>\n");
    if (!(html = hl__sb_take(&b))) {
        rc = HL_E_NOMEM;
        goto done;
    }
    rc = hl__out_write_file_atomic(ctx, html_path, html, strlen(html), o.force);
done:
    if (r.gj) GEOSGeoJSONWriter_destroy_r(r.gh, r.gj);
    if (r.wkb) GEOSWKBReader_destroy_r(r.gh, r.wkb);
    if (r.gh) GEOS_finish_r(r.gh);
    hl__out_schema_free(&r.s);
    hl__out_catalog_destroy(r.cat);
    if (r.db) sqlite3_close(r.db);
    hl__sb_free(&b);
    hl_free(html);
    hl_free(js);
    hl_free(jspath);
    return rc;
}
