/**
 * Statement budgets: nested connections and relations are batched per level,
 * so a request costs the same number of SQL statements whatever the page
 * sizes and however much data there is. Counts are exact, so any extra
 * round trip fails here. The apps have verified the caller's credential
 * before (it is cached): only the last test pays for a credential check.
 */

import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/domain/accounts.js';
import { graphql } from '../gql/index.js';
import { type RunArgs, startTestApp, type TestApp, WITHOUT_COST_LIMIT, warmCredentialCache } from '../helpers/app.js';
import { basicAuth } from '../helpers/server.js';

const ServicesBindingsRelations = graphql(`
  query NPlusOneBindings($services: Int!, $bindings: Int!) {
    services(first: $services) {
      edges {
        node {
          sid
          bindings(first: $bindings) {
            edges { node { sid user { identity } credential { type } } }
          }
        }
      }
    }
  }
`);

const ServicesUsersBindings = graphql(`
  query NPlusOneUsers($services: Int!, $users: Int!, $bindings: Int!) {
    services(first: $services) {
      edges {
        node {
          sid
          users(first: $users) {
            edges {
              node {
                sid
                bindings(first: $bindings) { totalCount edges { node { sid } } }
              }
            }
          }
        }
      }
    }
  }
`);

const WithoutTotals = graphql(`
  query NPlusOneNoTotals($bindings: Int!) {
    services(first: 20) { edges { node { bindings(first: $bindings) { edges { node { sid } } } } } }
  }
`);

const WithTotals = graphql(`
  query NPlusOneTotals($bindings: Int!) {
    services(first: 20) { edges { node { bindings(first: $bindings) { totalCount edges { node { sid } } } } } }
  }
`);

const ThreeLevels = graphql(`
  query NPlusOneThreeLevels($bindings: Int!) {
    services(first: 20) {
      nodes {
        bindings(first: $bindings) {
          nodes { sid user { sid bindings(first: 2) { totalCount nodes { sid } } } }
        }
      }
    }
  }
`);

const ManyNodes = graphql(`
  query NPlusOneNodes($ids: [ID!]!) {
    nodes(ids: $ids) { __typename id }
  }
`);

const JustTheAccount = graphql(`
  query NPlusOneAccount { account { sid } }
`);

/** What a statement Prisma sent is for, e.g. "bindings page" or "users by sid". */
function kindOf(sql: string): string {
  if (/\bFROM binding_counts c\b/.test(sql)) return 'bindings count';
  const raw = /\bFROM (services|users|bindings) t\b/.exec(sql);
  if (raw) return `${raw[1]} ${/count\(\*\)/.test(sql) ? 'count' : /\bt\.sid = ANY\(/.test(sql) ? 'by sid' : 'page'}`;
  const table = /\bFROM "[^"]+"\."(\w+)"/.exec(sql)?.[1];
  if (table === 'accounts') return sql.includes('friendly_name') ? 'account' : 'auth';
  if (table === 'api_keys') return 'auth';
  if (table) return `${table} by sid`;
  return `other: ${sql}`;
}

let small: TestApp;
let big: TestApp;

beforeAll(async () => {
  small = await startTestApp({ seed: 'n-plus-one', app: WITHOUT_COST_LIMIT });
  // Five times the services, three times the users, more than three times the bindings.
  big = await startTestApp({ seed: 'n-plus-one-big', users: 40, bigServiceBindings: 200, extraServices: 8, app: WITHOUT_COST_LIMIT });
  await warmCredentialCache(small);
  await warmCredentialCache(big);
});

afterAll(async () => {
  await small?.close();
  await big?.close();
});

/** Runs the document and returns its data and the kinds of statement it cost, sorted. */
async function measure<R, V>(t: TestApp, document: TypedDocumentNode<R, V>, ...args: RunArgs<V>) {
  t.queries.length = 0;
  const data = await t.data(document, ...args);
  return { data, statements: t.queries.map(kindOf).sort() };
}

const apps = () =>
  [
    ['the small scenario', small],
    ['the big scenario', big],
  ] as const;

describe('services → bindings → user, credential', () => {
  const expected = ['bindings page', 'credentials by sid', 'services page', 'users by sid'];

  it.each([
    [20, 50],
    [20, 1],
    [1, 50],
    [20, 1000],
    [1000, 7],
  ])('costs exactly 4 statements with services(first: %i) and bindings(first: %i), in both scenarios', async (services, bindings) => {
    for (const [name, t] of apps()) {
      const { data, statements } = await measure(t, ServicesBindingsRelations, { services, bindings });
      expect(statements, name).toEqual(expected);
      // The query did load users and credentials (else the budget would prove little).
      const nodes = data.services.edges.flatMap((e) => e.node.bindings.edges.map((b) => b.node));
      expect(nodes.length).toBeGreaterThan(0);
      expect(nodes.some((n) => n.credential !== null)).toBe(true);
    }
  });

  it('returns the right rows and relations, whatever it batches', async () => {
    for (const [name, t] of apps()) {
      const { data } = await measure(t, ServicesBindingsRelations, { services: 20, bindings: 50 });
      const p = t.db.prisma;
      const services = await p.service.findMany({ where: { accountSid: t.scenario.a.sid }, orderBy: { sid: 'asc' } });
      expect(
        data.services.edges.map((e) => e.node.sid),
        name,
      ).toEqual(services.map((s) => s.sid));
      const credentials = new Map((await p.credential.findMany()).map((c) => [c.sid, c.type.toUpperCase()]));
      for (const { node: service } of data.services.edges) {
        const rows = await p.binding.findMany({ where: { serviceSid: service.sid }, orderBy: { sid: 'asc' }, take: 50 });
        expect(
          service.bindings.edges.map((e) => e.node),
          `${name} ${service.sid}`,
        ).toEqual(
          rows.map((r) => ({ sid: r.sid, user: { identity: r.identity }, credential: r.credentialSid ? { type: credentials.get(r.credentialSid) } : null })),
        );
      }
    }
    // The big scenario really is bigger.
    expect(big.scenario.a.services.length).toBe(10);
    expect(big.scenario.a.services[0]!.bindings.length).toBe(200);
  });
});

