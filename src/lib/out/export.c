/* Export of a finalised GeoPackage to Shapefile, GeoJSON, CSV or PostGIS
 * with OGR: Shapefile field names cut to 10 characters without collisions,
 * a .qml style beside each .shp, .cpg UTF-8 or 936 (GBK), and
 * fields_mapping.csv; file formats are written into a temporary folder
 * renamed into place. */
#include "out/out_int.h"

#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <sqlite3.h>
#include <string.h>
#include <strings.h>

void hl_out_export_opts_init(hl_out_export_opts *o) {
    memset(o, 0, sizeof *o);
    o->format = "ESRI Shapefile";
    o->encoding = "UTF-8";
    o->lang = "zh";
}

void hl_out_free_names(char **names, size_t n) {
    if (!names) return;
    for (size_t i = 0; i < n; i++) hl_free(names[i]);
    hl_free(names);
}

/* Cut a UTF-8 string to at most `max` bytes without splitting a character. */
static size_t utf8_cut(const char *s, size_t max) {
    size_t n = strlen(s);
    if (n <= max) return n;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    return n;
}

static bool taken(char *const *names, size_t n, const char *s) {
    for (size_t i = 0; i < n; i++)
        if (names[i] && strcasecmp(names[i], s) == 0) return true;
    return false;
}

hl_status hl_out_shorten_names(hl_ctx *ctx, const char *const *names, size_t n, size_t max_len, char ***out_short) {
    char **out = NULL;
    *out_short = NULL;
    if (max_len < 3) return hl_error(ctx, HL_E_ARG, "field names cannot be shortened to %zu characters", max_len);
    out = hl_calloc(ctx, n ? n : 1, sizeof *out);
    if (!out) return hl_error(ctx, HL_E_NOMEM, "out of memory");
    /* Pass 1: names that fit are kept (the first of a case-insensitive duplicate wins). */
    for (size_t i = 0; i < n; i++) {
        if (strlen(names[i]) <= max_len && !taken(out, n, names[i])) {
            out[i] = hl_strdup(ctx, names[i]);
            if (!out[i]) goto oom;
        }
    }
    /* Pass 2: longer names (and duplicates), in order. */
    for (size_t i = 0; i < n; i++) {
        char buf[256];
        if (out[i]) continue;
        size_t cut = utf8_cut(names[i], max_len < sizeof buf ? max_len : sizeof buf - 1);
        memcpy(buf, names[i], cut);
        buf[cut] = '\0';
        if (taken(out, n, buf) || cut == 0) {
            size_t cut2 = utf8_cut(names[i], max_len - 2);
            bool found = false;
            for (int k = 1; k <= 99 && !found; k++) {
                memcpy(buf, names[i], cut2);
                snprintf(buf + cut2, sizeof buf - cut2, "%02d", k);
                found = !taken(out, n, buf);
            }
            if (!found) {
                hl_out_free_names(out, n);
                return hl_error(ctx, HL_E_DATA, "too many fields start with '%.*s' to shorten them uniquely",
                                (int)cut2, names[i]);
            }
        }
        out[i] = hl_strdup(ctx, buf);
        if (!out[i]) goto oom;
    }
    *out_short = out;
    return HL_OK;
oom:
    hl_out_free_names(out, n);
    return hl_error(ctx, HL_E_NOMEM, "out of memory");
}

static void csv_field(hl__sb *b, const char *s) {
    bool q = s && strpbrk(s, ",\"\n\r") != NULL;
    if (!q) {
        hl__sb_add(b, s ? s : "");
        return;
    }
    hl__sb_add(b, "\"");
    for (const char *p = s; *p; p++) {
        if (*p == '"') hl__sb_add(b, "\"\"");
        else hl__sb_addn(b, p, 1);
    }
    hl__sb_add(b, "\"");
}

/* Is `name` in the comma-separated list (NULL list = everything)? */
static bool in_list(const char *list, const char *name) {
    if (!list || !*list) return true;
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && *p == ' ') p++, len--;
        while (len && p[len - 1] == ' ') len--;
        if (len == n && strncmp(p, name, n) == 0) return true;
        if (!e) break;
        p = e + 1;
    }
    return false;
}

