/* `hinterland report`: a single-file offline HTML report of a result
 * GeoPackage. */
#include "commands_out.h"
#include "hl/core.h"
#include "hl/out.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_signal(int sig) {
    hl_out_abort_all_signal_safe();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void usage(FILE *fp) {
    fprintf(fp,
            "usage: hinterland report OUT.gpkg -o report.html [options]\n"
            "\n"
            "Write a self-contained HTML report (tables against the targets, gap list,\n"
            "charts and maps) that opens in a browser without network access.\n"
            "\n"
            "options:\n"
            "  -o, --output FILE    the HTML file to write (must not exist unless -f)\n"
            "  -L, --lang LANG      zh (default) or en\n"
            "  -n, --top N          rows of the gap list (default 50)\n"
            "  -s, --simplify M     map simplification tolerance in metres (default 20)\n"
            "  -f, --force          overwrite an existing report\n"
            "  -q, --quiet          print nothing on success\n"
            "  -h, --help           show this help\n"
            "\n"
            "The chart library is read from $HL_VENDOR_DIR (default: the source tree's vendor/).\n");
}

int hl_cmd_report(int argc, char **argv) {
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"lang", required_argument, NULL, 'L'},
        {"top", required_argument, NULL, 'n'},    {"simplify", required_argument, NULL, 's'},
        {"force", no_argument, NULL, 'f'},        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    hl_out_report_opts o;
    const char *out = NULL;
    bool quiet = false;
    int c;
    char *end;
    hl_out_report_opts_init(&o);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:L:n:s:fqh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'L': o.lang = optarg; break;
        case 'n':
            o.top_gaps = (size_t)strtoul(optarg, &end, 10);
            if (*end || !*optarg) {
                fprintf(stderr, "hinterland report: --top needs a whole number\n");
                return 2;
            }
            break;
        case 's':
            o.simplify_tol_m = strtod(optarg, &end);
            if (*end || !*optarg || o.simplify_tol_m < 0) {
                fprintf(stderr, "hinterland report: --simplify needs a distance in metres >= 0\n");
                return 2;
            }
            break;
        case 'f': o.force = true; break;
        case 'q': quiet = true; break;
        case 'h': usage(stdout); return 0;
        default:
            fprintf(stderr, "hinterland report: unknown option or missing value: %s\n",
                    optind > 0 && optind <= argc ? argv[optind - 1] : "?");
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "hinterland report: give exactly one GeoPackage\n");
        usage(stderr);
        return 2;
    }
    if (!out) {
        fprintf(stderr, "hinterland report: no output given; use -o report.html\n");
        return 2;
    }
    if (strcmp(o.lang, "zh") != 0 && strcmp(o.lang, "en") != 0) {
        fprintf(stderr, "hinterland report: --lang must be zh or en\n");
        return 2;
    }
    hl_ctx *ctx = hl_ctx_create();
    if (!ctx) {
        fprintf(stderr, "hinterland report: out of memory\n");
        return hl_status_exit_code(HL_E_NOMEM);
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    hl_status rc = hl_out_write_report(ctx, argv[optind], out, &o);
    if (rc) fprintf(stderr, "hinterland report: %s\n", hl_ctx_errmsg(ctx));
    else if (!quiet) fprintf(stderr, "wrote %s\n", out);
    int code = hl_status_exit_code(rc);
    hl_ctx_destroy(ctx);
    return code;
}
