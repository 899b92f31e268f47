/* Origin-destination matrix: one single-source search per origin (forward)
 * or per destination (backward), spread over worker threads.  Every thread
 * has its own workspace, every search starts from a clean workspace and
 * writes only its own row or column, so the result does not depend on the
 * number of threads or on which thread ran which search.  All memory is
 * allocated by the calling thread before the workers start (the context is
 * single-threaded); workers only poll the interrupt flag. */
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "route/route_int.h"

#define MAX_THREADS 64

void hl_route_od_opts_init(hl_route_od_opts *o) {
    o->cutoff_s = INFINITY;
    o->n_threads = 0;
    o->side = HL_ROUTE_OD_AUTO;
}

typedef struct od_job {
    const hl_graph *g;
    const hl_ctx *ictx;
    hl_route_dir dir;
    double cutoff_s;
    /* searches start at search_nodes[r]; the answer for r and target c goes
     * to out[r * r_stride + c * c_stride] (nodes and marks by internal
     * node number, see route_int.h) */
    size_t n_search;
    const uint32_t *search_nodes;
    size_t n_target;
    const uint32_t *target_nodes;
    const uint8_t *target_mark;
    size_t n_distinct_targets;
    size_t r_stride, c_stride;
    double *time_s;
    double *length_m;
    /* work queue */
    pthread_mutex_t lock;
    size_t next;
    bool interrupted;
} od_job;

typedef struct od_worker {
    od_job *job;
    hl_route_ws *ws;
} od_worker;

static bool take_row(od_job *job, size_t *row) {
    bool ok;
    pthread_mutex_lock(&job->lock);
    ok = !job->interrupted && job->next < job->n_search;
    if (ok) *row = job->next++;
    pthread_mutex_unlock(&job->lock);
    return ok;
}

static void *od_worker_main(void *arg) {
    od_worker *w = arg;
    od_job *job = w->job;
    hl_route_ws *ws = w->ws;
    size_t r, c;
    while (take_row(job, &r)) {
        hl_status rc;
        hl__search_seed(ws, job->g, job->search_nodes[r], 0.0, 0, 0.0, job->cutoff_s);
        rc = hl__search_run(ws, job->g, job->dir, job->cutoff_s, job->target_mark,
                            job->n_distinct_targets, job->ictx);
        if (rc == HL_OK && job->ictx && hl_ctx_interrupted(job->ictx)) rc = HL_E_INTERRUPTED;
        if (rc != HL_OK) {
            hl__search_reset(ws);
            pthread_mutex_lock(&job->lock);
            job->interrupted = true;
            pthread_mutex_unlock(&job->lock);
            break;
        }
        for (c = 0; c < job->n_target; c++) {
            uint32_t v = job->target_nodes[c];
            size_t at = r * job->r_stride + c * job->c_stride;
            job->time_s[at] = ws->lab[v].t;
            if (job->length_m) job->length_m[at] = ws->lab[v].l;
        }
        hl__search_reset(ws);
    }
    return NULL;
}

static unsigned default_threads(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) return 1;
    if (n > MAX_THREADS) return MAX_THREADS;
    return (unsigned)n;
}

