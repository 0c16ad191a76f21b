import { defineConfig } from 'prisma/config';

// Used by the Prisma CLI only (`prisma generate`). The service applies the SQL
// migrations itself (src/db/migrate.ts) and picks its database at start-up.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/unused' },
});
