'use strict';
// node.package: the npm package as a user gets it. `npm pack` (whose prepack
// bundles this build's libavala) in a copy of bindings/node, `npm install` of
// the tarball into a fresh project, then the README's Node.js hello world with
// no AVALA_LIBRARY or LD_LIBRARY_PATH: the package must find its own copy.
//
// Offline: `npm ci` in bindings/node put koffi's tarballs in the npm cache but
// not the registry's metadata, so the fresh project starts from a lock file
// holding bindings/node/package-lock.json's koffi entries (the versions the
// package is tested with); npm then resolves nothing over the network.
//
// Environment (CTest sets it): AVALA_PREPACK_LIBRARY (this build's library),
// AVALA_BASE_URL, AVALA_API_KEY and AVALA_ALLOW_INSECURE_BASE_URL (the fixture emulator).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const repo = path.resolve(__dirname, '..', '..');
const pkgSrc = path.join(repo, 'bindings', 'node');
const platformDir = `${process.platform}-${process.arch}`;

function npm(args, options) {
  return execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...options });
}

/** The js block of the README's "Node.js" part of "## Bindings" (readme.test.js runs it in place). */
function readmeExample() {
  const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
  const section = readme.split(/^## Bindings$/m)[1]?.split(/^## /m)[0];
  assert.ok(section, 'README.md has no "## Bindings" section');
  const blocks = [...section.matchAll(/```js\n(.*?)```/gs)].map((m) => m[1]);
  assert.equal(blocks.length, 1, 'one js example in the Bindings section');
  return blocks[0];
}

test('npm pack bundles libavala, and the installed tarball runs the README example with no environment', () => {
  assert.ok(process.env.AVALA_PREPACK_LIBRARY, 'AVALA_PREPACK_LIBRARY (the library to bundle) is not set');
  assert.ok(process.env.AVALA_BASE_URL && process.env.AVALA_API_KEY, 'no emulator: run through CTest');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'avala-npm-'));
  try {
    // Pack a copy, so that prepack never writes into the working tree another run may be using.
    const src = path.join(tmp, 'src');
    fs.cpSync(pkgSrc, src, {
      recursive: true,
      filter: (p) => !['node_modules', 'native'].includes(path.relative(pkgSrc, p)),
    });
    fs.symlinkSync(path.join(pkgSrc, 'node_modules'), path.join(src, 'node_modules'));
    const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', tmp], { cwd: src }));
    const files = packed.files.map((f) => f.path).sort();
    assert.ok(files.includes(`native/${platformDir}/libavala.so.0`), files.join(' '));
    assert.deepEqual(files.filter((f) => /^(scripts|test|node_modules)\//.test(f)), [], 'only what runs is shipped');
    assert.ok(!fs.existsSync(path.join(src, 'native')), 'postpack removes the bundled copy');

    const app = path.join(tmp, 'app');
    fs.mkdirSync(app);
    const lock = JSON.parse(fs.readFileSync(path.join(pkgSrc, 'package-lock.json'), 'utf8'));
    const packages = { '': { name: 'app', version: '1.0.0' } };
    for (const [key, entry] of Object.entries(lock.packages)) {
      if (/^node_modules\/(@koromix\/)?koffi/.test(key)) packages[key] = entry;
    }
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    fs.writeFileSync(path.join(app, 'package-lock.json'),
      JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }));
    npm(['install', '--offline', path.join(tmp, packed.filename)], { cwd: app });

    const env = { ...process.env };
    for (const k of Object.keys(env)) {
      if (k === 'AVALA_LIBRARY' || k === 'AVALA_PREPACK_LIBRARY' || k.startsWith('LD_')) delete env[k];
    }
    fs.writeFileSync(path.join(app, 'example.js'), readmeExample());
    const out = execFileSync(process.execPath, ['example.js'], { cwd: app, env, encoding: 'utf8' });
    const lines = out.trim().split('\n');
    assert.equal(lines.length, 7, out);
    assert.match(lines[0], /^\S+ Project \d+ \S+ \d{4}-/);
    assert.equal(lines[5], '1000 projects');
    assert.match(lines[6], /^404 /);

    const loaded = execFileSync(process.execPath, ['-e', `
      const avala = require('avala');
      new avala.Avala().close();
      console.log(avala.libraryInfo().path);`], { cwd: app, env, encoding: 'utf8' }).trim();
    assert.equal(loaded, path.join(fs.realpathSync(app), 'node_modules', 'avala', 'native', platformDir, 'libavala.so.0'));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
