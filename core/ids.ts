import { createHash, randomFillSync } from 'node:crypto';
import type { Clock } from './clock';

/** Event ids enter the core through this port; tests swap in a deterministic one. */
export interface IdGenerator {
  next(): string;
}

function hex(bytes: Uint8Array): string {
  const h = Buffer.from(bytes).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Random bytes drawn 4 KiB at a time: one system call per 256 ids instead of one per id. */
function pooledRandom(): (bytes: Uint8Array) => void {
  const pool = new Uint8Array(4096);
  let offset = pool.length;
  return (bytes) => {
    if (offset + bytes.length > pool.length) {
      randomFillSync(pool);
      offset = 0;
    }
    bytes.set(pool.subarray(offset, offset + bytes.length));
    offset += bytes.length;
  };
}

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a counter seeded at random, so ids
 * made in the same millisecond still sort in the order they were made. Time-ordered ids keep
 * the unique index on event ids append-only, which doubles SQLite append speed against UUIDv4.
 */
export function uuidv7Generator(clock: Clock, random: (bytes: Uint8Array) => void = pooledRandom()): IdGenerator {
  let lastMs = -1;
  let counter = 0;
  const buf = new Uint8Array(16);
  return {
    next() {
      let ms = clock.now().getTime();
      random(buf);
      if (ms <= lastMs) {
        ms = lastMs;
        counter = (counter + 1) & 0xfff;
        if (counter === 0) ms = lastMs + 1;
      } else {
        counter = ((buf[6]! & 0x07) << 8) | buf[7]!; // start low in the 12-bit space to leave room
      }
      lastMs = ms;
      buf[0] = Math.floor(ms / 2 ** 40) & 0xff;
      buf[1] = Math.floor(ms / 2 ** 32) & 0xff;
      buf[2] = (ms >>> 24) & 0xff;
      buf[3] = (ms >>> 16) & 0xff;
      buf[4] = (ms >>> 8) & 0xff;
      buf[5] = ms & 0xff;
      buf[6] = 0x70 | (counter >>> 8);
      buf[7] = counter & 0xff;
      buf[8] = (buf[8]! & 0x3f) | 0x80;
      return hex(buf);
    },
  };
}

/** Fixed namespace for ids derived from outside facts (a UUIDv4 picked once for Trunkline). */
const TRUNKLINE_NAMESPACE = Buffer.from('5f0c3a52d4e84a1f9b7e2c6d8a1b3e47', 'hex');

/**
 * UUIDv5 of an outside fact ("stripe-event", "evt_123"), so the same fact always yields the same
 * event id and the event store refuses to record it twice.
 */
export function deriveId(kind: string, ...parts: readonly string[]): string {
  const name = [kind, ...parts].map((p) => `${p.length}:${p}`).join('|');
  const digest = createHash('sha1').update(TRUNKLINE_NAMESPACE).update(name, 'utf8').digest();
  const bytes = new Uint8Array(digest.subarray(0, 16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return hex(bytes);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export function isUuid(text: string): boolean {
  return UUID.test(text);
}
