/* The context object: error message, allocator with failure injection,
 * log and progress callbacks, interrupt flag. */
#include "hl/core.h"
#include "core/core_int.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HL_ERRMSG_MAX 2048

struct hl_ctx {
    hl_status errcode;
    char errmsg[HL_ERRMSG_MAX];
    hl_log_fn log_fn;
    void *log_user;
    hl_progress_fn progress_fn;
    void *progress_user;
    volatile sig_atomic_t interrupted;
    uint64_t alloc_count;
    uint64_t fail_at; /* 0 = never */
    GEOSContextHandle_t geos;
    char geos_err[512];
};

hl_ctx *hl_ctx_create(void) {
    hl_ctx *ctx = calloc(1, sizeof *ctx);
    return ctx;
}

void hl_ctx_destroy(hl_ctx *ctx) {
    if (!ctx) return;
    if (ctx->geos) GEOS_finish_r(ctx->geos);
    free(ctx);
}

static void geos_error_handler(const char *msg, void *user) {
    hl_ctx *ctx = user;
    snprintf(ctx->geos_err, sizeof ctx->geos_err, "%s", msg ? msg : "");
}

static void geos_notice_handler(const char *msg, void *user) {
    (void)msg;
    (void)user;
}

GEOSContextHandle_t hl__geos(hl_ctx *ctx) {
    if (!ctx->geos) {
        ctx->geos = GEOS_init_r();
        if (!ctx->geos) return NULL;
        GEOSContext_setErrorMessageHandler_r(ctx->geos, geos_error_handler, ctx);
        GEOSContext_setNoticeMessageHandler_r(ctx->geos, geos_notice_handler, ctx);
    }
    return ctx->geos;
}

const char *hl__geos_last_error(hl_ctx *ctx) { return ctx->geos_err; }

const char *hl_ctx_errmsg(const hl_ctx *ctx) { return ctx->errmsg; }
hl_status hl_ctx_errcode(const hl_ctx *ctx) { return ctx->errcode; }

void hl_ctx_clear_error(hl_ctx *ctx) {
    ctx->errcode = HL_OK;
    ctx->errmsg[0] = '\0';
}

hl_status hl_error(hl_ctx *ctx, hl_status rc, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
    va_end(ap);
    ctx->errcode = rc;
    return rc;
}

void hl_error_prefix(hl_ctx *ctx, const char *fmt, ...) {
    char prefix[512];
    char old[HL_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, ctx->errmsg, sizeof old);
    snprintf(ctx->errmsg, sizeof ctx->errmsg, "%s: %s", prefix, old);
}

const char *hl_status_str(hl_status rc) {
    switch (rc) {
    case HL_OK: return "ok";
    case HL_E_NOMEM: return "out of memory";
    case HL_E_IO: return "I/O error";
    case HL_E_FORMAT: return "unreadable format";
    case HL_E_CRS: return "coordinate system error";
    case HL_E_GEOM: return "geometry error";
    case HL_E_ARG: return "invalid argument";
    case HL_E_DEP: return "dependency failure";
    case HL_E_PLAN: return "invalid plan";
    case HL_E_DATA: return "invalid data";
    case HL_E_EXISTS: return "output exists";
    case HL_E_INTERRUPTED: return "interrupted";
    default: return "unknown status";
    }
}

/* Exit codes, documented in the README: 0 ok, 1 generic failure, 2 usage,
 * then one per error class.  124-127 and 137 are avoided; 130 is the
 * shell's code for SIGINT. */
int hl_status_exit_code(hl_status rc) {
    switch (rc) {
    case HL_OK: return 0;
    case HL_E_ARG: return 2;
    case HL_E_IO: return 3;
    case HL_E_FORMAT: return 4;
    case HL_E_CRS: return 5;
    case HL_E_PLAN: return 6;
    case HL_E_DATA: return 7;
    case HL_E_EXISTS: return 8;
    case HL_E_NOMEM: return 9;
    case HL_E_GEOM:
    case HL_E_DEP: return 10;
    case HL_E_INTERRUPTED: return 130;
    default: return 1;
    }
}

