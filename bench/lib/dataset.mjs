// @ts-check
// Deterministic synthetic data set for the benchmark: one account, N services
// with a skewed size distribution (the first holds ~30% of the bindings),
// users spread the same way, and bindings scattered over the table in random
// order (as years of device registrations would leave them). Everything is
// derived from a label that includes the sizes, so a given size always yields
// the same rows and the same SIDs; only the auth token is random.

import { createHash } from 'node:crypto';

export const DEFAULT_SIZES = Object.freeze({ bindings: 1_000_000, users: 100_000, services: 20 });
/** Share of all bindings (and users) held by the first, largest service. */
export const BIG_SHARE = 0.3;
const LABEL_VERSION = 'bindings-gateway/bench/v1';

/** "Now" for the synthetic dates: two years of registrations before it. */
const REFERENCE_MS = Date.parse('2026-11-01T00:00:00Z');
const DAY_MS = 86_400_000;

/** Small, fast, seedable PRNG (sfc32) fed from SHA-256 of a label. */
export class Rng {
  constructor(label) {
    const seed = createHash('sha256').update(`${LABEL_VERSION}|${label}`).digest();
    this.a = seed.readUInt32LE(0);
    this.b = seed.readUInt32LE(4);
    this.c = seed.readUInt32LE(8);
    this.d = seed.readUInt32LE(12);
    for (let i = 0; i < 16; i++) this.u32();
  }

  u32() {
    let { a, b, c, d } = this;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float() {
    return this.u32() / 4294967296;
  }

  int(n) {
    return Math.floor(this.float() * n);
  }

  pick(items) {
    return items[this.int(items.length)];
  }

  weighted(choices) {
    let r = this.float() * choices.total;
    for (const [value, weight] of choices.items) {
      r -= weight;
      if (r < 0) return value;
    }
    return choices.items[choices.items.length - 1][0];
  }

  bytes(n) {
    const buf = Buffer.allocUnsafe(n + 3);
    for (let i = 0; i < n; i += 4) buf.writeUInt32LE(this.u32(), i);
    return buf.subarray(0, n);
  }

  /** Two upper-case letters + 32 lower-case hex digits, as Twilio emits SIDs. */
  sid(prefix) {
    return (
      prefix +
      this.u32().toString(16).padStart(8, '0') +
      this.u32().toString(16).padStart(8, '0') +
      this.u32().toString(16).padStart(8, '0') +
      this.u32().toString(16).padStart(8, '0')
    );
  }
}

const weightedChoices = (items) => ({ items, total: items.reduce((s, [, w]) => s + w, 0) });

const MESSAGE_TYPES = weightedChoices([
  ['{new_message,added_to_channel,invited_to_channel,removed_from_channel}', 30],
  ['{new_message}', 28],
  ['{new_message,added_to_channel,invited_to_channel}', 22],
  ['{new_message,invited_to_channel}', 12],
  ['{added_to_channel,invited_to_channel,removed_from_channel}', 5],
  ['{new_message,removed_from_channel}', 3],
]);

const PLATFORMS = weightedChoices([
  ['apn', 45],
  ['fcm', 45],
  ['gcm', 10],
]);

// biome-ignore format: a data table, several entries per line
const FIRST = ['amelia', 'arjun', 'beatriz', 'bilal', 'camille', 'carlos', 'chen', 'chidi', 'daniel', 'elena', 'emeka', 'emma',
  'fatima', 'felix', 'freya', 'grace', 'hana', 'hassan', 'ingrid', 'ivan', 'jamal', 'jin', 'joao', 'julia', 'kai', 'kenji',
  'lars', 'layla', 'leon', 'liam', 'lucia', 'maria', 'mateo', 'maya', 'mei', 'nadia', 'noah', 'nora', 'olivia', 'omar',
  'priya', 'rafael', 'ravi', 'rosa', 'sakura', 'samuel', 'sara', 'sofia', 'tariq', 'thabo', 'tomas', 'wei', 'yara', 'zoe'];
// biome-ignore format: a data table, several entries per line
const LAST = ['abebe', 'adeyemi', 'almeida', 'andersson', 'bauer', 'brown', 'castillo', 'cohen', 'costa', 'dubois', 'fischer',
  'garcia', 'gupta', 'haddad', 'hansen', 'ibrahim', 'jensen', 'johnson', 'kato', 'kim', 'kowalski', 'kumar', 'lee', 'lopez',
  'martin', 'mensah', 'moreau', 'muller', 'nakamura', 'nguyen', 'novak', 'okafor', 'park', 'patel', 'pereira', 'petrov',
  'rahman', 'reyes', 'rossi', 'sato', 'schmidt', 'silva', 'singh', 'smith', 'tanaka', 'taylor', 'torres', 'wagner', 'wang',
  'wilson', 'yamamoto', 'yilmaz', 'zhang'];
const DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.com'];

/** Splits `total` into integer parts proportional to `weights` (largest remainder), each at least `min`. */
export function apportion(total, weights, min = 0) {
  const n = weights.length;
  const rest = total - min * n;
  if (rest < 0) throw new Error(`cannot give ${n} parts at least ${min} out of ${total}`);
  const sum = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (rest * w) / sum);
  const parts = exact.map((x) => Math.floor(x));
  let left = rest - parts.reduce((s, x) => s + x, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i]).sort((p, q) => q[0] - p[0] || p[1] - q[1]);
  for (let k = 0; left > 0; k++, left--) parts[order[k % n][1]] += 1;
  return parts.map((p) => p + min);
}

