/*
 * Fan-out through the asynchronous C ABI: keeps --inflight gets of one
 * project in flight from this one thread (one completion queue, one derived
 * client per call), --n gets in all, and prints one JSON line:
 *   {"contender": "capi", "gets": N, "seconds": S, "gets_per_s": R, "inflight": K, "errors": E}
 * Run by bench/run.py against an emulator whose gets are delayed (its
 * `delay` fault), so the ideal rate is inflight / delay.
 */
#include <avala.h>

#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


/* Starts one get on a fresh derived client tagged with its slot. */
static int start(avala_client *base, avala_queue *q, avala_client **slot, uint64_t tag, const char *uid) {
  avala_call_options co = AVALA_CALL_OPTIONS_INIT;
  co.queue = q;
  co.tag = tag;
  if (avala_client_derive(slot, base, &co, NULL) != AVALA_OK) return -1;
  avala_project *p = NULL;
  return avala_project_get(&p, *slot, uid, NULL) == AVALA_PENDING ? 0 : -1;
}

int main(int argc, char **argv) {
  avala_client_options o = AVALA_CLIENT_OPTIONS_INIT;
  o.base_url = arg(argc, argv, "--url", NULL);
  o.api_key = arg(argc, argv, "--key", NULL);
  const char *uid = arg(argc, argv, "--uid", NULL);
  int inflight = atoi(arg(argc, argv, "--inflight", "64"));
  int n = atoi(arg(argc, argv, "--n", "2000"));
  if (o.base_url == NULL || o.api_key == NULL || uid == NULL || inflight <= 0 || n < inflight) {
    fprintf(stderr, "usage: avala-bench-fanout --url URL --key KEY --uid UID [--inflight 64] [--n 2000]\n");
    return 2;
  }
  avala_client *base = NULL;
  avala_queue *q = NULL;
  avala_error *err = NULL;
  if (avala_client_new(&base, &o, &err) != AVALA_OK || avala_queue_new(&q, &err) != AVALA_OK) {
    fprintf(stderr, "setup failed: %s\n", err ? avala_error_message(err) : "?");
    return 1;
  }
  avala_client **slots = calloc((size_t)inflight, sizeof *slots);
  avala_completion *batch = calloc((size_t)inflight, sizeof *batch);
  if (slots == NULL || batch == NULL) return 1;
  int started = 0, done = 0, errors = 0;
  /* Warm-up: one round of `inflight` gets opens the connections the timed run reuses. */
  for (int i = 0; i < inflight; ++i) {
    if (start(base, q, &slots[i], (uint64_t)i, uid) != 0) return 1;
  }
  for (int got = 0; got < inflight;) {
    size_t k = avala_queue_poll(q, batch, (size_t)inflight, 30000);
    if (k == 0) return 1;
    for (size_t i = 0; i < k; ++i, ++got) {
      avala_project_free(batch[i].result);
      avala_error_free(batch[i].error);
      avala_client_free(slots[batch[i].tag]);
    }
  }
  double t0 = now_s();
  for (; started < inflight; ++started) {
    if (start(base, q, &slots[started], (uint64_t)started, uid) != 0) return 1;
  }
  while (done < n) {
    size_t k = avala_queue_poll(q, batch, (size_t)inflight, 30000);
    if (k == 0) {
      fprintf(stderr, "no completion in 30 s\n");
      return 1;
    }
    for (size_t i = 0; i < k; ++i) {
      ++done;
      if (batch[i].status != AVALA_OK) ++errors;
      avala_project_free(batch[i].result);
      avala_error_free(batch[i].error);
      uint64_t s = batch[i].tag;
      avala_client_free(slots[s]);
      slots[s] = NULL;
      if (started < n) {
        if (start(base, q, &slots[s], s, uid) != 0) return 1;
        ++started;
      }
    }
  }
  double secs = now_s() - t0;
  printf("{\"contender\": \"capi\", \"gets\": %d, \"seconds\": %.4f, \"gets_per_s\": %.1f, \"inflight\": %d, "
         "\"errors\": %d}\n",
         n, secs, n / secs, inflight, errors);
  free(slots);
  free(batch);
  avala_queue_free(q);
  avala_client_free(base);
  return errors == 0 ? 0 : 1;
}
