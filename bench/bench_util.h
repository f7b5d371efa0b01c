/* The small helpers the C bench programs share: a monotonic clock and
 * "--name value" arguments. */
#ifndef AVALA_BENCH_UTIL_H
#define AVALA_BENCH_UTIL_H

#include <string.h>
#include <time.h>

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const char *arg(int argc, char **argv, const char *name, const char *def) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return def;
}

#endif
