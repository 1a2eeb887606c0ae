/* checks — the check objects, one per file in this folder. Only the registry
 * includes this header. */
#ifndef V6SCAN_CHECKS_H
#define V6SCAN_CHECKS_H

#include "../check.h"

extern const struct v6scan_check check_gethostbyaddr;
extern const struct v6scan_check check_gethostbyname;
extern const struct v6scan_check check_hostent_fields;
extern const struct v6scan_check check_inaddr_constant;
extern const struct v6scan_check check_inet_addr;
extern const struct v6scan_check check_inet_ntoa;
extern const struct v6scan_check check_sockaddr_generic_storage;
extern const struct v6scan_check check_sockaddr_in_as_storage;
extern const struct v6scan_check check_sockaddr_in_decl;
extern const struct v6scan_check check_socket_af_inet;

#endif
