#!/usr/bin/env bash
# Stands in for a tool CMake did not find, so its tests fail saying so.
echo "$1 not found: run scripts/install-deps.sh, then reconfigure" >&2
exit 1
