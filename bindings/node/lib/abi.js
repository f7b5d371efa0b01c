'use strict';
// The whole C ABI of libavala (capi/include/avala.h) as koffi sees it: the
// one place that names a C symbol, a C type or a status code. Everything else
// in the package calls through the object this module returns.
//
// Which libavala is loaded, first match wins:
//   1. $AVALA_LIBRARY: a full path (no fallback if it fails to load);
//   2. the package's own copy for this platform, which `npm pack` bundles
//      (scripts/prepack.js): <package>/native/<platform>-<arch>/libavala.so.0;
//   3. the system loader: "libavala.so.0" (ld.so.cache, LD_LIBRARY_PATH, ...).

const fs = require('node:fs');
const path = require('node:path');
const koffi = require('koffi');

const SONAME = process.platform === 'darwin' ? 'libavala.0.dylib' : 'libavala.so.0';
const ABI_MAJOR = 0;

// Status codes (avala.h "Status codes"); never reused, so safe to hard-code.
const status = Object.freeze({
  OK: 0,
  ITER_END: 1,
  PENDING: 2, // an asynchronous call started; its result arrives on the queue
  E_INVALID_ARGUMENT: -1,
  E_CONFIG: -2,
  E_AUTHENTICATION: -3,
  E_FORBIDDEN: -4,
  E_NOT_FOUND: -5,
  E_VALIDATION: -6,
  E_RATE_LIMITED: -7,
  E_SERVER: -8,
  E_API: -9,
  E_REDIRECT: -10,
  E_TIMEOUT: -11,
  E_NETWORK: -12,
  E_TLS: -13,
  E_DECODE: -14,
  E_CROSS_ORIGIN: -15,
  E_NO_MEMORY: -16,
  E_INTERNAL: -17,
  E_CANCELLED: -18,
  E_PROXY: -19,
});

const CLIENT_OPTIONS_VERSION = 3;
const LIST_OPTIONS_VERSION = 2;
const WAIT_OPTIONS_VERSION = 1;
const CALL_OPTIONS_VERSION = 2; // v2: queue and tag (the asynchronous C ABI)

const PACKAGE_DIR = path.join(__dirname, '..');

/** The package's copy of libavala for a platform (linux-x64, darwin-arm64, ...). */
function bundledLibrary(packageDir = PACKAGE_DIR, platform = process.platform, arch = process.arch) {
  return path.join(packageDir, 'native', `${platform}-${arch}`, SONAME);
}

/** Where libavala is looked for, in order (see the header comment). */
function libraryCandidates(env = process.env, packageDir = PACKAGE_DIR) {
  if (env.AVALA_LIBRARY) return [{ path: env.AVALA_LIBRARY, from: '$AVALA_LIBRARY' }];
  const own = bundledLibrary(packageDir);
  if (fs.existsSync(own)) return [{ path: own, from: "the package's native/ folder" }];
  return [{ path: SONAME, from: 'the system loader' }];
}

// Opaque handles: the C structs are never looked into. Each pointer type is
// named so prototypes below read like avala.h.
const OPAQUE = ['avala_error', 'avala_client', 'avala_response', 'avala_project', 'avala_project_page',
  'avala_project_iter', 'avala_object', 'avala_page', 'avala_iter', 'avala_cancel', 'avala_queue'];

