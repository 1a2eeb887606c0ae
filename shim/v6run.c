/*
 * v6run — run a legacy IPv4-only program with libv6shim.so preloaded.
 *
 *   v6run [options] [--] command [args...]
 *
 * Options become V6SHIM_* environment variables (the shim reads them once,
 * see config.h); the configuration is validated here first, so a bad one
 * stops v6run instead of silently leaving the program unshimmed. The shim
 * goes first in LD_PRELOAD (after a sanitizer runtime in sanitizer builds);
 * whatever was there stays, after it.
 *
 * `v6run --doctor FILE` judges a binary without running it (doctor.h);
 * `--ipv6-only` runs the command where IPv4 loopback does not exist
 * (netns.h), with the shim unless `--no-shim`.
 *
 * Exit status: the command's own (v6run execs it); 0 for --help, --version,
 * --check-config and a successful --resolve; 1 when --resolve finds no
 * answer; 2 for a usage error, a bad configuration, a missing libv6shim.so
 * or a statically linked command (no preload can reach it); 125 when
 * --ipv6-only cannot make its namespaces; 126 when the command cannot be
 * executed; 127 when it is not found. --doctor: 0, 2, 3, 4 (doctor.h).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <bsd/stdlib.h>
#include <bsd/string.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "doctor.h"
#include "elfcheck.h"
#include "init.h"
#include "netns.h"
#include "resolve.h"
#include "v6kit_version.h"

#define V6RUN_USAGE 2
#define V6RUN_NONS 125
#define V6RUN_NOEXEC 126
#define V6RUN_NOTFOUND 127

static void v6run_help(FILE *f)
{
    fputs("usage: v6run [options] [--] command [args...]\n"
          "Run a legacy IPv4-only program over IPv6 with libv6shim.so preloaded.\n"
          "\n"
          "options:\n"
          "  --config FILE        read FILE instead of " CONFIG_SYSTEM_FILE " (V6SHIM_CONF)\n",
          f);
    /* one line per setting that has an option (config.def) */
    for (size_t i = 0; i < CONFIG_NKEYS; i++) {
        const struct config_key *k = &config_keys[i];
        if (!*k->option)
            continue;
        char opt[64], def[64] = "";
        snprintf(opt, sizeof opt, "--%s %s", k->option, k->arg);
        if (*k->def)
            snprintf(def, sizeof def, " (default %s)", k->def);
        /* 79 columns: the text from column 24, a long option on a line of
         * its own, the default on the next line when it does not fit */
        if (strlen(opt) > 20)
            fprintf(f, "  %s\n%23s", opt, "");
        else
            fprintf(f, "  %-20s ", opt);
        if (strlen(k->help) + strlen(def) > 79 - 23)
            fprintf(f, "%s\n%22s%s\n", k->help, "", def);
        else
            fprintf(f, "%s%s\n", k->help, def);
    }
    fputs("  --report FILE        report mode: append JSON lines naming the IPv4-only calls\n"
          "                       each process makes and from where (format 2, v6run(1))\n"
          "  --report-verbose     with --report: a summary line per process on stderr\n"
          "  --ipv6-only          run the command in private network and mount namespaces\n"
          "                       whose loopback has only ::1 and whose /etc/hosts maps\n"
          "                       localhost to ::1 (needs root or user namespaces)\n"
          "  --no-shim            with --ipv6-only: run the command without the shim\n"
          "  --doctor FILE        read FILE's ELF imports without running it: IPv4-only\n"
          "                       calls, whether a preload can reach it, what to do; exit\n"
          "  --check-config       print the effective configuration and exit\n"
          "  --resolve NAME       print NAME's answers in order, the pool address the\n"
          "                       IPv6 ones get and the rule deciding each pair; exit\n"
          "  -h, --help           this text\n"
          "  -V, --version        version\n"
          "\n"
          "Every other setting of v6shim.conf(5) is its V6SHIM_<KEY> variable.\n"
          "exit status: the command's; 2 bad usage, bad configuration, missing shim or\n"
          "statically linked command; 125 --ipv6-only cannot make its namespaces;\n"
          "126 command not executable; 127 command not found. --doctor: 0 needs the\n"
          "shim, 3 nothing to translate, 4 cannot be preloaded, 2 unreadable.\n",
          f);
}

