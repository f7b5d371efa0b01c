'use strict';
// Test setup: an emulator and a libavala to load.
//
// Under CTest (tests/node) the fixture emulator's AVALA_BASE_URL/AVALA_API_KEY
// and AVALA_LIBRARY are set. Run by hand (`npm test` in bindings/node), this
// starts its own emulator from $AVALA_EMULATOR or the default build tree, and
// loads build/default/capi/libavala.so.0 unless AVALA_LIBRARY says otherwise.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');

const repo = path.resolve(__dirname, '..', '..', '..');

try {
  require.resolve('koffi');
} catch {
  throw new Error('koffi is not installed: run `npm ci` in bindings/node (scripts/install-deps.sh does it)');
}

if (!process.env.AVALA_LIBRARY) {
  const built = path.join(repo, 'build', 'default', 'capi', 'libavala.so.0');
  if (fs.existsSync(built)) process.env.AVALA_LIBRARY = built;
}

let emulator = null;

/** Starts an avala-emulator on an ephemeral port; resolves to { url, key, stop() }. */
function startEmulator(args = []) {
  const bin = process.env.AVALA_EMULATOR || path.join(repo, 'build', 'default', 'emulator', 'avala-emulator');
  const key = 'node-test-key-0a1b2c';
  const child = spawn(bin, ['--port', '0', '--api-key', key, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`avala-emulator exited with ${code}`)));
    readline.createInterface({ input: child.stdout }).once('line', (url) => {
      child.removeAllListeners('exit');
      // Let the test process exit while the emulator runs; it is stopped on exit.
      child.unref();
      child.stdout.unref();
      process.once('exit', () => child.kill('SIGTERM'));
      resolve({
        url: url.trim(),
        key,
        stop: () => new Promise((done) => { child.once('exit', done); child.kill('SIGTERM'); }),
      });
    });
  });
}

/** { url, key } of the emulator the suite shares (1000 generated projects). */
async function sharedEmulator() {
  if (process.env.AVALA_BASE_URL && process.env.AVALA_API_KEY) {
    return { url: process.env.AVALA_BASE_URL, key: process.env.AVALA_API_KEY };
  }
  if (!emulator) {
    emulator = startEmulator(['--generate', 'projects=1000']);
    const e = await emulator;
    process.env.AVALA_BASE_URL = e.url;
    process.env.AVALA_API_KEY = e.key;
  }
  return emulator;
}

process.env.AVALA_ALLOW_INSECURE_BASE_URL = '1';

module.exports = { repo, sharedEmulator, startEmulator };
