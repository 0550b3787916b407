// structured-headers declares its types only under package.json "exports", which this project's
// CommonJS module resolution does not read; its runtime resolves through "exports" as usual.
declare module 'structured-headers' {
  export * from 'structured-headers/dist/index';
}