static int v6run_set(const char *var, const char *value)
{
    if (setenv(var, value, 1) != 0) {
        fprintf(stderr, "v6run: setenv %s: %s\n", var, strerror(errno));
        return -1;
    }
    return 0;
}

/* Set VAR to the file name PATH given with option OPT, refusing "": an
 * empty V6SHIM_CONF would silently mean "the system file" instead. */
static int v6run_set_file(const char *opt, const char *var, const char *path)
{
    if (*path == '\0') {
        fprintf(stderr, "v6run: %s: empty file name\n", opt);
        return -1;
    }
    return v6run_set(var, path);
}

/*
 * The option of setting K (config.def) was given VALUE. The value is
 * checked here first, so a bad one is reported against the option the user
 * typed ("--policy: bad value ...") rather than against a variable they
 * never set; then it becomes V6SHIM_<KEY>. A number is read with strtonum
 * and passed on in plain decimal ("--pool-size 010" is 10, as the shim reads
 * it). Returns 0 or -1 with a message.
 */
static int v6run_set_key(const struct config_key *k, const char *value)
{
    char opt[64], var[64], problem[PATH_MAX + 64], num[32];
    snprintf(opt, sizeof opt, "--%s", k->option);
    size_t n = (size_t)snprintf(var, sizeof var, "V6SHIM_");
    for (const char *p = k->key; *p && n + 1 < sizeof var; p++)
        var[n++] = (char)toupper((unsigned char)*p);
    var[n] = '\0';
    if (k->type == CONFIG_PATH)
        return v6run_set_file(opt, var, value);
    if (k->type == CONFIG_UINT) {
        const char *why = NULL;
        long long v = strtonum(value, k->lo, k->hi, &why);
        if (why) {
            char expect[128];
            fprintf(stderr, "v6run: %s: '%s' is %s (expected %s)\n", opt, value, why,
                    config_expect(k, expect, sizeof expect));
            return -1;
        }
        snprintf(num, sizeof num, "%lld", v);
        value = num;
    }
    struct v6shim_config scratch;
    config_defaults(&scratch);
    if (config_set(&scratch, k->key, value, problem, sizeof problem) < 0) {
        fprintf(stderr, "v6run: %s: %s\n", opt, problem);
        return -1;
    }
    return v6run_set(var, value);
}

/*
 * Set VAR to PATH (given with option OPT) made absolute (the command may
 * change directory before the shim writes), after checking that PATH can be
 * opened for appending, so a typo fails here, before the command runs.
 * Returns 0 or -1 with a message.
 */
static int v6run_set_path(const char *opt, const char *var, const char *path)
{
    if (*path == '\0') {
        fprintf(stderr, "v6run: %s: empty file name\n", opt);
        return -1;
    }
    /* O_NONBLOCK: a FIFO nobody reads fails (ENXIO) instead of hanging here. */
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0644);
    if (fd < 0) {
        fprintf(stderr, "v6run: %s: %s\n", path, strerror(errno));
        return -1;
    }
    close(fd);
    if (path[0] == '/')
        return v6run_set(var, path);
    char cwd[PATH_MAX], abs[PATH_MAX + 1 + PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) {
        fprintf(stderr, "v6run: getcwd: %s\n", strerror(errno));
        return -1;
    }
    snprintf(abs, sizeof abs, "%s/%s", cwd, path);
    return v6run_set(var, abs);
}

/* Path of libv6shim.so: V6SHIM_LIBRARY, next to v6run (build tree),
 * ../LIBDIR from v6run (a relocated install), the configured install libdir. */
