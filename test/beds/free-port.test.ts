import { freePort } from './free-port';

test('free ports asked for one after another are never the same port twice', async () => {
  const ports: number[] = [];
  for (let i = 0; i < 300; i++) ports.push(await freePort());
  expect(new Set(ports).size).toBe(ports.length);
});
