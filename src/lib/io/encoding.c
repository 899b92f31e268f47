/* Text encoding of attribute tables.  Chinese bureau shapefiles come as
 * GBK with or without a .cpg, as UTF-8 with language id 0 (which GDAL
 * would read as Latin-1), or as ANSI files whose "ANSI" meant the code page
 * of the PC that wrote them.  This file decides the encoding from the .cpg,
 * the DBF language driver id and, failing those, the raw bytes, and builds
 * the GDAL open options that recode accordingly. */
#include "io_int.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* How much of a DBF's records we inspect at most. */
#define SAMPLE_MAX_BYTES (8u << 20)

bool hl_io_is_utf8(const char *s, size_t n) { return hl_utf8_valid(s, n); }

/* Length of the longest prefix of s[0..n) that is valid UTF-8 up to a
 * truncated final sequence: returns n if valid, or the offset of an
 * incomplete trailing sequence, or (size_t)-1 if invalid elsewhere. */
static size_t utf8_valid_upto_truncation(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                                : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (len == 0) return (size_t)-1;
        if (i + len > n) {
            for (size_t k = i + 1; k < n; k++)
                if ((s[k] & 0xC0) != 0x80) return (size_t)-1;
            return i;
        }
        if (!hl_io_is_utf8((const char *)s + i, len)) return (size_t)-1;
        i += len;
    }
    return n;
}

/* Normalise an encoding name from a .cpg file or a plan. */
static void normalise_encoding(const char *in, char *out, size_t out_size) {
    char buf[96];
    size_t j = 0;
    for (const char *p = in; *p && j + 1 < sizeof buf; p++)
        if (!isspace((unsigned char)*p)) buf[j++] = (char)toupper((unsigned char)*p);
    buf[j] = '\0';
    if (!strcmp(buf, "UTF8") || !strcmp(buf, "UTF-8") || !strcmp(buf, "65001") ||
        !strcmp(buf, "CP65001"))
        snprintf(out, out_size, "UTF-8");
    else if (!strcmp(buf, "936") || !strcmp(buf, "CP936") || !strcmp(buf, "GBK") ||
             !strcmp(buf, "ANSI936"))
        snprintf(out, out_size, "GBK");
    else if (!strcmp(buf, "GB2312") || !strcmp(buf, "EUC-CN"))
        snprintf(out, out_size, "GB2312");
    else if (!strcmp(buf, "GB18030") || !strcmp(buf, "54936"))
        snprintf(out, out_size, "GB18030");
    else if (!strcmp(buf, "BIG5") || !strcmp(buf, "950") || !strcmp(buf, "CP950"))
        snprintf(out, out_size, "CP950");
    else if (!strncmp(buf, "ANSI", 4) && isdigit((unsigned char)buf[4]))
        snprintf(out, out_size, "CP%s", buf + 4);
    else if (isdigit((unsigned char)buf[0]))
        snprintf(out, out_size, "CP%s", buf);
    else if (!strcmp(buf, "LATIN1") || !strcmp(buf, "ISO88591") || !strcmp(buf, "ISO-8859-1"))
        snprintf(out, out_size, "ISO-8859-1");
    else
        snprintf(out, out_size, "%s", buf);
}

/* The code page a DBF language driver id stands for (the table GDAL's
 * shapefile driver uses), or NULL for 0 and unknown ids. */
