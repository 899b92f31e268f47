/* The access stage: villages and facilities placed on the road network,
 * nearest facility of every kind (one multi-source search per kind, kinds
 * in parallel), time to the own township seat, OD matrices, service areas,
 * and the tables nearest_facility, od_matrix, service_areas and
 * service_area_roads.  Follows docs/accessibility-semantics.md. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_int.h"
#include "hl/io.h"
#include "core/core_int.h"
#include "geom/geom_int.h"
#include "layer/layer_int.h"

typedef struct access_ctx {
    hl_analysis *a;
    hl_placement *orig_pl;
    hl_placement **fac_pl; /* per kind */
    hl_routable *rt;
    hl_graph *g;
    size_t n_nodes;
} access_ctx;

static void origins_free(hl_origins *o) {
    if (o->id)
        for (size_t i = 0; i < o->n; i++) hl_free(o->id[i]);
    if (o->name)
        for (size_t i = 0; i < o->n; i++) hl_free(o->name[i]);
    hl_free(o->id);
    hl_free(o->name);
    hl_free(o->xy);
    hl_free(o->has_xy);
    hl_free(o->village);
    hl_free(o->township);
    hl_free(o->population);
    hl_free(o->households);
    hl_free(o->relocation);
    hl_free(o->snap_m);
    hl_free(o->placed);
    hl_free(o->comp_nodes);
}

void hl__access_destroy(hl_access *acc);
void hl__access_destroy(hl_access *acc) {
    if (!acc) return;
    origins_free(&acc->origins);
    for (size_t k = 0; k < acc->n_kinds; k++) {
        hl_kind_access *ka = &acc->kinds[k];
        hl_free(ka->fac_snap_m);
        hl_free(ka->time_s);
        hl_free(ka->dist_m);
        hl_free(ka->facility);
        hl_free(ka->k_time_s);
        hl_free(ka->k_dist_m);
        hl_free(ka->k_facility);
    }
    hl_free(acc->kinds);
    hl_free(acc->t_own_seat_s);
    hl_free(acc->d_own_seat_m);
    hl_free(acc->d_hardened_road_m);
    hl_free(acc);
}

const hl_kind_access *hl__access_kind(const hl_access *acc, const char *kind) {
    if (!acc) return NULL;
    for (size_t k = 0; k < acc->n_kinds; k++)
        if (!strcmp(acc->kinds[k].kind, kind)) return &acc->kinds[k];
    return NULL;
}

static bool truthy(const char *v) {
    bool b;
    if (!v) return false;
    if (hl_spec_parse_bool(v, &b)) return b;
    return strstr(v, "搬迁") != NULL; /* a village class such as 搬迁撤并类 */
}

static hl_status build_origins(hl_analysis *a, hl_origins *o) {
    hl_ctx *ctx = a->ctx;
    hl_study *s = a->study;
    const hl_layer *L = s->natural_villages ? s->natural_villages : s->villages;
    size_t n = hl_layer_count(L);
    char buf[128];
    memset(o, 0, sizeof *o);
    if (!L) return hl_error(ctx, HL_E_PLAN, "%s: the plan names neither natural_villages nor villages; add one",
                            a->plan->path);
    o->n = n;
    o->layer = L;
    o->natural = L == s->natural_villages;
    o->xy = hl_calloc(ctx, 2 * (n ? n : 1), sizeof *o->xy);
    o->has_xy = hl_calloc(ctx, n ? n : 1, sizeof *o->has_xy);
    o->id = hl_calloc(ctx, n ? n : 1, sizeof *o->id);
    o->name = hl_calloc(ctx, n ? n : 1, sizeof *o->name);
    o->village = hl_calloc(ctx, n ? n : 1, sizeof *o->village);
    o->township = hl_calloc(ctx, n ? n : 1, sizeof *o->township);
    o->population = hl_calloc(ctx, n ? n : 1, sizeof *o->population);
    o->households = hl_calloc(ctx, n ? n : 1, sizeof *o->households);
    o->relocation = hl_calloc(ctx, n ? n : 1, sizeof *o->relocation);
    o->snap_m = hl_calloc(ctx, n ? n : 1, sizeof *o->snap_m);
    o->placed = hl_calloc(ctx, n ? n : 1, sizeof *o->placed);
    o->comp_nodes = hl_calloc(ctx, n ? n : 1, sizeof *o->comp_nodes);
    if (!o->xy || !o->has_xy || !o->id || !o->name || !o->village || !o->township || !o->population ||
        !o->households || !o->relocation || !o->snap_m || !o->placed || !o->comp_nodes)
        return hl_error(ctx, HL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const char *nm = hl_layer_value(L, i, "name");
        double x = NAN, y = NAN;
        o->has_xy[i] = hl_layer_point(L, i, &x, &y);
        o->xy[2 * i] = o->has_xy[i] ? x : NAN;
        o->xy[2 * i + 1] = o->has_xy[i] ? y : NAN;
        o->id[i] = hl_strdup(ctx, hl_layer_id(L, i, buf, sizeof buf));
        o->name[i] = hl_strdup(ctx, nm ? nm : "");
        if (!o->id[i] || !o->name[i]) return hl_error(ctx, HL_E_NOMEM, "out of memory");
        if (o->natural) {
            o->village[i] = s->nv_village ? s->nv_village[i] : SIZE_MAX;
            o->township[i] = s->nv_township ? s->nv_township[i] : SIZE_MAX;
        } else {
            o->village[i] = i;
            o->township[i] = s->village_township ? s->village_township[i] : SIZE_MAX;
        }
        o->population[i] = hl_layer_number(L, i, "population", NAN);
        o->households[i] = hl_layer_number(L, i, "households", NAN);
        o->relocation[i] = truthy(hl_layer_value(L, i, "relocation")) || truthy(hl_layer_value(L, i, "class"));
        o->snap_m[i] = INFINITY;
    }
    return HL_OK;
}

