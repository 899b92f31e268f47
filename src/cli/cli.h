/* Shared pieces of the command-line tool: message and progress printing on
 * stderr, the SIGINT handler, and exit-code mapping. */
#ifndef HL_CLI_H
#define HL_CLI_H

#include <stdbool.h>

#include "hl/core.h"
#include "hl/io.h"
#include "hl/spec.h"

typedef struct hl_cli {
    hl_ctx *ctx;
    bool quiet;
    bool progress_json;
    const char *command;
} hl_cli;

/* Create the context, install stderr logging/progress and the SIGINT
 * handler.  Returns false (after printing) if memory is exhausted. */
bool hl_cli_start(hl_cli *cli, const char *command);
/* Print the context's error ("hinterland <cmd>: error: ...") and return the
 * exit code for `rc`. */
int hl_cli_fail(hl_cli *cli, hl_status rc);
void hl_cli_finish(hl_cli *cli);
/* Print a usage error and return 2. */
int hl_cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The role a layer of an inventory most likely plays (sampled values
 * included), for `info` and `init`.  out->role is "" when none. */
hl_status hl_cli_guess_layer_role(const hl_spec_set *set, const hl_io_layer_info *li, hl_role_guess *out);

int hl_cmd_init(int argc, char **argv);
int hl_cmd_check(int argc, char **argv);
int hl_cmd_network(int argc, char **argv);
int hl_cmd_access(int argc, char **argv);
int hl_cmd_coverage(int argc, char **argv);
int hl_cmd_run(int argc, char **argv);

#endif
