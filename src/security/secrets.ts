import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Auth tokens are 128 random bits, so a fast keyed hash is enough: it cannot be
 * brute-forced, and a slow password hash would be paid on every request.
 * Stored as `hmac-sha256$<salt hex>$<digest hex>`; the token itself never is.
 */
export function newAuthToken(): string {
  return randomBytes(16).toString('hex');
}

/** 192 random bits, 32 URL-safe characters, like Twilio's API key secrets. */
export function newApiKeySecret(): string {
  return randomBytes(24).toString('base64url');
}

export function hashSecret(secret: string, salt: Buffer = randomBytes(16)): string {
  return `hmac-sha256$${salt.toString('hex')}$${digest(salt, secret).toString('hex')}`;
}

export function verifySecret(secret: string, stored: string): boolean {
  const [scheme, saltHex, digestHex] = stored.split('$');
  if (scheme !== 'hmac-sha256' || !saltHex || !digestHex) return false;
  const expected = Buffer.from(digestHex, 'hex');
  const actual = digest(Buffer.from(saltHex, 'hex'), secret);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function digest(salt: Buffer, secret: string): Buffer {
  return createHmac('sha256', salt).update(secret, 'utf8').digest();
}
