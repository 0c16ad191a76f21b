import { OperatorError } from './operator-error.js';

/**
 * Runs a command-line entry point: on failure prints `error: <message>` to
 * stderr (plus the stack for unexpected errors when LOG_LEVEL=debug) and exits
 * with status 1; on success exits with the status `main` returns (default 0).
 */
// biome-ignore lint/suspicious/noConfusingVoidType: entry points that end normally return nothing
export function runCli(main: () => Promise<number | void>): void {
  main().then(
    (code) => finish(code ?? 0),
    (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`error: ${message}\n`);
      if (!(err instanceof OperatorError) && err instanceof Error && process.env.LOG_LEVEL?.trim().toLowerCase() === 'debug') {
        process.stderr.write(`${err.stack ?? ''}\n`);
      }
      finish(1);
    },
  );
}

function finish(code: number): void {
  process.exitCode = code;
  // Exit naturally so stdout is flushed; a handle left open by a failure half-way
  // (a pool, a socket) must not keep the process alive, though.
  setTimeout(() => process.exit(code), 2_000).unref();
}
