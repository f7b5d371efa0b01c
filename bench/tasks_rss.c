/* avala-bench-rss: peak memory while walking every task through the C ABI.
 *
 *   avala-bench-rss URL KEY LIMIT
 *
 * Prints one JSON line: the items seen, VmRSS right after the first page
 * arrived, and VmHWM (the peak) and VmRSS at the end, in KiB. Runs in a process
 * of its own so nothing but the iterator can raise the peak. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, dlopen */
#include <avala.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A "Vm...:   1234 kB" line of /proc/self/status, in KiB; -1 if absent. */
static long status_kib(const char *field) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  size_t n = strlen(field);
  long value = -1;
  if (f == NULL) return -1;
  while (fgets(line, sizeof line, f) != NULL) {
    if (strncmp(line, field, n) == 0 && line[n] == ':') {
      value = strtol(line + n + 1, NULL, 10);
      break;
    }
  }
  fclose(f);
  return value;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what, int rc, avala_error *err) {
  fprintf(stderr, "avala-bench-rss: %s: %s (%s)\n", what, avala_status_name(rc),
          err != NULL ? avala_error_message(err) : "");
  avala_error_free(err);
  return 1;
}

int main(int argc, char **argv) {
  avala_client_options copts = AVALA_CLIENT_OPTIONS_INIT;
  avala_list_options lopts = AVALA_LIST_OPTIONS_INIT;
  avala_client *client = NULL;
  avala_iter *it = NULL;
  avala_object *task = NULL;
  avala_error *err = NULL;
  long items = 0, chars = 0, rss_first = -1;
  double t0;
  int rc;

  if (argc != 4) {
    fputs("usage: avala-bench-rss URL KEY LIMIT\n", stderr);
    return 2;
  }
  copts.base_url = argv[1];
  copts.api_key = argv[2];
  lopts.limit = atoi(argv[3]);
  if ((rc = avala_client_new(&client, &copts, &err)) != AVALA_OK) return fail("avala_client_new", rc, err);
  if ((rc = avala_task_list(&it, client, &lopts, &err)) != AVALA_OK) return fail("avala_task_list", rc, err);

  t0 = now_s();
  while ((rc = avala_iter_next(&task, it, &err)) == AVALA_OK) {
    const char *uid = avala_object_string(task, "uid");
    chars += uid != NULL ? (long)strlen(uid) : 0;
    if (++items == 1) rss_first = status_kib("VmRSS");
    avala_object_free(task);
  }
  if (rc != AVALA_ITER_END) return fail("avala_iter_next", rc, err);

  printf("{\"items\":%ld,\"chars\":%ld,\"seconds\":%.3f,\"rss_first_kib\":%ld,\"hwm_kib\":%ld,\"rss_end_kib\":%ld}\n",
         items, chars, now_s() - t0, rss_first, status_kib("VmHWM"), status_kib("VmRSS"));
  avala_iter_free(it);
  avala_client_free(client);
  return 0;
}
