'use strict';
// Tasks, exports, agents, quality targets and datasets against an emulator
// of this file's own, on its demo seed (which has tasks and datasets; the
// shared fixture generates only projects), so what these tests create stays
// out of the other suites' way.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startEmulator } = require('./helpers');
const { Avala, NotFoundError, InvalidArgumentError, APITimeoutError } = require('..');

let emulator;
let avala;
let projectUid;

before(async () => {
  emulator = await startEmulator();
  avala = new Avala({ apiKey: emulator.key, baseUrl: emulator.url });
  projectUid = (await avala.projects.list({ limit: 1 })).items[0].uid;
});
after(async () => {
  avala.close();
  await emulator.stop();
});

const noSnakeKeys = (obj) => assert.ok(Object.keys(obj).every((k) => !k.includes('_')), `snake_case in ${Object.keys(obj)}`);

test('tasks: list filtered by project, every page, and get', async (t) => {
  const any = (await avala.tasks.list({ limit: 1 })).items[0];
  assert.ok(any, 'the emulator seed has tasks');
  const project = any.project;
  const uids = [];
  for await (const task of avala.tasks.iter({ project, limit: 3 })) {
    assert.equal(task.project, project);
    uids.push(task.uid);
  }
  assert.ok(uids.includes(any.uid));
  assert.equal(new Set(uids).size, uids.length);
  const page = await avala.tasks.list({ project, status: any.status, limit: 50 });
  assert.ok(page.items.every((x) => x.project === project && x.status === any.status));
  const got = await avala.tasks.get(any.uid);
  assert.equal(got.uid, any.uid);
  noSnakeKeys(got);
  assert.ok('createdAt' in got);
  await assert.rejects(avala.tasks.get('no-such-task'), NotFoundError);
});

test('exports: create for a project, then wait until it is exported', async (t) => {
  const created = await avala.exports.create({ project: projectUid });
  assert.equal(typeof created.uid, 'string');
  noSnakeKeys(created);
  const seen = [];
  const done = await avala.exports.wait(created.uid, { interval: 1, timeout: 30000, onProgress: (e) => seen.push(e.status) });
  assert.equal(done.status, 'exported');
  assert.equal(typeof done.downloadUrl, 'string');
  assert.ok(seen.length >= 1);
  assert.equal((await avala.exports.get(created.uid)).status, 'exported');
  const listed = [];
  for await (const e of avala.exports.iter({ limit: 2 })) listed.push(e.uid);
  assert.ok(listed.includes(created.uid));
});

test('exports: argument errors are refused before sending', async (t) => {
  await assert.rejects(avala.exports.create({ project: projectUid, dataset: 'd' }), InvalidArgumentError);
  await assert.rejects(avala.exports.create({}), InvalidArgumentError);
  await assert.rejects(avala.exports.wait('x', { interval: -1 }), InvalidArgumentError);
  await assert.rejects(avala.exports.wait('x', { timeout: -1 }), InvalidArgumentError);
});

test('exports: a wait that runs out of time names the last status; a signal cancels it', async (t) => {
  // An export that takes 1000 polls to finish: x_emulator_polls is the emulator's own
  // field, which exports.create does not send, so it goes through request().
  const slow = await avala.request('POST', '/exports/', { json: { project: projectUid, x_emulator_polls: 1000 } });
  const started = performance.now();
  await assert.rejects(avala.exports.wait(slow.uid, { interval: 500, timeout: 1200 }), (e) => {
    assert.ok(e instanceof APITimeoutError);
    assert.equal(e.kind, 'timeout');
    assert.match(e.message, /did not finish within 1\.2 s \(last status: exporting\)/);
    return true;
  });
  const took = performance.now() - started;
  assert.ok(took >= 1150 && took < 5000, `waited ${took} ms`);
  const controller = new AbortController();
  const waiting = avala.exports.wait(slow.uid, { signal: controller.signal });
  setTimeout(() => controller.abort(new Error('stop')), 50);
  await assert.rejects(waiting, /stop/);
});

