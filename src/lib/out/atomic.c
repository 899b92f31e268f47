/* Atomic outputs: write to ".<name>.tmp-<pid>" beside the final path,
 * fsync and rename on commit, remove on abort.  A small process-wide
 * registry of pending temporaries lets a signal handler unlink them with
 * async-signal-safe calls only. */
#include "hl/out.h"
#include "out/out_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SLOT_PATH_MAX 4096
#define N_SIDE 4 /* temp, -wal, -shm, -journal */

/* The registry: state 0 free, 1 being filled (ignored by the handler),
 * 2 pending.  Paths are written before state becomes 2. */
static struct {
    volatile sig_atomic_t state;
    volatile sig_atomic_t is_dir;
    char path[N_SIDE][SLOT_PATH_MAX];
} g_slots[HL_OUT_MAX_PENDING];

struct hl_out_file {
    char *final_path;
    char *temp_path;
    char *dir;  /* folder of the final path */
    bool is_dir;
    bool force;
    int slot;
};

static const char *k_side[N_SIDE] = {"", "-wal", "-shm", "-journal"};

/* Split `path` into a new folder string ("." if none) and a borrowed base name. */
static char *dir_of(hl_ctx *ctx, const char *path, const char **base) {
    const char *slash = strrchr(path, '/');
    if (!slash) {
        *base = path;
        return hl_strdup(ctx, ".");
    }
    *base = slash + 1;
    if (slash == path) return hl_strdup(ctx, "/");
    char *d = hl_malloc(ctx, (size_t)(slash - path) + 1);
    if (d) {
        memcpy(d, path, (size_t)(slash - path));
        d[slash - path] = '\0';
    }
    return d;
}

static int claim_slot(void) {
    for (int i = 0; i < HL_OUT_MAX_PENDING; i++) {
        if (g_slots[i].state == 0) {
            g_slots[i].state = 1;
            return i;
        }
    }
    return -1;
}

static void release_slot(int i) {
    if (i >= 0 && i < HL_OUT_MAX_PENDING) g_slots[i].state = 0;
}

/* Remove a file or a folder tree; errors are ignored (best effort). */
void hl__out_remove_tree(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
                size_t n = strlen(path) + strlen(e->d_name) + 2;
                char *child = malloc(n);
                if (!child) continue;
                snprintf(child, n, "%s/%s", path, e->d_name);
                hl__out_remove_tree(child);
                free(child);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void fsync_path(const char *path, bool dir) {
    int fd = open(path, dir ? O_RDONLY : O_RDWR);
    if (fd < 0) fd = open(path, O_RDONLY);
    if (fd < 0) return;
    fsync(fd);
    close(fd);
}

static hl_status begin_common(hl_ctx *ctx, const char *final_path, bool force, bool is_dir,
                              hl_out_file **out) {
    hl_status rc = HL_OK;
    hl_out_file *f = NULL;
    const char *base = NULL;
    struct stat st;
    *out = NULL;
    if (!final_path || !*final_path) return hl_error(ctx, HL_E_ARG, "output path is empty");
    size_t len = strlen(final_path);
    if (len > 1 && final_path[len - 1] == '/')
        return hl_error(ctx, HL_E_ARG, "output path %s ends with '/': give a file or folder name", final_path);
    f = hl_calloc(ctx, 1, sizeof *f);
    if (!f) return hl_error(ctx, HL_E_NOMEM, "out of memory starting output %s", final_path);
    f->slot = -1;
    f->is_dir = is_dir;
    f->force = force;
    f->final_path = hl_strdup(ctx, final_path);
    f->dir = dir_of(ctx, final_path, &base);
    if (!f->final_path || !f->dir) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory starting output %s", final_path);
        goto done;
    }
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        rc = hl_error(ctx, HL_E_ARG, "output path %s has no file name", final_path);
        goto done;
    }
    f->temp_path = strcmp(f->dir, "/") == 0 ? hl_sprintf(ctx, "/.%s.tmp-%ld", base, (long)getpid())
                                           : hl_sprintf(ctx, "%s/.%s.tmp-%ld", f->dir, base, (long)getpid());
    if (!f->temp_path) {
        rc = hl_error(ctx, HL_E_NOMEM, "out of memory starting output %s", final_path);
        goto done;
    }
    if (strlen(f->temp_path) + 16 >= SLOT_PATH_MAX) {
        rc = hl_error(ctx, HL_E_ARG, "output path %s is too long", final_path);
        goto done;
    }
    if (stat(f->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        rc = hl_error(ctx, HL_E_IO,
                      "cannot write %s: folder %s does not exist (or is not a folder); create it first or choose another output path",
                      final_path, f->dir);
        goto done;
    }
    if (lstat(final_path, &st) == 0) {
        if (!force) {
            rc = hl_error(ctx, HL_E_EXISTS,
                          "output %s already exists; use -f/--force to overwrite it, or choose another output path",
                          final_path);
            goto done;
        }
        if (!is_dir && S_ISDIR(st.st_mode)) {
            rc = hl_error(ctx, HL_E_IO, "output %s is a folder; remove it or choose a file path", final_path);
            goto done;
        }
        if (is_dir && !S_ISDIR(st.st_mode)) {
            rc = hl_error(ctx, HL_E_IO, "output %s is a file, not a folder; remove it or choose another path",
                          final_path);
            goto done;
        }
    }
    /* A stale temporary of ours (same pid, earlier run) is removed. */
    hl__out_remove_tree(f->temp_path);
    for (int i = 1; i < N_SIDE; i++) {
        char side[SLOT_PATH_MAX];
        snprintf(side, sizeof side, "%s%s", f->temp_path, k_side[i]);
        unlink(side);
    }
    /* Probe that the folder is writable by creating the temporary (access()
     * is not enough: root passes it on read-only mounts). */
    if (is_dir) {
        if (mkdir(f->temp_path, 0777) != 0) {
            rc = hl_error(ctx, HL_E_IO, "cannot write into folder %s (%s); choose a writable output folder",
                          f->dir, strerror(errno));
            goto done;
        }
    } else {
        int fd = open(f->temp_path, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd < 0) {
            rc = hl_error(ctx, HL_E_IO, "cannot write into folder %s (%s); choose a writable output folder",
                          f->dir, strerror(errno));
            goto done;
        }
        close(fd);
        unlink(f->temp_path); /* the caller's writer (OGR, SQLite) creates it */
    }
    f->slot = claim_slot();
    if (f->slot < 0) {
        if (is_dir) rmdir(f->temp_path);
        rc = hl_error(ctx, HL_E_ARG, "too many outputs pending at once (at most %d)", HL_OUT_MAX_PENDING);
        goto done;
    }
    for (int i = 0; i < N_SIDE; i++)
        snprintf(g_slots[f->slot].path[i], SLOT_PATH_MAX, "%s%s", f->temp_path, k_side[i]);
    g_slots[f->slot].is_dir = is_dir;
    g_slots[f->slot].state = 2;
    *out = f;
    f = NULL;
done:
    if (f) {
        release_slot(f->slot);
        hl_free(f->final_path);
        hl_free(f->temp_path);
        hl_free(f->dir);
        hl_free(f);
    }
    return rc;
}

