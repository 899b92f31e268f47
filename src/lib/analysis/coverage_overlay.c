/* Overlay statistics of the coverage stage, for every administrative
 * village (table village_overlay, and the clipped roads as roads_by_village)
 * and again for every township and the county (columns of the summary
 * tables): road length by class and surface, hardened length, densities,
 * water-pipe length, the share of area and of population inside water
 * service areas, industry bases inside or intersecting (count, area, jobs)
 * and facilities inside by kind.  A base straddling two villages counts in
 * both (with its full jobs); its area counts only where it lies. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "analysis/coverage_int.h"
#include "core/core_int.h"
#include "geom/geom_int.h"
#include "layer/layer_int.h"

static const char *CLASSES[] = {"expressway", "national", "provincial", "county", "township",
                                "village",    "special",  "other",      "unknown"};
static const char *SURFACES[] = {"asphalt", "cement", "stone", "gravel", "earth", "other", "unknown"};
#define NC (sizeof CLASSES / sizeof CLASSES[0])
#define NS (sizeof SURFACES / sizeof SURFACES[0])
/* fixed columns, then len_<class>_m, len_surf_<surface>_m, n_<kind> */
static const char *FIXED[] = {
    "area_km2",     "road_len_m",       "hardened_len_m",  "road_density_km_km2", "hardened_density_km_km2",
    "pipe_len_m",   "water_area_share", "water_pop_share", "n_industry",          "industry_area_km2",
    "industry_jobs"};
#define NF (sizeof FIXED / sizeof FIXED[0])

typedef struct ov {
    cov *c;
    hl_ctx *ctx; /* this thread's: messages, allocation, GEOS */
    GEOSContextHandle_t h;
    double *road_box; /* 4 per road: xmin ymin xmax ymax (NAN none) */
    double *pipe_box; /* 4 per water pipe */
    double *base_box; /* 4 per industry base */
    /* envelope indexes: a province has tens of thousands of roads, pipes,
       bases and facilities, each tested against every village */
    hl_boxindex *road_ix, *pipe_ix, *base_ix;
    hl_boxindex **fac_ix; /* per facility kind */
    hl_boxindex *water_ix; /* water service areas (no study-wide union) */
    bool has_water;        /* some water service area has a geometry */
    hl_table *clip; /* this worker's clipped roads of villages (roads_by_village rows) */
    size_t c_road, c_class, c_surf, c_code, c_len;
} ov;

static void bbox(GEOSContextHandle_t h, const GEOSGeometry *g, double *b) {
    if (!g || !GEOSGeom_getXMin_r(h, g, &b[0]) || !GEOSGeom_getYMin_r(h, g, &b[1]) ||
        !GEOSGeom_getXMax_r(h, g, &b[2]) || !GEOSGeom_getYMax_r(h, g, &b[3]))
        b[0] = b[1] = b[2] = b[3] = NAN;
}

static bool boxes_meet(const double *a, const double *b) {
    return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

static size_t index_of(const char **list, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (name && !strcmp(list[i], name))
            return i;
    return n - 1; /* the last entry is the catch-all */
}

static hl_status names_init(cov *c) {
    size_t nk = c->acc->n_kinds;
    c->n_ov = NF + NC + NS + nk;
    c->ov_names = hl_calloc(c->ctx, c->n_ov, sizeof *c->ov_names);
    if (!c->ov_names)
        return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < c->n_ov; i++) {
        if (i < NF)
            c->ov_names[i] = hl_strdup(c->ctx, FIXED[i]);
        else if (i < NF + NC)
            c->ov_names[i] = hl_sprintf(c->ctx, "len_%s_m", CLASSES[i - NF]);
        else if (i < NF + NC + NS)
            c->ov_names[i] = hl_sprintf(c->ctx, "len_surf_%s_m", SURFACES[i - NF - NC]);
        else
            c->ov_names[i] = hl_sprintf(c->ctx, "n_%s", c->acc->kinds[i - NF - NC - NS].kind);
        if (!c->ov_names[i])
            return hl_error(c->ctx, HL_E_NOMEM, "out of memory");
    }
    return HL_OK;
}

