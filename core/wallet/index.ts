export * from './events';
export * from './state';
export * from './commands';
export * from './allocation';
export * from './restriction';
export * from './wallet';
export * from './money-effect';
export * from './balance-figures';
