/* scan_floor — the in-process libclang parse floor of a v6scan run, and what
 * the walk and each check cost on top of it.
 *
 *   scan_floor -p BUILD_DIR [--root DIR] [--walk] [--per-check]
 *
 * Loads BUILD_DIR/compile_commands.json with v6scan's own loader, so the
 * translation units, their sanitised flags, the resource directory and the
 * parse options (DetailedPreprocessingRecord | KeepGoing) are exactly those
 * of `v6scan -p BUILD_DIR`; then, per translation unit, parses it (timed)
 * and disposes of it. With --walk, each parsed unit is also walked once
 * with every check enabled (timed apart from the parse), once with no check
 * (the walk's own cost) and, with --per-check, once per check alone.
 *
 * Prints one line per measured quantity, "name seconds" of process CPU
 * time, on stdout:
 *   units N / parse S / walk_none S / walk_all S / check:<id> S
 * A check's figure is its walk time minus walk_none (so it can come out
 * slightly negative: noise). Not a test.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checks/registry.h"
#include "compdb.h"
#include "findings.h"
#include "jobs.h"
#include "parse.h"
#include "resdir.h"
#include "walk.h"

/* Process CPU time: libclang parses on a helper thread, the walk runs on
 * this one; CPU time is what other processes on a shared machine disturb
 * least. */
static double floor_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double floor_walk(CXTranslationUnit tu, const char *root,
                         const struct v6scan_check *const *checks, size_t n)
{
    struct walk_config cfg = {.root = root, .checks = checks, .nchecks = n};
    struct findings fs;
    double t0 = floor_now();

    findings_init(&fs);
    if (walk_tu(tu, &cfg, &fs))
        fprintf(stderr, "scan_floor: walk failed\n");
    findings_free(&fs);
    return floor_now() - t0;
}

int main(int argc, char **argv)
{
    const char *build = NULL, *root_arg = ".";
    int walk = 0, per_check = 0;
    struct joblist db = {0}, jobs = {0};
    const char *bad = NULL;
    char resdir[PATH_MAX];

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-p") == 0 && i + 1 < argc)
            build = argv[++i];
        else if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
            root_arg = argv[++i];
        else if (strcmp(argv[i], "--walk") == 0)
            walk = 1;
        else if (strcmp(argv[i], "--per-check") == 0)
            walk = per_check = 1;
        else {
            fprintf(stderr, "usage: scan_floor -p BUILD_DIR [--root DIR] [--walk] [--per-check]\n");
            return 2;
        }
    }
    if (!build) {
        fprintf(stderr, "scan_floor: -p BUILD_DIR is required\n");
        return 2;
    }
    char *root = realpath(root_arg, NULL);
    if (!root) {
        fprintf(stderr, "scan_floor: --root %s: %s\n", root_arg, strerror(errno));
        return 2;
    }
    char err[512];
    if (compdb_load(build, &db, err, sizeof err) != 0) {
        fprintf(stderr, "scan_floor: -p %s: %s\n", build, err);
        return 2;
    }
    if (jobs_collect(&jobs, &db, NULL, 0, &bad) != 0 ||
        jobs_finish(&jobs, root, NULL, 0, 0, 0) != 0) {
        fprintf(stderr, "scan_floor: cannot list the jobs\n");
        return 2;
    }

    size_t nall;
    const struct v6scan_check *const *all = registry_all(&nall);
    double *per = calloc(nall, sizeof(*per));
    struct parse_opts po = {.resource_dir = resdir_detect(resdir, sizeof(resdir)), .quiet = 1};
    CXIndex idx = clang_createIndex(0, 0);
    double t_parse = 0, t_none = 0, t_all = 0;
    size_t units = 0;

    if (!per)
        return 2;
    for (size_t i = 0; i < jobs.count; i++) {
        CXTranslationUnit tu = NULL;
        int clean;
        double t0 = floor_now();
        if (parse_job(idx, &jobs.items[i], &po, &tu, &clean) != 0)
            continue;
        t_parse += floor_now() - t0;
        units++;
        if (walk) {
            floor_walk(tu, root, all, 0); /* warms the caches the first walk fills */
            t_none += floor_walk(tu, root, all, 0);
            t_all += floor_walk(tu, root, all, nall);
            for (size_t c = 0; per_check && c < nall; c++)
                per[c] += floor_walk(tu, root, &all[c], 1);
        }
        clang_disposeTranslationUnit(tu);
    }
    clang_disposeIndex(idx);

    printf("units %zu\nparse %.3f\n", units, t_parse);
    if (walk)
        printf("walk_none %.3f\nwalk_all %.3f\n", t_none, t_all);
    for (size_t c = 0; per_check && c < nall; c++)
        printf("check:%s %.3f\n", all[c]->id, per[c] - t_none);
    free(per);
    jobs_free(&db);
    jobs_free(&jobs);
    free(root);
    return 0;
}
