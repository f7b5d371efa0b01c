'use strict';
// `npm pack` / `npm publish`: bundles libavala for the platform the package is
// packed on as native/<platform>-<arch>/libavala.so.0, where lib/abi.js looks
// first (after $AVALA_LIBRARY), so `npm install avala-x.y.z.tgz` needs no
// environment variable. postpack.js removes the copy again.
//
// The library comes from the CMake build tree: $AVALA_PREPACK_LIBRARY, else
// ../../build/default/capi/libavala.so.0 (what ./scripts/build.sh builds).
// It is refused when:
//  * it needs a shared library a user of this platform does not have from the
//    distribution: libavala links only OpenSSL 3 and simdjson (Debian 12:
//    libssl3, libsimdjson14) and the C/C++ runtime; a sanitizer build (libasan)
//    or anything new must be decided on, not shipped by accident;
//  * it lacks a symbol lib/abi.js declares, or is not this package's version.
// The copy is stripped of debug information (RelWithDebInfo: 38 MB -> 1.7 MB).

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const pkgDir = path.join(__dirname, '..');
const source = path.resolve(pkgDir, process.env.AVALA_PREPACK_LIBRARY
  || path.join('..', '..', 'build', 'default', 'capi', 'libavala.so.0'));

// Sonames a Debian 12 system provides from packages the README names
// (libssl3, libsimdjson14) or that every system has (libc6, libstdc++6, libgcc-s1).
const SYSTEM_LIBRARIES = [
  /^linux-vdso\.so\.1$/, /^ld-linux[-.\w]*\.so\.\d+$/,
  /^libc\.so\.6$/, /^libm\.so\.6$/, /^libstdc\+\+\.so\.6$/, /^libgcc_s\.so\.1$/,
  /^libssl\.so\.3$/, /^libcrypto\.so\.3$/, /^libsimdjson\.so\.14$/, /^libz\.so\.1$/,
];

function fail(message) {
  console.error(`prepack: ${message}`);
  process.exit(1);
}

/**
 * What ldd says `file` loads (direct and indirect) that is not in
 * SYSTEM_LIBRARIES or not found, one line each: the reasons to refuse it.
 */
function unexpectedLibraries(lddOutput) {
  const problems = [];
  for (const line of lddOutput.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const m = /^(\S+)(?: => (.+?))?(?: \(0x[0-9a-f]+\))?$/.exec(line);
    if (!m) continue; // "statically linked" and the like
    const soname = path.basename(m[1]);
    if (m[2] === 'not found') problems.push(`${soname}: not found on this machine`);
    else if (!SYSTEM_LIBRARIES.some((re) => re.test(soname))) problems.push(`${soname} (${m[2] ?? m[1]})`);
  }
  return problems;
}

function main() {
  if (!fs.existsSync(source)) {
    fail(`${source} does not exist: build libavala first (./scripts/build.sh), or set AVALA_PREPACK_LIBRARY`);
  }
  if (process.platform === 'linux') {
    const problems = unexpectedLibraries(execFileSync('ldd', [source], { encoding: 'utf8' }));
    if (problems.length) {
      fail(`${source} needs libraries a user of this platform may not have:\n  ${problems.join('\n  ')}\n` +
        'Pack a build without sanitizers, or add the library to SYSTEM_LIBRARIES in scripts/prepack.js ' +
        'and name its package in the README.');
    }
  }

  // Loading it through the package's own ABI table checks that every declared
  // symbol is there; the version must be the package's.
  process.env.AVALA_LIBRARY = source;
  const { abi, bundledLibrary } = require('../lib/abi');
  const { version } = abi();
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  if (version !== pkg.version) fail(`${source} is libavala ${version}; package.json is ${pkg.version}`);

  const dest = bundledLibrary(pkgDir);
  fs.rmSync(path.dirname(dest), { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  try {
    execFileSync('strip', ['--strip-unneeded', '-o', dest, source], { stdio: 'inherit' });
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
    fs.copyFileSync(source, dest); // no binutils: ship it unstripped
  }
  fs.chmodSync(dest, 0o755);
  const size = (fs.statSync(dest).size / 1e6).toFixed(1);
  console.error(`prepack: bundled libavala ${version} (${size} MB) as ${path.relative(pkgDir, dest)}`);
}

if (require.main === module) main();

module.exports = { unexpectedLibraries };
