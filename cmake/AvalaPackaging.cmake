# CPack: `cpack` in a build tree (scripts/package.sh does it for the release
# preset) makes Debian packages of the three install components and a tarball
# of everything:
#   libavala<ABI major>  runtime: lib/libavala.so.<ABI major>[.x.y.z]
#   libavala-dev         development: headers, libavala.so (or libavala.a),
#                        avala.pc, lib/cmake/avala, LICENSE/README/CHANGELOG
#   avala-tools          tools: bin/avala, bin/avala-emulator
#   avala-<version>-Linux.tar.gz  all of them, relocatable (RUNPATH, avala.pc)
set(CPACK_PACKAGE_NAME avala)
set(CPACK_PACKAGE_VENDOR "The libavala authors")
set(CPACK_PACKAGE_CONTACT "The libavala authors")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://avala.ai")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_GENERATOR DEB TGZ)
set(CPACK_SOURCE_GENERATOR "")
set(CPACK_PACKAGE_DIRECTORY "${CMAKE_BINARY_DIR}/packages")
# The tarball holds every component in one tree; the debs one component each.
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime development tools)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Packages are stripped (a build tree keeps its debug info).
set(CPACK_STRIP_FILES ON)

set(_soname_pkg libavala${AVALA_ABI_MAJOR})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://avala.ai")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME ${_soname_pkg})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION "Avala SDK: the shared library (C ABI, SONAME libavala.so.${AVALA_ABI_MAJOR})")
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME libavala-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_COMPONENT_DEVELOPMENT_DESCRIPTION "Avala SDK: headers (avala.h, avala.hpp), pkg-config and CMake files")
set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME avala-tools)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION utils)
set(CPACK_COMPONENT_TOOLS_DESCRIPTION "Avala SDK: the avala command-line tool and avala-emulator")
# Dependencies on Debian's libraries come from dpkg-shlibdeps; those between
# our packages are exact (they are built together).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${CMAKE_BINARY_DIR}/capi")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)  # only libavala0 holds a shared library
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(_exact "(= ${PROJECT_VERSION})")
if(AVALA_STATIC)
  # libavala.a: the -dev package is all there is; its users link OpenSSL, simdjson and zlib.
  set(CPACK_COMPONENTS_ALL development tools)
  set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS "libssl-dev, libsimdjson-dev, zlib1g-dev")
else()
  set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS "${_soname_pkg} ${_exact}")
  set(CPACK_DEBIAN_TOOLS_PACKAGE_DEPENDS "${_soname_pkg} ${_exact}")
endif()
set(CPACK_PROJECT_CONFIG_FILE "${PROJECT_SOURCE_DIR}/cmake/CPackOptions.cmake")
include(CPack)