static hl_status gdal_fail(hl_ctx *ctx, hl_status rc, const char *what) {
    const char *m = CPLGetLastErrorMsg();
    return hl_error(ctx, rc, "%s%s%s", what, m && *m ? ": " : "", m ? m : "");
}

typedef enum { F_SHP, F_GEOJSON, F_CSV, F_PG } fmt;

/* Copy one layer into `dst`. */
static hl_status copy_layer(hl_ctx *ctx, OGRLayerH src, GDALDatasetH dst, const char *name, char **const out_names,
                            fmt f, const hl_out_export_opts *o) {
    hl_status rc = HL_OK;
    OGRFeatureDefnH sdef = OGR_L_GetLayerDefn(src);
    int nf = OGR_FD_GetFieldCount(sdef);
    char **lco = NULL;
    int *map = NULL;
    OGRFeatureH sf = NULL, df = NULL;
    OGRwkbGeometryType gt = OGR_L_GetGeomType(src);
    bool gbk = o->encoding && (strcasecmp(o->encoding, "GBK") == 0 || strcasecmp(o->encoding, "CP936") == 0 ||
                               strcmp(o->encoding, "936") == 0);
    if (f == F_SHP) lco = CSLSetNameValue(lco, "ENCODING", gbk ? "CP936" : "UTF-8");
    if (f == F_CSV) {
        lco = CSLSetNameValue(lco, "GEOMETRY", "AS_WKT");
        lco = CSLSetNameValue(lco, "WRITE_BOM", "YES");
        lco = CSLSetNameValue(lco, "CREATE_CSVT", "YES");
    }
    if (f == F_GEOJSON) lco = CSLSetNameValue(lco, "WRITE_NAME", "YES");
    if (f == F_PG) {
        lco = CSLSetNameValue(lco, "OVERWRITE", o->force ? "YES" : "NO");
        lco = CSLSetNameValue(lco, "GEOMETRY_NAME", "geom");
        lco = CSLSetNameValue(lco, "LAUNDER", "NO");
    }
    if (f == F_PG && !o->force && GDALDatasetGetLayerByName(dst, name)) {
        rc = hl_error(ctx, HL_E_EXISTS, "table %s already exists in the database; use --force to replace it", name);
        goto done;
    }
    OGRLayerH dl = GDALDatasetCreateLayer(dst, name, OGR_L_GetSpatialRef(src), gt, lco);
    if (!dl) {
        rc = gdal_fail(ctx, HL_E_IO, "cannot create the output layer");
        goto done;
    }
    map = hl_calloc(ctx, (size_t)(nf ? nf : 1), sizeof *map);
    if (!map) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < nf; i++) {
        OGRFieldDefnH sfd = OGR_FD_GetFieldDefn(sdef, i);
        OGRFieldType ft = OGR_Fld_GetType(sfd);
        OGRFieldDefnH dfd = OGR_Fld_Create(out_names ? out_names[i] : OGR_Fld_GetNameRef(sfd), ft);
        OGR_Fld_SetSubType(dfd, OGR_Fld_GetSubType(sfd));
        OGR_Fld_SetWidth(dfd, OGR_Fld_GetWidth(sfd));
        OGR_Fld_SetPrecision(dfd, OGR_Fld_GetPrecision(sfd));
        if (f == F_SHP && ft == OFTReal && OGR_Fld_GetWidth(sfd) == 0) {
            OGR_Fld_SetWidth(dfd, 24);
            OGR_Fld_SetPrecision(dfd, 15);
        }
        if (f == F_SHP && ft == OFTString && OGR_Fld_GetWidth(sfd) == 0) OGR_Fld_SetWidth(dfd, 254);
        OGRErr e = OGR_L_CreateField(dl, dfd, TRUE);
        OGR_Fld_Destroy(dfd);
        if (e != OGRERR_NONE) {
            rc = gdal_fail(ctx, HL_E_IO, "cannot create a field");
            goto done;
        }
        map[i] = i;
    }
    OGRFeatureDefnH ddef = OGR_L_GetLayerDefn(dl);
    OGR_L_ResetReading(src);
    if (OGR_L_StartTransaction(dl) != OGRERR_NONE) CPLErrorReset();
    long long count = 0;
    while ((sf = OGR_L_GetNextFeature(src)) != NULL) {
        if (++count % 1000 == 0 && (rc = hl_check_interrupt(ctx))) goto done;
        df = OGR_F_Create(ddef);
        if (!df || OGR_F_SetFromWithMap(df, sf, TRUE, map) != OGRERR_NONE) {
            rc = gdal_fail(ctx, HL_E_IO, "cannot copy a feature");
            goto done;
        }
        if (f == F_PG) OGR_F_SetFID(df, OGR_F_GetFID(sf));
        if (OGR_L_CreateFeature(dl, df) != OGRERR_NONE) {
            rc = gdal_fail(ctx, HL_E_IO, "cannot write a feature");
            goto done;
        }
        OGR_F_Destroy(df);
        OGR_F_Destroy(sf);
        df = sf = NULL;
    }
    if (OGR_L_CommitTransaction(dl) != OGRERR_NONE) CPLErrorReset();