static int v6run_find_shim(char *out, size_t len)
{
    const char *env = getenv("V6SHIM_LIBRARY");
    if (env && *env) {
        if (access(env, R_OK) != 0) {
            fprintf(stderr, "v6run: V6SHIM_LIBRARY=%s: %s\n", env, strerror(errno));
            return -1;
        }
        snprintf(out, len, "%s", env);
        return 0;
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        const char *dir = dirname(self); /* dirname may write into self: once */
        snprintf(out, len, "%s/libv6shim.so", dir);
        if (access(out, R_OK) == 0)
            return 0;
        /* an installed tree moved elsewhere: PREFIX/bin/v6run, PREFIX/LIBDIR */
        char rel[PATH_MAX * 2];
        snprintf(rel, sizeof rel, "%s/../%s/libv6shim.so", dir, V6SHIM_REL_LIBDIR);
        char *abs = realpath(rel, NULL);
        if (abs && access(abs, R_OK) == 0 && strlcpy(out, abs, len) < len) {
            free(abs);
            return 0;
        }
        free(abs);
    }
    snprintf(out, len, "%s/libv6shim.so", V6SHIM_INSTALL_LIBDIR);
    if (access(out, R_OK) == 0)
        return 0;
    fprintf(stderr,
            "v6run: cannot find libv6shim.so (looked next to v6run and in %s; "
            "set V6SHIM_LIBRARY)\n",
            V6SHIM_INSTALL_LIBDIR);
    return -1;
}

/*
 * LD_PRELOAD = [sanitizer runtime:]SHIM[:what was there], where the old
 * entries (separated by ':' or ' ', as ld.so reads them) keep their order
 * and lose any copy of the runtime or of SHIM: the runtime must be first.
 */
static int v6run_preload(const char *shim)
{
    const char *old = getenv("LD_PRELOAD");
    const char *rt = V6_SANITIZER_RUNTIME;
    size_t len = strlen(shim) + strlen(rt) + (old ? strlen(old) : 0) + 4;
    char *v = malloc(len);
    char *copy = strdup(old ? old : "");
    if (!v || !copy) {
        free(v);
        free(copy);
        return -1;
    }
    snprintf(v, len, "%s%s%s", rt, *rt ? ":" : "", shim);
    char *save = NULL;
    for (char *e = strtok_r(copy, ": ", &save); e; e = strtok_r(NULL, ": ", &save)) {
        if (strcmp(e, shim) == 0 || (*rt && strcmp(e, rt) == 0))
            continue;
        strlcat(v, ":", len); /* len counts every entry: never cut */
        strlcat(v, e, len);
    }
    int rc = v6run_set("LD_PRELOAD", v);
    free(copy);
    free(v);
    return rc;
}

static void v6run_ntop(const struct policy_cand *c, char *buf, size_t len)
{
    if (IN6_IS_ADDR_V4MAPPED(&c->dst.sin6_addr))
        inet_ntop(AF_INET, &c->dst.sin6_addr.s6_addr[12], buf, (socklen_t)len);
    else
        inet_ntop(AF_INET6, &c->dst.sin6_addr, buf, (socklen_t)len);
    if (c->dst.sin6_scope_id)
        snprintf(buf + strlen(buf), len - strlen(buf), "%%%u", c->dst.sin6_scope_id);
}

