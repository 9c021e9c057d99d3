# The version of outpost and of its Debian package.
# From `git describe --tags --match v[0-9]*` (Debian syntax):
#   v1.2.0 -> 1.2.0; v1.2.0-5-gabc1234 -> 1.2.0+git5.gabc1234 (sorts after
#   1.2.0); v1.3.0-rc1 -> 1.3.0~rc1 (sorts before 1.3.0).
# A checkout with no such tag: <project version>~git<commits>.g<revision>
# (before that release, and increasing with each commit). Not a git
# checkout: the project version. -DOUTPOST_VERSION=V overrides it.
# It is both the package version and `outpost -version` (agent_build_info).
# Read when CMake configures (re-run cmake after a new tag).
function(outpost_describe_version out)
  execute_process(COMMAND git describe --tags --match "v[0-9]*"
                  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} RESULT_VARIABLE rc
                  OUTPUT_VARIABLE described OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  execute_process(COMMAND git rev-list --count HEAD
                  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} RESULT_VARIABLE count_rc
                  OUTPUT_VARIABLE count OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(rc EQUAL 0)
    string(REGEX REPLACE "^v" "" described "${described}")
    set(after "")
    if(described MATCHES "^(.*)-([0-9]+)-g([0-9a-f]+)$")
      set(described "${CMAKE_MATCH_1}")
      set(after "+git${CMAKE_MATCH_2}.g${CMAKE_MATCH_3}")
    endif()
    string(REPLACE "-" "~" described "${described}")
    set(${out} "${described}${after}" PARENT_SCOPE)
  elseif(count_rc EQUAL 0 AND NOT OUTPOST_REVISION STREQUAL "unknown")
    set(${out} "${PROJECT_VERSION}~git${count}.g${OUTPOST_REVISION}" PARENT_SCOPE)
  else()
    set(${out} "${PROJECT_VERSION}" PARENT_SCOPE)
  endif()
endfunction()

if(NOT OUTPOST_VERSION)
  outpost_describe_version(OUTPOST_VERSION)
endif()
if(NOT OUTPOST_VERSION MATCHES "^[0-9][A-Za-z0-9.+~]*$")
  message(FATAL_ERROR "OUTPOST_VERSION \"${OUTPOST_VERSION}\" is not a Debian "
                      "upstream version (a digit, then letters, digits and . + ~)")
endif()