/* Add one clipped road piece to roads_by_village. */
static hl_status clip_row(ov *o, size_t r, const GEOSGeometry *piece, const char *code, double len) {
    hl_ctx *ctx = o->ctx;
    size_t wsz = 0, row;
    unsigned char *wkb = hl__geom_wkb(ctx, piece, &wsz);
    char buf[128];
    hl_status rc = hl_table_add_row(ctx, o->clip, wkb, wsz, &row);
    if (wkb)
        GEOSFree_r(o->h, wkb);
    if (!rc)
        rc = hl_table_set_text(ctx, o->clip, row, o->c_road, hl_layer_id(o->c->s->roads, r, buf, sizeof buf));
    if (!rc)
        rc = hl_table_set_text(ctx, o->clip, row, o->c_class, o->c->a->roads[r].class_name);
    if (!rc)
        rc = hl_table_set_text(ctx, o->clip, row, o->c_surf, o->c->a->roads[r].surface);
    if (!rc)
        rc = hl_table_set_text(ctx, o->clip, row, o->c_code, code);
    hl_table_set_real(o->clip, row, o->c_len, len);
    return rc;
}

/* Road and pipe lengths inside P; with a village code, the clipped roads
 * also go to roads_by_village. */
static hl_status lengths(ov *o, const GEOSGeometry *P, const GEOSPreparedGeometry *pp, const double *pb,
                         const char *code, double *row) {
    cov *c = o->c;
    const hl_layer *R = c->s->roads, *W = c->s->water_pipes;
    const size_t *hit;
    size_t n_hit;
    hl_status rc = hl_boxindex_query(o->road_ix, pb, &hit, &n_hit);
    for (size_t hi = 0; hi < n_hit && !rc; hi++) {
        size_t r = hit[hi];
        const GEOSGeometry *g = hl__layer_geom(R, r);
        GEOSGeometry *x;
        double len = 0;
        if (!g || !boxes_meet(pb, &o->road_box[4 * r]) || GEOSPreparedIntersects_r(o->h, pp, g) != 1)
            continue;
        x = GEOSPreparedContainsProperly_r(o->h, pp, g) == 1 ? GEOSGeom_clone_r(o->h, g) : GEOSIntersection_r(o->h, P, g);
        if (!x)
            return hl_error(o->ctx, HL_E_GEOM, "cannot clip a road: %s", hl__geos_last_error(o->ctx));
        GEOSLength_r(o->h, x, &len);
        if (len > 0) {
            const hl_road_info *ri = &c->a->roads[r];
            row[1] += len;
            if (ri->hardened)
                row[2] += len;
            row[NF + index_of(CLASSES, NC, ri->class_name)] += len;
            row[NF + NC + index_of(SURFACES, NS, ri->surface)] += len;
            if (code) /* a village: its clipped roads too */
                rc = clip_row(o, r, x, code, len);
        }
        GEOSGeom_destroy_r(o->h, x);
    }
    if (!rc)
        rc = hl_boxindex_query(o->pipe_ix, pb, &hit, &n_hit);
    for (size_t hi = 0; hi < n_hit && !rc && W; hi++) {
        size_t p = hit[hi];
        const GEOSGeometry *g = hl__layer_geom(W, p);
        GEOSGeometry *x;
        double len = 0;
        if (!g || !boxes_meet(pb, &o->pipe_box[4 * p]) || GEOSPreparedIntersects_r(o->h, pp, g) != 1)
            continue;
        if (!(x = GEOSIntersection_r(o->h, P, g)))
            return hl_error(o->ctx, HL_E_GEOM, "cannot clip a pipe");
        GEOSLength_r(o->h, x, &len);
        row[5] += len;
        GEOSGeom_destroy_r(o->h, x);
    }
    return rc;
}

static double inter_area(GEOSContextHandle_t h, const GEOSGeometry *a, const GEOSGeometry *b) {
    GEOSGeometry *x = GEOSIntersection_r(h, a, b);
    double ar = 0;
    if (x) {
        GEOSArea_r(h, x, &ar);
        GEOSGeom_destroy_r(h, x);
    }
    return ar;
}