static int v6run_resolve(const char *name, const struct v6shim_config *cfg)
{
    static const char *const policies[] = {"rfc6724", "rfc3484", "ula-update"};
    struct resolve_answer *a = malloc(sizeof *a);
    if (!a)
        return 1;
    int rc = resolve_lookup(name, a);
    if (rc != 0) {
        printf("%s: %s\n", name, gai_strerror(rc));
        free(a);
        return 1;
    }
    printf("name: %s\ncanonical: %s\npolicy: %s", name, a->name, policies[cfg->policy]);
    if (cfg->gai_conf[0])
        printf(" + %s", cfg->gai_conf);
    printf("\n");
    char txt[INET6_ADDRSTRLEN + 16], pool[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a->pool, pool, sizeof pool);
    for (size_t i = 0; i < a->n; i++) {
        v6run_ntop(&a->cand[i], txt, sizeof txt);
        bool v4 = IN6_IS_ADDR_V4MAPPED(&a->cand[i].dst.sin6_addr);
        printf("%zu. %s", i + 1, txt);
        if (!v4)
            printf(" -> pool %s", a->pool_ok ? pool : "(none: pool full)");
        if (a->n > 1) { /* sources are probed only when there is an order to decide */
            char src[INET6_ADDRSTRLEN + 16];
            struct policy_cand s = {.dst = a->cand[i].src};
            v6run_ntop(&s, src, sizeof src);
            printf(a->cand[i].src_ok ? ", source %s" : ", no route", src);
        }
        printf("\n");
    }
    for (size_t i = 0; i + 1 < a->n; i++) {
        char t2[INET6_ADDRSTRLEN + 16];
        v6run_ntop(&a->cand[i], txt, sizeof txt);
        v6run_ntop(&a->cand[i + 1], t2, sizeof t2);
        printf("%s before %s: %s\n", txt, t2, policy_rule_name(a->rule[i]));
    }
    printf("legacy view:");
    for (size_t i = 0; i < a->naddr; i++) {
        inet_ntop(AF_INET, &a->addr[i], pool, sizeof pool);
        printf(" %s", pool);
    }
    printf("\n");
    free(a);
    return 0;
}

/* The policy table T, as gai.conf lines behind '#' (so the output of
 * --check-config still reads back as a v6shim.conf). */
static void v6run_print_policy(const struct policy_table *t)
{
    static const struct {
        enum policy_column col;
        const char *word;
    } cols[] = {
        {POLICY_COL_LABEL, "label"},
        {POLICY_COL_PRECEDENCE, "precedence"},
        {POLICY_COL_SCOPEV4, "scopev4"},
    };
    printf("# policy table in effect (gai.conf syntax):\n");
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        struct policy_row rows[64];
        size_t n = policy_table_rows(t, cols[c].col, rows, 64);
        for (size_t i = 0; i < n && i < 64; i++) {
            char a[INET6_ADDRSTRLEN];
            inet_ntop(AF_INET6, &rows[i].prefix, a, sizeof a);
            printf("# %s %s/%u %d\n", cols[c].word, a, rows[i].bits, rows[i].value);
        }
    }
}

/* getenv with V6SHIM_LOG_LEVEL read as "off": config_load then checks
 * everything but the log level's need for a log file. */
static char *v6run_getenv_quiet(const char *name)
{
    static char off[] = "off";
    return strcmp(name, "V6SHIM_LOG_LEVEL") == 0 ? off : getenv(name);
}

/* The command's path as execvp would find it, or NULL (errno set). */
static char *v6run_which(const char *cmd)
{
    if (strchr(cmd, '/'))
        return access(cmd, F_OK) == 0 ? strdup(cmd) : NULL; /* errno from access */
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    char *copy = strdup(path), *save = NULL, *found = NULL;
    if (!copy)
        return NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        char full[PATH_MAX];
        snprintf(full, sizeof full, "%s/%s", *dir ? dir : ".", cmd);
        if (access(full, X_OK) == 0) {
            found = strdup(full);
            break;
        }
    }
    free(copy);
    if (!found)
        errno = ENOENT;
    return found;
}

/*
 * Whether the shim can reach the command at PATH: 0, or the exit status
 * after a message (unreadable: 126/127; statically linked: 2). A set-uid or
 * set-gid command only draws a warning (as root it is preloaded).
 */
static int v6run_check_command(const char *path)
{
    enum elfcheck_kind kind;
    int erc = elfcheck_file(path, &kind);
    if (erc < 0) {
        fprintf(stderr, "v6run: %s: %s\n", path, strerror(-erc));
        return erc == -ENOENT ? V6RUN_NOTFOUND : V6RUN_NOEXEC;
    }
    if (kind == ELFCHECK_STATIC) {
        fprintf(stderr,
                "v6run: %s is statically linked: no LD_PRELOAD library can reach "
                "it, so the shim cannot help (rebuild it dynamically, or use a "
                "relay such as socat or 6tunnel; see v6run --doctor)\n",
                path);
        return V6RUN_USAGE;
    }
    struct stat st;
    if (stat(path, &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID)) && getuid() != 0)
        fprintf(stderr,
                "v6run: warning: %s is set-uid/set-gid: the loader ignores "
                "LD_PRELOAD for it (see v6run --doctor)\n",
                path);
    return 0;
}

