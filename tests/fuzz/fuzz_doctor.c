/*
 * fuzz_doctor — `v6run --doctor` on hostile files: elfsyms_read (shim/
 * elfsyms.h) on any bytes, doctor_judge on what it read, doctor_caps_text
 * on any security.capability value (shim/doctor.h).
 *
 * Input: a flags byte (bit 0 set-uid, bit 1 set-gid, bit 2 capabilities
 * present), a capability length byte and that many bytes, a caps buffer
 * size byte, then the ELF image.
 * Properties: elfsyms_read returns 0, -ENOEXEC or -ENOMEM, and on -ENOEXEC
 * keeps nothing; every kept string is non-empty, at most ELFSYMS_MAX_NAME
 * + 3 bytes, without control characters; imports sorted and unique; counts
 * within their caps. doctor_judge returns 0, 3 or 4; its output is whole
 * lines, each starting with a documented key, one verdict; 4 exactly when
 * there is a blocker line, 0 exactly when there is an ipv4-only line and no
 * blocker. doctor_caps_text returns 0 or -EINVAL and writes a terminated
 * string inside its buffer, never past it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "doctor.h"
#include "elfsyms.h"
#include "fuzz_input.h"

static void check_string(const char *s)
{
    FUZZ_CHECK(s != NULL);
    size_t n = strlen(s);
    FUZZ_CHECK(n > 0 && n <= ELFSYMS_MAX_NAME + 3);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
}

static void check_elfsyms(int rc, const struct elfsyms *e)
{
    FUZZ_CHECK(rc == 0 || rc == -ENOEXEC || rc == -ENOMEM);
    if (rc == -ENOEXEC) {
        FUZZ_CHECK(!e->interp && !e->nneeded && !e->nimports && !e->needed && !e->imports);
        return;
    }
    if (e->interp)
        check_string(e->interp);
    FUZZ_CHECK(e->nneeded <= ELFSYMS_MAX_NEEDED && e->nimports <= ELFSYMS_MAX_IMPORTS);
    for (size_t i = 0; i < e->nneeded; i++)
        check_string(e->needed[i]);
    for (size_t i = 0; i < e->nimports; i++) {
        check_string(e->imports[i]);
        if (i)
            FUZZ_CHECK(strcmp(e->imports[i - 1], e->imports[i]) < 0);
    }
}

static void check_judgement(int rc, const char *text, size_t len)
{
    static const char *const keys[] = {
        "file: ",   "elf: ",           "interpreter: ", "needed:",   "privileges: ", "ipv4-only: ",
        "sockets:", "af-independent:", "blocker: ",     "verdict: ", "advice: ",
    };
    FUZZ_CHECK(rc == DOCTOR_NEEDS_SHIM || rc == DOCTOR_NOTHING || rc == DOCTOR_UNREACHABLE);
    FUZZ_CHECK(len > 0 && text[len - 1] == '\n' && strlen(text) == len);
    size_t verdicts = 0, blockers = 0, v4 = 0;
    for (const char *l = text; *l;) {
        const char *end = strchr(l, '\n');
        bool known = false;
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (strncmp(l, keys[k], strlen(keys[k])) == 0)
                known = true;
        FUZZ_CHECK(known);
        verdicts += strncmp(l, "verdict: ", 9) == 0;
        blockers += strncmp(l, "blocker: ", 9) == 0;
        v4 += strncmp(l, "ipv4-only: ", 11) == 0;
        l = end + 1;
    }
    FUZZ_CHECK(verdicts == 1);
    FUZZ_CHECK((rc == DOCTOR_UNREACHABLE) == (blockers > 0));
    FUZZ_CHECK((rc == DOCTOR_NEEDS_SHIM) == (v4 > 0 && blockers == 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = {data, size};
    unsigned flags = fuzz_u8(&in);
    unsigned char caps[255];
    size_t capslen = fuzz_bytes(&in, caps, fuzz_u8(&in));
    size_t textlen = fuzz_u8(&in) % 64 + 1;

    /* the capability text, in a buffer with a guard after it */
    char buf[64 + 8];
    memset(buf, 'G', sizeof buf);
    int crc = doctor_caps_text(caps, capslen, buf, textlen);
    FUZZ_CHECK(crc == 0 || crc == -EINVAL);
    FUZZ_CHECK(memchr(buf, '\0', textlen) != NULL);
    for (size_t i = textlen; i < sizeof buf; i++)
        FUZZ_CHECK(buf[i] == 'G');

    /* the image in a buffer of its own size, so ASan sees any overread */
    size_t n = in.n;
    unsigned char *img = malloc(n ? n : 1);
    if (!img)
        return 0;
    memcpy(img, in.p, n);
    struct elfsyms e;
    int rc = elfsyms_read(img, n, &e);
    check_elfsyms(rc, &e);
    if (rc == 0) {
        struct doctor_priv p = {
            .mode = 0755 | (flags & 1 ? S_ISUID : 0) | (flags & 2 ? S_ISGID : 0),
            .uid = 0,
            .gid = 0,
            .caps = flags & 4 ? caps : NULL,
            .capslen = flags & 4 ? capslen : 0,
        };
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);
        if (out) {
            int jrc = doctor_judge(out, "fuzz", &e, &p);
            fclose(out);
            check_judgement(jrc, text, len);
            free(text);
        }
    }
    elfsyms_free(&e);
    free(img);
    return 0;
}
