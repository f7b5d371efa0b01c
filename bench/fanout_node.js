#!/usr/bin/env node
'use strict';
// Fan-out from Node: keeps --inflight gets of one project in flight from the
// one JS thread (Promise.all over that many loops of awaited gets), --n gets
// in all, through the Node package on libavala's asynchronous C ABI — no
// worker threads. Prints one JSON line:
//   {"row": "node fan-out", "gets_per_s": X, "ideal": 3200, "ratio": X / 3200, ...}
// where ideal = inflight / delay: the emulator delays every get --delay-ms.
//
//   node bench/fanout_node.js --url URL --key KEY --uid UID [--inflight 64] [--n 2000] [--delay-ms 20]
//     (bench/run.py's form: its emulator, with the delay fault already installed)
//   node bench/fanout_node.js [--emulator PATH] [--inflight 64] [--n 2000] [--delay-ms 20]
//     (by hand: starts an emulator on 127.0.0.1 and installs the fault itself)
//
// libavala: $AVALA_LIBRARY, else build/bench's, else build/default's.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');

const repo = path.resolve(__dirname, '..');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

if (!process.env.AVALA_LIBRARY) {
  for (const build of ['bench', 'default']) {
    const lib = path.join(repo, 'build', build, 'capi', 'libavala.so.0');
    if (fs.existsSync(lib)) {
      process.env.AVALA_LIBRARY = lib;
      break;
    }
  }
}
process.env.AVALA_ALLOW_INSECURE_BASE_URL = '1';
const { Avala } = require(path.join(repo, 'bindings', 'node'));

/** Starts avala-emulator on an ephemeral port with the delay fault on every project get. */
async function ownEmulator(delayMs) {
  const bin = arg('--emulator', ['bench', 'default'].map((b) => path.join(repo, 'build', b, 'emulator', 'avala-emulator'))
    .find((p) => fs.existsSync(p)));
  if (!bin) throw new Error('no avala-emulator: build it, or pass --emulator PATH (or --url)');
  const key = 'bench-key';
  const child = spawn(bin, ['--host', '127.0.0.1', '--port', '0', '--api-key', key, '--generate', 'projects=100'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  process.on('exit', () => child.kill('SIGTERM'));
  const url = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`avala-emulator exited with ${code}`)));
    readline.createInterface({ input: child.stdout }).once('line', (line) => resolve(line.trim()));
  });
  child.removeAllListeners('exit');
  child.stdout.resume(); // never let its pipe fill
  const { origin, pathname } = new URL(url);
  const rule = { method: 'GET', path: `${pathname}/users/me/projects/*`, count: 0, fault: 'delay', ms: delayMs };
  const res = await fetch(`${origin}/__emulator/faults`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(rule),
  });
  if (!res.ok) throw new Error(`installing the delay fault: HTTP ${res.status} ${await res.text()}`);
  const first = await fetch(`${url}/users/me/projects/?limit=1`, { headers: { 'X-Avala-Api-Key': key } });
  const uid = (await first.json()).results[0].uid;
  return { url, key, uid, stop: () => child.kill('SIGTERM') };
}

async function main() {
  const inflight = Number(arg('--inflight', '64'));
  const n = Number(arg('--n', '2000'));
  const delayMs = Number(arg('--delay-ms', '20'));
  if (!(inflight > 0 && n >= inflight && delayMs > 0)) {
    console.error('usage: node bench/fanout_node.js [--url URL --key KEY --uid UID] [--inflight 64] [--n 2000] [--delay-ms 20]');
    process.exit(2);
  }
  const emu = arg('--url') ? { url: arg('--url'), key: arg('--key'), uid: arg('--uid'), stop() {} } : await ownEmulator(delayMs);
  const avala = new Avala({ apiKey: emu.key, baseUrl: emu.url });
  let errors = 0;
  // Warm-up: one round opens the connections the timed run reuses (as bench/fanout.c does).
  await Promise.all(Array.from({ length: inflight }, () => avala.projects.get(emu.uid)));
  let started = 0;
  const loop = async () => {
    while (started < n) {
      started += 1;
      try {
        await avala.projects.get(emu.uid);
      } catch {
        errors += 1;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inflight }, loop));
  const seconds = (performance.now() - t0) / 1000;
  avala.close();
  emu.stop();
  const getsPerS = n / seconds;
  const ideal = inflight / (delayMs / 1000);
  console.log(JSON.stringify({
    row: 'node fan-out', gets_per_s: Number(getsPerS.toFixed(1)), ideal, ratio: Number((getsPerS / ideal).toFixed(3)),
    contender: 'node', gets: n, seconds: Number(seconds.toFixed(4)), inflight, errors,
  }));
  process.exitCode = errors === 0 ? 0 : 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
