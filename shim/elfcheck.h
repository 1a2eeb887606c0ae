/*
 * elfcheck — tell, without executing it, whether a file can be reached by
 * LD_PRELOAD: a dynamically linked ELF program (it has PT_INTERP, so the
 * dynamic loader runs and reads LD_PRELOAD), a statically linked one (no
 * PT_INTERP: static and static-pie binaries never see a preload), or a
 * "#!" script (its interpreter is what gets the preload).
 */
#ifndef V6SHIM_ELFCHECK_H
#define V6SHIM_ELFCHECK_H

enum elfcheck_kind {
    ELFCHECK_DYNAMIC, /* ELF with PT_INTERP */
    ELFCHECK_STATIC,  /* ELF without PT_INTERP (static or static-pie) */
    ELFCHECK_SCRIPT,  /* starts with "#!" */
    ELFCHECK_OTHER,   /* neither: left to execve to judge */
};

/* Classify PATH. Returns 0 with *KIND, or -errno when it cannot be read
 * (-ENOEXEC for a truncated or malformed ELF file). */
int elfcheck_file(const char *path, enum elfcheck_kind *kind);

#endif
