/* The network stage: road features -> resolved speeds, directions and
 * levels -> the noded road network, with its edges, nodes and topology
 * findings as output tables. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/analysis_int.h"
#include "core/core_int.h"
#include "layer/layer_int.h"

/* Value of `key` in an OSM other_tags hstore text ("k"=>"v","k2"=>"v2"). */
static bool osm_tag(const char *tags, const char *key, char *out, size_t size) {
    size_t kl = strlen(key);
    const char *p = tags;
    if (!tags) return false;
    while ((p = strchr(p, '"')) != NULL) {
        const char *k = p + 1;
        const char *ke = strchr(k, '"');
        const char *v, *ve;
        size_t n;
        if (!ke) return false;
        if (strncmp(ke, "\"=>\"", 4)) {
            p = ke + 1;
            continue;
        }
        v = ke + 4;
        ve = v;
        while (*ve && !(*ve == '"' && ve[-1] != '\\')) ve++;
        if ((size_t)(ke - k) == kl && !strncmp(k, key, kl)) {
            n = (size_t)(ve - v);
            if (n >= size) n = size - 1;
            memcpy(out, v, n);
            out[n] = '\0';
            return true;
        }
        if (!*ve) return false;
        p = ve + 1;
    }
    return false;
}

/* A road attribute: the bound canonical field, else an OSM tag from the
 * highway column / other_tags. */
static const char *road_attr(const hl_layer *L, size_t i, const char *canonical, const char *osm_key, char *buf,
                             size_t size) {
    const char *v = hl_layer_value(L, i, canonical);
    size_t col;
    if (v) return v;
    if (!osm_key) return NULL;
    col = hl_layer_field_index(L, osm_key);
    if (col != SIZE_MAX && (v = hl_layer_raw(L, i, col)) != NULL && *v) return v;
    col = hl_layer_field_index(L, "other_tags");
    if (col != SIZE_MAX && osm_tag(hl_layer_raw(L, i, col), osm_key, buf, size)) return buf;
    return NULL;
}

static double plan_class_speed(const hl_plan *plan, const char *cls) {
    for (size_t i = 0; i < plan->n_speeds; i++)
        if (!strcmp(plan->speeds[i].key, cls)) return strtod(plan->speeds[i].value, NULL);
    return NAN;
}

static int parse_grade(const char *g) {
    if (!g) return 0;
    if (strstr(g, "等外")) return 5;
    if (strstr(g, "高速")) return 1;
    if (strstr(g, "一级") || !strcmp(g, "1") || !strcasecmp(g, "I")) return 1;
    if (strstr(g, "二级") || !strcmp(g, "2") || !strcasecmp(g, "II")) return 2;
    if (strstr(g, "三级") || !strcmp(g, "3") || !strcasecmp(g, "III")) return 3;
    if (strstr(g, "四级") || !strcmp(g, "4") || !strcasecmp(g, "IV")) return 4;
    return 0;
}

