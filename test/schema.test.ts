import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLObjectType } from 'graphql';
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
    const schema = buildSchema(sdl);
    const argsOf = (type: string) => {
      const field = (schema.getType(type) as GraphQLObjectType).getFields().bindings!;
      return Object.fromEntries(field.args.map((arg) => [arg.name, String(arg.type)]));
    };
    const common = {
      first: 'Int',
      after: 'String',
      last: 'Int',
      before: 'String',
      orderBy: 'BindingOrder',
      bindingType: '[BindingType!]',
      credentialSid: '[String!]',
      createdAfter: 'DateTime',
      createdBefore: 'DateTime',
      updatedAfter: 'DateTime',
      updatedBefore: 'DateTime',
    };
    expect(argsOf('Service')).toEqual({ ...common, identity: '[String!]', identityPrefix: 'String' });
    expect(argsOf('User')).toEqual(common);
    expect(sdl).toMatch(/deleteBinding\(input: DeleteBindingInput!\): DeleteBindingPayload!/);
    expect(sdl).toMatch(/registerBinding\(input: RegisterBindingInput!\): RegisterBindingPayload!/);
    expect(sdl).toMatch(/type RegisterBindingPayload \{[^}]*binding: Binding![^}]*created: Boolean![^}]*\}/);
  });
});
