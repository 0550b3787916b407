import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sqliteEventStore } from '../../../adapters/event-store/sqlite';
import { Decimal } from '../../../core/money';
import { freePort } from '../../beds/free-port';
import { callsEngine, HOOK_SECRET } from '../../support/calls-engine';
import { BIN, ROOT, childEnv, exited } from '../../support/cli';
import { signedFetch, signer, type Signer } from '../../support/signed-fetch';
import { waitFor } from '../../support/wait';

const UK = '+442079460000';
const FUNDED = '1000';
const CONCURRENCY = 32;
const MAX_REQUESTS = 20_000;
const MAX_LOAD_MS = 60_000;
/** Acknowledged authorizations before the kill: enough that it lands with many groups committed and many in flight. */
const KILL_AFTER = 600;

interface Outcome {
  readonly callId: string;
  readonly caller: string;
  /** 200: acknowledged; a number: refused; 'lost': the connection died with the process. */
  readonly status: number | 'lost';
  readonly reserved?: string;
}

/**
 * `kill -9` of `trunkline serve` (the compiled build, on SQLite, its projections in their worker
 * thread) under concurrent SIP authorizations, each committed by group commit: after a restart
 * on the same data directory every acknowledged authorization is in the log once, and the
 * balances the engine answers hold exactly the reservations the log records.
 */
describe('group commit across a kill -9 of serve under authorizations', () => {
  const people: Signer[] = Array.from({ length: 20 }, (_, i) => signer(`+44207946${String(3000 + i).padStart(4, '0')}`));
  let dir: string;
  let port: number;
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    // the carrier, its deck and the funded accounts, prepared in process, then served by the built CLI
    const bed = await callsEngine({ people, keepData: true });
    try {
      for (const p of people) await bed.fund(p.keyid, FUNDED);
    } finally {
      await bed.close();
    }
    dir = bed.dir;
    writeFileSync(join(dir, 'trunkline.json'), JSON.stringify({ pluginOptions: { pricing: { markupPercent: '50' } }, logLevel: 'warn' }));
    port = await freePort();
  }, 60_000);
  afterAll(() => {
    if (server && server.exitCode === null && !server.signalCode) server.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const base = () => `http://127.0.0.1:${port}`;
  async function start(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [BIN, 'serve'], {
      cwd: ROOT,
      env: childEnv({ TRUNKLINE_DATA_DIR: dir, PORT: String(port), TRUNKLINE_SIP_HOOK_SECRET: HOOK_SECRET }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    await waitFor(async () => (await fetch(`${base()}/readyz`).catch(() => null))?.ok === true, 30_000, `serve to be ready (${stderr})`);
    return child;
  }
  async function authorize(callId: string, caller: string): Promise<Outcome> {
    try {
      const r = await fetch(`${base()}/v1/hooks/sip/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${HOOK_SECRET}` },
        body: JSON.stringify({ call_id: callId, caller, callee: UK }),
      });
      const body = (await r.json()) as { reserved?: string };
      return { callId, caller, status: r.status, ...(body.reserved !== undefined ? { reserved: body.reserved } : {}) };
    } catch {
      return { callId, caller, status: 'lost' };
    }
  }

  test('every acknowledged authorization is in the log once; balances and reservations match the log', async () => {
    server = await start();
    const victim = server;
    const outcomes: Outcome[] = [];
    let next = 0;
    let acknowledged = 0;
    let killed = false;
    let inFlight = 0;
    let inFlightAtKill = 0;
    const deadline = Date.now() + MAX_LOAD_MS;
    // a bounded loop of CONCURRENCY callers, each sending its next authorization as soon as the last is answered
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (!killed && next < MAX_REQUESTS && Date.now() < deadline) {
          const i = next++;
          inFlight++;
          const o = await authorize(`crash-${i}`, people[i % people.length]!.keyid);
          inFlight--;
          outcomes.push(o);
          if (o.status === 'lost') killed = true;
          if (o.status === 200 && ++acknowledged === KILL_AFTER) {
            victim.kill('SIGKILL');
            inFlightAtKill = inFlight;
            killed = true;
          }
        }
      }),
    );
    await exited(victim);
    expect(victim.signalCode).toBe('SIGKILL');
    const acked = outcomes.filter((o) => o.status === 200);
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER);
    // the kill came mid-load: the other callers' requests were sent and not yet answered (most are lost with the process)
    expect(inFlightAtKill).toBe(CONCURRENCY - 1);
    expect(outcomes.filter((o) => o.status !== 200 && o.status !== 'lost')).toEqual([]);

    server = await start();
    // the proxy retries what it sent: an acknowledged call is answered again with the same reservation, not a second one
    for (const o of acked.slice(0, 50)) {
      const again = await authorize(o.callId, o.caller);
      expect([again.status, again.reserved]).toEqual([200, o.reserved]);
    }

    const store = sqliteEventStore({ path: join(dir, 'events.sqlite'), checkpointInBackground: false });
    const authorized = new Map<string, { stream: string; reserved: string; count: number }>();
    let head: number;
    try {
      head = await store.head();
      for await (const e of store.readAll()) {
        if (e.type !== 'CallAuthorized') continue;
        const data = e.data as { callId: string; reserved: string };
        const seen = authorized.get(data.callId);
        authorized.set(data.callId, { stream: e.stream, reserved: data.reserved, count: (seen?.count ?? 0) + 1 });
      }
    } finally {
      await store.close();
    }
    // none twice
    expect([...authorized].filter(([, a]) => a.count !== 1)).toEqual([]);
    // every acknowledged one there, on its caller's stream, with the reservation its answer gave
    for (const o of acked)
      expect([o.callId, authorized.get(o.callId)]).toEqual([o.callId, { stream: `account-${o.caller}`, reserved: o.reserved, count: 1 }]);
    // nothing that was never asked for
    const asked = new Set(outcomes.map((o) => o.callId));
    expect([...authorized.keys()].filter((id) => !asked.has(id))).toEqual([]);

    // the engine's balances (its projection, caught up to the log's head) hold what the log holds: no money made or lost
    for (const p of people) {
      const reserved = [...authorized.values()]
        .filter((a) => a.stream === `account-${p.keyid}`)
        .reduce((sum, a) => sum.plus(a.reserved), new Decimal(0));
      const r = await signedFetch(base(), p, 'GET', `/v1/accounts/me/balance?after=${head}`);
      expect(r.status).toBe(200);
      const b = (await r.json()) as { paid: string; reserved: string; available: string };
      expect([p.keyid, new Decimal(b.paid).toFixed(), new Decimal(b.reserved).toFixed(), new Decimal(b.available).toFixed()]).toEqual([
        p.keyid,
        new Decimal(FUNDED).toFixed(),
        reserved.toFixed(),
        new Decimal(FUNDED).minus(reserved).toFixed(),
      ]);
    }

    server.kill('SIGTERM');
    expect(await exited(server)).toBe(0);
  }, 180_000);
});
