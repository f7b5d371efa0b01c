'use strict';
// Proxies and mutual TLS from Node, against real tinyproxy and nginx started
// by tests/support (the same scripts the C++, Python and CLI tests use).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { repo, startEmulator } = require('./helpers');
const { Avala, ProxyError, TLSError, NotFoundError } = require('..');

const support = path.join(repo, 'tests', 'support');

/** Runs a fixture script; resolves to its key=value line as an object plus stop(). */
function fixture(script, ...args) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'avala-node-net-'));
  const child = spawn('bash', [path.join(support, script), dir, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    readline.createInterface({ input: child.stdout }).once('line', (line) => {
      child.removeAllListeners('exit');
      const info = Object.fromEntries(line.split(' ').map((kv) => kv.split('=')));
      info.stop = () => child.kill('SIGTERM');
      resolve(info);
    });
  });
}

test('the proxy option, a proxy refusal as ProxyError, noProxy and trustEnv', async () => {
  const emu = await startEmulator(['--generate', 'projects=5']);
  const proxy = await fixture('tinyproxy_fixture.sh');
  const auth = await fixture('tinyproxy_fixture.sh', '--auth', 'alice:s3cret');
  const saved = process.env.AVALA_ALLOW_INSECURE_BASE_URL;
  process.env.AVALA_ALLOW_INSECURE_BASE_URL = '1';
  try {
    const before = fs.readFileSync(proxy.log, 'utf8').split('users/me/projects').length;
    const via = new Avala({ apiKey: emu.key, baseUrl: emu.url, proxy: proxy.url });
    assert.equal((await via.projects.list({ limit: 5 })).items.length, 5);
    assert.ok(fs.readFileSync(proxy.log, 'utf8').split('users/me/projects').length > before);

    const refused = new Avala({ apiKey: emu.key, baseUrl: emu.url, proxy: `http://alice:wrong-81d@127.0.0.1:${auth.port}` });
    await assert.rejects(refused.projects.list({ limit: 1 }), (e) => {
      assert.ok(e instanceof ProxyError, String(e));
      assert.match(e.message, /rejected the proxy credentials/);
      assert.doesNotMatch(e.message, /wrong-81d/);
      return true;
    });
    const dead = 'http://127.0.0.1:9';
    const bypass = new Avala({ apiKey: emu.key, baseUrl: emu.url, proxy: dead, noProxy: '127.0.0.1' });
    assert.equal((await bypass.projects.list({ limit: 2 })).items.length, 2);
    process.env.http_proxy = dead;
    const direct = new Avala({ apiKey: emu.key, baseUrl: emu.url, trustEnv: false });
    assert.equal((await direct.projects.list({ limit: 2 })).items.length, 2);
  } finally {
    delete process.env.http_proxy;
    if (saved === undefined) delete process.env.AVALA_ALLOW_INSECURE_BASE_URL;
    else process.env.AVALA_ALLOW_INSECURE_BASE_URL = saved;
    proxy.stop();
    auth.stop();
    emu.stop();
  }
});

test('a client certificate for a server that requires one (nginx)', async () => {
  const web = await fixture('nginx_fixture.sh');
  try {
    const base = `https://127.0.0.1:${web.mtls}/api/v1`;
    const without = new Avala({ apiKey: 'k', baseUrl: base, caFile: web.ca, maxRetries: 0 });
    await assert.rejects(without.request('GET', '/status'), (e) => e instanceof TLSError && /client certificate/.test(e.message));
    const withCert = new Avala({ apiKey: 'k', baseUrl: base, caFile: web.ca, clientCert: web.client_cert, clientKey: web.client_key });
    await assert.rejects(withCert.request('GET', '/status'), NotFoundError); // past the certificate check: nginx's 404
  } finally {
    web.stop();
  }
});

test('https through tinyproxy to a name only the proxy resolves (nginx in front of the emulator)', async (t) => {
  if (process.getuid() !== 0) return t.skip('needs root (the proxy gets a mount namespace of its own)');
  const emu = await startEmulator(['--generate', 'projects=6']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'avala-node-hosts-'));
  fs.writeFileSync(path.join(dir, 'hosts'), '127.0.0.1 localhost\n127.0.0.1 api.avala.test\n');
  const web = await fixture('nginx_fixture.sh', '--upstream', emu.url.replace(/\/api\/v1$/, ''));
  const proxy = await fixture('tinyproxy_fixture.sh', '--hosts', path.join(dir, 'hosts'));
  try {
    const baseUrl = `https://api.avala.test:${web.https}/api/v1`;
    const direct = new Avala({ apiKey: emu.key, baseUrl, caFile: web.ca, trustEnv: false, maxRetries: 0 });
    await assert.rejects(direct.projects.list({ limit: 1 }), /cannot resolve/);
    const via = new Avala({ apiKey: emu.key, baseUrl, caFile: web.ca, proxy: proxy.url });
    assert.equal((await via.projects.list({ limit: 6 })).items.length, 6);
  } finally {
    proxy.stop();
    web.stop();
    emu.stop();
  }
});
