/* Shared helpers of the fuzz entry points (tests/fuzz/fuzz_<x>.h): a private
 * scratch folder made once per process and removed at exit, writing bytes to a
 * file in it, quieting GDAL, and a check that aborts (so libFuzzer and the
 * replay test both see a broken invariant as a crash).  Header-only so the
 * libFuzzer files and tests/unit/test_fuzz_regressions.c share it. */
#ifndef HL_FUZZ_COMMON_H
#define HL_FUZZ_COMMON_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hl/core.h"

/* An invariant the library promises: break it and the input is a finding. */
#define HL_FUZZ_CHECK(cond)                                                                     \
    do {                                                                                        \
        if (!(cond)) {                                                                          \
            fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond);   \
            abort();                                                                            \
        }                                                                                       \
    } while (0)

static char hl_fuzz_dir_buf[256];

static inline void hl_fuzz_rm_tree(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        if (d) {
            while ((e = readdir(d)) != NULL) {
                char child[1024];
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
                snprintf(child, sizeof child, "%s/%s", path, e->d_name);
                hl_fuzz_rm_tree(child);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

static inline void hl_fuzz_cleanup(void) {
    if (hl_fuzz_dir_buf[0]) hl_fuzz_rm_tree(hl_fuzz_dir_buf);
    hl_fuzz_dir_buf[0] = '\0';
}

/* The scratch folder of this process (created on first use; NULL if /tmp is
 * not writable). */
static inline const char *hl_fuzz_dir(void) {
    if (!hl_fuzz_dir_buf[0]) {
        snprintf(hl_fuzz_dir_buf, sizeof hl_fuzz_dir_buf, "/tmp/hl-fuzz-XXXXXX");
        if (!mkdtemp(hl_fuzz_dir_buf)) {
            hl_fuzz_dir_buf[0] = '\0';
            return NULL;
        }
        atexit(hl_fuzz_cleanup);
    }
    return hl_fuzz_dir_buf;
}

/* Write `len` bytes (plus nothing else) to `path`; returns 0 on success. */
static inline int hl_fuzz_write(const char *path, const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    if (len && fwrite(data, 1, len, f) != len) {
        fclose(f);
        return -1;
    }
    return fclose(f) ? -1 : 0;
}

/* Copy a file; returns 0 on success. */
static inline int hl_fuzz_copy(const char *from, const char *to) {
    char buf[8192];
    size_t n;
    int rc = 0;
    FILE *in = fopen(from, "rb"), *out;
    if (!in) return -1;
    out = fopen(to, "wb");
    if (!out) {
        fclose(in);
        return -1;
    }
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n) rc = -1;
    fclose(in);
    if (fclose(out)) rc = -1;
    return rc;
}

/* Every library failure must come with a status and a message. */
static inline void hl_fuzz_check_error(hl_ctx *ctx, hl_status rc) {
    HL_FUZZ_CHECK(rc > HL_OK && rc < HL_STATUS_COUNT);
    HL_FUZZ_CHECK(hl_ctx_errmsg(ctx)[0] != '\0');
}

#endif