// avala.h, function by function. `_Out_ T **out` comes back in a one-element
// array; every `const char *` result is borrowed and koffi copies it into a
// JS string at once, so no borrowed pointer outlives its call here.
const PROTOTYPES = [
  'const char *avala_version(void)',
  'const char *avala_status_name(int status)',

  'void avala_error_free(avala_error *err)',
  'int avala_error_code(const avala_error *err)',
  'const char *avala_error_message(const avala_error *err)',
  'int32_t avala_error_http_status(const avala_error *err)',
  'const char *avala_error_body(const avala_error *err)',
  'double avala_error_retry_after(const avala_error *err)',
  'int32_t avala_error_attempts(const avala_error *err)',

  // No call returns an owned string (`char **out`) yet. When one does, its
  // out type is koffi.disposable('const char *', fn.avala_string_free), never free().
  'void avala_string_free(void *s)',

  'int avala_client_options_init(_Out_ avala_client_options *opts, uint32_t version)',
  'int avala_client_new(_Out_ avala_client **out, const avala_client_options *opts, _Out_ avala_error **err)',
  'void avala_client_free(avala_client *client)',
  'int avala_cancel_new(_Out_ avala_cancel **out, _Out_ avala_error **err)',
  'void avala_cancel_free(avala_cancel *cancel)',
  'void avala_cancel_fire(avala_cancel *cancel)',
  'int avala_client_derive(_Out_ avala_client **out, avala_client *client, const avala_call_options *opts, _Out_ avala_error **err)',
  'const char *avala_client_base_url(const avala_client *client)',

  // Asynchronous calls (avala.h "Asynchronous calls"). avala_queue_poll's
  // `out` is a Buffer holding `max` avala_completion structs, read back with
  // koffi.decode(buffer, i * sizeof, 'avala_completion'): one buffer, reused.
  'int avala_queue_new(_Out_ avala_queue **out, _Out_ avala_error **err)',
  'void avala_queue_free(avala_queue *queue)',
  'int avala_queue_fd(const avala_queue *queue)',
  'int avala_queue_set_notify(avala_queue *queue, avala_notify_fn *fn, void *payload)',
  'size_t avala_queue_poll(avala_queue *queue, void *out, size_t max, int64_t timeout_ms)',
  'size_t avala_queue_pending(const avala_queue *queue)',
  'int avala_client_rate_limit(_Out_ avala_rate_limit *out, const avala_client *client)',

  'int avala_request(_Out_ avala_response **out, avala_client *client, const char *method, const char *path_and_query, const char *body_json, _Out_ avala_error **err)',
  'void avala_response_free(avala_response *resp)',
  'int32_t avala_response_status(const avala_response *resp)',
  'const char *avala_response_body(const avala_response *resp, _Out_ size_t *len)',
  'const char *avala_response_header(const avala_response *resp, const char *name)',

  'void avala_project_free(avala_project *project)',
  'int avala_project_clone(_Out_ avala_project **out, const avala_project *project)',
  'const char *avala_project_uid(const avala_project *project)',
  'const char *avala_project_name(const avala_project *project)',
  'const char *avala_project_status(const avala_project *project)',
  'int avala_project_status_kind_of(const avala_project *project)',
  'const char *avala_project_created_at(const avala_project *project)',
  'const char *avala_project_updated_at(const avala_project *project)',
  'const char *avala_project_json(const avala_project *project)',
  'const char *avala_project_field_json(const avala_project *project, const char *field)',
  'int avala_list_options_init(_Out_ avala_list_options *opts, uint32_t version)',
  'int avala_project_get(_Out_ avala_project **out, avala_client *client, const char *uid, _Out_ avala_error **err)',
  'int avala_project_list_page(_Out_ avala_project_page **out, avala_client *client, const avala_list_options *opts, _Out_ avala_error **err)',
  'void avala_project_page_free(avala_project_page *page)',
  'size_t avala_project_page_count(const avala_project_page *page)',
  'const avala_project *avala_project_page_item(const avala_project_page *page, size_t i)',
  'const char *avala_project_page_next_cursor(const avala_project_page *page)',
  'const char *avala_project_page_previous_cursor(const avala_project_page *page)',
  'int avala_project_page_has_more(const avala_project_page *page)',
  'int avala_project_list(_Out_ avala_project_iter **out, avala_client *client, const avala_list_options *opts, _Out_ avala_error **err)',
  'int avala_project_iter_next(_Out_ avala_project **out, avala_project_iter *it, _Out_ avala_error **err)',
  'void avala_project_iter_free(avala_project_iter *it)',

  'void avala_object_free(avala_object *obj)',
  'int avala_object_clone(_Out_ avala_object **out, const avala_object *obj)',
  'int avala_object_kind_of(const avala_object *obj)',
  'const char *avala_object_string(const avala_object *obj, const char *field)',
  'int avala_object_int(_Out_ int64_t *out, const avala_object *obj, const char *field)',
  'int avala_object_double(_Out_ double *out, const avala_object *obj, const char *field)',
  'int avala_object_bool(_Out_ int *out, const avala_object *obj, const char *field)',
  'const char *avala_object_json(const avala_object *obj)',
  'const char *avala_object_field_json(const avala_object *obj, const char *field)',
  'void avala_page_free(avala_page *page)',
  'size_t avala_page_count(const avala_page *page)',
  'const avala_object *avala_page_item(const avala_page *page, size_t i)',
  'const char *avala_page_next_cursor(const avala_page *page)',
  'const char *avala_page_previous_cursor(const avala_page *page)',
  'int avala_page_has_more(const avala_page *page)',
  'int avala_iter_next(_Out_ avala_object **out, avala_iter *it, _Out_ avala_error **err)',
  'void avala_iter_free(avala_iter *it)',

  'int avala_task_list(_Out_ avala_iter **out, avala_client *client, const avala_list_options *opts, _Out_ avala_error **err)',
  'int avala_task_list_page(_Out_ avala_page **out, avala_client *client, const avala_list_options *opts, _Out_ avala_error **err)',
  'int avala_task_get(_Out_ avala_object **out, avala_client *client, const char *uid, _Out_ avala_error **err)',

  'int avala_export_list(_Out_ avala_iter **out, avala_client *client, const avala_list_options *opts, _Out_ avala_error **err)',
  'int avala_export_list_page(_Out_ avala_page **out, avala_client *client, const avala_list_options *opts, _Out_ avala_error **err)',
  'int avala_export_create(_Out_ avala_object **out, avala_client *client, const char *project, const char *dataset, _Out_ avala_error **err)',
  'int avala_export_get(_Out_ avala_object **out, avala_client *client, const char *uid, _Out_ avala_error **err)',
  'int avala_wait_options_init(_Out_ avala_wait_options *opts, uint32_t version)',
  'int avala_export_wait(_Out_ avala_object **out, avala_client *client, const char *uid, const avala_wait_options *opts, avala_export_progress_fn *progress, void *payload, _Out_ avala_error **err)',

  'int avala_agent_list(_Out_ avala_iter **out, avala_client *client, const avala_list_options *opts, _Out_ avala_error **err)',
  'int avala_agent_list_page(_Out_ avala_page **out, avala_client *client, const avala_list_options *opts, _Out_ avala_error **err)',
  'int avala_agent_get(_Out_ avala_object **out, avala_client *client, const char *uid, _Out_ avala_error **err)',
  'int avala_agent_create(_Out_ avala_object **out, avala_client *client, const char *fields_json, _Out_ avala_error **err)',
  'int avala_agent_update(_Out_ avala_object **out, avala_client *client, const char *uid, const char *fields_json, _Out_ avala_error **err)',
  'int avala_agent_delete(avala_client *client, const char *uid, _Out_ avala_error **err)',
  'int avala_agent_execution_list(_Out_ avala_iter **out, avala_client *client, const char *agent_uid, const avala_list_options *opts, _Out_ avala_error **err)',
  'int avala_agent_execution_list_page(_Out_ avala_page **out, avala_client *client, const char *agent_uid, const avala_list_options *opts, _Out_ avala_error **err)',
  'int avala_agent_test(_Out_ avala_object **out, avala_client *client, const char *uid, _Out_ avala_error **err)',

  'int avala_quality_target_list(_Out_ avala_iter **out, avala_client *client, const char *project, const avala_list_options *opts, _Out_ avala_error **err)',
  'int avala_quality_target_list_page(_Out_ avala_page **out, avala_client *client, const char *project, const avala_list_options *opts, _Out_ avala_error **err)',
  'int avala_quality_target_get(_Out_ avala_object **out, avala_client *client, const char *project, const char *uid, _Out_ avala_error **err)',
  'int avala_quality_target_create(_Out_ avala_object **out, avala_client *client, const char *project, const char *fields_json, _Out_ avala_error **err)',
  'int avala_quality_target_update(_Out_ avala_object **out, avala_client *client, const char *project, const char *uid, const char *fields_json, _Out_ avala_error **err)',
  'int avala_quality_target_delete(avala_client *client, const char *project, const char *uid, _Out_ avala_error **err)',
  'int avala_quality_target_evaluate(_Out_ avala_page **out, avala_client *client, const char *project, _Out_ avala_error **err)',

  'int avala_dataset_list(_Out_ avala_iter **out, avala_client *client, const avala_list_options *opts, _Out_ avala_error **err)',
  'int avala_dataset_list_page(_Out_ avala_page **out, avala_client *client, const avala_list_options *opts, _Out_ avala_error **err)',
  'int avala_dataset_get(_Out_ avala_object **out, avala_client *client, const char *uid, _Out_ avala_error **err)',
];

