/* A tiny check harness shared by the C test programs (each is one file, so
 * the static state lives once per program). CHECK counts and reports a
 * failed condition with its line; report() prints an unexpected error and
 * frees it. */
#ifndef AVALA_TEST_CHECK_H
#define AVALA_TEST_CHECK_H

#include <avala.h>

#include <stdio.h>
#include <string.h>

static int passed = 0;
static int failed = 0;

static int check(int ok, const char *what, const char *file, int line) {
  if (ok) {
    ++passed;
  } else {
    ++failed;
    fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
  }
  return ok;
}
#define CHECK(cond) check((cond) != 0, #cond, __FILE__, __LINE__)

static int streq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

static void report(const char *call, int rc, avala_error *err) {
  fprintf(stderr, "%s failed: %d (%s): %s\n", call, rc, avala_status_name(rc),
          err ? avala_error_message(err) : "(no error object)");
  avala_error_free(err);
}

#endif