/* Place a set of points; unplaced ones become findings. */
static hl_status place_points(hl_analysis *a, const hl_layer *L, const char *what, double *xy, size_t n,
                              hl_placement **out, size_t *n_placed) {
    hl_ctx *ctx = a->ctx;
    hl_place_opts po;
    hl_status rc;
    const hl_place *pl;
    char buf[128];
    size_t small = (size_t)a->plan->small_component_nodes;
    hl_place_opts_init(&po);
    po.max_snap_m = a->plan->max_snap_m;
    po.main_network_only = a->plan->snap_main_network;
    if ((rc = hl_net_place(ctx, a->net, xy, n, &po, out))) return rc;
    pl = hl_placement_places(*out);
    *n_placed = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *nm = hl_layer_value(L, i, "name");
        hl_layer_id(L, i, buf, sizeof buf);
        if (pl[i].status == HL_PLACE_OK) {
            (*n_placed)++;
            if (pl[i].comp_n_nodes < small && pl[i].component != 0)
                rc = hl_qa_add(ctx, a->qa, HL_QA_WARNING, "on_network_island", hl_layer_role(L),
                               hl_layer_source_name(L), buf, true, pl[i].px, pl[i].py, (double)pl[i].comp_n_nodes,
                               "%s %s joins a road piece of only %zu nodes (%.0f m) cut off from the main network; it "
                               "will look unreachable. Connect the piece or set snap: main_network in the plan",
                               what, nm ? nm : buf, pl[i].comp_n_nodes, pl[i].comp_len_m);
        } else if (pl[i].status == HL_PLACE_TOO_FAR) {
            rc = hl_qa_add(ctx, a->qa, HL_QA_WARNING, "beyond_snap", hl_layer_role(L), hl_layer_source_name(L), buf,
                           true, pl[i].px, pl[i].py, NAN,
                           "%s %s is farther than %.0f m from every road: reported unreachable, not snapped. Add the "
                           "missing road or raise access.max_snap_m",
                           what, nm ? nm : buf, a->plan->max_snap_m);
        } else if (pl[i].status == HL_PLACE_NO_NETWORK) {
            rc = hl_qa_add(ctx, a->qa, HL_QA_ERROR, "no_network", hl_layer_role(L), hl_layer_source_name(L), buf,
                           false, 0, 0, NAN, "%s %s cannot be placed: the road network is empty", what,
                           nm ? nm : buf);
        }
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* nearest facility per kind, kinds in parallel                        */

typedef struct kind_job {
    access_ctx *ac;
    size_t kind;
    hl_status rc;
    char err[512];
} kind_job;

typedef struct kind_pool {
    access_ctx *ac;
    kind_job *jobs;
    size_t n_jobs;
    size_t next;
    pthread_mutex_t mu;
} kind_pool;

static hl_status run_kind(access_ctx *ac, size_t k, hl_route_ws *ws, double *time, double *len, uint32_t *src) {
    hl_analysis *a = ac->a;
    hl_ctx *ctx = a->ctx;
    hl_access *acc = a->access;
    hl_kind_access *ka = &acc->kinds[k];
    size_t nf = ka->n_fac, ns = 0, n = acc->origins.n;
    uint32_t *nodes = NULL;
    size_t *fac_of = NULL;
    hl_route_opts ro;
    hl_status rc = HL_OK;
    nodes = malloc((nf ? nf : 1) * sizeof *nodes);
    fac_of = malloc((nf ? nf : 1) * sizeof *fac_of);
    if (!nodes || !fac_of) {
        rc = HL_E_NOMEM;
        goto done;
    }
    for (size_t f = 0; f < nf; f++) {
        uint32_t node;
        if (hl_routable_point(ac->rt, 1 + k, f, &node, NULL)) {
            nodes[ns] = node;
            fac_of[ns] = f; /* sources in layer order: ties go to the first in its layer */
            ns++;
        }
    }
    hl_route_opts_init(&ro);
    ro.dir = HL_ROUTE_BACKWARD;
    if (ka->k <= 1) {
        rc = hl_route_search(ctx, ac->g, ws, ns, nodes, NULL, NULL, &ro, time, len, src, NULL);
        if (rc) goto done;
        for (size_t i = 0; i < n; i++) {
            uint32_t node;
            ka->time_s[i] = INFINITY;
            ka->dist_m[i] = INFINITY;
            ka->facility[i] = SIZE_MAX;
            if (!hl_routable_point(ac->rt, 0, i, &node, NULL) || src[node] == HL_ROUTE_NONE) continue;
            ka->time_s[i] = time[node];
            ka->dist_m[i] = len[node];
            ka->facility[i] = fac_of[src[node]];
        }
    } else {
        size_t kk = ka->k, nn = ac->n_nodes;
        double *kt = malloc(nn * kk * sizeof *kt), *kl = malloc(nn * kk * sizeof *kl);
        uint32_t *ksrc = malloc(nn * kk * sizeof *ksrc);
        if (!kt || !kl || !ksrc) {
            free(kt);
            free(kl);
            free(ksrc);
            rc = HL_E_NOMEM;
            goto done;
        }
        rc = hl_route_k_nearest(ctx, ac->g, ws, kk, ns, nodes, NULL, NULL, &ro, kt, kl, ksrc);
        if (!rc)
            for (size_t i = 0; i < n; i++) {
                uint32_t node;
                bool placed = hl_routable_point(ac->rt, 0, i, &node, NULL);
                for (size_t j = 0; j < kk; j++) {
                    size_t at = i * kk + j;
                    ka->k_time_s[at] = INFINITY;
                    ka->k_dist_m[at] = INFINITY;
                    ka->k_facility[at] = SIZE_MAX;
                    if (!placed || ksrc[node * kk + j] == HL_ROUTE_NONE) continue;
                    ka->k_time_s[at] = kt[node * kk + j];
                    ka->k_dist_m[at] = kl[node * kk + j];
                    ka->k_facility[at] = fac_of[ksrc[node * kk + j]];
                }
                ka->time_s[i] = ka->k_time_s[i * kk];
                ka->dist_m[i] = ka->k_dist_m[i * kk];
                ka->facility[i] = ka->k_facility[i * kk];
            }
        free(kt);
        free(kl);
        free(ksrc);
    }
done:
    free(nodes);
    free(fac_of);
    return rc;
}

static void *kind_worker(void *arg) {
    kind_pool *pool = arg;
    access_ctx *ac = pool->ac;
    size_t nn = ac->n_nodes;
    hl_route_ws *ws = NULL;
    double *time = malloc(nn * sizeof *time), *len = malloc(nn * sizeof *len);
    uint32_t *src = malloc(nn * sizeof *src);
    hl_status wrc = (time && len && src) ? hl_route_ws_create(ac->a->ctx, ac->g, &ws) : HL_E_NOMEM;
    for (;;) {
        size_t j;
        pthread_mutex_lock(&pool->mu);
        j = pool->next++;
        pthread_mutex_unlock(&pool->mu);
        if (j >= pool->n_jobs) break;
        pool->jobs[j].rc = wrc ? wrc : run_kind(ac, pool->jobs[j].kind, ws, time, len, src);
    }
    hl_route_ws_destroy(ws);
    free(time);
    free(len);
    free(src);
    return NULL;
}

static hl_status nearest_all_kinds(access_ctx *ac) {
    hl_analysis *a = ac->a;
    size_t nk = a->access->n_kinds;
    kind_pool pool;
    pthread_t th[2];
    int started = 0;
    hl_status rc = HL_OK;
    if (!nk) return HL_OK;
    memset(&pool, 0, sizeof pool);
    pool.ac = ac;
    pool.n_jobs = nk;
    pool.jobs = hl_calloc(a->ctx, nk, sizeof *pool.jobs);
    if (!pool.jobs) return hl_error(a->ctx, HL_E_NOMEM, "out of memory");
    for (size_t k = 0; k < nk; k++) pool.jobs[k].kind = k;
    pthread_mutex_init(&pool.mu, NULL);
    /* two workers: the machine's two cores; the results do not depend on it */
    for (int t = 0; t < 2 && (size_t)t < nk; t++)
        if (pthread_create(&th[t], NULL, kind_worker, &pool) == 0) started++;
    if (!started) kind_worker(&pool);
    for (int t = 0; t < started; t++) pthread_join(th[t], NULL);
    pthread_mutex_destroy(&pool.mu);
    for (size_t k = 0; k < nk && !rc; k++)
        if (pool.jobs[k].rc) {
            rc = pool.jobs[k].rc == HL_E_INTERRUPTED
                     ? hl_check_interrupt(a->ctx)
                     : hl_error(a->ctx, pool.jobs[k].rc, "nearest %s: %s", a->access->kinds[k].kind,
                                hl_status_str(pool.jobs[k].rc));
        }
    hl_free(pool.jobs);
    return rc;
}

/* ------------------------------------------------------------------ */
/* own township seat                                                   */

static hl_status own_seat_times(access_ctx *ac) {
    hl_analysis *a = ac->a;
    hl_ctx *ctx = a->ctx;
    hl_access *acc = a->access;
    hl_study *s = a->study;
    size_t n = acc->origins.n, nt = hl_layer_count(s->townships);
    const hl_kind_access *seats = hl__access_kind(acc, "township_seat");
    size_t seat_set = SIZE_MAX;
    hl_route_ws *ws = NULL;
    /* the placed origins of every township: township t has origins
       orig[start[t] .. start[t+1]-1] (ascending), at nodes node[] */
    size_t *start = NULL, *orig = NULL, *key = NULL;
    uint32_t *node = NULL;
    double *time = NULL, *len = NULL;
    hl_route_opts ro;
    hl_status rc = HL_OK;
    acc->t_own_seat_s = hl_malloc(ctx, (n ? n : 1) * sizeof *acc->t_own_seat_s);
    acc->d_own_seat_m = hl_malloc(ctx, (n ? n : 1) * sizeof *acc->d_own_seat_m);
    if (!acc->t_own_seat_s || !acc->d_own_seat_m) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) acc->t_own_seat_s[i] = acc->d_own_seat_m[i] = INFINITY;
    if (!seats || !nt) return HL_OK;
    for (size_t k = 0; k < acc->n_kinds; k++)
        if (&acc->kinds[k] == seats) seat_set = 1 + k;
    if ((rc = hl_route_ws_create(ctx, ac->g, &ws))) return rc;
    key = hl_malloc(ctx, (n ? n : 1) * sizeof *key);
    node = hl_malloc(ctx, (n ? n : 1) * sizeof *node);
    time = hl_malloc(ctx, (n ? n : 1) * sizeof *time);
    len = hl_malloc(ctx, (n ? n : 1) * sizeof *len);
    if (!key || !node || !time || !len) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t on;
        key[i] = hl_routable_point(ac->rt, 0, i, &on, NULL) ? acc->origins.township[i] : SIZE_MAX;
    }
    if ((rc = hl__group_index(ctx, n, key, nt, &start, &orig))) goto done;
    for (size_t q = 0; q < start[nt]; q++) hl_routable_point(ac->rt, 0, orig[q], &node[q], NULL);
    hl_route_opts_init(&ro);
    ro.dir = HL_ROUTE_BACKWARD;
    ro.cutoff_s = 4 * 3600.0; /* beyond four hours a seat is not 'reached' for this purpose */
    for (size_t f = 0; f < seats->n_fac && !rc; f++) {
        uint32_t sn;
        double x, y;
        size_t t, m;
        if (!hl_routable_point(ac->rt, seat_set, f, &sn, NULL)) continue;
        if (!hl_layer_point(seats->fac, f, &x, &y)) continue;
        t = hl_study_township_at(s, x, y);
        if (t == SIZE_MAX || t >= nt) continue;
        /* only the township's own villages: the search stops once they are
           settled instead of covering four hours of the whole network */
        m = start[t + 1] - start[t];
        if ((rc = hl_route_search_targets(ctx, ac->g, ws, 1, &sn, NULL, NULL, &ro, m, node + start[t], time, len)))
            break;
        for (size_t q = 0; q < m; q++) {
            size_t i = orig[start[t] + q];
            if (time[q] < acc->t_own_seat_s[i]) {
                acc->t_own_seat_s[i] = time[q];
                acc->d_own_seat_m[i] = len[q];
            }
        }
        hl_progress(ctx, "township seats", f + 1, seats->n_fac);
    }
