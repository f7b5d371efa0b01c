'use strict';
// The Node package against the emulator: projects, errors, pagination, the
// event loop, iterators and the client's lifetime.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { sharedEmulator } = require('./helpers');
const {
  Avala, AvalaError, AuthenticationError, NotFoundError, InvalidArgumentError, ConfigurationError,
  APIConnectionError, APITimeoutError,
} = require('..');

let env;
let avala;

before(async () => {
  env = await sharedEmulator();
  avala = new Avala({ apiKey: env.key, baseUrl: env.url });
});
after(() => avala.close());

test('list returns one page with the TypeScript SDK shape and camelCase fields', async () => {
  const page = await avala.projects.list({ limit: 10 });
  assert.deepEqual(Object.keys(page).sort(), ['hasMore', 'items', 'nextCursor', 'previousCursor']);
  assert.equal(page.items.length, 10);
  assert.equal(page.hasMore, true);
  assert.equal(typeof page.nextCursor, 'string');
  assert.equal(page.previousCursor, null);
  const p = page.items[0];
  for (const field of ['uid', 'name', 'status', 'createdAt', 'updatedAt', 'taskType', 'isActive', 'ownerName']) {
    assert.ok(field in p, `missing ${field}`);
  }
  assert.ok(Object.keys(p).every((k) => !k.includes('_')), `snake_case key left in ${Object.keys(p)}`);
  assert.match(p.createdAt, /^\d{4}-\d\d-\d\dT/);
});

test('the next page follows nextCursor and links back with previousCursor', async () => {
  const first = await avala.projects.list({ limit: 5 });
  const second = await avala.projects.list({ limit: 5, cursor: first.nextCursor });
  assert.equal(second.items.length, 5);
  assert.notEqual(second.items[0].uid, first.items[0].uid);
  assert.equal(typeof second.previousCursor, 'string');
  const back = await avala.projects.list({ limit: 5, cursor: second.previousCursor });
  assert.deepEqual(back.items.map((p) => p.uid), first.items.map((p) => p.uid));
});

test('following every page with cursors gives all 1000 projects once', async () => {
  const uids = [];
  let cursor;
  for (;;) {
    const page = await avala.projects.list({ limit: 37, cursor });
    uids.push(...page.items.map((p) => p.uid));
    if (!page.hasMore) break;
    cursor = page.nextCursor;
  }
  assert.equal(uids.length, 1000);
  assert.equal(new Set(uids).size, 1000);
});

test('the async iterator walks every page: 1000 unique projects', async () => {
  const uids = new Set();
  let n = 0;
  for await (const p of avala.projects.iter({ limit: 37 })) {
    n += 1;
    uids.add(p.uid);
    assert.equal(typeof p.createdAt, 'string');
  }
  assert.equal(n, 1000);
  assert.equal(uids.size, 1000);
});

test('breaking out of for-await frees the native iterator', async () => {
  const it = avala.projects.iter({ limit: 10 });
  let n = 0;
  for await (const p of it) {
    assert.ok(p.uid);
    if (++n === 15) break; // in the middle of the second page
  }
  assert.equal(n, 15);
  assert.equal(it.closed, true);
  assert.deepEqual(await it.next(), { done: true, value: undefined });
});

test('an exhausted iterator is closed, and close() on an unused one frees it', async () => {
  const it = avala.projects.iter({ limit: 500 });
  let n = 0;
  for await (const _ of it) n += 1; // eslint-disable-line no-unused-vars
  assert.equal(n, 1000);
  assert.equal(it.closed, true);
  const unused = avala.projects.iter();
  assert.equal(unused.closed, false);
  await unused.close();
  assert.equal(unused.closed, true);
});

test('next() calls made without awaiting are run one after the other, in order', async () => {
  const it = avala.projects.iter({ limit: 3 });
  const results = await Promise.all(Array.from({ length: 7 }, () => it.next()));
  const first7 = (await avala.projects.list({ limit: 7 })).items.map((p) => p.uid);
  assert.deepEqual(results.map((r) => r.value.uid), first7);
  const closing = it.close();
  const after = it.next();
  await closing;
  assert.deepEqual(await after, { done: true, value: undefined });
});

test('get returns the same project as the list', async () => {
  const [listed] = (await avala.projects.list({ limit: 1 })).items;
  const got = await avala.projects.get(listed.uid);
  assert.deepEqual(got, listed);
});

test('an unknown uid gives NotFoundError with status 404 and the body', async () => {
  await assert.rejects(avala.projects.get('no-such-project'), (e) => {
    assert.ok(e instanceof NotFoundError);
    assert.ok(e instanceof AvalaError);
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'NotFoundError');
    assert.equal(e.statusCode, 404);
    assert.equal(e.kind, 'not_found');
    assert.deepEqual(e.body, { detail: 'Not found.' });
    return true;
  });
});

test('a wrong key gives AuthenticationError without the key in the error', async () => {
  const key = 'wrong-key-5f9e2d7c';
  const bad = new Avala({ apiKey: key, baseUrl: env.url });
  try {
    await assert.rejects(bad.projects.list(), (e) => {
      assert.ok(e instanceof AuthenticationError);
      assert.equal(e.statusCode, 401);
      assert.ok(!e.message.includes(key) && !JSON.stringify(e.body ?? '').includes(key));
      return true;
    });
  } finally {
    bad.close();
  }
});

