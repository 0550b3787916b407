import { createSocket } from 'node:dgram';
import { udpTaken } from './sip-bed';

const openUdpSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;

// the probe left a socket open each time the port was taken: one per carrier started, for the rest of the worker's run
test('asking whether a UDP port is taken leaves no socket open, taken or not', async () => {
  const holder = createSocket('udp4');
  await new Promise<void>((resolve) => holder.bind(0, '127.0.0.1', resolve));
  const port = holder.address().port;
  const before = openUdpSockets();
  try {
    expect(await udpTaken(port)).toBe(true);
    holder.close();
    await new Promise((r) => setImmediate(r));
    expect(await udpTaken(port)).toBe(false);
    await new Promise((r) => setImmediate(r));
    expect(openUdpSockets()).toBe(before - 1); // the holder alone is gone
  } finally {
    try {
      holder.close();
    } catch {
      // closed above
    }
  }
});
