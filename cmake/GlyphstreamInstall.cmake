# Installation: public headers, the library with an exported CMake package
# (find_package(glyphstream) -> glyphstream::glyphstream) and a pkg-config file. The tools install
# themselves (tools/*/CMakeLists.txt). Included from the top-level CMakeLists.txt.
include(CMakePackageConfigHelpers)

set(GLYPHSTREAM_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/glyphstream"
    CACHE STRING "Where the CMake package files go, relative to the prefix")

# The public headers use C++20 (defaulted comparisons): consumers of the exported target get it
# too, not only this project (CMAKE_CXX_STANDARD does not propagate).
target_compile_features(glyphstream PUBLIC cxx_std_20)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/glyphstream
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        COMPONENT glyphstream_Development
        FILES_MATCHING PATTERN "*.h")

install(TARGETS glyphstream EXPORT glyphstreamTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT glyphstream_Development
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT glyphstream_Runtime
                NAMELINK_COMPONENT glyphstream_Development
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT glyphstream_Runtime)

install(EXPORT glyphstreamTargets
        NAMESPACE glyphstream::
        FILE glyphstreamTargets.cmake
        DESTINATION ${GLYPHSTREAM_INSTALL_CMAKEDIR}
        COMPONENT glyphstream_Development)

configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/glyphstreamConfig.cmake.in
  ${PROJECT_BINARY_DIR}/glyphstreamConfig.cmake
  INSTALL_DESTINATION ${GLYPHSTREAM_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR)
# 0.x: a minor release may break the API, so only the same minor version is compatible.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/glyphstreamConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/glyphstreamConfig.cmake
              ${PROJECT_BINARY_DIR}/glyphstreamConfigVersion.cmake
        DESTINATION ${GLYPHSTREAM_INSTALL_CMAKEDIR}
        COMPONENT glyphstream_Development)

# pkg-config. A static libglyphstream.a needs its dependencies on every link line, so they go
# to Requires (plain `pkg-config --libs` works); a shared library hides them (Requires.private).
set(GLYPHSTREAM_PC_DEPS "pangoft2 fontconfig freetype2 harfbuzz epoxy egl vulkan")
get_target_property(_gs_type glyphstream TYPE)
if(_gs_type STREQUAL "STATIC_LIBRARY")
  set(GLYPHSTREAM_PC_REQUIRES "Requires: ${GLYPHSTREAM_PC_DEPS}")
  set(GLYPHSTREAM_PC_LIBS_PRIVATE "")
  set(GLYPHSTREAM_PC_LIBS_EXTRA " -pthread")
else()
  set(GLYPHSTREAM_PC_REQUIRES "Requires.private: ${GLYPHSTREAM_PC_DEPS}")
  set(GLYPHSTREAM_PC_LIBS_PRIVATE "Libs.private: -pthread")
  set(GLYPHSTREAM_PC_LIBS_EXTRA "")
endif()
unset(_gs_type)
# prefix is found from the .pc file's own place (${pcfiledir}), so that `cmake --install
# --prefix X` and moving the installed tree both work.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(GLYPHSTREAM_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(GLYPHSTREAM_PC_LIBDIR "${CMAKE_INSTALL_FULL_LIBDIR}")
  set(GLYPHSTREAM_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
else()
  file(RELATIVE_PATH _gs_up "/gs/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/gs")
  string(REGEX REPLACE "/$" "" _gs_up "${_gs_up}")
  set(GLYPHSTREAM_PC_PREFIX "\${pcfiledir}/${_gs_up}")
  set(GLYPHSTREAM_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
  set(GLYPHSTREAM_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
  unset(_gs_up)
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/glyphstream.pc.in ${PROJECT_BINARY_DIR}/glyphstream.pc
               @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/glyphstream.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
        COMPONENT glyphstream_Development)

# The installed package seen from an application: install into a temporary prefix, build
# examples/scroll_demo against it alone, run it under Xvfb (scripts/test-install.sh).
# Not in sanitizer builds: an instrumented libglyphstream.a cannot link into the plain example,
# and what this test checks (packaging) does not change with instrumentation.
option(GLYPHSTREAM_TEST_INSTALL "Register the install + example test (needs xvfb-run, GLFW)" ON)
if(GLYPHSTREAM_BUILD_TESTS AND GLYPHSTREAM_TEST_INSTALL AND NOT GLYPHSTREAM_SANITIZE)
  add_test(NAME install_and_example
           COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/test-install.sh ${PROJECT_BINARY_DIR})
  # RUN_SERIAL: it rebuilds (a no-op after a full build) and runs a whole X server.
  set_tests_properties(install_and_example PROPERTIES LABELS integration TIMEOUT 900
                       RUN_SERIAL TRUE)
endif()
