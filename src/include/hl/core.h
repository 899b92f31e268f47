/* hinterland core: the context object, status codes, allocation hooks,
 * messages and progress.  Every other module takes an hl_ctx first; the
 * context owns the last error message, the allocator (with a test mode
 * that fails the Nth allocation), the log and progress callbacks and the
 * interrupt flag.  A context is used by one thread at a time. */
#ifndef HL_CORE_H
#define HL_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes.  HL_OK is 0; every fallible call returns one of these and
 * leaves a message on the context.  The CLI maps them to exit codes
 * (see hl_status_exit_code). */
typedef enum hl_status {
    HL_OK = 0,
    HL_E_NOMEM,       /* an allocation failed */
    HL_E_IO,          /* a file could not be opened, read or written */
    HL_E_FORMAT,      /* a file was read but its content is not understood */
    HL_E_CRS,         /* a coordinate system is missing, unknown or inconsistent */
    HL_E_GEOM,        /* a geometry operation failed */
    HL_E_ARG,         /* a caller passed an invalid argument */
    HL_E_DEP,         /* a dependency (GDAL, PROJ, GEOS, SQLite) failed */
    HL_E_PLAN,        /* the plan file is invalid */
    HL_E_DATA,        /* the input data breaks a rule the run cannot go on without */
    HL_E_EXISTS,      /* the output exists and overwriting was not asked for */
    HL_E_INTERRUPTED, /* the run was interrupted (SIGINT) */
    HL_STATUS_COUNT
} hl_status;

typedef struct hl_ctx hl_ctx;

/* The kind of geometry a layer holds, as the layer specifications name it. */
typedef enum hl_geom_kind {
    HL_GEOM_UNKNOWN = 0,
    HL_GEOM_POINT,   /* Point, MultiPoint */
    HL_GEOM_LINE,    /* LineString, MultiLineString */
    HL_GEOM_POLYGON, /* Polygon, MultiPolygon */
    HL_GEOM_NONE     /* a table without geometry */
} hl_geom_kind;

typedef enum hl_log_level { HL_LOG_DEBUG, HL_LOG_INFO, HL_LOG_WARN, HL_LOG_ERROR } hl_log_level;

/* Callback for messages.  `msg` is borrowed for the duration of the call. */
typedef void (*hl_log_fn)(void *user, hl_log_level level, const char *msg);
/* Callback for progress: `stage` names the step, done/total count its units
 * (total 0 = unknown). */
typedef void (*hl_progress_fn)(void *user, const char *stage, uint64_t done, uint64_t total);

/* Create a context.  Returns NULL only when memory is exhausted.  The caller
 * destroys it with hl_ctx_destroy. */
hl_ctx *hl_ctx_create(void);
/* Destroy a context and everything it owns; NULL does nothing. */
void hl_ctx_destroy(hl_ctx *ctx);

/* The message of the last failed call, valid until the next call that
 * fails.  Never NULL. */
const char *hl_ctx_errmsg(const hl_ctx *ctx);
/* The status of the last failed call (HL_OK if none). */
hl_status hl_ctx_errcode(const hl_ctx *ctx);
/* Record an error: sets the message (printf format) and returns `rc`, so a
 * caller writes `return hl_error(ctx, HL_E_IO, "...", ...)`. */
hl_status hl_error(hl_ctx *ctx, hl_status rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefix the current message with more context ("reading roads: ..."). */
void hl_error_prefix(hl_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hl_ctx_clear_error(hl_ctx *ctx);

/* A short English name of a status ("out of memory", "I/O error", ...). */
const char *hl_status_str(hl_status rc);
/* The documented process exit code for a status (0 ok, 1 generic, 3.. specific). */
int hl_status_exit_code(hl_status rc);

/* Messages and progress go to callbacks; the library never prints. */
void hl_ctx_set_log(hl_ctx *ctx, hl_log_fn fn, void *user);
void hl_ctx_set_progress(hl_ctx *ctx, hl_progress_fn fn, void *user);
void hl_log(hl_ctx *ctx, hl_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void hl_progress(hl_ctx *ctx, const char *stage, uint64_t done, uint64_t total);

/* Interruption: a signal handler may call hl_ctx_interrupt (async-signal
 * safe: it only sets a flag); long loops poll hl_ctx_interrupted and stop
 * with HL_E_INTERRUPTED. */
void hl_ctx_interrupt(hl_ctx *ctx);
bool hl_ctx_interrupted(const hl_ctx *ctx);
/* Returns HL_E_INTERRUPTED with a message if interrupted, else HL_OK. */
hl_status hl_check_interrupt(hl_ctx *ctx);

/* Allocation through the context, so tests can make the Nth one fail.
 * Memory from these is freed with hl_free. */
void *hl_malloc(hl_ctx *ctx, size_t n);
void *hl_calloc(hl_ctx *ctx, size_t count, size_t size);
void *hl_realloc(hl_ctx *ctx, void *p, size_t n);
/* Copy a string; NULL gives NULL without counting as a failure. */
char *hl_strdup(hl_ctx *ctx, const char *s);
/* printf into a new string; the caller frees it with hl_free. */
char *hl_sprintf(hl_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hl_free(void *p);
/* Test mode: the allocation numbered `n` (1-based, counted from this call)
 * and every later one fail; 0 switches the mode off. */
void hl_ctx_fail_alloc_after(hl_ctx *ctx, uint64_t n);
/* The number of allocations made since the last hl_ctx_fail_alloc_after. */
uint64_t hl_ctx_alloc_count(const hl_ctx *ctx);

/* Grow an array geometrically so that it holds at least `need` elements of
 * `elem` bytes.  *cap is updated.  Returns HL_OK or HL_E_NOMEM (the old
 * array stays valid on failure). */
hl_status hl_grow(hl_ctx *ctx, void **arr, size_t *cap, size_t need, size_t elem);

/* Whether the n bytes at s are well-formed UTF-8 (NUL bytes are allowed). */
bool hl_utf8_valid(const char *s, size_t n);

/* The library's version string ("0.1.0"). */
const char *hl_version(void);

#ifdef __cplusplus
}
#endif
#endif
