import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countBindings, deleteBinding } from '../src/domain/bindings.js';
import type { Caller } from '../src/domain/caller.js';
import type { DataContext } from '../src/domain/data-context.js';
import { CursorCodec } from '../src/domain/paging.js';
import { openTestDatabase, type TestDatabase } from './helpers/db.js';
import { createScenario, type Scenario } from './helpers/scenario.js';

// binding_counts is kept by triggers; every optimised count must equal the
// straightforward count(*) after any kind of write.
describe('maintained binding counts', () => {
  let db: TestDatabase;
  let scenario: Scenario;
  let data: DataContext;
  let caller: Caller;

  beforeAll(async () => {
    db = await openTestDatabase();
    scenario = await createScenario(db.prisma, { seed: 'counts', users: 10, bigServiceBindings: 90 });
    data = { prisma: db.prisma, reader: db.reader, cursors: new CursorCodec(Buffer.alloc(32)) };
    caller = { accountSid: scenario.a.sid, credentialSid: scenario.a.sid, scope: 'read-write' };
  });
  afterAll(() => db.close());

  /** Maintained counts and count(*) per (service, type), as comparable lines. */
  async function both() {
    const maintained = await db.prisma.$queryRaw<Array<{ line: string }>>`
      SELECT service_sid || ' ' || binding_type || ' ' || count AS line FROM binding_counts WHERE count <> 0 ORDER BY 1`;
    const counted = await db.prisma.$queryRaw<Array<{ line: string }>>`
      SELECT service_sid || ' ' || binding_type || ' ' || count(*) AS line FROM bindings GROUP BY service_sid, binding_type ORDER BY 1`;
    return { maintained: maintained.map((r) => r.line), counted: counted.map((r) => r.line) };
  }

  async function expectExact() {
    const { maintained, counted } = await both();
    expect(counted.length).toBeGreaterThan(0);
    expect(maintained).toEqual(counted);
  }

  it('match count(*) after the scenario was inserted', expectExact);

  it('stay exact after deletes through the domain, single and concurrent', async () => {
    const [first, second, third] = scenario.a.services[0]!.bindings;
    await deleteBinding(data, { caller, frontDoor: 'graphql' }, first!);
    const results = await Promise.allSettled([
      deleteBinding(data, { caller, frontDoor: 'rest' }, second!),
      deleteBinding(data, { caller, frontDoor: 'rest' }, second!),
      deleteBinding(data, { caller, frontDoor: 'graphql' }, third!),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    await expectExact();
  });

  it('stay exact after type changes, bulk inserts and cascades from users and services', async () => {
    const service = scenario.a.services[0]!.sid;
    await db.prisma
      .$executeRaw`UPDATE bindings SET binding_type = 'gcm' WHERE service_sid = ${service} AND binding_type = 'apn' AND sid IN (SELECT sid FROM bindings WHERE service_sid = ${service} ORDER BY sid LIMIT 5)`;
    await expectExact();
    const user = await db.prisma.user.findFirstOrThrow({ where: { serviceSid: service }, orderBy: { sid: 'asc' } });
    await db.prisma.user.delete({ where: { sid: user.sid } });
    await expectExact();
    await db.prisma.service.delete({ where: { sid: scenario.a.services[1]!.sid } });
    await expectExact();
    expect(await db.prisma.bindingCount.count({ where: { serviceSid: scenario.a.services[1]!.sid } })).toBe(0);
    // The statistics counters (binding_stats migration) go with the service too, and are not brought back by its bindings' delete.
    expect(await db.prisma.bindingFacetCount.count({ where: { serviceSid: scenario.a.services[1]!.sid } })).toBe(0);
    expect(await db.prisma.bindingDayCount.count({ where: { serviceSid: scenario.a.services[1]!.sid } })).toBe(0);
  });

  it('give countBindings the same totals as counting rows, with and without type filters, and nothing across accounts', async () => {
    const services = [scenario.a.services[0]!.sid, scenario.b.services[0]!.sid];
    for (const bindingTypes of [undefined, ['apn' as const], ['gcm' as const, 'fcm' as const]]) {
      const counts = await countBindings(data, scenario.a.sid, 'service', services, { bindingTypes });
      const expected = await db.prisma.binding.count({
        where: { serviceSid: services[0], ...(bindingTypes ? { bindingType: { in: bindingTypes } } : {}) },
      });
      expect(counts.get(services[0]!)).toBe(expected);
      expect(counts.get(services[1]!)).toBe(0); // account B's service, asked by A
    }
  });
});
