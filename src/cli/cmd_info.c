/* `hinterland info PATH...`: what is in these files.  For every layer of
 * every dataset: geometry, feature count, CRS, text encoding, extent,
 * fields, the role it most likely plays (from the layer specifications),
 * and remarks.  Text by default, --json for machines. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "hl/core.h"
#include "hl/io.h"

/* Role guessing comes from the spec module (hl/spec.h).  Setting this to 0
 * builds info without it (the role column then stays empty). */
#define HL_INFO_USE_SPECS 1
#if HL_INFO_USE_SPECS
#include "hl/spec.h"
#define HL_INFO_HAVE_SPECS 1
#endif

typedef struct info_role {
    char role[40];
    char kind[40];
    double score;
    bool have;
    char reason[160]; /* why (also when no role) */
    char note[320];   /* advice for the plan, "" when none */
} info_role;

typedef struct role_guesser {
#ifdef HL_INFO_HAVE_SPECS
    hl_spec_set *set;
#endif
    int unused;
} role_guesser;

static void roles_open(hl_cli *cli, role_guesser *rg, const char *layers_dir) {
    memset(rg, 0, sizeof *rg);
#ifdef HL_INFO_HAVE_SPECS
    hl_status rc = hl_spec_set_load(cli->ctx, layers_dir, &rg->set);
    if (rc) {
        hl_log(cli->ctx, HL_LOG_WARN, "layer specifications not loaded, roles are not guessed: %s",
               hl_ctx_errmsg(cli->ctx));
        rg->set = NULL;
    }
#else
    (void)cli;
    (void)layers_dir;
#endif
}

static void roles_close(role_guesser *rg) {
#ifdef HL_INFO_HAVE_SPECS
    hl_spec_set_destroy(rg->set);
    rg->set = NULL;
#else
    (void)rg;
#endif
}

static void role_guess(hl_cli *cli, role_guesser *rg, const hl_io_layer_info *li, info_role *out) {
    memset(out, 0, sizeof *out);
#ifdef HL_INFO_HAVE_SPECS
    (void)cli;
    if (!rg->set || !li->layer) return;
    hl_role_guess g;
    if (hl_cli_guess_layer_role(rg->set, li, &g) == HL_OK) {
        snprintf(out->reason, sizeof out->reason, "%s", g.reason);
        snprintf(out->note, sizeof out->note, "%s", g.note);
        if (g.role[0]) {
            snprintf(out->role, sizeof out->role, "%s", g.role);
            snprintf(out->kind, sizeof out->kind, "%s", g.kind);
            out->score = g.score;
            out->have = true;
        }
    }
#else
    (void)cli;
    (void)rg;
    (void)li;
#endif
}

/* The role lines of the text output. */
static void print_role(FILE *f, const info_role *r) {
    if (r->have && r->kind[0]) fprintf(f, "  role:     %s (kind %s, score %.2f", r->role, r->kind, r->score);
    else if (r->have) fprintf(f, "  role:     %s (score %.2f", r->role, r->score);
    else fputs("  role:     -", f);
    if (r->reason[0]) fprintf(f, "%s%s", r->have ? ": " : " (", r->reason);
    fputs(r->have || r->reason[0] ? ")\n" : "\n", f);
    if (r->note[0]) fprintf(f, "  role note: %s\n", r->note);
}

static void usage(FILE *f) {
    fprintf(f,
            "usage: hinterland info [options] PATH...\n"
            "\n"
            "Describe every layer of every dataset under PATH: geometry type, feature count, coordinate\n"
            "system, text encoding (and how it was decided), extent, fields and the role the layer most\n"
            "likely plays.  PATH may be a file, a folder (searched recursively; a shapefile's sidecar\n"
            "files count as one dataset), a /vsigzip/ or other GDAL virtual path, or a PG: connection\n"
            "string.  .gz files are read through /vsigzip/ automatically.\n"
            "\n"
            "options:\n"
            "  -j, --json         machine-readable output (one JSON document)\n"
            "      --no-count     do not count features (faster on large OSM files)\n"
            "  -l, --layers DIR   layer specifications used to guess roles (default: built-in)\n"
            "  -q, --quiet        no warnings on stderr\n"
            "  -h, --help         this help\n"
            "\n"
            "Exit status: 0 ok, 2 usage, 3 a path does not exist, 4 a dataset could not be read\n"
            "(the others are still listed).\n");
}

