'use strict';
// Calling libavala without a thread: every call that may touch the network
// goes through the asynchronous C ABI (avala.h "Asynchronous calls"). It is
// made on a client derived with { queue, tag, cancel }, returns AVALA_PENDING
// at once, and its result comes back later as a completion on the queue. So a
// call occupies neither libuv's thread pool nor any thread of its own, and one
// JS thread keeps any number of requests in flight. Calls that only read
// memory (getters, page items) and those that send nothing are synchronous.
//
// Thread rules from avala.h that this module keeps:
//  * the client may be used by many calls at once; it is freed only when no
//    call is starting on it (close() defers while calls are in flight);
//  * an iterator takes one step at a time: next() calls are chained
//    (pagination.js), and a step in flight has the iterator's tag;
//  * errors are objects returned per call (or per completion).

const koffi = require('koffi');
const { abi } = require('./abi');
const errors = require('./errors');

// A Promise.all over thousands of calls would open as many sockets at once;
// beyond this many in flight, calls wait here (in JS, holding nothing).
const MAX_IN_FLIGHT = 256;
let inFlight = 0;
const waiting = [];

/** Takes a slot, or waits for one; an abort of `signal` while waiting rejects at once. */
function acquire(signal) {
  if (inFlight < MAX_IN_FLIGHT) {
    inFlight += 1;
    return undefined;
  }
  return new Promise((resolve, reject) => {
    const waiter = () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = () => {
      waiting.splice(waiting.indexOf(waiter), 1);
      reject(abortReason(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    waiting.push(waiter);
  });
}

function release() {
  const next = waiting.shift();
  if (next) next(); // the slot passes to the oldest waiter
  else inFlight -= 1;
}

/**
 * The completion queue and the calls waiting on it.
 *
 * One per process (strictly: per instance of this module, so a worker thread
 * that loads the package has its own), made by the first call and freed at
 * exit (closeQueue), because:
 *  - tags are unique across clients, so one map settles every call;
 *  - a queue owns a notify thread and this module a koffi callback slot for
 *    it; one per client would cost both per client, and closing a client
 *    would have to clear its notify callback, which waits for a callback in
 *    progress — and that callback may be blocked waiting for this very JS
 *    thread (a deadlock). Idle, the queue costs a parked thread.
 *
 * How completions arrive: avala_queue_set_notify's callback is registered with
 * koffi, which runs a callback called from a foreign thread on the JS thread
 * (the queue's notify thread waits meanwhile: the contract allows it). It
 * drains the queue with avala_queue_poll(..., 0), which never blocks, and
 * settles each call's promise by its tag.
 *
 * Keeping the process alive: koffi relays those callbacks through an unref'd
 * threadsafe function (it does not keep the event loop alive — checked in
 * koffi's src/koffi/src/call.cc, InitAsyncBroker, and by the exit tests), so
 * a timer is ref'd while a call is in flight and unref'd when none is: the
 * process waits for its calls, and exits by itself once they are done.
 */
class CompletionQueue {
  constructor(a) {
    this.fn = a.fn;
    this.abi = a;
    this.queue = callSync(a.fn.avala_queue_new, true, []);
    this.calls = new Map(); // tag -> { resolve, reject }
    this.lastTag = 0;
    this.completed = 0; // completions taken off the queue, for tests
    this.size = koffi.sizeof('avala_completion');
    this.batch = 64;
    this.buffer = Buffer.alloc(this.size * this.batch);
    this.keepAlive = setInterval(() => {}, 2 ** 31 - 1);
    this.keepAlive.unref();
    // Registered until exit (closeQueue): never cleared while calls may run.
    this.notify = koffi.register(() => this.drain(), 'avala_notify_fn *');
    const rc = a.fn.avala_queue_set_notify(this.queue, this.notify, null);
    if (rc < 0) throw errors.fromNative(a, rc, null);
  }

  /** A tag no call in flight has. */
  tag() {
    this.lastTag += 1;
    return this.lastTag;
  }

  /** Resolves to the result of the call that started with `tag` (null for none or AVALA_ITER_END). */
  wait(tag) {
    return new Promise((resolve, reject) => {
      this.calls.set(tag, { resolve, reject });
      if (this.calls.size === 1) this.keepAlive.ref();
    });
  }

  /** Takes every completion off the queue (never blocking) and settles its call. */
  drain() {
    const { fn, queue, buffer, size, batch } = this;
    for (;;) {
      const n = Number(fn.avala_queue_poll(queue, buffer, batch, 0));
      for (let i = 0; i < n; i++) this.settle(koffi.decode(buffer, i * size, 'avala_completion'));
      if (n === 0) break; // a poll that finds the queue empty re-arms the notify callback
    }
    if (this.calls.size === 0 && Number(fn.avala_queue_pending(queue)) === 0) this.keepAlive.unref();
  }

  settle(c) {
    const tag = Number(c.tag);
    const call = this.calls.get(tag);
    if (!call) { // cannot happen: every started call waits; free what it carries all the same
      if (c.result && c.free_result) koffi.decode(c.free_result, 'avala_free_result_fn')(c.result);
      this.fn.avala_error_free(c.error);
      return;
    }
    this.calls.delete(tag);
    this.completed += 1;
    try {
      if (c.status < 0) call.reject(errors.fromNative(this.abi, c.status, c.error));
      else call.resolve(c.result); // AVALA_ITER_END and deletes: null
    } catch (e) {
      call.reject(e);
    }
  }
}

let completionQueue = null;
let exited = false;
function completions() {
  if (exited) throw new errors.AvalaError('avala: no call can start while the process (or worker thread) exits');
  if (!completionQueue) {
    completionQueue = new CompletionQueue(abi());
    process.once('exit', closeQueue);
  }
  return completionQueue;
}

/**
 * At exit, with nothing pending, the notify thread is idle: clearing the
 * callback joins it at once, and the queue is freed (a worker thread that
 * ends leaves nothing behind). With calls still in flight (process.exit()
 * while they run) it is left alone: clearing would wait for a callback that
 * may be blocked waiting for this thread, and the process is ending anyway.
 */
function closeQueue() {
  exited = true;
  const q = completionQueue;
  if (!q || Number(q.fn.avala_queue_pending(q.queue)) !== 0) return;
  completionQueue = null;
  q.fn.avala_queue_set_notify(q.queue, null, null);
  q.fn.avala_queue_free(q.queue);
  koffi.unregister(q.notify);
  clearInterval(q.keepAlive);
}

/**
 * A client handle for asynchronous calls: derived from `client`
 * (avala_client_derive) with the process's queue, a fresh tag and, with
 * `signal`, a cancel handle of its own that the signal's abort fires — the
 * call in flight then stops at once and its connection is closed. One per
 * call, or per iterator (its steps carry the tag). dispose() frees both.
 */
function asyncHandle(client, signal) {
  const fn = abi().fn;
  const q = completions();
  const cancel = signal ? callSync(fn.avala_cancel_new, true, []) : null;
  const tag = q.tag();
  let derived;
  try {
    derived = callSync(fn.avala_client_derive, true, [client, {
      version: abi().CALL_OPTIONS_VERSION,
      cancel,
      interrupt: null,
      interrupt_payload: null,
      interrupt_interval_ms: 0,
      queue: q.queue,
      tag,
    }]);
  } catch (e) {
    fn.avala_cancel_free(cancel);
    throw e;
  }
  const onAbort = () => fn.avala_cancel_fire(cancel);
  if (signal) {
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
  }
  let disposed = false;
  return {
    client: derived,
    tag,
    dispose() {
      if (disposed) return;
      disposed = true;
      signal?.removeEventListener('abort', onAbort);
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
 * What a call that was just made gives: its result at once (AVALA_OK, or
 * AVALA_ITER_END as null), its error at once (refused before sending), or —
 * AVALA_PENDING — a promise of the completion that carries `tag`.
 */
function outcome(rc, value, errPtr, tag) {
  if (rc === abi().status.PENDING) return completions().wait(tag);
  if (rc < 0) throw errors.fromNative(abi(), rc, errPtr);
  return value;
}

/**
 * Runs `fn(out, client, ...rest, err)` (or `fn(client, ...rest, err)` when
 * `hasOut` is false), where args = [client, ...rest], asynchronously. Resolves
 * to the result handle (*out of the blocking call; undefined when there is
 * none); rejects with the converted libavala error, or with the signal's
 * reason once `signal` (an AbortSignal) has aborted the call.
 */
async function callAsync(fn, hasOut, args, signal) {
  if (signal?.aborted) throw abortReason(signal);
  await acquire(signal);
  let handle = null;
  try {
    handle = asyncHandle(args[0], signal);
    const out = [null];
    const err = [null];
    const rest = args.slice(1);
    const rc = hasOut ? fn(out, handle.client, ...rest, err) : fn(handle.client, ...rest, err);
    const result = await outcome(rc, out[0], err[0], handle.tag);
    return hasOut ? result : undefined;
  } catch (e) {
    if (signal?.aborted) throw abortReason(signal);
    throw e;
  } finally {
    handle?.dispose();
    release();
  }
}

/**
 * One step of a C iterator made from an asyncHandle's client: the next item
 * handle, or null at the end. An item already fetched comes back at once,
 * without the queue; otherwise the step completes with the handle's tag.
 */
function iterStep(next, it, handle) {
  const out = [null];
  const err = [null];
  const rc = next(out, it, err);
  return outcome(rc, out[0], err[0], handle.tag);
}

/** A call on the calling thread: only for calls that send nothing (creating an iterator, a handle). */
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
const handleRegistry = new FinalizationRegistry(({ free, ptr, handle }) => {
  free(ptr);
  handle?.dispose();
});

/**
 * For tests: calls waiting on the queue, avala_queue_pending, completions
 * taken so far, and whether the keep-alive timer holds the process.
 */
function queueState() {
  const q = completionQueue;
  if (!q) return { waiting: 0, pending: 0, completed: 0, ref: false };
  return {
    waiting: q.calls.size,
    pending: Number(q.fn.avala_queue_pending(q.queue)),
    completed: q.completed,
    ref: q.keepAlive.hasRef(),
  };
}

module.exports = {
  callAsync, callSync, iterStep, asyncHandle, abortReason, NativeClient, clientRegistry, handleRegistry, queueState,
};
