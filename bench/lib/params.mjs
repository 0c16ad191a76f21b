// @ts-check
// The parameters the workloads need, read from a seeded database: the largest
// service, one identity with ten bindings in it, one binding in the middle of
// it, and the sid 101 rows before its end (W2 pages from there: 50 rows,
// with more after them).

/** Rows after W2's cursor: the page of 50 lies well inside the last 100 rows. */
export const DEEP_ROWS_AFTER = 100;

export async function workloadParams(client, plan) {
  const serviceSid = plan.bigService.sid;
  const one = async (sql, values) => (await client.query(sql, values)).rows[0];
  const count = Number((await one('SELECT count(*)::int AS n FROM bindings WHERE service_sid = $1', [serviceSid])).n);
  const identity = await one(
    `SELECT identity, count(*)::int AS n FROM bindings WHERE service_sid = $1
     GROUP BY identity ORDER BY abs(count(*) - 10), identity LIMIT 1`,
    [serviceSid],
  );
  const middle = await one('SELECT sid FROM bindings WHERE service_sid = $1 ORDER BY sid OFFSET $2 LIMIT 1', [serviceSid, Math.floor(count / 2)]);
  const deep = await one('SELECT sid FROM bindings WHERE service_sid = $1 ORDER BY sid DESC OFFSET $2 LIMIT 1', [serviceSid, DEEP_ROWS_AFTER]);
  return {
    accountSid: plan.account.sid,
    serviceSid,
    serviceBindings: count,
    identity: identity.identity,
    identityBindings: identity.n,
    bindingSid: middle.sid,
    deepAfterSid: deep.sid,
    bindingTypes: ['apn', 'fcm'],
    w6Users: 20,
  };
}
