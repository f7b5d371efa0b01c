/*
 * Real process shapes, in C11 against the installed avala.h:
 *  1. fork(): a client used (its pool warm) before fork() is used by parent
 *     and child at once; each gets only the answers to its own requests, each
 *     finishes a walk that was under way (a page read ahead) at fork, and the
 *     child exits normally.
 *  2. A cancel handle fired from a SIGALRM handler stops a get to a server
 *     that never answers (a listening socket nobody accepts on).
 *  3. Freeing the client handles while a call runs on another thread, then
 *     cancelling it: the call returns AVALA_E_CANCELLED (no use-after-free;
 *     CI runs this under ASan too).
 * The environment points it at an emulator. Prints "N passed, M failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <avala.h>

#include "check.h"
#include "silent.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define UIDS 20
#define GETS 300

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Gets project uids[i % n] GETS times; returns how many answers were wrong or failed. */
static int get_loop(avala_client *client, char uids[][64], int n, int salt) {
  int bad = 0;
  for (int i = 0; i < GETS; ++i) {
    const char *want = uids[(i * 7 + salt) % n];
    avala_project *p = NULL;
    avala_error *err = NULL;
    int rc = avala_project_get(&p, client, want, &err);
    if (rc != AVALA_OK) {
      fprintf(stderr, "[%d] get %s failed: %s\n", (int)getpid(), want, err ? avala_error_message(err) : "?");
      avala_error_free(err);
      ++bad;
      continue;
    }
    if (!streq(avala_project_uid(p), want)) {
      fprintf(stderr, "[%d] asked for %s, got %s\n", (int)getpid(), want, avala_project_uid(p));
      ++bad;
    }
    avala_project_free(p);
  }
  return bad;
}

/* Items left in `it`, or (it NULL) all projects of `client`. */
static size_t count_all(avala_client *client, avala_project_iter *it) {
  avala_project_iter *own = NULL;
  if (it == NULL && avala_project_list(&own, client, NULL, NULL) != AVALA_OK) return 0;
  avala_project *p = NULL;
  size_t n = 0;
  int rc;
  while ((rc = avala_project_iter_next(&p, it ? it : own, NULL)) == AVALA_OK) {
    ++n;
    avala_project_free(p);
  }
  avala_project_iter_free(own);
  return rc == AVALA_ITER_END ? n : 0;
}

