/*
 * legacy_gethost NAME — written the way old code was: gethostbyname, the
 * first address only, printed with inet_ntoa. Prints the address and exits
 * 0, or prints "h_errno N" and exits 1. Run under v6run by the tests.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: legacy_gethost NAME\n");
        return 2;
    }
    struct hostent *h = gethostbyname(argv[1]);
    if (h == NULL) {
        printf("h_errno %d\n", h_errno);
        return 1;
    }
    printf("%s\n", inet_ntoa(*(struct in_addr *)h->h_addr));
    return 0;
}