test('an unsafe uid is refused before anything is sent', async () => {
  // A client aimed at a closed port: had anything been sent, this would be a connection error.
  const offline = new Avala({ apiKey: 'k', baseUrl: 'http://127.0.0.1:1/api/v1', maxRetries: 0 });
  try {
    for (const uid of ['../admin', '..', 'a/b', 'a%2fb', '']) {
      await assert.rejects(offline.projects.get(uid), (e) => {
        assert.ok(e instanceof InvalidArgumentError, `${uid}: ${e}`);
        assert.equal(e.attempts, 0);
        return true;
      });
    }
    await assert.rejects(offline.projects.get(42), InvalidArgumentError);
    await assert.rejects(offline.projects.list({ limit: -1 }), InvalidArgumentError);
    await assert.rejects(offline.projects.get('fine-uid'), APIConnectionError); // the control
  } finally {
    offline.close();
  }
});

test('configuration errors are thrown by the constructor', () => {
  assert.throws(() => new Avala({ apiKey: 'k', baseUrl: 'http://example.com/api/v1' }), ConfigurationError);
  const saved = process.env.AVALA_API_KEY;
  delete process.env.AVALA_API_KEY;
  try {
    assert.throws(() => new Avala({ baseUrl: env.url }), (e) => e instanceof ConfigurationError && /API key/.test(e.message));
  } finally {
    process.env.AVALA_API_KEY = saved;
  }
  assert.throws(() => new Avala({ apiKey: 'k', timeout: -5 }), InvalidArgumentError);
});

test('a request does not block the event loop', async () => {
  let ticks = 0;
  const timer = setInterval(() => { ticks += 1; }, 10);
  try {
    const started = performance.now();
    const pending = avala.request('GET', '/__emulator/slow', { params: { ms: 300 } });
    assert.equal(ticks, 0);
    assert.deepEqual(await pending, { slept_ms: 300 });
    assert.ok(performance.now() - started >= 290);
    // A blocked loop would tick at most once; 300 ms at 10 ms gives ~30.
    assert.ok(ticks >= 10, `only ${ticks} timer ticks during a 300 ms request`);
  } finally {
    clearInterval(timer);
  }
});

test('a thousand concurrent calls share one client (more than koffi queues at once)', async () => {
  const uids = [];
  for await (const p of avala.projects.iter({ limit: 500 })) uids.push(p.uid);
  const got = await Promise.all(uids.map((uid) => avala.projects.get(uid)));
  assert.deepEqual(got.map((p) => p.uid), uids);
});

test('clients and iterators dropped without close() are freed by the garbage collector', () => {
  const script = `
    const { Avala } = require(${JSON.stringify(require.resolve('..'))});
    (async () => {
      for (let round = 0; round < 5; round++) {
        for (let i = 0; i < 50; i++) {
          const c = new Avala();
          const it = c.projects.iter({ limit: 5 });
          await it.next();                 // a C iterator with a page in it, never closed
          await c.projects.list({ limit: 1 });
        }
        globalThis.gc();
        await new Promise((r) => setTimeout(r, 10)); // let finalizers run
      }
      console.log('ok');
    })();`;
  const out = require('node:child_process').execFileSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' });
  assert.equal(out.trim(), 'ok');
});

test('the timeout option is in milliseconds', async () => {
  const quick = new Avala({ apiKey: env.key, baseUrl: env.url, timeout: 100, maxRetries: 0 });
  try {
    await assert.rejects(quick.request('GET', '/__emulator/slow?ms=2000'), APITimeoutError);
  } finally {
    quick.close();
  }
});

test('rateLimitInfo has the last X-RateLimit-* values as strings', async () => {
  await avala.projects.list({ limit: 1 });
  const info = avala.rateLimitInfo;
  assert.match(info.limit, /^\d+$/);
  assert.match(info.remaining, /^\d+$/);
  assert.match(info.reset, /^\d+$/);
  assert.equal(avala.baseUrl, env.url.replace(/\/+$/, ''));
});

test('close() waits for calls in flight, then later calls reject', async () => {
  const c = new Avala({ apiKey: env.key, baseUrl: env.url });
  const inflight = c.request('GET', '/__emulator/slow?ms=100');
  const it = c.projects.iter({ limit: 2 });
  c.close();
  assert.deepEqual(await inflight, { slept_ms: 100 });
  await assert.rejects(c.projects.list(), (e) => e instanceof AvalaError && /closed/.test(e.message));
  // An iterator keeps what it needs (avala.h): it still works after its client is closed.
  assert.equal((await it.next()).done, false);
  await it.close();
});

test('the API key never shows when the client is inspected', () => {
  const key = 'secret-key-1234567890';
  const c = new Avala({ apiKey: key, baseUrl: env.url });
  try {
    assert.ok(!require('node:util').inspect(c, { depth: 5, showHidden: true }).includes(key));
  } finally {
    c.close();
  }
});
