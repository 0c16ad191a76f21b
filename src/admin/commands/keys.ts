import { type ApiKeyScopeName, createApiKey, listApiKeys, revokeApiKey } from '../../domain/accounts.js';
import { accountArg, friendlyNameArg, optional, scopeArg, sidArg } from '../args.js';
import type { Command } from '../command.js';
import { iso, lines, shortIso, table } from '../format.js';

// API keys (SK…) and their scopes.

export const keyCreate: Command<{ accountSid: string; scope: ApiKeyScopeName; friendlyName: string | undefined }, KeyCreated> = {
  name: 'key:create',
  summary: 'create an API key (SK…) for an account; prints its secret (shown once)',
  usage: '--account AC… --scope read|read-write [--friendly-name NAME]',
  options: ['account', 'scope', 'friendlyName'],
  parse: (a) => ({
    accountSid: accountArg(a),
    scope: scopeArg(a),
    friendlyName: friendlyNameArg(a),
  }),
  async run(prisma, args) {
    const { sid, secret } = await createApiKey(prisma, args);
    return { sid, accountSid: args.accountSid, friendlyName: args.friendlyName ?? null, scope: args.scope, secret };
  },
  format: (r) =>
    lines(
      `Created ${r.scope} API key ${r.sid} for account ${r.accountSid}${r.friendlyName ? ` (${r.friendlyName})` : ''}`,
      `  Sid     ${r.sid}`,
      `  Secret  ${r.secret}`,
      '',
      `The secret is shown this once: only its hash is stored. Authenticate with ${r.sid}:<secret>.`,
    ),
};
interface KeyCreated {
  sid: string;
  accountSid: string;
  friendlyName: string | null;
  scope: ApiKeyScopeName;
  secret: string;
}

export const keyList: Command<{ accountSid: string | undefined }, { apiKeys: KeyRow[] }> = {
  name: 'key:list',
  summary: "list API keys (all, or one account's) with scope and revocation; never secrets",
  usage: '[--account AC…]',
  options: ['account'],
  parse: (a) => ({ accountSid: optional(a, 'account', () => accountArg(a)) }),
  async run(prisma, args) {
    const keys = await listApiKeys(prisma, { accountSid: args.accountSid });
    return { apiKeys: keys.map((k) => ({ ...k, dateCreated: iso(k.dateCreated), revokedAt: k.revokedAt && iso(k.revokedAt) })) };
  },
  format: (r) =>
    r.apiKeys.length === 0
      ? 'No API keys.\n'
      : table(
          ['SID', 'ACCOUNT', 'SCOPE', 'CREATED', 'REVOKED', 'NAME'],
          r.apiKeys.map((k) => [k.sid, k.accountSid, k.scope, shortIso(k.dateCreated), k.revokedAt ? shortIso(k.revokedAt) : '-', k.friendlyName ?? '']),
        ),
};
interface KeyRow {
  sid: string;
  accountSid: string;
  friendlyName: string | null;
  scope: ApiKeyScopeName;
  dateCreated: string;
  revokedAt: string | null;
}

export const keyRevoke: Command<{ sid: string }, KeyRow & { revokedAt: string; alreadyRevoked: boolean }> = {
  name: 'key:revoke',
  summary: 'revoke an API key; it stops working at once (revoking twice is harmless)',
  usage: '--key SK…',
  options: ['key'],
  positional: 'key',
  parse: (a) => ({ sid: sidArg(a, 'key', 'SK', 'an API key SID') }),
  async run(prisma, args) {
    const key = await revokeApiKey(prisma, args.sid);
    return { ...key, dateCreated: iso(key.dateCreated), revokedAt: iso(key.revokedAt) };
  },
  format: (r) =>
    r.alreadyRevoked
      ? `API key ${r.sid} of account ${r.accountSid} was already revoked (at ${shortIso(r.revokedAt)}).\n`
      : `Revoked API key ${r.sid} of account ${r.accountSid}: it no longer authenticates.\n`,
};
