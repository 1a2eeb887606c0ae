/*
 * legacy_evloop — an event-loop style IPv4 client: gethostbyname, then a
 * non-blocking connect driven by poll(), SO_ERROR read when writable.
 *
 *   legacy_evloop HOST PORT MESSAGE
 *
 * Prints "connect: in progress" or "connect: at once", then "so_error: <e>",
 * then "reply: <what came back>" (or the error and exit 1).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct hostent *hp = argc == 4 ? gethostbyname(argv[1]) : NULL;
    struct sockaddr_in sin;
    struct pollfd pfd;
    int s, err;
    socklen_t len;
    char buf[256];

    if (hp == NULL) {
        printf("unknown host\n");
        return 1;
    }
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    memcpy(&sin.sin_addr, hp->h_addr_list[0], sizeof(sin.sin_addr));
    sin.sin_port = htons(atoi(argv[2]));
    s = socket(AF_INET, SOCK_STREAM, 0);
    fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
    if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) == 0) {
        printf("connect: at once\n");
    } else if (errno == EINPROGRESS) {
        printf("connect: in progress\n");
    } else {
        printf("connect: %s\n", strerror(errno));
        return 1;
    }
    pfd.fd = s;
    pfd.events = POLLOUT;
    if (poll(&pfd, 1, 10000) != 1) {
        printf("poll: nothing\n");
        return 1;
    }
    len = sizeof(err);
    getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
    printf("so_error: %s\n", err ? strerror(err) : "none");
    if (err)
        return 1;
    write(s, argv[3], strlen(argv[3]));
    int n = 0;
    for (;;) {
        pfd.events = POLLIN;
        if (poll(&pfd, 1, 10000) != 1)
            break;
        int r = read(s, buf + n, sizeof(buf) - 1 - n);
        if (r <= 0)
            break;
        n += r;
        if (n >= (int)strlen(argv[3]))
            break;
    }
    buf[n] = 0;
    printf("reply: %s\n", buf);
    return 0;
}
