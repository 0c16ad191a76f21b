import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createApp } from '../src/app.js';
import { openDatabase } from '../src/db/database.js';
import { DEMO_API_KEY_SID } from '../src/db/demo/catalogue.js';
import { generateDemoData } from '../src/db/demo/generate.js';
import { type SeedSummary, seedDemoData } from '../src/db/demo/seed.js';
import { silentLogger } from '../src/platform/logger.js';

/**
 * The README's example outputs, computed: `npm run readme:examples` rewrites
 * them, `npm run readme:examples -- --check` exits 1 (with a diff) when the
 * README differs from what it would write (test/readme-examples.test.ts runs it).
 *
 * In README.md an example is marked like this:
 *
 *     <!-- example: NAME -->
 *     ```graphql            (or ```sh with one curl command)
 *     …the request…
 *     ```
 *     <!-- output: NAME -->
 *     ```json
 *     …written by this script…
 *     ```
 *     <!-- /output -->
 *
 * The request is read from the README itself: a `graphql` block is POSTed to
 * /graphql, a `sh` block's curl command is sent as written (URL, -X, -H, -d;
 * `-u AC…:token` becomes the demo's first account). An output with no
 * example marker names a command instead, `<!-- output: NAME command="…" -->`
 * (only `npm run -s seed -- --json` is known). Examples run in README order on
 * one database, as a reader following along would (the deletion example
 * deletes a binding the first example lists).
 *
 * The database is always a fresh in-memory PGlite with the demo data, seeded
 * exactly as `npm start` seeds an empty embedded database, whatever
 * DATABASE_URL says: the demo data is deterministic (fixed SIDs, dates derived
 * from DEMO_REFERENCE_DATE), so every run answers alike. What still differs
 * between runs is written in a fixed form, and `…` always marks it:
 * - secrets (auth tokens, API key secrets): `…`;
 * - cursors and REST page tokens, signed with a key each database generates:
 *   their first 20 (page tokens 10) characters, then `…`;
 * - SIDs the examples create (random): the prefix and `…`, e.g. `BS…`;
 * - timestamps of the run itself (a registration's dates): `…`.
 * For width only, endpoints longer than 64 characters (FCM tokens) are cut
 * to their first 32 characters and `…`.
 * An answer with a non-2xx status or GraphQL `errors` stops the script: a
 * README request that no longer works is reported, not written down.
 */

const ORIGIN = 'http://127.0.0.1:4000';
const WIDTH = 120;

export interface Example {
  name: string;
  /** Fence language of the request block (graphql, sh), or 'command' for an output's `command="…"`. */
  lang: string;
  request: string;
}

interface OutputBlock {
  name: string;
  command?: string | undefined;
  /** Line indexes of the output marker and its closing marker. */
  start: number;
  end: number;
}

interface Parsed {
  lines: string[];
  examples: Map<string, Example>;
  outputs: OutputBlock[];
}

const EXAMPLE = /^<!-- example: ([\w-]+) -->$/;
const OUTPUT = /^<!-- output: ([\w-]+)(?: command="([^"]*)")? -->$/;
const OUTPUT_END = /^<!-- \/output -->$/;

/** The marked examples and output blocks of a README; throws on a malformed marker. */
export function parseReadme(text: string): Parsed {
  const lines = text.split('\n');
  const examples = new Map<string, Example>();
  const outputs: OutputBlock[] = [];
  const fail = (i: number, message: string): never => {
    throw new Error(`README.md:${i + 1}: ${message}`);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const example = EXAMPLE.exec(line);
    if (example) {
      const name = example[1]!;
      if (examples.has(name)) fail(i, `example ${name} is marked twice`);
      let j = i + 1;
      while (j < lines.length && lines[j]!.trim() === '') j++;
      const fence = /^```(\w+)$/.exec(lines[j] ?? '');
      if (!fence) fail(j, `example ${name}: expected a fenced block (\`\`\`graphql or \`\`\`sh) after its marker`);
      const close = lines.indexOf('```', j + 1);
      if (close < 0) fail(j, `example ${name}: its block is not closed`);
      examples.set(name, { name, lang: fence![1]!, request: lines.slice(j + 1, close).join('\n') });
      i = close;
      continue;
    }
    const output = OUTPUT.exec(line);
    if (output) {
      const name = output[1]!;
      if (outputs.some((o) => o.name === name)) fail(i, `output ${name} is marked twice`);
      let end = i + 1;
      while (end < lines.length && !OUTPUT_END.test(lines[end]!)) {
        if (EXAMPLE.test(lines[end]!) || OUTPUT.test(lines[end]!)) fail(end, `output ${name} is not closed by <!-- /output -->`);
        end++;
      }
      if (end === lines.length) fail(i, `output ${name} is not closed by <!-- /output -->`);
      outputs.push({ name, command: output[2], start: i, end });
      i = end;
      continue;
    }
    if (OUTPUT_END.test(line)) fail(i, '<!-- /output --> without an output marker');
  }
  for (const output of outputs) {
    if (output.command !== undefined) {
      if (examples.has(output.name)) fail(output.start, `output ${output.name} names a command and has an example`);
      examples.set(output.name, { name: output.name, lang: 'command', request: output.command });
    } else if (!examples.has(output.name)) {
      fail(output.start, `output ${output.name} has no example marker (<!-- example: ${output.name} -->) before it`);
    }
  }
  for (const name of examples.keys()) {
    if (!outputs.some((o) => o.name === name)) throw new Error(`README.md: example ${name} has no output block (<!-- output: ${name} -->)`);
  }
  return { lines, examples, outputs };
}

