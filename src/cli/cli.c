/* stderr messages, progress and SIGINT handling for all commands. */
#include "cli.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hl/io.h"
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