/* Resolve class, surface, speed, direction and level of every road. */
static hl_status resolve_roads(hl_analysis *a, hl_road_line *lines, double **coords_out, size_t *n_lines_out,
                               size_t *line_road) {
    hl_ctx *ctx = a->ctx;
    hl_study *s = a->study;
    const hl_layer *R = s->roads;
    GEOSContextHandle_t h = hl__geos(ctx);
    size_t n = hl_layer_count(R), nl = 0, ncoord = 0, cap = 0;
    double *coords = NULL;
    size_t *start = NULL;
    hl_status rc = HL_OK;
    size_t n_bad_speed = 0, n_unrouted = 0;
    char buf[256], buf2[256], idb[64];

    start = hl_malloc(ctx, (n + 1) * sizeof *start);
    if (!start) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n && !rc; i++) {
        hl_road_info *ri = &a->roads[i];
        const GEOSGeometry *g = hl__layer_geom(R, i);
        const char *cls = road_attr(R, i, "class", NULL, buf, sizeof buf);
        const char *hw = road_attr(R, i, "highway", "highway", buf2, sizeof buf2);
        const char *v;
        double speed = NAN, factor = 1.0;
        hl_road_class_info ci;
        hl_surface_info si;
        bool routable = true;
        char sbuf[128], obuf[64], jbuf[64];
        memset(ri, 0, sizeof *ri);
        ri->class_name = "unknown";
        ri->surface = "unknown";
        if (cls && hl_spec_road_class(s->specs, cls, &ci) && ci.known) {
            ri->class_name = ci.name;
            speed = ci.speed_kmh;
        } else if (hw) {
            hl_osm_highway_info oi;
            if (hl_spec_osm_highway(s->specs, hw, &oi)) {
                ri->class_name = oi.road_class;
                speed = oi.speed_kmh;
                routable = oi.routable;
            } else {
                routable = false;
            }
        } else if (hl_spec_road_class(s->specs, cls ? cls : "", &ci)) {
            ri->class_name = ci.name;
            speed = ci.speed_kmh;
        }
        {
            double ps = plan_class_speed(a->plan, ri->class_name);
            if (isfinite(ps) && ps > 0) speed = ps;
        }
        v = road_attr(R, i, "surface", "surface", sbuf, sizeof sbuf);
        if (v && hl_spec_surface(s->specs, v, &si)) {
            ri->surface = si.name;
            ri->hardened = si.hardened;
            if (si.known && si.speed_factor > 0) factor = si.speed_factor;
        } else if (!v && hw) {
            /* OSM without surface: paved unless track/path */
            ri->hardened = strcmp(hw, "track") != 0;
        }
        ri->grade = parse_grade(hl_layer_value(R, i, "grade"));
        if (isfinite(speed)) speed *= factor;
        /* an explicit speed, then maxspeed */
        {
            double fs = hl_layer_number(R, i, "speed_kmh", NAN);
            double ms = NAN;
            const char *mv = road_attr(R, i, "maxspeed", "maxspeed", sbuf, sizeof sbuf);
            if (hl_layer_value(R, i, "speed_kmh") && !(fs > 0)) {
                n_bad_speed++;
                rc = hl_qa_add(ctx, s->qa, HL_QA_WARNING, "speed_invalid", "roads", hl_layer_source_name(R),
                               hl_layer_id(R, i, idb, sizeof idb), false, 0, 0, fs,
                               "road speed '%s' is not a positive number; the class default is used instead",
                               hl_layer_value(R, i, "speed_kmh"));
                if (rc) break;
                fs = NAN;
            }
            if (mv && !hl_spec_parse_maxspeed(s->specs, mv, &ms)) ms = NAN;
            if (fs > 0) speed = fs;
            else if (ms > 0) speed = ms;
        }
        if (!(speed > 0)) speed = 15.0; /* unknown class: the spec's 'unknown' speed */
        ri->speed_kmh = speed;
        ri->oneway = hl_spec_road_direction(s->specs, road_attr(R, i, "oneway", "oneway", obuf, sizeof obuf),
                                            road_attr(R, i, "junction", "junction", jbuf, sizeof jbuf));
        start[i] = nl;
        if (!routable) {
            n_unrouted++;
            continue;
        }
        if (!g) continue;
        /* one line per part of a (multi)linestring */
        {
            int parts = GEOSGetNumGeometries_r(h, g);
            int level = 0;
            const char *lv = road_attr(R, i, "level", "layer", sbuf, sizeof sbuf);
            bool flag;
            if (lv) level = atoi(lv);
            if (!level && (lv = road_attr(R, i, "bridge", "bridge", sbuf, sizeof sbuf)) != NULL &&
                hl_spec_parse_bool(lv, &flag) && flag)
                level = 1;
            if (!level && (lv = road_attr(R, i, "tunnel", "tunnel", sbuf, sizeof sbuf)) != NULL &&
                hl_spec_parse_bool(lv, &flag) && flag)
                level = -1;
            for (int p = 0; p < parts && !rc; p++) {
                const GEOSGeometry *part = GEOSGetGeometryN_r(h, g, p);
                const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, part);
                unsigned int nv = 0;
                if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &nv) || nv < 2) continue;
                if ((rc = hl_grow(ctx, (void **)&coords, &cap, ncoord + 2 * nv, sizeof *coords))) break;
                for (unsigned int k = 0; k < nv; k++) {
                    GEOSCoordSeq_getXY_r(h, cs, k, &coords[ncoord + 2 * k], &coords[ncoord + 2 * k + 1]);
                }
                lines[nl].xy = NULL; /* set after all coordinates are in place */
                lines[nl].n_vertices = nv;
                lines[nl].speed_kmh = speed;
                lines[nl].oneway = ri->oneway;
                lines[nl].level = level;
                lines[nl].road_index = (int64_t)i;
                line_road[nl] = ncoord; /* temporarily: coordinate offset */
                ncoord += 2 * nv;
                nl++;
            }
        }
    }
    if (!rc) {
        for (size_t k = 0; k < nl; k++) {
            lines[k].xy = coords + line_road[k];
            line_road[k] = (size_t)lines[k].road_index;
        }
        if (n_unrouted)
            hl_log(ctx, HL_LOG_INFO, "%zu road features are not for motor traffic (OSM highway values such as "
                                     "footway) and are left out of the network", n_unrouted);
        if (n_bad_speed) hl_log(ctx, HL_LOG_WARN, "%zu roads have a zero or negative speed (see qa_issues)", n_bad_speed);
        *coords_out = coords;
        *n_lines_out = nl;
    } else {
        hl_free(coords);
    }
    hl_free(start);
    return rc;
}

