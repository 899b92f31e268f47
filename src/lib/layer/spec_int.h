/* Internals shared by the spec reader files (spec.c, spec_std.c,
 * spec_yaml.c): an arena for the many small strings of a loaded spec, libfyaml
 * helpers that report "file:line: key: problem" errors, and name matching. */
#ifndef HL_SPEC_INT_H
#define HL_SPEC_INT_H

#include "hl/spec.h"

#include <libfyaml.h>

/* A bump allocator: everything is freed at once by hl__arena_free.  Blocks come
 * from hl_malloc, so allocation-failure tests reach them. */
typedef struct hl__arena_block hl__arena_block;
typedef struct hl__arena {
    hl_ctx *ctx;
    hl__arena_block *head;
} hl__arena;

void hl__arena_init(hl__arena *a, hl_ctx *ctx);
void hl__arena_free(hl__arena *a);
/* Zeroed memory, or NULL (with HL_E_NOMEM set on the ctx). */
void *hl__arena_alloc(hl__arena *a, size_t n);
char *hl__arena_strdup(hl__arena *a, const char *s);
char *hl__arena_strndup(hl__arena *a, const char *s, size_t n);

/* One YAML file being read. */
typedef struct hl__yfile {
    hl_ctx *ctx;
    hl__arena *arena;
    const char *path; /* for messages */
    struct fy_document *doc;
    struct fy_diag *diag;
} hl__yfile;

/* Parse `path`.  HL_E_IO if it cannot be opened, HL_E_PLAN with the libfyaml
 * diagnostic (file:line:column) if it is not valid YAML or has no mapping at
 * the root.  On success yf->doc is set; always call hl__yfile_close. */
hl_status hl__yfile_open(hl_ctx *ctx, hl__arena *arena, const char *path, hl__yfile *yf);
void hl__yfile_close(hl__yfile *yf);
struct fy_node *hl__yfile_root(hl__yfile *yf);

/* 1-based line of a node (scalars only; 0 when unknown). */
int hl__y_line(struct fy_node *n);
/* Record HL_E_PLAN: "<path>:<line>: <key>: <message>" (line of node `at`). */
hl_status hl__y_err(hl__yfile *yf, struct fy_node *at, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The text of a scalar node ("" for a null node), or NULL if not a scalar. */
const char *hl__y_text(struct fy_node *n);
bool hl__y_is_map(struct fy_node *n);
bool hl__y_is_seq(struct fy_node *n);
/* A plain (unquoted) scalar? */
bool hl__y_is_plain(struct fy_node *n);

/* Read a required scalar into the arena. */
hl_status hl__y_str(hl__yfile *yf, struct fy_node *key, struct fy_node *val, const char *path,
                    char **out);
/* Read a sequence of scalars into an arena array of arena strings. */
hl_status hl__y_strlist(hl__yfile *yf, struct fy_node *key, struct fy_node *val,
                        const char *path, const char ***out, size_t *n_out);
/* Parse a number from a scalar (whole text must be a finite number). */
bool hl__parse_double(const char *s, double *out);
/* Parse true/false/yes/no/... from a YAML scalar text. */
bool hl__parse_yaml_bool(const char *s, bool *out);

/* Field-name equality: surrounding whitespace (ASCII, U+3000) ignored, ASCII
 * letters case-folded, other bytes exact. */
bool hl__name_eq(const char *a, const char *b);
/* Trim surrounding whitespace: *len_out bytes starting at the return value. */
const char *hl__trim(const char *s, size_t *len_out);
/* Does `hay` contain `needle`?  ASCII needles must stand as whole words
 * (neighbours not ASCII letters/digits), compared case-insensitively; needles
 * with non-ASCII bytes are plain substrings. */
bool hl__name_contains(const char *hay, const char *needle);

#endif
