/* The analysis commands: check, network, access, coverage and run.  Each
 * loads the plan, runs the stages it needs and writes a GeoPackage
 * atomically (a temporary file in the target folder, renamed when
 * complete). */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <errno.h>

#include "cli.h"
#include "hl/analysis.h"
#include "hl/out.h"
#include "hl/plan.h"
#include "hl/table.h"

typedef struct analysis_args {
    const char *plan;
    const char *output;
    const char *report;
    const char *tables_dir;
    const char *layers_dir;
    const char *lang;
    bool force;
    bool quiet;
    bool progress_json;
    bool no_qgs;
} analysis_args;

static void usage(const char *cmd, FILE *f) {
    const char *what = !strcmp(cmd, "check")      ? "validate the plan and the data; with -o, write qa_issues"
                       : !strcmp(cmd, "network")  ? "build the routable road network (network_edges, network_nodes)"
                       : !strcmp(cmd, "access")   ? "travel times from every village to every service"
                       : !strcmp(cmd, "coverage") ? "indicators against the targets, rolled up village to county"
                                                  : "everything: check, network, access, coverage and outputs";
    fprintf(f,
            "usage: hinterland %s PLAN.yaml %s[options]\n"
            "\n"
            "%s.\n"
            "\n"
            "options:\n"
            "  -o, --output FILE.gpkg   the GeoPackage to write%s\n"
            "  -f, --force              overwrite an existing output\n"
            "  -q, --quiet              no progress or information on stderr\n"
            "      --progress=json      progress as JSON lines on stderr\n"
            "      --layers-dir DIR     layer specifications and standards (default: the installed layers/)\n"
            "%s"
            "  -h, --help               this help\n"
            "\n"
            "The output is written to a temporary file beside it and renamed when complete: an interrupted or\n"
            "failed run leaves an earlier output untouched.  Exit codes: see 'hinterland --help'.\n",
            cmd, !strcmp(cmd, "check") ? "" : "-o OUT.gpkg ", what, !strcmp(cmd, "check") ? " (optional)" : "",
            !strcmp(cmd, "run") ? "      --report FILE.html   also write the single-file HTML report\n"
                                  "      --tables DIR         also write CSV/XLSX tables into DIR\n"
                                  "      --lang zh|en         language of the report and styles (default zh)\n"
                                  "      --no-qgs             do not write the QGIS project beside the output\n"
                                : "");
}

static int parse_args(const char *cmd, int argc, char **argv, analysis_args *a) {
    enum { OPT_PROGRESS = 1000, OPT_LAYERS, OPT_REPORT, OPT_TABLES, OPT_LANG, OPT_NOQGS };
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"force", no_argument, NULL, 'f'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {"progress", required_argument, NULL, OPT_PROGRESS},
                                             {"layers-dir", required_argument, NULL, OPT_LAYERS},
                                             {"report", required_argument, NULL, OPT_REPORT},
                                             {"tables", required_argument, NULL, OPT_TABLES},
                                             {"lang", required_argument, NULL, OPT_LANG},
                                             {"no-qgs", no_argument, NULL, OPT_NOQGS},
                                             {NULL, 0, NULL, 0}};
    int c;
    memset(a, 0, sizeof *a);
    a->lang = "zh";
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:fqh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': a->output = optarg; break;
        case 'f': a->force = true; break;
        case 'q': a->quiet = true; break;
        case 'h': usage(cmd, stdout); return 0;
        case OPT_PROGRESS:
            if (strcmp(optarg, "json")) return hl_cli_usage_error(cmd, "--progress takes 'json'");
            a->progress_json = true;
            break;
        case OPT_LAYERS: a->layers_dir = optarg; break;
        case OPT_REPORT:
            if (strcmp(cmd, "run")) return hl_cli_usage_error(cmd, "--report is an option of 'run'");
            a->report = optarg;
            break;
        case OPT_TABLES:
            if (strcmp(cmd, "run")) return hl_cli_usage_error(cmd, "--tables is an option of 'run'");
            a->tables_dir = optarg;
            break;
        case OPT_LANG:
            if (strcmp(optarg, "zh") && strcmp(optarg, "en")) return hl_cli_usage_error(cmd, "--lang is zh or en");
            a->lang = optarg;
            break;
        case OPT_NOQGS: a->no_qgs = true; break;
        default: return hl_cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) return hl_cli_usage_error(cmd, "give the plan file");
    if (optind + 1 < argc) return hl_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
    a->plan = argv[optind];
    if (!a->output && strcmp(cmd, "check")) return hl_cli_usage_error(cmd, "give the output with -o OUT.gpkg");
    return -1;
}

