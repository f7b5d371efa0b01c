'use strict';
// rateLimit: true makes calls wait for the window instead of failing, against
// an emulator that enforces 5 requests per second.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startEmulator } = require('./helpers');
const { Avala, RateLimitError, NotFoundError } = require('..');

let emulator;
before(async () => { emulator = await startEmulator(['--generate', 'projects=5', '--rate-limit', '5/1s']); });
after(async () => { await emulator.stop(); });

async function twelveGets(avala) {
  const outcomes = [];
  for (let i = 0; i < 12; i++) {
    try {
      await avala.projects.get('00000000-0000-4000-8000-00000000beef');
      outcomes.push('ok');
    } catch (e) {
      outcomes.push(e instanceof RateLimitError ? '429' : e instanceof NotFoundError ? '404' : String(e));
    }
  }
  return outcomes;
}

test('without the limiter a quick loop overruns the window; with it, no call is refused', async () => {
  const plain = new Avala({ apiKey: emulator.key, baseUrl: emulator.url, maxRetries: 0 });
  assert.ok((await twelveGets(plain)).includes('429'));
  plain.close();
  await new Promise((r) => setTimeout(r, 1100)); // a fresh window
  const limited = new Avala({ apiKey: emulator.key, baseUrl: emulator.url, maxRetries: 0, rateLimit: true });
  assert.deepEqual(await twelveGets(limited), Array(12).fill('404'));
  limited.close();
});

test('rateLimit must be a boolean', () => {
  assert.throws(() => new Avala({ apiKey: 'k', baseUrl: emulator.url, rateLimit: 'yes' }), TypeError);
});
