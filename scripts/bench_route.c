/* Routing micro-benchmark for hinterland (used by scripts/bench): a
 * synthetic grid road network of about one million edges, 20,000 origins
 * and 8 facility kinds of 50..500 facilities, run through the library API
 * exactly as the access stage does it:
 *
 *   hl_net_build -> hl_net_place (origins, each kind) -> hl_net_routable ->
 *   hl_graph_create -> hl_route_search (BACKWARD, one per kind: the nearest
 *   facility of every node) -> hl_route_od_matrix (origins x the 500
 *   facilities of the largest kind).
 *
 * The nearest phase runs twice: on one thread with one workspace
 * (t_nearest_all_kinds_s) and with the kinds spread over two threads, one
 * workspace each, as the access command does it (t_nearest_all_kinds_2t_s).
 *
 * Prints one JSON object on stdout: wall seconds per phase (and process CPU
 * seconds of the nearest and OD phases, cpu_*), VmHWM (peak
 * resident memory) after each phase, sizes, and a consistency check (the
 * row minimum of the OD matrix must equal the nearest-facility time of the
 * same origin for the 500-facility kind).  It also prints FNV-1a checksums
 * of the raw result bytes (nearest times, lengths and sources of every kind
 * in kind order; the OD time and length matrices) so that a change to the
 * routing code can be checked to give bit-identical answers; with --check
 * it adds checksums of a k-nearest search (k = 3), a forward search with
 * predecessor edges and its isochrone pieces (not timed).  --shuffle gives
 * the graph its nodes in a random order (as real networks, numbered in line
 * order, are far less local than the grid); the checksums are taken in the
 * unshuffled node order, so they must not change.
 *
 * Build (scripts/bench does this):
 *   cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I src/include scripts/bench_route.c \
 *      build-bench/libhl_core.a $(pkg-config --libs gdal proj libfyaml sqlite3) -lgeos_c -lpthread -lm
 * Usage: bench_route [--side N] [--origins N] [--kinds N] [--threads N] [--od-dest N] [--check]
 *                    [--shuffle]
 * (--od-dest N: only the first N facilities as OD destinations, for quick runs)
 * Deterministic: a fixed-seed generator, no clock in the data. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hl/core.h"
#include "hl/network.h"
#include "hl/route.h"

static uint64_t g_rng = 0x9E3779B97F4A7C15ull;

/* splitmix64: deterministic, good enough for coordinates */
static uint64_t rnd_u64(void) {
    uint64_t z = (g_rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double rnd_unit(void) { return (double)(rnd_u64() >> 11) / 9007199254740992.0; }

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* CPU seconds used by the whole process so far (all threads): less
 * sensitive than wall time to other jobs on the machine. */
static double cpu_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Peak resident set size so far (kB), from /proc/self/status. */
static long vm_hwm_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6)) {
            kb = strtol(line + 6, NULL, 10);
            break;
        }
    fclose(f);
    return kb;
}

/* FNV-1a, 64-bit, continued from h over n raw bytes. */
static uint64_t fnv1a(uint64_t h, const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001B3ull;
    }
    return h;
}
#define FNV_INIT 0xCBF29CE484222325ull

/* --shuffle: routable node v is graph node g_perm[v] (NULL: the same). */
static uint32_t *g_perm;

/* Continue h over per-node rows of row_bytes bytes, in routable node
 * order (so that the checksum does not depend on --shuffle). */
static uint64_t hash_nodes(uint64_t h, const void *arr, size_t row_bytes, size_t n) {
    const unsigned char *b = arr;
    if (!g_perm) return fnv1a(h, arr, n * row_bytes);
    for (size_t v = 0; v < n; v++) h = fnv1a(h, b + (size_t)g_perm[v] * row_bytes, row_bytes);
    return h;
}

/* The graph node of routable node v. */
static uint32_t gnode(uint32_t v) { return g_perm ? g_perm[v] : v; }

/* The nearest-facility search of one kind: sources and result buffers. */
typedef struct kind_run {
    size_t n_src;
    uint32_t *src_node;
    uint64_t sum; /* checksum of the kind's time, length and source arrays */
    hl_status rc;
} kind_run;

