#include <arpa/inet.h>
#include <netinet/in.h>

#include "peer.h"

int peer_text(struct peer *p)
{
	const void *a = &((struct sockaddr_in6 *)&p->addr)->sin6_addr;

	return inet_ntop(p->addr.ss_family, a, p->text, sizeof(p->text)) ? 0 : -1;
}