// Requests.

interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | undefined;
  /** The curl command's -u, or null to use the demo account's credentials. */
  user: string | null;
}

/** Words of a shell command line: quotes, backslash-newline continuations; comments dropped. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let i = 0;
  const push = () => {
    if (word !== null) words.push(word);
    word = null;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && text[i + 1] === '\n') {
      i += 2;
    } else if (c === '\\') {
      word = (word ?? '') + (text[i + 1] ?? '');
      i += 2;
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) throw new Error(`unclosed ' in: ${text}`);
      word = (word ?? '') + text.slice(i + 1, close);
      i = close + 1;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && '"\\$`'.includes(text[j + 1] ?? '')) j++;
        s += text[j];
        j++;
      }
      if (j >= text.length) throw new Error(`unclosed " in: ${text}`);
      word = (word ?? '') + s;
      i = j + 1;
    } else if (c === '#' && word === null) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (/\s/.test(c)) {
      push();
      i++;
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  push();
  return words;
}

/** The request a README block describes. */
export function requestOf(example: Example): HttpRequest {
  if (example.lang === 'graphql') {
    return {
      method: 'POST',
      url: `${ORIGIN}/graphql`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: example.request }),
      user: null,
    };
  }
  if (example.lang === 'sh') return parseCurl(example.name, shellWords(example.request));
  throw new Error(`example ${example.name}: cannot run a \`\`\`${example.lang} block (graphql, or sh with a curl command)`);
}

function parseCurl(name: string, words: string[]): HttpRequest {
  if (words[0] !== 'curl') throw new Error(`example ${name}: expected one curl command, found: ${words.join(' ')}`);
  const request: HttpRequest = { method: '', url: '', headers: {}, user: null };
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    const value = () => {
      const v = words[++i];
      if (v === undefined) throw new Error(`example ${name}: ${word} needs a value`);
      return v;
    };
    if (word === '-u' || word === '--user') {
      const user = value();
      // `AC…:token` and the like stand for the reader's credentials.
      request.user = user.includes('…') ? null : user;
    } else if (word === '-X' || word === '--request') request.method = value();
    else if (word === '-H' || word === '--header') {
      const header = value();
      const colon = header.indexOf(':');
      request.headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
    } else if (word === '-d' || word === '--data' || word === '--data-raw') {
      request.body = value();
      request.headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (word === '-s' || word === '-S' || word === '-sS' || word === '--silent') {
      // output options: nothing to do
    } else if (word.startsWith('-')) throw new Error(`example ${name}: curl option ${word} is not supported here`);
    else if (request.url) throw new Error(`example ${name}: two URLs in one curl command`);
    else request.url = word;
  }
  if (!request.url) throw new Error(`example ${name}: the curl command has no URL`);
  request.method ||= request.body === undefined ? 'GET' : 'POST';
  return request;
}

// Running.

interface Run {
  /** The formatted output block (the fenced block, without markers). */
  outputs: Map<string, string>;
}

