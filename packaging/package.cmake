# The Debian package: `cmake --build build --target package` writes
# build/outpost_<version>_<arch>.deb (install.sh --build-package does it).
#
# CPack DEB rather than debian/ and dpkg-buildpackage: CMake already builds
# and installs the binary, and CPack packages that same build directory in
# seconds; dpkg-buildpackage would configure and build the whole tree again
# in a clean directory and needs debhelper and a source-package layout that
# nothing else here uses. Depends is still computed by dpkg-shlibdeps
# (CPACK_DEBIAN_PACKAGE_SHLIBDEPS), the maintainer scripts and conffiles are
# packaging/deb/, and the files besides the binary are staged by
# packaging/stage-package.sh with install.sh's own jobs (same unit, env
# file, dashboards). The version is OUTPOST_VERSION (packaging/version.cmake).

set(OUTPOST_PACKAGE_MAINTAINER "outpost maintainers <outpost@example.org>"
    CACHE STRING "Maintainer field of the Debian package")

# /usr/share/doc/outpost: copyright and a one-entry changelog (a native
# package); the man page. Compressed here (gzip -n: reproducible).
set(doc ${CMAKE_BINARY_DIR}/package-doc)
file(MAKE_DIRECTORY ${doc})
execute_process(COMMAND git log -1 --format=%aD WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                OUTPUT_VARIABLE changelog_date OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT changelog_date)
  string(TIMESTAMP changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
endif()
file(WRITE ${doc}/changelog
     "outpost (${OUTPOST_VERSION}) unstable; urgency=medium\n\n"
     "  * Built from git revision ${OUTPOST_REVISION} (branch ${OUTPOST_BRANCH}).\n\n"
     " -- ${OUTPOST_PACKAGE_MAINTAINER}  ${changelog_date}\n")
foreach(pair "changelog|changelog.gz" "${PROJECT_SOURCE_DIR}/packaging/outpost.1|outpost.1.gz")
  string(REPLACE "|" ";" pair "${pair}")
  list(GET pair 0 from)
  list(GET pair 1 to)
  if(NOT IS_ABSOLUTE "${from}")
    set(from ${doc}/${from})
  endif()
  execute_process(COMMAND gzip -9nc ${from} OUTPUT_FILE ${doc}/${to} COMMAND_ERROR_IS_FATAL ANY)
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${PROJECT_SOURCE_DIR}/packaging/outpost.1)
install(FILES ${doc}/changelog.gz ${PROJECT_SOURCE_DIR}/packaging/deb/copyright
        DESTINATION share/doc/outpost)
install(FILES ${doc}/outpost.1.gz DESTINATION share/man/man1)
# The unit, env file, default config, dashboards and rules: only into a
# staging root (DESTDIR, as CPack sets it), never over a live /etc.
install(CODE "
  if(\"\$ENV{DESTDIR}\" STREQUAL \"\")
    message(STATUS \"outpost: no DESTDIR, the package's /etc and /lib files are not installed\")
  else()
    execute_process(COMMAND bash \"${PROJECT_SOURCE_DIR}/packaging/stage-package.sh\" \"\$ENV{DESTDIR}\"
                    COMMAND_ERROR_IS_FATAL ANY)
  endif()")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME outpost)
set(CPACK_PACKAGE_VERSION ${OUTPOST_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_SET_DESTDIR ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_VERSION ${OUTPOST_VERSION})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${OUTPOST_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "metrics agent compatible with Grafana Agent static mode")
set(CPACK_PACKAGE_DESCRIPTION "outpost runs embedded exporters (node, MySQL, Redis, its own metrics) and
scrape jobs, writes every sample to a Prometheus write-ahead log and ships
it to Prometheus remote-write endpoints. It reads the Grafana Agent
static-mode configuration. Dashboards and alerting rules are included.")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# useradd/userdel (passwd) run in the maintainer scripts. The libraries
# outpost opens when an integration first needs them (outpost_lazy_library
# in CMakeLists.txt) are not on the binary's DT_NEEDED list, where
# dpkg-shlibdeps looks.
get_property(lazy_packages GLOBAL PROPERTY OUTPOST_LAZY_PACKAGES)
list(REMOVE_DUPLICATES lazy_packages)
list(JOIN lazy_packages ", " lazy_depends)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "passwd, ${lazy_depends}")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/deb/conffiles ${PROJECT_SOURCE_DIR}/packaging/deb/postinst
    ${PROJECT_SOURCE_DIR}/packaging/deb/prerm ${PROJECT_SOURCE_DIR}/packaging/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
