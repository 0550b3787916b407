/** Service identifiers; only the composition root (engine.ts) resolves them. */
export const TOKENS = {
  Config: Symbol.for('trunkline.Config'),
  Logger: Symbol.for('trunkline.Logger'),
  Clock: Symbol.for('trunkline.Clock'),
  Ids: Symbol.for('trunkline.Ids'),
  Metrics: Symbol.for('trunkline.Metrics'),
  EventStore: Symbol.for('trunkline.EventStore'),
  ReadModels: Symbol.for('trunkline.ReadModels'),
  Extensions: Symbol.for('trunkline.Extensions'),
  ProjectionRunner: Symbol.for('trunkline.ProjectionRunner'),
  HttpApp: Symbol.for('trunkline.HttpApp'),
  RatesLookup: Symbol.for('trunkline.RatesLookup'),
  Rating: Symbol.for('trunkline.Rating'),
  Directory: Symbol.for('trunkline.Directory'),
  Accounts: Symbol.for('trunkline.Accounts'),
  Wallet: Symbol.for('trunkline.Wallet'),
  Calls: Symbol.for('trunkline.Calls'),
} as const;
