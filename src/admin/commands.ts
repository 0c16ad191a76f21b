import { BadInputError } from '../domain/errors.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Args } from './args.js';
import { type Command, optionFlag, UsageError } from './command.js';
import { accountCreate, accountList, accountRotateToken } from './commands/accounts.js';
import { auditList } from './commands/audit.js';
import { credentialCreate } from './commands/credentials.js';
import { keyCreate, keyList, keyRevoke } from './commands/keys.js';
import { bindingsPrune, pruneCancel, pruneList } from './commands/prune.js';
import { serviceCreate, serviceList } from './commands/services.js';

/**
 * The operator commands of `npm run cli`, by name: each is defined with its
 * resource in ./commands/ (see ./command.ts for what a command is), its
 * arguments checked with ./args.ts, its result written with ./format.ts.
 * This module finds a command, checks its arguments and runs it: the one path
 * both transports take (see channel.ts).
 */

// What src/bin/cli.ts and channel.ts use besides the table.
export { type Command, optionFlag, UsageError };

/** Every command, in the order the usage text lists them. */
export const COMMANDS: readonly Command[] = [
  accountCreate,
  accountRotateToken,
  accountList,
  keyCreate,
  keyList,
  keyRevoke,
  serviceCreate,
  serviceList,
  credentialCreate,
  auditList,
  bindingsPrune,
  pruneList,
  pruneCancel,
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** Checks the argument names, then the command's own validation; UsageError on anything wrong. */
export function parseArgs(command: Command, args: Args): unknown {
  for (const [name, value] of Object.entries(args)) {
    if (!command.options.includes(name)) {
      throw new UsageError(`${command.name} does not take ${optionFlag(name)}`);
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new UsageError(`${optionFlag(name)} needs a value`);
    }
  }
  return command.parse(args);
}

/**
 * Validates and runs a command over a database: the one path both transports
 * take. Arguments the domain refuses once it sees the data (a SID that is
 * taken) are usage errors too.
 */
export async function executeCommand(prisma: PrismaClient, name: string, args: Args): Promise<unknown> {
  const command = findCommand(name);
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  const parsed = parseArgs(command, args);
  try {
    return await command.run(prisma, parsed);
  } catch (err) {
    if (err instanceof BadInputError) throw new UsageError(err.message);
    throw err;
  }
}
