import { createHash } from 'node:crypto';
import type { BindingType, Prisma, PrismaClient } from '../../generated/prisma/client.js';
import { type CreatedApiKey, createAccount, createApiKey } from '../../domain/accounts.js';
import { newSid, type SidPrefix } from '../../domain/sids.js';
import { type Logger, silentLogger } from '../../platform/logger.js';

/**
 * Deterministic demo data: two accounts, their push credentials, four services
 * (one with 5,872 bindings over 2,750 users, one empty) and a small one in the second
 * account. Every SID, identity, endpoint and date is derived from SEED_LABEL,
 * so every database seeded by this version holds the same rows; only the auth
 * tokens are random, because they can only be shown when they are created.
 */

const SEED_LABEL = 'bindings-gateway/demo-seed/v1';

/** "Now" for the demo data: dates spread over the two years before it. */
export const DEMO_REFERENCE_DATE = new Date('2026-11-01T00:00:00Z');

const DAY_MS = 86_400_000;
const BATCH_SIZE = 1_000;

export interface SeedSummary {
  /** False when the demo data was already there: nothing was written. */
  created: boolean;
  accounts: Array<{
    sid: string;
    friendlyName: string;
    /** Only when created by this call; otherwise null (only its hash is stored). */
    authToken: string | null;
    /** API keys created by this call, with their secrets (empty otherwise). */
    apiKeys: CreatedApiKey[];
    services: Array<{ sid: string; friendlyName: string; bindings: number }>;
  }>;
}

export interface SeedOptions {
  /** Progress messages (stderr in the CLI). */
  logger?: Logger;
}

// ---------------------------------------------------------------------------
// Deterministic randomness: SHA-256 in counter mode over a label, so each
// stream is independent of the others and SIDs cannot collide across streams.

class DemoRandom {
  private counter = 0;
  private block = Buffer.alloc(0);
  private pos = 0;

  constructor(private readonly label: string) {}

  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      if (this.pos === this.block.length) {
        this.block = createHash('sha256').update(`${SEED_LABEL}|${this.label}|${this.counter++}`).digest();
        this.pos = 0;
      }
      const take = Math.min(n - filled, this.block.length - this.pos);
      this.block.copy(out, filled, this.pos, this.pos + take);
      this.pos += take;
      filled += take;
    }
    return out;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.bytes(4).readUInt32BE(0) / 2 ** 32;
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)] as T;
  }

  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T {
    const total = choices.reduce((sum, [, w]) => sum + w, 0);
    let r = this.float() * total;
    for (const [value, weight] of choices) {
      r -= weight;
      if (r < 0) return value;
    }
    return choices[choices.length - 1]![0];
  }

  sid(prefix: SidPrefix): string {
    return newSid(prefix, () => this.bytes(16));
  }
}

/** A SID that depends only on its label: the demo's fixed, well-known SIDs. */
function fixedSid(prefix: SidPrefix, label: string): string {
  return new DemoRandom(`sid:${label}`).sid(prefix);
}

/** Whole seconds, as Twilio reports dates. */
function at(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}

function daysAgo(days: number): Date {
  return at(DEMO_REFERENCE_DATE.getTime() - days * DAY_MS);
}

// ---------------------------------------------------------------------------
// What to create.

type Platform = 'ios' | 'android-fcm' | 'android-gcm';
type Weighted<T> = ReadonlyArray<readonly [T, number]>;

interface CredentialSpec {
  key: string;
  friendlyName: string;
  type: BindingType;
  sandbox: boolean;
  createdDaysAgo: number;
}

interface ServiceSpec {
  key: string;
  friendlyName: string;
  createdDaysAgo: number;
  users: number;
  identities: IdentityStyle;
  /** How many devices (bindings) a user has. */
  devices: Weighted<number>;
  platforms: Weighted<Platform>;
  /** Credential keys per binding type (weighted); null = the credential was deleted since. */
  credentials: Partial<Record<BindingType, Weighted<string | null>>>;
  messageTypes: Weighted<readonly string[]>;
}

