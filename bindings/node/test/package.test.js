'use strict';
// The package itself: its type declarations, how it finds libavala, and that
// both require() and import work.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
require('./helpers');
const { libraryCandidates, SONAME } = require('../lib/abi');

const pkg = path.join(__dirname, '..');

test('index.d.ts type-checks the TypeScript SDK usage under tsc --strict', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(__dirname, 'tsconfig.json')], { stdio: 'inherit' });
});

test('index.d.ts declares every runtime export, and the runtime has every declared one', () => {
  const dts = fs.readFileSync(path.join(pkg, 'index.d.ts'), 'utf8');
  const declared = new Set([...dts.matchAll(/^export (?:declare )?(?:class|function) (\w+)/gm)].map((m) => m[1]));
  const runtime = new Set(Object.keys(require('..')).filter((k) => k !== 'default'));
  assert.deepEqual([...runtime].sort(), [...declared].sort());
});

test('libavala is found through AVALA_LIBRARY, else the package copy, else the system loader', () => {
  assert.deepEqual(libraryCandidates({ AVALA_LIBRARY: '/opt/x/libavala.so.0' }, pkg).map((c) => c.path), ['/opt/x/libavala.so.0']);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'avala-pkg-'));
  try {
    assert.deepEqual(libraryCandidates({}, tmp).map((c) => c.path), [SONAME]);
    fs.mkdirSync(path.join(tmp, 'native'));
    fs.writeFileSync(path.join(tmp, 'native', SONAME), '');
    assert.deepEqual(libraryCandidates({}, tmp).map((c) => c.path), [path.join(tmp, 'native', SONAME)]);
    assert.deepEqual(libraryCandidates({ AVALA_LIBRARY: '/x.so' }, tmp).map((c) => c.path), ['/x.so']);
  } finally {
    fs.rmSync(tmp, { recursive: true });
  }
});

test('a library that cannot be loaded gives an error that says what to do', () => {
  const out = execFileSync(process.execPath, ['-e', `
    try { new (require(${JSON.stringify(pkg)}))({ apiKey: 'k' }); }
    catch (e) { console.log(e.message); }`], { env: { ...process.env, AVALA_LIBRARY: '/nonexistent/libavala.so.0' } });
  assert.match(String(out), /cannot load libavala \(\/nonexistent\/libavala\.so\.0, from \$AVALA_LIBRARY\).*AVALA_LIBRARY/s);
});

test('the package works from ESM: default import and named imports', () => {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', `
    import Avala, { Avala as Named, NotFoundError, libraryInfo } from ${JSON.stringify(path.join(pkg, 'index.js'))};
    console.log(Avala === Named, typeof NotFoundError, libraryInfo().version);`]);
  assert.match(String(out), /^true function \d+\.\d+\.\d+/);
});
