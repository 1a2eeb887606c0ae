/*
 * libevent_client — an IPv4-only libevent client, as event-loop programs
 * are written: gethostbyname, a struct sockaddr_in, then
 * bufferevent_socket_connect (non-blocking connect; the loop waits for the
 * socket to become writable and reads SO_ERROR).
 *
 *   libevent_client HOST PORT
 *
 * Prints "backend: <epoll|poll|select>" (EVENT_NOEPOLL / EVENT_NOPOLL pick
 * it), then "connected" and the server's first line as "server said:
 * <line>"; or "error: <strerror>" and exit 1.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

static int status = 1;

static void on_read(struct bufferevent *bev, void *arg)
{
    size_t n;
    char *line = evbuffer_readln(bufferevent_get_input(bev), &n, EVBUFFER_EOL_LF);
    if (!line)
        return;
    printf("server said: %s\n", line);
    free(line);
    status = 0;
    event_base_loopexit(bufferevent_get_base(bev), NULL);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    if (what & BEV_EVENT_CONNECTED) {
        printf("connected\n");
        return;
    }
    if (what & (BEV_EVENT_ERROR | BEV_EVENT_EOF)) {
        int err = EVUTIL_SOCKET_ERROR();
        printf("error: %s\n", what & BEV_EVENT_ERROR ? strerror(err) : "end of file");
        event_base_loopexit(bufferevent_get_base(bev), NULL);
    }
}

int main(int argc, char **argv)
{
    struct hostent *hp = argc == 3 ? gethostbyname(argv[1]) : NULL;
    if (!hp) {
        printf("unknown host\n");
        return 1;
    }
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    memcpy(&sin.sin_addr, hp->h_addr_list[0], sizeof sin.sin_addr);
    sin.sin_port = htons(atoi(argv[2]));
    struct event_base *base = event_base_new();
    printf("backend: %s\n", event_base_get_method(base));
    struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
    bufferevent_setcb(bev, on_read, NULL, on_event, NULL);
    bufferevent_enable(bev, EV_READ | EV_WRITE);
    if (bufferevent_socket_connect(bev, (struct sockaddr *)&sin, sizeof sin) < 0) {
        printf("error: %s\n", strerror(errno));
        return 1;
    }
    struct timeval limit = {20, 0}; /* a guard against a hang, not a measurement */
    event_base_loopexit(base, &limit);
    event_base_dispatch(base);
    bufferevent_free(bev);
    event_base_free(base);
    fflush(stdout);
    return status;
}
