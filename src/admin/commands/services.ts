import { createService, listServicesForOperator } from '../../domain/services.js';
import { accountArg, friendlyNameArg, optional, sidArg } from '../args.js';
import type { Command } from '../command.js';
import { iso, lines, shortIso, table } from '../format.js';

// Chat services (IS…): what bindings and users belong to.

export const serviceCreate: Command<{ accountSid: string; friendlyName: string | undefined; sid: string | undefined }, ServiceRow> = {
  name: 'service:create',
  summary: 'create a Chat service (IS…) in an account; prints its SID (--sid keeps an existing Twilio SID)',
  usage: '--account AC… [--friendly-name NAME] [--sid IS…]',
  options: ['account', 'friendlyName', 'sid'],
  parse: (a) => ({
    accountSid: accountArg(a),
    friendlyName: friendlyNameArg(a),
    sid: optional(a, 'sid', () => sidArg(a, 'sid', 'IS', 'a service SID')),
  }),
  async run(prisma, args) {
    const dateCreated = new Date();
    const friendlyName = args.friendlyName ?? `Service created ${iso(dateCreated)}`;
    const service = await createService(prisma, { accountSid: args.accountSid, friendlyName, sid: args.sid, dateCreated });
    return { sid: service.sid, accountSid: service.accountSid, friendlyName: service.friendlyName, dateCreated: iso(service.dateCreated) };
  },
  format: (r) => lines(`Created service ${r.sid} (${r.friendlyName}) in account ${r.accountSid}`, `  ServiceSid  ${r.sid}`),
};
interface ServiceRow {
  sid: string;
  accountSid: string;
  friendlyName: string;
  dateCreated: string;
}

export const serviceList: Command<{ accountSid: string | undefined }, { services: Array<ServiceRow & { bindingCount: number }> }> = {
  name: 'service:list',
  summary: "list services (all, or one account's) with their number of bindings",
  usage: '[--account AC…]',
  options: ['account'],
  parse: (a) => ({ accountSid: optional(a, 'account', () => accountArg(a)) }),
  async run(prisma, args) {
    const services = await listServicesForOperator(prisma, { accountSid: args.accountSid });
    return { services: services.map((s) => ({ ...s, dateCreated: iso(s.dateCreated) })) };
  },
  format: (r) =>
    r.services.length === 0
      ? 'No services.\n'
      : table(
          ['SID', 'ACCOUNT', 'CREATED', 'BINDINGS', 'NAME'],
          r.services.map((s) => [s.sid, s.accountSid, shortIso(s.dateCreated), String(s.bindingCount), s.friendlyName]),
        ),
};
