import { describe, expect, it } from 'vitest';
import { elideRunValues, formatJson, lineDiff, main, parseReadme, requestOf, shellWords } from '../scripts/readme-examples.js';

// The README's example outputs are what the gateway answers: this runs
// `npm run readme:examples -- --check` in-process. The script always answers
// from a fresh in-memory PGlite seeded with the deterministic demo data, also
// when DATABASE_URL is set for the rest of the suite: the README shows the
// embedded demo, and its outputs must not depend on the database under test.

describe('README example outputs', () => {
  it('are what the examples answer now (run `npm run readme:examples` to update them)', async () => {
    let out = '';
    const code = await main(['--check'], { stdout: (t) => (out += t), stderr: (t) => (out += t) });
    expect(out).toMatch(/example outputs up to date/);
    expect(code).toBe(0);
  }, 180_000);
});

describe('readme-examples script', () => {
  it('finds examples and output blocks by their markers, and refuses unpaired ones', () => {
    const readme = [
      '<!-- example: one -->',
      '```graphql',
      '{ account { sid } }',
      '```',
      '',
      '<!-- output: one -->',
      '```json',
      '{}',
      '```',
      '<!-- /output -->',
      '<!-- output: seed command="npm run -s seed -- --json" -->',
      '<!-- /output -->',
    ].join('\n');
    const parsed = parseReadme(readme);
    expect([...parsed.examples.values()]).toEqual([
      { name: 'one', lang: 'graphql', request: '{ account { sid } }' },
      { name: 'seed', lang: 'command', request: 'npm run -s seed -- --json' },
    ]);
    expect(parsed.outputs.map((o) => [o.name, o.start, o.end])).toEqual([
      ['one', 5, 9],
      ['seed', 10, 11],
    ]);
    expect(() => parseReadme('<!-- output: two -->\n```json\n```\n<!-- /output -->')).toThrow(/output two has no example marker/);
    expect(() => parseReadme('<!-- example: two -->\n```graphql\n{ a }\n```')).toThrow(/example two has no output block/);
    expect(() => parseReadme('<!-- output: two command="x" -->\n```json\n```')).toThrow(/not closed/);
  });

  it('reads a curl command as the shell would', () => {
    const command = `curl -u AC…:token http://127.0.0.1:4000/graphql \\\n  -H 'content-type: application/json' \\\n  -d '{"query":"{ a }"}'`;
    expect(shellWords(command)).toEqual([
      'curl',
      '-u',
      'AC…:token',
      'http://127.0.0.1:4000/graphql',
      '-H',
      'content-type: application/json',
      '-d',
      '{"query":"{ a }"}',
    ]);
    expect(requestOf({ name: 'x', lang: 'sh', request: command })).toEqual({
      method: 'POST',
      url: 'http://127.0.0.1:4000/graphql',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ a }"}',
      user: null,
    });
    const request = requestOf({ name: 'x', lang: 'sh', request: `curl -u AC…:token 'http://h/v2/Services?PageSize=2'` });
    expect(request).toEqual({ method: 'GET', url: 'http://h/v2/Services?PageSize=2', headers: {}, user: null });
    expect(() => requestOf({ name: 'x', lang: 'sh', request: 'curl --unknown http://h/' })).toThrow(/not supported/);
  });

  it('writes what differs between runs in a fixed form', () => {
    const now = Date.now();
    const elided = elideRunValues(
      {
        token: 'secret-token',
        endCursor: 'MXxiaW5kaW5nc3xJU2I5YzMyODQ1NTkx.signature',
        url: 'http://h/v2/Bindings?PageSize=2&Page=1&PageToken=PAMXxiaW5kaW5nc3x',
        known: 'BS000960568b889d30b122425e27b93844',
        made: 'BS6b7a7c05375cbf75c273c99c4e90f356',
        now: new Date(now).toISOString(),
        past: '2026-02-11T11:15:59Z',
        endpoint: 'x'.repeat(65),
      },
      { secrets: ['secret-token'], known: new Set(['BS000960568b889d30b122425e27b93844']), from: now - 1000, to: now + 1000 },
    );
    expect(elided).toEqual({
      token: '…',
      endCursor: 'MXxiaW5kaW5nc3xJU2I5…',
      url: 'http://h/v2/Bindings?PageSize=2&Page=1&PageToken=PAMXxiaW5k…',
      known: 'BS000960568b889d30b122425e27b93844',
      made: 'BS…',
      now: '…',
      past: '2026-02-11T11:15:59Z',
      endpoint: `${'x'.repeat(32)}…`,
    });
  });

  it('lays out JSON with what fits on one line', () => {
    expect(formatJson({ a: { b: 1, c: [1, 2] }, d: 'x'.repeat(130) })).toBe(`{\n  "a": { "b": 1, "c": [1, 2] },\n  "d": "${'x'.repeat(130)}"\n}`);
  });

  it('shows drift as a line diff', () => {
    const diff = lineDiff('a\nb\nc\nd', 'a\nB\nc\nd');
    expect(diff).toContain('@@ README.md:1 @@\n a\n-b\n+B\n c\n d');
  });
});
