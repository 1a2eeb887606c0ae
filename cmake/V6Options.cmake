# Build options shared by every part of v6kit.
#
#   V6_SANITIZE  ""            plain build
#                "address"     AddressSanitizer + UndefinedBehaviorSanitizer
#                "thread"      ThreadSanitizer
#   V6_WERROR    ON in CI: warnings are errors
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
