import { createAccount, listAccounts, rotateAuthToken } from '../../domain/accounts.js';
import { accountArg, friendlyNameArg } from '../args.js';
import type { Command } from '../command.js';
import { iso, lines, shortIso, table } from '../format.js';

// Accounts and their auth tokens.

export const accountCreate: Command<{ friendlyName: string | undefined }, AccountCreated> = {
  name: 'account:create',
  summary: 'create an account; prints its SID and auth token (shown once)',
  usage: '[--friendly-name NAME]',
  options: ['friendlyName'],
  initializesDatabase: true,
  parse: (a) => ({ friendlyName: friendlyNameArg(a) }),
  async run(prisma, args) {
    const dateCreated = new Date();
    const friendlyName = args.friendlyName ?? `Account created ${iso(dateCreated)}`;
    const { sid, authToken } = await createAccount(prisma, { friendlyName, dateCreated });
    return { sid, friendlyName, authToken, dateCreated: iso(dateCreated) };
  },
  format: (r) =>
    lines(
      `Created account ${r.sid} (${r.friendlyName})`,
      `  AccountSid  ${r.sid}`,
      `  AuthToken   ${r.authToken}`,
      '',
      'The auth token is shown this once: only its hash is stored.',
    ),
};
interface AccountCreated {
  sid: string;
  friendlyName: string;
  authToken: string;
  dateCreated: string;
}

export const accountRotateToken: Command<{ accountSid: string }, { sid: string; authToken: string }> = {
  name: 'account:rotate-token',
  summary: "replace an account's auth token; the old one stops working at once",
  usage: '--account AC…',
  options: ['account'],
  positional: 'account',
  parse: (a) => ({ accountSid: accountArg(a) }),
  run: (prisma, args) => rotateAuthToken(prisma, args.accountSid),
  format: (r) =>
    lines(
      `New auth token for account ${r.sid}; the old token no longer works.`,
      `  AccountSid  ${r.sid}`,
      `  AuthToken   ${r.authToken}`,
      '',
      'The auth token is shown this once: only its hash is stored.',
    ),
};

export const accountList: Command<Record<string, never>, { accounts: AccountRow[] }> = {
  name: 'account:list',
  summary: 'list accounts (SID, name, active API keys)',
  usage: '',
  options: [],
  parse: () => ({}),
  async run(prisma) {
    const accounts = await listAccounts(prisma);
    return { accounts: accounts.map((a) => ({ ...a, dateCreated: iso(a.dateCreated) })) };
  },
  format: (r) =>
    r.accounts.length === 0
      ? 'No accounts.\n'
      : table(
          ['SID', 'CREATED', 'ACTIVE KEYS', 'NAME'],
          r.accounts.map((a) => [a.sid, shortIso(a.dateCreated), String(a.activeApiKeys), a.friendlyName]),
        ),
};
interface AccountRow {
  sid: string;
  friendlyName: string;
  dateCreated: string;
  activeApiKeys: number;
}
