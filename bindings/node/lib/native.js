'use strict';
// Calling libavala: every call that may touch the network runs through koffi's
// `.async()` on a worker thread, so the event loop never waits for I/O. Calls
// that only read memory (getters, page items) stay synchronous.
//
// Thread rules from avala.h that this module keeps:
//  * the client may be used by many threads at once: concurrent calls are fine;
//  * it is freed only when no call that uses it is in flight (close() defers);
//  * an iterator is used by one thread at a time: its next() calls are chained
//    (see pagination.js), never concurrent;
//  * errors are objects returned per call, so worker threads are no problem.

const { abi } = require('./abi');
const errors = require('./errors');

// koffi refuses more than `max_async_calls` (256) queued async calls; a
// Promise.all over a thousand gets must queue here instead of failing.
const MAX_IN_FLIGHT = 64;
let inFlight = 0;
const waiting = [];

function acquire() {
  if (inFlight < MAX_IN_FLIGHT) {
    inFlight += 1;
    return undefined;
  }
  return new Promise((resolve) => waiting.push(resolve));
}

function release() {
  const next = waiting.shift();
  if (next) next(); // the slot passes to the oldest waiter
  else inFlight -= 1;
}

/**
 * A client handle for calls an AbortSignal may stop: derived from `client`
 * with a cancel handle of its own (avala_client_derive), which the signal's
 * abort fires — the call in flight stops at once, its connection closed, and
 * its worker thread is free again. dispose() frees both once the calls are over.
 */
function abortable(client, signal) {
  const fn = abi().fn;
  const cancel = callSync(fn.avala_cancel_new, true, []);
  let derived;
  try {
    derived = callSync(fn.avala_client_derive, true, [client, {
      version: 1, cancel, interrupt: null, interrupt_payload: null, interrupt_interval_ms: 0,
    }]);
  } catch (e) {
    fn.avala_cancel_free(cancel);
    throw e;
  }
  const onAbort = () => fn.avala_cancel_fire(cancel);
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  return {
    client: derived,
    dispose() {
      signal.removeEventListener('abort', onAbort);
      fn.avala_client_free(derived);
      fn.avala_cancel_free(cancel);
    },
  };
}

/** The rejection for a call stopped by its signal: the signal's reason (an AbortError by default). */
function abortReason(signal) {
  return signal.reason ?? Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
}

/**
 * Runs `fn(out, ...args, err)` (or `fn(...args, err)` when `hasOut` is false)
 * on a worker thread. Resolves to *out (or the status code); rejects with the
 * converted libavala error. With `signal` (an AbortSignal), args[0] is the
 * client: the call goes through an abortable handle, and an abort rejects
 * with the signal's reason.
 */
async function callAsync(fn, hasOut, args, signal) {
  if (signal) {
    if (signal.aborted) throw abortReason(signal);
    const handle = abortable(args[0], signal);
    try {
      return await callAsync(fn, hasOut, [handle.client, ...args.slice(1)]);
    } catch (e) {
      if (signal.aborted) throw abortReason(signal);
      throw e;
    } finally {
      handle.dispose();
    }
  }
  await acquire();
  try {
    return await new Promise((resolve, reject) => {
      const out = [null];
      const err = [null];
      const full = hasOut ? [out, ...args, err] : [...args, err];
      fn.async(...full, (ffiError, rc) => {
        if (ffiError) return reject(ffiError);
        if (rc < 0) return reject(errors.fromNative(abi(), rc, err[0]));
        return resolve(hasOut ? out[0] : rc);
      });
    });
  } finally {
    release();
  }
}

/** The same, on the calling thread: only for calls that send nothing (creating an iterator). */
function callSync(fn, hasOut, args) {
  const out = [null];
  const err = [null];
  const rc = hasOut ? fn(out, ...args, err) : fn(...args, err);
  if (rc < 0) throw errors.fromNative(abi(), rc, err[0]);
  return hasOut ? out[0] : rc;
}

/**
 * Owns one avala_client*. `use(f)` runs f(ptr) with the pointer kept alive
 * until f's promise settles; close() frees it once nothing is in flight.
 */
class NativeClient {
  constructor(ptr) {
    this.ptr = ptr;
    this.inflight = 0;
    this.closed = false;
  }

  async use(f) {
    if (this.closed) throw new errors.AvalaError('This Avala client is closed');
    this.inflight += 1;
    try {
      return await f(this.ptr);
    } finally {
      this.inflight -= 1;
      this.freeIfIdle();
    }
  }

  useSync(f) {
    if (this.closed) throw new errors.AvalaError('This Avala client is closed');
    return f(this.ptr);
  }

  close() {
    this.closed = true;
    this.freeIfIdle();
  }

  freeIfIdle() {
    if (this.closed && this.inflight === 0 && this.ptr) {
      const ptr = this.ptr;
      this.ptr = null;
      abi().fn.avala_client_free(ptr);
    }
  }
}

// Safety nets for handles whose owner was garbage-collected without close().
const clientRegistry = new FinalizationRegistry((native) => native.close());
const handleRegistry = new FinalizationRegistry(({ free, ptr }) => free(ptr));

module.exports = { callAsync, callSync, abortable, abortReason, NativeClient, clientRegistry, handleRegistry };
