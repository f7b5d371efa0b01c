/*
 * Walks every project through the C ABI (pages of --limit), with
 * compression asked for or not (--identity), and prints one JSON line:
 *   {"contender": "gzip"|"identity", "items": N, "seconds": S, "items_per_s": R}
 * bench/run.py runs it inside a network namespace whose loopback is
 * bandwidth-limited (tc tbf), against an emulator that compresses when asked.
 */
#include <avala.h>

#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


int main(int argc, char **argv) {
  int identity = 0;
  for (int i = 1; i < argc; ++i) identity |= strcmp(argv[i], "--identity") == 0;
  avala_client_options o = AVALA_CLIENT_OPTIONS_INIT;
  o.base_url = arg(argc, argv, "--url", NULL);
  o.api_key = arg(argc, argv, "--key", NULL);
  o.timeout_ms = 120000;
  o.compression_off = identity;
  if (o.base_url == NULL || o.api_key == NULL) {
    fprintf(stderr, "usage: avala-bench-bandwidth --url URL --key KEY [--limit 100] [--identity]\n");
    return 2;
  }
  avala_client *client = NULL;
  avala_error *err = NULL;
  if (avala_client_new(&client, &o, &err) != AVALA_OK) {
    fprintf(stderr, "avala_client_new: %s\n", err ? avala_error_message(err) : "?");
    return 1;
  }
  avala_list_options lo = AVALA_LIST_OPTIONS_INIT;
  lo.limit = atoi(arg(argc, argv, "--limit", "100"));
  avala_project_iter *it = NULL;
  avala_project *p = NULL;
  double t0 = now_s();
  long n = 0;
  int rc = avala_project_list(&it, client, &lo, &err);
  while (rc == AVALA_OK && (rc = avala_project_iter_next(&p, it, &err)) == AVALA_OK) {
    n += avala_project_uid(p) != NULL;
    avala_project_free(p);
  }
  double secs = now_s() - t0;
  if (rc != AVALA_ITER_END) {
    fprintf(stderr, "walk failed: %s\n", err ? avala_error_message(err) : avala_status_name(rc));
    return 1;
  }
  printf("{\"contender\": \"%s\", \"items\": %ld, \"seconds\": %.3f, \"items_per_s\": %.1f}\n",
         identity ? "identity" : "gzip", n, secs, n / secs);
  avala_project_iter_free(it);
  avala_client_free(client);
  return 0;
}