type IdentityStyle = { kind: 'email'; domains: Weighted<string> } | { kind: 'numbered'; prefix: string; label: string };

interface AccountSpec {
  key: string;
  friendlyName: string;
  createdDaysAgo: number;
  credentials: CredentialSpec[];
  services: ServiceSpec[];
}

const ALL_TYPES = ['new_message', 'added_to_channel', 'invited_to_channel', 'removed_from_channel'] as const;

const CONSUMER_MESSAGE_TYPES: Weighted<readonly string[]> = [
  [ALL_TYPES, 30],
  [['new_message'], 28],
  [['new_message', 'added_to_channel', 'invited_to_channel'], 22],
  [['new_message', 'invited_to_channel'], 12],
  [['added_to_channel', 'invited_to_channel', 'removed_from_channel'], 5], // channel messages muted
  [['new_message', 'removed_from_channel'], 3],
];

const WORK_MESSAGE_TYPES: Weighted<readonly string[]> = [
  [ALL_TYPES, 55],
  [['new_message', 'added_to_channel'], 25],
  [['new_message'], 20],
];

const ACCOUNTS: readonly AccountSpec[] = [
  {
    key: 'acme',
    friendlyName: 'Acme Messaging',
    createdDaysAgo: 760,
    credentials: [
      { key: 'acme-apn-prod', friendlyName: 'Acme Chat iOS (APNs production)', type: 'apn', sandbox: false, createdDaysAgo: 755 },
      { key: 'acme-apn-dev', friendlyName: 'Acme Chat iOS (APNs sandbox)', type: 'apn', sandbox: true, createdDaysAgo: 755 },
      { key: 'acme-gcm', friendlyName: 'Acme Chat Android (GCM, legacy)', type: 'gcm', sandbox: false, createdDaysAgo: 750 },
      { key: 'acme-fcm', friendlyName: 'Acme Chat Android (FCM)', type: 'fcm', sandbox: false, createdDaysAgo: 750 },
      { key: 'acme-desk-apn', friendlyName: 'Acme Support Desk iOS', type: 'apn', sandbox: false, createdDaysAgo: 400 },
      { key: 'acme-desk-fcm', friendlyName: 'Acme Support Desk Android', type: 'fcm', sandbox: false, createdDaysAgo: 400 },
    ],
    services: [
      {
        key: 'acme-chat',
        friendlyName: 'Acme Chat',
        createdDaysAgo: 750,
        users: 2_750,
        identities: { kind: 'email', domains: [['example.com', 6], ['example.org', 2], ['example.net', 2], ['mail.example.com', 1]] },
        devices: [[0, 5], [1, 30], [2, 34], [3, 18], [4, 8], [5, 5]],
        platforms: [['ios', 47], ['android-fcm', 43], ['android-gcm', 10]],
        credentials: {
          apn: [['acme-apn-prod', 95], ['acme-apn-dev', 4.5], [null, 0.5]],
          gcm: [['acme-gcm', 99], [null, 1]],
          fcm: [['acme-fcm', 1]],
        },
        messageTypes: CONSUMER_MESSAGE_TYPES,
      },
      {
        key: 'acme-chat-staging',
        friendlyName: 'Acme Chat (staging)',
        createdDaysAgo: 700,
        users: 60,
        identities: { kind: 'numbered', prefix: 'qa_user_', label: 'QA User' },
        devices: [[1, 40], [2, 40], [3, 20]],
        platforms: [['ios', 50], ['android-fcm', 45], ['android-gcm', 5]],
        credentials: { apn: [['acme-apn-dev', 1]], gcm: [['acme-gcm', 1]], fcm: [['acme-fcm', 1]] },
        messageTypes: CONSUMER_MESSAGE_TYPES,
      },
      {
        key: 'acme-support-desk',
        friendlyName: 'Acme Support Desk',
        createdDaysAgo: 400,
        users: 140,
        identities: { kind: 'email', domains: [['support.example.com', 1]] },
        devices: [[1, 55], [2, 40], [3, 5]],
        platforms: [['ios', 60], ['android-fcm', 40]],
        credentials: { apn: [['acme-desk-apn', 1]], fcm: [['acme-desk-fcm', 1]] },
        messageTypes: WORK_MESSAGE_TYPES,
      },
      {
        // A service nobody has registered a device with yet.
        key: 'acme-chat-labs',
        friendlyName: 'Acme Chat Labs',
        createdDaysAgo: 30,
        users: 0,
        identities: { kind: 'numbered', prefix: 'labs_', label: 'Labs User' },
        devices: [[0, 1]],
        platforms: [['ios', 1]],
        credentials: {},
        messageTypes: CONSUMER_MESSAGE_TYPES,
      },
    ],
  },
  {
    key: 'globex',
    friendlyName: 'Globex Field Services',
    createdDaysAgo: 520,
    credentials: [
      { key: 'globex-apn', friendlyName: 'Globex Dispatch iOS', type: 'apn', sandbox: false, createdDaysAgo: 515 },
      { key: 'globex-apn-dev', friendlyName: 'Globex Dispatch iOS (dev)', type: 'apn', sandbox: true, createdDaysAgo: 515 },
      { key: 'globex-fcm', friendlyName: 'Globex Dispatch Android', type: 'fcm', sandbox: false, createdDaysAgo: 510 },
    ],
    services: [
      {
        key: 'globex-dispatch',
        friendlyName: 'Globex Dispatch',
        createdDaysAgo: 510,
        users: 85,
        identities: { kind: 'numbered', prefix: 'user_', label: '' },
        devices: [[1, 60], [2, 35], [3, 5]],
        platforms: [['ios', 35], ['android-fcm', 65]],
        credentials: { apn: [['globex-apn', 92], ['globex-apn-dev', 8]], fcm: [['globex-fcm', 1]] },
        messageTypes: WORK_MESSAGE_TYPES,
      },
    ],
  },
];

