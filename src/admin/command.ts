import type { PrismaClient } from '../generated/prisma/client.js';

/**
 * One operator command of `npm run cli`. Each one validates its arguments
 * itself (`parse`), runs over a PrismaClient and returns a JSON-serialisable
 * result (the same whether it ran in the CLI's process or in the running
 * gateway's, see channel.ts), and formats that result for humans.
 *
 * Arguments are named by their camelCase option name (`--friendly-name` is
 * `friendlyName`), their values strings as typed on the command line (numbers
 * are accepted where a number is meant).
 */
export interface Command<A = unknown, R = unknown> {
  name: string;
  summary: string;
  /** Arguments after the command name, for the usage text. */
  usage: string;
  /** Option names it accepts (camelCase). */
  options: readonly string[];
  /** Options that take no value (`--dry-run`): given, they are `'true'`. */
  switches?: readonly string[];
  /** The option a lone positional argument fills (`key:revoke SK…` = `key:revoke --key SK…`). */
  positional?: string;
  /** May run on an embedded data folder that has no database yet (it creates one). */
  initializesDatabase?: boolean;
  parse(args: Readonly<Record<string, unknown>>): A;
  run(prisma: PrismaClient, args: A): Promise<R>;
  format(result: R): string;
}

/** Arguments the command refuses: the CLI exits with status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--friendly-name` for `friendlyName`. */
export function optionFlag(option: string): string {
  return `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
