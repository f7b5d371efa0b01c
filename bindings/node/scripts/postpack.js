'use strict';
// After `npm pack` / `npm publish`: removes the library prepack.js bundled, so
// the working tree goes back to loading $AVALA_LIBRARY or the system's copy.

const fs = require('node:fs');
const path = require('node:path');

const native = path.join(__dirname, '..', 'native');
fs.rmSync(path.join(native, `${process.platform}-${process.arch}`), { recursive: true, force: true });
try {
  fs.rmdirSync(native); // only when nothing else is in it
} catch (e) {
  if (e.code !== 'ENOENT' && e.code !== 'ENOTEMPTY') throw e;
}
