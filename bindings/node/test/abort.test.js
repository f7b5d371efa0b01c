'use strict';
// AbortSignal: every call and iterator takes { signal }; aborting stops the
// call in flight at once (the server sees its connection close), it rejects
// with the signal's reason (an AbortError), and nothing stays pending, so a
// process with nothing else to do exits.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { spawn } = require('node:child_process');
const path = require('node:path');
require('./helpers'); // AVALA_LIBRARY when run by hand
const { Avala } = require('..');

/** A server that accepts and never answers; resolves `connected` per connection, `closed` when the client goes. */
function silentServer() {
  const events = { connected: null, closed: null };
  let onConnect;
  let onClose;
  events.connected = new Promise((r) => { onConnect = r; });
  events.closed = new Promise((r) => { onClose = r; });
  const sockets = new Set();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('data', () => onConnect());
    sock.on('close', () => { sockets.delete(sock); onClose(); });
    sock.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const url = `http://127.0.0.1:${server.address().port}/api/v1`;
    resolve({ url, events, stop: () => { for (const s of sockets) s.destroy(); server.close(); } });
  }));
}

process.env.AVALA_ALLOW_INSECURE_BASE_URL = '1';

test('aborting a get rejects with AbortError at once and closes its connection', async () => {
  const srv = await silentServer();
  const avala = new Avala({ apiKey: 'k', baseUrl: srv.url, timeout: 30000 });
  try {
    const ac = new AbortController();
    const call = avala.projects.get('p1', { signal: ac.signal });
    await srv.events.connected; // the request is in flight
    const t0 = performance.now();
    ac.abort();
    await assert.rejects(call, (e) => e.name === 'AbortError');
    assert.ok(performance.now() - t0 < 2000); // the timeout is 30 s
    await srv.events.closed; // the server sees the connection go
  } finally {
    avala.close();
    srv.stop();
  }
});

test('a signal already aborted rejects without sending', async () => {
  const srv = await silentServer();
  const avala = new Avala({ apiKey: 'k', baseUrl: srv.url });
  try {
    await assert.rejects(avala.tasks.list({ signal: AbortSignal.abort() }), (e) => e.name === 'AbortError');
    await assert.rejects(avala.projects.get('p1', { signal: 'no' }), /signal must be an AbortSignal/);
  } finally {
    avala.close();
    srv.stop();
  }
});

test('aborting an iterator stops its page fetch', async () => {
  const srv = await silentServer();
  const avala = new Avala({ apiKey: 'k', baseUrl: srv.url, timeout: 30000 });
  try {
    const ac = new AbortController();
    const walk = (async () => {
      for await (const p of avala.projects.iter({ signal: ac.signal })) void p;
    })();
    await srv.events.connected;
    ac.abort();
    await assert.rejects(walk, (e) => e.name === 'AbortError');
  } finally {
    avala.close();
    srv.stop();
  }
});

test('a process whose only call was aborted exits by itself', async () => {
  const srv = await silentServer();
  try {
    const pkg = path.resolve(__dirname, '..');
    const code = `
      const { Avala } = require(${JSON.stringify(pkg)});
      const avala = new Avala({ apiKey: 'k', baseUrl: ${JSON.stringify(srv.url)}, timeout: 30000 });
      const ac = new AbortController();
      avala.projects.get('p1', { signal: ac.signal }).catch((e) => { console.log(e.name); avala.close(); });
      setTimeout(() => ac.abort(), 300);`;
    const child = spawn(process.execPath, ['-e', code], { env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    const exit = await new Promise((resolve) => {
      const kill = setTimeout(() => { child.kill('SIGKILL'); resolve('hung'); }, 10000);
      child.on('exit', (c) => { clearTimeout(kill); resolve(c); });
    });
    assert.equal(exit, 0, `the child ${exit === 'hung' ? 'did not exit' : `exited ${exit}`}`);
    assert.match(out, /AbortError/);
  } finally {
    srv.stop();
  }
});
