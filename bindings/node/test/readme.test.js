'use strict';
// The Node.js example of the README's "Bindings" section runs as written.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { repo, sharedEmulator } = require('./helpers');

test("the README's Node.js example lists every project and catches NotFoundError", async () => {
  const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
  const section = readme.split(/^## Bindings$/m)[1]?.split(/^## /m)[0];
  assert.ok(section, 'README.md has no "## Bindings" section');
  const blocks = [...section.matchAll(/```js\n(.*?)```/gs)].map((m) => m[1]);
  assert.equal(blocks.length, 1, 'one js example in the Bindings section');
  await sharedEmulator();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'avala-readme-'));
  try {
    // `require('avala')` as after `npm install`: the package under node_modules.
    fs.mkdirSync(path.join(tmp, 'node_modules'));
    fs.symlinkSync(path.join(__dirname, '..'), path.join(tmp, 'node_modules', 'avala'));
    fs.writeFileSync(path.join(tmp, 'example.js'), blocks[0]);
    const out = execFileSync(process.execPath, [path.join(tmp, 'example.js')], { cwd: tmp, encoding: 'utf8' });
    const lines = out.trim().split('\n');
    assert.equal(lines.length, 7, out);
    assert.match(lines[0], /^\S+ Project \d+ \S+ \d{4}-/);
    assert.equal(lines[5], '1000 projects');
    assert.equal(lines[6], '404 Not found.');
  } finally {
    fs.rmSync(tmp, { recursive: true });
  }
});
