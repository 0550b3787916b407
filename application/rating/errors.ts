import type { RowError } from '../../core/imports/row-error';

/** An import with bad rows, refused whole: nothing was written. */
export class ImportRejectedError extends Error {
  override readonly name = 'ImportRejectedError';
  constructor(
    readonly errors: readonly RowError[],
    readonly records: number,
  ) {
    super(`${errors.length} bad row${errors.length === 1 ? '' : 's'} of ${records}; nothing imported (fix them, or pass --skip-bad-rows)`);
  }
}

export class UnknownFormatError extends Error {
  override readonly name = 'UnknownFormatError';
}

export class UnknownPlanError extends Error {
  override readonly name = 'UnknownPlanError';
}
