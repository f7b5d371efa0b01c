'use strict';
// The resources as a table over the C ABI's calls. A row names the C function,
// what it returns and how the JS arguments become C arguments; one generic
// function turns each row into a method. Adding a resource is adding rows.
//
// Method shapes follow the official Avala TypeScript SDK: list(...) resolves to
// { items, nextCursor, previousCursor, hasMore } with camelCase item fields;
// each list also has an async iterator over every page (list -> iter,
// listExecutions -> iterExecutions).

const { abi } = require('./abi');
const { invalidArgument, cString, APITimeoutError } = require('./errors');
const { callAsync, callSync, asyncHandle } = require('./native');
const { FAMILIES, takeItem, takePage, ItemIterator } = require('./pagination');

const NATIVE = Symbol.for('avala.native');

// ---- How JS arguments become C arguments (each returns a list of C args) ----

function checkString(value, name) {
  if (typeof value !== 'string') throw invalidArgument(`${name} must be a string, got ${value === null ? 'null' : typeof value}`);
  return cString(value, name);
}

const snake = (key) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (key) => key.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

/** A uid that goes into the path; libavala refuses unsafe ones ("../admin") before sending. */
const id = (name) => (value) => [checkString(value, name)];

/** A body object: camelCase keys become the API's snake_case; libavala checks names and types. */
const fields = (name) => (value) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidArgument(`${name} must be an object`);
  const body = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) body[snake(k)] = v;
  return [JSON.stringify(body)];
};

/** exports.create({ project }) or ({ dataset }): libavala insists on exactly one. */
const exportTarget = (value) => {
  if (value === null || typeof value !== 'object') throw invalidArgument('exports.create takes { project } or { dataset }');
  const pick = (k) => (value[k] === undefined || value[k] === null ? null : checkString(value[k], k));
  return [pick('project'), pick('dataset')];
};

const INT32_MAX = 2 ** 31 - 1;

/** { limit, cursor, ...filters } to an avala_list_options (v2). `filters` are the API's names. */
const listOptions = (filters = []) => (value = {}) => {
  if (value === null || typeof value !== 'object') throw invalidArgument('list options must be an object');
  const { limit, cursor } = value;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0 && limit <= INT32_MAX)) {
    throw invalidArgument(`limit must be a positive integer, got ${limit}`);
  }
  if (cursor !== undefined && cursor !== null) checkString(cursor, 'cursor');
  const pairs = [];
  for (const name of filters) {
    const v = value[camel(name)];
    if (v !== undefined && v !== null) pairs.push(name, cString(String(v), name));
  }
  return [{
    version: abi().LIST_OPTIONS_VERSION,
    limit: limit ?? 0,
    cursor: cursor ?? null,
    filters: pairs.length ? [...pairs, null] : null,
  }];
};

// ---- Rows ----

const P = FAMILIES.project;
const O = FAMILIES.object;

/** One call: `returns` is 'object' (an owned item), 'none' (204), or 'array' (a page without cursors). */
const call = (c, returns, ...params) => ({ type: 'call', c, returns, params });
/** A list: `<name>` fetches one page, `<iterName>` walks every page. C names: c + '_page' and c. */
const paged = (c, iterName, ...params) => ({ type: 'paged', c, iterName, params });

const RESOURCES = {
  projects: {
    family: P,
    list: paged('avala_project_list', 'iter', listOptions()),
    get: call('avala_project_get', 'object', id('uid')),
  },
  tasks: {
    list: paged('avala_task_list', 'iter', listOptions(['project', 'status'])),
    get: call('avala_task_get', 'object', id('uid')),
  },
  exports: {
    list: paged('avala_export_list', 'iter', listOptions()),
    create: call('avala_export_create', 'object', exportTarget),
    get: call('avala_export_get', 'object', id('uid')),
    // wait(): below, in JS over get().
  },
  agents: {
    list: paged('avala_agent_list', 'iter', listOptions()),
    get: call('avala_agent_get', 'object', id('uid')),
    create: call('avala_agent_create', 'object', fields('options')),
    update: call('avala_agent_update', 'object', id('uid'), fields('options')),
    delete: call('avala_agent_delete', 'none', id('uid')),
    listExecutions: paged('avala_agent_execution_list', 'iterExecutions', id('uid'), listOptions()),
    test: call('avala_agent_test', 'object', id('uid')),
  },
  qualityTargets: {
    list: paged('avala_quality_target_list', 'iter', id('projectUid'), listOptions()),
    get: call('avala_quality_target_get', 'object', id('projectUid'), id('uid')),
    create: call('avala_quality_target_create', 'object', id('projectUid'), fields('options')),
    update: call('avala_quality_target_update', 'object', id('projectUid'), id('uid'), fields('options')),
    delete: call('avala_quality_target_delete', 'none', id('projectUid'), id('uid')),
    evaluate: call('avala_quality_target_evaluate', 'array', id('projectUid')),
  },
  datasets: {
    list: paged('avala_dataset_list', 'iter', listOptions(['data_type', 'name', 'status', 'visibility'])),
    get: call('avala_dataset_get', 'object', id('uid')),
  },
};

