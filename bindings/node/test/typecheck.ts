// Compiled (not run) by types.test.js with `tsc --strict`: index.d.ts must
// accept the TypeScript SDK's usage and reject misuse (@ts-expect-error).
import Avala, { Avala as Named, AvalaError, NotFoundError, RateLimitError, ValidationError, APITimeoutError } from 'avala';
import type { CursorPage, Project, Task, Export, Agent, QualityTargetEvaluation, Dataset } from 'avala';

async function main(): Promise<void> {
  const avala: Named = new Avala({ apiKey: 'k', baseUrl: 'https://api.avala.ai/api/v1', timeout: 30_000, maxRetries: 2 });
  const page: CursorPage<Project> = await avala.projects.list({ limit: 10, cursor: undefined });
  const names: string[] = page.items.map((p) => p.name);
  const created: string | null = page.items[0].createdAt;
  const next: string | null = page.nextCursor;
  const more: boolean = page.hasMore;
  const one: Project = await avala.projects.get('uid');
  for await (const p of avala.projects.iter({ limit: 100 })) console.log(p.uid, p.status);

  const tasks: CursorPage<Task> = await avala.tasks.list({ project: one.uid, status: 'completed' });
  const exp: Export = await avala.exports.create({ project: one.uid });
  const done: Export = await avala.exports.wait(exp.uid, { interval: 2000, timeout: 300_000 });
  const agent: Agent = await avala.agents.create({ name: 'bot', events: ['task.completed'], callbackUrl: 'https://x' });
  await avala.agents.update(agent.uid, { isActive: false });
  await avala.agents.delete(agent.uid);
  const evals: QualityTargetEvaluation[] = await avala.qualityTargets.evaluate(one.uid);
  await avala.qualityTargets.create(one.uid, { name: 'acc', metric: 'accuracy', threshold: 0.9 });
  const ds: CursorPage<Dataset> = await avala.datasets.list({ dataType: 'image', visibility: 'private' });
  const info: string | null = avala.rateLimitInfo.remaining;

  try {
    await avala.projects.get('x');
  } catch (e) {
    if (e instanceof NotFoundError) console.log(e.statusCode, e.body);
    if (e instanceof RateLimitError) console.log(e.retryAfter);
    if (e instanceof ValidationError) console.log(e.details.length);
    if (e instanceof APITimeoutError) console.log(e.message);
    if (e instanceof AvalaError) console.log(e.kind, e.attempts);
  }
  avala.close();
  console.log(names, created, next, more, tasks, done, evals, ds, info);

  // @ts-expect-error get needs a uid
  await avala.projects.get();
  // @ts-expect-error exports are made for a project or a dataset, not both
  await avala.exports.create({ project: 'p', dataset: 'd' });
  // @ts-expect-error quality targets are scoped by project
  await avala.qualityTargets.list({ limit: 5 });
  // @ts-expect-error agents need a name
  await avala.agents.create({ events: [] });
}
void main;

// AbortSignal on calls and lists (CallOptions).
async function abortable(avala: Named): Promise<void> {
  const ac = new AbortController();
  await avala.projects.get('p', { signal: ac.signal });
  await avala.tasks.list({ project: 'p', signal: ac.signal });
  for await (const t of avala.tasks.iter({ signal: ac.signal })) void t;
  await avala.request('GET', '/tasks/', { signal: ac.signal });
}
void abortable;
