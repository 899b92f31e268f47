#define _XOPEN_SOURCE 700
/* hinterland init DIR -o plan.yaml: a starting plan guessed from a folder
 * of data (roles from geometry types, layer names and fields). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hl/io.h"
#include "hl/out.h"
#include "hl/spec.h"

static void usage(FILE *f) {
    fprintf(f, "usage: hinterland init DIR -o plan.yaml [-f] [-q]\n"
               "\n"
               "Look at every dataset under DIR and write a starting plan: each layer's most likely role\n"
               "(county, townships, villages, natural_villages, roads, water works, facilities by kind, ...)\n"
               "from its geometry type, name and fields.  Edit the result before running it.\n"
               "\n"
               "  -o, --output FILE   the plan to write (paths in it are relative to its folder)\n"
               "  -f, --force         overwrite an existing plan\n"
               "  -q, --quiet         no messages\n"
               "  -h, --help          this help\n");
}

/* Path of `target` relative to the folder of `plan_path` when it lies under it. */
static const char *relative_to(const char *plan_path, const char *target, char *buf, size_t size) {
    const char *slash = strrchr(plan_path, '/');
    size_t dl = slash ? (size_t)(slash - plan_path) : 0;
    char *rp = realpath(target, NULL), *pd = NULL;
    if (slash) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%.*s", (int)dl, plan_path);
        pd = realpath(dir, NULL);
    } else {
        pd = realpath(".", NULL);
    }
    if (rp && pd && !strncmp(rp, pd, strlen(pd)) && rp[strlen(pd)] == '/') snprintf(buf, size, "%s", rp + strlen(pd) + 1);
    else snprintf(buf, size, "%s", rp ? rp : target);
    free(rp);
    free(pd);
    return buf;
}

static void yaml_quote(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int hl_cmd_init(int argc, char **argv) {
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"force", no_argument, NULL, 'f'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *out = NULL;
    bool force = false, quiet = false;
    int c, ret = 0;
    hl_cli cli;
    hl_io_inventory *inv = NULL;
    hl_spec_set *specs = NULL;
    hl_out_file *of = NULL;
    hl_status rc;
    FILE *f = NULL;
    const char *dir;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:fqh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'f': force = true; break;
        case 'q': quiet = true; break;
        case 'h': usage(stdout); return 0;
        default: return hl_cli_usage_error("init", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) return hl_cli_usage_error("init", "give the data folder");
    if (!out) return hl_cli_usage_error("init", "give the plan to write with -o plan.yaml");
    dir = argv[optind];
    if (!hl_cli_start(&cli, "init")) return 9;
    cli.quiet = quiet;
    if ((rc = hl_io_inventory_create(cli.ctx, &dir, 1, NULL, &inv))) goto fail;
    if ((rc = hl_spec_set_load(cli.ctx, NULL, &specs))) goto fail;
    if ((rc = hl_out_begin(cli.ctx, out, force, &of))) goto fail;
    f = fopen(hl_out_temp_path(of), "w");
    if (!f) {
        rc = hl_error(cli.ctx, HL_E_IO, "cannot write %s", out);
        goto fail;
    }
    fprintf(f, "# hinterland plan guessed by 'hinterland init' from %s\n"
               "# Check every role and field mapping, then run: hinterland check THIS_FILE\n"
               "crs: auto\n"
               "standard: national\n"
               "layers:\n",
            dir);
    {
        /* best layer per role; facilities per kind */
        size_t n = hl_io_inventory_count(inv);
        char (*roles)[96] = calloc(n ? n : 1, sizeof *roles);
        double *score = calloc(n ? n : 1, sizeof *score);
        bool any_fac = false;
        if (!roles || !score) {
            free(roles);
            free(score);
            rc = hl_error(cli.ctx, HL_E_NOMEM, "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < n; i++) {
            const hl_io_layer_info *li = hl_io_inventory_get(inv, i);
            hl_role_guess g;
            if (!li->layer) continue;
            /* only roles a plan can use directly: not divisions, attributes or
               mixed layers, and facilities only with a kind */
            if (hl_cli_guess_layer_role(specs, li, &g) == HL_OK && g.role[0] && strcmp(g.role, "divisions") &&
                strcmp(g.role, "attributes") && strcmp(g.role, "mixed") &&
                (strcmp(g.role, "facilities") || g.kind[0])) {
                snprintf(roles[i], sizeof roles[i], "%s%s%s", g.role, g.kind[0] ? "." : "", g.kind);
                score[i] = g.score;
            }
        }
        for (size_t i = 0; i < n; i++) {
            const hl_io_layer_info *li = hl_io_inventory_get(inv, i);
            bool best = roles[i][0] != '\0';
            char rel[4096];
            if (!best) continue;
            for (size_t j = 0; j < n; j++)
                if (j != i && !strcmp(roles[j], roles[i]) && (score[j] > score[i] || (score[j] == score[i] && j < i)))
                    best = false;
            if (!best || strchr(roles[i], '.')) continue;
            fprintf(f, "  %s: {source: ", roles[i]);
            yaml_quote(f, relative_to(out, li->dataset, rel, sizeof rel));
            fprintf(f, ", layer: ");
            yaml_quote(f, li->layer);
            if (!li->has_crs) fprintf(f, ", crs: EPSG:4490  # NO CRS IN THE DATA: set the right one");
            fprintf(f, "}   # score %.2f, %lld features, %s\n", score[i], (long long)li->feature_count,
                    li->encoding ? li->encoding : "");
        }
        for (size_t i = 0; i < n; i++) {
            const hl_io_layer_info *li = hl_io_inventory_get(inv, i);
            char rel[4096];
            bool best = true;
            if (strncmp(roles[i], "facilities.", 11)) continue;
            for (size_t j = 0; j < n; j++)
                if (j != i && !strcmp(roles[j], roles[i]) && (score[j] > score[i] || (score[j] == score[i] && j < i)))
                    best = false;
            if (!best) continue;
            if (!any_fac) fprintf(f, "  facilities:\n");
            any_fac = true;
            fprintf(f, "    %s: {source: ", roles[i] + 11);
            yaml_quote(f, relative_to(out, li->dataset, rel, sizeof rel));
            fprintf(f, ", layer: ");
            yaml_quote(f, li->layer);
            fprintf(f, "}   # score %.2f\n", score[i]);
        }
        fprintf(f, "# layers not assigned a role:\n");
        for (size_t i = 0; i < n; i++) {
            const hl_io_layer_info *li = hl_io_inventory_get(inv, i);
            if (roles[i][0]) continue;
            fprintf(f, "#   %s : %s\n", li->dataset, li->layer ? li->layer : "(unreadable)");
        }
        fprintf(f, "access: {connector_speed_kmh: 5, max_snap_m: 2000}\n");
        free(roles);
        free(score);
    }
    if (fclose(f) != 0) {
        f = NULL;
        rc = hl_error(cli.ctx, HL_E_IO, "cannot write %s (disk full?)", out);
        goto fail;
    }
    f = NULL;
    if ((rc = hl_out_commit(cli.ctx, of))) {
        of = NULL;
        goto fail;
    }
    of = NULL;
    if (!quiet) fprintf(stderr, "hinterland init: wrote %s; check the roles before running it\n", out);
    goto done;
fail:
    if (f) fclose(f);
    hl_out_abort(of);
    ret = hl_cli_fail(&cli, rc);
done:
    hl_spec_set_destroy(specs);
    hl_io_inventory_destroy(inv);
    hl_cli_finish(&cli);
    return ret;
}
