/* v6-sockaddr-generic-storage fix-its. */
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>

int serve(int lfd);
int peer_family(int fd);
int copy_out(int fd, struct sockaddr *out);

/* accept's buffer, its family and a memset: fixed, with casts */
int serve(int lfd)
{
	struct sockaddr peer;
	socklen_t len = sizeof(peer);
	char host[NI_MAXHOST];

	memset(&peer, 0, sizeof(peer));
	int fd = accept(lfd, &peer, &len);
	if (fd < 0 || peer.sa_family == AF_UNIX)
		return fd;
	getnameinfo(&peer, len, host, sizeof(host), NULL, 0, NI_NUMERICHOST);
	return fd;
}

/* an explicit cast already: only the type changes */
int peer_family(int fd)
{
	struct sockaddr who;
	socklen_t len = sizeof(who);

	if (getpeername(fd, (struct sockaddr *)&who, &len) != 0)
		return -1;
	return who.sa_family;
}

/* copied out whole: no fix-it (the copy would read 128 bytes) */
int copy_out(int fd, struct sockaddr *out)
{
	struct sockaddr mine;
	socklen_t len = sizeof(mine);

	if (getsockname(fd, &mine, &len) != 0)
		return -1;
	*out = mine;
	return 0;
}
