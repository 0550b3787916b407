export default async function teardown(): Promise<void> {
  globalThis.__TRUNKLINE_PG__?.stop();
}