/** SIDs of the demo accounts, first account first. */
export const DEMO_ACCOUNT_SIDS: readonly string[] = ACCOUNTS.map((a) => fixedSid('AC', `account:${a.key}`));

/** SIDs of each account's services, in the order the summary lists them. */
export const DEMO_SERVICE_SIDS: readonly (readonly string[])[] = ACCOUNTS.map((a) =>
  a.services.map((s) => fixedSid('IS', `service:${s.key}`)),
);

/** The big service ("Acme Chat", first account): thousands of bindings. */
export const DEMO_BIG_SERVICE_SID: string = DEMO_SERVICE_SIDS[0]![0]!;

export const DEMO_API_KEY_SID: string = fixedSid('SK', 'api-key:acme');

// ---------------------------------------------------------------------------
// Names for identities and friendly names.

const FIRST_NAMES = [
  'Aaliyah', 'Adrián', 'Aiko', 'Alejandro', 'Amara', 'Amelia', 'Anders', 'Ananya', 'Andrea', 'Arjun',
  'Beatriz', 'Bilal', 'Bruno', 'Camille', 'Carlos', 'Chen', 'Chloé', 'Chidi', 'Daniel', 'Dmitri',
  'Elena', 'Emeka', 'Emma', 'Fatima', 'Felix', 'Freya', 'Gabriel', 'Grace', 'Hana', 'Hassan',
  'Ingrid', 'Isabella', 'Ivan', 'Jamal', 'Javier', 'Jin', 'João', 'Julia', 'Kai', 'Kavya',
  'Kenji', 'Lars', 'Layla', 'Leon', 'Liam', 'Lucía', 'Maria', 'Mateo', 'Maya', 'Mei',
  'Mohammed', 'Nadia', 'Nia', 'Noah', 'Nora', 'Olivia', 'Omar', 'Oscar', 'Priya', 'Rafael',
  'Ravi', 'Rosa', 'Sakura', 'Samuel', 'Sara', 'Sofia', 'Søren', 'Tariq', 'Thabo', 'Tomás',
  'Valentina', 'Wei', 'Yara', 'Yusuf', 'Zainab', 'Zoë', 'Ahmed', 'Ben', 'Clara', 'David',
];

