// Boost.JSON, compiled into the tool once (header-only mode): libavala.so
// keeps its own copy hidden, so the tool needs its own.
#include <boost/json/src.hpp>
