/* Shared helpers of the spec reader: the string arena, libfyaml wrappers that
 * turn parse and validation problems into "file:line: key: problem" HL_E_PLAN
 * errors without printing anything, and field-name comparison. */
#include "layer/spec_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_MIN 8192

/* The union keeps the data after the header aligned for any type. */
struct hl__arena_block {
    union {
        struct {
            hl__arena_block *next;
            size_t used;
            size_t cap;
        } h;
        max_align_t align;
    } u;
};

void hl__arena_init(hl__arena *a, hl_ctx *ctx) {
    a->ctx = ctx;
    a->head = NULL;
}

void hl__arena_free(hl__arena *a) {
    hl__arena_block *b = a->head;
    while (b) {
        hl__arena_block *next = b->u.h.next;
        hl_free(b);
        b = next;
    }
    a->head = NULL;
}

void *hl__arena_alloc(hl__arena *a, size_t n) {
    const size_t al = _Alignof(max_align_t);
    hl__arena_block *b = a->head;
    unsigned char *p;
    n = (n + al - 1) / al * al;
    if (n == 0) n = al;
    if (!b || b->u.h.cap - b->u.h.used < n) {
        size_t cap = n > ARENA_BLOCK_MIN ? n : ARENA_BLOCK_MIN;
        b = hl_malloc(a->ctx, sizeof *b + cap);
        if (!b) {
            hl_error(a->ctx, HL_E_NOMEM, "out of memory reading layer specifications");
            return NULL;
        }
        b->u.h.next = a->head;
        b->u.h.used = 0;
        b->u.h.cap = cap;
        a->head = b;
    }
    p = (unsigned char *)(b + 1) + b->u.h.used;
    b->u.h.used += n;
    memset(p, 0, n);
    return p;
}

