# cmake -DFILE=<staged avala CLI> -P set_cli_runpath.cmake: points the copy's
# RUNPATH at the package folder above avala/_bin/, where libavala.so.0 is.
# (The build tree's RUNPATH is an absolute path, always longer, so it fits.)
file(RPATH_SET FILE "${FILE}" NEW_RPATH "$ORIGIN/..")
