/*
 * fuzz_input — what every v6kit fuzz target shares: reading structured
 * values from libFuzzer's bytes, and the check that turns a broken
 * property into a crash libFuzzer reports (with the input saved).
 *
 * A target is one file tests/fuzz/fuzz_<target>.c defining
 * LLVMFuzzerTestOneInput (and optionally LLVMFuzzerInitialize); it is
 * built as the libFuzzer binary fuzz_<target> in the fuzz preset and as
 * the replay program fuzz_replay_<target> (replay.c) in every test build.
 */
#ifndef V6TEST_FUZZ_INPUT_H
#define V6TEST_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry points: every target defines the first, some the second. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The rest of an input, consumed from the front. */
struct fuzz_input {
    const uint8_t *p;
    size_t n;
};

/* The next byte, 16-bit or 32-bit little-endian value; 0 past the end. */
uint8_t fuzz_u8(struct fuzz_input *in);
uint16_t fuzz_u16(struct fuzz_input *in);
uint32_t fuzz_u32(struct fuzz_input *in);

/* Copy up to MAX next bytes into OUT; returns how many (fewer at the end). */
size_t fuzz_bytes(struct fuzz_input *in, void *out, size_t max);

/* A NUL-terminated string into OUT[0..OUTLEN): a length byte (taken modulo
 * OUTLEN) then that many bytes, each NUL replaced by NONUL (when NONUL is
 * not 0). Returns OUT. */
char *fuzz_str(struct fuzz_input *in, char *out, size_t outlen, char nonul);

/* Abort with "fuzz check failed: FILE:LINE: EXPR" when EXPR is false:
 * libFuzzer reports the abort as a crash and keeps the input. */
#define FUZZ_CHECK(expr) ((expr) ? (void)0 : fuzz_check_failed(__FILE__, __LINE__, #expr))

_Noreturn void fuzz_check_failed(const char *file, int line, const char *expr);

#endif