let typesDeclared = false;
function declareTypes() {
  if (typesDeclared) return; // koffi's type names are global to the process
  typesDeclared = true;
  for (const name of OPAQUE) koffi.opaque(name);
  // Versioned option structs: fields in avala.h order; koffi lays them out
  // with the C alignment rules (no bitfields, no bool, no long in the ABI).
  koffi.struct('avala_client_options', {
    version: 'uint32_t',
    api_key: 'const char *',
    base_url: 'const char *',
    timeout_ms: 'int64_t',
    ca_file: 'const char *',
    user_agent_suffix: 'const char *',
    max_retries: 'int32_t',
    rate_limit: 'int32_t', // version 2
    ca_dir: 'const char *', // version 3
    client_cert: 'const char *',
    client_key: 'const char *',
    client_key_password: 'const char *',
    proxy: 'const char *',
    no_proxy: 'const char *',
    proxy_env_off: 'int32_t',
    compression_off: 'int32_t',
  });
  koffi.struct('avala_list_options', {
    version: 'uint32_t',
    limit: 'int32_t',
    cursor: 'const char *',
    filters: 'const char **', // v2: name, value, ..., NULL (a JS array ending in null)
  });
  koffi.struct('avala_call_options', {
    version: 'uint32_t',
    cancel: 'avala_cancel *',
    interrupt: 'void *', // a callback pointer; Node passes none
    interrupt_payload: 'void *',
    interrupt_interval_ms: 'int64_t',
    queue: 'avala_queue *', // version 2: non-NULL makes the derived client asynchronous
    tag: 'uint64_t', // version 2: given back in each completion of its calls
  });
  // `result` is the handle the blocking call would have written to *out (its
  // type depends on the call); koffi hands pointers over as BigInt, so it is
  // passed on to that handle's functions as is.
  koffi.struct('avala_completion', {
    tag: 'uint64_t',
    status: 'int',
    result: 'void *',
    error: 'avala_error *',
    free_result: 'void *', // an avala_free_result_fn: koffi.decode(ptr, 'avala_free_result_fn') calls it
  });
  koffi.proto('void avala_notify_fn(void *payload)');
  koffi.proto('void avala_free_result_fn(void *result)');
  koffi.struct('avala_wait_options', { version: 'uint32_t', interval_ms: 'int64_t', timeout_ms: 'int64_t' });
  koffi.struct('avala_rate_limit', { limit: 'int64_t', remaining: 'int64_t', reset: 'int64_t' });
  koffi.proto('int avala_export_progress_fn(const avala_object *export_, double elapsed_s, void *payload)');
}

