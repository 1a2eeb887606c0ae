/*
 * fuzz_file — files for the scanner's fuzz targets. v6scan reads its inputs
 * (sources, baselines, reports, compile databases) by path; a target puts
 * the bytes of one input in a file that lives in memory and hands v6scan
 * that file's path.
 *
 * A fuzz_file is a memfd (a regular file in memory, so v6scan's "regular
 * files only" rule holds for it) reached through /proc/self/fd/N: each open
 * of that path starts at offset 0 and sees the bytes written last.
 * fuzz_dir makes one private directory under $TMPDIR (default /tmp) for
 * the targets that need real names (a database directory, a scan root,
 * the temporary and rename of a report being written), removed at exit.
 */
#ifndef V6TEST_FUZZ_FILE_H
#define V6TEST_FUZZ_FILE_H

#include <stddef.h>

struct fuzz_file {
    int fd;
    char path[32]; /* "/proc/self/fd/N" */
};

/* Creates the file (once per process: aborts when it cannot). */
void fuzz_file_init(struct fuzz_file *f, const char *name);

/* Replaces the file's bytes by data[0..n) and returns its path. Aborts on
 * a write error. */
const char *fuzz_file_set(struct fuzz_file *f, const void *data, size_t n);

/* The private directory (created on first call, removed with everything in
 * it at exit). Aborts when it cannot be made. */
const char *fuzz_dir(void);

/* Writes data[0..n) to fuzz_dir()/name (replacing it) and returns the full
 * path in a static buffer per name slot (slot 0..3). Aborts on error. */
const char *fuzz_dir_write(int slot, const char *name, const void *data, size_t n);

#endif
