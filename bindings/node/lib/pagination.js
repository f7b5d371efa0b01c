'use strict';
// Reading pages and objects out of libavala, and the async iterator over all
// pages. Projects have typed handles (avala_project_page, avala_project,
// avala_project_iter); every other resource shares the generic ones
// (avala_page, avala_object, avala_iter). Both families have the same
// accessors under different prefixes, so one table row describes each.

const { abi } = require('./abi');
const { iterStep, abortReason, handleRegistry } = require('./native');

const FAMILIES = {
  project: { page: 'avala_project_page', item: 'avala_project', iter: 'avala_project_iter' },
  object: { page: 'avala_page', item: 'avala_object', iter: 'avala_iter' },
};

/** Top-level snake_case keys to camelCase, exactly as the TypeScript SDK does (nested values untouched). */
function camelize(raw) {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const out = {};
  for (const [key, value] of Object.entries(raw)) out[key.replace(/_([a-z])/g, (_, c) => c.toUpperCase())] = value;
  return out;
}

/** A borrowed item pointer to a plain JS object with camelCase fields. */
function itemToJs(family, ptr) {
  return camelize(JSON.parse(abi().fn[`${family.item}_json`](ptr)));
}

/** Reads an owned item (from a get, a create, an iterator) and frees it. */
function takeItem(family, ptr) {
  try {
    return itemToJs(family, ptr);
  } finally {
    abi().fn[`${family.item}_free`](ptr);
  }
}

/** Reads an owned page into { items, nextCursor, previousCursor, hasMore } and frees it. */
function takePage(family, ptr) {
  const fn = abi().fn;
  const p = family.page;
  try {
    const count = Number(fn[`${p}_count`](ptr));
    const items = new Array(count);
    for (let i = 0; i < count; i++) items[i] = itemToJs(family, fn[`${p}_item`](ptr, i));
    return {
      items,
      nextCursor: fn[`${p}_next_cursor`](ptr),
      previousCursor: fn[`${p}_previous_cursor`](ptr),
      hasMore: fn[`${p}_has_more`](ptr) === 1,
    };
  } finally {
    fn[`${p}_free`](ptr);
  }
}

/**
 * Every item of a list, page after page, as an async iterator:
 * `for await (const item of iterator)`. Owns one C iterator, made from an
 * asynchronous client handle (native.asyncHandle: its queue, its tag, its
 * signal's cancel handle): an item already fetched is returned at once, a
 * step that needs the next page completes on the queue. The C iterator (and
 * the handle) are freed when the items run out, when the loop ends early
 * (break/return/throw call return()), when a call fails (as an async
 * generator, it is then done), on close(), or — as a safety net — when the
 * iterator is garbage-collected.
 */
class ItemIterator {
  constructor(family, ptr, owner, handle, signal = undefined) {
    this._family = family;
    this._ptr = ptr;
    this._owner = owner; // keeps the client (and so its resources) alive while iterating
    this._handle = handle; // the asynchronous client handle the C iterator was made from
    this._signal = signal;
    this._tail = Promise.resolve();
    this._free = abi().fn[`${family.iter}_free`];
    this._next = abi().fn[`${family.iter}_next`];
    handleRegistry.register(this, { free: this._free, ptr, handle }, this);
  }

  /** True once the C iterator has been freed. */
  get closed() {
    return this._ptr === null;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  // avala.h: an iterator is used by one thread at a time, so calls are
  // chained: a next() waits for the one before it, even if not awaited.
  _enqueue(step) {
    const result = this._tail.then(step);
    this._tail = result.catch(() => {});
    return result;
  }

  next() {
    return this._enqueue(async () => {
      if (this._ptr === null) return { done: true, value: undefined };
      let item;
      try {
        if (this._signal?.aborted) throw abortReason(this._signal);
        item = await iterStep(this._next, this._ptr, this._handle);
      } catch (e) {
        this._release();
        throw this._signal?.aborted ? abortReason(this._signal) : e;
      }
      if (item === null) { // AVALA_ITER_END
        this._release();
        return { done: true, value: undefined };
      }
      return { done: false, value: takeItem(this._family, item) };
    });
  }

  /** Ends the iteration early and frees the C iterator (for-await calls this on break). */
  return(value) {
    return this._enqueue(async () => {
      this._release();
      return { done: true, value };
    });
  }

  /** Same as return(): frees the C iterator once any pending next() has finished. */
  close() {
    return this.return().then(() => undefined);
  }

  _release() {
    if (this._ptr === null) return;
    const ptr = this._ptr;
    this._ptr = null;
    handleRegistry.unregister(this);
    this._free(ptr);
    this._handle.dispose();
  }
}

module.exports = { FAMILIES, camelize, takeItem, takePage, ItemIterator };
