# Test conventions: every `*_test.cc` in a folder is one GoogleTest binary;
# each TEST inside it becomes its own CTest test carrying the folder's label
# (unit: no database; mysql: real MariaDB; e2e: real processes).
include(GoogleTest)

function(crm_add_test_dir dir label)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  file(GLOB test_sources CONFIGURE_DEPENDS ${dir}/*_test.cc)
  foreach(source IN LISTS test_sources)
    get_filename_component(name ${source} NAME_WE)
    set(target ${label}_${name})
    add_executable(${target} ${source})
    target_link_libraries(${target} PRIVATE ${ARG_LIBS} GTest::gmock GTest::gtest_main)
    gtest_discover_tests(${target}
      DISCOVERY_MODE PRE_TEST
      TEST_PREFIX "${label}."
      PROPERTIES LABELS ${label} TIMEOUT 300)
  endforeach()
endfunction()