/**
 * Sizes → the data set's identity: its label, account, services and their sizes (no rows yet).
 *
 * @param {{ bindings: number, users: number, services: number }} [sizes]
 */
export function planDataset(sizes = DEFAULT_SIZES) {
  const { bindings, users, services } = sizes;
  if (!(services >= 1 && users >= services && bindings >= users)) {
    throw new Error('need bindings >= users >= services >= 1');
  }
  const label = `${bindings}b/${users}u/${services}s`;
  const rng = new Rng(`plan|${label}`);
  // The first service holds BIG_SHARE; the rest decay like 1/sqrt(rank).
  const tail = Array.from({ length: services - 1 }, (_, k) => 1 / Math.sqrt(k + 1));
  const tailSum = tail.reduce((s, w) => s + w, 0) || 1;
  const weights = services === 1 ? [1] : [BIG_SHARE, ...tail.map((w) => ((1 - BIG_SHARE) * w) / tailSum)];
  const bindingCounts = apportion(bindings, weights, 0);
  const userCounts = apportion(users, weights, 1);
  for (let s = 0; s < services; s++) {
    if (bindingCounts[s] < userCounts[s]) bindingCounts[s] = userCounts[s];
  }
  const accountSid = rng.sid('AC');
  const credentials = [
    { sid: rng.sid('CR'), friendlyName: 'Bench iOS (APNs production)', type: 'apn', sandbox: false },
    { sid: rng.sid('CR'), friendlyName: 'Bench iOS (APNs sandbox)', type: 'apn', sandbox: true },
    { sid: rng.sid('CR'), friendlyName: 'Bench Android (GCM, legacy)', type: 'gcm', sandbox: false },
    { sid: rng.sid('CR'), friendlyName: 'Bench Android (FCM)', type: 'fcm', sandbox: false },
  ];
  const serviceList = bindingCounts.map((count, s) => ({
    sid: rng.sid('IS'),
    friendlyName: `Bench Chat ${String(s + 1).padStart(2, '0')}`,
    bindings: count,
    users: userCounts[s],
  }));
  return {
    label,
    sizes: { bindings: bindingCounts.reduce((a, b) => a + b, 0), users, services },
    account: { sid: accountSid, friendlyName: `Bench account (${label})` },
    credentials,
    services: serviceList,
    /** The largest service: the one the workloads query. */
    bigService: serviceList[0],
  };
}

function stamp(ms) {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
}

function endpointFor(rng, type) {
  switch (type) {
    case 'apn':
      return rng.bytes(32).toString('hex');
    case 'fcm':
      return `${rng.bytes(17).toString('base64url').slice(0, 22)}:APA91b${rng.bytes(101).toString('base64url').slice(0, 134)}`;
    default:
      return `APA91b${rng.bytes(110).toString('base64url').slice(0, 146)}`;
  }
}

/**
 * The users of every service (in one random global order, as sign-ups
 * interleave), each with how many bindings they have. Returned as parallel
 * arrays to keep 100k+ users cheap.
 */
