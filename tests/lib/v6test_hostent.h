/*
 * v6test_hostent.h — assert_same_hostent(): two hostents are equal field by
 * field (name, type, length, every alias and address, in order), as the
 * tests comparing the shim's answers with libc's need. Header-only;
 * include after <cmocka.h>.
 */
#ifndef V6TEST_HOSTENT_H
#define V6TEST_HOSTENT_H

#include <netdb.h>
#include <stddef.h>

/* NOLINTBEGIN(v6-hostent-fields): comparing the IPv4 hostent API's results is the point. */
static inline void assert_same_hostent(const struct hostent *a, const struct hostent *b)
{
    assert_string_equal(a->h_name, b->h_name);
    assert_int_equal(a->h_addrtype, b->h_addrtype);
    assert_int_equal(a->h_length, b->h_length);
    size_t i = 0;
    for (; a->h_aliases[i] && b->h_aliases[i]; i++)
        assert_string_equal(a->h_aliases[i], b->h_aliases[i]);
    assert_null(a->h_aliases[i]);
    assert_null(b->h_aliases[i]);
    for (i = 0; a->h_addr_list[i] && b->h_addr_list[i]; i++)
        assert_memory_equal(a->h_addr_list[i], b->h_addr_list[i], (size_t)a->h_length);
    assert_null(a->h_addr_list[i]);
    assert_null(b->h_addr_list[i]);
}
/* NOLINTEND(v6-hostent-fields) */

#endif
