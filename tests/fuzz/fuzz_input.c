/* fuzz_input — see fuzz_input.h. */
#include "fuzz_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint8_t fuzz_u8(struct fuzz_input *in)
{
    if (in->n == 0)
        return 0;
    in->n--;
    return *in->p++;
}

uint16_t fuzz_u16(struct fuzz_input *in)
{
    uint16_t lo = fuzz_u8(in);
    return (uint16_t)(lo | (uint16_t)fuzz_u8(in) << 8);
}

uint32_t fuzz_u32(struct fuzz_input *in)
{
    uint32_t lo = fuzz_u16(in);
    return lo | (uint32_t)fuzz_u16(in) << 16;
}

size_t fuzz_bytes(struct fuzz_input *in, void *out, size_t max)
{
    size_t k = in->n < max ? in->n : max;
    if (k > 0)
        memcpy(out, in->p, k);
    in->p += k;
    in->n -= k;
    return k;
}

char *fuzz_str(struct fuzz_input *in, char *out, size_t outlen, char nonul)
{
    size_t want = fuzz_u8(in) % outlen;
    size_t k = fuzz_bytes(in, out, want);
    out[k] = '\0';
    if (nonul)
        for (size_t i = 0; i < k; i++)
            if (out[i] == '\0')
                out[i] = nonul;
    return out;
}

void fuzz_check_failed(const char *file, int line, const char *expr)
{
    fprintf(stderr, "fuzz check failed: %s:%d: %s\n", file, line, expr);
    abort();
}
