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
const { libraryCandidates, bundledLibrary, SONAME } = require('../lib/abi');

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

test('libavala is found through AVALA_LIBRARY, else the package copy for this platform, else the system loader', () => {
  assert.deepEqual(libraryCandidates({ AVALA_LIBRARY: '/opt/x/libavala.so.0' }, pkg).map((c) => c.path), ['/opt/x/libavala.so.0']);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'avala-pkg-'));
  try {
    assert.deepEqual(libraryCandidates({}, tmp).map((c) => c.path), [SONAME]);
    fs.mkdirSync(path.join(tmp, 'native'));
    fs.writeFileSync(path.join(tmp, 'native', SONAME), ''); // not for a platform: not used
    assert.deepEqual(libraryCandidates({}, tmp).map((c) => c.path), [SONAME]);
    const own = path.join(tmp, 'native', `${process.platform}-${process.arch}`, SONAME);
    assert.equal(bundledLibrary(tmp), own);
    fs.mkdirSync(path.dirname(own));
    fs.writeFileSync(own, '');
    assert.deepEqual(libraryCandidates({}, tmp).map((c) => c.path), [own]);
    assert.deepEqual(libraryCandidates({ AVALA_LIBRARY: '/x.so' }, tmp).map((c) => c.path), ['/x.so']);
  } finally {
    fs.rmSync(tmp, { recursive: true });
  }
});

test('npm pack refuses to bundle a library that needs what a user may not have', () => {
  const { unexpectedLibraries } = require('../scripts/prepack');
  const ldd = (extra) => `\tlinux-vdso.so.1 (0x00007ffd3a5f2000)
\tlibssl.so.3 => /lib/x86_64-linux-gnu/libssl.so.3 (0x00007f344d4cc000)
\tlibcrypto.so.3 => /lib/x86_64-linux-gnu/libcrypto.so.3 (0x00007f344d000000)
\tlibsimdjson.so.14 => /lib/x86_64-linux-gnu/libsimdjson.so.14 (0x00007f344d49b000)
${extra}\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f344cc00000)
\tlibgcc_s.so.1 => /lib/x86_64-linux-gnu/libgcc_s.so.1 (0x00007f344cfe0000)
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f344ca1e000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007f344d72b000)
\tlibm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x00007f344cf00000)
`;
  assert.deepEqual(unexpectedLibraries(ldd('')), []);
  assert.deepEqual(unexpectedLibraries(ldd('\tlibasan.so.8 => /lib/x86_64-linux-gnu/libasan.so.8 (0x00007f0000000000)\n')),
    ['libasan.so.8 (/lib/x86_64-linux-gnu/libasan.so.8)']);
  assert.deepEqual(unexpectedLibraries(ldd('\tlibsimdjson.so.14 => not found\n')), ['libsimdjson.so.14: not found on this machine']);
  if (process.platform === 'linux' && process.env.AVALA_LIBRARY) {
    assert.deepEqual(unexpectedLibraries(execFileSync('ldd', [process.env.AVALA_LIBRARY], { encoding: 'utf8' })), []);
  }
});

test('a library that cannot be loaded gives an error that says what to do', () => {
  const out = execFileSync(process.execPath, ['-e', `
    try { new (require(${JSON.stringify(pkg)}))({ apiKey: 'k' }); }
    catch (e) { console.log(e.message); }`], { env: { ...process.env, AVALA_LIBRARY: '/nonexistent/libavala.so.0' } });
  assert.match(String(out), /cannot load libavala \(\/nonexistent\/libavala\.so\.0, from \$AVALA_LIBRARY\).*AVALA_LIBRARY.*npm pack.*native\//s);
});

test('the package works from ESM: default import and named imports', () => {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', `
    import Avala, { Avala as Named, NotFoundError, libraryInfo } from ${JSON.stringify(path.join(pkg, 'index.js'))};
    console.log(Avala === Named, typeof NotFoundError, libraryInfo().version);`]);
  assert.match(String(out), /^true function \d+\.\d+\.\d+/);
});