/* Water shares, industry bases and facilities. */
static hl_status contents(ov *o, const GEOSGeometry *P, const GEOSPreparedGeometry *pp, const double *pb,
                          const size_t *members, size_t n_members, double area, double *row) {
    cov *c = o->c;
    const hl_origins *og = &c->acc->origins;
    const hl_layer *B = c->s->industry_bases;
    double pop = 0, wpop = 0;
    const size_t *hit;
    size_t n_hit;
    hl_status rc;
    if (o->has_water && area > 0) {
        double covered = 0;
        if ((rc = hl_boxindex_covered_area(o->water_ix, P, &covered)))
            return rc;
        row[6] = covered / area;
    }
    for (size_t mi = 0; mi < n_members; mi++) {
        size_t i = members[mi];
        double p = isfinite(og->population[i]) ? og->population[i] : 0;
        pop += p;
        if (o->has_water && og->has_xy[i] && hl_boxindex_covers(o->water_ix, og->xy[2 * i], og->xy[2 * i + 1]))
            wpop += p;
    }
    row[7] = o->has_water && pop > 0 ? wpop / pop : o->has_water ? NAN : 0;
    if ((rc = hl_boxindex_query(o->base_ix, pb, &hit, &n_hit)))
        return rc;
    for (size_t hi = 0; hi < n_hit; hi++) {
        size_t b = hit[hi];
        const GEOSGeometry *g = hl__layer_geom(B, b);
        if (!g || !boxes_meet(pb, &o->base_box[4 * b]) || GEOSPreparedIntersects_r(o->h, pp, g) != 1)
            continue;
        row[8] += 1;
        row[9] += inter_area(o->h, P, g) / 1e6;
        row[10] += hl_layer_number(B, b, "jobs", 0);
    }
    for (size_t k = 0; k < c->acc->n_kinds; k++) {
        const hl_kind_access *ka = &c->acc->kinds[k];
        if ((rc = hl_boxindex_query(o->fac_ix[k], pb, &hit, &n_hit)))
            return rc;
        for (size_t hi = 0; hi < n_hit; hi++) {
            size_t f = hit[hi];
            const GEOSGeometry *g = hl__layer_geom(ka->fac, f);
            double fx, fy;
            if (!hl_layer_point(ka->fac, f, &fx, &fy) || fx < pb[0] || fx > pb[2] || fy < pb[1] || fy > pb[3])
                continue; /* facilities are points: outside P's box means outside P */
            if (g && GEOSPreparedCovers_r(o->h, pp, g) == 1)
                row[NF + NC + NS + k] += 1;
        }
    }
    return HL_OK;
}

/* All statistics of polygon P into row[0..n_ov-1]; code: the village's,
 * NULL for a township or the county. */
static hl_status stats(ov *o, const GEOSGeometry *P, const size_t *members, size_t n_members, const char *code,
                       double *row) {
    cov *c = o->c;
    const GEOSPreparedGeometry *pp;
    double pb[4], area = 0;
    hl_status rc;
    for (size_t j = 0; j < c->n_ov; j++)
        row[j] = 0;
    if (!P) {
        for (size_t j = 0; j < c->n_ov; j++)
            row[j] = NAN;
        return HL_OK;
    }
    if (!(pp = GEOSPrepare_r(o->h, P)))
        return hl_error(o->ctx, HL_E_GEOM, "cannot prepare a polygon");
    bbox(o->h, P, pb);
    GEOSArea_r(o->h, P, &area);
    row[0] = area / 1e6;
    rc = lengths(o, P, pp, pb, code, row);
    if (!rc)
        rc = contents(o, P, pp, pb, members, n_members, area, row);
    row[3] = area > 0 ? row[1] / 1000.0 / row[0] : NAN;
    row[4] = area > 0 ? row[2] / 1000.0 / row[0] : NAN;
    if (!c->s->water_service_areas)
        row[6] = row[7] = NAN;
    if (!c->s->water_pipes)
        row[5] = NAN;
    if (!c->s->industry_bases)
        row[8] = row[9] = row[10] = NAN;
    GEOSPreparedGeom_destroy_r(o->h, pp);
    return rc;
}

