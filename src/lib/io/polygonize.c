/* Grids to polygons with GDALPolygonize (service-area polygons: the cells wholly
 * within reach), and process-wide GDAL settings. */
#include "io/io_int.h"

#include <cpl_conv.h>
#include <gdal.h>
#include <gdal_alg.h>
#include <ogr_api.h>
#include <string.h>

#include "hl/io.h"

hl_status hl_io_polygonize_mask(hl_ctx *ctx, const uint8_t *mask, size_t nx, size_t ny, double x0, double y_top,
                                double cell_m, unsigned char **wkb, size_t *wkb_size) {
    GDALDriverH mem_r, mem_v;
    GDALDatasetH rds = NULL, vds = NULL;
    GDALRasterBandH band;
    OGRLayerH lyr;
    OGRFeatureH f;
    OGRGeometryH multi = NULL;
    double gt[6] = {x0, cell_m, 0, y_top, 0, -cell_m};
    hl_status rc = HL_OK;
    *wkb = NULL;
    *wkb_size = 0;
    if (nx == 0 || ny == 0 || nx > INT32_MAX || ny > INT32_MAX) return HL_OK;
    hl__io_gdal_init();
    mem_r = GDALGetDriverByName("MEM");
    mem_v = GDALGetDriverByName("Memory");
    if (!mem_r || !mem_v) return hl_error(ctx, HL_E_DEP, "GDAL has no in-memory driver");
    rds = GDALCreate(mem_r, "", (int)nx, (int)ny, 1, GDT_Byte, NULL);
    vds = GDALCreate(mem_v, "", 0, 0, 0, GDT_Unknown, NULL);
    if (!rds || !vds) {
        rc = hl_error(ctx, HL_E_NOMEM, "cannot create a %zu x %zu grid for a service area", nx, ny);
        goto done;
    }
    GDALSetGeoTransform(rds, gt);
    band = GDALGetRasterBand(rds, 1);
    if (GDALRasterIO(band, GF_Write, 0, 0, (int)nx, (int)ny, (void *)mask, (int)nx, (int)ny, GDT_Byte, 0, 0) !=
        CE_None) {
        rc = hl_error(ctx, HL_E_DEP, "cannot fill the service-area grid");
        goto done;
    }
    lyr = GDALDatasetCreateLayer(vds, "cells", NULL, wkbPolygon, NULL);
    if (!lyr) {
        rc = hl_error(ctx, HL_E_DEP, "cannot create the polygon layer");
        goto done;
    }
    {
        OGRFieldDefnH fd = OGR_Fld_Create("v", OFTInteger);
        OGR_L_CreateField(lyr, fd, 1);
        OGR_Fld_Destroy(fd);
    }
    /* the band is its own mask: cells with 0 give no polygon */
    if (GDALPolygonize(band, band, lyr, 0, NULL, NULL, NULL) != CE_None) {
        rc = hl_error(ctx, HL_E_DEP, "GDALPolygonize failed: %s", CPLGetLastErrorMsg());
        goto done;
    }
    multi = OGR_G_CreateGeometry(wkbMultiPolygon);
    OGR_L_ResetReading(lyr);
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g) OGR_G_AddGeometry(multi, g);
        OGR_F_Destroy(f);
    }
    if (OGR_G_GetGeometryCount(multi) > 0) {
        int sz = OGR_G_WkbSize(multi);
        *wkb = hl_malloc(ctx, (size_t)sz);
        if (!*wkb) {
            rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
            goto done;
        }
        OGR_G_ExportToWkb(multi, wkbNDR, *wkb);
        *wkb_size = (size_t)sz;
    }
done:
    if (multi) OGR_G_DestroyGeometry(multi);
    if (vds) GDALClose(vds);
    if (rds) GDALClose(rds);
    return rc;
}

void hl_io_quiet(void) {
    /* GDAL keeps the last message for CPLGetLastErrorMsg either way; our
       errors quote it where it matters */
    CPLSetErrorHandler(CPLQuietErrorHandler);
}