static void json_str(FILE *f, const char *s) {
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20) fprintf(f, "\\u%04x", *p);
            else fputc(*p, f);
        }
    }
    fputc('"', f);
}

static const char *kind_name(hl_geom_kind k) {
    switch (k) {
    case HL_GEOM_POINT: return "point";
    case HL_GEOM_LINE: return "line";
    case HL_GEOM_POLYGON: return "polygon";
    case HL_GEOM_NONE: return "none";
    default: return "unknown";
    }
}

static void print_json(FILE *f, const hl_io_inventory *inv, hl_cli *cli, role_guesser *rg) {
    size_t n = hl_io_inventory_count(inv);
    fputs("{\"layers\":[", f);
    for (size_t i = 0; i < n; i++) {
        const hl_io_layer_info *li = hl_io_inventory_get(inv, i);
        info_role r;
        role_guess(cli, rg, li, &r);
        fputs(i ? ",\n{" : "\n{", f);
        fputs("\"dataset\":", f);
        json_str(f, li->dataset);
        fputs(",\"layer\":", f);
        json_str(f, li->layer);
        fputs(",\"driver\":", f);
        json_str(f, li->driver);
        if (li->layer) {
            fputs(",\"geometry\":", f);
            json_str(f, li->geom_type);
            fprintf(f, ",\"geometry_kind\":\"%s\"", kind_name(li->geom_kind));
            if (li->feature_count >= 0) fprintf(f, ",\"feature_count\":%lld", (long long)li->feature_count);
            else fputs(",\"feature_count\":null", f);
            if (li->has_crs) {
                fputs(",\"crs\":{\"epsg\":", f);
                if (li->epsg) fprintf(f, "%d", li->epsg);
                else fputs("null", f);
                fputs(",\"name\":", f);
                json_str(f, li->crs_name);
                fputc('}', f);
            } else {
                fputs(",\"crs\":null", f);
            }
            fputs(",\"encoding\":", f);
            json_str(f, li->encoding);
            fputs(",\"encoding_how\":", f);
            json_str(f, li->encoding_how);
            if (li->has_extent)
                fprintf(f, ",\"extent\":[%.10g,%.10g,%.10g,%.10g]", li->minx, li->miny, li->maxx, li->maxy);
            else
                fputs(",\"extent\":null", f);
            fputs(",\"fields\":[", f);
            for (size_t k = 0; k < li->n_fields; k++) {
                fputs(k ? ",{\"name\":" : "{\"name\":", f);
                json_str(f, li->fields[k].name);
                fputs(",\"type\":", f);
                json_str(f, li->fields[k].type);
                fputc('}', f);
            }
            fputc(']', f);
            if (r.have) {
                fputs(",\"role\":{\"role\":", f);
                json_str(f, r.role);
                fputs(",\"kind\":", f);
                json_str(f, r.kind);
                fprintf(f, ",\"score\":%.3f,\"reason\":", r.score);
                json_str(f, r.reason);
                fputs(",\"note\":", f);
                json_str(f, r.note[0] ? r.note : NULL);
                fputc('}', f);
            } else {
                fputs(",\"role\":null", f);
                if (r.reason[0]) {
                    fputs(",\"role_reason\":", f);
                    json_str(f, r.reason);
                }
            }
        }
        fputs(",\"notes\":[", f);
        if (li->notes) {
            const char *s = li->notes;
            bool first = true;
            while (*s) {
                const char *e = strchr(s, '\n');
                size_t len = e ? (size_t)(e - s) : strlen(s);
                char *line = malloc(len + 1);
                if (line) {
                    memcpy(line, s, len);
                    line[len] = '\0';
                    if (!first) fputc(',', f);
                    json_str(f, line);
                    first = false;
                    free(line);
                }
                s += len;
                if (*s == '\n') s++;
            }
        }
        fputs("]}", f);
    }
    fputs("\n]}\n", f);
}