describe('services → users → bindings with totalCount', () => {
  const expected = ['bindings count', 'bindings page', 'services page', 'users page'];

  it.each([
    [20, 20, 10],
    [20, 20, 1],
    [1, 1, 1],
    [20, 1000, 1000],
  ])('costs exactly 4 statements with services(first: %i), users(first: %i), bindings(first: %i), in both scenarios', async (services, users, bindings) => {
    for (const [name, t] of apps()) {
      const { data, statements } = await measure(t, ServicesUsersBindings, { services, users, bindings });
      expect(statements, name).toEqual(expected);
      const userNodes = data.services.edges.flatMap((e) => e.node.users.edges.map((u) => u.node));
      expect(userNodes.length).toBeGreaterThan(0);
      for (const user of userNodes) expect(user.bindings.edges.length).toBe(Math.min(bindings, user.bindings.totalCount));
    }
  });

  it("counts each user's bindings right", async () => {
    const { data } = await measure(big, ServicesUsersBindings, { services: 20, users: 1000, bindings: 1 });
    const counts = await big.db.prisma.binding.groupBy({ by: ['userSid'], _count: { _all: true } });
    const byUser = new Map(counts.map((c) => [c.userSid, c._count._all]));
    const users = data.services.edges.flatMap((e) => e.node.users.edges.map((u) => u.node));
    expect(users.length).toBe(await big.db.prisma.user.count({ where: { service: { accountSid: big.scenario.a.sid } } }));
    for (const user of users) expect(user.bindings.totalCount).toBe(byUser.get(user.sid) ?? 0);
  });
});

describe('other shapes', () => {
  it('runs the count only when totalCount is selected', async () => {
    for (const [name, t] of apps()) {
      expect((await measure(t, WithoutTotals, { bindings: 5 })).statements, name).toEqual(['bindings page', 'services page']);
      expect((await measure(t, WithTotals, { bindings: 5 })).statements, name).toEqual(['bindings count', 'bindings page', 'services page']);
    }
  });

  it('costs one more pair of statements per connection level (services → bindings → user → bindings)', async () => {
    for (const [name, t] of apps()) {
      for (const bindings of [1, 50]) {
        const { data, statements } = await measure(t, ThreeLevels, { bindings });
        expect(statements, `${name} ${bindings}`).toEqual(['bindings count', 'bindings page', 'bindings page', 'services page', 'users by sid']);
        const b = data.services.nodes[0]!.bindings.nodes[0]!;
        expect(b.user.bindings.nodes.length).toBeGreaterThan(0);
      }
    }
  });

  it('loads nodes(ids) with one statement per type, however many ids', async () => {
    const p = big.db.prisma;
    const a = big.scenario.a;
    const bindings = a.services[0]!.bindings.slice(0, 60);
    const users = (await p.user.findMany({ where: { serviceSid: a.services[0]!.sid }, take: 30 })).map((u) => u.sid);
    const credentials = (await p.credential.findMany({ where: { accountSid: a.sid } })).map((c) => c.sid);
    const services = a.services.map((s) => s.sid);
    const ids = [...bindings, ...users, ...credentials, ...services];
    const { data, statements } = await measure(big, ManyNodes, { ids });
    expect(statements).toEqual(['bindings by sid', 'credentials by sid', 'services by sid', 'users by sid']);
    expect(data.nodes.map((n) => n?.id)).toEqual(ids);
  });

  it('checks a credential with a single statement the first time, and with none once it is cached', async () => {
    expect((await measure(small, JustTheAccount)).statements).toEqual(['account']);
    for (const authorization of [small.scenario.b.authorization, await newApiKey(small)]) {
      expect((await measure(small, JustTheAccount, {}, authorization)).statements).toEqual(['account', 'auth']);
      expect((await measure(small, JustTheAccount, {}, authorization)).statements).toEqual(['account']);
    }
  });
});

async function newApiKey(t: TestApp): Promise<string> {
  const key = await createApiKey(t.db.prisma, { accountSid: t.scenario.a.sid });
  return basicAuth(key.sid, key.secret);
}
