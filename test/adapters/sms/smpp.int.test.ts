import pino from 'pino';
import { smppGateway, type SmppGatewayOptions } from '../../../adapters/sms/smpp';
import { SmsGatewayError, type SmsReceipt } from '../../../core/sms/gateway';
import { encodePart, segment } from '../../../core/sms/segments';
import { startSmsc, type Smsc, type SubmitAnswer } from '../../beds/smsc';
import { waitFor } from '../../support/wait';

const message = (text: string, smsId = 'sms-1') => {
  const s = segment(text);
  return {
    smsId,
    from: '+447700900001',
    to: '+447700900123',
    encoding: s.encoding,
    text,
    parts: s.parts.map((p) => encodePart(s.encoding, p)),
  };
};

describe('SMPP gateway against an in-process SMSC (the smpp package, over loopback)', () => {
  let smsc: Smsc | null = null;
  let gateway: ReturnType<typeof smppGateway> | null = null;
  const receipts: SmsReceipt[] = [];
  afterEach(async () => {
    await gateway?.close();
    await smsc?.close();
    gateway = null;
    smsc = null;
    receipts.length = 0;
  });

  async function start(answer?: (index: number) => SubmitAnswer, extra: Partial<SmppGatewayOptions> = {}) {
    smsc = await startSmsc({ systemId: 'trunkline', password: 'secret', ...(answer ? { answer: (_p, i) => answer(i) } : {}) });
    gateway = smppGateway({
      id: 'smsc-a',
      url: smsc.url,
      systemId: 'trunkline',
      password: 'secret',
      window: 4,
      queueLimit: 100,
      submitTimeoutMs: 800,
      enquireLinkMs: 200,
      reconnectMinMs: 50,
      reconnectMaxMs: 400,
      logger: pino({ level: 'silent' }),
      onReceipt: async (r) => void receipts.push(r),
      ...extra,
    });
    await waitFor(async () => gateway!.bound(), 5000, 'SMPP bind');
    return { smsc, gateway };
  }

  it('binds as a transceiver and sends a long GSM-7 text as UDH-concatenated parts, each with its message id', async () => {
    const { smsc, gateway } = await start();
    const text = `${'a'.repeat(150)}€${'b'.repeat(100)}`; // 253 septets: 2 parts
    const { messageIds } = await gateway.submit(message(text));
    expect(messageIds).toHaveLength(2);
    expect(smsc.received.map((p) => p.messageId)).toEqual(messageIds);
    const [one, two] = smsc.received;
    expect(one!.esmClass & 0x40).toBe(0x40);
    expect(one!.dataCoding).toBe(0);
    // the concatenation element (IEI 00, length 3, reference, total, sequence): one reference, sequence 1 then 2
    expect([...one!.udh!]).toEqual([0x00, 0x03, one!.udh![2], 2, 1]);
    expect([...two!.udh!]).toEqual([0x00, 0x03, one!.udh![2], 2, 2]);
    // the SMSC reads back the text, split where segment() splits it (the € after 150 septets fits in the first)
    expect(one!.text + two!.text).toBe(text);
    expect(one!.text).toBe(segment(text).parts[0]);
    expect(one!.to).toBe('447700900123');
    expect(one!.from).toBe('447700900001');
  });

  it('sends UCS-2 with data_coding 8 and a single text without a header', async () => {
    const { smsc, gateway } = await start();
    await gateway.submit(message('Привет 😀'));
    expect(smsc.received).toHaveLength(1);
    expect(smsc.received[0]!.dataCoding).toBe(8);
    expect(smsc.received[0]!.esmClass & 0x40).toBe(0);
    expect(smsc.received[0]!.text).toBe('Привет 😀');
  });

  it('a refused submit_sm is a refusal; an unanswered one a timeout', async () => {
    const { gateway } = await start((i) => (i === 0 ? 'refuse' : 'silent'));
    await expect(gateway.submit(message('one'))).rejects.toMatchObject({ kind: 'refused' });
    await expect(gateway.submit(message('two'))).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('a connection dropped with submits in the window fails them all at once, then reconnects and sends again', async () => {
    let drop = true;
    const { smsc, gateway } = await start((i) => (drop && i === 3 ? 'drop' : i < 3 && drop ? 'silent' : 'accept'));
    const inFlight = [1, 2, 3, 4].map((n) =>
      gateway.submit(message(`text ${n}`, `s${n}`)).then(
        () => 'sent',
        (e: unknown) => e,
      ),
    );
    const outcomes = await Promise.all(inFlight);
    for (const o of outcomes) {
      expect(o).toBeInstanceOf(SmsGatewayError);
      expect((o as SmsGatewayError).kind).toBe('unavailable');
    }
    drop = false;
    await waitFor(async () => gateway.bound(), 5000, 'SMPP rebind');
    expect(smsc.stats().binds).toBeGreaterThanOrEqual(2);
    await expect(gateway.submit(message('after'))).resolves.toMatchObject({ messageIds: [expect.any(String)] });
  });

  it('keeps the link alive with enquire_link', async () => {
    const { smsc } = await start();
    await waitFor(async () => smsc.stats().enquireLinks >= 2, 5000, 'enquire_link');
  });

  it('hands delivery receipts over and acknowledges them only once stored', async () => {
    let store = false;
    let answersWhenStored = -1;
    const { smsc, gateway } = await start(undefined, {
      onReceipt: async (r) => {
        if (!store) throw new Error('store down');
        receipts.push(r);
        answersWhenStored = smsc.receiptAnswers.length;
      },
    });
    const { messageIds } = await gateway.submit(message('hello'));
    const part = smsc.received[0]!;
    smsc.receipt(part, 'UNDELIV');
    await waitFor(async () => smsc.receiptAnswers.length === 1, 5000, 'deliver_sm_resp');
    expect(smsc.receiptAnswers[0]).toBe(0x64); // temporary error: the SMSC will resend
    store = true;
    smsc.receipt(part, 'DELIVRD');
    await waitFor(async () => receipts.length === 1, 5000, 'receipt');
    expect(receipts[0]).toMatchObject({ gatewayId: 'smsc-a', messageId: messageIds[0], status: 'delivered', error: null });
    // The acknowledgement travels back over the socket after the store resolved: wait for it.
    await waitFor(async () => smsc.receiptAnswers.length === 2, 5000, 'second deliver_sm_resp');
    expect(answersWhenStored).toBe(1);
    expect(smsc.receiptAnswers[1]).toBe(0);
  });

  it('a window full and a queue full fails over at once instead of waiting', async () => {
    const { gateway } = await start(() => 'silent', { window: 1, queueLimit: 0, submitTimeoutMs: 500 });
    const first = gateway.submit(message('first')).catch((e: unknown) => e);
    await expect(gateway.submit(message('second'))).rejects.toMatchObject({ kind: 'unavailable' });
    expect(await first).toMatchObject({ kind: 'timeout' });
  });
});
