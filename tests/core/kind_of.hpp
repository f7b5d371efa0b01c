// The ErrorKind an expression throws, for CHECK(kind_of([&] { ... }) == ...).
#pragma once

#include <doctest/doctest.h>

#include "avala/error.hpp"

template <class F>
avala::ErrorKind kind_of(F&& f) {
  try {
    f();
  } catch (const avala::Error& e) {
    return e.kind();
  }
  FAIL("expected an avala::Error");
  return avala::ErrorKind::internal;
}
