/*
 * report_ends MODE — a legacy-style program that ends in one of the ways report mode
 * must survive (tests/shim/sockets/report_ends.sh). Each mode makes the
 * same IPv4-only calls first: socket(AF_INET) once, inet_ntoa three times
 * from one call site; then
 *   _exit    _exit(7)
 *   handler  its own SIGTERM handler, which calls _exit(9); raise(SIGTERM)
 *   sigkill  raise(SIGKILL): the one loss (the counts)
 *   vfork    a vfork child that calls _exit(0), then exit(0)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_term(int sig)
{
    (void)sig;
    _exit(9);
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct in_addr a = {htonl(INADDR_LOOPBACK)};
    for (int i = 0; i < 3; i++)
        printf("%s\n", inet_ntoa(a)); /* ntoa site */
    fflush(stdout);
    close(s);
    if (strcmp(argv[1], "_exit") == 0)
        _exit(7);
    if (strcmp(argv[1], "handler") == 0) {
        struct sigaction sa = {.sa_handler = on_term};
        sigemptyset(&sa.sa_mask);
        sigaction(SIGTERM, &sa, NULL);
        raise(SIGTERM);
        return 3;
    }
    if (strcmp(argv[1], "sigkill") == 0) {
        raise(SIGKILL);
        return 3;
    }
    if (strcmp(argv[1], "vfork") == 0) {
        pid_t pid = vfork();
        if (pid == 0)
            _exit(0);
        int st;
        if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0)
            return 4;
        exit(0);
    }
    return 2;
}
