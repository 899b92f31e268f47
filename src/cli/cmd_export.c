/* `hinterland export`: copy the layers of a result GeoPackage to
 * Shapefile (short field names, .qml, .cpg, fields_mapping.csv), GeoJSON,
 * CSV or PostGIS. */
#include "commands_out.h"
#include "hl/core.h"
#include "hl/out.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static void on_signal(int sig) {
    hl_out_abort_all_signal_safe();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void usage(FILE *fp) {
    fprintf(fp,
            "usage: hinterland export OUT.gpkg -o DIR [options]\n"
            "       hinterland export OUT.gpkg --format PostgreSQL -o PG:\"dbname=... host=...\"\n"
            "\n"
            "Copy the layers of a hinterland result GeoPackage to other formats.\n"
            "\n"
            "options:\n"
            "  -F, --format FMT     \"ESRI Shapefile\" (default), GeoJSON, CSV or PostgreSQL\n"
            "  -o, --output DEST    output folder (created; must not exist unless -f),\n"
            "                       or PG:connection for PostgreSQL\n"
            "  -e, --encoding ENC   Shapefile text encoding: UTF-8 (default) or GBK (.cpg says 936)\n"
            "  -l, --layers A,B     only these layers (default: all)\n"
            "  -L, --lang LANG      language of the .qml field aliases: zh (default) or en\n"
            "  -f, --force          replace an existing output folder / tables\n"
            "  -q, --quiet          print nothing on success\n"
            "  -h, --help           show this help\n"
            "\n"
            "Shapefile field names are cut to 10 characters; fields_mapping.csv lists\n"
            "short name, full name and the Chinese and English aliases.  The output is\n"
            "written to a temporary folder and renamed into place when complete.\n");
}

int hl_cmd_export(int argc, char **argv) {
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'F'}, {"output", required_argument, NULL, 'o'},
        {"encoding", required_argument, NULL, 'e'}, {"layers", required_argument, NULL, 'l'},
        {"lang", required_argument, NULL, 'L'},   {"force", no_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    hl_out_export_opts o;
    bool quiet = false;
    int c;
    hl_out_export_opts_init(&o);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "F:o:e:l:L:fqh", longopts, NULL)) != -1) {
        switch (c) {
        case 'F': o.format = optarg; break;
        case 'o': o.dest = optarg; break;
        case 'e': o.encoding = optarg; break;
        case 'l': o.layers = optarg; break;
        case 'L': o.lang = optarg; break;
        case 'f': o.force = true; break;
        case 'q': quiet = true; break;
        case 'h': usage(stdout); return 0;
        default:
            fprintf(stderr, "hinterland export: unknown option or missing value: %s\n",
                    optind > 0 && optind <= argc ? argv[optind - 1] : "?");
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "hinterland export: give exactly one GeoPackage to export\n");
        usage(stderr);
        return 2;
    }
    if (!o.dest) {
        fprintf(stderr, "hinterland export: no output given; use -o DIR (or -o PG:... with --format PostgreSQL)\n");
        return 2;
    }
    if (strcmp(o.lang, "zh") != 0 && strcmp(o.lang, "en") != 0) {
        fprintf(stderr, "hinterland export: --lang must be zh or en\n");
        return 2;
    }
    hl_ctx *ctx = hl_ctx_create();
    if (!ctx) {
        fprintf(stderr, "hinterland export: out of memory\n");
        return hl_status_exit_code(HL_E_NOMEM);
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    hl_status rc = hl_out_export(ctx, argv[optind], &o);
    if (rc) fprintf(stderr, "hinterland export: %s\n", hl_ctx_errmsg(ctx));
    else if (!quiet) fprintf(stderr, "exported %s to %s (%s)\n", argv[optind], o.dest, o.format);
    int code = hl_status_exit_code(rc);
    hl_ctx_destroy(ctx);
    return code;
}
