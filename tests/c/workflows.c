/*
 * The four workflows of the projects guide, in C11 against the installed
 * avala.h: list all projects, get a project's details, find a project's
 * tasks, and paginate by hand. Built with -std=c11 -Wall -Wextra -Werror
 * -pedantic by tests/c/run.sh; the environment points it at an emulator.
 * Prints "N passed, M failed"; exits non-zero on any failure.
 */
#include <avala.h>

#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>




/* 1. List all projects; returns the uid of the first with tasks (copied). */
static size_t list_all_projects(avala_client *client, char *first_uid, size_t cap) {
  avala_project_iter *it = NULL;
  avala_project *p = NULL;
  avala_error *err = NULL;
  size_t count = 0;
  int rc = avala_project_list(&it, client, NULL, &err);
  if (!CHECK(rc == AVALA_OK)) {
    report("avala_project_list", rc, err);
    return 0;
  }
  while ((rc = avala_project_iter_next(&p, it, &err)) == AVALA_OK) {
    if (count == 0) snprintf(first_uid, cap, "%s", avala_project_uid(p));
    ++count;
    avala_project_free(p);
  }
  if (!CHECK(rc == AVALA_ITER_END)) report("avala_project_iter_next", rc, err);
  avala_project_iter_free(it);
  printf("1. listed %lu projects\n", (unsigned long)count);
  return count;
}

/* 2. A project's details. */
static void project_details(avala_client *client, const char *uid) {
  avala_project *p = NULL;
  avala_error *err = NULL;
  int rc = avala_project_get(&p, client, uid, &err);
  if (!CHECK(rc == AVALA_OK)) {
    report("avala_project_get", rc, err);
    return;
  }
  CHECK(streq(avala_project_uid(p), uid));
  CHECK(avala_project_name(p) != NULL);
  CHECK(avala_project_created_at(p) != NULL);
  printf("2. %s: %s (%s)\n", uid, avala_project_name(p),
         avala_project_status(p) ? avala_project_status(p) : "no status");
  avala_project_free(p);
}

/* 3. A project's tasks, through the iterator and a filter; every task must
 * belong to the project (the filter survives page following). Returns the
 * count, and the status of the first task in `status`. */
static size_t project_tasks(avala_client *client, const char *project, const char *status_filter, char *status,
                            size_t cap) {
  const char *filters[] = {"project", project, NULL, NULL, NULL};
  avala_list_options opts = AVALA_LIST_OPTIONS_INIT;
  avala_iter *it = NULL;
  avala_object *task = NULL;
  avala_error *err = NULL;
  size_t count = 0, foreign = 0, wrong_status = 0;
  int rc;
  if (status_filter) {
    filters[2] = "status";
    filters[3] = status_filter;
  }
  opts.limit = 7; /* many small pages */
  opts.filters = filters;
  rc = avala_task_list(&it, client, &opts, &err);
  if (!CHECK(rc == AVALA_OK)) {
    report("avala_task_list", rc, err);
    return 0;
  }
  while ((rc = avala_iter_next(&task, it, &err)) == AVALA_OK) {
    CHECK(avala_object_kind_of(task) == AVALA_OBJECT_TASK);
    if (!streq(avala_object_string(task, "project"), project)) ++foreign;
    if (status_filter && !streq(avala_object_string(task, "status"), status_filter)) ++wrong_status;
    if (count == 0 && status && avala_object_string(task, "status"))
      snprintf(status, cap, "%s", avala_object_string(task, "status"));
    ++count;
    avala_object_free(task);
  }
  if (!CHECK(rc == AVALA_ITER_END)) report("avala_iter_next", rc, err);
  avala_iter_free(it);
  CHECK(foreign == 0);
  CHECK(wrong_status == 0);
  return count;
}

/* 4. Paginate by hand: page after page by next_cursor until has_more is 0. */
static size_t paginate(avala_client *client, const char *project) {
  const char *filters[] = {"project", project, NULL};
  avala_list_options opts = AVALA_LIST_OPTIONS_INIT;
  avala_page *page = NULL;
  avala_error *err = NULL;
  char cursor[512] = "";
  size_t total = 0, pages = 0;
  int rc;
  opts.limit = 5;
  opts.filters = filters;
  for (;;) {
    opts.cursor = cursor[0] ? cursor : NULL;
    rc = avala_task_list_page(&page, client, &opts, &err);
    if (!CHECK(rc == AVALA_OK)) {
      report("avala_task_list_page", rc, err);
      return total;
    }
    ++pages;
    total += avala_page_count(page);
    CHECK(avala_page_count(page) <= 5);
    if (!avala_page_has_more(page)) {
      CHECK(avala_page_next_cursor(page) == NULL);
      avala_page_free(page);
      break;
    }
    CHECK(avala_page_next_cursor(page) != NULL);
    snprintf(cursor, sizeof cursor, "%s", avala_page_next_cursor(page));
    avala_page_free(page);
  }
  printf("4. %lu tasks over %lu pages\n", (unsigned long)total, (unsigned long)pages);
  return total;
}

int main(int argc, char **argv) {
  avala_client *client = NULL;
  avala_error *err = NULL;
  char first[256] = "", status[64] = "";
  size_t expected = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 1000, tasks, by_status, paged;
  const char *bad_filters[] = {"colour", "red", NULL};
  avala_list_options bad = AVALA_LIST_OPTIONS_INIT;
  avala_iter *it = NULL;
  int rc = avala_client_new(&client, NULL, &err);
  if (rc != AVALA_OK) {
    report("avala_client_new", rc, err);
    return 1;
  }

  CHECK(list_all_projects(client, first, sizeof first) == expected);
  project_details(client, first);
  tasks = project_tasks(client, first, NULL, status, sizeof status);
  printf("3. project %s has %lu tasks (first is %s)\n", first, (unsigned long)tasks, status);
  CHECK(tasks > 0);
  by_status = project_tasks(client, first, status, NULL, 0);
  CHECK(by_status > 0 && by_status <= tasks);
  paged = paginate(client, first);
  CHECK(paged == tasks);

  /* A filter the list does not take is refused before anything is sent. */
  bad.filters = bad_filters;
  rc = avala_task_list(&it, client, &bad, &err);
  CHECK(rc == AVALA_E_INVALID_ARGUMENT && it == NULL);
  CHECK(err != NULL && strstr(avala_error_message(err), "colour") != NULL);
  avala_error_free(err);

  avala_client_free(client);
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