/** Opens the demo database, answers every example, and returns each output block's new text. */
export async function runExamples(examples: Iterable<Example>): Promise<Run> {
  // Always the embedded, in-memory PGlite: DATABASE_URL is not consulted, so the
  // outputs do not depend on which database the caller (or the test run) uses.
  const db = await openDatabase({ dataDir: 'memory' });
  try {
    await db.migrate();
    const summary = await seedDemoData(db.prisma);
    const first = summary.accounts[0];
    if (!summary.created || !first?.authToken) throw new Error('the demo seed did not return the first account’s auth token');
    const authorization = `Basic ${Buffer.from(`${first.sid}:${first.authToken}`).toString('base64')}`;
    const secrets = summary.accounts.flatMap((a) => [a.authToken, ...a.apiKeys.map((k) => k.secret)]).filter((s): s is string => !!s);
    const app = await createApp(db, silentLogger, {});
    const known = demoSids();
    const started = Date.now();
    const outputs = new Map<string, string>();
    try {
      for (const example of examples) {
        // Called once the answer is in: every timestamp the run wrote is before `to`.
        const elide = (value: unknown) => elideRunValues(value, { secrets, known, from: started - 1000, to: Date.now() + 1000 });
        if (example.lang === 'command') {
          outputs.set(example.name, fence('json', JSON.stringify(elide(commandOutput(example, summary)))));
          continue;
        }
        const request = requestOf(example);
        const response = await app.fetch(
          new Request(request.url, {
            method: request.method,
            headers: {
              ...request.headers,
              authorization: request.user === null ? authorization : `Basic ${Buffer.from(request.user).toString('base64')}`,
            },
            body: request.body,
          }),
        );
        const text = await response.text();
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw new Error(
            `example ${example.name}: ${request.method} ${request.url} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`,
          );
        }
        const errors = (body as { errors?: unknown } | null)?.errors;
        if (!response.ok || errors !== undefined) {
          throw new Error(`example ${example.name}: ${request.method} ${request.url} answered ${response.status}: ${text.slice(0, 500)}`);
        }
        outputs.set(example.name, fence('json', formatJson(elide(body))));
      }
    } finally {
      await app.close();
    }
    return { outputs };
  } finally {
    await db.close();
  }
}

/** What a known command prints, from the seed summary of this run. */
function commandOutput(example: Example, summary: SeedSummary): unknown {
  if (example.request === 'npm run -s seed -- --json') {
    // src/bin/seed.ts's `--json` shape: the first account's API keys, every account's services.
    return {
      accounts: summary.accounts.map((a, i) => ({
        sid: a.sid,
        friendlyName: a.friendlyName,
        authToken: a.authToken,
        ...(i === 0 ? { apiKeys: a.apiKeys } : {}),
        services: a.services.map((s) => ({ sid: s.sid, friendlyName: s.friendlyName, bindings: s.bindings })),
      })),
    };
  }
  throw new Error(`output ${example.name}: unknown command "${example.request}" (known: npm run -s seed -- --json)`);
}

/** Every SID the demo data holds: a SID in an output that is not among them was made by the run. */
function demoSids(): Set<string> {
  const data = generateDemoData();
  return new Set([
    ...data.accounts.map((r) => r.sid),
    ...data.credentials.map((r) => r.sid),
    ...data.services.map((r) => r.sid),
    ...data.users.map((r) => r.sid),
    ...data.bindings.map((r) => r.sid),
    DEMO_API_KEY_SID,
  ] as string[]);
}

interface ElideOptions {
  secrets: string[];
  known: Set<string>;
  /** Timestamps within [from, to] (ms) are the run's own. */
  from: number;
  to: number;
}

const SID = /\b([A-Z]{2})[0-9a-f]{32}\b/g;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const CURSOR_KEYS = new Set(['cursor', 'endCursor', 'startCursor']);

/** The value with everything that differs between runs in its fixed form (see the header comment). */
export function elideRunValues(value: unknown, options: ElideOptions, key?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => elideRunValues(v, options));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, elideRunValues(v, options, k)]));
  }
  if (typeof value !== 'string') return value;
  if (options.secrets.includes(value)) return '…';
  if (key !== undefined && CURSOR_KEYS.has(key)) return `${value.slice(0, 20)}…`;
  if (key === 'endpoint' && value.length > 64) return `${value.slice(0, 32)}…`;
  if (TIMESTAMP.test(value)) {
    const ms = Date.parse(value);
    if (ms >= options.from && ms <= options.to) return '…';
  }
  let s = value;
  for (const secret of options.secrets) s = s.split(secret).join('…');
  s = s.replace(/([?&]PageToken=)([^&#]*)/g, (_, name: string, token: string) => `${name}${token.slice(0, 10)}…`);
  return s.replace(SID, (sid, prefix: string) => (options.known.has(sid) ? sid : `${prefix}…`));
}

// Formatting.

/**
 * JSON with two-space indents, objects and arrays on one line where they fit in
 * WIDTH (or hold a single value that is neither: breaking them gains nothing).
 */
export function formatJson(value: unknown): string {
  return layout(value, 0, 0);
}

function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value);
}

