#!/usr/bin/env python3
"""Lists every Avala project and fetches one by uid, through libavala's C ABI
with nothing but Python's ctypes: no compiler, no extension module.

    AVALA_API_KEY=... python3 list_projects.py [--expect N]

The library is found the way find_library_path() below says: $AVALA_LIBRARY
(a full path) if set; else ctypes.util.find_library("avala"), which knows the
loader's cache (the libavala0 package, /usr/local after ldconfig) and
$LD_LIBRARY_PATH; else lib/libavala.so.0 of $AVALA_PREFIX (an install with
`cmake --install --prefix`). AVALA_BASE_URL and AVALA_API_KEY come from the environment, as
for every libavala program. With --expect N it checks that exactly N projects
came back, all with different uids, and that the one fetched by uid matches
(the CTest test runs it that way against the emulator).

ctypes rules kept here (README "Bindings"):
* every function used has its argtypes and restype declared: ctypes would
  otherwise pass and return C ints, truncating 64-bit pointers;
* handles are opaque c_void_p; `const char *` getters return borrowed strings
  that ctypes copies into bytes at once (c_char_p), which is right for them;
* an owned string (a `char **out` that libavala allocates) would have to be a
  c_void_p read with string_at and given back to avala_string_free: c_char_p
  would leak it. No call used here returns one;
* errors are avala_error objects (never thread-local): read, then freed.
"""

import ctypes
import ctypes.util
import os
import sys
from ctypes import POINTER, Structure, byref, c_char_p, c_double, c_int, c_int32, c_int64, c_uint32, c_void_p

AVALA_OK, AVALA_ITER_END = 0, 1


class ClientOptions(Structure):
    """avala_client_options, version 1 (fields only ever appended)."""
    _fields_ = [("version", c_uint32), ("api_key", c_char_p), ("base_url", c_char_p), ("timeout_ms", c_int64),
                ("ca_file", c_char_p), ("user_agent_suffix", c_char_p), ("max_retries", c_int32)]


class ListOptions(Structure):
    """avala_list_options, version 2."""
    _fields_ = [("version", c_uint32), ("limit", c_int32), ("cursor", c_char_p), ("filters", POINTER(c_char_p))]


def find_library_path():
    """$AVALA_LIBRARY, else what the loader knows, else $AVALA_PREFIX/lib*/libavala.so.0."""
    if os.environ.get("AVALA_LIBRARY"):
        return os.environ["AVALA_LIBRARY"]
    found = ctypes.util.find_library("avala")  # "libavala.so.0": the loader resolves it
    if found:
        return found
    prefix = os.environ.get("AVALA_PREFIX")
    if prefix:
        for libdir in ("lib", "lib64", "lib/x86_64-linux-gnu", "lib/aarch64-linux-gnu"):
            candidate = os.path.join(prefix, libdir, "libavala.so.0")
            if os.path.exists(candidate):
                return candidate
    raise OSError("libavala not found: set AVALA_LIBRARY to its path or AVALA_PREFIX to its install prefix, "
                  "or install it where the loader looks (e.g. the libavala0 package)")


def load(path=None):
    lib = ctypes.CDLL(path or find_library_path())
    err_p = POINTER(c_void_p)  # avala_error **
    out_p = POINTER(c_void_p)  # T **
    signatures = {
        "avala_version": ([], c_char_p),
        "avala_status_name": ([c_int], c_char_p),
        "avala_error_free": ([c_void_p], None),
        "avala_error_code": ([c_void_p], c_int),
        "avala_error_message": ([c_void_p], c_char_p),
        "avala_error_http_status": ([c_void_p], c_int32),
        "avala_error_retry_after": ([c_void_p], c_double),
        "avala_string_free": ([c_void_p], None),
        "avala_client_options_init": ([POINTER(ClientOptions), c_uint32], c_int),
        "avala_client_new": ([out_p, POINTER(ClientOptions), err_p], c_int),
        "avala_client_free": ([c_void_p], None),
        "avala_list_options_init": ([POINTER(ListOptions), c_uint32], c_int),
        "avala_project_list": ([out_p, c_void_p, POINTER(ListOptions), err_p], c_int),
        "avala_project_iter_next": ([out_p, c_void_p, err_p], c_int),
        "avala_project_iter_free": ([c_void_p], None),
        "avala_project_get": ([out_p, c_void_p, c_char_p, err_p], c_int),
        "avala_project_free": ([c_void_p], None),
        "avala_project_uid": ([c_void_p], c_char_p),
        "avala_project_name": ([c_void_p], c_char_p),
        "avala_project_status": ([c_void_p], c_char_p),
    }
    for name, (argtypes, restype) in signatures.items():
        f = getattr(lib, name)
        f.argtypes, f.restype = argtypes, restype
    return lib