static void print_notes(FILE *f, const char *notes) {
    const char *s = notes;
    while (s && *s) {
        const char *e = strchr(s, '\n');
        int len = e ? (int)(e - s) : (int)strlen(s);
        fprintf(f, "  note:     %.*s\n", len, s);
        s += len;
        if (*s == '\n') s++;
    }
}

static void print_text(FILE *f, const hl_io_inventory *inv, hl_cli *cli, role_guesser *rg) {
    size_t n = hl_io_inventory_count(inv);
    const char *last_ds = NULL;
    for (size_t i = 0; i < n; i++) {
        const hl_io_layer_info *li = hl_io_inventory_get(inv, i);
        info_role r;
        if (!last_ds || strcmp(last_ds, li->dataset) != 0) {
            if (last_ds) fputc('\n', f);
            if (li->driver) fprintf(f, "%s  (%s)\n", li->dataset, li->driver);
            else fprintf(f, "%s  (unreadable)\n", li->dataset);
            last_ds = li->dataset;
        }
        if (!li->layer) {
            print_notes(f, li->notes);
            continue;
        }
        role_guess(cli, rg, li, &r);
        fprintf(f, "  layer:    %s\n", li->layer);
        fprintf(f, "  geometry: %s", li->geom_type ? li->geom_type : "?");
        if (li->feature_count >= 0) fprintf(f, ", %lld features\n", (long long)li->feature_count);
        else fputs(", features not counted\n", f);
        if (li->geom_kind != HL_GEOM_NONE) {
            if (!li->has_crs) fputs("  crs:      none — the plan must give crs:\n", f);
            else if (li->epsg) fprintf(f, "  crs:      EPSG:%d %s\n", li->epsg, li->crs_name);
            else fprintf(f, "  crs:      %s (no EPSG code identified)\n", li->crs_name);
        }
        if (li->encoding) fprintf(f, "  encoding: %s (%s)\n", li->encoding, li->encoding_how ? li->encoding_how : "");
        if (li->has_extent)
            fprintf(f, "  extent:   x %.10g .. %.10g, y %.10g .. %.10g\n", li->minx, li->maxx, li->miny, li->maxy);
        if (li->n_fields) {
            fputs("  fields:   ", f);
            for (size_t k = 0; k < li->n_fields; k++)
                fprintf(f, "%s%s:%s", k ? ", " : "", li->fields[k].name, li->fields[k].type);
            fputc('\n', f);
        }
        print_role(f, &r);
        print_notes(f, li->notes);
    }
}

int hl_cmd_info(int argc, char **argv) {
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},   {"no-count", no_argument, NULL, 'C'},
        {"layers", required_argument, NULL, 'l'}, {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},   {NULL, 0, NULL, 0}};
    bool json = false, quiet = false;
    const char *layers_dir = NULL;
    hl_io_inventory_opts opts;
    hl_io_inventory *inv = NULL;
    hl_cli cli;
    role_guesser rg;
    int c, ret = 0;
    hl_status rc;

    hl_io_inventory_opts_init(&opts);
    optind = 1;
    while ((c = getopt_long(argc, argv, "jl:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'C': opts.count_features = false; break;
        case 'l': layers_dir = optarg; break;
        case 'q': quiet = true; break;
        case 'h': usage(stdout); return 0;
        default: return hl_cli_usage_error("info", "unknown option");
        }
    }
    if (optind >= argc) return hl_cli_usage_error("info", "give at least one file or folder");
    if (!hl_cli_start(&cli, "info")) return 9;
    cli.quiet = quiet;
    rc = hl_io_inventory_create(cli.ctx, (const char *const *)(argv + optind), (size_t)(argc - optind), &opts, &inv);
    if (rc) {
        ret = hl_cli_fail(&cli, rc);
        hl_cli_finish(&cli);
        return ret;
    }
    roles_open(&cli, &rg, layers_dir);
    if (json) print_json(stdout, inv, &cli, &rg);
    else print_text(stdout, inv, &cli, &rg);
    for (size_t i = 0; i < hl_io_inventory_count(inv); i++)
        if (!hl_io_inventory_get(inv, i)->layer) ret = hl_status_exit_code(HL_E_FORMAT);
    roles_close(&rg);
    hl_io_inventory_destroy(inv);
    hl_cli_finish(&cli);
    return ret;
}