/** `value` starting at column `indent + used`, followed by at most a comma. */
function layout(value: unknown, indent: number, used: number): string {
  const flat = inline(value);
  if (value === null || typeof value !== 'object' || indent + used + flat.length + 1 <= WIDTH) return flat;
  const members = Object.values(value);
  if (members.length === 1 && (members[0] === null || typeof members[0] !== 'object')) return flat;
  const pad = ' '.repeat(indent + 2);
  const items = Array.isArray(value)
    ? value.map((v) => pad + layout(v, indent + 2, 0))
    : Object.entries(value).map(([k, v]) => `${pad}${JSON.stringify(k)}: ${layout(v, indent + 2, JSON.stringify(k).length + 2)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${items.join(',\n')}\n${' '.repeat(indent)}${close}`;
}

function fence(lang: string, text: string): string {
  return `\`\`\`${lang}\n${text}\n\`\`\``;
}

// The README.

/** The README with every output block as the examples answer now. */
export async function renderReadme(text: string): Promise<string> {
  const parsed = parseReadme(text);
  const { outputs } = await runExamples(parsed.examples.values());
  const lines = [...parsed.lines];
  // From the last block up, so earlier line numbers stay valid.
  for (const block of [...parsed.outputs].reverse()) {
    lines.splice(block.start + 1, block.end - block.start - 1, ...outputs.get(block.name)!.split('\n'));
  }
  return lines.join('\n');
}

/** A line diff of two texts, in unified style with 2 lines of context (enough to find the block). */
export function lineDiff(before: string, after: string, label = 'README.md'): string {
  const a = before.split('\n');
  const b = after.split('\n');
  // Longest common subsequence table (the README is small enough).
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  /** Each line of the diff, with the line number (1-based) in `before` where it is. */
  const ops: Array<{ op: ' ' | '-' | '+'; line: string; at: number }> = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ op: ' ', line: a[i]!, at: ++i });
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ op: '-', line: a[i]!, at: ++i });
    else ops.push({ op: '+', line: b[j++]!, at: i + 1 });
  }
  const CONTEXT = 2;
  const hunks: Array<[number, number]> = [];
  ops.forEach((o, k) => {
    if (o.op === ' ') return;
    const last = hunks[hunks.length - 1];
    if (last && k - last[1] <= 2 * CONTEXT + 1) last[1] = k;
    else hunks.push([k, k]);
  });
  const out = [`--- ${label}`, `+++ ${label} (as npm run readme:examples would write it)`];
  for (const [first, last] of hunks) {
    const from = Math.max(0, first - CONTEXT);
    out.push(`@@ ${label}:${ops[from]!.at} @@`);
    for (const { op, line } of ops.slice(from, Math.min(ops.length, last + CONTEXT + 1))) out.push(`${op}${line}`);
  }
  return `${out.join('\n')}\n`;
}

export interface MainIo {
  readmePath?: string;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

export const README_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'README.md');

/** `readme-examples [--check]`: rewrites README.md, or with --check returns 1 (and prints a diff) when it is stale. */
export async function main(argv: readonly string[], io: MainIo = {}): Promise<number> {
  const readmePath = io.readmePath ?? README_PATH;
  const stdout = io.stdout ?? ((t) => process.stdout.write(t));
  const stderr = io.stderr ?? ((t) => process.stderr.write(t));
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    stderr(`usage: npm run readme:examples [-- --check]\nunknown argument: ${unknown[0]}\n`);
    return 2;
  }
  const check = argv.includes('--check');
  const before = await readFile(readmePath, 'utf8');
  const after = await renderReadme(before);
  const count = parseReadme(before).outputs.length;
  if (before === after) {
    stdout(`${path.basename(readmePath)}: ${count} example outputs up to date\n`);
    return 0;
  }
  if (check) {
    stderr(
      `${lineDiff(before, after, path.basename(readmePath))}${path.basename(readmePath)} is stale: run \`npm run readme:examples\` to update its example outputs\n`,
    );
    return 1;
  }
  await writeFile(readmePath, after);
  stdout(`${path.basename(readmePath)}: example outputs rewritten (${count} blocks)\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
