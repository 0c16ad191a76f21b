import { CREDENTIAL_TYPES, createCredential } from '../../domain/credentials.js';
import type { BindingType } from '../../generated/prisma/client.js';
import { accountArg, booleanArg, choiceArg, friendlyNameArg, optional, sidArg } from '../args.js';
import { type Command, UsageError } from '../command.js';
import { iso, lines } from '../format.js';

// Push credentials (CR…): the records bindings name. Only their type, name and
// sandbox flag: the gateway sends no pushes, so it takes and keeps no secret.

const NO_SECRETS = 'No certificate, key or server key is taken or stored: this gateway does not send pushes.';

export const credentialCreate: Command<CredentialArgs, CredentialRow> = {
  name: 'credential:create',
  summary: 'record a push credential (CR…) for an account: type, name, sandbox; no secrets are taken or stored (the gateway sends no pushes)',
  usage: '--account AC… --type apn|gcm|fcm [--friendly-name NAME] [--sandbox true|false] [--sid CR…]',
  options: ['account', 'type', 'friendlyName', 'sandbox', 'sid'],
  parse(a) {
    const accountSid = accountArg(a);
    const type = choiceArg(a, 'type', CREDENTIAL_TYPES, 'apn (APNs, iOS), gcm or fcm (Android, Firebase)');
    const friendlyName = friendlyNameArg(a);
    const sandbox = optional(a, 'sandbox', () => booleanArg(a, 'sandbox')) ?? false;
    if (sandbox && type !== 'apn') throw new UsageError(`--sandbox true is for apn credentials only (APNs' development environment), not ${type}`);
    const sid = optional(a, 'sid', () => sidArg(a, 'sid', 'CR', 'a credential SID'));
    return { accountSid, type, friendlyName, sandbox, sid };
  },
  async run(prisma, args) {
    const c = await createCredential(prisma, args);
    return { sid: c.sid, accountSid: c.accountSid, friendlyName: c.friendlyName, type: c.type, sandbox: c.sandbox, dateCreated: iso(c.dateCreated) };
  },
  format: (r) =>
    lines(
      `Created ${r.type} credential ${r.sid} for account ${r.accountSid}${r.friendlyName ? ` (${r.friendlyName})` : ''}`,
      `  CredentialSid  ${r.sid}`,
      `  Type           ${r.type}`,
      `  Sandbox        ${r.sandbox}`,
      '',
      NO_SECRETS,
    ),
};
interface CredentialArgs {
  accountSid: string;
  type: BindingType;
  friendlyName: string | undefined;
  sandbox: boolean;
  sid: string | undefined;
}
interface CredentialRow {
  sid: string;
  accountSid: string;
  friendlyName: string | null;
  type: BindingType;
  sandbox: boolean;
  dateCreated: string;
}
