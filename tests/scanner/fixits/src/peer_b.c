#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>

#include "peer.h"

int peer_log(struct peer *p)
{
	const void *a = &((struct sockaddr_in6 *)&p->addr)->sin6_addr;

	if (!inet_ntop(p->addr.ss_family, a, p->text, sizeof(p->text)))
		return -1;
	return printf("peer %s\n", p->text);
}