const LAST_NAMES = [
  'Abebe', 'Adeyemi', 'Ahmed', 'Almeida', 'Andersson', 'Bauer', 'Becker', 'Brown', 'Castillo', 'Chen',
  'Cohen', 'Costa', 'Dubois', 'Dvořák', 'Eriksen', 'Fernández', 'Fischer', 'García', 'González', 'Gupta',
  'Haddad', 'Hansen', 'Hernández', 'Ibrahim', 'Ivanova', 'Jensen', 'Johnson', 'Kato', 'Kim', 'Kowalski',
  'Kumar', 'Larsen', 'Lee', 'Lopez', 'Martin', 'Meyer', 'Mensah', 'Moreau', 'Müller', 'Nakamura',
  'Nguyen', 'Novak', 'Nowak', 'Okafor', 'Olsen', 'Park', 'Patel', 'Pereira', 'Petrov', 'Popescu',
  'Rahman', 'Reyes', 'Rossi', 'Sato', 'Schmidt', 'Silva', 'Singh', 'Smith', 'Suzuki', 'Tanaka',
  'Taylor', 'Thompson', 'Torres', 'Van Dijk', 'Wagner', 'Walker', 'Wang', 'Williams', 'Wilson', 'Wójcik',
  'Yamamoto', 'Yilmaz', 'Zhang', "O'Brien", 'Kovačević', 'Lindqvist', 'Mwangi', 'Ortiz', 'Richter', 'Santos',
];

function asciiSlug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/g, 'o')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

// ---------------------------------------------------------------------------
// Row generation (pure: no database access).

interface DemoData {
  accounts: Array<{ sid: string; friendlyName: string; dateCreated: Date }>;
  credentials: Prisma.CredentialCreateManyInput[];
  services: Prisma.ServiceCreateManyInput[];
  users: Prisma.UserCreateManyInput[];
  bindings: Prisma.BindingCreateManyInput[];
}

