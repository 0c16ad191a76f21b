import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printedSchema, SCHEMA_FILE } from '../src/graphql/schema/print.js';

describe('schema.graphql', () => {
  it('is the schema the code builds (run `npm run schema:print` when this fails)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(printedSchema());
  });

  it('exposes the Relay surface the dashboards rely on', () => {
    const sdl = printedSchema();
    expect(sdl).toContain('node(id: ID!): Node');
    expect(sdl).toMatch(/nodes\(ids: \[ID!\]!\): \[Node\]!/);
    expect(sdl).toMatch(
      /bindings\(after: String, before: String, bindingType: \[BindingType!\], first: Int, identity: \[String!\], last: Int\): ServiceBindingsConnection!/,
    );
    expect(sdl).toMatch(/deleteBinding\(input: DeleteBindingInput!\): DeleteBindingPayload!/);
    expect(sdl).toMatch(/registerBinding\(input: RegisterBindingInput!\): RegisterBindingPayload!/);
    expect(sdl).toMatch(/type RegisterBindingPayload \{[^}]*binding: Binding![^}]*created: Boolean![^}]*\}/);
  });
});