done:
    hl_route_ws_destroy(ws);
    hl_free(key);
    hl_free(start);
    hl_free(orig);
    hl_free(node);
    hl_free(time);
    hl_free(len);
    return rc;
}

/* ------------------------------------------------------------------ */
/* tables                                                              */

static hl_status nearest_table(access_ctx *ac) {
    hl_analysis *a = ac->a;
    hl_ctx *ctx = a->ctx;
    hl_access *acc = a->access;
    hl_table *t = NULL;
    size_t c_o, c_k, c_r, c_f, c_t, c_d, c_os, c_fs;
    hl_status rc;
    char buf[128];
    if ((rc = hl_table_create(ctx, "nearest_facility", HL_GEOM_NONE, &t))) return rc;
    if ((rc = hl_table_add_column(ctx, t, "origin_id", HL_COL_TEXT, &c_o)) ||
        (rc = hl_table_add_column(ctx, t, "kind", HL_COL_TEXT, &c_k)) ||
        (rc = hl_table_add_column(ctx, t, "rank", HL_COL_INT, &c_r)) ||
        (rc = hl_table_add_column(ctx, t, "facility_id", HL_COL_TEXT, &c_f)) ||
        (rc = hl_table_add_column(ctx, t, "time_s", HL_COL_REAL, &c_t)) ||
        (rc = hl_table_add_column(ctx, t, "dist_m", HL_COL_REAL, &c_d)) ||
        (rc = hl_table_add_column(ctx, t, "origin_snap_m", HL_COL_REAL, &c_os)) ||
        (rc = hl_table_add_column(ctx, t, "facility_snap_m", HL_COL_REAL, &c_fs)))
        goto fail;
    for (size_t i = 0; i < acc->origins.n; i++) {
        for (size_t k = 0; k < acc->n_kinds; k++) {
            const hl_kind_access *ka = &acc->kinds[k];
            size_t kk = ka->k > 1 ? ka->k : 1;
            for (size_t j = 0; j < kk; j++) {
                size_t f = ka->k > 1 ? ka->k_facility[i * kk + j] : ka->facility[i];
                double tm = ka->k > 1 ? ka->k_time_s[i * kk + j] : ka->time_s[i];
                double dm = ka->k > 1 ? ka->k_dist_m[i * kk + j] : ka->dist_m[i];
                size_t row;
                if (f == SIZE_MAX) continue;
                if ((rc = hl_table_add_row(ctx, t, NULL, 0, &row))) goto fail;
                if ((rc = hl_table_set_text(ctx, t, row, c_o, acc->origins.id[i])) ||
                    (rc = hl_table_set_text(ctx, t, row, c_k, ka->kind)) ||
                    (rc = hl_table_set_text(ctx, t, row, c_f, hl_layer_id(ka->fac, f, buf, sizeof buf))))
                    goto fail;
                hl_table_set_int(t, row, c_r, (int64_t)j + 1);
                hl_table_set_real(t, row, c_t, tm);
                hl_table_set_real(t, row, c_d, dm);
                hl_table_set_real(t, row, c_os, acc->origins.snap_m[i]);
                hl_table_set_real(t, row, c_fs, ka->fac_snap_m[f]);
            }
        }
    }
    return hl__analysis_add_table(a, t);
fail:
    hl_table_destroy(t);
    return rc;
}

static hl_status od_table(access_ctx *ac) {
    hl_analysis *a = ac->a;
    hl_ctx *ctx = a->ctx;
    hl_access *acc = a->access;
    hl_table *t = NULL;
    size_t c_o, c_k, c_f, c_t, c_d;
    hl_status rc;
    char buf[128];
    uint32_t *orig = NULL;
    size_t *orig_idx = NULL, no = 0;
    hl_route_od_opts oo;
    if (!a->plan->od_matrix) return HL_OK;
    hl_route_od_opts_init(&oo);
    oo.cutoff_s = a->plan->od_cutoff_min > 0 ? a->plan->od_cutoff_min * 60.0 : INFINITY;
    oo.n_threads = 2;
    if ((rc = hl_table_create(ctx, "od_matrix", HL_GEOM_NONE, &t))) return rc;
    if ((rc = hl_table_add_column(ctx, t, "origin_id", HL_COL_TEXT, &c_o)) ||
        (rc = hl_table_add_column(ctx, t, "kind", HL_COL_TEXT, &c_k)) ||
        (rc = hl_table_add_column(ctx, t, "facility_id", HL_COL_TEXT, &c_f)) ||
        (rc = hl_table_add_column(ctx, t, "time_s", HL_COL_REAL, &c_t)) ||
        (rc = hl_table_add_column(ctx, t, "dist_m", HL_COL_REAL, &c_d)))
        goto done;
    orig = hl_malloc(ctx, (acc->origins.n ? acc->origins.n : 1) * sizeof *orig);
    orig_idx = hl_malloc(ctx, (acc->origins.n ? acc->origins.n : 1) * sizeof *orig_idx);
    if (!orig || !orig_idx) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < acc->origins.n; i++) {
        uint32_t node;
        if (hl_routable_point(ac->rt, 0, i, &node, NULL)) {
            orig[no] = node;
            orig_idx[no++] = i;
        }
    }
    for (size_t k = 0; k < acc->n_kinds && !rc; k++) {
        const hl_kind_access *ka = &acc->kinds[k];
        uint32_t *dest = hl_malloc(ctx, (ka->n_fac ? ka->n_fac : 1) * sizeof *dest);
        size_t *dest_idx = hl_malloc(ctx, (ka->n_fac ? ka->n_fac : 1) * sizeof *dest_idx);
        double *tm = NULL, *dm = NULL;
        size_t nd = 0;
        if (!dest || !dest_idx) rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        for (size_t f = 0; !rc && f < ka->n_fac; f++) {
            uint32_t node;
            if (hl_routable_point(ac->rt, 1 + k, f, &node, NULL)) {
                dest[nd] = node;
                dest_idx[nd++] = f;
            }
        }
        if (!rc && no && nd) {
            tm = hl_malloc(ctx, no * nd * sizeof *tm);
            dm = hl_malloc(ctx, no * nd * sizeof *dm);
            if (!tm || !dm) rc = hl_error(ctx, HL_E_NOMEM, "out of memory for a %zu x %zu matrix", no, nd);
            if (!rc) rc = hl_route_od_matrix(ctx, ac->g, no, orig, nd, dest, &oo, tm, dm);
            for (size_t i = 0; !rc && i < no; i++)
                for (size_t j = 0; !rc && j < nd; j++) {
                    size_t row;
                    if (!isfinite(tm[i * nd + j])) continue;
                    if ((rc = hl_table_add_row(ctx, t, NULL, 0, &row))) break;
                    if ((rc = hl_table_set_text(ctx, t, row, c_o, acc->origins.id[orig_idx[i]])) ||
                        (rc = hl_table_set_text(ctx, t, row, c_k, ka->kind)) ||
                        (rc = hl_table_set_text(ctx, t, row, c_f, hl_layer_id(ka->fac, dest_idx[j], buf, sizeof buf))))
                        break;
                    hl_table_set_real(t, row, c_t, tm[i * nd + j]);
                    hl_table_set_real(t, row, c_d, dm[i * nd + j]);
                }
        }
        hl_free(tm);
        hl_free(dm);
        hl_free(dest);
        hl_free(dest_idx);
        hl_progress(ctx, "OD matrix", k + 1, acc->n_kinds);
    }
    if (!rc) {
        rc = hl__analysis_add_table(a, t);
        t = NULL;
    }
done:
    hl_table_destroy(t);
    hl_free(orig);
    hl_free(orig_idx);
    return rc;
}

