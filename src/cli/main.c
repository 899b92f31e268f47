/* hinterland: the command-line tool.  argv -> one command; each command
 * lives in its own file (cmd_*.c) and uses only the public library API. */
#include <stdio.h>
#include <string.h>

#include <gdal.h>
#include <geos_c.h>
#include <proj.h>
#include <sqlite3.h>

#include "cli.h"
#include "hl/core.h"
#if __has_include("commands.h")
#include "commands.h"
#define HL_HAVE_INFO 1
#endif
#if __has_include("commands_out.h")
#include "commands_out.h"
#define HL_HAVE_OUT 1
#endif

static void usage(FILE *f) {
    fprintf(f,
            "hinterland %s: where roads, water, public services and industry reach, village by village\n"
            "\n"
            "usage: hinterland <command> [options]\n"
            "\n"
            "commands:\n"
            "  info PATH...                 what is in these files, and the role each layer likely plays\n"
            "  init DIR -o plan.yaml        a starting plan guessed from a folder of data\n"
            "  check PLAN                   validate the plan and the data (writes qa_issues with -o)\n"
            "  network PLAN -o OUT.gpkg     build the routable road network\n"
            "  access PLAN -o OUT.gpkg      travel times from every village to every service\n"
            "  coverage PLAN -o OUT.gpkg    indicators against the plan's targets, rolled up\n"
            "  run PLAN -o OUT.gpkg [--report report.html]   all of it\n"
            "  export OUT.gpkg --format \"ESRI Shapefile\" -o DIR\n"
            "  report OUT.gpkg -o report.html\n"
            "  version                      versions of hinterland and its libraries\n"
            "\n"
            "Every command has --help.  Exit codes: 0 ok, 1 failure, 2 usage, 3 I/O, 4 unreadable format,\n"
            "5 coordinate system, 6 invalid plan, 7 invalid data, 8 output exists (use --force), 9 out of\n"
            "memory, 10 dependency failure, 130 interrupted.\n",
            hl_version());
}

static int cmd_version(void) {
    PJ_INFO pj = proj_info();
    printf("hinterland %s\n", hl_version());
    printf("GDAL %s\n", GDALVersionInfo("RELEASE_NAME"));
    printf("PROJ %s\n", pj.version);
    printf("GEOS %s\n", GEOSversion());
    printf("SQLite %s\n", sqlite3_libversion());
    return 0;
}

int main(int argc, char **argv) {
    const char *cmd;
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) return cmd_version();
#ifdef HL_HAVE_INFO
    if (!strcmp(cmd, "info")) return hl_cmd_info(argc - 1, argv + 1);
#endif
#ifdef HL_HAVE_OUT
    if (!strcmp(cmd, "export")) return hl_cmd_export(argc - 1, argv + 1);
    if (!strcmp(cmd, "report")) return hl_cmd_report(argc - 1, argv + 1);
#endif
    if (!strcmp(cmd, "init")) return hl_cmd_init(argc - 1, argv + 1);
    if (!strcmp(cmd, "check")) return hl_cmd_check(argc - 1, argv + 1);
    if (!strcmp(cmd, "network")) return hl_cmd_network(argc - 1, argv + 1);
    if (!strcmp(cmd, "access")) return hl_cmd_access(argc - 1, argv + 1);
    if (!strcmp(cmd, "coverage")) return hl_cmd_coverage(argc - 1, argv + 1);
    if (!strcmp(cmd, "run")) return hl_cmd_run(argc - 1, argv + 1);
    fprintf(stderr, "hinterland: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return 2;
}