static const char *ldid_codepage(unsigned ldid) {
    switch (ldid) {
    case 0x01: return "CP437";
    case 0x02: return "CP850";
    case 0x03: return "CP1252";
    case 0x08: return "CP865";
    case 0x09: return "CP437";
    case 0x0A: return "CP850";
    case 0x0B: return "CP437";
    case 0x0D: return "CP437";
    case 0x0E: return "CP850";
    case 0x0F: return "CP437";
    case 0x10: return "CP850";
    case 0x11: return "CP437";
    case 0x12: return "CP850";
    case 0x13: return "CP932";
    case 0x14: return "CP850";
    case 0x15: return "CP437";
    case 0x16: return "CP850";
    case 0x17: return "CP865";
    case 0x18: return "CP437";
    case 0x19: return "CP437";
    case 0x1A: return "CP850";
    case 0x1B: return "CP437";
    case 0x1C: return "CP863";
    case 0x1D: return "CP850";
    case 0x1F: return "CP852";
    case 0x22: return "CP852";
    case 0x23: return "CP852";
    case 0x24: return "CP860";
    case 0x25: return "CP850";
    case 0x26: return "CP866";
    case 0x37: return "CP850";
    case 0x40: return "CP852";
    case 0x4D: return "GBK"; /* CP936 */
    case 0x4E: return "CP949";
    case 0x4F: return "CP950";
    case 0x50: return "CP874";
    case 0x57: return "CP1252"; /* "ANSI": the writer's system code page */
    case 0x58: return "CP1252";
    case 0x59: return "CP1252";
    case 0x64: return "CP852";
    case 0x65: return "CP866";
    case 0x66: return "CP865";
    case 0x67: return "CP861";
    case 0x6A: return "CP737";
    case 0x6B: return "CP857";
    case 0x78: return "CP950";
    case 0x79: return "CP949";
    case 0x7A: return "GBK";
    case 0x7B: return "CP932";
    case 0x7C: return "CP874";
    case 0x86: return "CP737";
    case 0x87: return "CP852";
    case 0x88: return "CP857";
    case 0xC8: return "CP1250";
    case 0xC9: return "CP1251";
    case 0xCA: return "CP1254";
    case 0xCB: return "CP1253";
    case 0xCC: return "CP1257";
    default: return NULL;
    }
}

static bool has_suffix_ci(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

bool hl__io_is_shapefile_path(const char *path) {
    VSIStatBufL st;
    if (has_suffix_ci(path, ".shp") || has_suffix_ci(path, ".dbf") || has_suffix_ci(path, ".shz") ||
        has_suffix_ci(path, ".shp.zip"))
        return true;
    if (VSIStatL(path, &st) == 0 && VSI_ISDIR(st.st_mode)) {
        /* A folder: GDAL reads it with the shapefile driver if it holds
         * .shp/.dbf files and nothing else GDAL prefers; good enough. */
        char **list = VSIReadDir(path);
        bool any = false;
        for (char **p = list; p && *p && !any; p++)
            any = has_suffix_ci(*p, ".shp") || has_suffix_ci(*p, ".dbf");
        CSLDestroy(list);
        return any;
    }
    return false;
}

/* Find an existing sidecar of `base` (path without extension) with
 * extension `ext` in either case; writes it into out. */
static bool find_sidecar(const char *base, const char *ext_lower, char *out, size_t out_size) {
    VSIStatBufL st;
    char ext_upper[16];
    size_t i;
    for (i = 0; ext_lower[i] && i + 1 < sizeof ext_upper; i++)
        ext_upper[i] = (char)toupper((unsigned char)ext_lower[i]);
    ext_upper[i] = '\0';
    snprintf(out, out_size, "%s%s", base, ext_lower);
    if (VSIStatL(out, &st) == 0) return true;
    snprintf(out, out_size, "%s%s", base, ext_upper);
    if (VSIStatL(out, &st) == 0) return true;
    return false;
}

/* Read a whole small file into buf (NUL-terminated). */
static bool read_small_file(const char *path, char *buf, size_t size) {
    VSILFILE *f = VSIFOpenL(path, "rb");
    size_t n;
    if (!f) return false;
    n = VSIFReadL(buf, 1, size - 1, f);
    buf[n] = '\0';
    VSIFCloseL(f);
    return true;
}

/* What the bytes of the character fields say. */
typedef struct content_verdict {
    size_t n_nonascii_values; /* values with at least one byte >= 0x80 */
    size_t n_utf8_bad;        /* values not valid UTF-8 (truncation tolerated) */
    size_t n_utf8_cut;        /* values valid UTF-8 only up to a cut at the field end */
    size_t n_gb_bad;          /* values not decodable as GB18030 */
    size_t n_pairs;           /* double-byte pairs seen when read as GBK */
    size_t n_pairs_hanzi;     /* of which both bytes >= 0xA1 (GB2312 rows) */
} content_verdict;

static void judge_value(const unsigned char *v, size_t n, bool full_width, iconv_t cd,
                        content_verdict *cv) {
    bool nonascii = false;
    for (size_t i = 0; i < n; i++)
        if (v[i] >= 0x80) nonascii = true;
    if (!nonascii) return;
    cv->n_nonascii_values++;
    size_t ok = utf8_valid_upto_truncation(v, n);
    if (ok == (size_t)-1 || (ok != n && !full_width))
        cv->n_utf8_bad++;
    else if (ok != n)
        cv->n_utf8_cut++;

    /* GBK/GB18030 structure: lead 0x81-0xFE then trail 0x40-0xFE (not
     * 0x7F), or a 4-byte GB18030 sequence; a lone lead byte at the end of
     * a full-width field is a cut, not an error. */
    size_t i = 0, end = n;
    while (i < n) {
        if (v[i] < 0x80) {
            i++;
            continue;
        }
        if (i + 1 >= n) {
            if (full_width) end = i;
            break;
        }
        if (v[i + 1] >= 0x30 && v[i + 1] <= 0x39) {
            i += 4; /* 4-byte GB18030, checked by iconv below */
            continue;
        }
        cv->n_pairs++;
        if (v[i] >= 0xA1 && v[i + 1] >= 0xA1) cv->n_pairs_hanzi++;
        i += 2;
    }
    if (end > n) end = n;
    char outbuf[1024];
    char inbuf[1024];
    size_t len = end < sizeof inbuf ? end : sizeof inbuf;
    memcpy(inbuf, v, len);
    char *ip = inbuf, *op = outbuf;
    size_t il = len, ol = sizeof outbuf;
    iconv(cd, NULL, NULL, NULL, NULL);
    if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) cv->n_gb_bad++;
}