typedef struct kind_pool {
    hl_ctx *ctx;
    const hl_graph *g;
    kind_run *runs;
    size_t n_kinds, next;
    pthread_mutex_t mu;
} kind_pool;

/* Worker of the two-thread nearest phase: its own workspace and buffers,
 * kinds taken from a shared counter (as the access command does). */
static void *kind_worker(void *arg) {
    kind_pool *pool = arg;
    size_t gn = hl_graph_node_count(pool->g);
    hl_route_ws *ws = NULL;
    double *tm = malloc(gn * sizeof *tm), *len = malloc(gn * sizeof *len);
    uint32_t *src = malloc(gn * sizeof *src);
    hl_status wrc = (tm && len && src) ? hl_route_ws_create(pool->ctx, pool->g, &ws) : HL_E_NOMEM;
    for (;;) {
        size_t k;
        hl_route_opts ro;
        kind_run *r;
        pthread_mutex_lock(&pool->mu);
        k = pool->next++;
        pthread_mutex_unlock(&pool->mu);
        if (k >= pool->n_kinds) break;
        r = &pool->runs[k];
        if (wrc) {
            r->rc = wrc;
            continue;
        }
        hl_route_opts_init(&ro);
        ro.dir = HL_ROUTE_BACKWARD;
        r->rc = hl_route_search(pool->ctx, pool->g, ws, r->n_src, r->src_node, NULL, NULL, &ro, tm, len, src, NULL);
        if (!r->rc) {
            uint64_t h = hash_nodes(FNV_INIT, tm, sizeof *tm, gn);
            h = hash_nodes(h, len, sizeof *len, gn);
            r->sum = hash_nodes(h, src, sizeof *src, gn);
        }
    }
    hl_route_ws_destroy(ws);
    free(tm);
    free(len);
    free(src);
    return NULL;
}

static void die(hl_ctx *ctx, const char *what, hl_status rc) {
    fprintf(stderr, "bench_route: %s failed: %s (%s)\n", what, hl_status_str(rc), ctx ? hl_ctx_errmsg(ctx) : "");
    exit(1);
}