/* Service areas: per facility a backward search (who can reach it) cut at
 * each threshold, giving the reached road pieces; and polygons: the cells
 * of a grid (about 256 cells across the area's extent, at least 5 m)
 * lying wholly within the connector's reach of a reached piece, the reach
 * being the time left at the far end of each quarter of a piece times the
 * access speed (at most the maximum snap distance).  A cell is kept only
 * when its four corners lie within reach of one straight segment, so -
 * that region being convex - the whole cell is reachable.  The cells lose
 * one cell all round and their outline (hl_geom_mask_polygons) is
 * simplified by one cell, so no polygon covers ground the network does not
 * reach within the threshold. */
typedef struct sa_seg {
    double x0, y0, x1, y1, r;
    double len, ux, uy; /* length and unit direction (0, 0 when len is 0) */
} sa_seg;

/* A segment in grid units (cells; y counts rows downwards from the grid's
 * top), with the reciprocals the chords need. */
typedef struct grid_seg {
    double x0, y0, x1, y1, r, len, ux, uy;
    double inv_ux, inv_nx; /* 1/ux and 1/(-uy); 0 when the component is 0 */
} grid_seg;

static GEOSGeometry *line_from_xy(GEOSContextHandle_t h, const double *xy, size_t n) {
    GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(h, xy, (unsigned int)n, 0, 0);
    return cs ? GEOSGeom_createLineString_r(h, cs) : NULL;
}


/* The chord of the capsule (points within s->r of the segment) on the line
 * y = Y: [*lo, *hi].  False if the line misses it.  The capsule is the union
 * of the discs at both ends and the band along the segment; being convex,
 * its chord is the hull of the three chords. */
static inline double dmin(double a, double b) { return a < b ? a : b; }
static inline double dmax(double a, double b) { return a > b ? a : b; }

static bool capsule_chord(const grid_seg *s, double Y, double *lo, double *hi) {
    double r = s->r, l = INFINITY, h = -INFINITY, len = s->len;
    double d0 = Y - s->y0, d1 = Y - s->y1;
    if (fabs(d0) <= r) {
        double w = sqrt(r * r - d0 * d0);
        l = dmin(l, s->x0 - w);
        h = dmax(h, s->x0 + w);
    }
    if (fabs(d1) <= r) {
        double w = sqrt(r * r - d1 * d1);
        l = dmin(l, s->x1 - w);
        h = dmax(h, s->x1 + w);
    }
    if (len > 0) {
        /* band: 0 <= u.(p - p0) <= len and |n.(p - p0)| <= r, with p = (x, Y),
           u = (ux, uy), n = (-uy, ux): four linear bounds on x */
        double bl = -INFINITY, bh = INFINITY;
        double cu = s->uy * d0, cn = s->ux * d0;
        /* 0 <= ux*(x-x0) + cu <= len */
        if (s->inv_ux != 0) {
            double t1 = s->x0 - cu * s->inv_ux, t2 = s->x0 + (len - cu) * s->inv_ux;
            bl = dmax(bl, dmin(t1, t2));
            bh = dmin(bh, dmax(t1, t2));
        } else if (cu < 0 || cu > len) {
            bl = INFINITY;
        }
        /* -r <= -uy*(x-x0) + cn <= r */
        if (s->inv_nx != 0) {
            double t1 = s->x0 + (-r - cn) * s->inv_nx, t2 = s->x0 + (r - cn) * s->inv_nx;
            bl = dmax(bl, dmin(t1, t2));
            bh = dmin(bh, dmax(t1, t2));
        } else if (fabs(cn) > r) {
            bl = INFINITY;
        }
        if (bl <= bh) {
            if (bl < l) l = bl;
            if (bh > h) h = bh;
        }
    }
    if (!(l <= h)) return false;
    *lo = l;
    *hi = h;
    return true;
}

/* floor and ceil of a finite value within the range of long (the libm
 * calls cost more than the rest of a row) */
static inline long floor_l(double v) {
    long i = (long)v;
    return i - (v < (double)i);
}
static inline long ceil_l(double v) {
    long i = (long)v;
    return i + (v > (double)i);
}

/* Mark the cells of the nx x ny grid that lie wholly in the capsule. */
static void paint_capsule(uint8_t *mask, size_t nx, size_t ny, const grid_seg *s) {
    long j0 = floor_l(dmin(s->y0, s->y1) - s->r), j1 = ceil_l(dmax(s->y0, s->y1) + s->r);
    double lt = 0, ht = 0, lb = 0, hb = 0;
    bool has_t, has_b;
    if (j0 < 0) j0 = 0;
    if (j1 > (long)ny) j1 = (long)ny;
    /* chords on the row boundaries y = j, each shared by two rows; the
       capsule is convex, so a cell lies in it when its four corners do,
       i.e. when it lies within the chords of its top and bottom edges */
    has_t = capsule_chord(s, (double)j0, &lt, &ht);
    for (long j = j0; j < j1; j++, lt = lb, ht = hb, has_t = has_b) {
        long a, b;
        has_b = capsule_chord(s, (double)(j + 1), &lb, &hb);
        if (!has_t || !has_b) continue;
        a = ceil_l(dmax(lt, lb));
        b = floor_l(dmin(ht, hb)); /* cells a .. b-1 */
        if (a < 0) a = 0;
        if (b > (long)nx) b = (long)nx;
        if (b > a) memset(&mask[(size_t)j * nx + (size_t)a], 1, (size_t)(b - a));
    }
}

/* Polygon WKB (hl_malloc'd, the caller frees) of the cells wholly within
 * reach of one segment, cells at least cell_m wide; NULL if none. */
static hl_status sa_polygon(hl_ctx *ctx, const sa_seg *segs, size_t n, double cell_m, unsigned char **wkb,
                            size_t *wkb_size) {
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY, c = cell_m;
    size_t nx, ny;
    uint8_t *mask;
    hl_status rc;
    *wkb = NULL;
    *wkb_size = 0;
    if (!n) return HL_OK;
    for (size_t i = 0; i < n; i++) {
        const sa_seg *s = &segs[i];
        double lx = fmin(s->x0, s->x1) - s->r, hx = fmax(s->x0, s->x1) + s->r;
        double ly = fmin(s->y0, s->y1) - s->r, hy = fmax(s->y0, s->y1) + s->r;
        if (lx < minx) minx = lx;
        if (ly < miny) miny = ly;
        if (hx > maxx) maxx = hx;
        if (hy > maxy) maxy = hy;
    }
    /* about 256 cells across the larger side of the reach, in whole
       multiples of 5 m (at least 5 m): the same relative detail for a
       village school's 2-min reach and a county hospital's 60-min one */
    c = fmax(cell_m, 5.0 * ceil(fmax(maxx - minx, maxy - miny) / 256.0 / 5.0));
    /* snap the grid to multiples of the cell size so that results do not
       depend on the order of the pieces */
    for (;;) {
        double gx0 = floor(minx / c) * c, gy1 = ceil(maxy / c) * c;
        nx = (size_t)ceil((maxx - gx0) / c);
        ny = (size_t)ceil((gy1 - miny) / c);
        if ((double)nx * (double)ny <= 4e6) {
            minx = gx0;
            maxy = gy1;
            break;
        }
        c *= 2;
    }
    mask = hl_calloc(ctx, nx * ny, 1);
    if (!mask) return hl_error(ctx, HL_E_NOMEM, "out of memory for a %zu x %zu service-area grid", nx, ny);
    for (size_t k = 0; k < n; k++) {
        const sa_seg *s = &segs[k];
        grid_seg g;
        g.x0 = (s->x0 - minx) / c;
        g.y0 = (maxy - s->y0) / c;
        g.x1 = (s->x1 - minx) / c;
        g.y1 = (maxy - s->y1) / c;
        g.r = s->r / c;
        g.len = s->len / c;
        g.ux = s->ux;
        g.uy = -s->uy;
        g.inv_ux = fabs(g.ux) > 1e-15 ? 1.0 / g.ux : 0;
        g.inv_nx = fabs(g.uy) > 1e-15 ? -1.0 / g.uy : 0;
        paint_capsule(mask, nx, ny, &g);
    }
    {
        /* One cell less all round, then the outline simplified by one cell:
           a point within one cell of an eroded cell lies in a reachable
           cell, and simplifying moves the outline by at most one cell. */
        GEOSContextHandle_t h = hl__geos(ctx);
        GEOSGeometry *g = NULL, *sg = NULL;
        uint8_t *core = hl_malloc(ctx, nx * ny);
        if (!core || !h) {
            hl_free(mask);
            hl_free(core);
            return hl_error(ctx, HL_E_NOMEM, "out of memory for a %zu x %zu service-area grid", nx, ny);
        }
        hl_geom_mask_erode(mask, core, nx, ny);
        hl_free(mask);
        rc = hl_geom_mask_polygons(ctx, core, nx, ny, minx, maxy, c, &g);
        hl_free(core);
        if (!rc && g) {
            sg = GEOSSimplify_r(h, g, c);
            if (!sg) rc = hl_error(ctx, HL_E_GEOM, "cannot simplify a service area");
        }
        if (!rc && sg && !GEOSisEmpty_r(h, sg)) {
            size_t n2 = 0;
            unsigned char *w2 = hl__geom_wkb(ctx, sg, &n2);
            if (!w2) rc = hl_error(ctx, HL_E_GEOM, "cannot encode a service area");
            else {
                if (!(*wkb = hl_malloc(ctx, n2))) rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
                else {
                    memcpy(*wkb, w2, n2);
                    *wkb_size = n2;
                }
                GEOSFree_r(h, w2);
            }
        }
        if (g) GEOSGeom_destroy_r(h, g);
        if (sg) GEOSGeom_destroy_r(h, sg);
    }
    return rc;
}