/* The lookups of one thread, made with its context ctx (borrowed). */
static hl_status ov_init(cov *c, ov *o, hl_ctx *ctx) {
    size_t nr = hl_layer_count(c->s->roads);
    hl_status rc;
    memset(o, 0, sizeof *o);
    o->c = c;
    o->ctx = ctx;
    if (!(o->h = hl__geos(ctx)))
        return hl_error(ctx, HL_E_NOMEM, "out of memory");
    o->road_box = hl_malloc(ctx, 4 * (nr ? nr : 1) * sizeof *o->road_box);
    if (!o->road_box)
        return hl_error(ctx, HL_E_NOMEM, "out of memory");
    for (size_t r = 0; r < nr; r++)
        bbox(o->h, hl__layer_geom(c->s->roads, r), &o->road_box[4 * r]);
    {
        /* boxes of pipes and bases too: a province has tens of thousands of
           each, tested against every village */
        size_t np = hl_layer_count(c->s->water_pipes), nb = hl_layer_count(c->s->industry_bases);
        o->pipe_box = hl_malloc(ctx, 4 * (np ? np : 1) * sizeof *o->pipe_box);
        o->base_box = hl_malloc(ctx, 4 * (nb ? nb : 1) * sizeof *o->base_box);
        if (!o->pipe_box || !o->base_box)
            return hl_error(ctx, HL_E_NOMEM, "out of memory");
        for (size_t r = 0; r < np; r++)
            bbox(o->h, hl__layer_geom(c->s->water_pipes, r), &o->pipe_box[4 * r]);
        for (size_t r = 0; r < nb; r++)
            bbox(o->h, hl__layer_geom(c->s->industry_bases, r), &o->base_box[4 * r]);
    }
    if ((rc = hl_boxindex_create(ctx, c->s->roads, NULL, &o->road_ix)) ||
        (rc = hl_boxindex_create(ctx, c->s->water_pipes, NULL, &o->pipe_ix)) ||
        (rc = hl_boxindex_create(ctx, c->s->industry_bases, NULL, &o->base_ix)))
        return rc;
    o->fac_ix = hl_calloc(ctx, c->acc->n_kinds ? c->acc->n_kinds : 1, sizeof *o->fac_ix);
    if (!o->fac_ix)
        return hl_error(ctx, HL_E_NOMEM, "out of memory");
    for (size_t k = 0; k < c->acc->n_kinds; k++)
        if ((rc = hl_boxindex_create(ctx, c->acc->kinds[k].fac, NULL, &o->fac_ix[k])))
            return rc;
    if ((rc = hl_boxindex_create(ctx, c->s->water_service_areas, NULL, &o->water_ix)))
        return rc;
    for (size_t i = 0; i < hl_layer_count(c->s->water_service_areas) && !o->has_water; i++)
        o->has_water = hl__layer_geom(c->s->water_service_areas, i) != NULL;
    if ((rc = hl_table_create(ctx, "roads_by_village", HL_GEOM_LINE, &o->clip)))
        return rc;
    if ((rc = hl_table_add_column(ctx, o->clip, "road_id", HL_COL_TEXT, &o->c_road)) ||
        (rc = hl_table_add_column(ctx, o->clip, "class", HL_COL_TEXT, &o->c_class)) ||
        (rc = hl_table_add_column(ctx, o->clip, "surface", HL_COL_TEXT, &o->c_surf)) ||
        (rc = hl_table_add_column(ctx, o->clip, "village_code", HL_COL_TEXT, &o->c_code)) ||
        (rc = hl_table_add_column(ctx, o->clip, "len_m", HL_COL_REAL, &o->c_len)))
        return rc;
    return HL_OK;
}

