import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.js';

/**
 * A secret the gateway generates for itself once and keeps in the database, so
 * every process serving the same data agrees on it (e.g. the cursor-signing key).
 */
export async function serverSecret(prisma: PrismaClient, name: string): Promise<Buffer> {
  const candidate = randomBytes(32).toString('base64url');
  await prisma.$executeRaw`INSERT INTO server_secrets (name, value) VALUES (${name}, ${candidate}) ON CONFLICT (name) DO NOTHING`;
  const row = await prisma.serverSecret.findUniqueOrThrow({ where: { name } });
  return Buffer.from(row.value, 'base64url');
}