static hl_status edges_table(hl_analysis *a) {
    hl_ctx *ctx = a->ctx;
    hl_network *net = a->net;
    GEOSContextHandle_t h = hl__geos(ctx);
    hl_table *t = NULL;
    size_t ne = hl_net_edge_count(net);
    size_t c_id, c_from, c_to, c_road, c_class, c_surf, c_hard, c_len, c_fwd, c_bwd, c_comp, c_speed;
    hl_status rc;
    char idb[64];
    if ((rc = hl_table_create(ctx, "network_edges", HL_GEOM_LINE, &t))) return rc;
    if ((rc = hl_table_add_column(ctx, t, "edge_id", HL_COL_INT, &c_id)) ||
        (rc = hl_table_add_column(ctx, t, "from_node", HL_COL_INT, &c_from)) ||
        (rc = hl_table_add_column(ctx, t, "to_node", HL_COL_INT, &c_to)) ||
        (rc = hl_table_add_column(ctx, t, "road_id", HL_COL_TEXT, &c_road)) ||
        (rc = hl_table_add_column(ctx, t, "class", HL_COL_TEXT, &c_class)) ||
        (rc = hl_table_add_column(ctx, t, "surface", HL_COL_TEXT, &c_surf)) ||
        (rc = hl_table_add_column(ctx, t, "hardened", HL_COL_INT, &c_hard)) ||
        (rc = hl_table_add_column(ctx, t, "speed_kmh", HL_COL_REAL, &c_speed)) ||
        (rc = hl_table_add_column(ctx, t, "len_m", HL_COL_REAL, &c_len)) ||
        (rc = hl_table_add_column(ctx, t, "time_fwd_s", HL_COL_REAL, &c_fwd)) ||
        (rc = hl_table_add_column(ctx, t, "time_bwd_s", HL_COL_REAL, &c_bwd)) ||
        (rc = hl_table_add_column(ctx, t, "component", HL_COL_INT, &c_comp)))
        goto fail;
    for (uint32_t e = 0; e < ne; e++) {
        hl_net_edge ed;
        GEOSCoordSequence *cs;
        GEOSGeometry *g;
        unsigned char *wkb;
        size_t wsz = 0, row;
        const hl_road_info *ri;
        hl_net_edge_get(net, e, &ed);
        ri = &a->roads[ed.road_index];
        cs = GEOSCoordSeq_copyFromBuffer_r(h, ed.xy, (unsigned int)ed.n_vertices, 0, 0);
        g = cs ? GEOSGeom_createLineString_r(h, cs) : NULL;
        wkb = g ? hl__geom_wkb(ctx, g, &wsz) : NULL;
        if (g) GEOSGeom_destroy_r(h, g);
        rc = hl_table_add_row(ctx, t, wkb, wsz, &row);
        if (wkb) GEOSFree_r(h, wkb);
        if (rc) goto fail;
        hl_table_set_int(t, row, c_id, e);
        hl_table_set_int(t, row, c_from, ed.from);
        hl_table_set_int(t, row, c_to, ed.to);
        if ((rc = hl_table_set_text(ctx, t, row, c_road,
                                    hl_layer_id(a->study->roads, (size_t)ed.road_index, idb, sizeof idb))) ||
            (rc = hl_table_set_text(ctx, t, row, c_class, ri->class_name)) ||
            (rc = hl_table_set_text(ctx, t, row, c_surf, ri->surface)))
            goto fail;
        hl_table_set_int(t, row, c_hard, ri->hardened);
        hl_table_set_real(t, row, c_speed, ed.speed_kmh);
        hl_table_set_real(t, row, c_len, ed.len_m);
        hl_table_set_real(t, row, c_fwd, ed.fwd_s);
        hl_table_set_real(t, row, c_bwd, ed.bwd_s);
        hl_table_set_int(t, row, c_comp, ed.component);
    }
    return hl__analysis_add_table(a, t);
fail:
    hl_table_destroy(t);
    return rc;
}