int main(int argc, char **argv)
{
    enum {
        OPT_CONFIG = 256,
        OPT_CHECK,
        OPT_RESOLVE,
        OPT_REPORT,
        OPT_REPORT_VERBOSE,
        OPT_DOCTOR,
        OPT_IPV6_ONLY,
        OPT_NO_SHIM,
        OPT_KEY
    };
    static const struct option fixed[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"report", required_argument, NULL, OPT_REPORT},
        {"report-verbose", no_argument, NULL, OPT_REPORT_VERBOSE},
        {"check-config", no_argument, NULL, OPT_CHECK},
        {"resolve", required_argument, NULL, OPT_RESOLVE},
        {"doctor", required_argument, NULL, OPT_DOCTOR},
        {"ipv6-only", no_argument, NULL, OPT_IPV6_ONLY},
        {"no-shim", no_argument, NULL, OPT_NO_SHIM},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
    };
    /* the fixed options, one per setting that has one (config.def), the end */
    struct option opts[sizeof fixed / sizeof fixed[0] + CONFIG_NKEYS + 1];
    size_t nopts = 0;
    for (; nopts < sizeof fixed / sizeof fixed[0]; nopts++)
        opts[nopts] = fixed[nopts];
    for (size_t i = 0; i < CONFIG_NKEYS; i++)
        if (*config_keys[i].option)
            opts[nopts++] =
                (struct option){config_keys[i].option, required_argument, NULL, OPT_KEY + (int)i};
    opts[nopts] = (struct option){NULL, 0, NULL, 0};
    bool check = false, ipv6_only = false, no_shim = false;
    bool log_target_file = false, log_file = false; /* as typed */
    const char *resolve = NULL, *doctor = NULL;
    int c;
    /* getopt names the program by argv[0] ("build/default/shim/v6run:
     * unrecognized option"); every message of v6run starts "v6run:". */
    argv[0] = (char *)"v6run";
    /* "+": stop at the first non-option, the command. */
    while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
        int rc = 0;
        if (c >= OPT_KEY && c < OPT_KEY + CONFIG_NKEYS) {
            const struct config_key *k = &config_keys[c - OPT_KEY];
            rc = v6run_set_key(k, optarg);
            /* a log file is where the log goes */
            if (rc == 0 && !strcmp(k->key, "log_file")) {
                rc = v6run_set("V6SHIM_LOG_TARGET", "file");
                log_file = true;
            }
            if (rc == 0 && !strcmp(k->key, "log_target"))
                log_target_file = !strcmp(optarg, "file");
            if (rc < 0)
                return V6RUN_USAGE;
            continue;
        }
        switch (c) {
        case OPT_CONFIG: rc = v6run_set_file("--config", "V6SHIM_CONF", optarg); break;
        case OPT_REPORT: rc = v6run_set_path("--report", "V6SHIM_REPORT", optarg); break;
        case OPT_REPORT_VERBOSE: rc = v6run_set("V6SHIM_REPORT_VERBOSE", "yes"); break;
        case OPT_CHECK: check = true; break;
        case OPT_RESOLVE: resolve = optarg; break;
        case OPT_DOCTOR: doctor = optarg; break;
        case OPT_IPV6_ONLY: ipv6_only = true; break;
        case OPT_NO_SHIM: no_shim = true; break;
        case 'h': v6run_help(stdout); return 0;
        case 'V': printf("v6run (v6kit) %s\n", V6KIT_VERSION); return 0;
        default: fprintf(stderr, "v6run: try 'v6run --help'\n"); return V6RUN_USAGE;
        }
        if (rc < 0)
            return V6RUN_USAGE;
    }

    if (doctor && optind < argc) {
        fprintf(stderr, "v6run: --doctor: reads FILE only, runs no command ('%s')\n", argv[optind]);
        return DOCTOR_USAGE;
    }
    if (doctor) { /* a bare name is looked for in PATH, as a command would be */
        char *found = v6run_which(doctor);
        if (!found) {
            fprintf(stderr,
                    strchr(doctor, '/') ? "v6run: --doctor: %s: %s\n"
                                        : "v6run: --doctor: %s: command not found%.0s\n",
                    doctor, strerror(errno));
            return DOCTOR_USAGE;
        }
        fflush(stdout);
        int drc = doctor_run(found, stdout, stderr);
        free(found);
        return drc;
    }
    if (no_shim && !ipv6_only) {
        fprintf(stderr, "v6run: --no-shim: only with --ipv6-only\n");
        return V6RUN_USAGE;
    }
    /* The option typed is refused whatever --log says (the shim itself
     * needs log_file only when it logs). A log_file from the file or the
     * environment counts. */
    if (log_target_file && !log_file) {
        struct v6shim_config probe;
        char perr[PATH_MAX + 256];
        if (config_load(&probe, v6run_getenv_quiet, perr, sizeof perr) == 0 && !probe.log_file[0]) {
            fprintf(stderr, "v6run: --log-target file needs --log-file FILE\n");
            return V6RUN_USAGE;
        }
    }

    /* A --config or --gai-conf that is a pipe or FIFO (a shell's <(...)) is
     * refused here, unread (textfile.h), rather than copied and passed on:
     * every process of the command re-reads the file by name, a pipe reads
     * once, and a private copy would outlive v6run (it execs away) or, as an
     * inherited descriptor, be an fd the program never opened. */
    struct v6shim_config cfg;
    struct policy_table *table;
    char err[PATH_MAX + 256];
    if (shim_load(&cfg, &table, NULL, err, sizeof err) < 0) {
        fprintf(stderr, "v6run: %s\n", err);
        return V6RUN_USAGE;
    }
    if (check) {
        fflush(stdout);
        config_print(&cfg, STDOUT_FILENO);
        v6run_print_policy(table);
        policy_table_free(table);
        return 0;
    }
    policy_table_free(table);
    if (resolve) /* the shim's own start-up path, as a preloaded program runs it */
        return v6run_resolve(resolve, &cfg);
    if (optind >= argc) {
        fprintf(stderr, "v6run: no command given; try 'v6run --help'\n");
        return V6RUN_USAGE;
    }

    const char *cmd = argv[optind];
    char *path = v6run_which(cmd);
    if (!path) {
        /* "command not found" is for a name searched in PATH; a path says why */
        if (strchr(cmd, '/'))
            fprintf(stderr, "v6run: %s: %s\n", cmd, strerror(errno));
        else
            fprintf(stderr, "v6run: %s: command not found\n", cmd);
        return V6RUN_NOTFOUND;
    }
    if (!no_shim) {
        int rc = v6run_check_command(path);
        free(path);
        if (rc)
            return rc;
    } else {
        free(path);
    }
    /* The shim is found before the namespaces change what this process sees. */
    char shim[PATH_MAX];
    if (!no_shim && (v6run_find_shim(shim, sizeof shim) < 0 || v6run_preload(shim) < 0))
        return V6RUN_USAGE;
    if (ipv6_only) {
        char nerr[PATH_MAX + 256];
        if (netns_ipv6_only(nerr, sizeof nerr) < 0) {
            fprintf(stderr, "v6run: --ipv6-only: %s\n", nerr);
            return V6RUN_NONS;
        }
    }
    execvp(cmd, &argv[optind]);
    int e = errno;
    fprintf(stderr, "v6run: cannot execute %s: %s\n", cmd, strerror(e));
    return e == ENOENT ? V6RUN_NOTFOUND : V6RUN_NOEXEC;
}
