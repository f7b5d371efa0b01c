// Boost.JSON and Boost.URL are used header-only: their implementations are compiled here, once.
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>