test('agents: create, get, update, executions, test, delete', async (t) => {
  const agent = await avala.agents.create({ name: 'node-qa-bot', events: ['task.completed'], callbackUrl: 'https://example.com/hook' });
  try {
    assert.equal(agent.name, 'node-qa-bot');
    assert.deepEqual(agent.events, ['task.completed']);
    assert.equal(agent.callbackUrl, 'https://example.com/hook');
    assert.equal(agent.isActive, true);
    noSnakeKeys(agent);
    const updated = await avala.agents.update(agent.uid, { isActive: false, description: 'from node' });
    assert.equal(updated.isActive, false);
    assert.equal(updated.description, 'from node');
    assert.equal(updated.name, 'node-qa-bot');
    assert.equal((await avala.agents.get(agent.uid)).isActive, false);
    const executions = await avala.agents.listExecutions(agent.uid, { limit: 5 });
    assert.ok(Array.isArray(executions.items));
    for await (const ex of avala.agents.iterExecutions(agent.uid)) assert.equal(typeof ex.uid, 'string');
    const result = await avala.agents.test(agent.uid);
    assert.equal(typeof result, 'object');
    const page = await avala.agents.list({ limit: 100 });
    assert.ok(page.items.some((a) => a.uid === agent.uid));
  } finally {
    assert.equal(await avala.agents.delete(agent.uid), undefined);
  }
  await assert.rejects(avala.agents.get(agent.uid), NotFoundError);
  // libavala checks the fields before sending.
  await assert.rejects(avala.agents.create({ events: [] }), InvalidArgumentError);
  await assert.rejects(avala.agents.create({ name: 'x', bogusField: 1 }), InvalidArgumentError);
});

test('quality targets: create, list, update, evaluate, delete', async (t) => {
  const qt = await avala.qualityTargets.create(projectUid, { name: 'node-accuracy', metric: 'accuracy', threshold: 0.9, operator: 'gte' });
  try {
    assert.equal(qt.name, 'node-accuracy');
    assert.equal(qt.threshold, 0.9);
    assert.equal(qt.isActive, true);
    noSnakeKeys(qt);
    const listed = [];
    for await (const x of avala.qualityTargets.iter(projectUid, { limit: 2 })) listed.push(x.uid);
    assert.ok(listed.includes(qt.uid));
    const updated = await avala.qualityTargets.update(projectUid, qt.uid, { threshold: 0.8, notifyEmails: ['qa@example.com'] });
    assert.equal(updated.threshold, 0.8);
    assert.deepEqual(updated.notifyEmails, ['qa@example.com']);
    assert.equal((await avala.qualityTargets.get(projectUid, qt.uid)).threshold, 0.8);
    const evaluations = await avala.qualityTargets.evaluate(projectUid);
    assert.ok(Array.isArray(evaluations));
    const mine = evaluations.find((e) => e.uid === qt.uid);
    assert.ok(mine, 'the new target is evaluated');
    assert.equal(typeof mine.isBreached, 'boolean');
    assert.ok('currentValue' in mine);
  } finally {
    await avala.qualityTargets.delete(projectUid, qt.uid);
  }
  await assert.rejects(avala.qualityTargets.get(projectUid, qt.uid), NotFoundError);
  await assert.rejects(avala.qualityTargets.create(projectUid, { name: 'no metric' }), InvalidArgumentError);
});

test('datasets: list with filters, every page, get', async (t) => {
  const first = (await avala.datasets.list({ limit: 1 })).items[0];
  assert.ok(first, 'the emulator seed has datasets');
  noSnakeKeys(first);
  assert.ok('itemCount' in first && 'dataType' in first);
  const filtered = await avala.datasets.list({ dataType: first.dataType, limit: 100 });
  assert.ok(filtered.items.length >= 1);
  assert.ok(filtered.items.every((d) => d.dataType === first.dataType));
  let n = 0;
  for await (const d of avala.datasets.iter({ limit: 2 })) { n += 1; assert.equal(typeof d.uid, 'string'); }
  assert.ok(n >= 1);
  assert.deepEqual(await avala.datasets.get(first.uid), first);
});