/* The access stage's tables written on a second thread while the coverage
 * stage runs (at province scale they are most of the output: 1.4 of
 * 1.7 GB).  The writer has its own context; the tables are read-only once
 * handed over.  The rest is appended after the analysis. */
typedef struct early_write {
    hl_ctx *ctx;          /* the command's (main thread only) */
    hl_out_file *of;      /* begun before the analysis; NULL: no early write */
    const char *output;   /* final path, for messages */
    pthread_t thread;
    bool started;
    hl_table **tables;    /* the access tables (borrowed from the analysis) */
    size_t n_tables;
    char *crs;
    hl_ctx *wctx;         /* the writer's */
    hl_status rc;
    char err[1024];
} early_write;

static void *early_main(void *arg) {
    early_write *ew = arg;
    ew->rc = hl_io_write_gpkg(ew->wctx, hl_out_temp_path(ew->of), ew->crs, ew->tables, ew->n_tables);
    if (ew->rc) snprintf(ew->err, sizeof ew->err, "%s", hl_ctx_errmsg(ew->wctx));
    return NULL;
}

/* Wait for the writer (if any). */
static void early_join(early_write *ew) {
    if (ew->started) pthread_join(ew->thread, NULL);
    ew->started = false;
}

static void early_start(void *user, hl_table *const *tables, size_t n, const char *crs) {
    early_write *ew = user;
    if (!tables) {
        /* the analysis failed and is about to destroy the tables: stop the
           writer at its next check and wait for it */
        if (ew->started) hl_ctx_interrupt(ew->wctx);
        early_join(ew);
        ew->n_tables = 0;
        return;
    }
    if (!ew->of || ew->started || !n) return;
    ew->tables = malloc(n * sizeof *ew->tables);
    ew->crs = strdup(crs ? crs : "");
    ew->wctx = hl_ctx_create();
    if (ew->tables && ew->crs && ew->wctx) {
        memcpy(ew->tables, tables, n * sizeof *tables);
        ew->n_tables = n;
        hl_log(ew->ctx, HL_LOG_INFO, "writing %zu access layers to %s while the coverage stage runs", n, ew->output);
        ew->started = pthread_create(&ew->thread, NULL, early_main, ew) == 0;
    }
    if (!ew->started) ew->n_tables = 0; /* everything is written afterwards */
}

static void early_free(early_write *ew) {
    early_join(ew);
    hl_out_abort(ew->of); /* NULL after a commit */
    free(ew->tables);
    free(ew->crs);
    hl_ctx_destroy(ew->wctx);
    memset(ew, 0, sizeof *ew);
}

/* Write the analysis tables into the begun output ew->of, then finalise
 * and commit it.  Its first ew->n_tables tables are written already (or
 * being written) by the early writer. */
