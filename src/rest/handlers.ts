import * as bindings from '../domain/bindings.js';
import { BINDING_TYPES, type BindingFilter, type BindingType } from '../domain/bindings.js';
import * as credentials from '../domain/credentials.js';
import { ForbiddenError, NotFoundError } from '../domain/errors.js';
import * as services from '../domain/services.js';
import { isSid } from '../domain/sids.js';
import * as users from '../domain/users.js';
import { twilioErrors } from './errors.js';
import { listEnvelope, readListParams, withPageToken } from './paging.js';
import type { RestRequest, RestResult } from './request.js';
import { bindingBody, credentialBody, serviceBody, serviceUrl, userBindingBody, userBody, userUrl } from './serialize.js';

// Thin translations: Twilio parameters in, domain calls, Twilio bodies out.

export async function listServices(req: RestRequest): Promise<RestResult> {
  const params = readListParams(req.query);
  const page = await withPageToken(() => services.listServices(req.data, req.caller.accountSid, params.args));
  return json(
    listEnvelope({
      key: 'services',
      baseUrl: `${req.origin}/v2/Services`,
      filters: [],
      params,
      page,
      items: page.rows.map((s) => serviceBody(s, req.origin)),
    }),
  );
}

export async function fetchService(req: RestRequest): Promise<RestResult> {
  return json(serviceBody(await requireService(req), req.origin));
}

export async function listCredentials(req: RestRequest): Promise<RestResult> {
  const params = readListParams(req.query);
  const page = await withPageToken(() => credentials.listCredentials(req.data, req.caller.accountSid, params.args));
  return json(
    listEnvelope({
      key: 'credentials',
      baseUrl: `${req.origin}/v2/Credentials`,
      filters: [],
      params,
      page,
      items: page.rows.map((c) => credentialBody(c, req.origin)),
    }),
  );
}

export async function fetchCredential(req: RestRequest): Promise<RestResult> {
  const credential = await credentials.getCredential(req.data, req.caller.accountSid, req.params.CredentialSid!);
  if (!credential) throw twilioErrors.notFound(req.path);
  return json(credentialBody(credential, req.origin));
}

export async function listUsers(req: RestRequest): Promise<RestResult> {
  const service = await requireService(req);
  const params = readListParams(req.query);
  const page = await withPageToken(() => users.listUsers(req.data, req.caller.accountSid, service.sid, params.args));
  return json(
    listEnvelope({
      key: 'users',
      baseUrl: `${serviceUrl(req.origin, service.sid)}/Users`,
      filters: [],
      params,
      page,
      items: page.rows.map((u) => userBody(u, req.caller.accountSid, req.origin, 'list')),
    }),
  );
}

export async function fetchUser(req: RestRequest): Promise<RestResult> {
  return json(userBody(await requireUser(req), req.caller.accountSid, req.origin, 'fetch'));
}

export async function listBindings(req: RestRequest): Promise<RestResult> {
  const serviceSid = requireServiceSid(req);
  // The page is scoped to the caller's account, so rows prove the service is
  // theirs: only an empty page, or a refused request, needs the lookup that
  // tells 404 (not the caller's service) apart.
  const { params, filter, page } = await readServicePage(req, serviceSid).catch(async (err: unknown) => {
    await requireService(req);
    throw err;
  });
  if (page.rows.length === 0) await requireService(req);
  return json(
    listEnvelope({
      key: 'bindings',
      baseUrl: `${serviceUrl(req.origin, serviceSid)}/Bindings`,
      filters: [
        ...(filter.bindingTypes ?? []).map((t): [string, string] => ['BindingType', t]),
        ...(filter.identities ?? []).map((i): [string, string] => ['Identity', i]),
      ],
      params,
      page,
      items: page.rows.map((b) => bindingBody(b, req.origin)),
    }),
  );
}

async function readServicePage(req: RestRequest, serviceSid: string) {
  const params = readListParams(req.query);
  const filter: BindingFilter = { bindingTypes: readBindingTypes(req.query), identities: req.query.getAll('Identity') };
  const page = await withPageToken(() => bindings.listBindings(req.data, req.caller.accountSid, 'service', serviceSid, filter, params.args));
  return { params, filter, page };
}

export async function fetchBinding(req: RestRequest): Promise<RestResult> {
  const binding = await findBinding(req, requireServiceSid(req));
  return json(bindingBody(binding, req.origin));
}

