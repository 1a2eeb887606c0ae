/* v6-addr-string-buffer-small fix-its. */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

#define ADDR_TEXT 16

int show_numeric(const struct sockaddr *sa, socklen_t len);
int show_name(const struct sockaddr *sa, socklen_t len);
int show_with_port(const struct sockaddr_storage *ss, unsigned port);
int show_macro(const struct sockaddr_storage *ss);

/* numeric text: INET6_ADDRSTRLEN */
int show_numeric(const struct sockaddr *sa, socklen_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (getnameinfo(sa, len, host, sizeof(host), NULL, 0, NI_NUMERICSERV | NI_NUMERICHOST) != 0)
		return -1;
	return puts(host);
}

/* a name: NI_MAXHOST */
int show_name(const struct sockaddr *sa, socklen_t len)
{
	char host[NI_MAXHOST];

	if (getnameinfo(sa, len, host, sizeof(host), NULL, 0, 0) != 0)
		return -1;
	return puts(host);
}

/* INET_ADDRSTRLEN inside an expression: only that token changes */
int show_with_port(const struct sockaddr_storage *ss, unsigned port)
{
	char text[INET6_ADDRSTRLEN + 6];
	const void *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;

	if (!inet_ntop(ss->ss_family, a, text, sizeof(text)))
		return -1;
	return printf("[%s]:%u\n", text, port);
}

/* the size is a project macro: reported, no fix-it */
int show_macro(const struct sockaddr_storage *ss)
{
	char text[ADDR_TEXT];
	const void *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;

	if (!inet_ntop(ss->ss_family, a, text, sizeof(text)))
		return -1;
	return puts(text);
}