export function generateUsers(plan) {
  const rng = new Rng(`users|${plan.label}`);
  const total = plan.services.reduce((s, x) => s + x.users, 0);
  const users = {
    sid: new Array(total),
    service: new Int32Array(total),
    identity: new Array(total),
    friendlyName: new Array(total),
    created: new Float64Array(total),
    updated: new Float64Array(total),
    bindings: new Int32Array(total),
  };
  let u = 0;
  plan.services.forEach((service, s) => {
    // Devices per user: at least one, the rest spread with exponential weights
    // (most users have a few, a handful have dozens).
    const weights = Array.from({ length: service.users }, () => -Math.log(1 - rng.float()));
    const counts = apportion(service.bindings, weights, 1);
    for (let i = 0; i < service.users; i++, u++) {
      const first = rng.pick(FIRST);
      const last = rng.pick(LAST);
      users.sid[u] = rng.sid('US');
      users.service[u] = s;
      users.identity[u] = `${first}.${last}.${i.toString(36)}@${rng.pick(DOMAINS)}`;
      users.friendlyName[u] = rng.float() < 0.9 ? `${first[0].toUpperCase()}${first.slice(1)} ${last[0].toUpperCase()}${last.slice(1)}` : null;
      users.created[u] = REFERENCE_MS - 730 * DAY_MS + 729 * DAY_MS * Math.sqrt(rng.float());
      users.updated[u] = rng.float() < 0.7 ? users.created[u] : users.created[u] + (REFERENCE_MS - users.created[u]) * rng.float();
      users.bindings[u] = counts[i];
    }
  });
  // Sign-up order: shuffle (Fisher-Yates) so services interleave in the heap.
  const order = new Int32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  for (let i = total - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  users.order = order;
  users.count = total;
  return users;
}

const copyText = (value) => (value === null ? '\\N' : value);

/** COPY text-format lines for `users`, in sign-up order, yielded in chunks. */
export function* userCopyChunks(plan, users, chunkRows = 5_000) {
  let lines = [];
  for (let k = 0; k < users.count; k++) {
    const u = users.order[k];
    lines.push(
      `${users.sid[u]}\t${plan.services[users.service[u]].sid}\t${users.identity[u]}\t${copyText(users.friendlyName[u])}\t${stamp(users.created[u])}\t${stamp(users.updated[u])}\n`,
    );
    if (lines.length === chunkRows) {
      yield { text: lines.join(''), rows: lines.length };
      lines = [];
    }
  }
  if (lines.length) yield { text: lines.join(''), rows: lines.length };
}

export const USER_COLUMNS = 'sid, service_sid, identity, friendly_name, date_created, date_updated';
export const BINDING_COLUMNS =
  'sid, account_sid, service_sid, user_sid, identity, endpoint, binding_type, credential_sid, message_types, date_created, date_updated';

/**
 * COPY text-format lines for every binding. Each binding is one device of one
 * user; the bindings of all users are emitted in a random global order, so a
 * service's (and a user's) rows are scattered over the heap like real data.
 */
export function* bindingCopyChunks(plan, users, chunkRows = 5_000) {
  const rng = new Rng(`bindings|${plan.label}`);
  const total = users.bindings.reduce((s, x) => s + x, 0);
  const owner = new Int32Array(total);
  let k = 0;
  for (let u = 0; u < users.count; u++) for (let d = 0; d < users.bindings[u]; d++) owner[k++] = u;
  for (let i = total - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = owner[i];
    owner[i] = owner[j];
    owner[j] = t;
  }
  const byType = {
    apn: plan.credentials.filter((c) => c.type === 'apn'),
    gcm: plan.credentials.filter((c) => c.type === 'gcm'),
    fcm: plan.credentials.filter((c) => c.type === 'fcm'),
  };
  const gcmCutoff = REFERENCE_MS - 420 * DAY_MS;
  const accountSid = plan.account.sid;
  let lines = [];
  for (let i = 0; i < total; i++) {
    const u = owner[i];
    const service = plan.services[users.service[u]];
    let type = rng.weighted(PLATFORMS);
    // GCM was superseded by FCM: only long-standing users still have GCM registrations.
    if (type === 'gcm' && users.created[u] > gcmCutoff) type = 'fcm';
    let credential;
    if (type === 'apn') credential = rng.float() < 0.95 ? byType.apn[0].sid : byType.apn[1].sid;
    else credential = rng.float() < 0.99 ? byType[type][0].sid : null; // a few whose credential was deleted
    const created = users.created[u] + (REFERENCE_MS - users.created[u]) * rng.float() ** 2;
    const updated = rng.float() < 0.55 ? created : created + (REFERENCE_MS - created) * rng.float();
    lines.push(
      `${rng.sid('BS')}\t${accountSid}\t${service.sid}\t${users.sid[u]}\t${users.identity[u]}\t${endpointFor(rng, type)}\t${type}\t${copyText(credential)}\t${rng.weighted(MESSAGE_TYPES)}\t${stamp(created)}\t${stamp(updated)}\n`,
    );
    if (lines.length === chunkRows) {
      yield { text: lines.join(''), rows: lines.length };
      lines = [];
    }
  }
  if (lines.length) yield { text: lines.join(''), rows: lines.length };
}