export async function deleteBinding(req: RestRequest): Promise<RestResult> {
  const serviceSid = requireServiceSid(req);
  await removeBinding(req, { serviceSid });
  return { status: 204, body: null };
}

export async function listUserBindings(req: RestRequest): Promise<RestResult> {
  const user = await requireUser(req);
  const params = readListParams(req.query);
  const filter: BindingFilter = { bindingTypes: readBindingTypes(req.query) };
  const page = await withPageToken(() => bindings.listBindings(req.data, req.caller.accountSid, 'user', user.sid, filter, params.args));
  return json(
    listEnvelope({
      key: 'bindings',
      // Echo the user segment as requested (identity or sid).
      baseUrl: `${userUrl(req.origin, user.serviceSid, req.params.UserSid!)}/Bindings`,
      filters: (filter.bindingTypes ?? []).map((t): [string, string] => ['BindingType', t]),
      params,
      page,
      items: page.rows.map((b) => userBindingBody(b, req.origin)),
    }),
  );
}

export async function fetchUserBinding(req: RestRequest): Promise<RestResult> {
  const user = await requireUser(req);
  const binding = await findBinding(req, user.serviceSid, user.sid);
  return json(userBindingBody(binding, req.origin));
}

export async function deleteUserBinding(req: RestRequest): Promise<RestResult> {
  const user = await requireUser(req);
  await removeBinding(req, { serviceSid: user.serviceSid, userSid: user.sid });
  return { status: 204, body: null };
}

// ---------------------------------------------------------------------------

function json(body: unknown, status = 200): RestResult {
  return { status, body };
}

/** `BindingType` values (repeatable); 400 for anything but gcm, apn, fcm. */
function readBindingTypes(query: URLSearchParams): BindingType[] {
  const values = query.getAll('BindingType');
  for (const value of values) {
    if (!(BINDING_TYPES as readonly string[]).includes(value)) {
      throw twilioErrors.invalidParameter(`Invalid BindingType ${JSON.stringify(value.slice(0, 64))}: must be one of ${BINDING_TYPES.join(', ')}`);
    }
  }
  return values as BindingType[];
}

/** The path's service when it is the caller's; 404 otherwise, exactly as for one that does not exist. */
async function requireService(req: RestRequest) {
  const sid = req.params.ServiceSid!;
  const [service] = isSid(sid, 'IS') ? await services.getServices(req.data, req.caller.accountSid, [sid]) : [];
  if (!service) throw twilioErrors.notFound(req.path);
  return service;
}

/** The path's service sid, checked only for form: the binding lookup below is scoped by service and account. */
function requireServiceSid(req: RestRequest): string {
  const sid = req.params.ServiceSid!;
  if (!isSid(sid, 'IS')) throw twilioErrors.notFound(req.path);
  return sid;
}

/** The path's user, named by `US…` sid or by identity, within the caller's service. */
async function requireUser(req: RestRequest) {
  const serviceSid = requireServiceSid(req);
  const segment = req.params.UserSid!;
  const by = /^US[0-9a-f]{32}$/.test(segment) ? { sid: segment } : { identity: segment };
  const user = await users.findUser(req.data, req.caller.accountSid, serviceSid, by);
  if (!user) throw twilioErrors.notFound(req.path);
  return user;
}

async function findBinding(req: RestRequest, serviceSid: string, userSid?: string) {
  const sid = req.params.Sid!;
  const binding = isSid(sid, 'BS') ? await bindings.getBinding(req.data, req.caller.accountSid, sid, { serviceSid, userSid }) : null;
  if (!binding) throw twilioErrors.notFound(req.path);
  return binding;
}

async function removeBinding(req: RestRequest, where: bindings.BindingLocation): Promise<void> {
  const sid = req.params.Sid!;
  if (!isSid(sid, 'BS')) throw twilioErrors.notFound(req.path);
  try {
    await bindings.deleteBinding(req.data, { caller: req.caller, frontDoor: 'rest', requestId: req.requestId }, sid, where);
  } catch (err) {
    if (err instanceof NotFoundError) throw twilioErrors.notFound(req.path);
    if (err instanceof ForbiddenError) throw twilioErrors.forbidden(err.message);
    throw err;
  }
}
