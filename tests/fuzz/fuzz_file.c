/* fuzz_file — see fuzz_file.h. */
#define _GNU_SOURCE
#include "fuzz_file.h"

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_input.h"

void fuzz_file_init(struct fuzz_file *f, const char *name)
{
    f->fd = memfd_create(name, MFD_CLOEXEC);
    FUZZ_CHECK(f->fd >= 0);
    snprintf(f->path, sizeof f->path, "/proc/self/fd/%d", f->fd);
}

const char *fuzz_file_set(struct fuzz_file *f, const void *data, size_t n)
{
    const char *p = data;
    size_t done = 0;

    FUZZ_CHECK(ftruncate(f->fd, 0) == 0);
    while (done < n) {
        ssize_t w = pwrite(f->fd, p + done, n - done, (off_t)done);
        FUZZ_CHECK(w > 0);
        done += (size_t)w;
    }
    return f->path;
}

static char fuzz_dir_path[PATH_MAX];

static int fuzz_dir_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static void fuzz_dir_remove(void)
{
    if (fuzz_dir_path[0])
        nftw(fuzz_dir_path, fuzz_dir_rm, 16, FTW_DEPTH | FTW_PHYS);
}

const char *fuzz_dir(void)
{
    if (!fuzz_dir_path[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(fuzz_dir_path, sizeof fuzz_dir_path, "%s/v6fuzz.XXXXXX", t && *t ? t : "/tmp");
        FUZZ_CHECK(mkdtemp(fuzz_dir_path) != NULL);
        /* the scan root must be a real path (walk.h: project files) */
        char *real = realpath(fuzz_dir_path, NULL);
        FUZZ_CHECK(real != NULL && strlen(real) < sizeof fuzz_dir_path);
        strcpy(fuzz_dir_path, real);
        free(real);
        atexit(fuzz_dir_remove);
    }
    return fuzz_dir_path;
}

const char *fuzz_dir_write(int slot, const char *name, const void *data, size_t n)
{
    static char paths[4][PATH_MAX];
    FUZZ_CHECK(slot >= 0 && slot < 4);
    FUZZ_CHECK(snprintf(paths[slot], sizeof paths[slot], "%s/%s", fuzz_dir(), name) <
               (int)sizeof paths[slot]);
    FILE *f = fopen(paths[slot], "wb");
    FUZZ_CHECK(f != NULL);
    FUZZ_CHECK(fwrite(data, 1, n, f) == n);
    FUZZ_CHECK(fclose(f) == 0);
    return paths[slot];
}