char *hl__arena_strndup(hl__arena *a, const char *s, size_t n) {
    char *d = hl__arena_alloc(a, n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *hl__arena_strdup(hl__arena *a, const char *s) {
    return hl__arena_strndup(a, s ? s : "", s ? strlen(s) : 0);
}

/* ---- YAML ---------------------------------------------------------- */

hl_status hl__yfile_open(hl_ctx *ctx, hl__arena *arena, const char *path, hl__yfile *yf) {
    struct fy_diag_cfg dcfg;
    struct fy_parse_cfg pcfg;
    FILE *fp;
    memset(yf, 0, sizeof *yf);
    yf->ctx = ctx;
    yf->arena = arena;
    yf->path = path;
    fp = fopen(path, "rb");
    if (!fp) return hl_error(ctx, HL_E_IO, "%s: cannot open: %s", path, strerror(errno));
    {
        /* libfyaml 0.7 can loop on bytes that are not UTF-8: refuse them first */
        char chunk[65536];
        size_t got, carry = 0;
        bool ok = true;
        while (ok && (got = fread(chunk + carry, 1, sizeof chunk - carry, fp)) > 0) {
            size_t n = carry + got, cut = n;
            /* do not split a multi-byte sequence between chunks */
            while (cut > 0 && n - cut < 3 && ((unsigned char)chunk[cut - 1] & 0xC0) == 0x80) cut--;
            if (cut > 0 && ((unsigned char)chunk[cut - 1] & 0xC0) == 0xC0) cut--;
            else cut = n;
            if (memchr(chunk, '\0', cut) || !hl_utf8_valid(chunk, cut)) ok = false;
            carry = n - cut;
            memmove(chunk, chunk + cut, carry);
        }
        if (ok && carry && !hl_utf8_valid(chunk, carry)) ok = false;
        fclose(fp);
        if (!ok) return hl_error(ctx, HL_E_PLAN, "%s: not UTF-8 text; save it as UTF-8 (YAML)", path);
    }

    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL; /* collect, never print */
    dcfg.output_fn = NULL;
    dcfg.colorize = false;
    yf->diag = fy_diag_create(&dcfg);
    if (!yf->diag) return hl_error(ctx, HL_E_NOMEM, "%s: cannot create the YAML diagnostics", path);
    fy_diag_set_collect_errors(yf->diag, true);

    memset(&pcfg, 0, sizeof pcfg);
    pcfg.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG;
    pcfg.diag = yf->diag;
    yf->doc = fy_document_build_from_file(&pcfg, path);
    if (!yf->doc) {
        void *it = NULL;
        struct fy_diag_error *e = fy_diag_errors_iterate(yf->diag, &it);
        if (e)
            return hl_error(ctx, HL_E_PLAN, "%s:%d:%d: invalid YAML: %s", path, e->line,
                            e->column, e->msg ? e->msg : "parse error");
        return hl_error(ctx, HL_E_PLAN, "%s: invalid YAML (no document)", path);
    }
    if (!hl__y_is_map(fy_document_root(yf->doc)))
        return hl_error(ctx, HL_E_PLAN, "%s: expected a mapping at the top level", path);
    return HL_OK;
}

void hl__yfile_close(hl__yfile *yf) {
    if (yf->doc) fy_document_destroy(yf->doc);
    if (yf->diag) fy_diag_destroy(yf->diag);
    yf->doc = NULL;
    yf->diag = NULL;
}

struct fy_node *hl__yfile_root(hl__yfile *yf) { return fy_document_root(yf->doc); }

int hl__y_line(struct fy_node *n) {
    struct fy_token *t;
    const struct fy_mark *m;
    if (!n || fy_node_get_type(n) != FYNT_SCALAR) return 0;
    t = fy_node_get_scalar_token(n);
    if (!t) return 0;
    m = fy_token_start_mark(t);
    return m ? m->line + 1 : 0;
}

hl_status hl__y_err(hl__yfile *yf, struct fy_node *at, const char *key, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    int line = hl__y_line(at);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0) return hl_error(yf->ctx, HL_E_PLAN, "%s:%d: %s: %s", yf->path, line, key, msg);
    return hl_error(yf->ctx, HL_E_PLAN, "%s: %s: %s", yf->path, key, msg);
}

const char *hl__y_text(struct fy_node *n) {
    if (!n) return "";
    if (fy_node_get_type(n) != FYNT_SCALAR) return NULL;
    return fy_node_get_scalar0(n);
}

bool hl__y_is_map(struct fy_node *n) { return n && fy_node_get_type(n) == FYNT_MAPPING; }
bool hl__y_is_seq(struct fy_node *n) { return n && fy_node_get_type(n) == FYNT_SEQUENCE; }
bool hl__y_is_plain(struct fy_node *n) {
    return n && fy_node_get_type(n) == FYNT_SCALAR && fy_node_get_style(n) == FYNS_PLAIN;
}

hl_status hl__y_str(hl__yfile *yf, struct fy_node *key, struct fy_node *val, const char *path,
                    char **out) {
    const char *t = hl__y_text(val);
    if (!t) return hl__y_err(yf, key, path, "expected a text value, found a list or mapping");
    *out = hl__arena_strdup(yf->arena, t);
    return *out ? HL_OK : HL_E_NOMEM;
}

hl_status hl__y_strlist(hl__yfile *yf, struct fy_node *key, struct fy_node *val,
                        const char *path, const char ***out, size_t *n_out) {
    const char **items;
    size_t n, i = 0;
    void *it = NULL;
    struct fy_node *item;
    if (!hl__y_is_seq(val)) return hl__y_err(yf, key, path, "expected a list [a, b, ...]");
    n = (size_t)fy_node_sequence_item_count(val);
    items = hl__arena_alloc(yf->arena, (n ? n : 1) * sizeof *items);
    if (!items) return HL_E_NOMEM;
    while ((item = fy_node_sequence_iterate(val, &it))) {
        const char *t = hl__y_text(item);
        if (!t)
            return hl__y_err(yf, key, path, "item %zu: expected text, found a list or mapping",
                             i + 1);
        items[i] = hl__arena_strdup(yf->arena, t);
        if (!items[i]) return HL_E_NOMEM;
        i++;
    }
    *out = items;
    *n_out = i;
    return HL_OK;
}

bool hl__parse_double(const char *s, double *out) {
    char *end;
    double v;
    size_t len;
    const char *p = hl__trim(s, &len);
    char buf[64];
    if (len == 0 || len >= sizeof buf) return false;
    memcpy(buf, p, len);
    buf[len] = '\0';
    errno = 0;
    v = strtod(buf, &end);
    if (end == buf || *end != '\0' || errno == ERANGE || !isfinite(v)) return false;
    *out = v;
    return true;
}

bool hl__parse_yaml_bool(const char *s, bool *out) {
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    size_t i;
    for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (hl__name_eq(s, yes[i])) {
            *out = true;
            return true;
        }
        if (hl__name_eq(s, no[i])) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* ---- names --------------------------------------------------------- */

/* Length of a whitespace character at p (ASCII space/tab/CR/LF or U+3000), 0 if none. */
static size_t ws_len(const char *p, size_t avail) {
    unsigned char c = (unsigned char)p[0];
    if (avail == 0) return 0;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') return 1;
    if (avail >= 3 && c == 0xE3 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0x80)
        return 3;
    return 0;
}

const char *hl__trim(const char *s, size_t *len_out) {
    size_t len, w;
    if (!s) {
        *len_out = 0;
        return "";
    }
    len = strlen(s);
    while ((w = ws_len(s, len)) > 0) {
        s += w;
        len -= w;
    }
    for (;;) {
        if (len >= 1 && ws_len(s + len - 1, 1) == 1) {
            len--;
        } else if (len >= 3 && ws_len(s + len - 3, 3) == 3) {
            len -= 3;
        } else {
            break;
        }
    }
    *len_out = len;
    return s;
}

static int fold(unsigned char c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

bool hl__name_eq(const char *a, const char *b) {
    size_t la, lb, i;
    const char *pa = hl__trim(a, &la);
    const char *pb = hl__trim(b, &lb);
    if (la != lb) return false;
    for (i = 0; i < la; i++)
        if (fold((unsigned char)pa[i]) != fold((unsigned char)pb[i])) return false;
    return true;
}

static bool is_word(unsigned char c) { return (c < 0x80) && isalnum(c); }

bool hl__name_contains(const char *hay, const char *needle) {
    size_t lh, ln, i, j;
    bool ascii = true;
    if (!hay || !needle) return false;
    lh = strlen(hay);
    ln = strlen(needle);
    if (ln == 0 || ln > lh) return false;
    for (j = 0; j < ln; j++)
        if ((unsigned char)needle[j] >= 0x80) ascii = false;
    for (i = 0; i + ln <= lh; i++) {
        for (j = 0; j < ln; j++)
            if (fold((unsigned char)hay[i + j]) != fold((unsigned char)needle[j])) break;
        if (j < ln) continue;
        if (!ascii) return true;
        if ((i == 0 || !is_word((unsigned char)hay[i - 1])) &&
            (i + ln == lh || !is_word((unsigned char)hay[i + ln])))
            return true;
    }
    return false;
}
