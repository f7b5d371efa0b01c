/*
 * The asynchronous C ABI, in C11 against the installed avala.h, from one
 * thread:
 *  1. Every kind of call on a client derived with a queue returns
 *     AVALA_PENDING and completes once on the queue, with its tag and the
 *     result the blocking call gives (get, page, create, update, delete,
 *     raw request, export wait, an iterator walking every page).
 *  2. 64 gets in flight at once from this thread, each told apart by its tag.
 *  3. Cancelling a call to a server that never answers: its completion is
 *     AVALA_E_CANCELLED and the server sees the connection closed.
 *  4. The queue's fd is readable exactly while completions wait; the notify
 *     callback runs on another thread; pending() counts calls not taken.
 *  5. Freeing the queue and the clients with calls in flight is defined.
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
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FANOUT 64

static avala_queue *queue;

/* A client deriving from `base` whose calls complete on the queue with `tag`. */
static avala_client *async_client(avala_client *base, uint64_t tag, avala_cancel *cancel) {
  avala_call_options co = AVALA_CALL_OPTIONS_INIT;
  co.queue = queue;
  co.tag = tag;
  co.cancel = cancel;
  avala_client *c = NULL;
  if (avala_client_derive(&c, base, &co, NULL) != AVALA_OK) return NULL;
  return c;
}

/* Waits for the one completion of a call (a generous guard, not a bound). */
static avala_completion one(void) {
  avala_completion c;
  memset(&c, 0, sizeof c);
  if (avala_queue_poll(queue, &c, 1, 20000) != 1) c.status = -999;
  return c;
}

static void each_call(avala_client *base) {
  avala_error *err = NULL;
  avala_client *c = async_client(base, 7, NULL);
  if (!CHECK(c != NULL)) return;

  /* A project page, then a get of its first project. */
  avala_project_page *page = NULL;
  CHECK(avala_project_list_page(&page, c, NULL, &err) == AVALA_PENDING && page == NULL);
  CHECK(avala_queue_pending(queue) == 1);
  avala_completion done = one();
  CHECK(done.tag == 7 && done.status == AVALA_OK && done.error == NULL);
  page = done.result;
  if (!CHECK(page != NULL && avala_project_page_count(page) > 0)) return;
  const char *uid = avala_project_uid(avala_project_page_item(page, 0));
  avala_project *p = NULL;
  CHECK(avala_project_get(&p, c, uid, &err) == AVALA_PENDING);
  done = one();
  CHECK(done.status == AVALA_OK && streq(avala_project_uid(done.result), uid));
  avala_project_free(done.result);

  /* A 404 is an error completion, with its error object. */
  CHECK(avala_task_get(NULL, c, "no-such-task", &err) == AVALA_E_INVALID_ARGUMENT);  /* out NULL: at once */
  avala_error_free(err);
  err = NULL;
  avala_object *o = NULL;
  CHECK(avala_task_get(&o, c, "no-such-task", &err) == AVALA_PENDING);
  done = one();
  CHECK(done.status == AVALA_E_NOT_FOUND && done.result == NULL && done.error != NULL &&
        avala_error_http_status(done.error) == 404);
  avala_error_free(done.error);

  /* An unsafe uid is refused at once: nothing queued. */
  CHECK(avala_task_get(&o, c, "../admin", &err) == AVALA_E_INVALID_ARGUMENT);
  avala_error_free(err);
  err = NULL;
  CHECK(avala_queue_pending(queue) == 0);

  /* Create, update, delete an agent. */
  CHECK(avala_agent_create(&o, c, "{\"name\": \"async-bot\", \"events\": [\"task.completed\"]}", &err) ==
        AVALA_PENDING);
  done = one();
  CHECK(done.status == AVALA_OK);
  char agent[64] = "";
  if (done.result) snprintf(agent, sizeof agent, "%s", avala_object_string(done.result, "uid"));
  avala_object_free(done.result);
  CHECK(avala_agent_update(&o, c, agent, "{\"name\": \"async-bot-2\"}", &err) == AVALA_PENDING);
  done = one();
  CHECK(done.status == AVALA_OK && streq(avala_object_string(done.result, "name"), "async-bot-2"));
  avala_object_free(done.result);
  CHECK(avala_agent_delete(c, agent, &err) == AVALA_PENDING);
  done = one();
  CHECK(done.status == AVALA_OK && done.result == NULL);
  CHECK(avala_agent_get(&o, c, agent, &err) == AVALA_PENDING);
  done = one();
  CHECK(done.status == AVALA_E_NOT_FOUND);
  avala_error_free(done.error);

  /* A raw request. */
  avala_response *r = NULL;
  CHECK(avala_request(&r, c, "GET", "/users/me/projects/?limit=2", NULL, &err) == AVALA_PENDING);
  done = one();
  CHECK(done.status == AVALA_OK && avala_response_status(done.result) == 200);
  avala_response_free(done.result);

  /* An export, waited for. */
  CHECK(avala_export_create(&o, c, uid, NULL, &err) == AVALA_PENDING);
  done = one();
  CHECK(done.status == AVALA_OK);
  char exp[64] = "";
  if (done.result) snprintf(exp, sizeof exp, "%s", avala_object_string(done.result, "uid"));
  avala_object_free(done.result);
  avala_wait_options wo = AVALA_WAIT_OPTIONS_INIT;
  wo.interval_ms = 500;
  wo.timeout_ms = 15000;
  CHECK(avala_export_wait(&o, c, exp, &wo, NULL, NULL, &err) == AVALA_PENDING);
  done = one();
  CHECK(done.status == AVALA_OK && done.result != NULL);
  if (done.result) {
    const char *st = avala_object_string(done.result, "status");
    CHECK(streq(st, "exported") || streq(st, "failed"));
  }
  avala_object_free(done.result);

  /* Every project through an asynchronous iterator, against the blocking walk. */
  size_t want = 0;
  avala_project_iter *it = NULL;
  avala_project_list(&it, base, NULL, NULL);
  while (avala_project_iter_next(&p, it, NULL) == AVALA_OK) {
    ++want;
    avala_project_free(p);
  }
  avala_project_iter_free(it);
  avala_list_options lo = AVALA_LIST_OPTIONS_INIT;
  lo.limit = 37;
  CHECK(avala_project_list(&it, c, &lo, &err) == AVALA_OK);  /* sends nothing */
  size_t got = 0, pending_steps = 0;
  for (;;) {
    int rc = avala_project_iter_next(&p, it, &err);
    if (rc == AVALA_PENDING) {
      ++pending_steps;
      done = one();
      if (done.status == AVALA_ITER_END) break;
      if (!CHECK(done.status == AVALA_OK)) break;
      p = done.result;
    } else if (rc == AVALA_ITER_END) {
      break;
    } else if (!CHECK(rc == AVALA_OK)) {
      report("avala_project_iter_next", rc, err);
      break;
    }
    ++got;
    avala_project_free(p);
  }
  avala_project_iter_free(it);
  CHECK(got == want && want > 0);
  CHECK(pending_steps == (want + 36) / 37 || pending_steps == (want + 36) / 37 + 1);
  printf("1. every call completed on the queue; async walk %lu of %lu in %lu page steps\n", (unsigned long)got,
         (unsigned long)want, (unsigned long)pending_steps);
  avala_project_page_free(page);
  avala_client_free(c);
}