static void ov_free(ov *o) {
    hl_table_destroy(o->clip);
    hl_free(o->road_box);
    hl_free(o->pipe_box);
    hl_boxindex_destroy(o->water_ix);
    hl_free(o->base_box);
    hl_boxindex_destroy(o->road_ix);
    hl_boxindex_destroy(o->pipe_ix);
    hl_boxindex_destroy(o->base_ix);
    if (o->fac_ix)
        for (size_t k = 0; k < o->c->acc->n_kinds; k++)
            hl_boxindex_destroy(o->fac_ix[k]);
    hl_free(o->fac_ix);
}

/* ---- villages and townships on two threads -----------------------------
 *
 * Every village and township is independent.  Each worker has its own
 * context (GEOS handle, messages), its own lookups and its own table of
 * clipped roads; jobs go out in chunks, and each village records where its
 * clipped roads lie, so the tables are assembled in village order
 * afterwards and do not depend on the threads. */

#define OV_CHUNK 32

typedef struct ov_run {
    cov *c;
    size_t nv, nt, n_jobs; /* villages 0..nv-1, then townships */
    const size_t *v_start, *v_unit, *t_start, *t_unit; /* origins by village, by township */
    double *vrow;                                      /* nv x n_ov */
    unsigned char *clip_owner;                         /* per village: the worker */
    size_t *clip_first, *clip_n;                       /* its rows in that worker's clip table */
    size_t next;
    bool stop;
    pthread_mutex_t mu;
} ov_run;

typedef struct ov_worker {
    ov_run *run;
    unsigned char id;
    hl_ctx *own_ctx; /* NULL for the worker on the calling thread */
    ov o;
    size_t fail_job; /* the first job that failed, or SIZE_MAX */
    hl_status rc;
    char err[512];
} ov_worker;

static hl_status ov_job(ov_worker *w, size_t j) {
    ov_run *R = w->run;
    cov *c = R->c;
    char buf[128];
    hl_status rc;
    if (j < R->nv) {
        size_t before = hl_table_rows(w->o.clip);
        rc = stats(&w->o, hl__layer_geom(c->s->villages, j), R->v_unit + R->v_start[j], R->v_start[j + 1] - R->v_start[j],
                   hl_layer_id(c->s->villages, j, buf, sizeof buf), &R->vrow[j * c->n_ov]);
        R->clip_owner[j] = w->id;
        R->clip_first[j] = before;
        R->clip_n[j] = hl_table_rows(w->o.clip) - before;
    } else {
        size_t t = j - R->nv;
        rc = stats(&w->o, hl__layer_geom(c->s->townships, t), R->t_unit + R->t_start[t],
                   R->t_start[t + 1] - R->t_start[t], NULL, &c->ov_town[t * c->n_ov]);
    }
    return rc;
}

static void *ov_worker_main(void *arg) {
    ov_worker *w = arg;
    ov_run *R = w->run;
    for (;;) {
        size_t j0;
        pthread_mutex_lock(&R->mu);
        j0 = R->stop ? R->n_jobs : R->next;
        R->next = j0 + OV_CHUNK < R->n_jobs ? j0 + OV_CHUNK : R->n_jobs;
        pthread_mutex_unlock(&R->mu);
        if (j0 >= R->n_jobs) break;
        for (size_t j = j0; j < j0 + OV_CHUNK && j < R->n_jobs; j++) {
            hl_status rc = hl_ctx_interrupted(R->c->ctx) ? HL_E_INTERRUPTED : ov_job(w, j);
            if (rc) {
                w->rc = rc;
                w->fail_job = j;
                snprintf(w->err, sizeof w->err, "%s", hl_ctx_errmsg(w->o.ctx));
                pthread_mutex_lock(&R->mu);
                R->stop = true;
                pthread_mutex_unlock(&R->mu);
                return NULL;
            }
        }
    }
    return NULL;
}

/* village_overlay from the rows the workers computed, and roads_by_village
 * from their clip tables, both in village order. */