/* Scan the character fields of a DBF file. */
static hl_status scan_dbf(hl_ctx *ctx, const char *dbf, unsigned *ldid, content_verdict *cv,
                          size_t *n_values) {
    hl_status rc = HL_OK;
    unsigned char hdr[32];
    unsigned char *fields = NULL, *rec = NULL;
    iconv_t cd = (iconv_t)-1;
    VSILFILE *f = VSIFOpenL(dbf, "rb");
    memset(cv, 0, sizeof *cv);
    *n_values = 0;
    if (!f) return hl_error(ctx, HL_E_IO, "%s: cannot open the attribute table: check that the file exists and is readable", dbf);
    if (VSIFReadL(hdr, 1, 32, f) != 32) {
        rc = hl_error(ctx, HL_E_FORMAT, "%s: too short for a DBF header; the shapefile's .dbf is damaged", dbf);
        goto done;
    }
    *ldid = hdr[29];
    uint32_t nrec = (uint32_t)hdr[4] | (uint32_t)hdr[5] << 8 | (uint32_t)hdr[6] << 16 | (uint32_t)hdr[7] << 24;
    unsigned hsize = hdr[8] | hdr[9] << 8;
    unsigned rsize = hdr[10] | hdr[11] << 8;
    if (hsize < 33 || rsize < 1) {
        rc = hl_error(ctx, HL_E_FORMAT, "%s: bad DBF header (header size %u, record size %u); the .dbf is damaged", dbf, hsize, rsize);
        goto done;
    }
    fields = hl_malloc(ctx, hsize - 32);
    rec = hl_malloc(ctx, rsize);
    if (!fields || !rec) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory reading %s", dbf);
        goto done;
    }
    if (VSIFReadL(fields, 1, hsize - 32, f) != hsize - 32) {
        rc = hl_error(ctx, HL_E_FORMAT, "%s: DBF field descriptors are cut short; the .dbf is damaged", dbf);
        goto done;
    }
    cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1) {
        rc = hl_error(ctx, HL_E_DEP, "iconv cannot convert from GB18030 on this system (glibc gconv modules missing?)");
        goto done;
    }
    size_t nfields = 0;
    while (32 * nfields + 32 <= hsize - 32 && fields[32 * nfields] != 0x0D) nfields++;
    uint64_t budget = SAMPLE_MAX_BYTES;
    if (VSIFSeekL(f, hsize, SEEK_SET) != 0) goto done;
    for (uint32_t r = 0; r < nrec && budget >= rsize; r++, budget -= rsize) {
        if (VSIFReadL(rec, 1, rsize, f) != rsize) break;
        if (rec[0] == '*') continue; /* deleted */
        size_t off = 1;
        for (size_t k = 0; k < nfields; k++) {
            const unsigned char *fd = fields + 32 * k;
            size_t flen = fd[16];
            if (fd[11] == 'C') flen |= (size_t)fd[17] << 8; /* Clipper-style long strings */
            if (off + flen > rsize) break;
            if (fd[11] == 'C') {
                size_t n = flen;
                bool full = true;
                while (n > 0 && (rec[off + n - 1] == ' ' || rec[off + n - 1] == 0)) {
                    n--;
                    full = false;
                }
                judge_value(rec + off, n, full, cd, cv);
                (*n_values)++;
            }
            off += flen;
        }
    }
