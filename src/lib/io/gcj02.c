/* GCJ-02 ("Mars coordinates"): the offset Chinese map vendors (AMap,
 * Tencent, Google China) apply to WGS 84 lon/lat.  The formulas are the
 * widely published ones (e.g. the "eviltransform" projects); the inverse
 * has no closed form, so it iterates the forward formulas. */
#include "hl/io.h"

#include <math.h>

#define GCJ_A 6378245.0
#define GCJ_EE 0.00669342162296594323
#define GCJ_PI 3.14159265358979324

bool hl_io_gcj02_in_china(double lon_deg, double lat_deg) {
    return lon_deg >= 72.004 && lon_deg <= 137.8347 && lat_deg >= 0.8293 && lat_deg <= 55.8271;
}

static double transform_lat(double x, double y) {
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(fabs(x));
    r += (20.0 * sin(6.0 * x * GCJ_PI) + 20.0 * sin(2.0 * x * GCJ_PI)) * 2.0 / 3.0;
    r += (20.0 * sin(y * GCJ_PI) + 40.0 * sin(y / 3.0 * GCJ_PI)) * 2.0 / 3.0;
    r += (160.0 * sin(y / 12.0 * GCJ_PI) + 320.0 * sin(y * GCJ_PI / 30.0)) * 2.0 / 3.0;
    return r;
}

static double transform_lon(double x, double y) {
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(fabs(x));
    r += (20.0 * sin(6.0 * x * GCJ_PI) + 20.0 * sin(2.0 * x * GCJ_PI)) * 2.0 / 3.0;
    r += (20.0 * sin(x * GCJ_PI) + 40.0 * sin(x / 3.0 * GCJ_PI)) * 2.0 / 3.0;
    r += (150.0 * sin(x / 12.0 * GCJ_PI) + 300.0 * sin(x / 30.0 * GCJ_PI)) * 2.0 / 3.0;
    return r;
}

/* The offset (degrees) added to a WGS 84 position. */
static void gcj_delta(double lon, double lat, double *dlon, double *dlat) {
    double dla = transform_lat(lon - 105.0, lat - 35.0);
    double dlo = transform_lon(lon - 105.0, lat - 35.0);
    double radlat = lat / 180.0 * GCJ_PI;
    double magic = sin(radlat);
    magic = 1.0 - GCJ_EE * magic * magic;
    double sqrtmagic = sqrt(magic);
    *dlat = (dla * 180.0) / ((GCJ_A * (1.0 - GCJ_EE)) / (magic * sqrtmagic) * GCJ_PI);
    *dlon = (dlo * 180.0) / (GCJ_A / sqrtmagic * cos(radlat) * GCJ_PI);
}

void hl_io_gcj02_from_wgs84(double lon_deg, double lat_deg, double *out_lon, double *out_lat) {
    double dlon, dlat;
    if (!hl_io_gcj02_in_china(lon_deg, lat_deg)) {
        *out_lon = lon_deg;
        *out_lat = lat_deg;
        return;
    }
    gcj_delta(lon_deg, lat_deg, &dlon, &dlat);
    *out_lon = lon_deg + dlon;
    *out_lat = lat_deg + dlat;
}

void hl_io_gcj02_to_wgs84(double lon_deg, double lat_deg, double *out_lon, double *out_lat) {
    double wlon = lon_deg, wlat = lat_deg;
    if (!hl_io_gcj02_in_china(lon_deg, lat_deg)) {
        *out_lon = lon_deg;
        *out_lat = lat_deg;
        return;
    }
    /* Fixed-point iteration: the offset changes by well under 1e-3 of a
     * degree per degree, so each step gains about three digits. */
    for (int i = 0; i < 30; i++) {
        double glon, glat;
        hl_io_gcj02_from_wgs84(wlon, wlat, &glon, &glat);
        double elon = glon - lon_deg, elat = glat - lat_deg;
        wlon -= elon;
        wlat -= elat;
        if (fabs(elon) < 1e-9 && fabs(elat) < 1e-9) break;
    }
    *out_lon = wlon;
    *out_lat = wlat;
}