static hl_status write_output(hl_ctx *ctx, hl_analysis *an, const hl_plan *plan, const analysis_args *args,
                              early_write *ew) {
    hl_out_file *of = ew->of;
    hl_status rc;
    size_t n = hl_analysis_table_count(an), done = 0;
    hl_table **tables = NULL;
    char *thr = NULL;
    hl_out_meta meta;
    ew->of = NULL; /* ours now (begun by run_command before the analysis) */
    early_join(ew);
    if (ew->n_tables) {
        if (ew->rc) {
            rc = hl_error(ctx, ew->rc, "%s", ew->err);
            hl_error_prefix(ctx, "writing %s (nothing was written; an earlier file there is untouched)", args->output);
            goto fail;
        }
        done = ew->n_tables;
    }
    tables = calloc(n ? n : 1, sizeof *tables);
    if (!tables) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) tables[i] = hl_analysis_table(an, i);
    hl_log(ctx, HL_LOG_INFO, "writing %zu layers to %s", n - done, args->output);
    rc = done ? hl_io_append_gpkg(ctx, hl_out_temp_path(of), hl_analysis_crs(an), tables + done, n - done)
              : hl_io_write_gpkg(ctx, hl_out_temp_path(of), hl_analysis_crs(an), tables, n);
    if (rc) {
        hl_error_prefix(ctx, "writing %s (nothing was written; an earlier file there is untouched)", args->output);
        goto fail;
    }
    thr = hl_analysis_thresholds_json(ctx, an);
    hl_out_meta_init(&meta);
    meta.plan_yaml = plan->text;
    meta.thresholds_json = thr;
    meta.working_crs = hl_analysis_crs(an);
    meta.lang = args->lang;
    if ((rc = hl_out_finalize_gpkg(ctx, hl_out_temp_path(of), &meta))) goto fail;
    if ((rc = hl_check_interrupt(ctx))) goto fail;
    rc = hl_out_commit(ctx, of);
    of = NULL;
    if (rc) goto fail;
    free(tables);
    hl_free(thr);
    return HL_OK;
fail:
    hl_out_abort(of);
    free(tables);
    hl_free(thr);
    return rc;
}

/* Refuse an existing output before the analysis starts, not after a
 * province-sized run: the same message as the final atomic commit gives. */
static hl_status refuse_existing(hl_ctx *ctx, const char *path, const char *what, bool force) {
    struct stat st;
    if (!path || force || lstat(path, &st) != 0) return HL_OK;
    return hl_error(ctx, HL_E_EXISTS, "%s %s already exists; use -f/--force to overwrite it, or choose another output path",
                    what, path);
}