/* Parts of piece `pc` (threshold ti) not reached within threshold ti-1 on
 * the same edge; pieces are ordered by threshold, edge, f0.  Up to 3 parts
 * (the edge has at most 2 pieces per threshold). */
static size_t band_parts(const hl_route_piece *pieces, size_t np, const hl_route_piece *pc, size_t ti,
                         double parts[4][2]) {
    double a = pc->f0, b = pc->f1;
    size_t n = 0;
    if (ti == 0) {
        parts[0][0] = a;
        parts[0][1] = b;
        return 1;
    }
    size_t lo = 0, hi = np;
    /* first piece at or after (ti-1, edge) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const hl_route_piece *m = &pieces[mid];
        if (m->threshold < ti - 1 || (m->threshold == ti - 1 && m->edge < pc->edge)) lo = mid + 1;
        else hi = mid;
    }
    for (size_t p = lo; p < np && a < b; p++) {
        const hl_route_piece *q = &pieces[p];
        if (q->threshold != ti - 1 || q->edge != pc->edge) break;
        if (q->f1 <= a || q->f0 >= b) continue;
        if (q->f0 > a && n < 3) {
            parts[n][0] = a;
            parts[n][1] = q->f0;
            n++;
        }
        a = q->f1 > a ? q->f1 : a;
    }
    if (a < b && n < 4) {
        parts[n][0] = a;
        parts[n][1] = b;
        n++;
    }
    return n;
}

/* ---- service areas, facility by facility on worker threads ------------
 *
 * Each facility is independent: a worker has its own context (allocation,
 * messages, GEOS handle), route workspace and scratch, and writes only the
 * result slots of the facilities it takes.  The main thread appends the
 * rows in kind and facility order, batch by batch, so the tables do not
 * depend on the number of threads or on which thread ran which facility. */

#define SA_BATCH 128
#define SA_KIND_MAX HL_PLAN_SA_MAX /* thresholds per kind */

typedef struct sa_shared {
    access_ctx *ac;
    size_t nthr; /* result slots per facility: one per threshold of all kinds together */
    /* per kind (SA_KIND_MAX apart): its own thresholds, ascending, s, and
       the slot of each among all kinds' thresholds */
    const double *kind_thr;
    const size_t *kind_nthr;
    const uint32_t *kind_slot;
    double v_ms, max_snap_m;
    /* the batch: facility f of kind k per item */
    size_t n_items;
    const uint32_t *item_k, *item_f;
    /* per item and threshold: WKB of the band's roads and of the polygon
       (hl_malloc'd, NULL none) and the polygon area */
    unsigned char **road_wkb, **poly_wkb;
    size_t *road_size, *poly_size;
    double *area_m2;
    hl_status *rc;    /* per item */
    char (*err)[256]; /* per item, the worker's message */
    size_t next;
    bool stop;
    pthread_mutex_t mu;
} sa_shared;

typedef struct sa_worker {
    sa_shared *sh;
    hl_ctx *ctx; /* the worker's own */
    hl_route_ws *ws;
    double *time;       /* per node, INFINITY except the current facility's reach */
    uint32_t *reached;  /* the nodes of the current search */
    double *reached_s;  /* and their times */
    size_t n_reached;
    sa_seg *segs;
    size_t n_segs, cap_segs;
    unsigned char *band; /* the band's roads: WKB MultiLineString, header first */
    size_t band_len, band_cap;
    uint32_t band_parts;
} sa_worker;

/* The longest time from a point of an edge between fractions g0 and g1 to
 * the facility, leaving by either end: via the to-node (reached at tv, the
 * edge taking fw along it) or the from-node (tu, bw against it).  The best
 * of the two routes is a tent over the fraction, so its maximum may lie
 * inside the interval, where both routes take the same time. */
static double worst_time(double tu, double tv, double fw, double bw, double g0, double g1) {
    bool via_to = isfinite(tv) && isfinite(fw), via_from = isfinite(tu) && isfinite(bw);
    double worst = 0;
    double gs[3] = {g0, g1, NAN};
    if (via_to && via_from && fw + bw > 0) {
        double gx = (tv + fw - tu) / (fw + bw); /* tv + (1 - g) fw == tu + g bw */
        if (gx > g0 && gx < g1) gs[2] = gx;
    }
    for (int z = 0; z < 3; z++) {
        double g = gs[z], t1, t2, tl;
        if (isnan(g)) continue;
        t1 = via_to ? tv + (1 - g) * fw : INFINITY;
        t2 = via_from ? tu + g * bw : INFINITY;
        tl = t1 < t2 ? t1 : t2;
        if (tl > worst) worst = tl;
    }
    return worst;
}

static hl_status sa_add_seg(sa_worker *w, double x0, double y0, double x1, double y1, double r) {
    hl_status rc = hl_grow(w->ctx, (void **)&w->segs, &w->cap_segs, w->n_segs + 1, sizeof *w->segs);
    if (rc) return rc;
    w->segs[w->n_segs].x0 = x0;
    w->segs[w->n_segs].y0 = y0;
    w->segs[w->n_segs].x1 = x1;
    w->segs[w->n_segs].y1 = y1;
    w->segs[w->n_segs].r = r;
    {
        double dx = x1 - x0, dy = y1 - y0, len = sqrt(dx * dx + dy * dy);
        w->segs[w->n_segs].len = len;
        w->segs[w->n_segs].ux = len > 0 ? dx / len : 0;
        w->segs[w->n_segs].uy = len > 0 ? dy / len : 0;
    }
    w->n_segs++;
    return HL_OK;
}

/* Little-endian WKB, written directly: a band's roads are most of the
 * output's vertices, and a GEOS round trip per piece cost more than the
 * search that found them. */
#define WKB_HEADER 9 /* byte order, type, count */

static void wkb_put_u32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static void wkb_put_header(unsigned char *p, uint32_t type, uint32_t count) {
    p[0] = 1;
    wkb_put_u32(p + 1, type);
    wkb_put_u32(p + 5, count);
}

/* Append the line of n points xy to the worker's band (a part of its
 * MultiLineString).  A line of fewer than 2 points is no line: skipped. */
static hl_status band_add_line(sa_worker *w, const double *xy, size_t n) {
    size_t need = WKB_HEADER + 16 * n;
    hl_status rc;
    if (n < 2) return HL_OK;
    if (n > UINT32_MAX || w->band_parts == UINT32_MAX)
        return hl_error(w->ctx, HL_E_ARG, "a service-area road of %zu points is too long for WKB", n);
    if ((rc = hl_grow(w->ctx, (void **)&w->band, &w->band_cap, w->band_len + need, 1))) return rc;
    {
        unsigned char *p = w->band + w->band_len;
        wkb_put_header(p, 2, (uint32_t)n); /* LineString */
        p += WKB_HEADER;
        for (size_t i = 0; i < 2 * n; i++, p += 8) {
            uint64_t bits;
            memcpy(&bits, &xy[i], 8);
            for (int b = 0; b < 8; b++) p[b] = (unsigned char)(bits >> (8 * b));
        }
    }
    w->band_len += need;
    w->band_parts++;
    return HL_OK;
}

/* The service area of one facility at every threshold into slot `it`. */
static hl_status sa_facility(sa_worker *w, size_t it) {
    sa_shared *sh = w->sh;
    access_ctx *ac = sh->ac;
    hl_ctx *ctx = w->ctx;
    GEOSContextHandle_t h = hl__geos(ctx);
    hl_network *net = ac->a->net;
    size_t k = sh->item_k[it], f = sh->item_f[it], nthr = sh->kind_nthr[k];
    const double *thr = &sh->kind_thr[k * SA_KIND_MAX];
    const uint32_t *kslot = &sh->kind_slot[k * SA_KIND_MAX];
    const uint32_t *net_edge = hl_routable_net_edge(ac->rt);
    const double *nfrom = hl_routable_net_from_m(ac->rt), *nto = hl_routable_net_to_m(ac->rt);
    const uint32_t *efrom = hl_routable_from(ac->rt), *eto = hl_routable_to(ac->rt);
    const double *efwd = hl_graph_edge_fwd_s(ac->g), *ebwd = hl_graph_edge_bwd_s(ac->g);
    double *time = w->time;
    uint32_t node;
    hl_route_opts ro;
    hl_route_piece *pieces = NULL;
    size_t np = 0;
    hl_status rc = HL_OK;
    if (!h) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    if (!nthr || !hl_routable_point(ac->rt, 1 + k, f, &node, NULL)) return HL_OK;
    hl_route_opts_init(&ro);
    ro.dir = HL_ROUTE_BACKWARD;
    ro.cutoff_s = thr[nthr - 1];
    /* only what the facility reaches: a few thousand of a province's
       180,000 nodes */
    if ((rc = hl_route_search_reached(ctx, ac->g, w->ws, 1, &node, NULL, NULL, &ro, &w->n_reached, w->reached,
                                      w->reached_s, NULL)))
        return rc;
    for (size_t q = 0; q < w->n_reached; q++) time[w->reached[q]] = w->reached_s[q];
    if ((rc = hl_route_isochrone_reached(ctx, ac->g, time, HL_ROUTE_BACKWARD, nthr, thr, w->n_reached, w->reached,
                                         &pieces, &np)))
        goto done;
    for (size_t ti = 0; ti < nthr && !rc; ti++) {
        size_t slot = it * sh->nthr + kslot[ti];
        w->n_segs = 0;
        for (size_t p = 0; p < np && !rc; p++) {
            const hl_route_piece *pc = &pieces[p];
            uint32_t e = pc->edge, ne = net_edge[e];
            double span, tu, tv, *xy = NULL;
            size_t nxy = 0;
            if (pc->threshold != ti || ne == HL_ROUTABLE_CONNECTOR) continue;
            span = nto[e] - nfrom[e];
            {
                /* the band: this piece less what the threshold below reached */
                double parts[4][2];
                size_t nparts = band_parts(pieces, np, pc, ti, parts);
                for (size_t q = 0; q < nparts && !rc; q++) {
                    if ((rc = hl_net_edge_substring(ctx, net, ne, nfrom[e] + parts[q][0] * span,
                                                    nfrom[e] + parts[q][1] * span, &xy, &nxy)))
                        break;
                    rc = band_add_line(w, xy, nxy);
                    hl_free(xy);
                    xy = NULL;
                }
                if (rc) break;
            }
            /* The reach left on foot along the piece: in quarters, each with
               its worst time; one stretch when the reach is the full
               max_snap_m everywhere on the piece (most of a large area). */
            tu = time[efrom[e]];
            tv = time[eto[e]];
            {
                int nq = 4;
                double whole = worst_time(tu, tv, efwd[e], ebwd[e], pc->f0, pc->f1);
                if (whole < thr[ti] && (thr[ti] - whole) * sh->v_ms >= sh->max_snap_m) nq = 1;
                for (int q = 0; q < nq && !rc && span > 0; q++) {
                    double g[2] = {pc->f0 + (pc->f1 - pc->f0) * q / nq, pc->f0 + (pc->f1 - pc->f0) * (q + 1) / nq};
                    double worst = nq == 1 ? whole : worst_time(tu, tv, efwd[e], ebwd[e], g[0], g[1]), r;
                    if (!(worst < thr[ti])) continue;
                    r = (thr[ti] - worst) * sh->v_ms;
                    if (r > sh->max_snap_m) r = sh->max_snap_m;
                    if (r < 1.0) continue;
                    if ((rc = hl_net_edge_substring(ctx, net, ne, nfrom[e] + g[0] * span, nfrom[e] + g[1] * span,
                                                    &xy, &nxy)))
                        break;
                    if (nxy > 2 && r > 200.0) {
                        /* Thin out the vertices: simplifying by tol moves the line at
                           most tol, so the reach shrinks by tol to stay inside */
                        double tol = 0.05 * r;
                        GEOSGeometry *ln = line_from_xy(h, xy, nxy);
                        GEOSGeometry *sl = ln ? GEOSSimplify_r(h, ln, tol) : NULL;
                        const GEOSCoordSequence *cs = sl ? GEOSGeom_getCoordSeq_r(h, sl) : NULL;
                        unsigned int ns = 0;
                        if (cs && GEOSCoordSeq_getSize_r(h, cs, &ns) && ns >= 2 && ns < nxy) {
                            for (unsigned int q2 = 0; q2 < ns; q2++)
                                GEOSCoordSeq_getXY_r(h, cs, q2, &xy[2 * q2], &xy[2 * q2 + 1]);
                            nxy = ns;
                            r -= tol;
                        }
                        if (ln) GEOSGeom_destroy_r(h, ln);
                        if (sl) GEOSGeom_destroy_r(h, sl);
                    }
                    for (size_t v = 0; v + 1 < nxy && !rc; v++)
                        rc = sa_add_seg(w, xy[2 * v], xy[2 * v + 1], xy[2 * v + 2], xy[2 * v + 3], r);
                    hl_free(xy);
                    xy = NULL;
                }
            }
        }
        if (!rc && w->band_parts) {
            wkb_put_header(w->band, 5, w->band_parts); /* MultiLineString */
            if (!(sh->road_wkb[slot] = hl_malloc(ctx, w->band_len))) rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
            else {
                memcpy(sh->road_wkb[slot], w->band, w->band_len);
                sh->road_size[slot] = w->band_len;
            }
        }
        w->band_len = WKB_HEADER;
        w->band_parts = 0;
        if (!rc && w->n_segs) {
            unsigned char *wkb = NULL;
            size_t wsz = 0;
            rc = sa_polygon(ctx, w->segs, w->n_segs, 5.0, &wkb, &wsz);
            w->n_segs = 0;
            if (!rc && wkb) {
                GEOSGeometry *u = GEOSGeomFromWKB_buf_r(h, wkb, wsz);
                double area = 0;
                if (u) {
                    GEOSArea_r(h, u, &area);
                    GEOSGeom_destroy_r(h, u);
                }
                sh->poly_wkb[slot] = wkb;
                sh->poly_size[slot] = wsz;
                sh->area_m2[slot] = area;
                wkb = NULL;
            }
            hl_free(wkb);
        }
    }
done:
    w->band_len = WKB_HEADER;
    w->band_parts = 0;
    for (size_t q = 0; q < w->n_reached; q++) time[w->reached[q]] = INFINITY;
    w->n_reached = 0;
    hl_free(pieces);
    return rc;
}

static void *sa_worker_main(void *arg) {
    sa_worker *w = arg;
    sa_shared *sh = w->sh;
    const hl_ctx *main_ctx = sh->ac->a->ctx;
    for (;;) {
        size_t it;
        hl_status rc;
        pthread_mutex_lock(&sh->mu);
        it = sh->next++;
        if (sh->stop) it = sh->n_items;
        pthread_mutex_unlock(&sh->mu);
        if (it >= sh->n_items) break;
        rc = hl_ctx_interrupted(main_ctx) ? HL_E_INTERRUPTED : sa_facility(w, it);
        if (rc) {
            sh->rc[it] = rc;
            snprintf(sh->err[it], sizeof sh->err[it], "%s", hl_ctx_errmsg(w->ctx));
            pthread_mutex_lock(&sh->mu);
            sh->stop = true;
            pthread_mutex_unlock(&sh->mu);
        }
    }
    return NULL;
}

static void sa_worker_free(sa_worker *w) {
    if (!w->ctx) return;
    hl_route_ws_destroy(w->ws);
    hl_free(w->time);
    hl_free(w->reached);
    hl_free(w->reached_s);
    hl_free(w->segs);
    hl_free(w->band);
    hl_ctx_destroy(w->ctx);
    memset(w, 0, sizeof *w);
}

static hl_status sa_worker_init(access_ctx *ac, sa_shared *sh, sa_worker *w) {
    memset(w, 0, sizeof *w);
    w->sh = sh;
    w->ctx = hl_ctx_create();
    if (!w->ctx) return hl_error(ac->a->ctx, HL_E_NOMEM, "out of memory for a service-area worker");
    w->time = hl_malloc(w->ctx, (ac->n_nodes ? ac->n_nodes : 1) * sizeof *w->time);
    w->reached = hl_malloc(w->ctx, (ac->n_nodes ? ac->n_nodes : 1) * sizeof *w->reached);
    w->reached_s = hl_malloc(w->ctx, (ac->n_nodes ? ac->n_nodes : 1) * sizeof *w->reached_s);
    if (!w->time || !w->reached || !w->reached_s || hl_route_ws_create(w->ctx, ac->g, &w->ws)) {
        sa_worker_free(w);
        return hl_error(ac->a->ctx, HL_E_NOMEM, "out of memory for a service-area worker");
    }
    for (size_t v = 0; v < ac->n_nodes; v++) w->time[v] = INFINITY;
    w->band_len = WKB_HEADER;
    return HL_OK;
}

/* Insert t into the ascending list v of *n values unless it is there. */
static void add_sorted_unique(double *v, size_t *n, double t) {
    size_t j = *n;
    for (size_t e = 0; e < *n; e++)
        if (v[e] == t) return;
    for (; j > 0 && v[j - 1] > t; j--) v[j] = v[j - 1];
    v[j] = t;
    (*n)++;
}

static hl_status service_areas(access_ctx *ac) {
    hl_analysis *a = ac->a;
    hl_ctx *ctx = a->ctx;
    hl_access *acc = a->access;
    const hl_plan *plan = a->plan;
    size_t nthr = 0, n_items = 0, done_items = 0, slots, nk = acc->n_kinds;
    double *thr = NULL, *kind_thr = NULL;
    size_t *kind_nthr = NULL;
    uint32_t *kind_slot = NULL;
    hl_table *roads = NULL, *polys = NULL;
    size_t r_f, r_k, r_t, r_e, p_f, p_k, p_t, p_a;
    uint32_t *item_k = NULL, *item_f = NULL;
    sa_shared sh;
    sa_worker wk[2];
    bool mu_ok = false;
    char buf[128];
    hl_status rc;
    memset(&sh, 0, sizeof sh);
    memset(wk, 0, sizeof wk);
    /* each kind's thresholds (ascending, distinct), and all of them
       together: a facility has one result slot per threshold of the whole */
    kind_thr = hl_calloc(ctx, (nk ? nk : 1) * SA_KIND_MAX, sizeof *kind_thr);
    kind_nthr = hl_calloc(ctx, nk ? nk : 1, sizeof *kind_nthr);
    kind_slot = hl_calloc(ctx, (nk ? nk : 1) * SA_KIND_MAX, sizeof *kind_slot);
    thr = hl_malloc(ctx, ((nk ? nk : 1) * SA_KIND_MAX) * sizeof *thr);
    if (!kind_thr || !kind_nthr || !kind_slot || !thr) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < nk; k++) {
        double m[SA_KIND_MAX], *kt = &kind_thr[k * SA_KIND_MAX];
        size_t n = 0, q = 0;
        if (!acc->kinds[k].n_fac) continue;
        hl_plan_service_area_min(plan, acc->kinds[k].kind, m, &n);
        for (size_t i = 0; i < n; i++) add_sorted_unique(kt, &q, m[i] * 60.0);
        kind_nthr[k] = q;
        for (size_t i = 0; i < q; i++) add_sorted_unique(thr, &nthr, kt[i]);
    }
    for (size_t k = 0; k < nk; k++)
        for (size_t i = 0; i < kind_nthr[k]; i++)
            for (size_t e = 0; e < nthr; e++)
                if (thr[e] == kind_thr[k * SA_KIND_MAX + i]) kind_slot[k * SA_KIND_MAX + i] = (uint32_t)e;
    hl_log(ctx, HL_LOG_INFO, "service areas at %zu thresholds", nthr);
    if (!nthr) {
        rc = HL_OK;
        goto done;
    }
    if ((rc = hl_table_create(ctx, "service_area_roads", HL_GEOM_LINE, &roads)) ||
        (rc = hl_table_create(ctx, "service_areas", HL_GEOM_POLYGON, &polys)))
        goto done;
    if ((rc = hl_table_add_column(ctx, roads, "facility_id", HL_COL_TEXT, &r_f)) ||
        (rc = hl_table_add_column(ctx, roads, "kind", HL_COL_TEXT, &r_k)) ||
        (rc = hl_table_add_column(ctx, roads, "threshold_min", HL_COL_REAL, &r_t)) ||
        (rc = hl_table_add_column(ctx, roads, "band_min", HL_COL_REAL, &r_e)) ||
        (rc = hl_table_add_column(ctx, polys, "facility_id", HL_COL_TEXT, &p_f)) ||
        (rc = hl_table_add_column(ctx, polys, "kind", HL_COL_TEXT, &p_k)) ||
        (rc = hl_table_add_column(ctx, polys, "threshold_min", HL_COL_REAL, &p_t)) ||
        (rc = hl_table_add_column(ctx, polys, "area_km2", HL_COL_REAL, &p_a)))
        goto done;
    /* the work list: every facility of the wanted kinds, in kind order */
    for (size_t k = 0; k < nk; k++)
        if (kind_nthr[k]) n_items += acc->kinds[k].n_fac;
    item_k = hl_malloc(ctx, (n_items ? n_items : 1) * sizeof *item_k);
    item_f = hl_malloc(ctx, (n_items ? n_items : 1) * sizeof *item_f);
    slots = SA_BATCH * nthr;
    sh.road_wkb = hl_calloc(ctx, slots, sizeof *sh.road_wkb);
    sh.poly_wkb = hl_calloc(ctx, slots, sizeof *sh.poly_wkb);
    sh.road_size = hl_calloc(ctx, slots, sizeof *sh.road_size);
    sh.poly_size = hl_calloc(ctx, slots, sizeof *sh.poly_size);
    sh.area_m2 = hl_calloc(ctx, slots, sizeof *sh.area_m2);
    sh.rc = hl_calloc(ctx, SA_BATCH, sizeof *sh.rc);
    sh.err = hl_calloc(ctx, SA_BATCH, sizeof *sh.err);
    if (!item_k || !item_f || !sh.road_wkb || !sh.poly_wkb || !sh.road_size || !sh.poly_size || !sh.area_m2 ||
        !sh.rc || !sh.err) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    n_items = 0;
    for (size_t k = 0; k < nk; k++)
        if (kind_nthr[k])
            for (size_t f = 0; f < acc->kinds[k].n_fac; f++) {
                item_k[n_items] = (uint32_t)k;
                item_f[n_items++] = (uint32_t)f;
            }
    sh.ac = ac;
    sh.nthr = nthr;
    sh.kind_thr = kind_thr;
    sh.kind_nthr = kind_nthr;
    sh.kind_slot = kind_slot;
    sh.v_ms = plan->connector_speed_kmh / 3.6;
    sh.max_snap_m = plan->max_snap_m;
    if (pthread_mutex_init(&sh.mu, NULL) != 0) {
        rc = hl_error(ctx, HL_E_DEP, "cannot create a mutex");
        goto done;
    }
    mu_ok = true;
    /* two workers: the machine's two cores */
    for (int t = 0; t < 2 && !rc; t++) rc = sa_worker_init(ac, &sh, &wk[t]);
    if (rc) goto done;
    while (done_items < n_items && !rc) {
        size_t nb = n_items - done_items < SA_BATCH ? n_items - done_items : SA_BATCH;
        pthread_t th;
        bool started;
        sh.item_k = item_k + done_items;
        sh.item_f = item_f + done_items;
        sh.n_items = nb;
        sh.next = 0;
        sh.stop = false;
        started = pthread_create(&th, NULL, sa_worker_main, &wk[1]) == 0;
        sa_worker_main(&wk[0]);
        if (started) pthread_join(th, NULL);
        /* rows in facility order; the first failure in that order wins */
        for (size_t it = 0; it < nb && !rc; it++) {
            const hl_kind_access *ka = &acc->kinds[sh.item_k[it]];
            if (sh.rc[it]) {
                rc = sh.rc[it] == HL_E_INTERRUPTED ? hl_check_interrupt(ctx)
                                                    : hl_error(ctx, sh.rc[it], "service area of %s %s: %s", ka->kind,
                                                               hl_layer_id(ka->fac, sh.item_f[it], buf, sizeof buf),
                                                               sh.err[it]);
                if (rc == HL_OK) rc = hl_error(ctx, HL_E_INTERRUPTED, "interrupted");
                break;
            }
            hl_layer_id(ka->fac, sh.item_f[it], buf, sizeof buf);
            for (size_t i = 0, k = sh.item_k[it]; i < kind_nthr[k] && !rc; i++) {
                size_t ti = kind_slot[k * SA_KIND_MAX + i], slot = it * nthr + ti, row;
                double prev_min = i ? kind_thr[k * SA_KIND_MAX + i - 1] / 60.0 : 0;
                if (sh.road_wkb[slot]) {
                    rc = hl_table_add_row(ctx, roads, sh.road_wkb[slot], sh.road_size[slot], &row);
                    if (!rc) rc = hl_table_set_text(ctx, roads, row, r_f, buf);
                    if (!rc) rc = hl_table_set_text(ctx, roads, row, r_k, ka->kind);
                    if (!rc) {
                        hl_table_set_real(roads, row, r_t, thr[ti] / 60.0);
                        hl_table_set_real(roads, row, r_e, thr[ti] / 60.0 - prev_min);
                    }
                }
                if (!rc && sh.poly_wkb[slot]) {
                    rc = hl_table_add_row(ctx, polys, sh.poly_wkb[slot], sh.poly_size[slot], &row);
                    if (!rc) rc = hl_table_set_text(ctx, polys, row, p_f, buf);
                    if (!rc) rc = hl_table_set_text(ctx, polys, row, p_k, ka->kind);
                    if (!rc) {
                        hl_table_set_real(polys, row, p_t, thr[ti] / 60.0);
                        hl_table_set_real(polys, row, p_a, sh.area_m2[slot] / 1e6);
                    }
                }
            }
        }
        for (size_t slot = 0; slot < nb * nthr; slot++) {
            hl_free(sh.road_wkb[slot]);
            hl_free(sh.poly_wkb[slot]);
            sh.road_wkb[slot] = sh.poly_wkb[slot] = NULL;
            sh.road_size[slot] = sh.poly_size[slot] = 0;
            sh.area_m2[slot] = 0;
        }
        for (size_t it = 0; it < nb; it++) sh.rc[it] = HL_OK;
        done_items += nb;
        hl_progress(ctx, "service areas", done_items, n_items);
        if (!rc) rc = hl_check_interrupt(ctx);
    }
    if (!rc) {
        rc = hl__analysis_add_table(a, polys);
        polys = NULL;
        if (!rc) rc = hl__analysis_add_table(a, roads);
        roads = NULL;
    }
done:
    for (int t = 0; t < 2; t++) sa_worker_free(&wk[t]);
    if (mu_ok) pthread_mutex_destroy(&sh.mu);
    hl_free(sh.road_wkb);
    hl_free(sh.poly_wkb);
    hl_free(sh.road_size);
    hl_free(sh.poly_size);
    hl_free(sh.area_m2);
    hl_free(sh.rc);
    hl_free(sh.err);
    hl_free(item_k);
    hl_free(item_f);
    hl_table_destroy(roads);
    hl_table_destroy(polys);
    hl_free(thr);
    hl_free(kind_thr);
    hl_free(kind_nthr);
    hl_free(kind_slot);
    return rc;
}

