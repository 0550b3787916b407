import { signedFetch, signer } from '../../support/signed-fetch';
import { smsEngine, RECEIPT_SECRET, type SmsEngine } from '../../support/sms-engine';
import { waitFor } from '../../support/wait';
import type { SubmitAnswer } from '../../beds/smsc';
import type { ReceiptStatus } from '../../../core/sms/commands';
import { listRejectedFacts } from '../../../application/facts/rejected-facts';

const alice = signer('+442079462001');
const bob = signer('+442079462002');
const UK = '+447911123456';
const US = '+12015550123';
const long = 'a'.repeat(161); // two GSM-7 segments: 0.06 EUR at 0.03 a segment

interface Sent {
  smsId: string;
  status: string;
  gatewayId: string | null;
  price: string;
  from: string;
  position: number;
  segments: number;
  replayed: boolean;
}

async function balance(t: SmsEngine, who = alice) {
  await t.engine.runner.catchUp('balances');
  const r = await signedFetch(t.base, who, 'GET', '/v1/accounts/me/balance');
  return (await r.json()) as { paid: string; reserved: string; available: string };
}

async function status(t: SmsEngine, smsId: string, who = alice) {
  await t.engine.runner.catchUp('sms');
  const r = await signedFetch(t.base, who, 'GET', `/v1/sms/${smsId}`);
  return {
    code: r.status,
    body: (await r.json()) as { status: string; refunded: string | null; parts: { messageId: string; status: string }[] },
  };
}

/** The events of one type on the log, with their data. */
async function eventsOf(t: SmsEngine, type: string) {
  const out: Record<string, unknown>[] = [];
  for await (const e of t.engine.store.readAll()) if (e.type === type) out.push(e.data);
  return out;
}

