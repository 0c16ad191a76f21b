import { expect } from 'vitest';

/** A REST answer: status, headers, raw text and the parsed JSON body (undefined when not JSON). */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/**
 * One request to a served gateway: `target` is a path (`/v2/…`, resolved
 * against `baseUrl`) or an absolute URL; `auth` an Authorization value (none when null).
 */
export async function restCall(baseUrl: string, target: string, init: { method?: string; auth: string | null; body?: string }): Promise<Answer> {
  const { method = 'GET', auth, body } = init;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (auth) headers.authorization = auth;
  if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  const response = await fetch(target.startsWith('/') ? `${baseUrl}${target}` : target, { method, headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** A Twilio error body, exactly: its keys (with `detail` on 401), code, status, more_info, and the message when given. */
export function expectTwilioError(answer: Answer, status: number, code: number, message?: string | RegExp): void {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  const keys = status === 401 ? ['code', 'message', 'more_info', 'status', 'detail'] : ['code', 'message', 'more_info', 'status'];
  expect(Object.keys(answer.body ?? {}), answer.text).toEqual(keys);
  expect(answer.body.code, answer.text).toBe(code);
  expect(answer.body.status).toBe(status);
  expect(answer.body.more_info).toBe(`https://www.twilio.com/docs/errors/${code}`);
  expect(typeof answer.body.message).toBe('string');
  if (typeof message === 'string') expect(answer.body.message).toBe(message);
  else if (message) expect(answer.body.message).toMatch(message);
}
