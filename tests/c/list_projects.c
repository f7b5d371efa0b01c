/*
 * A C11 program against the installed avala.h and libavala, built with
 * -std=c11 -Wall -Wextra -Werror -pedantic by tests/c/run.sh.
 *
 * usage: list_projects EXPECTED_COUNT
 * The environment points it at an emulator: AVALA_BASE_URL, AVALA_API_KEY,
 * AVALA_ALLOW_INSECURE_BASE_URL=1. Prints "N passed, M failed"; exits
 * non-zero on any failure.
 */
#include <avala.h>

#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *copy_string(const char *s) {
  size_t n;
  char *out;
  if (!s) return NULL;
  n = strlen(s) + 1;
  out = malloc(n);
  if (out) memcpy(out, s, n);
  return out;
}

static int compare_strings(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}


/* Walks every project with the lazy iterator; checks count and uniqueness.
 * Returns the first project (owned by the caller), or NULL. */
static avala_project *list_all(avala_client *client, size_t expected) {
  avala_list_options opts = AVALA_LIST_OPTIONS_INIT;
  avala_project_iter *it = NULL;
  avala_project *p = NULL;
  avala_project *first = NULL;
  avala_error *err = NULL;
  char **uids = NULL;
  size_t count = 0, cap = 0, i, duplicates = 0, missing = 0;
  int rc;

  opts.limit = 64; /* several pages, and a last one that is not full */
  rc = avala_project_list(&it, client, &opts, &err);
  if (!CHECK(rc == AVALA_OK && it != NULL)) {
    report("avala_project_list", rc, err);
    return NULL;
  }
  CHECK(err == NULL);

  while ((rc = avala_project_iter_next(&p, it, &err)) == AVALA_OK) {
    const char *uid = avala_project_uid(p);
    if (!uid || !avala_project_name(p)) ++missing;
    if (count == cap) {
      size_t new_cap = cap ? cap * 2 : 256;
      char **grown = realloc(uids, new_cap * sizeof *grown);
      if (!grown) {
        fprintf(stderr, "out of memory\n");
        exit(2);
      }
      uids = grown;
      cap = new_cap;
    }
    uids[count++] = copy_string(uid ? uid : "");
    if (!first) {
      first = p; /* items are owned: keeping one past next() is fine */
    } else {
      avala_project_free(p);
    }
    p = NULL;
  }
  if (!CHECK(rc == AVALA_ITER_END)) report("avala_project_iter_next", rc, err);
  CHECK(p == NULL);
  /* Past the end it stays at the end. */
  rc = avala_project_iter_next(&p, it, &err);
  CHECK(rc == AVALA_ITER_END && p == NULL);
  avala_project_iter_free(it);

  printf("listed %lu projects\n", (unsigned long)count);
  CHECK(count == expected);
  CHECK(missing == 0);
  qsort(uids, count, sizeof *uids, compare_strings);
  for (i = 1; i < count; ++i)
    if (strcmp(uids[i - 1], uids[i]) == 0) ++duplicates;
  CHECK(duplicates == 0);
  for (i = 0; i < count; ++i) free(uids[i]);
  free(uids);
  return first;
}

static void get_matches(avala_client *client, const avala_project *first) {
  avala_project *p = NULL;
  avala_error *err = NULL;
  int rc = avala_project_get(&p, client, avala_project_uid(first), &err);
  if (!CHECK(rc == AVALA_OK && p != NULL)) {
    report("avala_project_get", rc, err);
    return;
  }
  CHECK(err == NULL);
  CHECK(streq(avala_project_uid(p), avala_project_uid(first)));
  CHECK(streq(avala_project_name(p), avala_project_name(first)));
  CHECK(avala_project_json(p) != NULL && avala_project_json(p)[0] == '{');
  CHECK(avala_project_field_json(p, "uid") != NULL && avala_project_field_json(p, "uid")[0] == '"');
  CHECK(avala_project_field_json(p, "no_such_field_anywhere") == NULL);
  avala_project_free(p);
}

static void pages(avala_client *client, const avala_project *first, size_t expected) {
  avala_list_options opts = AVALA_LIST_OPTIONS_INIT;
  avala_project_page *page = NULL, *second = NULL;
  avala_error *err = NULL;
  size_t i, j;
  int rc;

  opts.limit = 10;
  rc = avala_project_list_page(&page, client, &opts, &err);
  if (!CHECK(rc == AVALA_OK && page != NULL)) {
    report("avala_project_list_page", rc, err);
    return;
  }
  CHECK(avala_project_page_count(page) == (expected < 10 ? expected : 10));
  CHECK(avala_project_page_has_more(page) == (expected > 10));
  CHECK((avala_project_page_next_cursor(page) != NULL) == (expected > 10));
  CHECK(avala_project_page_item(page, avala_project_page_count(page)) == NULL);
  if (expected > 0) CHECK(streq(avala_project_uid(avala_project_page_item(page, 0)), avala_project_uid(first)));

  if (expected > 10 && avala_project_page_next_cursor(page)) {
    opts.cursor = avala_project_page_next_cursor(page); /* borrowed; page still alive */
    rc = avala_project_list_page(&second, client, &opts, &err);
    if (CHECK(rc == AVALA_OK && second != NULL)) {
      size_t same = 0;
      CHECK(avala_project_page_count(second) > 0);
      for (i = 0; i < avala_project_page_count(second); ++i)
        for (j = 0; j < avala_project_page_count(page); ++j)
          if (streq(avala_project_uid(avala_project_page_item(second, i)),
                    avala_project_uid(avala_project_page_item(page, j))))
            ++same;
      CHECK(same == 0);
    } else {
      report("avala_project_list_page (cursor)", rc, err);
    }
    avala_project_page_free(second);
  }
  avala_project_page_free(page);
}

