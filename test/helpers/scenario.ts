import { createHash } from 'node:crypto';
import type { PrismaClient } from '../../src/db/database.js';
import type { BindingType } from '../../src/domain/bindings.js';
import type { Credential } from '../../src/domain/credentials.js';
import { newSid, type SidPrefix } from '../../src/domain/sids.js';
import { hashSecret, newAuthToken } from '../../src/security/secrets.js';

export interface ScenarioAccount {
  sid: string;
  authToken: string;
  /** `Authorization` header value for this account. */
  authorization: string;
  services: Array<{ sid: string; bindings: string[] }>;
}

export interface Scenario {
  /** Account A: services[0] is the big one. */
  a: ScenarioAccount;
  /** Account B: one small service. */
  b: ScenarioAccount;
}

const TYPES: BindingType[] = ['apn', 'gcm', 'fcm'];
const MESSAGE_TYPES = [['new_message'], ['new_message', 'added_to_channel'], ['invited_to_channel', 'removed_from_channel'], []];

export interface ScenarioOptions {
  /** SIDs derive from it. */
  seed?: string;
  /** Users of account A's big service. */
  users?: number;
  /** Bindings of account A's big service. */
  bigServiceBindings?: number;
  /** More small services (3 users, 8 bindings each) for account A, after its first two. */
  extraServices?: number;
}

/**
 * A small deterministic data set for tests: account A with two services (the
 * first with `bigServiceBindings` bindings over `users` users, plus
 * `extraServices` small ones) and account B with one service. SIDs derive from
 * `seed`, so two files never collide.
 */
export async function createScenario(
  prisma: PrismaClient,
  { seed = 'scenario', users = 12, bigServiceBindings = 60, extraServices = 0 }: ScenarioOptions = {},
): Promise<Scenario> {
  let counter = 0;
  const sid = (prefix: SidPrefix) => newSid(prefix, () => createHash('sha256').update(`${seed}:${counter++}`).digest().subarray(0, 16));

  const makeAccount = async (name: string, serviceSizes: Array<{ users: number; bindings: number }>) => {
    const authToken = newAuthToken();
    const account = await prisma.account.create({
      data: { sid: sid('AC'), friendlyName: name, authTokenHash: hashSecret(authToken) },
    });
    const credentials: Credential[] = [];
    for (const type of TYPES) {
      credentials.push(
        await prisma.credential.create({
          data: { sid: sid('CR'), accountSid: account.sid, friendlyName: `${name} ${type}`, type, sandbox: type === 'apn' },
        }),
      );
    }
    const services = [];
    for (const [i, size] of serviceSizes.entries()) {
      const service = await prisma.service.create({
        data: { sid: sid('IS'), accountSid: account.sid, friendlyName: `${name} service ${i}` },
      });
      const userRows = Array.from({ length: size.users }, (_, u) => ({
        sid: sid('US'),
        serviceSid: service.sid,
        identity: `user-${u}@${name.toLowerCase()}.example`,
        friendlyName: `User ${u}`,
      }));
      await prisma.user.createMany({ data: userRows });
      const bindingRows = Array.from({ length: size.bindings }, (_, b) => {
        const user = userRows[b % userRows.length]!;
        const type = TYPES[b % TYPES.length]!;
        return {
          sid: sid('BS'),
          accountSid: account.sid,
          serviceSid: service.sid,
          userSid: user.sid,
          identity: user.identity,
          endpoint: `endpoint-${b}`,
          bindingType: type,
          credentialSid: b % 7 === 6 ? null : credentials[TYPES.indexOf(type)]!.sid,
          messageTypes: MESSAGE_TYPES[b % MESSAGE_TYPES.length]!,
        };
      });
      await prisma.binding.createMany({ data: bindingRows });
      services.push({ sid: service.sid, bindings: bindingRows.map((r) => r.sid).sort() });
    }
    return {
      sid: account.sid,
      authToken,
      authorization: `Basic ${Buffer.from(`${account.sid}:${authToken}`).toString('base64')}`,
      services,
    };
  };

  const a = await makeAccount('Alpha', [
    { users, bindings: bigServiceBindings },
    { users: 3, bindings: 5 },
    ...Array.from({ length: extraServices }, () => ({ users: 3, bindings: 8 })),
  ]);
  const b = await makeAccount('Beta', [{ users: 2, bindings: 4 }]);
  return { a, b };
}
