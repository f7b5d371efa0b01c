// Package avala is a small Go wrapper over libavala's C ABI (avala.h) with
// cgo: a client, projects (get, and an iterator over every page) and errors.
// No module outside the standard library.
//
// cgo finds libavala through pkg-config (avala.pc): with the Debian package
// or an install in /usr/local nothing needs setting; for another prefix set
// PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig; for a build tree point it at
// $BUILD/capi/pkgconfig-uninstalled (examples/go/run.sh does). A library
// outside the loader's path also needs an rpath for the program to run:
//
//	PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig CGO_LDFLAGS="-Wl,-rpath,$PREFIX/lib" go build ./...
//
// Threads: a *Client may be used from many goroutines at once. libavala's
// errors are objects returned by each call, not thread-local state, so Go
// moving a goroutine between OS threads mid-call is harmless. An iterator is
// used by one goroutine at a time: keep each one on the goroutine that made it.
package avala

/*
#cgo pkg-config: avala
#include <stdlib.h>
#include <avala.h>
*/
import "C"

import (
	"fmt"
	"time"
	"unsafe"
)

// Error is a libavala error: Kind is its stable name ("not_found",
// "authentication", "invalid_argument", ...), HTTPStatus 0 when no answer came.
type Error struct {
	Code       int
	Kind       string
	HTTPStatus int
	Message    string
	Body       string  // redacted
	RetryAfter float64 // seconds, or -1
	Attempts   int
}

func (e *Error) Error() string {
	if e.HTTPStatus != 0 {
		return fmt.Sprintf("avala: %s (HTTP %d): %s", e.Kind, e.HTTPStatus, e.Message)
	}
	return fmt.Sprintf("avala: %s: %s", e.Kind, e.Message)
}

// takeError turns a failed call's code and avala_error into an *Error, and frees the C error.
func takeError(rc C.int, cerr *C.avala_error) error {
	e := &Error{Code: int(rc), RetryAfter: -1}
	if cerr != nil {
		defer C.avala_error_free(cerr)
		e.Code = int(C.avala_error_code(cerr))
		e.Message = C.GoString(C.avala_error_message(cerr))
		e.HTTPStatus = int(C.avala_error_http_status(cerr))
		e.Body = C.GoString(C.avala_error_body(cerr))
		e.RetryAfter = float64(C.avala_error_retry_after(cerr))
		e.Attempts = int(C.avala_error_attempts(cerr))
	}
	e.Kind = C.GoString(C.avala_status_name(C.int(e.Code)))
	return e
}

// cstring copies s for one call; libavala copies what it keeps, so free after the call.
func cstring(s string) *C.char {
	if s == "" {
		return nil
	}
	return C.CString(s)
}

// Options configure a Client; zero values mean libavala's defaults
// (key from $AVALA_API_KEY, URL from $AVALA_BASE_URL, 30 s, 2 retries).
type Options struct {
	APIKey     string
	BaseURL    string
	Timeout    time.Duration
	MaxRetries int // 0: the default (2); -1: none
}

// Client is a connection to the Avala API. Safe for concurrent use.
type Client struct {
	c *C.avala_client
}

// NewClient creates a client; nothing is sent. opts may be nil.
func NewClient(opts *Options) (*Client, error) {
	var o C.avala_client_options
	C.avala_client_options_init(&o, C.AVALA_CLIENT_OPTIONS_VERSION)
	if opts != nil {
		o.api_key = cstring(opts.APIKey)
		o.base_url = cstring(opts.BaseURL)
		defer C.free(unsafe.Pointer(o.api_key))
		defer C.free(unsafe.Pointer(o.base_url))
		o.timeout_ms = C.int64_t(opts.Timeout.Milliseconds())
		if opts.MaxRetries > 0 {
			o.max_retries = C.int32_t(opts.MaxRetries)
		} else if opts.MaxRetries < 0 {
			o.max_retries = 0
		}
	}
	o.user_agent_suffix = C.CString("go")
	defer C.free(unsafe.Pointer(o.user_agent_suffix))
	var c *C.avala_client
	var cerr *C.avala_error
	if rc := C.avala_client_new(&c, &o, &cerr); rc != C.AVALA_OK {
		return nil, takeError(rc, cerr)
	}
	return &Client{c: c}, nil
}

// Close frees the client. Iterators made from it keep working.
func (c *Client) Close() {
	C.avala_client_free(c.c)
	c.c = nil
}

// Project is one project; JSON holds every field the server sent.
type Project struct {
	UID, Name, Status, CreatedAt, UpdatedAt string
	JSON                                    string
}

// takeProject copies an owned avala_project into Go and frees it.
func takeProject(p *C.avala_project) Project {
	defer C.avala_project_free(p)
	return Project{
		UID:       C.GoString(C.avala_project_uid(p)),
		Name:      C.GoString(C.avala_project_name(p)),
		Status:    C.GoString(C.avala_project_status(p)),
		CreatedAt: C.GoString(C.avala_project_created_at(p)),
		UpdatedAt: C.GoString(C.avala_project_updated_at(p)),
		JSON:      C.GoString(C.avala_project_json(p)),
	}
}

// Project fetches one project. An unsafe uid ("../admin") is refused with
// Kind "invalid_argument" before anything is sent.
func (c *Client) Project(uid string) (Project, error) {
	cuid := C.CString(uid)
	defer C.free(unsafe.Pointer(cuid))
	var p *C.avala_project
	var cerr *C.avala_error
	if rc := C.avala_project_get(&p, c.c, cuid, &cerr); rc != C.AVALA_OK {
		return Project{}, takeError(rc, cerr)
	}
	return takeProject(p), nil
}

// ProjectIter walks every project, fetching a page when the last one is used
// up. Use it from one goroutine; Close it when done (also after an error).
type ProjectIter struct {
	it  *C.avala_project_iter
	cur Project
	err error
}

// Projects returns an iterator over every project, limit per page (0: the server's default).
func (c *Client) Projects(limit int) (*ProjectIter, error) {
	var opts C.avala_list_options
	C.avala_list_options_init(&opts, C.AVALA_LIST_OPTIONS_VERSION)
	opts.limit = C.int32_t(limit)
	var it *C.avala_project_iter
	var cerr *C.avala_error
	if rc := C.avala_project_list(&it, c.c, &opts, &cerr); rc != C.AVALA_OK {
		return nil, takeError(rc, cerr)
	}
	return &ProjectIter{it: it}, nil
}

// Next advances to the next project; false at the end or on an error (see Err).
func (i *ProjectIter) Next() bool {
	if i.it == nil || i.err != nil {
		return false
	}
	var p *C.avala_project
	var cerr *C.avala_error
	switch rc := C.avala_project_iter_next(&p, i.it, &cerr); rc {
	case C.AVALA_OK:
		i.cur = takeProject(p)
		return true
	case C.AVALA_ITER_END:
		return false
	default:
		i.err = takeError(rc, cerr)
		return false
	}
}

// Project is the current project (after Next returned true).
func (i *ProjectIter) Project() Project { return i.cur }

// Err is the error that stopped the iteration, if any.
func (i *ProjectIter) Err() error { return i.err }

// Close frees the C iterator.
func (i *ProjectIter) Close() {
	C.avala_project_iter_free(i.it)
	i.it = nil
}

// Version is libavala's version at run time.
func Version() string { return C.GoString(C.avala_version()) }
