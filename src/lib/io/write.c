/* Writing result tables through OGR: GeoPackage layers and CSV files. */
#include "io/io_int.h"

#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hl/io.h"
#include "hl/table.h"

static OGRwkbGeometryType ogr_type(hl_geom_kind k) {
    switch (k) {
    case HL_GEOM_POINT: return wkbPoint;
    case HL_GEOM_LINE: return wkbMultiLineString;
    case HL_GEOM_POLYGON: return wkbMultiPolygon;
    case HL_GEOM_NONE: return wkbNone;
    default: return wkbUnknown;
    }
}

static hl_status write_layer(hl_ctx *ctx, GDALDatasetH ds, OGRSpatialReferenceH srs, const hl_table *t,
                             const char *path) {
    OGRLayerH lyr;
    OGRFeatureDefnH defn;
    const char *lco[] = {"FID=fid", "SPATIAL_INDEX=YES", NULL};
    size_t nc = hl_table_columns(t), nr = hl_table_rows(t);
    hl_status rc = HL_OK;
    hl_geom_kind gk = hl_table_geom_kind(t);
    CPLErrorReset();
    lyr = GDALDatasetCreateLayer(ds, hl_table_name(t), gk == HL_GEOM_NONE ? NULL : srs, ogr_type(gk), (char **)lco);
    if (!lyr)
        return hl_error(ctx, HL_E_DEP, "%s: cannot create layer %s: %s", path, hl_table_name(t), CPLGetLastErrorMsg());
    for (size_t c = 0; c < nc; c++) {
        OGRFieldType ft = hl_table_column_type(t, c) == HL_COL_INT    ? OFTInteger64
                          : hl_table_column_type(t, c) == HL_COL_REAL ? OFTReal
                                                                      : OFTString;
        OGRFieldDefnH fd = OGR_Fld_Create(hl_table_column_name(t, c), ft);
        OGRErr e = OGR_L_CreateField(lyr, fd, 1);
        OGR_Fld_Destroy(fd);
        if (e != OGRERR_NONE)
            return hl_error(ctx, HL_E_DEP, "%s: cannot create field %s.%s", path, hl_table_name(t),
                            hl_table_column_name(t, c));
    }
    defn = OGR_L_GetLayerDefn(lyr);
    bool in_tx = GDALDatasetStartTransaction(ds, 0) == OGRERR_NONE; /* CSV has none */
    for (size_t r = 0; r < nr && !rc; r++) {
        OGRFeatureH f = OGR_F_Create(defn);
        size_t wsz = 0;
        const unsigned char *wkb = hl_table_wkb(t, r, &wsz);
        OGR_F_SetFID(f, (GIntBig)(r + 1));
        for (size_t c = 0; c < nc; c++) {
            if (hl_table_is_null(t, r, c)) {
                OGR_F_SetFieldNull(f, (int)c);
                continue;
            }
            switch (hl_table_column_type(t, c)) {
            case HL_COL_INT: OGR_F_SetFieldInteger64(f, (int)c, hl_table_int(t, r, c)); break;
            case HL_COL_REAL: OGR_F_SetFieldDouble(f, (int)c, hl_table_real(t, r, c)); break;
            case HL_COL_TEXT: OGR_F_SetFieldString(f, (int)c, hl_table_text(t, r, c)); break;
            }
        }
        if (wkb && gk != HL_GEOM_NONE) {
            OGRGeometryH g = NULL;
            if (OGR_G_CreateFromWkb(wkb, NULL, &g, (int)wsz) == OGRERR_NONE && g) {
                if (gk == HL_GEOM_LINE) g = OGR_G_ForceToMultiLineString(g);
                else if (gk == HL_GEOM_POLYGON) g = OGR_G_ForceToMultiPolygon(g);
                OGR_F_SetGeometryDirectly(f, g);
            }
        }
        if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
            rc = hl_error(ctx, HL_E_IO, "%s: cannot write a feature of %s (disk full?): %s", path, hl_table_name(t),
                          CPLGetLastErrorMsg());
        OGR_F_Destroy(f);
        if (!rc && (r & 0xFF) == 0) rc = hl_check_interrupt(ctx);
    }
    if (rc) {
        if (in_tx) GDALDatasetRollbackTransaction(ds);
        return rc;
    }
    if (in_tx && GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
        return hl_error(ctx, HL_E_IO, "%s: cannot commit layer %s (disk full?): %s", path, hl_table_name(t),
                        CPLGetLastErrorMsg());
    return HL_OK;
}

/* Create (append false) or open for update (append true) the GeoPackage at
 * path and write the tables as new layers, in order. */
static hl_status write_gpkg(hl_ctx *ctx, const char *path, const char *crs, hl_table *const *tables, size_t n,
                            bool append) {
    GDALDriverH drv;
    GDALDatasetH ds;
    OGRSpatialReferenceH srs = NULL;
    hl_status rc = HL_OK;
    hl__io_gdal_init();
    drv = GDALGetDriverByName("GPKG");
    if (!drv) return hl_error(ctx, HL_E_DEP, "GDAL has no GPKG driver");
    /* fixed timestamps so that two runs give the same bytes */
    CPLSetConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z");
    CPLErrorReset();
    /* the temporary name does not end in .gpkg: GDAL's warning about it is noise */
    CPLPushErrorHandler(CPLQuietErrorHandler);
    if (append) {
        const char *const drivers[] = {"GPKG", NULL};
        ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, NULL, NULL);
    } else {
        ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    }
    CPLPopErrorHandler();
    if (!ds) return hl_error(ctx, HL_E_IO, "cannot %s %s: %s", append ? "reopen" : "create", path, CPLGetLastErrorMsg());
    if (crs && crs[0]) {
        srs = OSRNewSpatialReference(NULL);
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
        if (OSRSetFromUserInput(srs, crs) != OGRERR_NONE) {
            rc = hl_error(ctx, HL_E_CRS, "cannot use the working CRS '%s' for the output", crs);
            goto done;
        }
    }
    for (size_t i = 0; i < n && !rc; i++) {
        rc = write_layer(ctx, ds, srs, tables[i], path);
        if (!rc) hl_progress(ctx, "write", i + 1, n);
    }
done:
    if (srs) OSRDestroySpatialReference(srs);
    CPLErrorReset();
    GDALClose(ds);
    if (!rc && CPLGetLastErrorType() >= CE_Failure)
        rc = hl_error(ctx, HL_E_IO, "%s: closing the GeoPackage failed (disk full?): %s", path, CPLGetLastErrorMsg());
    return rc;
}

hl_status hl_io_write_gpkg(hl_ctx *ctx, const char *path, const char *crs, hl_table *const *tables, size_t n) {
    return write_gpkg(ctx, path, crs, tables, n, false);
}

hl_status hl_io_append_gpkg(hl_ctx *ctx, const char *path, const char *crs, hl_table *const *tables, size_t n) {
    return write_gpkg(ctx, path, crs, tables, n, true);
}

hl_status hl_io_write_csv(hl_ctx *ctx, const char *path, const hl_table *t) {
    GDALDriverH drv;
    GDALDatasetH ds;
    hl_status rc;
    hl__io_gdal_init();
    drv = GDALGetDriverByName("CSV");
    if (!drv) return hl_error(ctx, HL_E_DEP, "GDAL has no CSV driver");
    ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) return hl_error(ctx, HL_E_IO, "cannot create %s: %s", path, CPLGetLastErrorMsg());
    {
        /* the CSV driver names the file after the layer when given a folder;
           given a .csv path it writes that file */
        hl_table *copy = (hl_table *)t;
        hl_geom_kind k = hl_table_geom_kind(t);
        (void)k;
        rc = write_layer(ctx, ds, NULL, copy, path);
    }
    GDALClose(ds);
    return rc;
}
