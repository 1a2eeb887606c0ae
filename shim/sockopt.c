/* sockopt — IPv4 option → IPv6 twin; see sockopt.h. */
#include "sockopt.h"

#include <netinet/in.h>
#include <string.h>

static const struct {
    int v4, v6;
} sockopt_twins[] = {
    {IP_TOS, IPV6_TCLASS},
    {IP_TTL, IPV6_UNICAST_HOPS},
    {IP_MULTICAST_TTL, IPV6_MULTICAST_HOPS},
    {IP_MULTICAST_LOOP, IPV6_MULTICAST_LOOP},
    {IP_RECVTOS, IPV6_RECVTCLASS},
    {IP_PKTINFO, IPV6_RECVPKTINFO},
    {IP_RECVERR, IPV6_RECVERR},
    {IP_MTU_DISCOVER, IPV6_MTU_DISCOVER},
    {IP_RECVTTL, IPV6_RECVHOPLIMIT},
};

bool sockopt_v6_twin(int name, const void *val, socklen_t len, int *name6, int *val6)
{
    for (size_t i = 0; i < sizeof sockopt_twins / sizeof sockopt_twins[0]; i++) {
        if (sockopt_twins[i].v4 != name)
            continue;
        if (!val)
            return false;
        if (len >= (socklen_t)sizeof(int)) {
            memcpy(val6, val, sizeof(int));
        } else if (len == 1 && (name == IP_MULTICAST_TTL || name == IP_MULTICAST_LOOP)) {
            /* ip(7): these two accept a single byte too. */
            *val6 = *(const unsigned char *)val;
        } else {
            return false;
        }
        *name6 = sockopt_twins[i].v6;
        return true;
    }
    return false;
}