hl_status hl__stage_access(hl_analysis *a) {
    hl_ctx *ctx = a->ctx;
    hl_study *s = a->study;
    access_ctx ac;
    hl_access *acc;
    hl_status rc;
    const hl_placement **sets = NULL;
    size_t nk = s->n_facilities, n_placed = 0;
    memset(&ac, 0, sizeof ac);
    ac.a = a;
    acc = a->access = hl_calloc(ctx, 1, sizeof *a->access);
    if (!acc) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    if ((rc = build_origins(a, &acc->origins))) goto done;
    acc->kinds = hl_calloc(ctx, nk ? nk : 1, sizeof *acc->kinds);
    ac.fac_pl = hl_calloc(ctx, nk ? nk : 1, sizeof *ac.fac_pl);
    sets = hl_calloc(ctx, nk + 1, sizeof *sets);
    if (!acc->kinds || !ac.fac_pl || !sets) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    acc->n_kinds = nk;
    hl_log(ctx, HL_LOG_INFO, "placing %zu %s on the network", acc->origins.n,
           acc->origins.natural ? "natural villages" : "administrative villages");
    if ((rc = place_points(a, acc->origins.layer, acc->origins.natural ? "natural village" : "village",
                           acc->origins.xy, acc->origins.n, &ac.orig_pl, &n_placed)))
        goto done;
    {
        const hl_place *pl = hl_placement_places(ac.orig_pl);
        for (size_t i = 0; i < acc->origins.n; i++) {
            acc->origins.placed[i] = pl[i].status == HL_PLACE_OK;
            acc->origins.snap_m[i] = acc->origins.placed[i] ? pl[i].snap_m : INFINITY;
            acc->origins.comp_nodes[i] = acc->origins.placed[i] ? pl[i].comp_n_nodes : 0;
        }
    }
    {
        const hl_place *pl = hl_placement_places(ac.orig_pl);
        size_t far = 0, bad = 0;
        for (size_t i = 0; i < acc->origins.n; i++) {
            far += pl[i].status == HL_PLACE_TOO_FAR;
            bad += pl[i].status == HL_PLACE_BAD_POINT;
        }
        if (far)
            hl_log(ctx, HL_LOG_WARN, "%zu of %zu villages are farther than %.0f m from every road and are unreachable",
                   far, acc->origins.n, a->plan->max_snap_m);
        if (bad)
            hl_log(ctx, HL_LOG_WARN, "%zu of %zu villages have no usable location and are left out", bad,
                   acc->origins.n);
    }
    sets[0] = ac.orig_pl;
    for (size_t k = 0; k < nk; k++) {
        hl_kind_access *ka = &acc->kinds[k];
        const hl_layer *F = s->facilities[k];
        size_t nf = hl_layer_count(F), np = 0;
        double *xy = hl_malloc(ctx, 2 * (nf ? nf : 1) * sizeof *xy);
        const hl_place *pl;
        ka->kind = hl_layer_kind(F);
        ka->fac = F;
        ka->n_fac = nf;
        ka->k = a->plan->k_nearest > 1 ? a->plan->k_nearest : 1;
        ka->fac_snap_m = hl_malloc(ctx, (nf ? nf : 1) * sizeof *ka->fac_snap_m);
        ka->time_s = hl_malloc(ctx, (acc->origins.n ? acc->origins.n : 1) * sizeof *ka->time_s);
        ka->dist_m = hl_malloc(ctx, (acc->origins.n ? acc->origins.n : 1) * sizeof *ka->dist_m);
        ka->facility = hl_malloc(ctx, (acc->origins.n ? acc->origins.n : 1) * sizeof *ka->facility);
        if (ka->k > 1) {
            size_t m = (acc->origins.n ? acc->origins.n : 1) * ka->k;
            ka->k_time_s = hl_malloc(ctx, m * sizeof *ka->k_time_s);
            ka->k_dist_m = hl_malloc(ctx, m * sizeof *ka->k_dist_m);
            ka->k_facility = hl_malloc(ctx, m * sizeof *ka->k_facility);
        }
        if (!xy || !ka->fac_snap_m || !ka->time_s || !ka->dist_m || !ka->facility ||
            (ka->k > 1 && (!ka->k_time_s || !ka->k_dist_m || !ka->k_facility))) {
            hl_free(xy);
            rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
            goto done;
        }
        for (size_t f = 0; f < nf; f++)
            if (!hl_layer_point(F, f, &xy[2 * f], &xy[2 * f + 1])) xy[2 * f] = xy[2 * f + 1] = NAN;
        rc = place_points(a, F, ka->kind, xy, nf, &ac.fac_pl[k], &np);
        hl_free(xy);
        if (rc) goto done;
        pl = hl_placement_places(ac.fac_pl[k]);
        for (size_t f = 0; f < nf; f++) ka->fac_snap_m[f] = pl[f].status == HL_PLACE_OK ? pl[f].snap_m : INFINITY;
        sets[1 + k] = ac.fac_pl[k];
    }
    if ((rc = hl_net_routable(ctx, a->net, sets, nk + 1, a->plan->connector_speed_kmh, &ac.rt))) goto done;
    if ((rc = hl_graph_create(ctx, hl_routable_node_count(ac.rt), hl_routable_edge_count(ac.rt),
                              hl_routable_from(ac.rt), hl_routable_to(ac.rt), hl_routable_fwd_s(ac.rt),
                              hl_routable_bwd_s(ac.rt), hl_routable_len_m(ac.rt), &ac.g)))
        goto done;
    ac.n_nodes = hl_graph_node_count(ac.g);
    hl_log(ctx, HL_LOG_INFO, "nearest facility for %zu kinds", nk);
    if ((rc = nearest_all_kinds(&ac))) goto done;
    if ((rc = own_seat_times(&ac))) goto done;
    if ((rc = nearest_table(&ac))) goto done;
    if ((rc = od_table(&ac))) goto done;
    hl_log(ctx, HL_LOG_INFO, "accessibility measures and catchments");
    if ((rc = hl__access_measures(a, ac.g, ac.rt))) goto done;
    rc = service_areas(&ac);
done:
    if (ac.fac_pl)
        for (size_t k = 0; k < nk; k++) hl_placement_destroy(ac.fac_pl[k]);
    hl_free(ac.fac_pl);
    hl_free(sets);
    hl_placement_destroy(ac.orig_pl);
    hl_routable_destroy(ac.rt);
    hl_graph_destroy(ac.g);
    return rc;
}
