/**
 * The least a durable authorization can cost: the express echo of bench/authorize-saturation.ts,
 * plus what no engine that holds money can skip. Each request's bearer is checked, and one event
 * of an authorization's size is appended to an SQLite log of the engine's own schema (WAL,
 * `synchronous = NORMAL`, the engine's checkpoints on their own thread), its id derived from the
 * call id, the appends of one turn of the event loop sharing one transaction. Each answer goes out
 * only after its COMMIT. No rating, no
 * balance, no expected-version check, no projections: what is left between this and `serve` is
 * the engine's own work.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/beds/free-port';
import { ROOT } from '../test/support/cli';
import { waitFor } from '../test/support/wait';
import { SQLITE_EVENT_SCHEMA } from '../adapters/event-store/sqlite';
import { servedFrom, type Served } from './authorize-saturation';

/** The data of a CallAuthorized as the engine writes it, less the fields the request fills in: the same size on disk. */
const SHAPE = {
  accountId: 'd60ad73a-5388-5578-8881-ce38a563605b',
  route: 'pstn',
  onNetUri: null,
  grantedSeconds: 3600,
  reserved: '0.9',
  currency: 'EUR',
  retail: { prefix: '44', row: { rate: '0.015', connectFee: '0', initial: 60, subsequent: 60, minimum: 0 }, sheetVersion: 3 },
  carriers: [
    {
      carrierId: 'alpha',
      prefix: '44',
      currency: 'EUR',
      row: { rate: '0.0100', connectFee: '0', initial: 60, subsequent: 60, minimum: 0 },
      uris: ['sip:442079461000@127.0.0.1:5080;transport=udp'],
      deckVersion: 1,
    },
  ],
};

/** The engine's own background checkpoints, as `npm run build` compiles them. */
const CHECKPOINTER = join(ROOT, 'dist', 'adapters', 'event-store', 'sqlite-checkpointer.js');

/** The server's code, run by `node -e` as the echo is, so that neither pays for a TypeScript loader. */
function serverCode(port: number, path: string, secret: string, file: string): string {
  return `
const express = require('express');
const Database = require('better-sqlite3');
const { createHash, timingSafeEqual } = require('node:crypto');
const db = new Database(${JSON.stringify(file)});
db.pragma('journal_mode = WAL');
db.pragma('journal_size_limit = ${64 * 1024 * 1024}');
db.pragma('synchronous = NORMAL');
db.exec(${JSON.stringify(SQLITE_EVENT_SCHEMA)});
// the engine's own checkpoints, on their thread: a floor that checkpointed on its serving thread would be no floor
require(${JSON.stringify(CHECKPOINTER)}).backgroundCheckpoints(db, ${JSON.stringify(file)});
// a call id asked again is answered again, as the engine answers a replay, not failed with its group
const insert = db.prepare('INSERT INTO events (id, stream, version, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING');
const versions = new Map();
const digest = (s) => createHash('sha256').update(s).digest();
const expected = digest(${JSON.stringify(`Bearer ${secret}`)});
const shape = ${JSON.stringify(SHAPE)};
let pending = [];
const commit = db.transaction((group) => {
  const at = new Date().toISOString();
  for (const p of group) insert.run(p.id, p.stream, p.version, 'CallAuthorized', 1, p.data, '{"actor":"sip-proxy"}', at);
});
function flush() {
  const group = pending;
  pending = [];
  try { commit.immediate(group); } catch (error) { for (const p of group) p.res.status(500).json({ error: String(error) }); return; }
  for (const p of group) p.res.json({ action: 'allow', callId: p.callId, grantedSeconds: 3600 });
}
const app = express();
app.post(${JSON.stringify(path)}, express.json(), (req, res) => {
  if (!timingSafeEqual(digest(String(req.headers.authorization ?? '')), expected)) return void res.status(401).end();
  const { call_id: callId, caller, callee } = req.body ?? {};
  if (typeof callId !== 'string' || typeof caller !== 'string') return void res.status(400).end();
  const hex = createHash('sha1').update('call:' + callId).digest('hex');
  const id = hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-5' + hex.slice(13, 16) + '-8' + hex.slice(17, 20) + '-' + hex.slice(20, 32);
  const stream = 'account-' + caller;
  const version = (versions.get(stream) ?? -1) + 1;
  versions.set(stream, version);
  const data = JSON.stringify({ ...shape, callId, destination: callee, at: new Date().toISOString() });
  if (pending.push({ id, stream, version, data, callId, res }) === 1) setImmediate(flush);
});
app.listen(${port}, '127.0.0.1');
`;
}

/** The durable floor in its own process, its log a new file in a temporary directory removed on stop. */
export async function startDurableEcho(path: string, secret: string): Promise<Served> {
  if (!existsSync(CHECKPOINTER))
    throw new Error(`bench: the durable floor checkpoints with the engine's build: npm run build (no ${CHECKPOINTER})`);
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-bench-floor-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['-e', serverCode(port, path, secret, join(dir, 'floor-events.sqlite'))], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  const answered = async () => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ call_id: `ready-${Date.now()}`, caller: '+442079462000', callee: '+442079460000' }),
    }).catch(() => null);
    return r?.ok === true;
  };
  const served = servedFrom(child, port, dir);
  try {
    await waitFor(answered, 10_000, 'durable floor');
  } catch (error) {
    // a floor that never answered leaves neither its process nor its directory behind
    await served.stop();
    throw error;
  }
  return served;
}