done:
    if (cd != (iconv_t)-1) iconv_close(cd);
    hl_free(fields);
    hl_free(rec);
    VSIFCloseL(f);
    return rc;
}

/* Decide from content; `prefix` goes in front of the reason. */
static void decide_from_content(const content_verdict *cv, const char *fallback, const char *prefix,
                                char *enc, size_t enc_size, char *how, size_t how_size) {
    if (cv->n_nonascii_values == 0) {
        snprintf(enc, enc_size, "%s", fallback);
        snprintf(how, how_size, "%scontent: all strings ASCII (read as %s)", prefix, fallback);
    } else if (cv->n_utf8_bad == 0) {
        snprintf(enc, enc_size, "UTF-8");
        if (cv->n_utf8_cut)
            snprintf(how, how_size, "%scontent: all strings valid UTF-8 (%zu cut mid-character by the field width)",
                     prefix, cv->n_utf8_cut);
        else
            snprintf(how, how_size, "%scontent: all strings valid UTF-8", prefix);
    } else if (cv->n_gb_bad == 0 && cv->n_pairs > 0 && cv->n_pairs_hanzi * 10 >= cv->n_pairs * 9) {
        snprintf(enc, enc_size, "GB18030");
        snprintf(how, how_size, "%scontent: GB18030 decodes, not UTF-8", prefix);
    } else {
        snprintf(enc, enc_size, "%s", fallback);
        snprintf(how, how_size, "%scontent: neither UTF-8 nor Chinese GB18030, read as %s", prefix, fallback);
    }
}

/* The .dbf belonging to `path` (a .shp/.dbf file or a folder + layer). */
static bool dbf_for(const char *path, const char *layer_name, char *base, size_t base_size,
                    char *dbf, size_t dbf_size) {
    VSIStatBufL st;
    if (VSIStatL(path, &st) == 0 && VSI_ISDIR(st.st_mode)) {
        if (!layer_name) return false;
        snprintf(base, base_size, "%s/%s", path, layer_name);
    } else {
        size_t n = strlen(path);
        const char *dot = strrchr(path, '.');
        const char *slash = strrchr(path, '/');
        if (!dot || (slash && dot < slash)) dot = path + n;
        snprintf(base, base_size, "%.*s", (int)(dot - path), path);
    }
    return find_sidecar(base, ".dbf", dbf, dbf_size);
}

static hl_status check_buffers(hl_ctx *ctx, char *out_enc, size_t out_size) {
    if (!out_enc || out_size < 16)
        return hl_error(ctx, HL_E_ARG, "hl_io_detect_encoding: the output buffer must hold at least 16 bytes");
    return HL_OK;
}