describe('SMS through the API: segments priced, cheapest gateway, charged once, refunded once', () => {
  let t: SmsEngine;
  let answer: (i: number) => SubmitAnswer = () => 'accept';
  beforeAll(async () => {
    t = await smsEngine({
      people: [alice, bob],
      answerCheap: (i) => answer(i),
      config: { smsPerMinute: 1000, blockedPrefixes: ['44909'] },
    });
    await t.fund(alice.keyid, '1.00');
  });
  afterAll(() => t.close());
  beforeEach(() => {
    answer = () => 'accept';
    t.http.setMode('accept');
  });

  it('quotes segments, price and gateways to a signed caller without sending anything', async () => {
    const unsigned = await fetch(`${t.base}/v1/sms/quote`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: UK, text: long }),
    });
    expect(unsigned.status).toBe(401);
    const r = await signedFetch(t.base, alice, 'POST', '/v1/sms/quote', { to: UK, text: long });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      to: UK,
      encoding: 'GSM-7',
      segments: 2,
      characters: 161,
      currency: 'EUR',
      perSegment: '0.03',
      perMessage: '0',
      price: '0.06',
      gateways: ['smsc-cheap', 'smsc-second', 'http-gw'],
    });
    expect(t.cheap.received).toHaveLength(0);
  });

  it('publishes SMS prices per segment on the public rate sheet', async () => {
    const sheet = (await (await fetch(`${t.base}/v1/rates?service=sms`)).json()) as { service: string; rates: unknown[] };
    expect(sheet.service).toBe('sms');
    expect(sheet.rates).toEqual(
      expect.arrayContaining([
        { prefix: '44', destination: 'United Kingdom', pricePerSegment: '0.03', riskClass: null },
        { prefix: '1', destination: 'North America', pricePerSegment: '0.0225', riskClass: null },
      ]),
    );
    const one = (await (await fetch(`${t.base}/v1/rates?service=sms&destination=${encodeURIComponent(UK)}`)).json()) as object;
    expect(one).toEqual({
      number: UK,
      currency: 'EUR',
      sheetVersion: expect.any(Number),
      prefix: '44',
      destination: 'United Kingdom',
      pricePerSegment: '0.03',
      riskClass: null,
    });
    // voice routing never picks an SMS gateway, and the voice sheet has none of their prefixes
    const voice = (await (await fetch(`${t.base}/v1/rates`)).json()) as { rates: unknown[] };
    expect(voice.rates).toEqual([]);
  });

  it('sends from the account’s own number through the cheapest gateway, charges on acceptance, delivers on receipts', async () => {
    const before = await balance(t);
    const r = await t.send(alice, { to: UK, text: long });
    expect(r.status).toBe(202);
    const sent = (await r.json()) as Sent;
    expect(sent).toMatchObject({ status: 'submitted', gatewayId: 'smsc-cheap', price: '0.06', from: alice.keyid, segments: 2 });
    const parts = t.cheap.received.slice(-2);
    expect(parts.map((p) => p.from)).toEqual(['442079462001', '442079462001']);
    const after = await balance(t);
    expect(after.paid).toBe((Number(before.paid) - 0.06).toFixed(2));
    expect(after.reserved).toBe('0');
    for (const p of parts) t.cheap.receipt(p, 'DELIVRD');
    await waitFor(async () => (await status(t, sent.smsId)).body.status === 'delivered', 5000, 'delivered');
    const submitted = (await eventsOf(t, 'SmsSubmitted')).filter((c) => c['smsId'] === sent.smsId);
    expect(submitted).toEqual([
      expect.objectContaining({
        gatewayId: 'smsc-cheap',
        cost: { prefix: '44', perSegment: '0.0200', perMessage: '0', segments: 2, amount: '0.04', currency: 'EUR' },
      }),
    ]);
  });

  it('refunds exactly once when a receipt says a segment failed, however often it comes', async () => {
    const before = await balance(t);
    const sent = (await (await t.send(alice, { to: UK, text: 'hello' })).json()) as Sent;
    const part = t.cheap.received.at(-1)!;
    expect((await balance(t)).paid).toBe((Number(before.paid) - 0.03).toFixed(2));
    for (let i = 0; i < 3; i++) t.cheap.receipt(part, 'UNDELIV');
    await waitFor(async () => (await status(t, sent.smsId)).body.status === 'refunded', 5000, 'refunded');
    await waitFor(async () => t.cheap.receiptAnswers.length >= 3, 5000, 'receipt answers');
    expect((await balance(t)).paid).toBe(before.paid);
    expect((await eventsOf(t, 'SmsRefunded')).filter((e) => e['smsId'] === sent.smsId)).toHaveLength(1);
    expect((await status(t, sent.smsId)).body.refunded).toBe('0.03');
  });

  it('fails over when the cheapest gateway refuses or does not answer, and charges the retail price once', async () => {
    for (const mode of ['refuse', 'silent'] as const) {
      answer = () => mode;
      const before = t.second.received.length;
      const r = await t.send(alice, { to: UK, text: `failover ${mode}` });
      expect(r.status).toBe(202);
      const sent = (await r.json()) as Sent;
      expect(sent).toMatchObject({ gatewayId: 'smsc-second', price: '0.03' });
      expect(t.second.received.length).toBe(before + 1);
      const submitted = (await eventsOf(t, 'SmsSubmitted')).find((e) => e['smsId'] === sent.smsId)!;
      expect(submitted['failedOver']).toEqual([
        { gatewayId: 'smsc-cheap', error: expect.stringMatching(mode === 'refuse' ? /refused/ : /no submit_sm_resp/) },
      ]);
      expect(submitted).toMatchObject({ gatewayId: 'smsc-second', cost: { amount: '0.025' } });
    }
  });

  it('a text no gateway takes answers 502 and costs nothing', async () => {
    answer = () => 'refuse';
    const second = t.second;
    await second.close(); // the second SMSC is gone for the rest of this suite
    t.http.setMode('refuse');
    const before = await balance(t);
    const r = await t.send(alice, { to: UK, text: 'nobody' });
    expect(r.status).toBe(502);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const p = (await r.json()) as { type: string; smsId: string };
    expect(p.type).toMatch(/sms-not-sent$/);
    const after = await balance(t);
    expect(after.paid).toBe(before.paid);
    expect(after.reserved).toBe('0');
    expect((await status(t, p.smsId)).body.status).toBe('failed');
  });

  it('the same request key sends once; reused for another text it is a conflict', async () => {
    const first = await t.send(alice, { to: UK, text: 'once' }, 'same-key');
    expect(first.status).toBe(202);
    const count = t.cheap.received.length;
    const again = await t.send(alice, { to: UK, text: 'once' }, 'same-key');
    expect(again.status).toBe(200);
    expect(((await again.json()) as Sent).replayed).toBe(true);
    expect(t.cheap.received.length).toBe(count);
    const other = await t.send(alice, { to: '+447911123457', text: 'once' }, 'same-key');
    expect(other.status).toBe(409);
    expect(
      (await eventsOf(t, 'SmsCharged')).filter((e) => e['smsId'] === ((first.headers.get('location') ?? '').split('/').pop() ?? '')),
    ).toHaveLength(1);
  });

  it('goes through the HTTP gateway where only it has a route; its receipt webhook needs the secret and refunds once', async () => {
    const before = await balance(t);
    const r = await t.send(alice, { to: US, text: 'hi there' });
    expect(r.status).toBe(202);
    const sent = (await r.json()) as Sent;
    // the sheet's price per segment covers the gateway's one-segment cost (0.01 + 0.005 a message) at 50 % markup
    expect(sent).toMatchObject({ gatewayId: 'http-gw', price: '0.0225' });
    expect(t.http.received.at(-1)).toEqual({ to: US, from: alice.keyid, text: 'hi there', auth: 'Bearer gw-token' });
    const hook = (secret: string, body: unknown) =>
      fetch(`${t.base}/v1/webhooks/sms/http-gw`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify(body),
      });
    const wrong = await hook('not-the-secret-at-all', { id: 'h1', status: 'FAILED' });
    expect(wrong.status).toBe(401);
    const messageId = `h${t.http.received.length}`;
    expect((await hook(RECEIPT_SECRET, { id: messageId, status: 'FAILED' })).status).toBe(200);
    expect((await hook(RECEIPT_SECRET, { id: messageId, status: 'FAILED' })).status).toBe(200);
    expect((await status(t, sent.smsId)).body.status).toBe('refunded');
    expect((await balance(t)).paid).toBe(before.paid);
  });

  it('refuses a receipt whose Bearer token has the secret’s length in characters but not in bytes: 401, nothing recorded', async () => {
    const head = await t.engine.store.head();
    const r = await fetch(`${t.base}/v1/webhooks/sms/http-gw`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${'é'.repeat(RECEIPT_SECRET.length)}` },
      body: JSON.stringify({ id: 'h1', status: 'FAILED' }),
    });
    expect([r.status, r.headers.get('content-type')]).toEqual([401, expect.stringMatching(/problem\+json/)]);
    expect(((await r.json()) as { type: string }).type).toBe('https://trunkline.dev/problems/unauthorized');
    expect(await t.engine.store.head()).toBe(head);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'takes a receipt whose status is %s as not final: nothing recorded, nothing refunded',
    async (word) => {
      const r = await t.send(alice, { to: US, text: 'proto' });
      expect(r.status).toBe(202);
      const head = await t.engine.store.head();
      const receipt = await fetch(`${t.base}/v1/webhooks/sms/http-gw`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${RECEIPT_SECRET}` },
        body: JSON.stringify({ id: `h${t.http.received.length}`, status: word }),
      });
      expect([receipt.status, ((await receipt.json()) as { recorded: boolean }).recorded]).toEqual([202, false]);
      expect(await t.engine.store.head()).toBe(head);
    },
  );

  it.each(['constructor', '__proto__', 'toString'])(
    'a gateway that hands over a receipt whose status is %s: kept as a rejected fact, nothing refunded, no receipt recorded',
    async (word) => {
      const r = await t.send(alice, { to: US, text: `sink ${word}` });
      const sent = (await r.json()) as Sent;
      const before = await balance(t);
      const messageId = `h${t.http.received.length}`;
      const bad = {
        gatewayId: 'http-gw',
        messageId,
        // what a gateway adapter of a plugin could pass: the sink must not trust the type
        status: word as ReceiptStatus,
        error: 'x',
        at: new Date().toISOString(),
        raw: { status: word },
      };
      for (let i = 0; i < 2; i++) await t.engine.sms.receipt(bad);
      const mine = (type: string) => eventsOf(t, type).then((all) => all.filter((d) => d['smsId'] === sent.smsId));
      expect(await mine('SmsRefunded')).toEqual([]);
      expect(await mine('SmsReceiptRecorded')).toEqual([]);
      expect((await status(t, sent.smsId)).body.status).toBe('submitted');
      expect(await balance(t)).toEqual(before);
      const rejected = (await listRejectedFacts(t.engine.store, 'sms-gateway:http-gw')).filter((f) => f.externalId === messageId);
      expect(rejected.map((f) => f.reason)).toEqual([expect.stringContaining(`status ${JSON.stringify(word)} is not one of`)]);
      expect(JSON.parse(rejected[0]!.payload)).toMatchObject({ messageId, status: word });
    },
  );

  it('refuses a text to a blocked prefix with 403 blocked-destination, sending and charging nothing; quotes too', async () => {
    const before = await balance(t);
    const [head, sent] = [await t.engine.store.head(), t.cheap.received.length + t.second.received.length + t.http.received.length];
    const blocked = '+449090000000';
    const quote = await signedFetch(t.base, alice, 'POST', '/v1/sms/quote', { to: blocked, text: 'win a prize' });
    const send = await t.send(alice, { to: blocked, text: 'win a prize' });
    for (const r of [quote, send]) {
      expect([r.status, r.headers.get('content-type')]).toEqual([403, expect.stringMatching(/problem\+json/)]);
      expect(((await r.json()) as { type: string }).type).toBe('https://trunkline.dev/problems/blocked-destination');
    }
    expect(t.cheap.received.length + t.second.received.length + t.http.received.length).toBe(sent);
    expect(await t.engine.store.head()).toBe(head);
    expect(await balance(t)).toEqual(before);
    // the prefix, not its neighbours: +44 910 is refused too, but as a premium-rate number the account is not allowed
    const neighbour = await t.send(alice, { to: '+449100000000', text: 'hello' });
    expect([neighbour.status, (await neighbour.json()) as { type: string; riskClass: string }]).toEqual([
      403,
      expect.objectContaining({ type: 'https://trunkline.dev/problems/risky-destination', riskClass: 'premium-rate' }),
    ]);
    expect(await t.engine.store.head()).toBe(head);
  });

  it('keeps a receipt for an unknown message for review, moving no money', async () => {
    const before = await balance(t);
    t.cheap.receipt({ messageId: 'never-sent-1', from: '1', to: '2' }, 'DELIVRD');
    await waitFor(async () => (await eventsOf(t, 'SmsReceiptUnmatched')).length === 1, 8000, 'unmatched receipt');
    expect((await eventsOf(t, 'SmsReceiptUnmatched'))[0]).toMatchObject({
      gatewayId: 'smsc-cheap',
      messageId: 'never-sent-1',
      status: 'delivered',
    });
    expect((await balance(t)).paid).toBe(before.paid);
  });

  it('refuses bad input with a problem document and changes nothing', async () => {
    const before = await balance(t);
    const cases: [unknown, number, RegExp][] = [
      [{ to: UK, text: 'a'.repeat(153 * 10 + 1) }, 422, /too-many-segments$/],
      [{ to: UK, text: '' }, 422, /empty-message$/],
      [{ to: '+4412', text: 'x' }, 400, /invalid-number$/],
      [{ to: '+8613800138000', text: 'x' }, 404, /unrated-destination$/],
      [{ to: UK, text: 'x', from: '+15555550100' }, 400, /invalid-request$/],
    ];
    for (const [body, code, type] of cases) {
      const r = await t.send(alice, body);
      expect([JSON.stringify(body).slice(0, 40), r.status]).toEqual([JSON.stringify(body).slice(0, 40), code]);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(((await r.json()) as { type: string }).type).toMatch(type);
    }
    const noKey = await signedFetch(t.base, alice, 'POST', '/v1/sms', { to: UK, text: 'x' });
    expect(noKey.status).toBe(400);
    const poor = await t.send(bob, { to: UK, text: 'x' });
    expect(poor.status).toBe(402);
    const unsigned = await fetch(`${t.base}/v1/sms`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(401);
    expect(await balance(t)).toEqual(before);
  });
});

