/*
 * go_marker — a C program carrying what --doctor takes as the mark of a Go
 * binary: a .go.buildinfo section that starts with Go's build-info magic.
 * No Go toolchain is installed here; this checks the detection itself (a
 * dynamically linked file with libc, which would otherwise be preloadable).
 */
#include <stdio.h>

__attribute__((used, section(".go.buildinfo"))) static const char go_buildinfo[32] =
    "\xff Go buildinf:";

int main(void)
{
    puts("not really Go");
    return 0;
}
