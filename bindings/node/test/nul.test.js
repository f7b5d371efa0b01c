'use strict';
// A NUL inside any string bound for C (a uid, a filter, a cursor, a path, a
// key, a URL) is refused with InvalidArgumentError before anything is sent —
// never cut short at the NUL, which would ask for another resource.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startEmulator } = require('./helpers');
const { Avala, InvalidArgumentError } = require('..');

let emulator;
let avala;

before(async () => {
  emulator = await startEmulator();
  avala = new Avala({ apiKey: emulator.key, baseUrl: emulator.url });
});
after(async () => {
  avala.close();
  await emulator.stop();
});

test('a NUL in a uid, cursor, filter or request path is refused, not truncated', async () => {
  const real = (await avala.projects.list({ limit: 1 })).items[0].uid;
  // Truncated at the NUL this would fetch `real`: a wrong answer.
  await assert.rejects(avala.projects.get(`${real}\0../admin`), InvalidArgumentError);
  await assert.rejects(avala.tasks.get('t\0x'), InvalidArgumentError);
  await assert.rejects(avala.projects.list({ cursor: 'c\0d' }), InvalidArgumentError);
  await assert.rejects(avala.tasks.list({ project: `${real}\0x` }), InvalidArgumentError);
  await assert.rejects(avala.request('GET', '/users/me/projects/\0'), InvalidArgumentError);
  await assert.rejects(avala.request('GE\0T', '/users/me/projects/'), InvalidArgumentError);
  // The client still works afterwards.
  assert.equal((await avala.projects.get(real)).uid, real);
});

test('a NUL in the key or the base URL is refused when the client is made', () => {
  assert.throws(() => new Avala({ apiKey: 'k\0ey', baseUrl: emulator.url }), InvalidArgumentError);
  assert.throws(() => new Avala({ apiKey: emulator.key, baseUrl: `${emulator.url}\0evil` }), InvalidArgumentError);
});