hl_status hl_route_od_matrix(hl_ctx *ctx, const hl_graph *g, size_t n_orig, const uint32_t *orig,
                             size_t n_dest, const uint32_t *dest, const hl_route_od_opts *opts,
                             double *time_s, double *length_m) {
    hl_status rc = HL_OK;
    hl_route_od_opts o;
    od_job job;
    od_worker workers[MAX_THREADS];
    pthread_t tids[MAX_THREADS];
    bool started[MAX_THREADS];
    uint8_t *mark = NULL;
    uint32_t *search_int = NULL, *target_int = NULL;
    size_t i, n_threads = 0, n_distinct = 0;
    bool from_orig, lock_ok = false;

    memset(workers, 0, sizeof workers);
    memset(started, 0, sizeof started);
    if (opts)
        o = *opts;
    else
        hl_route_od_opts_init(&o);
    if (!g) {
        rc = hl_error(ctx, HL_E_ARG, "hl_route_od_matrix: graph is NULL");
        goto done;
    }
    if ((n_orig > 0 && !orig) || (n_dest > 0 && !dest) || (n_orig > 0 && n_dest > 0 && !time_s)) {
        rc = hl_error(ctx, HL_E_ARG, "hl_route_od_matrix: a required array is NULL");
        goto done;
    }
    if (isnan(o.cutoff_s)) {
        rc = hl_error(ctx, HL_E_ARG, "hl_route_od_matrix: cutoff is NaN");
        goto done;
    }
    if (n_dest > 0 && n_orig > SIZE_MAX / sizeof(double) / n_dest) {
        rc = hl_error(ctx, HL_E_ARG, "hl_route_od_matrix: %zu x %zu matrix is too large", n_orig,
                      n_dest);
        goto done;
    }
    for (i = 0; i < n_orig; i++)
        if (orig[i] >= g->n_nodes) {
            rc = hl_error(ctx, HL_E_ARG, "origin %zu is node %u, graph has %zu nodes", i, orig[i],
                          g->n_nodes);
            goto done;
        }
    for (i = 0; i < n_dest; i++)
        if (dest[i] >= g->n_nodes) {
            rc = hl_error(ctx, HL_E_ARG, "destination %zu is node %u, graph has %zu nodes", i,
                          dest[i], g->n_nodes);
            goto done;
        }
    if (o.side == HL_ROUTE_OD_AUTO)
        from_orig = n_orig <= n_dest;
    else if (o.side == HL_ROUTE_OD_FROM_ORIGINS)
        from_orig = true;
    else if (o.side == HL_ROUTE_OD_FROM_DESTINATIONS)
        from_orig = false;
    else {
        rc = hl_error(ctx, HL_E_ARG, "hl_route_od_matrix: unknown side %d", (int)o.side);
        goto done;
    }
    if (n_orig == 0 || n_dest == 0) goto done;

    memset(&job, 0, sizeof job);
    job.g = g;
    job.ictx = ctx;
    job.cutoff_s = o.cutoff_s;
    job.time_s = time_s;
    job.length_m = length_m;
    if (from_orig) {
        job.dir = HL_ROUTE_FORWARD;
        job.n_search = n_orig;
        job.search_nodes = orig;
        job.n_target = n_dest;
        job.target_nodes = dest;
        job.r_stride = n_dest;
        job.c_stride = 1;
    } else {
        job.dir = HL_ROUTE_BACKWARD;
        job.n_search = n_dest;
        job.search_nodes = dest;
        job.n_target = n_orig;
        job.target_nodes = orig;
        job.r_stride = 1;
        job.c_stride = n_dest;
    }
    mark = hl_calloc(ctx, g->n_nodes, sizeof *mark);
    search_int = mark ? hl_malloc(ctx, job.n_search * sizeof *search_int) : NULL;
    target_int = search_int ? hl_malloc(ctx, job.n_target * sizeof *target_int) : NULL;
    if (!target_int) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory for an OD matrix on %zu nodes", g->n_nodes);
        goto done;
    }
    for (i = 0; i < job.n_search; i++) search_int[i] = g->new_of[job.search_nodes[i]];
    for (i = 0; i < job.n_target; i++) target_int[i] = g->new_of[job.target_nodes[i]];
    job.search_nodes = search_int;
    job.target_nodes = target_int;
    for (i = 0; i < job.n_target; i++) {
        if (!mark[job.target_nodes[i]]) n_distinct++;
        mark[job.target_nodes[i]] = 1;
    }
    job.target_mark = mark;
    job.n_distinct_targets = n_distinct;

    n_threads = o.n_threads ? o.n_threads : default_threads();
    if (n_threads > MAX_THREADS) n_threads = MAX_THREADS;
    if (n_threads > job.n_search) n_threads = job.n_search;
    for (i = 0; i < n_threads; i++) {
        workers[i].job = &job;
        rc = hl_route_ws_create(ctx, g, &workers[i].ws);
        if (rc) goto done;
    }
    if (pthread_mutex_init(&job.lock, NULL) != 0) {
        rc = hl_error(ctx, HL_E_DEP, "hl_route_od_matrix: cannot create a mutex");
        goto done;
    }
    lock_ok = true;
    /* Worker 0 runs in this thread.  If a thread cannot be started the
     * others simply take its share of the queue. */
    for (i = 1; i < n_threads; i++)
        started[i] = pthread_create(&tids[i], NULL, od_worker_main, &workers[i]) == 0;
    od_worker_main(&workers[0]);
    for (i = 1; i < n_threads; i++)
        if (started[i]) pthread_join(tids[i], NULL);
    if (job.interrupted) rc = hl_error(ctx, HL_E_INTERRUPTED, "interrupted: OD matrix not finished");
done:
    if (lock_ok) pthread_mutex_destroy(&job.lock);
    for (i = 0; i < n_threads; i++) hl_route_ws_destroy(workers[i].ws);
    hl_free(mark);
    hl_free(search_int);
    hl_free(target_int);
    return rc;
}