static hl_status nodes_table(hl_analysis *a) {
    hl_ctx *ctx = a->ctx;
    hl_network *net = a->net;
    size_t nn = hl_net_node_count(net), ne = hl_net_edge_count(net);
    const double *xy = hl_net_nodes_xy(net);
    const uint32_t *comp = hl_net_node_components(net);
    const uint32_t *ef = hl_net_edges_from(net), *et = hl_net_edges_to(net);
    uint32_t *deg = hl_calloc(ctx, nn ? nn : 1, sizeof *deg);
    hl_table *t = NULL;
    size_t c_id, c_deg, c_comp;
    hl_status rc;
    if (!deg) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    for (size_t e = 0; e < ne; e++) {
        deg[ef[e]]++;
        deg[et[e]]++;
    }
    if ((rc = hl_table_create(ctx, "network_nodes", HL_GEOM_POINT, &t))) goto done;
    if ((rc = hl_table_add_column(ctx, t, "node_id", HL_COL_INT, &c_id)) ||
        (rc = hl_table_add_column(ctx, t, "degree", HL_COL_INT, &c_deg)) ||
        (rc = hl_table_add_column(ctx, t, "component", HL_COL_INT, &c_comp)))
        goto done;
    for (size_t v = 0; v < nn; v++) {
        size_t wsz, row;
        unsigned char *wkb = hl__point_wkb(ctx, xy[2 * v], xy[2 * v + 1], &wsz);
        rc = hl_table_add_row(ctx, t, wkb, wsz, &row);
        if (wkb) GEOSFree_r(hl__geos(ctx), wkb);
        if (rc) goto done;
        hl_table_set_int(t, row, c_id, (int64_t)v);
        hl_table_set_int(t, row, c_deg, deg[v]);
        hl_table_set_int(t, row, c_comp, comp[v]);
    }
    rc = hl__analysis_add_table(a, t);
    t = NULL;
done:
    hl_table_destroy(t);
    hl_free(deg);
    return rc;
}

