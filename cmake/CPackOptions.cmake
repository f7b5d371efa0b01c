# Read by cpack once per generator (CPACK_PROJECT_CONFIG_FILE): the Debian
# packages install into /usr; the tarball is a prefix of its own (bin/, lib/, ...).
if(CPACK_GENERATOR STREQUAL "TGZ")
  set(CPACK_PACKAGING_INSTALL_PREFIX "/")
endif()
