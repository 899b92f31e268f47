/* stderr messages, progress and SIGINT handling for all commands. */
#include "cli.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hl/io.h"
#include "hl/spec.h"
#include "hl/out.h"

static hl_ctx *volatile g_ctx;
static volatile sig_atomic_t g_sigints;

static void on_sigint(int sig) {
    (void)sig;
    g_sigints++;
    if (g_ctx) hl_ctx_interrupt(g_ctx);
    if (g_sigints >= 2) {
        /* a second Ctrl-C: remove temporary outputs and leave now */
        hl_out_abort_all_signal_safe();
        _exit(130);
    }
}

static void log_stderr(void *user, hl_log_level level, const char *msg) {
    hl_cli *cli = user;
    const char *tag = level == HL_LOG_WARN ? "warning: " : level == HL_LOG_ERROR ? "error: " : "";
    if (cli->quiet && level < HL_LOG_WARN) return;
    if (level == HL_LOG_DEBUG) return;
    fprintf(stderr, "hinterland %s: %s%s\n", cli->command, tag, msg);
}

static void progress_stderr(void *user, const char *stage, uint64_t done, uint64_t total) {
    hl_cli *cli = user;
    if (cli->quiet) return;
    if (cli->progress_json) {
        fprintf(stderr, "{\"stage\":\"%s\",\"done\":%llu,\"total\":%llu}\n", stage, (unsigned long long)done,
                (unsigned long long)total);
        return;
    }
    if (!isatty(2)) return; /* no progress noise in logs: stage messages still print */
    if (total) fprintf(stderr, "\r%s: %llu/%llu", stage, (unsigned long long)done, (unsigned long long)total);
    else fprintf(stderr, "\r%s: %llu", stage, (unsigned long long)done);
    if (total && done >= total) fputc('\n', stderr);
}

bool hl_cli_start(hl_cli *cli, const char *command) {
    struct sigaction sa;
    memset(cli, 0, sizeof *cli);
    cli->command = command;
    cli->ctx = hl_ctx_create();
    if (!cli->ctx) {
        fprintf(stderr, "hinterland %s: error: out of memory\n", command);
        return false;
    }
    hl_io_quiet();
    hl_ctx_set_log(cli->ctx, log_stderr, cli);
    hl_ctx_set_progress(cli->ctx, progress_stderr, cli);
    g_ctx = cli->ctx;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return true;
}

int hl_cli_fail(hl_cli *cli, hl_status rc) {
    fprintf(stderr, "hinterland %s: error: %s\n", cli->command, hl_ctx_errmsg(cli->ctx));
    return hl_status_exit_code(rc);
}

void hl_cli_finish(hl_cli *cli) {
    g_ctx = NULL;
    hl_ctx_destroy(cli->ctx);
    cli->ctx = NULL;
}

int hl_cli_usage_error(const char *command, const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "hinterland %s: ", command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'hinterland %s --help'.\n", command);
    return 2;
}

hl_status hl_cli_guess_layer_role(const hl_spec_set *set, const hl_io_layer_info *li, hl_role_guess *out) {
    hl_guess_field *fields;
    hl_guess_input in;
    const char *base;
    hl_status rc;
    memset(out, 0, sizeof *out);
    if (!set || !li->layer) return HL_OK;
    fields = calloc(li->n_fields ? li->n_fields : 1, sizeof *fields);
    if (!fields) return HL_E_NOMEM;
    for (size_t i = 0; i < li->n_fields; i++) {
        fields[i].name = li->fields[i].name;
        fields[i].samples = (const char *const *)li->fields[i].samples;
        fields[i].n_samples = li->fields[i].n_samples;
        fields[i].n_nonempty = li->fields[i].n_nonempty;
    }
    memset(&in, 0, sizeof in);
    base = li->dataset ? strrchr(li->dataset, '/') : NULL;
    in.layer_name = li->layer;
    in.dataset_name = base ? base + 1 : li->dataset;
    in.driver = li->driver;
    in.geom = li->geom_kind;
    in.feature_count = li->feature_count;
    for (int k = 0; k < 3; k++) in.geom_counts[k] = li->geom_counts[k];
    in.n_counted = li->n_counted;
    in.fields = fields;
    in.n_fields = li->n_fields;
    rc = hl_specs_guess_role_ex(set, &in, out);
    free(fields);
    return rc;
}