int main(int argc, char **argv) {
    size_t side = 708, n_orig = 20000, n_kinds = 8, max_dest = SIZE_MAX;
    unsigned threads = 0;
    bool check = false, shuffle = false;
    const double spacing_m = 100.0;
    hl_ctx *ctx;
    hl_status rc;
    double c0, c_nearest, c_od, t0, t_build, t_place, t_routable, t_graph, t_nearest, t_nearest_2t, t_od;
    uint64_t sum_nearest = FNV_INIT, sum_nearest_2t = FNV_INIT, sum_od;
    uint64_t sum_k = 0, sum_fwd = 0, sum_iso = 0;
    long hwm_build, hwm_place, hwm_graph, hwm_nearest, hwm_od;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--side") && i + 1 < argc) side = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--origins") && i + 1 < argc) n_orig = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--kinds") && i + 1 < argc) n_kinds = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--od-dest") && i + 1 < argc) max_dest = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--check")) check = true;
        else if (!strcmp(argv[i], "--shuffle")) shuffle = true;
        else {
            fprintf(stderr, "usage: bench_route [--side N] [--origins N] [--kinds N] [--threads N] [--od-dest N] [--check] [--shuffle]\n");
            return 2;
        }
    }
    if (side < 2 || n_kinds < 1 || n_orig < 1) return 2;
    ctx = hl_ctx_create();
    if (!ctx) return 1;

    /* ---- the grid: jittered nodes, one 2-vertex line per grid edge ---- */
    size_t n_nodes = side * side, n_lines = 2 * side * (side - 1);
    double *nxy = malloc(2 * n_nodes * sizeof *nxy);
    double *lxy = malloc(4 * n_lines * sizeof *lxy);
    hl_road_line *lines = malloc(n_lines * sizeof *lines);
    if (!nxy || !lxy || !lines) return 1;
    for (size_t r = 0; r < side; r++)
        for (size_t c = 0; c < side; c++) {
            size_t v = r * side + c;
            nxy[2 * v] = (double)c * spacing_m + (rnd_unit() - 0.5) * 40.0;
            nxy[2 * v + 1] = (double)r * spacing_m + (rnd_unit() - 0.5) * 40.0;
        }
    {
        size_t l = 0;
        for (size_t r = 0; r < side; r++)
            for (size_t c = 0; c < side; c++) {
                size_t v = r * side + c;
                for (int dir = 0; dir < 2; dir++) {
                    size_t w;
                    bool arterial;
                    if (dir == 0) {
                        if (c + 1 >= side) continue;
                        w = v + 1;
                        arterial = r % 10 == 0;
                    } else {
                        if (r + 1 >= side) continue;
                        w = v + side;
                        arterial = c % 10 == 0;
                    }
                    double *p = &lxy[4 * l];
                    p[0] = nxy[2 * v];
                    p[1] = nxy[2 * v + 1];
                    p[2] = nxy[2 * w];
                    p[3] = nxy[2 * w + 1];
                    lines[l].xy = p;
                    lines[l].n_vertices = 2;
                    lines[l].speed_kmh = arterial ? 60.0 : 20.0 + 20.0 * rnd_unit();
                    {
                        double u = rnd_unit();
                        lines[l].oneway = u < 0.01 ? 1 : u < 0.02 ? -1 : 0;
                    }
                    lines[l].level = 0;
                    lines[l].road_index = (int64_t)l;
                    l++;
                }
            }
        n_lines = l;
    }
    double ext_m = (double)(side - 1) * spacing_m;

    /* ---- network build ---- */
    hl_network *net = NULL;
    t0 = now_s();
    if ((rc = hl_net_build(ctx, lines, n_lines, NULL, &net))) die(ctx, "hl_net_build", rc);
    t_build = now_s() - t0;
    hwm_build = vm_hwm_kb();
    free(lines);
    free(lxy);

    /* ---- points ---- */
    size_t *n_fac = calloc(n_kinds, sizeof *n_fac);
    double *oxy = malloc(2 * n_orig * sizeof *oxy);
    double **fxy = calloc(n_kinds, sizeof *fxy);
    hl_placement **sets = calloc(n_kinds + 1, sizeof *sets);
    size_t big = 0;
    if (!n_fac || !oxy || !fxy || !sets) return 1;
    for (size_t i = 0; i < n_orig; i++) {
        oxy[2 * i] = rnd_unit() * ext_m;
        oxy[2 * i + 1] = rnd_unit() * ext_m;
    }
    for (size_t k = 0; k < n_kinds; k++) {
        n_fac[k] = n_kinds > 1 ? 50 + (450 * k) / (n_kinds - 1) : 500;
        if (n_fac[k] > n_fac[big]) big = k;
        fxy[k] = malloc(2 * n_fac[k] * sizeof *fxy[k]);
        if (!fxy[k]) return 1;
        for (size_t f = 0; f < n_fac[k]; f++) {
            fxy[k][2 * f] = rnd_unit() * ext_m;
            fxy[k][2 * f + 1] = rnd_unit() * ext_m;
        }
    }
    t0 = now_s();
    if ((rc = hl_net_place(ctx, net, oxy, n_orig, NULL, &sets[0]))) die(ctx, "hl_net_place", rc);
    for (size_t k = 0; k < n_kinds; k++)
        if ((rc = hl_net_place(ctx, net, fxy[k], n_fac[k], NULL, &sets[1 + k]))) die(ctx, "hl_net_place", rc);
    t_place = now_s() - t0;
    hwm_place = vm_hwm_kb();

    /* ---- routable graph ---- */
    hl_routable *rt = NULL;
    hl_graph *g = NULL;
    t0 = now_s();
    if ((rc = hl_net_routable(ctx, net, (const hl_placement *const *)sets, n_kinds + 1, 5.0, &rt)))
        die(ctx, "hl_net_routable", rc);
    t_routable = now_s() - t0;
    t0 = now_s();
    {
        size_t rn = hl_routable_node_count(rt), re = hl_routable_edge_count(rt);
        const uint32_t *rf = hl_routable_from(rt), *rto = hl_routable_to(rt);
        uint32_t *sf = NULL, *st = NULL;
        if (shuffle) {
            /* Fisher-Yates with the fixed-seed generator */
            g_perm = malloc(rn * sizeof *g_perm);
            sf = malloc(re * sizeof *sf);
            st = malloc(re * sizeof *st);
            if (!g_perm || !sf || !st) return 1;
            for (size_t v = 0; v < rn; v++) g_perm[v] = (uint32_t)v;
            for (size_t v = rn; v > 1; v--) {
                size_t j = (size_t)(rnd_u64() % v);
                uint32_t t = g_perm[v - 1];
                g_perm[v - 1] = g_perm[j];
                g_perm[j] = t;
            }
            for (size_t e = 0; e < re; e++) {
                sf[e] = g_perm[rf[e]];
                st[e] = g_perm[rto[e]];
            }
            rf = sf;
            rto = st;
        }
        if ((rc = hl_graph_create(ctx, rn, re, rf, rto, hl_routable_fwd_s(rt), hl_routable_bwd_s(rt),
                                  hl_routable_len_m(rt), &g)))
            die(ctx, "hl_graph_create", rc);
        free(sf);
        free(st);
    }
    t_graph = now_s() - t0;
    hwm_graph = vm_hwm_kb();

    /* ---- nearest facility of every kind: one backward search per kind ---- */
    size_t gn = hl_graph_node_count(g);
    double *tm = malloc(gn * sizeof *tm), *len = malloc(gn * sizeof *len);
    uint32_t *src = malloc(gn * sizeof *src);
    uint32_t *onode = malloc(n_orig * sizeof *onode);
    double *near_big = malloc(n_orig * sizeof *near_big);
    hl_route_ws *ws = NULL;
    size_t n_reached = 0;
    if (!tm || !len || !src || !onode || !near_big) return 1;
    size_t n_on = 0;
    for (size_t i = 0; i < n_orig; i++)
        if (hl_routable_point(rt, 0, i, &onode[n_on], NULL)) {
            onode[n_on] = gnode(onode[n_on]);
            n_on++;
        }
    kind_run *runs = calloc(n_kinds, sizeof *runs);
    if (!runs) return 1;
    if ((rc = hl_route_ws_create(ctx, g, &ws))) die(ctx, "hl_route_ws_create", rc);
    t0 = now_s();
    c0 = cpu_s();
    for (size_t k = 0; k < n_kinds; k++) {
        uint32_t *fn = malloc(n_fac[k] * sizeof *fn);
        size_t nf = 0;
        hl_route_opts ro;
        if (!fn) return 1;
        for (size_t f = 0; f < n_fac[k]; f++)
            if (hl_routable_point(rt, 1 + k, f, &fn[nf], NULL)) {
                fn[nf] = gnode(fn[nf]);
                nf++;
            }
        runs[k].n_src = nf;
        runs[k].src_node = fn;
        hl_route_opts_init(&ro);
        ro.dir = HL_ROUTE_BACKWARD;
        if ((rc = hl_route_search(ctx, g, ws, nf, fn, NULL, NULL, &ro, tm, len, src, NULL)))
            die(ctx, "hl_route_search", rc);
        for (size_t i = 0; i < n_on; i++) {
            if (isfinite(tm[onode[i]])) n_reached++;
            if (k == big) near_big[i] = tm[onode[i]];
        }
        {
            /* not timed */
            double t1 = now_s(), c1 = cpu_s();
            uint64_t h = hash_nodes(FNV_INIT, tm, sizeof *tm, gn);
            h = hash_nodes(h, len, sizeof *len, gn);
            h = hash_nodes(h, src, sizeof *src, gn);
            sum_nearest = fnv1a(sum_nearest, &h, sizeof h);
            t0 += now_s() - t1;
            c0 += cpu_s() - c1;
        }
    }
    t_nearest = now_s() - t0;
    c_nearest = cpu_s() - c0;

    /* ---- the same on two threads, one workspace each ---- */
    {
        kind_pool pool;
        pthread_t th[2];
        int started = 0;
        memset(&pool, 0, sizeof pool);
        pool.ctx = ctx;
        pool.g = g;
        pool.runs = runs;
        pool.n_kinds = n_kinds;
        pthread_mutex_init(&pool.mu, NULL);
        t0 = now_s();
        for (int t = 0; t < 2 && (size_t)t < n_kinds; t++)
            if (pthread_create(&th[t], NULL, kind_worker, &pool) == 0) started++;
        if (!started) kind_worker(&pool);
        for (int t = 0; t < started; t++) pthread_join(th[t], NULL);
        t_nearest_2t = now_s() - t0;
        pthread_mutex_destroy(&pool.mu);
        for (size_t k = 0; k < n_kinds; k++) {
            if (runs[k].rc) die(ctx, "hl_route_search (2 threads)", runs[k].rc);
            sum_nearest_2t = fnv1a(sum_nearest_2t, &runs[k].sum, sizeof runs[k].sum);
        }
    }
    hwm_nearest = vm_hwm_kb();

    /* ---- OD matrix: origins x the facilities of the largest kind ---- */
    uint32_t *dn = malloc(n_fac[big] * sizeof *dn);
    size_t nd = 0;
    if (!dn) return 1;
    for (size_t f = 0; f < n_fac[big] && nd < max_dest; f++)
        if (hl_routable_point(rt, 1 + big, f, &dn[nd], NULL)) {
            dn[nd] = gnode(dn[nd]);
            nd++;
        }
    double *odt = malloc(n_on * nd * sizeof *odt), *odl = malloc(n_on * nd * sizeof *odl);
    hl_route_od_opts oo;
    if (!odt || !odl) return 1;
    hl_route_od_opts_init(&oo);
    oo.n_threads = threads;
    t0 = now_s();
    c0 = cpu_s();
    if ((rc = hl_route_od_matrix(ctx, g, n_on, onode, nd, dn, &oo, odt, odl))) die(ctx, "hl_route_od_matrix", rc);
    t_od = now_s() - t0;
    c_od = cpu_s() - c0;
    hwm_od = vm_hwm_kb();
    sum_od = fnv1a(fnv1a(FNV_INIT, odt, n_on * nd * sizeof *odt), odl, n_on * nd * sizeof *odl);

    /* ---- optional untimed checks of the other queries ---- */
    if (check) {
        const size_t kk = 3;
        double *kt = malloc(gn * kk * sizeof *kt), *kl = malloc(gn * kk * sizeof *kl);
        uint32_t *ks = malloc(gn * kk * sizeof *ks), *pe = malloc(gn * sizeof *pe);
        hl_route_opts ro;
        hl_route_piece *pc = NULL;
        size_t npc = 0;
        const double thr[3] = {300.0, 900.0, 1800.0};
        if (!kt || !kl || !ks || !pe) return 1;
        hl_route_opts_init(&ro);
        ro.dir = HL_ROUTE_BACKWARD;
        if ((rc = hl_route_k_nearest(ctx, g, ws, kk, runs[big].n_src, runs[big].src_node, NULL, NULL, &ro, kt, kl,
                                     ks)))
            die(ctx, "hl_route_k_nearest", rc);
        sum_k = hash_nodes(hash_nodes(hash_nodes(FNV_INIT, kt, kk * sizeof *kt, gn), kl, kk * sizeof *kl, gn),
                           ks, kk * sizeof *ks, gn);
        ro.dir = HL_ROUTE_FORWARD;
        ro.cutoff_s = 3600.0;
        if ((rc = hl_route_search(ctx, g, ws, runs[0].n_src, runs[0].src_node, NULL, NULL, &ro, tm, len, src, pe)))
            die(ctx, "hl_route_search (forward)", rc);
        sum_fwd = hash_nodes(
            hash_nodes(hash_nodes(hash_nodes(FNV_INIT, tm, sizeof *tm, gn), len, sizeof *len, gn), src, sizeof *src, gn),
            pe, sizeof *pe, gn);
        if ((rc = hl_route_isochrone(ctx, g, tm, HL_ROUTE_FORWARD, 3, thr, &pc, &npc)))
            die(ctx, "hl_route_isochrone", rc);
        sum_iso = fnv1a(FNV_INIT, pc, npc * sizeof *pc);
        hl_free(pc);
        free(kt);
        free(kl);
        free(ks);
        free(pe);
    }

    /* consistency: row minimum == nearest time of the same kind (only when
     * every facility of the kind is a destination) */
    size_t n_bad = 0;
    double max_diff = 0;
    for (size_t i = 0; i < n_on && max_dest == SIZE_MAX; i++) {
        double m = INFINITY;
        for (size_t j = 0; j < nd; j++)
            if (odt[i * nd + j] < m) m = odt[i * nd + j];
        if (isfinite(m) != isfinite(near_big[i])) n_bad++;
        else if (isfinite(m)) {
            double d = fabs(m - near_big[i]);
            if (d > max_diff) max_diff = d;
            if (d > 1e-6) n_bad++;
        }
    }

    printf("{\"grid_side\": %zu, \"road_lines\": %zu, \"net_nodes\": %zu, \"net_edges\": %zu,"
           " \"graph_nodes\": %zu, \"graph_edges\": %zu, \"graph_arcs\": %zu, \"origins\": %zu, \"origins_placed\": %zu,"
           " \"kinds\": %zu, \"facilities\": [",
           side, n_lines, hl_net_node_count(net), hl_net_edge_count(net), gn, hl_graph_edge_count(g),
           hl_graph_arc_count(g), n_orig, n_on, n_kinds);
    for (size_t k = 0; k < n_kinds; k++) printf("%s%zu", k ? ", " : "", n_fac[k]);
    printf("], \"od_dest\": %zu, \"od_threads\": %u,"
           " \"t_build_s\": %.4f, \"t_place_s\": %.4f, \"t_routable_s\": %.4f, \"t_graph_s\": %.4f,"
           " \"t_nearest_all_kinds_s\": %.4f, \"t_nearest_all_kinds_2t_s\": %.4f, \"t_od_s\": %.4f,"
           " \"hwm_build_kb\": %ld, \"hwm_place_kb\": %ld, \"hwm_graph_kb\": %ld, \"hwm_nearest_kb\": %ld,"
           " \"hwm_od_kb\": %ld, \"reached_pairs\": %zu, \"od_check_mismatches\": %zu, \"od_check_max_diff_s\": %.3g,"
           " \"cpu_nearest_all_kinds_s\": %.4f, \"cpu_od_s\": %.4f,"
           " \"sum_nearest\": \"%016llx\", \"sum_nearest_2t\": \"%016llx\", \"sum_od\": \"%016llx\"",
           nd, threads, t_build, t_place, t_routable, t_graph, t_nearest, t_nearest_2t, t_od, hwm_build, hwm_place,
           hwm_graph, hwm_nearest, hwm_od, n_reached, n_bad, max_diff, c_nearest, c_od, (unsigned long long)sum_nearest,
           (unsigned long long)sum_nearest_2t, (unsigned long long)sum_od);
    if (check)
        printf(", \"sum_k3\": \"%016llx\", \"sum_forward\": \"%016llx\", \"sum_isochrone\": \"%016llx\"",
               (unsigned long long)sum_k, (unsigned long long)sum_fwd, (unsigned long long)sum_iso);
    printf("}\n");

    free(odt);
    free(odl);
    free(dn);
    for (size_t k = 0; k < n_kinds; k++) free(runs[k].src_node);
    free(runs);
    hl_route_ws_destroy(ws);
    free(tm);
    free(len);
    free(src);
    free(onode);
    free(near_big);
    hl_graph_destroy(g);
    hl_routable_destroy(rt);
    for (size_t k = 0; k <= n_kinds; k++) hl_placement_destroy(sets[k]);
    for (size_t k = 0; k < n_kinds; k++) free(fxy[k]);
    free(fxy);
    free(sets);
    free(n_fac);
    free(oxy);
    free(nxy);
    hl_net_destroy(net);
    hl_ctx_destroy(ctx);
    free(g_perm);
    return n_bad || sum_nearest_2t != sum_nearest ? 3 : 0;
}
