# FindLibClang — locate libclang's C API (clang-c/Index.h + libclang.so).
#
# Result: LibClang_FOUND, target LibClang::LibClang, LibClang_VERSION (the
# CINDEX API version), LibClang_RESOURCE_DIR (the clang resource directory,
# holding include/stddef.h, so system headers resolve at run time).
#
# Search order: V6_LIBCLANG_ROOT, then `llvm-config --prefix`, then every
# /usr/lib/llvm-N (newest first).

set(_hints "")
if(V6_LIBCLANG_ROOT)
  list(APPEND _hints "${V6_LIBCLANG_ROOT}")
endif()
find_program(_llvm_config NAMES llvm-config)
if(_llvm_config)
  execute_process(COMMAND ${_llvm_config} --prefix OUTPUT_VARIABLE _p
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  list(APPEND _hints "${_p}")
endif()
file(GLOB _llvm_dirs LIST_DIRECTORIES true /usr/lib/llvm-*)
list(SORT _llvm_dirs COMPARE NATURAL ORDER DESCENDING)
list(APPEND _hints ${_llvm_dirs})

find_path(LibClang_INCLUDE_DIR clang-c/Index.h HINTS ${_hints} PATH_SUFFIXES include NO_DEFAULT_PATH)
find_path(LibClang_INCLUDE_DIR clang-c/Index.h)
if(LibClang_INCLUDE_DIR)
  get_filename_component(_prefix "${LibClang_INCLUDE_DIR}" DIRECTORY)
  find_library(LibClang_LIBRARY NAMES clang libclang HINTS "${_prefix}/lib" NO_DEFAULT_PATH)
endif()
find_library(LibClang_LIBRARY NAMES clang libclang)

if(LibClang_INCLUDE_DIR AND EXISTS "${LibClang_INCLUDE_DIR}/clang-c/Index.h")
  file(STRINGS "${LibClang_INCLUDE_DIR}/clang-c/Index.h" _maj REGEX "#define CINDEX_VERSION_MAJOR [0-9]+")
  file(STRINGS "${LibClang_INCLUDE_DIR}/clang-c/Index.h" _min REGEX "#define CINDEX_VERSION_MINOR [0-9]+")
  string(REGEX REPLACE ".* ([0-9]+)$" "\\1" _maj "${_maj}")
  string(REGEX REPLACE ".* ([0-9]+)$" "\\1" _min "${_min}")
  set(LibClang_VERSION "${_maj}.${_min}")
  # The resource dir lives beside the library: <prefix>/lib/clang/<version>.
  get_filename_component(_prefix "${LibClang_INCLUDE_DIR}" DIRECTORY)
  file(GLOB _res LIST_DIRECTORIES true "${_prefix}/lib/clang/*")
  list(SORT _res COMPARE NATURAL ORDER DESCENDING)
  foreach(_r IN LISTS _res)
    if(EXISTS "${_r}/include/stddef.h")
      set(LibClang_RESOURCE_DIR "${_r}")
      break()
    endif()
  endforeach()
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LibClang
  REQUIRED_VARS LibClang_LIBRARY LibClang_INCLUDE_DIR
  VERSION_VAR LibClang_VERSION)

if(LibClang_FOUND AND NOT TARGET LibClang::LibClang)
  add_library(LibClang::LibClang UNKNOWN IMPORTED)
  set_target_properties(LibClang::LibClang PROPERTIES
    IMPORTED_LOCATION "${LibClang_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LibClang_INCLUDE_DIR}")
endif()
mark_as_advanced(LibClang_INCLUDE_DIR LibClang_LIBRARY)