static void errors(avala_client *client) {
  avala_project *p = NULL;
  avala_error *err = NULL;
  avala_client_options opts;
  avala_client *bad = NULL;
  avala_project_page *page = NULL;
  int rc;

  /* An unsafe uid is refused before anything is sent. */
  p = (avala_project *)&p; /* must be reset to NULL on failure */
  rc = avala_project_get(&p, client, "../admin", &err);
  CHECK(rc == AVALA_E_INVALID_ARGUMENT);
  CHECK(p == NULL);
  if (CHECK(err != NULL)) {
    CHECK(avala_error_code(err) == AVALA_E_INVALID_ARGUMENT);
    CHECK(avala_error_http_status(err) == 0);
    CHECK(avala_error_message(err) != NULL && avala_error_message(err)[0] != '\0');
  }
  avala_error_free(err);
  err = NULL;

  /* NULL out_err is allowed: only the code. */
  CHECK(avala_project_get(&p, client, "a/b", NULL) == AVALA_E_INVALID_ARGUMENT);

  /* An unknown uid is a 404. */
  rc = avala_project_get(&p, client, "00000000-0000-4000-8000-fffffffffffe", &err);
  CHECK(rc == AVALA_E_NOT_FOUND && p == NULL);
  if (CHECK(err != NULL)) {
    CHECK(avala_error_code(err) == AVALA_E_NOT_FOUND);
    CHECK(avala_error_http_status(err) == 404);
  }
  avala_error_free(err);
  err = NULL;

  /* A wrong key (URL still from the environment) is a 401; the key is never echoed. */
  CHECK(avala_client_options_init(&opts, AVALA_CLIENT_OPTIONS_VERSION) == AVALA_OK);
  opts.api_key = "wrong-key-c11-0f9e8d7c";
  rc = avala_client_new(&bad, &opts, &err);
  if (CHECK(rc == AVALA_OK && bad != NULL)) {
    rc = avala_project_list_page(&page, bad, NULL, &err);
    CHECK(rc == AVALA_E_AUTHENTICATION && page == NULL);
    if (CHECK(err != NULL)) {
      CHECK(avala_error_code(err) == AVALA_E_AUTHENTICATION);
      CHECK(avala_error_http_status(err) == 401);
      CHECK(avala_error_attempts(err) >= 1);
      CHECK(avala_error_message(err) != NULL &&
            strstr(avala_error_message(err), "wrong-key-c11-0f9e8d7c") == NULL);
      CHECK(avala_error_body(err) != NULL && strstr(avala_error_body(err), "wrong-key-c11-0f9e8d7c") == NULL);
    }
  } else {
    report("avala_client_new (wrong key)", rc, err);
    err = NULL;
  }
  avala_error_free(err);
  avala_project_page_free(page);
  avala_client_free(bad);
}

int main(int argc, char **argv) {
  avala_client *client = NULL;
  avala_error *err = NULL;
  avala_project *first = NULL;
  size_t expected;
  int rc;

  if (argc != 2) {
    fprintf(stderr, "usage: %s EXPECTED_COUNT\n", argv[0]);
    return 2;
  }
  expected = (size_t)strtoul(argv[1], NULL, 10);

  CHECK(streq(avala_version(), AVALA_VERSION_STRING));
  CHECK(streq(avala_status_name(AVALA_E_NOT_FOUND), "not_found"));
  CHECK(streq(avala_status_name(AVALA_OK), "ok"));

  rc = avala_client_new(&client, NULL, &err); /* everything from the environment */
  if (!CHECK(rc == AVALA_OK && client != NULL)) {
    report("avala_client_new", rc, err);
    printf("%d passed, %d failed\n", passed, failed);
    return 1;
  }
  CHECK(err == NULL);
  CHECK(avala_client_base_url(client) != NULL);

  first = list_all(client, expected);
  if (CHECK(first != NULL)) {
    get_matches(client, first);
    pages(client, first, expected);
  }
  errors(client);

  avala_project_free(first);
  avala_client_free(client);
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
