# GCC 12 reports maybe-uninitialized and restrict false positives inside std headers at -O3.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set(VITRINA_WARNING_EXCEPTIONS -Wno-error=maybe-uninitialized -Wno-error=restrict)
endif()

# vitrina_component(<name> SOURCES ... DEPS ...): a static library vitrina::<name> whose
# include root is src/, with the project's warnings. A component links only what it may
# depend on (see STYLE and each component's README.md), so a wrong include fails to build.
function(vitrina_component name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(vitrina_${name} STATIC ${ARG_SOURCES})
  add_library(vitrina::${name} ALIAS vitrina_${name})
  target_include_directories(vitrina_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(vitrina_${name} PRIVATE -Wall -Wextra -Werror ${VITRINA_WARNING_EXCEPTIONS})
  target_link_libraries(vitrina_${name} PUBLIC ${ARG_DEPS})
endfunction()

# vitrina_unit_test(<name> SOURCES ... DEPS ...): a GoogleTest binary labelled `unit`.
function(vitrina_unit_test name)
  cmake_parse_arguments(ARG "POSTGRES" "" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT VITRINA_TESTS)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  set(extra_properties)
  if(ARG_POSTGRES)
    # Runs against the throwaway PostgreSQL cluster too (vitrina_postgres_fixture()).
    set(extra_properties FIXTURES_REQUIRED postgres
      ENVIRONMENT "VITRINA_TEST_PG_URL_FILE=${CMAKE_BINARY_DIR}/pg-test/url")
  endif()
  target_compile_options(${name} PRIVATE -Wall -Wextra -Werror ${VITRINA_WARNING_EXCEPTIONS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  set(labels unit)
  if(ARG_LABELS)
    set(labels ${ARG_LABELS})
  endif()
  gtest_discover_tests(${name} PROPERTIES LABELS "${labels}" ${extra_properties} DISCOVERY_TIMEOUT 60)
endfunction()

# The throwaway PostgreSQL cluster the POSTGRES tests share: started before the first of them,
# stopped after the last (scripts/pg-test-cluster).
function(vitrina_postgres_fixture)
  if(NOT VITRINA_TESTS)
    return()
  endif()
  add_test(NAME postgres_cluster_start
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/pg-test-cluster start ${CMAKE_BINARY_DIR}/pg-test)
  add_test(NAME postgres_cluster_stop
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/pg-test-cluster stop ${CMAKE_BINARY_DIR}/pg-test)
  set_tests_properties(postgres_cluster_start PROPERTIES FIXTURES_SETUP postgres LABELS unit)
  set_tests_properties(postgres_cluster_stop PROPERTIES FIXTURES_CLEANUP postgres LABELS unit)
endfunction()
