# Build options shared by every part of v6kit.
#
#   V6_SANITIZE  ""            plain build
#                "address"     AddressSanitizer + UndefinedBehaviorSanitizer
#                "thread"      ThreadSanitizer
#   V6_WERROR    ON in CI: warnings are errors
#   V6_FUZZ      ON in the `fuzz` preset: clang's libFuzzer with ASan + UBSan
#                for every object, and the fuzz_<target> binaries of
#                tests/fuzz (scripts/fuzz.sh runs them)
#
# Sanitizer runtimes matter to the shim: a sanitized libv6shim.so preloaded
# into an uninstrumented program (nc.traditional) needs the runtime loaded
# first, so the runtime's path is exported as V6_SANITIZER_RUNTIME for v6run
# and for the test helper.

set(V6_SANITIZE "" CACHE STRING "Sanitizer build: empty, address (ASan+UBSan) or thread (TSan)")
set_property(CACHE V6_SANITIZE PROPERTY STRINGS "" address thread)
option(V6_WERROR "Treat compiler warnings as errors" OFF)

add_compile_options(-Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes
                    -Wmissing-prototypes -Wno-unused-parameter)
if(V6_WERROR)
  add_compile_options(-Werror)
endif()

option(V6_FUZZ "Build the libFuzzer targets of tests/fuzz (clang only)" OFF)
if(V6_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "V6_FUZZ needs clang (libFuzzer): use `cmake --preset fuzz`, "
                        "or CC=clang (apt-get install clang libclang-rt-dev)")
  endif()
  if(NOT V6_SANITIZE STREQUAL "")
    message(FATAL_ERROR "V6_FUZZ brings its own sanitizers (ASan + UBSan): leave V6_SANITIZE empty")
  endif()
  include(CheckCSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS -fsanitize=fuzzer)
  check_c_source_compiles("#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }" V6_HAVE_LIBFUZZER)
  unset(CMAKE_REQUIRED_FLAGS)
  if(NOT V6_HAVE_LIBFUZZER)
    message(FATAL_ERROR "clang cannot link -fsanitize=fuzzer: apt-get install libclang-rt-dev")
  endif()
  # Coverage for libFuzzer in every object; the fuzz binaries add the
  # libFuzzer main (-fsanitize=fuzzer) themselves.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

set(V6_SANITIZER_RUNTIME "")
if(V6_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  set(_rt libasan.so)
elseif(V6_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
  set(_rt libtsan.so)
elseif(NOT V6_SANITIZE STREQUAL "")
  message(FATAL_ERROR "V6_SANITIZE must be empty, 'address' or 'thread' (got '${V6_SANITIZE}')")
endif()
if(DEFINED _rt)
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=${_rt}
                  OUTPUT_VARIABLE _rt_path OUTPUT_STRIP_TRAILING_WHITESPACE)
  get_filename_component(_rt_path "${_rt_path}" REALPATH)
  if(NOT EXISTS "${_rt_path}")
    message(FATAL_ERROR "sanitizer runtime ${_rt} not found (Debian package: libgcc-12-dev)")
  endif()
  set(V6_SANITIZER_RUNTIME "${_rt_path}")
  message(STATUS "v6kit: sanitizer runtime ${V6_SANITIZER_RUNTIME}")
endif()