hl_status hl_out_begin(hl_ctx *ctx, const char *final_path, bool force, hl_out_file **out) {
    return begin_common(ctx, final_path, force, false, out);
}

hl_status hl_out_begin_dir(hl_ctx *ctx, const char *final_dir, bool force, hl_out_file **out) {
    return begin_common(ctx, final_dir, force, true, out);
}

const char *hl_out_temp_path(const hl_out_file *f) { return f ? f->temp_path : NULL; }
const char *hl_out_final_path(const hl_out_file *f) { return f ? f->final_path : NULL; }

static void free_file(hl_out_file *f) {
    release_slot(f->slot);
    hl_free(f->final_path);
    hl_free(f->temp_path);
    hl_free(f->dir);
    hl_free(f);
}

static void remove_temp(hl_out_file *f) {
    if (f->is_dir) {
        hl__out_remove_tree(f->temp_path);
    } else {
        for (int i = 0; i < N_SIDE; i++) {
            char side[SLOT_PATH_MAX];
            snprintf(side, sizeof side, "%s%s", f->temp_path, k_side[i]);
            unlink(side);
        }
    }
}

hl_status hl_out_commit(hl_ctx *ctx, hl_out_file *f) {
    hl_status rc = HL_OK;
    struct stat st;
    char *old = NULL;
    if (!f) return hl_error(ctx, HL_E_ARG, "hl_out_commit: no output");
    if (lstat(f->temp_path, &st) != 0) {
        rc = hl_error(ctx, HL_E_IO, "nothing was written to %s (temporary %s is missing)", f->final_path,
                      f->temp_path);
        goto done;
    }
    if (f->is_dir) {
        DIR *d = opendir(f->temp_path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (e->d_name[0] == '.') continue;
                char *p = hl_sprintf(ctx, "%s/%s", f->temp_path, e->d_name);
                if (p) fsync_path(p, false);
                hl_free(p);
            }
            closedir(d);
        }
        fsync_path(f->temp_path, true);
        if (lstat(f->final_path, &st) == 0) {
            const char *base = strrchr(f->final_path, '/');
            base = base ? base + 1 : f->final_path;
            old = hl_sprintf(ctx, "%s/.%s.old-%ld", f->dir, base, (long)getpid());
            if (!old) {
                rc = hl_error(ctx, HL_E_NOMEM, "out of memory committing %s", f->final_path);
                goto done;
            }
            hl__out_remove_tree(old);
            if (rename(f->final_path, old) != 0) {
                rc = hl_error(ctx, HL_E_IO, "cannot replace %s (%s); remove it by hand or choose another path",
                              f->final_path, strerror(errno));
                goto done;
            }
        }
        if (rename(f->temp_path, f->final_path) != 0) {
            rc = hl_error(ctx, HL_E_IO, "cannot rename %s to %s (%s)", f->temp_path, f->final_path,
                          strerror(errno));
            if (old) rename(old, f->final_path); /* put the old output back */
            goto done;
        }
        if (old) hl__out_remove_tree(old);
    } else {
        fsync_path(f->temp_path, false);
        if (rename(f->temp_path, f->final_path) != 0) {
            rc = hl_error(ctx, HL_E_IO, "cannot rename %s to %s (%s)", f->temp_path, f->final_path,
                          strerror(errno));
            goto done;
        }
    }
    fsync_path(f->dir, true);
done:
    if (rc != HL_OK) remove_temp(f);
    else if (!f->is_dir) {
        /* side files of the temporary (if SQLite left any) are stale now */
        for (int i = 1; i < N_SIDE; i++) {
            char side[SLOT_PATH_MAX];
            snprintf(side, sizeof side, "%s%s", f->temp_path, k_side[i]);
            unlink(side);
        }
    }
    hl_free(old);
    free_file(f);
    return rc;
}

void hl_out_abort(hl_out_file *f) {
    if (!f) return;
    remove_temp(f);
    free_file(f);
}

void hl_out_abort_all_signal_safe(void) {
    for (int i = 0; i < HL_OUT_MAX_PENDING; i++) {
        if (g_slots[i].state != 2) continue;
        if (g_slots[i].is_dir) {
            rmdir(g_slots[i].path[0]);
        } else {
            for (int k = 0; k < N_SIDE; k++) unlink(g_slots[i].path[k]);
        }
    }
}