/* Encoding of a non-shapefile dataset: ask the driver. */
static hl_status detect_other(hl_ctx *ctx, const char *path, const char *layer_name, char *enc,
                              size_t enc_size, char *how, size_t how_size) {
    hl_status rc = HL_OK;
    hl__io_cpl_capture cap;
    GDALDatasetH ds;
    hl__io_gdal_init();
    hl__io_cpl_push(&cap);
    ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    hl__io_cpl_pop();
    if (!ds)
        return hl_error(ctx, HL_E_IO, "%s: GDAL cannot open it as vector data (%s); check the path and the format",
                        path, cap.last_error[0] ? cap.last_error : "no driver recognised it");
    const char *drv = GDALGetDriverShortName(GDALGetDatasetDriver(ds));
    OGRLayerH lyr = layer_name ? GDALDatasetGetLayerByName(ds, layer_name) : GDALDatasetGetLayer(ds, 0);
    if (!strcmp(drv, "CSV")) {
        /* The CSV driver passes bytes through: judge the first MiB. */
        VSILFILE *f = VSIFOpenL(path, "rb");
        char *buf = hl_malloc(ctx, 1u << 20);
        size_t n = 0;
        if (!buf) {
            if (f) VSIFCloseL(f);
            rc = hl_error(ctx, HL_E_NOMEM, "out of memory reading %s", path);
            goto done;
        }
        if (f) {
            n = VSIFReadL(buf, 1, 1u << 20, f);
            VSIFCloseL(f);
        }
        size_t ok = utf8_valid_upto_truncation((unsigned char *)buf, n);
        bool bom = n >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
                   (unsigned char)buf[2] == 0xBF;
        if (ok != (size_t)-1) {
            snprintf(enc, enc_size, "UTF-8");
            snprintf(how, how_size, bom ? "CSV with a UTF-8 byte order mark" : "content: CSV bytes valid UTF-8");
        } else {
            iconv_t cd = iconv_open("UTF-8", "GB18030");
            content_verdict cv;
            memset(&cv, 0, sizeof cv);
            if (cd != (iconv_t)-1) {
                /* judge line by line */
                size_t s = 0;
                for (size_t i = 0; i <= n; i++) {
                    if (i == n || buf[i] == '\n') {
                        judge_value((unsigned char *)buf + s, i - s, i == n, cd, &cv);
                        s = i + 1;
                    }
                }
                iconv_close(cd);
            }
            decide_from_content(&cv, "CP1252", "", enc, enc_size, how, how_size);
        }
        hl_free(buf);
    } else if (lyr && OGR_L_TestCapability(lyr, OLCStringsAsUTF8)) {
        snprintf(enc, enc_size, "UTF-8");
        snprintf(how, how_size, "%s driver delivers UTF-8", drv);
    } else {
        /* GeoJSON, TopoJSON, GPKG, OSM, FlatGeobuf, PostgreSQL, ... are
         * UTF-8 by definition even where the driver does not say so. */
        snprintf(enc, enc_size, "UTF-8");
        snprintf(how, how_size, "%s format is UTF-8", drv);
    }
done:
    GDALClose(ds);
    return rc;
}

hl_status hl_io_detect_encoding(hl_ctx *ctx, const char *path, const char *layer_name,
                                char *out_enc, size_t out_size, char *how, size_t how_size) {
    char base[4096], dbf[4200], cpg[4200], tmp[256];
    char how_local[256];
    content_verdict cv;
    unsigned ldid = 0;
    size_t n_values = 0;
    hl_status rc = check_buffers(ctx, out_enc, out_size);
    if (rc) return rc;
    if (!how || how_size == 0) {
        how = how_local;
        how_size = sizeof how_local;
    }
    out_enc[0] = '\0';
    how[0] = '\0';
    if (!path || !*path) return hl_error(ctx, HL_E_ARG, "hl_io_detect_encoding: no path given");
    hl__io_gdal_init();

    if (!hl__io_is_shapefile_path(path) || !dbf_for(path, layer_name, base, sizeof base, dbf, sizeof dbf)) {
        if (hl__io_is_shapefile_path(path) && (has_suffix_ci(path, ".shp") || has_suffix_ci(path, ".dbf")))
            {
            /* A .shp without .dbf: there are no strings at all. */
            snprintf(out_enc, out_size, "UTF-8");
            snprintf(how, how_size, "no .dbf: no attribute strings");
            return HL_OK;
        }
        return detect_other(ctx, path, layer_name, out_enc, out_size, how, how_size);
    }
    if (find_sidecar(base, ".cpg", cpg, sizeof cpg) && read_small_file(cpg, tmp, sizeof tmp)) {
        char norm[64];
        normalise_encoding(tmp, norm, sizeof norm);
        if (norm[0]) {
            snprintf(out_enc, out_size, "%s", norm);
            snprintf(how, how_size, "cpg file");
            return HL_OK;
        }
    }
    rc = scan_dbf(ctx, dbf, &ldid, &cv, &n_values);
    if (rc) return rc;
    const char *cp = ldid_codepage(ldid);
    if (cp && ldid != 0x57 && ldid != 0x58 && ldid != 0x59 && ldid != 0x03) {
        snprintf(out_enc, out_size, "%s", cp);
        snprintf(how, how_size, "DBF language id 0x%02X", ldid);
        return HL_OK;
    }
    if (cp) {
        /* ANSI ids: believed only when the strings are not UTF-8 and do not
         * look like hanzi written on a Chinese-locale PC. */
        char prefix[64];
        snprintf(prefix, sizeof prefix, "DBF language id 0x%02X (ANSI); ", ldid);
        decide_from_content(&cv, cp, prefix, out_enc, out_size, how, how_size);
        return HL_OK;
    }
    decide_from_content(&cv, "CP1252", ldid ? "unknown DBF language id; " : "no .cpg, DBF language id 0; ",
                        out_enc, out_size, how, how_size);
    return HL_OK;
}