function symbolName(prototype) {
  return /(avala_\w+)\(/.exec(prototype)[1];
}

let loaded = null;

/**
 * Loads libavala once and returns { lib, fn, status, ... }; `fn.avala_x` is
 * the koffi function for avala_x. Every call is synchronous: the network
 * calls return at once on a client with a queue (lib/native.js).
 * Throws an Error naming what was tried when the library cannot be loaded.
 */
function abi() {
  if (loaded) return loaded;
  const [candidate] = libraryCandidates();
  let lib;
  try {
    lib = koffi.load(candidate.path);
  } catch (e) {
    const err = new Error(
      `avala: cannot load libavala (${candidate.path}, from ${candidate.from}): ${e.message}. ` +
        `Set AVALA_LIBRARY to the full path of libavala.so.0, install a package made by \`npm pack\` ` +
        `(it bundles the library as ${path.relative(PACKAGE_DIR, bundledLibrary())}), ` +
        'or install libavala where the system loader finds it.');
    err.cause = e;
    throw err;
  }
  declareTypes();
  const fn = {};
  for (const p of PROTOTYPES) fn[symbolName(p)] = lib.func(p);
  const version = fn.avala_version();
  if (Number.parseInt(version, 10) !== ABI_MAJOR) {
    throw new Error(`avala: ${candidate.path} is libavala ${version}; this package needs ABI ${ABI_MAJOR}.x`);
  }
  loaded = Object.freeze({
    lib, fn, status, version, path: candidate.path,
    CLIENT_OPTIONS_VERSION, LIST_OPTIONS_VERSION, WAIT_OPTIONS_VERSION, CALL_OPTIONS_VERSION,
  });
  return loaded;
}

module.exports = { abi, status, libraryCandidates, bundledLibrary, SONAME, PROTOTYPES };
