/*
 * legacy_inetd — an inetd-style server: accept, fork, put the connection on
 * fds 0 and 1, exec the service, which knows nothing but its stdin.
 *
 *   legacy_inetd COUNT           listen on 0.0.0.0, print "port N", serve COUNT
 *   legacy_inetd --service       (the exec'd service) getpeername(0) with a
 *                                sockaddr_in, answer "you are A.B.C.D\n"
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int service(void)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);
    if (getpeername(0, (struct sockaddr *)&sin, &len) < 0) {
        printf("getpeername failed\n");
        return 1;
    }
    if (sin.sin_family != AF_INET) {
        printf("not AF_INET: %d\n", sin.sin_family);
        return 1;
    }
    printf("you are %s\n", inet_ntoa(sin.sin_addr));
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--service") == 0)
        return service();
    int count = atoi(argv[1]);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    struct sockaddr_in sin;
    socklen_t len;

    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, (char *)&on, sizeof(on));
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(s, 5) < 0) {
        perror("bind/listen");
        return 1;
    }
    len = sizeof(sin);
    getsockname(s, (struct sockaddr *)&sin, &len);
    printf("port %d\n", ntohs(sin.sin_port));
    fflush(stdout);
    while (count-- > 0) {
        int c = accept(s, NULL, NULL);
        if (c < 0) {
            perror("accept");
            return 1;
        }
        pid_t pid = fork();
        if (pid == 0) {
            close(s);
            dup2(c, 0);
            dup2(c, 1);
            close(c);
            execl(argv[0], argv[0], "--service", (char *)NULL);
            _exit(127);
        }
        close(c);
        int st;
        waitpid(pid, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            fprintf(stderr, "service failed\n");
            return 1;
        }
    }
    return 0;
}
