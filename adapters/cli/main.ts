import { ZodError } from 'zod';
import { buildProgram } from './program';

/** A flag's validation issue as the flag a person typed: `--grant-valid-days: …`. */
const flagOf = (path: readonly PropertyKey[]) => `--${String(path[0] ?? 'input').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

// a reader that stops early (`trunkline rates lcr … | head`) is not a failure: end quietly
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

/** Any failure is one line on stderr and exit code 1; the stack only with TRUNKLINE_DEBUG=1. */
buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    const message =
      error instanceof ZodError
        ? `${flagOf(error.issues[0]!.path)}: ${error.issues[0]!.message}`
        : error instanceof Error
          ? error.message
          : String(error);
    process.stderr.write(`trunkline: ${message.split('\n')[0]}\n`);
    if (process.env['TRUNKLINE_DEBUG'] === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