static hl_status topology_findings(hl_analysis *a) {
    hl_ctx *ctx = a->ctx;
    hl_network *net = a->net;
    size_t nc = hl_net_component_count(net), nd = 0, nm = 0;
    const uint32_t *dangles = hl_net_dangles(net, &nd);
    const hl_net_near_miss *mm = hl_net_near_misses(net, &nm);
    const double *xy = hl_net_nodes_xy(net);
    const uint32_t *comp = hl_net_node_components(net);
    hl_status rc = HL_OK;
    char idb[32];
    /* first node of each component, for a location */
    size_t nn = hl_net_node_count(net);
    size_t *first = hl_malloc(ctx, (nc ? nc : 1) * sizeof *first);
    if (!first) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    for (size_t c = 0; c < nc; c++) first[c] = SIZE_MAX;
    for (size_t v = 0; v < nn; v++)
        if (first[comp[v]] == SIZE_MAX) first[comp[v]] = v;
    for (uint32_t c = 0; c < nc && !rc; c++) {
        hl_net_component info;
        hl_net_component_get(net, c, &info);
        snprintf(idb, sizeof idb, "component %u", c);
        rc = hl_qa_add(ctx, a->qa, c == 0 ? HL_QA_INFO : HL_QA_WARNING, c == 0 ? "network_main" : "network_piece",
                       "network", NULL, idb, first[c] != SIZE_MAX, xy[2 * first[c]], xy[2 * first[c] + 1],
                       (double)info.n_nodes,
                       c == 0 ? "main road network: %zu nodes, %zu edges, %.0f m"
                              : "road network piece of %zu nodes, %zu edges, %.0f m, not connected to the main network; "
                                "villages placed on it reach only what it reaches. Connect it or check for a gap",
                       info.n_nodes, info.n_edges, info.len_m);
    }
    for (size_t i = 0; i < nd && !rc; i++) {
        snprintf(idb, sizeof idb, "node %u", dangles[i]);
        rc = hl_qa_add(ctx, a->qa, HL_QA_INFO, "dangling_end", "network", NULL, idb, true, xy[2 * dangles[i]],
                       xy[2 * dangles[i] + 1], NAN, "dead end of the road network");
    }
    for (size_t i = 0; i < nm && !rc; i++) {
        snprintf(idb, sizeof idb, "node %u", mm[i].node);
        rc = hl_qa_add(ctx, a->qa, HL_QA_WARNING, "near_miss", "network", NULL, idb, true, xy[2 * mm[i].node],
                       xy[2 * mm[i].node + 1], mm[i].dist_m,
                       "road end %.2f m from another road it does not join: likely a digitising error; join the "
                       "lines or raise network.snap_tolerance_m",
                       mm[i].dist_m);
    }
    hl_free(first);
    if (!rc && nc > 1)
        hl_log(ctx, HL_LOG_WARN, "the road network has %zu pieces; %zu are cut off from the main network (see qa_issues)",
               nc, nc - 1);
    return rc;
}

hl_status hl__stage_network(hl_analysis *a) {
    hl_ctx *ctx = a->ctx;
    hl_study *s = a->study;
    size_t n = hl_layer_count(s->roads), nl = 0;
    hl_road_line *lines = NULL;
    size_t *line_road = NULL;
    double *coords = NULL;
    hl_net_opts no;
    hl_status rc;
    hl_net_stats st;
    if (!s->roads)
        return hl_error(ctx, HL_E_PLAN, "%s: the plan names no roads layer; add layers.roads", a->plan->path);
    a->roads = hl_calloc(ctx, n ? n : 1, sizeof *a->roads);
    /* a multi-part road gives several lines: allocate generously */
    {
        size_t parts = 0;
        GEOSContextHandle_t h = hl__geos(ctx);
        for (size_t i = 0; i < n; i++) {
            const GEOSGeometry *g = hl__layer_geom(s->roads, i);
            if (g) parts += (size_t)GEOSGetNumGeometries_r(h, g);
        }
        lines = hl_calloc(ctx, parts ? parts : 1, sizeof *lines);
        line_road = hl_calloc(ctx, parts ? parts : 1, sizeof *line_road);
    }
    if (!a->roads || !lines || !line_road) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    if ((rc = resolve_roads(a, lines, &coords, &nl, line_road))) goto done;
    hl_net_opts_init(&no);
    no.snap_tol_m = a->plan->snap_tol_m;
    no.near_miss_m = a->plan->near_miss_m;
    no.node_crossings = a->plan->node_crossings;
    hl_log(ctx, HL_LOG_INFO, "building the road network from %zu lines", nl);
    if ((rc = hl_net_build(ctx, lines, nl, &no, &a->net))) {
        hl_error_prefix(ctx, "building the road network");
        goto done;
    }
    hl_net_stats_get(a->net, &st);
    hl_log(ctx, HL_LOG_INFO,
           "network: %zu nodes, %zu edges, %zu pieces (%zu duplicate and %zu zero-length segments dropped, "
           "%zu road ends merged)",
           hl_net_node_count(a->net), hl_net_edge_count(a->net), hl_net_component_count(a->net), st.n_duplicates,
           st.n_zero_length, st.n_merged_coords);
    if ((rc = topology_findings(a))) goto done;
    if ((rc = edges_table(a))) goto done;
    rc = nodes_table(a);
done:
    hl_free(lines);
    hl_free(line_road);
    hl_free(coords);
    return rc;
}