function generateDemoData(): DemoData {
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

function generateService(
  data: DemoData,
  accountSid: string,
  serviceSid: string,
  spec: ServiceSpec,
  credentialSids: Map<string, string>,
): void {
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

function makeIdentity(
  rng: DemoRandom,
  style: IdentityStyle,
  index: number,
  taken: Set<string>,
): { identity: string; friendlyName: string | null } {
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

// ---------------------------------------------------------------------------
// Writing.

/**
 * Seeds the demo data in one transaction, or does nothing when the first demo
 * account already exists. Never use the outer client inside the transaction:
 * PGlite has a single session.
 */
export async function seedDemoData(prisma: PrismaClient, options: SeedOptions = {}): Promise<SeedSummary> {
  const log = options.logger ?? silentLogger;
  const firstSid = DEMO_ACCOUNT_SIDS[0]!;
  if (await prisma.account.findUnique({ where: { sid: firstSid }, select: { sid: true } })) {
    log.info('demo data already present; nothing to do', { accountSid: firstSid });
    return summarize(prisma, null);
  }

  const started = Date.now();
  const data = generateDemoData();
  log.debug('demo data generated', { ms: Date.now() - started, users: data.users.length, bindings: data.bindings.length });

  let tokens: Secrets | null;
  try {
    tokens = await prisma.$transaction(
      async (tx) => {
        // Checked again inside the transaction: another process may have seeded meanwhile.
        if (await tx.account.findUnique({ where: { sid: firstSid }, select: { sid: true } })) return null;
        const created: Secrets = new Map();
        for (const account of data.accounts) {
          const { sid, authToken } = await createAccount(tx, account);
          created.set(sid, { authToken, apiKeys: [] });
        }
        // One API key for the first account, to show `SK…:secret` authentication.
        const apiKey = await createApiKey(tx, { accountSid: firstSid, sid: DEMO_API_KEY_SID, friendlyName: 'Demo key' });
        created.get(firstSid)?.apiKeys.push(apiKey);
        await tx.credential.createMany({ data: data.credentials });
        await tx.service.createMany({ data: data.services });
        await insertInBatches('users', data.users, (rows) => tx.user.createMany({ data: rows }), log);
        await insertInBatches('bindings', data.bindings, (rows) => tx.binding.createMany({ data: rows }), log);
        return created;
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
  } catch (err) {
    // A concurrent seed that committed first makes ours fail on the account's key.
    if (await prisma.account.findUnique({ where: { sid: firstSid }, select: { sid: true } })) {
      log.info('demo data was seeded concurrently by another process; nothing to do');
      tokens = null;
    } else {
      throw err;
    }
  }
  if (tokens) {
    log.info('demo data seeded', {
      ms: Date.now() - started,
      accounts: data.accounts.length,
      services: data.services.length,
      users: data.users.length,
      bindings: data.bindings.length,
    });
  }
  return summarize(prisma, tokens);
}

async function insertInBatches<T>(
  what: string,
  rows: T[],
  insert: (batch: T[]) => Promise<unknown>,
  log: Logger,
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH_SIZE) {
    await insert(rows.slice(i, i + BATCH_SIZE));
    log.debug(`inserted ${what}`, { done: Math.min(i + BATCH_SIZE, rows.length), of: rows.length });
  }
}

/** The demo accounts as they are now in the database, with binding counts per service. */
/** Secrets per account sid, known only in the run that created them. */
type Secrets = Map<string, { authToken: string; apiKeys: CreatedApiKey[] }>;

async function summarize(prisma: PrismaClient, tokens: Secrets | null): Promise<SeedSummary> {
  const accounts = await prisma.account.findMany({
    where: { sid: { in: [...DEMO_ACCOUNT_SIDS] } },
    select: {
      sid: true,
      friendlyName: true,
      services: { select: { sid: true, friendlyName: true }, orderBy: [{ dateCreated: 'asc' }, { sid: 'asc' }] },
    },
  });
  const serviceSids = accounts.flatMap((a) => a.services.map((s) => s.sid));
  const counts = await prisma.binding.groupBy({
    by: ['serviceSid'],
    where: { serviceSid: { in: serviceSids } },
    _count: { _all: true },
  });
  const countBySid = new Map(counts.map((c) => [c.serviceSid, c._count._all]));
  // Demo services in their declared order; any added since, after them.
  const knownOrder = new Map(DEMO_SERVICE_SIDS.flat().map((sid, i) => [sid, i]));
  const rank = (sid: string) => knownOrder.get(sid) ?? Number.MAX_SAFE_INTEGER;

  return {
    created: tokens !== null,
    accounts: accounts
      .sort((x, y) => DEMO_ACCOUNT_SIDS.indexOf(x.sid) - DEMO_ACCOUNT_SIDS.indexOf(y.sid))
      .map((a) => ({
        sid: a.sid,
        friendlyName: a.friendlyName,
        authToken: tokens?.get(a.sid)?.authToken ?? null,
        apiKeys: tokens?.get(a.sid)?.apiKeys ?? [],
        services: [...a.services]
          .sort((x, y) => rank(x.sid) - rank(y.sid))
          .map((s) => ({ sid: s.sid, friendlyName: s.friendlyName, bindings: countBySid.get(s.sid) ?? 0 })),
      })),
  };
}
