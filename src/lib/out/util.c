/* Small helpers of the out module: a growable string buffer with XML and
 * JSON escaping, whole-file read and atomic write, and where the data
 * folders (layers/, vendor/) are. */
#include "out/out_int.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void hl__sb_init(hl__sb *b, hl_ctx *ctx) {
    memset(b, 0, sizeof *b);
    b->ctx = ctx;
}

void hl__sb_free(hl__sb *b) {
    hl_free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

void hl__sb_addn(hl__sb *b, const char *s, size_t n) {
    if (b->failed) return;
    if (hl_grow(b->ctx, (void **)&b->s, &b->cap, b->len + n + 1, 1) != HL_OK) {
        b->failed = true;
        return;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void hl__sb_add(hl__sb *b, const char *s) { hl__sb_addn(b, s, strlen(s)); }

void hl__sb_addf(hl__sb *b, const char *fmt, ...) {
    char small[512];
    va_list ap, ap2;
    int n;
    if (b->failed) return;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    if ((size_t)n < sizeof small) {
        hl__sb_addn(b, small, (size_t)n);
    } else if (hl_grow(b->ctx, (void **)&b->s, &b->cap, b->len + (size_t)n + 1, 1) == HL_OK) {
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    } else {
        b->failed = true;
    }
    va_end(ap2);
}

void hl__sb_xml(hl__sb *b, const char *s) {
    if (!s) return;
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '<': hl__sb_add(b, "&lt;"); break;
        case '>': hl__sb_add(b, "&gt;"); break;
        case '&': hl__sb_add(b, "&amp;"); break;
        case '"': hl__sb_add(b, "&quot;"); break;
        case '\'': hl__sb_add(b, "&#39;"); break;
        case '\n': hl__sb_add(b, "&#10;"); break;
        case '\r': hl__sb_add(b, "&#13;"); break;
        case '\t': hl__sb_add(b, "&#9;"); break;
        default:
            if ((unsigned char)*p < 0x20) break; /* not allowed in XML 1.0 */
            hl__sb_addn(b, p, 1);
        }
    }
}

void hl__sb_json(hl__sb *b, const char *s) {
    hl__sb_add(b, "\"");
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': hl__sb_add(b, "\\\""); break;
        case '\\': hl__sb_add(b, "\\\\"); break;
        case '\n': hl__sb_add(b, "\\n"); break;
        case '\r': hl__sb_add(b, "\\r"); break;
        case '\t': hl__sb_add(b, "\\t"); break;
        /* '<' '>' '&' escaped so the literal is safe inside <script> and HTML */
        case '<': hl__sb_add(b, "\\u003c"); break;
        case '>': hl__sb_add(b, "\\u003e"); break;
        case '&': hl__sb_add(b, "\\u0026"); break;
        default:
            if (*p < 0x20) hl__sb_addf(b, "\\u%04x", *p);
            else if (*p == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
                /* U+2028/2029 end a line in older JS engines */
                hl__sb_addf(b, "\\u%04x", p[2] == 0xA8 ? 0x2028 : 0x2029);
                p += 2;
            } else hl__sb_addn(b, (const char *)p, 1);
        }
    }
    hl__sb_add(b, "\"");
}

void hl__sb_num(hl__sb *b, double v) {
    char buf[64];
    if (!isfinite(v)) {
        hl__sb_add(b, "null");
        return;
    }
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, sizeof buf, "%.0f", v);
    } else {
        for (int prec = 6; prec <= 17; prec++) {
            snprintf(buf, sizeof buf, "%.*g", prec, v);
            if (strtod(buf, NULL) == v) break;
        }
    }
    hl__sb_add(b, buf);
}

char *hl__sb_take(hl__sb *b) {
    char *s;
    if (b->failed) {
        hl__sb_free(b);
        hl_error(b->ctx, HL_E_NOMEM, "out of memory building text");
        return NULL;
    }
    if (!b->s) hl__sb_addn(b, "", 0);
    if (b->failed) {
        hl_error(b->ctx, HL_E_NOMEM, "out of memory building text");
        return NULL;
    }
    s = b->s;
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

hl_status hl__out_read_file(hl_ctx *ctx, const char *path, char **out, size_t *len) {
    hl_status rc = HL_OK;
    FILE *fp = NULL;
    char *buf = NULL;
    long n;
    *out = NULL;
    fp = fopen(path, "rb");
    if (!fp) return hl_error(ctx, HL_E_IO, "cannot open %s: %s", path, strerror(errno));
    if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0) {
        rc = hl_error(ctx, HL_E_IO, "cannot read %s", path);
        goto done;
    }
    buf = hl_malloc(ctx, (size_t)n + 1);
    if (!buf) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory reading %s", path);
        goto done;
    }
    if (fread(buf, 1, (size_t)n, fp) != (size_t)n) {
        rc = hl_error(ctx, HL_E_IO, "cannot read %s", path);
        goto done;
    }
    buf[n] = '\0';
    if (len) *len = (size_t)n;
    *out = buf;
    buf = NULL;
done:
    hl_free(buf);
    if (fp) fclose(fp);
    return rc;
}

hl_status hl__out_write_file_atomic(hl_ctx *ctx, const char *path, const char *data, size_t len, bool force) {
    hl_out_file *f = NULL;
    FILE *fp = NULL;
    hl_status rc = hl_out_begin(ctx, path, force, &f);
    if (rc) return rc;
    fp = fopen(hl_out_temp_path(f), "wb");
    if (!fp) {
        rc = hl_error(ctx, HL_E_IO, "cannot create %s: %s", hl_out_temp_path(f), strerror(errno));
        goto done;
    }
    if (len && fwrite(data, 1, len, fp) != len) {
        rc = hl_error(ctx, HL_E_IO, "cannot write %s: %s (disk full?)", path, strerror(errno));
        goto done;
    }
    if (fclose(fp) != 0) {
        fp = NULL;
        rc = hl_error(ctx, HL_E_IO, "cannot write %s: %s (disk full?)", path, strerror(errno));
        goto done;
    }
    fp = NULL;
    rc = hl_out_commit(ctx, f);
    f = NULL;
done:
    if (fp) fclose(fp);
    hl_out_abort(f);
    return rc;
}

const char *hl_out_layers_dir(void) {
    const char *e = getenv("HL_LAYERS_DIR");
    if (e && *e) return e;
#ifdef HL_SOURCE_DIR
    return HL_SOURCE_DIR "/layers";
#else
    return "layers";
#endif
}

const char *hl_out_vendor_dir(void) {
    const char *e = getenv("HL_VENDOR_DIR");
    if (e && *e) return e;
#ifdef HL_SOURCE_DIR
    return HL_SOURCE_DIR "/vendor";
#else
    return "vendor";
#endif
}