done:
    if (df) OGR_F_Destroy(df);
    if (sf) OGR_F_Destroy(sf);
    hl_free(map);
    CSLDestroy(lco);
    return rc;
}

hl_status hl_out_export(hl_ctx *ctx, const char *gpkg_path, const hl_out_export_opts *opts) {
    hl_status rc = HL_OK;
    hl_out_export_opts o;
    hl_out_file *outdir = NULL;
    GDALDatasetH src = NULL, dst = NULL;
    GDALDriverH drv = NULL;
    sqlite3 *db = NULL;
    hl__out_catalog *cat = NULL;
    hl__out_schema s;
    hl__sb map, tmp;
    char **shorts = NULL;
    size_t n_shorts = 0;
    char *qml = NULL, *path = NULL;
    hl__out_colinfo ci;
    fmt f;
    memset(&s, 0, sizeof s);
    memset(&ci, 0, sizeof ci);
    hl__sb_init(&map, ctx);
    hl__sb_init(&tmp, ctx);
    if (opts) o = *opts;
    else hl_out_export_opts_init(&o);
    if (!o.format) o.format = "ESRI Shapefile";
    if (!o.lang) o.lang = "zh";
    if (!o.dest || !*o.dest) return hl_error(ctx, HL_E_ARG, "export: no destination given (-o DIR or PG:...)");
    if (strcasecmp(o.format, "ESRI Shapefile") == 0 || strcasecmp(o.format, "Shapefile") == 0 ||
        strcasecmp(o.format, "shp") == 0)
        f = F_SHP;
    else if (strcasecmp(o.format, "GeoJSON") == 0) f = F_GEOJSON;
    else if (strcasecmp(o.format, "CSV") == 0) f = F_CSV;
    else if (strcasecmp(o.format, "PostgreSQL") == 0 || strcasecmp(o.format, "PostGIS") == 0 ||
             strcasecmp(o.format, "PG") == 0)
        f = F_PG;
    else
        return hl_error(ctx, HL_E_ARG,
                        "export: unknown format '%s'; use \"ESRI Shapefile\", GeoJSON, CSV or PostgreSQL", o.format);
    bool gbk = o.encoding && strcasecmp(o.encoding, "UTF-8") != 0 && strcasecmp(o.encoding, "UTF8") != 0;
    if (gbk && !(strcasecmp(o.encoding, "GBK") == 0 || strcasecmp(o.encoding, "CP936") == 0 ||
                 strcmp(o.encoding, "936") == 0))
        return hl_error(ctx, HL_E_ARG, "export: unknown encoding '%s'; use UTF-8 or GBK", o.encoding);
    if (gbk && f != F_SHP)
        return hl_error(ctx, HL_E_ARG, "export: --encoding GBK applies to Shapefile only (%s is always UTF-8)",
                        o.format);
    if (f == F_PG && strncmp(o.dest, "PG:", 3) != 0)
        return hl_error(ctx, HL_E_ARG, "export: PostgreSQL needs a destination like PG:\"dbname=... host=...\"");

    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    if ((rc = hl__out_catalog_load(ctx, NULL, &cat))) goto done;
    if ((rc = hl__out_db_open(ctx, gpkg_path, false, &db))) goto done;
    if ((rc = hl__out_schema_read(ctx, db, &s))) goto done;
    /* every requested layer exists */
    if (o.layers && *o.layers) {
        for (const char *p = o.layers; *p;) {
            const char *e = strchr(p, ',');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            char want[256];
            snprintf(want, sizeof want, "%.*s", (int)(len < 255 ? len : 255), p);
            if (*want && !hl__out_schema_find(&s, want)) {
                hl__sb_add(&tmp, "");
                for (size_t i = 0; i < s.n_layers; i++) {
                    if (i) hl__sb_add(&tmp, ", ");
                    hl__sb_add(&tmp, s.layers[i].name);
                }
                rc = hl_error(ctx, HL_E_ARG, "export: %s has no layer '%s'; its layers are: %s", gpkg_path, want,
                              tmp.s ? tmp.s : "");
                goto done;
            }
            if (!e) break;
            p = e + 1;
        }
    }
    const char *const allowed[] = {"GPKG", NULL};
    src = GDALOpenEx(gpkg_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, allowed, NULL, NULL);
    if (!src) {
        rc = gdal_fail(ctx, HL_E_IO, "export: cannot open the GeoPackage with GDAL");
        goto done;
    }
    const char *drvname = f == F_SHP ? "ESRI Shapefile" : f == F_GEOJSON ? "GeoJSON" : f == F_CSV ? "CSV" : "PostgreSQL";
    drv = GDALGetDriverByName(drvname);
    if (!drv) {
        rc = hl_error(ctx, HL_E_DEP, "export: GDAL has no %s driver", drvname);
        goto done;
    }
    if (f == F_PG) {
        const char *const pgdrv[] = {"PostgreSQL", NULL};
        dst = GDALOpenEx(o.dest, GDAL_OF_VECTOR | GDAL_OF_UPDATE, pgdrv, NULL, NULL);
        if (!dst) {
            rc = gdal_fail(ctx, HL_E_IO, "export: cannot connect to PostgreSQL (check the PG: connection string)");
            goto done;
        }
    } else {
        if ((rc = hl_out_begin_dir(ctx, o.dest, o.force, &outdir))) goto done;
        if (f == F_SHP) {
            dst = GDALCreate(drv, hl_out_temp_path(outdir), 0, 0, 0, GDT_Unknown, NULL);
            if (!dst) {
                rc = gdal_fail(ctx, HL_E_IO, "export: cannot create the Shapefile folder");
                goto done;
            }
        }
        hl__sb_add(&map, "\xEF\xBB\xBFlayer,short_name,full_name,alias_zh,alias_en\n");
    }
    size_t n_done = 0;
    for (size_t li = 0; li < s.n_layers; li++) {
        hl__out_layer *l = &s.layers[li];
        if (!in_list(o.layers, l->name)) continue;
        OGRLayerH sl = GDALDatasetGetLayerByName(src, l->name);
        if (!sl) {
            rc = gdal_fail(ctx, HL_E_FORMAT, "export: GDAL cannot read the layer");
            hl_error_prefix(ctx, "layer %s", l->name);
            goto done;
        }
        /* OGR's field order is the table's column order (without fid and geometry) */
        OGRFeatureDefnH sdef = OGR_L_GetLayerDefn(sl);
        size_t nf = (size_t)OGR_FD_GetFieldCount(sdef);
        const char **full = hl_calloc(ctx, nf ? nf : 1, sizeof *full);
        if (!full) {
            rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < nf; i++) full[i] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(sdef, (int)i));
        if (f == F_SHP) {
            rc = hl_out_shorten_names(ctx, full, nf, 10, &shorts);
            n_shorts = nf;
        }
        if (rc) {
            hl_free(full);
            goto done;
        }
        if (f == F_GEOJSON || f == F_CSV) {
            path = hl_sprintf(ctx, "%s/%s.%s", hl_out_temp_path(outdir), l->name, f == F_CSV ? "csv" : "geojson");
            if (!path) {
                hl_free(full);
                rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
                goto done;
            }
            dst = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
            if (!dst) {
                hl_free(full);
                rc = gdal_fail(ctx, HL_E_IO, "export: cannot create the file");
                hl_error_prefix(ctx, "%s", path);
                goto done;
            }
        }
        rc = copy_layer(ctx, sl, dst, l->name, shorts, f, &o);
        if (rc) {
            hl_free(full);
            hl_error_prefix(ctx, "exporting layer %s", l->name);
            goto done;
        }
        if (f == F_GEOJSON || f == F_CSV) {
            GDALClose(dst);
            dst = NULL;
            hl_free(path);
            path = NULL;
        }
        if (f != F_PG) {
            for (size_t i = 0; i < nf; i++) {
                if ((rc = hl__out_catalog_column(ctx, cat, l->name, full[i], &ci))) break;
                csv_field(&map, l->name);
                hl__sb_add(&map, ",");
                csv_field(&map, shorts ? shorts[i] : full[i]);
                hl__sb_add(&map, ",");
                csv_field(&map, full[i]);
                hl__sb_add(&map, ",");
                csv_field(&map, ci.zh);
                hl__sb_add(&map, ",");
                csv_field(&map, ci.en);
                hl__sb_add(&map, "\n");
                hl__out_colinfo_clear(&ci);
            }
        }
        if (rc == HL_OK && f == F_SHP && l->geom_col) {
            /* a .qml beside the .shp, with the short names; QGIS loads it automatically */
            bool same = nf == l->n_cols;
            for (size_t i = 0; same && i < nf; i++) same = strcmp(full[i], l->cols[i]) == 0;
            l->out_names = same ? shorts : NULL;
            rc = hl__out_qml(ctx, db, cat, l, NULL, o.lang, &qml);
            l->out_names = NULL;
            if (rc == HL_OK) {
                path = hl_sprintf(ctx, "%s/%s.qml", hl_out_temp_path(outdir), l->name);
                rc = path ? hl__out_write_file_atomic(ctx, path, qml, strlen(qml), true)
                          : hl_error(ctx, HL_E_NOMEM, "out of memory");
                hl_free(path);
                path = NULL;
            }
            hl_free(qml);
            qml = NULL;
        }
        hl_free(full);
        hl_out_free_names(shorts, n_shorts);
        shorts = NULL;
        n_shorts = 0;
        if (rc) goto done;
        n_done++;
    }
    if (n_done == 0) {
        rc = hl_error(ctx, HL_E_ARG, "export: no layer to export in %s", gpkg_path);
        goto done;
    }
    if (dst) {
        GDALClose(dst);
        dst = NULL;
    }
    if (f == F_SHP) {
        /* .cpg: "UTF-8", or "936" for GBK (read as CP936 by GDAL, hence QGIS, and by ArcGIS) */
        for (size_t li = 0; li < s.n_layers; li++) {
            if (!in_list(o.layers, s.layers[li].name)) continue;
            path = hl_sprintf(ctx, "%s/%s.cpg", hl_out_temp_path(outdir), s.layers[li].name);
            if (!path) {
                rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
                goto done;
            }
            const char *cpg = gbk ? "936\n" : "UTF-8\n";
            if ((rc = hl__out_write_file_atomic(ctx, path, cpg, strlen(cpg), true))) goto done;
            hl_free(path);
            path = NULL;
        }
    }
    if (f != F_PG) {
        char *mp = hl__sb_take(&map);
        if (!mp) {
            rc = HL_E_NOMEM;
            goto done;
        }
        path = hl_sprintf(ctx, "%s/fields_mapping.csv", hl_out_temp_path(outdir));
        rc = path ? hl__out_write_file_atomic(ctx, path, mp, strlen(mp), true)
                  : hl_error(ctx, HL_E_NOMEM, "out of memory");
        hl_free(mp);
        hl_free(path);
        path = NULL;
        if (rc) goto done;
        rc = hl_out_commit(ctx, outdir);
        outdir = NULL;
    }
done:
    if (dst) GDALClose(dst);
    if (src) GDALClose(src);
    hl_out_abort(outdir);
    CPLPopErrorHandler();
    hl_out_free_names(shorts, n_shorts);
    hl__out_colinfo_clear(&ci);
    hl_free(qml);
    hl_free(path);
    hl__sb_free(&map);
    hl__sb_free(&tmp);
    hl__out_schema_free(&s);
    hl__out_catalog_destroy(cat);
    if (db) sqlite3_close(db);
    return rc;
}