describe('SMS rate limits and faults', () => {
  it('answers 429 with Retry-After past the per-minute limit, and the limit holds under concurrency', async () => {
    const carol = signer('+442079462003');
    const t = await smsEngine({ people: [carol], config: { smsPerMinute: 3, smsPerDay: 100 } });
    try {
      await t.fund(carol.keyid, '5');
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => t.send(carol, { to: UK, text: `n${i}` })));
      const codes = answers.map((a) => a.status).sort();
      expect(codes).toEqual([202, 202, 202, 429, 429, 429, 429, 429]);
      const limited = answers.find((a) => a.status === 429)!;
      expect(limited.headers.get('retry-after')).toBe('60');
      expect(t.cheap.received).toHaveLength(3);
    } finally {
      await t.close();
    }
  });

  it('an SMPP connection dropped mid-window: every text reaches a gateway and is charged once, even one the SMSC took without answering', async () => {
    const dave = signer('+442079462004');
    // the cheapest SMSC holds the first submits unanswered, then drops the connection on the fourth
    const t = await smsEngine({
      people: [dave],
      answerCheap: (i) => (i < 3 ? 'silent' : i === 3 ? 'drop' : 'accept'),
      submitTimeoutMs: 3000,
    });
    try {
      await t.fund(dave.keyid, '5');
      const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => t.send(dave, { to: UK, text: `window ${i}` })));
      const sent = (await Promise.all(answers.map((a) => a.json()))) as Sent[];
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202, 202]);
      const charged = await (async () => {
        const out: Record<string, unknown>[] = [];
        for await (const e of t.engine.store.readAll()) if (e.type === 'SmsCharged') out.push(e.data);
        return out;
      })();
      // one charge per text, every text reached a gateway
      expect(charged.map((c) => c['smsId']).sort()).toEqual(sent.map((s) => s.smsId).sort());
      const texts = Array.from({ length: 6 }, (_, i) => `window ${i}`);
      expect(new Set([...t.cheap.received, ...t.second.received].map((p) => p.text))).toEqual(new Set(texts));
      // all six failed over (the first four unanswered, then the drop lost the answers of the rest) …
      expect(sent.map((s) => s.gatewayId)).toEqual(Array(6).fill('smsc-second'));
      expect(t.second.received.map((p) => p.text).sort()).toEqual(texts.sort());
      // … and what the dropped SMSC took without answering is the only thing that can reach a handset twice: charged once
      for (const p of t.cheap.received) expect(texts).toContain(p.text);
      await t.engine.runner.catchUp('balances');
      const b = (await (await signedFetch(t.base, dave, 'GET', '/v1/accounts/me/balance')).json()) as { paid: string; reserved: string };
      expect(b).toMatchObject({ paid: (5 - 6 * 0.03).toFixed(2), reserved: '0' });
    } finally {
      await t.close();
    }
  });
});
