/* A header included by two files: its fix-it is applied once. */
#ifndef PEER_H
#define PEER_H

#include <sys/socket.h>

struct peer {
	struct sockaddr_storage addr;
	char text[INET6_ADDRSTRLEN]; /* fixed: INET6_ADDRSTRLEN */
};

int peer_text(struct peer *p);
int peer_log(struct peer *p);

#endif
