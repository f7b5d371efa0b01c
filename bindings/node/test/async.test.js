'use strict';
// Calls run on libavala's asynchronous C ABI: they hold no thread while they
// wait (libuv's thread pool stays free), results come back through one
// completion queue, iterator steps that need no page skip it, and the
// process stays alive exactly while calls are in flight.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const path = require('node:path');
const { sharedEmulator } = require('./helpers');
const { Avala, InvalidArgumentError } = require('..');
const { queueState } = require('../lib/native');

const pkg = path.resolve(__dirname, '..');

let env;
let avala;

before(async () => {
  env = await sharedEmulator();
  avala = new Avala({ apiKey: env.key, baseUrl: env.url });
});
after(() => avala.close());

/**
 * Runs `code` in a fresh `node -e` (the package required as `Avala`) and
 * resolves to { code, stdout }. `guardMs` only ends a child that hangs, so
 * that a broken build fails the test instead of stalling the suite.
 */
function runChild(code, { env: extra = {}, guardMs = 20000 } = {}) {
  const script = `const { Avala } = require(${JSON.stringify(pkg)});\n${code}`;
  const child = spawn(process.execPath, ['-e', script], {
    env: { ...process.env, ...extra }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d) => { stdout += d; });
  return new Promise((resolve) => {
    const guard = setTimeout(() => child.kill('SIGKILL'), guardMs);
    child.on('exit', (exitCode, signal) => {
      clearTimeout(guard);
      resolve({ code: exitCode ?? signal, stdout });
    });
  });
}

test("eight calls hung on a silent server leave libuv's thread pool free, and aborting them closes their sockets", async () => {
  // In a child, so that the pool has exactly 4 threads and nothing else uses it.
  // The server accepts and never answers; once it holds all 8 requests,
  // pbkdf2 x 4 and a readFile (pool work) must finish while the 8 still hang;
  // only then are the calls aborted. The 5 s timers only end a failing run
  // (a stalled pool): the result then says what did not happen.
  const { code, stdout } = await runChild(`
    const crypto = require('node:crypto');
    const fs = require('node:fs');
    const net = require('node:net');
    // Only ends a failing run (a stalled pool, calls that never reach the server).
    const within = (p, ms, late) => Promise.race([p, new Promise((r) => setTimeout(() => r(late), ms).unref())]);
    const seen = { requests: 0, closed: 0 };
    const when = {};
    const reached = (name, n) => new Promise((r) => { when[name] = () => seen[name] === n && r(name); });
    const allIn = reached('requests', 8);
    const allClosed = reached('closed', 8);
    const server = net.createServer((sock) => {
      sock.once('data', () => { seen.requests += 1; when.requests(); });
      sock.on('close', () => { seen.closed += 1; when.closed(); });
      sock.on('error', () => {});
    });
    server.listen(0, '127.0.0.1', async () => {
      const url = 'http://127.0.0.1:' + server.address().port + '/api/v1';
      const avala = new Avala({ apiKey: 'k', baseUrl: url, timeout: 60000, maxRetries: 0 });
      const ac = new AbortController();
      const calls = Array.from({ length: 8 }, (_, i) =>
        avala.projects.get('p' + i, { signal: ac.signal }).then(() => 'resolved', (e) => e.name));
      let settledEarly = 0;
      for (const c of calls) c.then(() => { settledEarly += 1; });
      await within(allIn, 5000);
      const pool = Promise.all([
        ...Array.from({ length: 4 }, () => new Promise((res, rej) =>
          crypto.pbkdf2('secret', 'salt', 1000, 32, 'sha256', (e) => (e ? rej(e) : res())))),
        fs.promises.readFile(process.execPath).then(() => {}),
      ]).then(() => 'pool');
      const first = await within(pool, 5000, 'stalled');
      const hungWhilePoolRan = settledEarly === 0;
      const requests = seen.requests;
      ac.abort();
      const outcomes = await within(Promise.all(calls), 5000, 'not settled');
      await within(allClosed, 5000);
      avala.close();
      server.close();
      console.log(JSON.stringify({ first, hungWhilePoolRan, requests, outcomes, closed: seen.closed }));
      process.exit(0);
    });`, { env: { UV_THREADPOOL_SIZE: '4' } });
  assert.equal(code, 0, stdout);
  const r = JSON.parse(stdout.trim());
  assert.equal(r.first, 'pool', "libuv's pool was stalled while the calls hung");
  assert.equal(r.hungWhilePoolRan, true, 'the calls were still in flight when the pool work finished');
  assert.deepEqual(r.outcomes, Array(8).fill('AbortError'));
  assert.equal(r.requests, 8);
  assert.equal(r.closed, 8, 'the server saw every aborted call close its socket');
});

test('a process that made calls and stopped exits by itself with code 0', async () => {
  // Gets, a page, a request, 32 gets at once, an iterator left half-read and
  // a client never closed: once nothing is in flight, nothing holds the loop.
  const { code, stdout } = await runChild(`
    (async () => {
      const avala = new Avala();
      const page = await avala.projects.list({ limit: 5 });
      await avala.projects.get(page.items[0].uid);
      await avala.request('GET', '/users/me/projects/', { params: { limit: 1 } });
      await Promise.all(page.items.flatMap((p) => Array(8).fill(p.uid)).slice(0, 32).map((u) => avala.projects.get(u)));
      const it = avala.projects.iter({ limit: 2 });
      await it.next();
      await avala.projects.get('no-such-project').catch((e) => console.log(e.name));
      console.log('done');
    })();`);
  assert.equal(code, 0, `the child ${code === 'SIGKILL' ? 'did not exit by itself' : `exited with ${code}`}`);
  assert.deepEqual(stdout.trim().split('\n'), ['NotFoundError', 'done']);
});