void hl_ctx_set_log(hl_ctx *ctx, hl_log_fn fn, void *user) {
    ctx->log_fn = fn;
    ctx->log_user = user;
}

void hl_ctx_set_progress(hl_ctx *ctx, hl_progress_fn fn, void *user) {
    ctx->progress_fn = fn;
    ctx->progress_user = user;
}

void hl_log(hl_ctx *ctx, hl_log_level level, const char *fmt, ...) {
    char buf[2048];
    va_list ap;
    if (!ctx->log_fn) return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ctx->log_fn(ctx->log_user, level, buf);
}

void hl_progress(hl_ctx *ctx, const char *stage, uint64_t done, uint64_t total) {
    if (ctx->progress_fn) ctx->progress_fn(ctx->progress_user, stage, done, total);
}

void hl_ctx_interrupt(hl_ctx *ctx) { ctx->interrupted = 1; }
bool hl_ctx_interrupted(const hl_ctx *ctx) { return ctx->interrupted != 0; }
hl_status hl_check_interrupt(hl_ctx *ctx) {
    if (!ctx->interrupted) return HL_OK;
    return hl_error(ctx, HL_E_INTERRUPTED, "interrupted: the run was stopped before it finished; no output was written");
}

static bool alloc_should_fail(hl_ctx *ctx) {
    ctx->alloc_count++;
    return ctx->fail_at != 0 && ctx->alloc_count >= ctx->fail_at;
}

void *hl_malloc(hl_ctx *ctx, size_t n) {
    if (alloc_should_fail(ctx)) return NULL;
    return malloc(n ? n : 1);
}

void *hl_calloc(hl_ctx *ctx, size_t count, size_t size) {
    if (alloc_should_fail(ctx)) return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *hl_realloc(hl_ctx *ctx, void *p, size_t n) {
    if (alloc_should_fail(ctx)) return NULL;
    return realloc(p, n ? n : 1);
}

char *hl_strdup(hl_ctx *ctx, const char *s) {
    size_t n;
    char *d;
    if (!s) return NULL;
    n = strlen(s) + 1;
    d = hl_malloc(ctx, n);
    if (d) memcpy(d, s, n);
    return d;
}

char *hl_sprintf(hl_ctx *ctx, const char *fmt, ...) {
    va_list ap, ap2;
    int n;
    char *s;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(ap2);
        return NULL;
    }
    s = hl_malloc(ctx, (size_t)n + 1);
    if (s) vsnprintf(s, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return s;
}

void hl_free(void *p) { free(p); }

void hl_ctx_fail_alloc_after(hl_ctx *ctx, uint64_t n) {
    ctx->fail_at = n;
    ctx->alloc_count = 0;
}

uint64_t hl_ctx_alloc_count(const hl_ctx *ctx) { return ctx->alloc_count; }

hl_status hl_grow(hl_ctx *ctx, void **arr, size_t *cap, size_t need, size_t elem) {
    size_t ncap;
    void *p;
    if (need <= *cap) return HL_OK;
    ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem) return hl_error(ctx, HL_E_NOMEM, "array too large");
        ncap *= 2;
    }
    p = hl_realloc(ctx, *arr, ncap * elem);
    if (!p) return hl_error(ctx, HL_E_NOMEM, "out of memory growing an array to %zu elements", ncap);
    *arr = p;
    *cap = ncap;
    return HL_OK;
}

const char *hl_version(void) {
#ifdef HL_VERSION_STRING
    return HL_VERSION_STRING;
#else
    return "0.0.0";
#endif
}

/* Well-formed UTF-8: no overlong forms, surrogates or values above U+10FFFF. */
bool hl_utf8_valid(const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        size_t len;
        unsigned cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n) return false;
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}