static hl_status village_tables(cov *c, ov_run *R, ov_worker *wk) {
    const hl_layer *V = c->s->villages;
    size_t cc, cn, ct, *cols = NULL;
    hl_table *t = NULL, *clip = NULL;
    const ov *o0 = &wk[0].o;
    hl_status rc;
    char buf[128];
    if ((rc = hl_table_create(c->ctx, "village_overlay", HL_GEOM_POLYGON, &t)))
        goto done;
    cols = hl_malloc(c->ctx, c->n_ov * sizeof *cols);
    if (!cols) {
        rc = hl_error(c->ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    if ((rc = hl_table_add_column(c->ctx, t, "village_code", HL_COL_TEXT, &cc)) ||
        (rc = hl_table_add_column(c->ctx, t, "village_name", HL_COL_TEXT, &cn)) ||
        (rc = hl_table_add_column(c->ctx, t, "township_code", HL_COL_TEXT, &ct)))
        goto done;
    for (size_t j = 0; j < c->n_ov && !rc; j++)
        rc = hl_table_add_column(c->ctx, t, c->ov_names[j], HL_COL_REAL, &cols[j]);
    for (size_t v = 0; v < R->nv && !rc; v++) {
        const GEOSGeometry *g = hl__layer_geom(V, v);
        size_t wsz = 0, r, tw = c->s->village_township ? c->s->village_township[v] : SIZE_MAX;
        unsigned char *wkb = g ? hl__geom_wkb(c->ctx, g, &wsz) : NULL;
        rc = hl_table_add_row(c->ctx, t, wkb, wsz, &r);
        if (wkb)
            GEOSFree_r(hl__geos(c->ctx), wkb);
        if (!rc)
            rc = hl_table_set_text(c->ctx, t, r, cc, hl_layer_id(V, v, buf, sizeof buf));
        if (!rc)
            rc = hl_table_set_text(c->ctx, t, r, cn, hl_layer_value(V, v, "name"));
        if (!rc && tw != SIZE_MAX)
            rc = hl_table_set_text(c->ctx, t, r, ct, hl_layer_id(c->s->townships, tw, buf, sizeof buf));
        for (size_t j = 0; j < c->n_ov && !rc; j++)
            hl_table_set_real(t, r, cols[j], R->vrow[v * c->n_ov + j]);
    }
    if (!rc)
        rc = hl_table_create(c->ctx, "roads_by_village", HL_GEOM_LINE, &clip);
    for (size_t j = 0; j < 5 && !rc; j++)
        rc = hl_table_add_column(c->ctx, clip, hl_table_column_name(o0->clip, j), hl_table_column_type(o0->clip, j),
                                 &cc);
    for (size_t v = 0; v < R->nv && !rc; v++) {
        const ov *o = &wk[R->clip_owner[v]].o;
        for (size_t q = R->clip_first[v]; q < R->clip_first[v] + R->clip_n[v] && !rc; q++) {
            size_t wsz = 0, r;
            const unsigned char *wkb = hl_table_wkb(o->clip, q, &wsz);
            rc = hl_table_add_row(c->ctx, clip, wkb, wsz, &r);
            for (size_t j = 0; j < 4 && !rc; j++)
                rc = hl_table_set_text(c->ctx, clip, r, j, hl_table_text(o->clip, q, j));
            if (!rc)
                hl_table_set_real(clip, r, 4, hl_table_real(o->clip, q, 4));
        }
    }
    if (!rc) {
        rc = hl__analysis_add_table(c->a, t);
        t = NULL;
    }
    if (!rc) {
        rc = hl__analysis_add_table(c->a, clip);
        clip = NULL;
    }
done:
    hl_table_destroy(t);
    hl_table_destroy(clip);
    hl_free(cols);
    return rc;
}

hl_status hl__cov_overlay(cov *c) {
    size_t n = c->acc->origins.n, nt = c->n_unit[COV_TOWNSHIP];
    size_t nv = c->s->villages ? hl_layer_count(c->s->villages) : 0;
    size_t *all = NULL, *vs = NULL, *vu = NULL, *ts = NULL, *tu = NULL;
    ov_run R;
    ov_worker wk[2];
    bool mu_ok = false;
    hl_status rc;
    memset(&R, 0, sizeof R);
    memset(wk, 0, sizeof wk);
    if ((rc = names_init(c)))
        goto done;
    all = hl_malloc(c->ctx, (n ? n : 1) * sizeof *all);
    c->ov_town = hl_calloc(c->ctx, (nt ? nt : 1) * c->n_ov, sizeof *c->ov_town);
    c->ov_county = hl_calloc(c->ctx, c->n_ov, sizeof *c->ov_county);
    R.vrow = hl_calloc(c->ctx, (nv ? nv : 1) * c->n_ov, sizeof *R.vrow);
    R.clip_owner = hl_calloc(c->ctx, nv ? nv : 1, 1);
    R.clip_first = hl_calloc(c->ctx, nv ? nv : 1, sizeof *R.clip_first);
    R.clip_n = hl_calloc(c->ctx, nv ? nv : 1, sizeof *R.clip_n);
    if (!all || !c->ov_town || !c->ov_county || !R.vrow || !R.clip_owner || !R.clip_first || !R.clip_n) {
        rc = hl_error(c->ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    if ((nv && (rc = hl__group_index(c->ctx, n, c->acc->origins.village, nv, &vs, &vu))) ||
        (rc = hl__group_index(c->ctx, n, c->acc->origins.township, nt, &ts, &tu)))
        goto done;
    R.c = c;
    R.nv = nv;
    R.nt = nt;
    R.n_jobs = nv + nt;
    R.v_start = vs;
    R.v_unit = vu;
    R.t_start = ts;
    R.t_unit = tu;
    if (pthread_mutex_init(&R.mu, NULL) != 0) {
        rc = hl_error(c->ctx, HL_E_DEP, "cannot create a mutex");
        goto done;
    }
    mu_ok = true;
    /* two workers, the machine's two cores: one on this thread with the
       stage's context, one with its own */
    for (int i = 0; i < 2; i++) {
        wk[i].run = &R;
        wk[i].id = (unsigned char)i;
        wk[i].fail_job = SIZE_MAX;
    }
    if (!(wk[1].own_ctx = hl_ctx_create())) {
        rc = hl_error(c->ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    if ((rc = ov_init(c, &wk[0].o, c->ctx)))
        goto done;
    if ((rc = ov_init(c, &wk[1].o, wk[1].own_ctx))) {
        rc = hl_error(c->ctx, rc, "%s", hl_ctx_errmsg(wk[1].own_ctx));
        goto done;
    }
    {
        pthread_t th;
        bool started = pthread_create(&th, NULL, ov_worker_main, &wk[1]) == 0;
        ov_worker_main(&wk[0]);
        if (started)
            pthread_join(th, NULL);
        else
            ov_worker_main(&wk[1]); /* no thread: the rest on this one */
    }
    /* the first failure in job order wins */
    {
        ov_worker *f = wk[1].fail_job < wk[0].fail_job ? &wk[1] : &wk[0];
        if (f->fail_job != SIZE_MAX) {
            rc = f->rc == HL_E_INTERRUPTED ? hl_check_interrupt(c->ctx) : hl_error(c->ctx, f->rc, "%s", f->err);
            if (!rc)
                rc = hl_error(c->ctx, HL_E_INTERRUPTED, "interrupted");
            goto done;
        }
    }
    if (c->s->villages && (rc = village_tables(c, &R, wk)))
        goto done;
    if ((rc = hl_check_interrupt(c->ctx)))
        goto done;
    for (size_t i = 0; i < n; i++)
        all[i] = i;
    rc = stats(&wk[0].o, c->s->county ? hl__layer_geom(c->s->county, 0) : NULL, all, n, NULL, c->ov_county);
done:
    for (int i = 0; i < 2; i++) {
        if (wk[i].o.c)
            ov_free(&wk[i].o);
        hl_ctx_destroy(wk[i].own_ctx);
    }
    if (mu_ok)
        pthread_mutex_destroy(&R.mu);
    hl_free(R.vrow);
    hl_free(R.clip_owner);
    hl_free(R.clip_first);
    hl_free(R.clip_n);
    hl_free(vs);
    hl_free(vu);
    hl_free(ts);
    hl_free(tu);
    hl_free(all);
    return rc;
}
