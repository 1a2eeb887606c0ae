# Test helpers for v6kit's CTest suite.
#
# v6_add_cmocka_test(<name>
#     SOURCES <file>...          the cmocka test program (tests/<part>/test_<module>.c)
#     [LIBRARIES <lib>...]       linked besides cmocka and the v6test harness library
#     [PRELOAD <item>...]        LD_PRELOAD, in this order: a CMake target name
#                                (e.g. v6shim) or the word nss_wrapper
#     [HOSTS <file>]             NSS_WRAPPER_HOSTS file (default tests/data/hosts
#                                whenever nss_wrapper is preloaded)
#     [ENV <VAR=value>...]       extra environment
#     [NETNS]                    run inside a private network namespace that has
#                                only loopback: no lookup can leave the machine
#     [LABELS <label>...] [TIMEOUT <seconds>])
#
# v6_add_command_test(<name> COMMAND <argv>... [PRELOAD ...] [HOSTS f] [ENV ...]
#                     [NETNS] [LABELS ...] [TIMEOUT s] [WORKING_DIRECTORY d])
#     Same environment handling for a test that is a command (script, tool).
#
# A test that needs IPv6 on a host without it skips (exit 77 = SKIP_RETURN_CODE,
# or cmocka's skip()) instead of failing.

# V6_VALGRIND=ON runs every cmocka test program under valgrind's memcheck
# (the `valgrind` preset); an error or a definite leak fails the test.
option(V6_VALGRIND "Run cmocka tests under valgrind memcheck" OFF)
if(V6_VALGRIND)
  find_program(VALGRIND_EXECUTABLE valgrind REQUIRED)
  if(V6_SANITIZE)
    message(FATAL_ERROR "V6_VALGRIND and V6_SANITIZE cannot be combined")
  endif()
endif()

set(V6_TEST_DATA_DIR ${PROJECT_SOURCE_DIR}/tests/data)
set(V6_NETNS_RUNNER ${PROJECT_SOURCE_DIR}/tests/netns-run.sh)

function(_v6_test_env out_env)
  cmake_parse_arguments(E "NETNS" "HOSTS" "PRELOAD;ENV" ${ARGN})
  set(preload "")
  set(uses_nss OFF)
  foreach(item IN LISTS E_PRELOAD)
    if(item STREQUAL "nss_wrapper")
      list(APPEND preload "${NSS_WRAPPER_LIBRARY}")
      set(uses_nss ON)
    elseif(TARGET ${item})
      list(APPEND preload "$<TARGET_FILE:${item}>")
    else()
      message(FATAL_ERROR "v6 test: PRELOAD item '${item}' is neither a target nor nss_wrapper")
    endif()
  endforeach()
  set(env ${E_ENV})
  if(preload)
    # A sanitized shim needs its runtime ahead of it in the preload list.
    if(V6_SANITIZER_RUNTIME)
      list(PREPEND preload "${V6_SANITIZER_RUNTIME}")
    endif()
    list(JOIN preload ":" preload_str)
    # Under NETNS the runner's own tools (unshare, ip) must not be preloaded:
    # it takes the list from V6_TEST_LD_PRELOAD and sets it just before exec.
    if(E_NETNS)
      list(APPEND env "V6_TEST_LD_PRELOAD=${preload_str}")
    else()
      list(APPEND env "LD_PRELOAD=${preload_str}")
    endif()
  endif()
  if(E_HOSTS)
    list(APPEND env "NSS_WRAPPER_HOSTS=${E_HOSTS}")
  elseif(uses_nss)
    list(APPEND env "NSS_WRAPPER_HOSTS=${V6_TEST_DATA_DIR}/hosts")
  endif()
  if(V6_SANITIZE STREQUAL "address")
    list(APPEND env "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:verify_asan_link_order=0"
                    "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
  elseif(V6_SANITIZE STREQUAL "thread")
    list(APPEND env "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=${PROJECT_SOURCE_DIR}/tests/tsan.supp")
  endif()
  set(${out_env} "${env}" PARENT_SCOPE)
endfunction()

# Register test NAME running COMMAND with the environment, namespace and
# properties both public helpers share. ARGN: the public helpers' keywords.
function(_v6_register_test name)
  cmake_parse_arguments(T "NETNS" "HOSTS;TIMEOUT;WORKING_DIRECTORY"
                        "COMMAND;PRELOAD;ENV;LABELS;SOURCES;LIBRARIES" ${ARGN})
  set(cmd ${T_COMMAND})
  set(netns "")
  if(T_NETNS)
    set(cmd ${V6_NETNS_RUNNER} ${cmd})
    set(netns NETNS)
  endif()
  add_test(NAME ${name} COMMAND ${cmd})
  _v6_test_env(env ${netns} PRELOAD ${T_PRELOAD} HOSTS ${T_HOSTS} ENV ${T_ENV})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "${env}" TIMEOUT ${T_TIMEOUT} SKIP_RETURN_CODE 77
    LABELS "${T_LABELS}")
  if(T_WORKING_DIRECTORY)
    set_tests_properties(${name} PROPERTIES WORKING_DIRECTORY "${T_WORKING_DIRECTORY}")
  endif()
endfunction()

function(v6_add_cmocka_test name)
  cmake_parse_arguments(T "NETNS" "HOSTS;TIMEOUT;WORKING_DIRECTORY"
                        "SOURCES;LIBRARIES;PRELOAD;ENV;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE v6test cmocka::cmocka ${T_LIBRARIES})
  set(cmd $<TARGET_FILE:${name}>)
  if(V6_VALGRIND)
    set(cmd ${VALGRIND_EXECUTABLE} --quiet --error-exitcode=97 --leak-check=full
            --errors-for-leak-kinds=definite --show-leak-kinds=definite
            --suppressions=${PROJECT_SOURCE_DIR}/tests/valgrind.supp ${cmd})
  endif()
  _v6_register_test(${name} ${ARGN} COMMAND ${cmd})
  if(V6_VALGRIND)
    set_property(TEST ${name} APPEND PROPERTY LABELS valgrind)
  endif()
endfunction()

function(v6_add_command_test name)
  _v6_register_test(${name} ${ARGN})
endfunction()
