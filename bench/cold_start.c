/* avala-bench-cold: what a fresh process pays before its first answer.
 *
 *   avala-bench-cold URL KEY UID
 *
 * dlopen("libavala.so.0") and its symbols, avala_client_new, then a first
 * avala_project_get (which opens the connection). Prints one JSON line with
 * the seconds each step took. bench/run.py runs it many times. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, dlopen */
#include <avala.h>
#include <dlfcn.h>
#include <stdio.h>
#include <time.h>

typedef int (*client_new_fn)(avala_client **, const avala_client_options *, avala_error **);
typedef void (*client_free_fn)(avala_client *);
typedef int (*project_get_fn)(avala_project **, avala_client *, const char *, avala_error **);
typedef const char *(*project_uid_fn)(const avala_project *);
typedef void (*project_free_fn)(avala_project *);

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  avala_client_options opts = AVALA_CLIENT_OPTIONS_INIT;
  avala_client *client = NULL;
  avala_project *project = NULL;
  double t0, t_loaded, t_client, t_got;
  void *lib;
  client_new_fn client_new;
  client_free_fn client_free;
  project_get_fn project_get;
  project_uid_fn project_uid;
  project_free_fn project_free;

  if (argc != 4) {
    fputs("usage: avala-bench-cold URL KEY UID\n", stderr);
    return 2;
  }
  t0 = now_s();
  lib = dlopen("libavala.so.0", RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    fprintf(stderr, "avala-bench-cold: %s\n", dlerror());
    return 1;
  }
  client_new = (client_new_fn)dlsym(lib, "avala_client_new");
  client_free = (client_free_fn)dlsym(lib, "avala_client_free");
  project_get = (project_get_fn)dlsym(lib, "avala_project_get");
  project_uid = (project_uid_fn)dlsym(lib, "avala_project_uid");
  project_free = (project_free_fn)dlsym(lib, "avala_project_free");
  if (!client_new || !client_free || !project_get || !project_uid || !project_free) {
    fputs("avala-bench-cold: a symbol is missing from libavala.so.0\n", stderr);
    return 1;
  }
  t_loaded = now_s();

  opts.base_url = argv[1];
  opts.api_key = argv[2];
  if (client_new(&client, &opts, NULL) != AVALA_OK) {
    fputs("avala-bench-cold: avala_client_new failed\n", stderr);
    return 1;
  }
  t_client = now_s();
  if (project_get(&project, client, argv[3], NULL) != AVALA_OK || project_uid(project) == NULL) {
    fputs("avala-bench-cold: avala_project_get failed\n", stderr);
    return 1;
  }
  t_got = now_s();

  printf("{\"dlopen\":%.6f,\"client_new\":%.6f,\"first_get\":%.6f,\"seconds\":%.6f}\n", t_loaded - t0,
         t_client - t_loaded, t_got - t_client, t_got - t0);
  project_free(project);
  client_free(client);
  dlclose(lib);
  return 0;
}
