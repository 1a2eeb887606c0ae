/* v6-hints-family-inet fix-its. */
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int dial(const char *host, const char *port);
int dial_pf(const char *host, const char *port);
int dial_v4_reader(const char *host, const char *port);
int dial_v4_socket(const char *host, const char *port);
int dial_quiet(const char *host, const char *port);

/* every result goes through ai_family/ai_addr/ai_addrlen: fixed */
int dial(const char *host, const char *port)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

/* an initialiser, PF_INET: fixed to AF_UNSPEC */
int dial_pf(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res;
	int fd;

	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
	if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* the result is read as a sockaddr_in: no fix-it (an IPv6 result would be
 * misread) */
int dial_v4_reader(const char *host, const char *port)
{
	struct addrinfo hints, *res;
	int p;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	p = ((struct sockaddr_in *)res->ai_addr)->sin_port;
	freeaddrinfo(res);
	return p;
}

/* the socket is made AF_INET: no fix-it (an IPv6 result would not fit it) */
int dial_v4_socket(const char *host, const char *port)
{
	struct addrinfo hints, *res;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	if (fd < 0 || getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	if (connect(fd, res->ai_addr, res->ai_addrlen) != 0)
		fd = -1;
	freeaddrinfo(res);
	return fd;
}

/* suppressed: its fix-it is not applied */
int dial_quiet(const char *host, const char *port)
{
	struct addrinfo hints = { 0 }, *res;
	int fd;

	hints.ai_family = AF_INET; /* v6scan: ignore[v6-hints-family-inet] the peer is IPv4 by protocol */
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
	freeaddrinfo(res);
	return fd;
}
