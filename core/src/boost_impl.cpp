// Boost.JSON and Boost.URL are compiled here, once, instead of being linked
// as shared libraries: libavala.so then depends on nothing but OpenSSL.
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>