class AvalaError(Exception):
    def __init__(self, lib, rc, err):
        """Reads the avala_error `err` (may be NULL) and frees it."""
        if err:
            rc = lib.avala_error_code(err)
            message = lib.avala_error_message(err).decode()
            self.http_status = lib.avala_error_http_status(err)
            lib.avala_error_free(err)
        else:
            message, self.http_status = "", 0
        self.code = rc
        self.kind = lib.avala_status_name(rc).decode()
        super().__init__(f"{self.kind} (HTTP {self.http_status}): {message}")


def check(lib, rc, err):
    if rc < 0:
        raise AvalaError(lib, rc, err)
    return rc


def text(value):
    return None if value is None else value.decode()


def each_project(lib, client, limit=100):
    """Yields (uid, name, status) for every project, page after page."""
    opts = ListOptions()
    lib.avala_list_options_init(byref(opts), 2)
    opts.limit = limit
    it, err = c_void_p(), c_void_p()
    check(lib, lib.avala_project_list(byref(it), client, byref(opts), byref(err)), err)
    try:
        project = c_void_p()
        while check(lib, lib.avala_project_iter_next(byref(project), it, byref(err)), err) == AVALA_OK:
            try:  # items are owned by the caller
                yield (text(lib.avala_project_uid(project)), text(lib.avala_project_name(project)),
                       text(lib.avala_project_status(project)))
            finally:
                lib.avala_project_free(project)
    finally:
        lib.avala_project_iter_free(it)


def get_project(lib, client, uid):
    project, err = c_void_p(), c_void_p()
    check(lib, lib.avala_project_get(byref(project), client, uid.encode(), byref(err)), err)
    try:
        return text(lib.avala_project_uid(project)), text(lib.avala_project_name(project))
    finally:
        lib.avala_project_free(project)


def main(argv):
    expect = int(argv[argv.index("--expect") + 1]) if "--expect" in argv else None
    lib = load()
    opts = ClientOptions()
    lib.avala_client_options_init(byref(opts), 1)  # NULL key/URL: from the environment
    opts.user_agent_suffix = b"python-ctypes"
    client, err = c_void_p(), c_void_p()
    try:
        check(lib, lib.avala_client_new(byref(client), byref(opts), byref(err)), err)
    except AvalaError as e:
        print(f"avala: {e}", file=sys.stderr)
        return 1
    try:
        uids = []
        for uid, name, status in each_project(lib, client, limit=100):
            print(f"{uid}  {name:<40} {status or '-'}")
            uids.append(uid)
        pick = uids[len(uids) // 2] if uids else "no-projects"
        got_uid, got_name = get_project(lib, client, pick)
        print(f"get {pick}: {got_name}")
        if expect is not None:
            assert len(uids) == expect, f"listed {len(uids)} projects, expected {expect}"
            assert len(set(uids)) == len(uids), "a project was listed twice"
            assert got_uid == pick, f"get({pick}) returned {got_uid}"
            try:
                get_project(lib, client, "../admin")
                raise AssertionError("the unsafe uid ../admin was accepted")
            except AvalaError as e:
                assert e.kind == "invalid_argument", e
            print(f"libavala {lib.avala_version().decode()}: {len(uids)} projects, get ok")
    except AvalaError as e:
        print(f"avala: {e}", file=sys.stderr)
        return 1
    finally:
        lib.avala_client_free(client)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
