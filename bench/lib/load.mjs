// @ts-check
// One load window with autocannon, recording every response time (in
// fractional milliseconds, from autocannon's 'response' event) so that
// percentiles are not rounded to whole milliseconds.

import autocannon from 'autocannon';
import { perCredential } from './workloads.mjs';

/**
 * Runs autocannon against `base` with `request` ({ method, path, headers, body })
 * for `duration` seconds over `connections` connections; with `auths`, every
 * connection cycles through the request sent with each of those authorization
 * headers in turn. `verify(body)` is called on every response body (false
 * counts as a mismatch).
 *
 * @param {{ base: string, request: import('./workloads.mjs').BenchRequest, auths?: string[], connections: number, duration: number, verify?: (body: string) => boolean }} options
 * @returns {Promise<{ result: autocannon.Result, latencies: Float64Array, elapsed: number }>}
 */
export function runLoad({ base, request, auths, connections, duration, verify }) {
  return new Promise((resolve, reject) => {
    let latencies = new Float64Array(1 << 16);
    let n = 0;
    let started = 0;
    const instance = autocannon(
      {
        url: `${base}${request.path}`,
        method: request.method,
        headers: request.headers,
        body: request.body,
        ...(auths && auths.length > 1 ? { requests: perCredential(request, auths) } : {}),
        connections,
        duration,
        timeout: 10,
        // autocannon hands verifyBody the response body as a string (its types allow a Buffer too).
        ...(verify ? { verifyBody: /** @type {(body: unknown) => boolean} */ (verify) } : {}),
      },
      (err, result) => {
        if (err) return reject(err);
        const elapsed = (performance.now() - started) / 1000;
        resolve({ result, latencies: latencies.subarray(0, n), elapsed });
      },
    );
    started = performance.now();
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      if (n === latencies.length) {
        const bigger = new Float64Array(latencies.length * 2);
        bigger.set(latencies);
        latencies = bigger;
      }
      latencies[n++] = responseTime;
    });
  });
}

export function percentiles(latencies) {
  if (latencies.length === 0) return { p50: null, p90: null, p99: null, mean: null, max: null };
  const sorted = Float64Array.from(latencies).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  let sum = 0;
  for (const x of sorted) sum += x;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), mean: sum / sorted.length, max: sorted[sorted.length - 1] };
}
