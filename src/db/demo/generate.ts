import type { BindingType, Prisma } from '../../generated/prisma/client.js';
import { ACCOUNTS, DEMO_ACCOUNT_SIDS, DEMO_SERVICE_SIDS, type IdentityStyle, type ServiceSpec } from './catalogue.js';
import { asciiSlug, FIRST_NAMES, LAST_NAMES } from './names.js';
import { at, DAY_MS, DEMO_REFERENCE_DATE, DemoRandom, daysAgo, fixedSid } from './random.js';

// Row generation (pure: no database access).

export interface DemoData {
  accounts: Array<{ sid: string; friendlyName: string; dateCreated: Date }>;
  credentials: Prisma.CredentialCreateManyInput[];
  services: Prisma.ServiceCreateManyInput[];
  users: Prisma.UserCreateManyInput[];
  bindings: Prisma.BindingCreateManyInput[];
}

export function generateDemoData(): DemoData {
  const data: DemoData = { accounts: [], credentials: [], services: [], users: [], bindings: [] };
  ACCOUNTS.forEach((account, a) => {
    const accountSid = DEMO_ACCOUNT_SIDS[a]!;
    data.accounts.push({ sid: accountSid, friendlyName: account.friendlyName, dateCreated: daysAgo(account.createdDaysAgo) });
    const credentialSids = new Map<string, string>();
    for (const c of account.credentials) {
      const sid = fixedSid('CR', `credential:${c.key}`);
      credentialSids.set(c.key, sid);
      const date = daysAgo(c.createdDaysAgo);
      data.credentials.push({ sid, accountSid, friendlyName: c.friendlyName, type: c.type, sandbox: c.sandbox, dateCreated: date, dateUpdated: date });
    }
    account.services.forEach((service, s) => {
      generateService(data, accountSid, DEMO_SERVICE_SIDS[a]![s]!, service, credentialSids);
    });
  });
  return data;
}

function generateService(data: DemoData, accountSid: string, serviceSid: string, spec: ServiceSpec, credentialSids: Map<string, string>): void {
  const rng = new DemoRandom(`service:${spec.key}`);
  const serviceCreated = daysAgo(spec.createdDaysAgo).getTime();
  const end = DEMO_REFERENCE_DATE.getTime();
  data.services.push({
    sid: serviceSid,
    accountSid,
    friendlyName: spec.friendlyName,
    dateCreated: at(serviceCreated),
    dateUpdated: at(serviceCreated + (end - serviceCreated) * rng.float() * 0.5),
  });

  const identities = new Set<string>();
  const endpointsUsed = new Set<string>();
  const recentDevices: Array<{ endpoint: string; type: BindingType }> = [];
  // GCM was superseded by FCM: only long-standing users still have GCM registrations.
  const gcmCutoff = end - 420 * DAY_MS;

  for (let i = 0; i < spec.users; i++) {
    const user = makeIdentity(rng, spec.identities, i, identities);
    const userSid = rng.sid('US');
    // Sign-ups accelerate over time: density grows linearly towards the reference date.
    const userCreated = serviceCreated + DAY_MS + (end - serviceCreated - 2 * DAY_MS) * Math.sqrt(rng.float());
    data.users.push({
      sid: userSid,
      serviceSid,
      identity: user.identity,
      friendlyName: user.friendlyName,
      dateCreated: at(userCreated),
      dateUpdated: at(rng.chance(0.7) ? userCreated : userCreated + (end - userCreated) * rng.float()),
    });

    const deviceCount = rng.weighted(spec.devices);
    const mine = new Set<string>();
    for (let d = 0; d < deviceCount; d++) {
      let platform = rng.weighted(spec.platforms);
      if (platform === 'android-gcm' && userCreated > gcmCutoff) platform = 'android-fcm';
      const type: BindingType = platform === 'ios' ? 'apn' : platform === 'android-gcm' ? 'gcm' : 'fcm';

      // Now and then a shared device (a family iPad, a shift phone) is
      // registered again under the next person's identity.
      let endpoint: string | undefined;
      if (recentDevices.length > 0 && rng.chance(0.01)) {
        const shared = rng.pick(recentDevices);
        if (shared.type === type && !mine.has(`${shared.type}|${shared.endpoint}`)) endpoint = shared.endpoint;
      }
      if (endpoint === undefined) {
        do endpoint = makeEndpoint(rng, type);
        while (endpointsUsed.has(endpoint));
        endpointsUsed.add(endpoint);
        recentDevices.push({ endpoint, type });
        if (recentDevices.length > 50) recentDevices.shift();
      }
      mine.add(`${type}|${endpoint}`);

      const credentialChoices = spec.credentials[type];
      const credentialKey = credentialChoices ? rng.weighted(credentialChoices) : null;
      const credentialSid = credentialKey === null ? null : credentialSids.get(credentialKey);
      if (credentialSid === undefined) throw new Error(`demo seed: unknown credential ${credentialKey}`);

      // Most devices are registered soon after sign-up; some much later.
      const latest = type === 'gcm' ? gcmCutoff : end;
      const created = userCreated + (latest - userCreated) * rng.float() ** 2;
      const updated = rng.chance(0.55) ? created : created + (end - created) * rng.float();
      data.bindings.push({
        sid: rng.sid('BS'),
        accountSid,
        serviceSid,
        userSid,
        identity: user.identity,
        endpoint,
        bindingType: type,
        credentialSid,
        messageTypes: [...rng.weighted(spec.messageTypes)],
        dateCreated: at(created),
        dateUpdated: at(updated),
      });
    }
  }
}

function makeIdentity(rng: DemoRandom, style: IdentityStyle, index: number, taken: Set<string>): { identity: string; friendlyName: string | null } {
  if (style.kind === 'numbered') {
    const identity = `${style.prefix}${String(index + 1).padStart(5, '0')}`;
    taken.add(identity);
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const friendlyName = style.label ? `${style.label} ${index + 1}` : `${first} ${last}`;
    return { identity, friendlyName: rng.chance(0.9) ? friendlyName : null };
  }
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const domain = rng.weighted(style.domains);
  const local = rng.chance(0.8) ? `${asciiSlug(first)}.${asciiSlug(last)}` : `${asciiSlug(first).charAt(0)}${asciiSlug(last)}`;
  let identity = `${local}@${domain}`;
  for (let n = 2; taken.has(identity); n++) identity = `${local}${n}@${domain}`;
  taken.add(identity);
  return { identity, friendlyName: rng.chance(0.9) ? `${first} ${last}` : null };
}

/**
 * APNs: the 32-byte device token in hex. FCM: a registration token,
 * "<instance id>:APA91b<…>". GCM (legacy): "APA91b<…>" without the instance id.
 */
function makeEndpoint(rng: DemoRandom, type: BindingType): string {
  switch (type) {
    case 'apn':
      return rng.bytes(32).toString('hex');
    case 'fcm':
      return `${rng.bytes(16).toString('base64url').slice(0, 22)}:APA91b${rng.bytes(102).toString('base64url').slice(0, 134)}`;
    case 'gcm':
      return `APA91b${rng.bytes(110).toString('base64url').slice(0, 146)}`;
  }
}
