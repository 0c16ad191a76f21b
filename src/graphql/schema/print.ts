import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { schema } from './index.js';

export const SCHEMA_FILE = fileURLToPath(new URL('../../../schema.graphql', import.meta.url));

/** The SDL committed as schema.graphql (a test fails when it is stale). */
export function printedSchema(): string {
  return `${printSchema(schema)}\n`;
}