static void fork_case(void) {
  avala_client *client = NULL;
  avala_error *err = NULL;
  int rc = avala_client_new(&client, NULL, &err);
  if (!CHECK(rc == AVALA_OK)) {
    report("avala_client_new", rc, err);
    return;
  }

  /* Some uids, and a warm pool (the page fetch and reads ahead leave connections in it). */
  char uids[UIDS][64];
  int n = 0;
  avala_project_page *page = NULL;
  avala_list_options lo = AVALA_LIST_OPTIONS_INIT;
  lo.limit = UIDS;
  rc = avala_project_list_page(&page, client, &lo, &err);
  if (!CHECK(rc == AVALA_OK)) {
    report("avala_project_list_page", rc, err);
    avala_client_free(client);
    return;
  }
  for (size_t i = 0; i < avala_project_page_count(page) && n < UIDS; ++i) {
    snprintf(uids[n++], sizeof uids[0], "%s", avala_project_uid(avala_project_page_item(page, i)));
  }
  avala_project_page_free(page);
  CHECK(get_loop(client, uids, n, 0) == 0);

  /* A walk under way at fork(): its next page is already requested (read
   * ahead) on a connection both processes hold. Each finishes the walk. */
  size_t total = count_all(client, NULL);
  avala_project_iter *walk = NULL;
  avala_list_options small = AVALA_LIST_OPTIONS_INIT;
  small.limit = 7;
  avala_project *first = NULL;
  CHECK(avala_project_list(&walk, client, &small, NULL) == AVALA_OK);
  CHECK(avala_project_iter_next(&first, walk, NULL) == AVALA_OK);
  avala_project_free(first);

  fflush(NULL);
  pid_t child = fork();
  if (child == 0) {
    int bad = get_loop(client, uids, n, 3);
    if (count_all(NULL, walk) + 1 != total) ++bad;
    avala_project_iter_free(walk);
    avala_client_free(client);
    _exit(bad == 0 ? 0 : 1);
  }
  CHECK(child > 0);
  int parent_bad = get_loop(client, uids, n, 5);
  CHECK(parent_bad == 0);
  CHECK(count_all(NULL, walk) + 1 == total);
  avala_project_iter_free(walk);

  /* The child must exit by itself, normally; a hang is a failure, not a stuck test. */
  int status = 0;
  pid_t done = 0;
  for (int i = 0; i < 600 && done == 0; ++i) {
    done = waitpid(child, &status, WNOHANG);
    if (done == 0) {
      struct timespec tenth = {0, 100000000};
      nanosleep(&tenth, NULL);
    }
  }
  if (!CHECK(done == child)) {
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
  } else {
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  /* The parent still works after the child is gone. */
  CHECK(get_loop(client, uids, n, 1) == 0);
  avala_client_free(client);
  printf("1. fork: parent and child each got their own %d answers\n", GETS);
}


static avala_cancel *g_cancel = NULL;
static void on_alarm(int sig) {
  (void)sig;
  avala_cancel_fire(g_cancel); /* async-signal-safe */
}

static avala_client *cancellable_client(const char *url, avala_cancel *cancel, avala_client **base) {
  avala_client_options o = AVALA_CLIENT_OPTIONS_INIT;
  o.base_url = url;
  o.timeout_ms = 30000;
  avala_error *err = NULL;
  int rc = avala_client_new(base, &o, &err);
  if (!CHECK(rc == AVALA_OK)) {
    report("avala_client_new", rc, err);
    return NULL;
  }
  avala_call_options co = AVALA_CALL_OPTIONS_INIT;
  co.cancel = cancel;
  avala_client *derived = NULL;
  rc = avala_client_derive(&derived, *base, &co, &err);
  if (!CHECK(rc == AVALA_OK)) report("avala_client_derive", rc, err);
  return derived;
}

static void signal_case(void) {
  char url[128];
  int lfd = silent_listener(url, sizeof url);
  if (!CHECK(lfd >= 0)) return;
  avala_error *err = NULL;
  int rc = avala_cancel_new(&g_cancel, &err);
  if (!CHECK(rc == AVALA_OK)) {
    report("avala_cancel_new", rc, err);
    return;
  }
  avala_client *base = NULL;
  avala_client *client = cancellable_client(url, g_cancel, &base);
  if (client != NULL) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it;
    memset(&it, 0, sizeof it);
    it.it_value.tv_usec = 200000; /* 0.2 s */
    setitimer(ITIMER_REAL, &it, NULL);

    double t0 = now_s();
    avala_project *p = NULL;
    rc = avala_project_get(&p, client, "silent", &err);
    double took = now_s() - t0;
    CHECK(rc == AVALA_E_CANCELLED);
    CHECK(avala_cancel_fired(g_cancel) == 1);
    CHECK(took < 5.0); /* fired at 0.2 s; the timeout is 30 s */
    printf("2. a SIGALRM handler cancelled a get after %.3f s (%s)\n", took, err ? avala_error_message(err) : "");
    avala_error_free(err);
    err = NULL;
    /* Fired stays fired until reset. */
    CHECK(avala_project_get(&p, client, "silent", NULL) == AVALA_E_CANCELLED);
    avala_cancel_reset(g_cancel);
    CHECK(avala_cancel_fired(g_cancel) == 0);
  }
  avala_client_free(client);
  avala_client_free(base);
  avala_cancel_free(g_cancel);
  g_cancel = NULL;
  close(lfd);
}

struct call {
  avala_client *client;
  int rc;
};
static void *get_in_thread(void *arg) {
  struct call *c = arg;
  avala_project *p = NULL;
  c->rc = avala_project_get(&p, c->client, "silent", NULL);
  avala_project_free(p);
  return NULL;
}

static void free_while_in_flight_case(void) {
  char url[128];
  int lfd = silent_listener(url, sizeof url);
  if (!CHECK(lfd >= 0)) return;
  avala_cancel *cancel = NULL;
  avala_error *err = NULL;
  int rc = avala_cancel_new(&cancel, &err);
  if (!CHECK(rc == AVALA_OK)) {
    report("avala_cancel_new", rc, err);
    return;
  }
  avala_client *base = NULL;
  struct call c = {cancellable_client(url, cancel, &base), 0};
  if (c.client != NULL) {
    pthread_t t;
    pthread_create(&t, NULL, get_in_thread, &c);
    /* The call is in flight once its connection waits in the backlog. */
    struct pollfd pfd = {lfd, POLLIN, 0};
    CHECK(poll(&pfd, 1, 10000) == 1);
    avala_client_free(c.client);
    avala_client_free(base);
    avala_cancel_fire(cancel);
    pthread_join(t, NULL);
    CHECK(c.rc == AVALA_E_CANCELLED);
    printf("3. freed the client during a call, then cancelled it: %s\n", avala_status_name(c.rc));
  }
  avala_cancel_free(cancel);
  close(lfd);
}

int main(void) {
  fork_case();
  signal_case();
  free_while_in_flight_case();
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
