# Third-party dependencies, found the CMake way. A missing one stops configure
# with the Debian package that provides it (scripts/install-deps.sh installs
# them all).

find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "pkg-config not found: apt-get install pkg-config")
endif()

# libbsd: strtonum for numeric options and ports (v6run, v6scan, the ported
# samples, as OpenBSD's nc uses it), strlcpy. Never linked into libv6shim.so:
# the preloaded library needs only libc (test shim_needs_only_libc).
pkg_check_modules(LIBBSD IMPORTED_TARGET libbsd)
if(NOT LIBBSD_FOUND)
  message(FATAL_ERROR "libbsd not found: apt-get install libbsd-dev")
endif()

find_package(Threads REQUIRED)

# libclang and jansson (v6scan only: -DV6_BUILD_SCANNER=OFF configures
# without them). No libclang version is hard-coded: the newest llvm-N found
# wins, and V6_LIBCLANG_ROOT overrides the search.
if(V6_BUILD_SCANNER)
  # jansson: reading baselines, reports and compile databases.
  pkg_check_modules(JANSSON IMPORTED_TARGET jansson)
  if(NOT JANSSON_FOUND)
    message(FATAL_ERROR "jansson not found: apt-get install libjansson-dev "
                        "(or -DV6_BUILD_SCANNER=OFF to build without v6scan)")
  endif()
  find_package(LibClang)
  if(NOT LibClang_FOUND)
    message(FATAL_ERROR "libclang not found: apt-get install libclang-dev "
                        "(Debian 12: libclang-14-dev), or set V6_LIBCLANG_ROOT "
                        "(or -DV6_BUILD_SCANNER=OFF to build without v6scan)")
  endif()
endif()

if(BUILD_TESTING)
  find_package(cmocka CONFIG QUIET)
  if(NOT cmocka_FOUND)
    pkg_check_modules(CMOCKA IMPORTED_TARGET cmocka)
    if(NOT CMOCKA_FOUND)
      message(FATAL_ERROR "cmocka not found: apt-get install libcmocka-dev (or -DBUILD_TESTING=OFF)")
    endif()
    add_library(cmocka::cmocka ALIAS PkgConfig::CMOCKA)
  elseif(NOT TARGET cmocka::cmocka)
    add_library(cmocka::cmocka INTERFACE IMPORTED)
    target_include_directories(cmocka::cmocka INTERFACE ${CMOCKA_INCLUDE_DIR})
    target_link_libraries(cmocka::cmocka INTERFACE ${CMOCKA_LIBRARIES})
  endif()

  # libnss-wrapper: test hosts files with IPv6-only names.
  find_library(NSS_WRAPPER_LIBRARY NAMES nss_wrapper)
  if(NOT NSS_WRAPPER_LIBRARY)
    message(FATAL_ERROR "libnss_wrapper.so not found: apt-get install libnss-wrapper")
  endif()
endif()