function cArgs(params, args) {
  return params.flatMap((convert, i) => convert(args[i]));
}

/**
 * The AbortSignal of a call: in a trailing `{ signal }` after the row's
 * arguments, or (lists) in the list options themselves.
 */
function signalOf(row, args) {
  const options = [args[row.params.length], row.type === 'paged' ? args[row.params.length - 1] : undefined];
  for (const o of options) {
    if (o === null || typeof o !== 'object' || o.signal === undefined || o.signal === null) continue;
    if (!(o.signal instanceof AbortSignal)) throw invalidArgument('signal must be an AbortSignal');
    return o.signal;
  }
  return undefined;
}

function methodsOf(family, row) {
  const fn = () => abi().fn;
  if (row.type === 'call') {
    const hasOut = row.returns !== 'none';
    return {
      async [row.name](...args) {
        const c = cArgs(row.params, args);
        const signal = signalOf(row, args);
        const out = await this[NATIVE].use((client) => callAsync(fn()[row.c], hasOut, [client, ...c], signal));
        if (row.returns === 'object') return takeItem(family, out);
        if (row.returns === 'array') return takePage(family, out).items;
        return undefined;
      },
    };
  }
  return {
    async [row.name](...args) {
      const c = cArgs(row.params, args);
      const signal = signalOf(row, args);
      const page = await this[NATIVE].use((client) => callAsync(fn()[`${row.c}_page`], true, [client, ...c], signal));
      return takePage(family, page);
    },
    [row.iterName](...args) {
      const c = cArgs(row.params, args);
      const signal = signalOf(row, args);
      // Creating the iterator sends nothing: pages are fetched by next(), on
      // an asynchronous handle (the queue, a tag, the signal's cancel handle)
      // that the iterator keeps until it is released.
      return this[NATIVE].useSync((client) => {
        const handle = asyncHandle(client, signal);
        try {
          const it = callSync(fn()[row.c], true, [handle.client, ...c]);
          return new ItemIterator(family, it, this, handle, signal);
        } catch (e) {
          handle.dispose();
          throw e;
        }
      });
    },
  };
}

/** The exports.wait contract: interval 2 s by default, never below 0.5 s; timeout 300 s. */
const WAIT = { interval: 2000, minInterval: 500, timeout: 300000 };

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => { clearTimeout(timer); reject(signal.reason); };
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const extras = {
  exports: {
    /**
     * Polls get(uid) until the export's status is "exported" or "failed" and
     * returns it (a failed export is a result, not an error). Times are in
     * milliseconds, like the client's timeout. Waiting uses timers, so nothing
     * is held while sleeping; `signal` (an AbortSignal) cancels.
     */
    async wait(uid, { interval, timeout, signal, onProgress } = {}) {
      for (const [name, v] of [['interval', interval], ['timeout', timeout]]) {
        if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
          throw invalidArgument(`wait ${name} must be a non-negative number of milliseconds, got ${v}`);
        }
      }
      const every = Math.max(interval || WAIT.interval, WAIT.minInterval);
      const limit = timeout || WAIT.timeout;
      const start = performance.now();
      const deadline = start + limit;
      for (;;) {
        if (signal?.aborted) throw signal.reason;
        const exp = await this.get(uid, { signal });
        if (onProgress) onProgress(exp, (performance.now() - start) / 1000);
        if (exp.status === 'exported' || exp.status === 'failed') return exp;
        const now = performance.now();
        if (now >= deadline) {
          const e = new APITimeoutError(
            `export ${uid} did not finish within ${limit / 1000} s (last status: ${exp.status ?? 'unknown'})`);
          e.kind = 'timeout';
          e.lastStatus = exp.status ?? null;
          throw e;
        }
        await sleep(Math.min(every, deadline - now), signal);
      }
    },
  },
};

const className = (name) => `${name[0].toUpperCase()}${name.slice(1)}Resource`;

/** Builds one class per resource from its rows; instances hold the client. */
function buildResourceClasses() {
  const classes = {};
  for (const [name, table] of Object.entries(RESOURCES)) {
    const family = table.family || O;
    const cls = {
      [className(name)]: class {
        constructor(client) {
          // Holding the client keeps it (and its native handle) alive while a resource is in use.
          Object.defineProperty(this, '_client', { value: client });
        }

        get [NATIVE]() {
          return this._client[NATIVE];
        }
      },
    }[className(name)];
    for (const [method, row] of Object.entries(table)) {
      if (method === 'family') continue;
      Object.assign(cls.prototype, methodsOf(family, { ...row, name: method }));
    }
    Object.assign(cls.prototype, extras[name] || {});
    classes[name] = cls;
  }
  return classes;
}

const RESOURCE_CLASSES = buildResourceClasses();

module.exports = { RESOURCES, RESOURCE_CLASSES, NATIVE, listOptions };
