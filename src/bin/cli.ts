import { executeConfigured } from '../admin/channel.js';
import { COMMANDS, type Command, findCommand, optionFlag, parseArgs, UsageError } from '../admin/commands.js';
import { importFileCommand, importTwilioCommand } from '../import/cli.js';
import { loadConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { runCli } from '../platform/run-cli.js';

// `npm run cli -- <command> [--options] [--json]`: credential management and the
// deletion audit trail, on the configured database. With the embedded database
// the command goes through the running gateway when there is one (see
// src/admin/channel.ts). Results go to stdout (`--json`: one line of JSON);
// errors go to stderr as `error: <message>` (status 1; 2 for usage errors).

runCli(async () => {
  const [name, ...rest] = process.argv.slice(2);
  // The imports take repeatable flags and switches, and stream progress: their own parser and runner.
  if (name === 'import:twilio') return importTwilioCommand(rest);
  if (name === 'import:file') return importFileCommand(rest);
  let invocation: Invocation;
  try {
    invocation = parseArgv(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n\n${usage()}`);
    return 2;
  }
  if (invocation.kind === 'help') {
    process.stdout.write(invocation.command ? commandUsage(invocation.command) : usage());
    return 0;
  }
  const { command, args, json } = invocation;
  try {
    parseArgs(command, args); // refuse bad arguments before reaching any database
    const config = loadConfig();
    const logger = createLogger(config.logLevel);
    const result = await executeConfigured(config, command.name, args, { logger });
    process.stdout.write(json ? `${JSON.stringify(result)}\n` : command.format(result));
    return 0;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n${commandUsage(command)}`);
    return 2;
  }
});

type Invocation = { kind: 'help'; command?: Command } | { kind: 'run'; command: Command; args: Record<string, string>; json: boolean };

function parseArgv(argv: string[]): Invocation {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError('no command given');
  if (name === 'help' || name === '--help' || name === '-h') {
    const about = rest[0] === undefined ? undefined : findCommand(rest[0]);
    return about ? { kind: 'help', command: about } : { kind: 'help' };
  }
  const command = findCommand(name);
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`);

  const args: Record<string, string> = {};
  let json = false;
  const set = (option: string, value: string) => {
    if (option in args) throw new UsageError(`${optionFlag(option)} given twice`);
    args[option] = value;
  };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--json') {
      json = true;
    } else if (arg === '--help' || arg === '-h') {
      return { kind: 'help', command };
    } else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const flag = eq < 0 ? arg : arg.slice(0, eq);
      const option = flag.slice(2).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
      if (!command.options.includes(option)) throw new UsageError(`${command.name} does not take ${flag}`);
      let value: string | undefined;
      if (eq < 0 && command.switches?.includes(option)) value = 'true';
      else if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < rest.length && !rest[i + 1]!.startsWith('--')) value = rest[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      set(option, value);
    } else if (command.positional && !(command.positional in args)) {
      set(command.positional, arg);
    } else {
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)} for ${command.name}`);
    }
  }
  return { kind: 'run', command, args, json };
}

function commandUsage(command: Command): string {
  return `usage: npm run cli -- ${command.name}${command.usage ? ` ${command.usage}` : ''} [--json]\n  ${command.summary}\n`;
}

function usage(): string {
  return [
    'usage: npm run cli -- <command> [options] [--json]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${`${c.name} ${c.usage}`.trimEnd()}\n      ${c.summary}`),
    '  import:twilio [--from URL] [--service IS…]… [--prune] [--dry-run] [--keep-token] [--concurrency N]',
    "      import an account's credentials, services, users and bindings from Twilio (see import:twilio --help)",
    '  import:file PATH… [--dry-run]',
    '      import export files: Twilio CLI JSON, REST list bodies or NDJSON (see import:file --help)',
    '',
    '--json prints the result as one line of JSON. The database is the one the gateway uses:',
    'DATABASE_URL when set, otherwise the embedded database in DATA_DIR (through the running',
    'gateway when it holds the folder).',
    '',
  ].join('\n');
}
