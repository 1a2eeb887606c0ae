# Packaging: `cpack -G DEB` (from a build directory) makes one .deb per
# component, so a server can take the shim without libclang:
#
#   v6kit-shim     v6run, libv6shim.so (LIBDIR/v6kit, not on the linker's
#                  path), v6run(1), v6shim.conf(5), v6shim.conf.example,
#                  bash completion for v6run
#   v6kit-scanner  v6scan, v6scan(1), the check pages --explain reads,
#                  bash completion for v6scan
#   v6kit-docs     porting guide, internals notes, sample sources
#
# Depends: from what the binaries really load (dpkg-shlibdeps through
# CPACK_DEBIAN_PACKAGE_SHLIBDEPS: libc6, libbsd0; libclang1-N, libjansson4
# for the scanner), plus what no ELF header names: v6scan needs clang's
# builtin headers (stddef.h, ...) from the resource directory it was built
# against; the Debian package holding it is asked of dpkg at configure time.
# The sample executables (component samples, -DV6_INSTALL_SAMPLES=ON) are
# never packaged. Test: tests/package (package_deb).

set(CPACK_PACKAGE_NAME v6kit)
set(CPACK_PACKAGE_VENDOR "v6kit")
set(CPACK_PACKAGE_CONTACT "v6kit maintainers <v6kit@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL "")
foreach(_c shim scanner docs)
  if((_c STREQUAL "shim" AND NOT V6_BUILD_SHIM) OR (_c STREQUAL "scanner" AND NOT V6_BUILD_SCANNER))
    continue()
  endif()
  list(APPEND CPACK_COMPONENTS_ALL ${_c})
endforeach()

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)          # v6kit-shim_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/v6kit/v6kit")

set(CPACK_DEBIAN_SHIM_PACKAGE_NAME v6kit-shim)
set(CPACK_DEBIAN_SHIM_DESCRIPTION
    "run IPv4-only programs over IPv6 (LD_PRELOAD shim and v6run launcher)\nlibv6shim.so makes a legacy IPv4-only binary reach IPv6 hosts and accept\nIPv6 clients without a rebuild; v6run preloads it and checks the setup.")
set(CPACK_DEBIAN_SCANNER_PACKAGE_NAME v6kit-scanner)
set(CPACK_DEBIAN_SCANNER_DESCRIPTION
    "find IPv4-only code in C sources (libclang-based scanner)\nv6scan reports each IPv4-only pattern with the AF-independent replacement,\nas text, JSON, SARIF 2.1.0 or an HTML page, for people and for CI.")
set(CPACK_DEBIAN_DOCS_PACKAGE_NAME v6kit-docs)
set(CPACK_DEBIAN_DOCS_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_DOCS_DESCRIPTION
    "IPv6 porting guide and sample programs for v6kit\nEach legacy IPv4-only sample beside its address-family-independent port,\nand a porting guide that walks each diff.")

if(V6_BUILD_SCANNER AND LibClang_RESOURCE_DIR)
  find_program(V6_DPKG dpkg)
  if(V6_DPKG AND EXISTS "${LibClang_RESOURCE_DIR}/include/stddef.h")
    execute_process(COMMAND ${V6_DPKG} -S "${LibClang_RESOURCE_DIR}/include/stddef.h"
                    OUTPUT_VARIABLE _owner ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(_owner MATCHES "^([a-z0-9][a-z0-9.+-]*)(:[a-z0-9]+)?: ")
      set(CPACK_DEBIAN_SCANNER_PACKAGE_DEPENDS "${CMAKE_MATCH_1}")
    endif()
  endif()
  # the system headers of the code it scans
  set(CPACK_DEBIAN_SCANNER_PACKAGE_RECOMMENDS "libc6-dev | libc-dev")
endif()
set(CPACK_DEBIAN_DOCS_PACKAGE_SUGGESTS "v6kit-shim, v6kit-scanner")

include(CPack)