hl_status hl_io_open_options_for_encoding(hl_ctx *ctx, const char *path, const char *encoding,
                                          hl_io_open_opts *out) {
    memset(out, 0, sizeof *out);
    if (!path) return hl_error(ctx, HL_E_ARG, "hl_io_open_options_for_encoding: no path given");
    if (encoding && strlen(encoding) > 80)
        return hl_error(ctx, HL_E_ARG, "encoding name '%.40s...' is too long", encoding);
    if (encoding && *encoding) {
        iconv_t cd = iconv_open("UTF-8", encoding);
        if (cd == (iconv_t)-1)
            return hl_error(ctx, HL_E_ARG,
                            "%s: encoding '%s' is not known to iconv; use a name such as UTF-8, GBK, GB18030, CP1252 or BIG5",
                            path, encoding);
        iconv_close(cd);
    }
    hl__io_gdal_init();
    if (!hl__io_is_shapefile_path(path)) return HL_OK;
    snprintf(out->storage[0], sizeof out->storage[0], "ENCODING=%s", encoding ? encoding : "");
    out->list[0] = out->storage[0];
    out->list[1] = NULL;
    return HL_OK;
}

hl_status hl_io_recode_to_utf8(hl_ctx *ctx, const char *in, const char *encoding, char **out) {
    hl_status rc = HL_OK;
    iconv_t cd;
    size_t n = strlen(in), cap = 4 * n + 4, used;
    char *buf = NULL;
    *out = NULL;
    if (!encoding || !*encoding || !strcasecmp(encoding, "UTF-8") || !strcasecmp(encoding, "UTF8")) {
        *out = hl_strdup(ctx, in);
        return *out ? HL_OK : hl_error(ctx, HL_E_NOMEM, "out of memory copying a string");
    }
    cd = iconv_open("UTF-8", encoding);
    if (cd == (iconv_t)-1)
        return hl_error(ctx, HL_E_ARG, "encoding '%s' is not known to iconv; use a name such as GBK, GB18030 or CP1252",
                        encoding);
    buf = hl_malloc(ctx, cap);
    if (!buf) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory recoding a string");
        goto done;
    }
    {
        char *ip = (char *)in, *op = buf;
        size_t il = n, ol = cap - 1;
        while (il > 0) {
            if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1) break;
            if (errno == E2BIG || ol < 3) break; /* cannot happen with 4x room */
            /* invalid or incomplete: emit U+FFFD, skip one byte */
            memcpy(op, "\xEF\xBF\xBD", 3);
            op += 3;
            ol -= 3;
            ip++;
            il--;
            iconv(cd, NULL, NULL, NULL, NULL);
        }
        used = (size_t)(op - buf);
        buf[used] = '\0';
    }
    *out = buf;
    buf = NULL;
done:
    hl_free(buf);
    iconv_close(cd);
    return rc;
}