static void fanout(avala_client *base) {
  avala_project_iter *it = NULL;
  avala_project *p = NULL;
  char uids[FANOUT][64];
  int n = 0;
  avala_project_list(&it, base, NULL, NULL);
  while (n < FANOUT && avala_project_iter_next(&p, it, NULL) == AVALA_OK) {
    snprintf(uids[n++], sizeof uids[0], "%s", avala_project_uid(p));
    avala_project_free(p);
  }
  avala_project_iter_free(it);
  if (!CHECK(n > 0)) return;
  avala_client *clients[FANOUT];
  for (int i = 0; i < FANOUT; ++i) {
    clients[i] = async_client(base, (uint64_t)(1000 + i), NULL);
    CHECK(avala_project_get(&p, clients[i], uids[i % n], NULL) == AVALA_PENDING);
  }
  CHECK(avala_queue_pending(queue) == FANOUT);
  int right = 0, seen[FANOUT] = {0};
  for (int got = 0; got < FANOUT;) {
    avala_completion batch[16];
    size_t k = avala_queue_poll(queue, batch, 16, 20000);
    if (!CHECK(k > 0)) break;
    for (size_t j = 0; j < k; ++j, ++got) {
      int i = (int)(batch[j].tag - 1000);
      if (i < 0 || i >= FANOUT || seen[i]++) continue;
      if (batch[j].status == AVALA_OK && streq(avala_project_uid(batch[j].result), uids[i % n])) ++right;
      CHECK((batch[j].result == NULL) == (batch[j].free_result == NULL));
      if (batch[j].free_result) batch[j].free_result(batch[j].result);  /* freed without naming its type */
      avala_error_free(batch[j].error);
    }
  }
  CHECK(right == FANOUT);
  CHECK(avala_queue_pending(queue) == 0);
  for (int i = 0; i < FANOUT; ++i) avala_client_free(clients[i]);
  printf("2. %d of %d gets in flight at once answered right\n", right, FANOUT);
}


