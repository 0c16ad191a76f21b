import { writeFileSync } from 'node:fs';
import { printedSchema, SCHEMA_FILE } from '../graphql/schema/print.js';

// `npm run schema:print`: rewrites schema.graphql from the Pothos schema.
writeFileSync(SCHEMA_FILE, printedSchema());
console.log(`wrote ${SCHEMA_FILE}`);