test('a call in flight keeps the process alive until it completes', async () => {
  // Nothing but the call itself: without the keep-alive handle the process
  // would exit at once, printing nothing.
  const { code, stdout } = await runChild(`
    new Avala().request('GET', '/__emulator/slow', { params: { ms: 300 } }).then((r) => console.log(JSON.stringify(r)));`);
  assert.equal(code, 0);
  assert.equal(stdout.trim(), '{"slept_ms":300}');
});

test('the keep-alive handle is held only while calls are in flight', async () => {
  await avala.projects.list({ limit: 1 });
  assert.deepEqual({ ...queueState(), completed: 0 }, { waiting: 0, pending: 0, completed: 0, ref: false });
  const call = avala.request('GET', '/__emulator/slow', { params: { ms: 100 } });
  await new Promise(setImmediate); // the call starts after the client's use() hop
  assert.equal(queueState().ref, true);
  assert.equal(queueState().waiting, 1);
  await call;
  assert.deepEqual({ ...queueState(), completed: 0 }, { waiting: 0, pending: 0, completed: 0, ref: false });
});

test('64 gets in flight at once from the one JS thread complete, each with its own result', async () => {
  const uids = (await avala.projects.list({ limit: 64 })).items.map((p) => p.uid);
  const got = await Promise.all(uids.map((uid) => avala.projects.get(uid)));
  assert.deepEqual(got.map((p) => p.uid), uids);
});

test('iterator steps whose item is already fetched do not go through the queue', async () => {
  const before = queueState().completed;
  let n = 0;
  for await (const p of avala.projects.iter({ limit: 100 })) n += p.uid ? 1 : 0;
  assert.equal(n, 1000);
  // 10 pages (and the end): at most one completion per page, never one per item.
  const steps = queueState().completed - before;
  assert.ok(steps >= 1 && steps <= 11, `${steps} completions for 1000 items in 10 pages`);
});

test('arguments refused before sending reject at once: nothing is queued', async () => {
  const before = queueState().completed;
  await assert.rejects(avala.projects.get('../admin'), InvalidArgumentError);
  await assert.rejects(avala.projects.get('p\0x'), InvalidArgumentError);
  await assert.rejects(avala.tasks.list({ status: 'a\0b' }), InvalidArgumentError);
  assert.equal(queueState().completed, before);
  assert.equal(queueState().waiting, 0);
});

test('calls on many clients share the one queue and each settles its own promise', async () => {
  const clients = Array.from({ length: 4 }, () => new Avala({ apiKey: env.key, baseUrl: env.url }));
  try {
    const pages = await Promise.all(clients.map((c, i) => c.projects.list({ limit: i + 1 })));
    assert.deepEqual(pages.map((p) => p.items.length), [1, 2, 3, 4]);
    await assert.rejects(Promise.all(clients.map((c) => c.projects.get('no-such-project'))), (e) => e.statusCode === 404);
  } finally {
    for (const c of clients) c.close();
  }
});

test('worker threads that made calls end without leaving a thread behind', async () => {
  const { Worker } = require('node:worker_threads');
  const fs = require('node:fs');
  const threads = () => fs.readdirSync('/proc/self/task').length;
  await fs.promises.readFile(__filename); // libuv's pool is started before counting
  const code = `
    const { Avala } = require(${JSON.stringify(pkg)});
    const avala = new Avala({ apiKey: ${JSON.stringify(env.key)}, baseUrl: ${JSON.stringify(env.url)} });
    (async () => {
      const page = await avala.projects.list({ limit: 3 });
      await Promise.all(page.items.map((p) => avala.projects.get(p.uid)));
      avala.close();
      require('node:worker_threads').parentPort.postMessage(page.items.length);
    })();`;
  const run = () => new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true });
    let got;
    w.on('message', (m) => { got = m; });
    w.on('error', reject);
    w.on('exit', (exitCode) => resolve([exitCode, got]));
  });
  assert.deepEqual(await run(), [0, 3]);
  const first = threads();
  for (let i = 0; i < 5; i++) assert.deepEqual(await run(), [0, 3]);
  // Each worker has a queue of its own; its notify thread ends with it.
  assert.equal(threads(), first);
});

test('at most 256 calls are in flight at once; a call waiting its turn is aborted at once', async () => {
  const net = require('node:net');
  let requests = 0;
  let closed = 0;
  const at = { requests: null, closed: null };
  const reached = (name, n) => new Promise((r) => { at[name] = (v) => v === n && r(); });
  const all256 = reached('requests', 256);
  const sockets = new Set();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.once('data', () => { requests += 1; at.requests(requests); });
    sock.on('close', () => { closed += 1; at.closed?.(closed); });
    sock.on('error', () => {});
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const c = new Avala({ apiKey: 'k', baseUrl: `http://127.0.0.1:${server.address().port}/api/v1`, timeout: 60000 });
  try {
    const first = new AbortController();
    const last = new AbortController();
    const settle = (p) => p.then(() => 'resolved', (e) => e.name);
    const hung = Array.from({ length: 256 }, (_, i) => settle(c.projects.get(`p${i}`, { signal: first.signal })));
    const queued = Array.from({ length: 4 }, (_, i) => settle(c.projects.get(`q${i}`, { signal: last.signal })));
    await all256;
    last.abort();
    assert.deepEqual(await Promise.all(queued), Array(4).fill('AbortError'));
    assert.equal(requests, 256, 'the 4 beyond 256 never reached the server');
    const allClosed = reached('closed', 256);
    first.abort();
    assert.deepEqual(await Promise.all(hung), Array(256).fill('AbortError'));
    await allClosed;
  } finally {
    c.close();
    for (const s of sockets) s.destroy();
    server.close();
  }
});