static void cancel_case(void) {
  char url[64];
  int srv = silent_listener(url, sizeof url);
  if (!CHECK(srv >= 0)) return;
  avala_client_options o = AVALA_CLIENT_OPTIONS_INIT;
  o.api_key = "test-key";
  o.base_url = url;
  o.timeout_ms = 60000;
  o.max_retries = 0;
  avala_client *base = NULL;
  if (!CHECK(avala_client_new(&base, &o, NULL) == AVALA_OK)) return;
  avala_cancel *cancel = NULL;
  avala_cancel_new(&cancel, NULL);
  avala_client *c = async_client(base, 42, cancel);
  avala_object *obj = NULL;
  CHECK(avala_task_get(&obj, c, "t1", NULL) == AVALA_PENDING);
  /* The request reached the server: accept it and read it. */
  int conn = accept(srv, NULL, NULL);
  char buf[4096];
  struct pollfd pf = {conn, POLLIN, 0};
  CHECK(poll(&pf, 1, 10000) == 1 && recv(conn, buf, sizeof buf, 0) > 0);
  avala_completion none;
  CHECK(avala_queue_poll(queue, &none, 1, 0) == 0);  /* nothing answered: still in flight */
  /* An iterator's step waits too, and takes no second step meanwhile. */
  avala_iter *it = NULL;
  CHECK(avala_task_list(&it, c, NULL, NULL) == AVALA_OK);
  CHECK(avala_iter_next(&obj, it, NULL) == AVALA_PENDING);
  avala_error *err = NULL;
  CHECK(avala_iter_next(&obj, it, &err) == AVALA_E_INVALID_ARGUMENT && err != NULL);
  avala_error_free(err);
  avala_iter_free(it);  /* allowed: the step still completes */
  avala_cancel_fire(cancel);
  int cancelled = 0;
  for (int i = 0; i < 2; ++i) {
    avala_completion done = one();
    cancelled += done.tag == 42 && done.status == AVALA_E_CANCELLED && done.result == NULL;
    avala_error_free(done.error);
  }
  CHECK(cancelled == 2);
  /* The server sees the connection end. */
  ssize_t n = 1;
  while (n > 0 && poll(&pf, 1, 10000) == 1) n = recv(conn, buf, sizeof buf, 0);
  CHECK(n == 0);
  printf("3. cancelled calls (a get, an iterator step) completed as cancelled; the connection closed\n");

  /* 5. Calls in flight when their clients and a queue are freed. */
  avala_queue *q2 = NULL;
  avala_queue_new(&q2, NULL);
  avala_call_options co = AVALA_CALL_OPTIONS_INIT;
  co.queue = q2;
  avala_client *c2 = NULL;
  avala_client_derive(&c2, base, &co, NULL);
  for (int i = 0; i < 4; ++i) CHECK(avala_task_get(&obj, c2, "t1", NULL) == AVALA_PENDING);
  CHECK(avala_queue_pending(q2) == 4);
  avala_queue_free(q2);
  avala_client_free(c2);
  avala_client_free(c);
  avala_cancel_free(cancel);
  avala_client_free(base);  /* the calls stay in flight until the server goes */
  close(conn);
  close(srv);
  printf("5. clients and a queue freed with calls in flight\n");
}

static atomic_int notified;
static pthread_t main_thread;
static atomic_int notified_elsewhere;

static pthread_mutex_t notify_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t notify_cv = PTHREAD_COND_INITIALIZER;

static void on_notify(void *payload) {
  (void)payload;
  pthread_mutex_lock(&notify_mu);
  if (!pthread_equal(pthread_self(), main_thread)) atomic_fetch_add(&notified_elsewhere, 1);
  atomic_fetch_add(&notified, 1);
  pthread_cond_broadcast(&notify_cv);
  pthread_mutex_unlock(&notify_mu);
}

static void fd_and_notify(avala_client *base) {
  int fd = avala_queue_fd(queue);
  CHECK(fd >= 0);
  struct pollfd pf = {fd, POLLIN, 0};
  CHECK(poll(&pf, 1, 0) == 0);  /* empty: not readable */
  main_thread = pthread_self();
  CHECK(avala_queue_set_notify(queue, on_notify, NULL) == AVALA_OK);
  avala_client *c = async_client(base, 9, NULL);
  avala_project_page *page = NULL;
  CHECK(avala_project_list_page(&page, c, NULL, NULL) == AVALA_PENDING);
  pthread_mutex_lock(&notify_mu);
  while (atomic_load(&notified) == 0) pthread_cond_wait(&notify_cv, &notify_mu);  /* the callback's news */
  pthread_mutex_unlock(&notify_mu);
  CHECK(poll(&pf, 1, 0) == 1);  /* readable while the completion waits */
  avala_completion done;
  CHECK(avala_queue_poll(queue, &done, 1, 0) == 1 && done.status == AVALA_OK);
  avala_project_page_free(done.result);
  CHECK(poll(&pf, 1, 0) == 0);  /* drained: not readable */
  CHECK(avala_queue_set_notify(queue, NULL, NULL) == AVALA_OK);  /* waits for a callback in progress */
  CHECK(atomic_load(&notified) >= 1 && atomic_load(&notified) == atomic_load(&notified_elsewhere));
  avala_client_free(c);
  printf("4. fd readable while a completion waited; notified %d time(s), off the calling thread\n",
         atomic_load(&notified));
}

int main(void) {
  avala_client *base = NULL;
  avala_error *err = NULL;
  int rc = avala_client_new(&base, NULL, &err);
  if (rc != AVALA_OK) {
    report("avala_client_new", rc, err);
    return 1;
  }
  if (avala_queue_new(&queue, &err) != AVALA_OK) {
    report("avala_queue_new", rc, err);
    return 1;
  }
  each_call(base);
  fanout(base);
  fd_and_notify(base);
  cancel_case();
  avala_queue_free(queue);
  avala_client_free(base);
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