static int run_command(const char *cmd, unsigned stages, int argc, char **argv) {
    analysis_args args;
    hl_cli cli;
    hl_plan *plan = NULL;
    hl_analysis *an = NULL;
    hl_analysis_opts ao;
    early_write ew;
    hl_status rc;
    int ret = parse_args(cmd, argc, argv, &args);
    char *summary = NULL;
    memset(&ew, 0, sizeof ew);
    if (ret >= 0) return ret;
    if (!hl_cli_start(&cli, cmd)) return 9;
    cli.quiet = args.quiet;
    cli.progress_json = args.progress_json;
    if ((rc = refuse_existing(cli.ctx, args.report, "report", args.force))) goto fail;
    /* the output is begun (and refused if it exists) before the analysis,
       not after a province-sized run; run/coverage write the access tables
       into it while the coverage stage runs */
    if (args.output && (rc = hl_out_begin(cli.ctx, args.output, args.force, &ew.of))) goto fail;
    if ((rc = hl_plan_load(cli.ctx, args.plan, &plan))) goto fail;
    hl_analysis_opts_init(&ao);
    ao.stages = stages;
    ao.layers_dir = args.layers_dir;
    ew.ctx = cli.ctx;
    ew.output = args.output;
    if (ew.of && (stages & HL_STAGE_COVERAGE)) {
        ao.on_access_tables = early_start;
        ao.user = &ew;
    }
    rc = hl_analysis_run(cli.ctx, plan, &ao, &an);
    /* a failed or interrupted analysis stops the writer at its next check */
    if (rc && ew.started) hl_ctx_interrupt(ew.wctx);
    early_join(&ew);
    if (rc) goto fail;
    summary = hl_analysis_summary(cli.ctx, an);
    if (args.output && (rc = write_output(cli.ctx, an, plan, &args, &ew))) goto fail;
    if (!strcmp(cmd, "run") && !args.no_qgs) {
        char *qgs = NULL;
        size_t len = strlen(args.output);
        qgs = malloc(len + 5);
        if (qgs) {
            memcpy(qgs, args.output, len + 1);
            if (len > 5 && !strcmp(qgs + len - 5, ".gpkg")) qgs[len - 5] = '\0';
            strcat(qgs, ".qgs");
            rc = hl_out_write_qgs(cli.ctx, args.output, qgs);
            free(qgs);
            if (rc) goto fail;
        }
    }
    if (args.tables_dir) {
        if (mkdir(args.tables_dir, 0777) != 0 && errno != EEXIST) {
            rc = hl_error(cli.ctx, HL_E_IO, "cannot create the tables folder %s: %s", args.tables_dir, strerror(errno));
            goto fail;
        }
        if ((rc = hl_out_write_tables(cli.ctx, args.output, args.tables_dir))) goto fail;
    }
    if (args.report) {
        hl_out_report_opts ro;
        hl_out_report_opts_init(&ro);
        ro.lang = args.lang;
        ro.force = args.force;
        if ((rc = hl_out_write_report(cli.ctx, args.output, args.report, &ro))) goto fail;
    }
    if (summary) {
        hl_log(cli.ctx, HL_LOG_INFO, "%s", summary);
        if (!strcmp(cmd, "check") && args.quiet) fprintf(stderr, "hinterland check: %s\n", summary);
    }
    ret = 0;
    if (!strcmp(cmd, "check") && hl_qa_count_severity(hl_analysis_qa(an), HL_QA_ERROR) > 0) {
        /* check reports errors in the data with exit code 7 */
        const hl_qa *qa = hl_analysis_qa(an);
        for (size_t i = 0; i < hl_qa_count(qa); i++) {
            const hl_qa_issue *q = hl_qa_get(qa, i);
            if (q->severity == HL_QA_ERROR)
                fprintf(stderr, "hinterland check: error: %s %s %s: %s\n", q->layer, q->source ? q->source : "",
                        q->feature_id ? q->feature_id : "", q->message);
        }
        ret = hl_status_exit_code(HL_E_DATA);
    }
    if (!strcmp(cmd, "check") && !args.quiet) {
        const hl_qa *qa = hl_analysis_qa(an);
        for (size_t i = 0; i < hl_qa_count(qa); i++) {
            const hl_qa_issue *q = hl_qa_get(qa, i);
            if (q->severity == HL_QA_WARNING)
                fprintf(stderr, "hinterland check: warning: %s %s: %s\n", q->layer,
                        q->feature_id ? q->feature_id : "", q->message);
        }
    }
    hl_free(summary);
    early_free(&ew);
    hl_analysis_destroy(an);
    hl_plan_destroy(plan);
    hl_cli_finish(&cli);
    return ret;
fail:
    ret = hl_cli_fail(&cli, rc);
    hl_free(summary);
    early_free(&ew);
    hl_analysis_destroy(an);
    hl_plan_destroy(plan);
    hl_cli_finish(&cli);
    return ret;
}

int hl_cmd_check(int argc, char **argv) { return run_command("check", HL_STAGE_CHECK, argc, argv); }
int hl_cmd_network(int argc, char **argv) { return run_command("network", HL_STAGE_NETWORK, argc, argv); }
int hl_cmd_access(int argc, char **argv) { return run_command("access", HL_STAGE_ACCESS, argc, argv); }
int hl_cmd_coverage(int argc, char **argv) { return run_command("coverage", HL_STAGE_ALL, argc, argv); }
int hl_cmd_run(int argc, char **argv) { return run_command("run", HL_STAGE_ALL, argc, argv); }
