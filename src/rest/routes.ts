import * as handlers from './handlers.js';
import type { Handler } from './request.js';

export type Method = 'GET' | 'DELETE';

export interface Route {
  /** Twilio operation names the route serves. */
  name: string;
  pattern: string;
  methods: Partial<Record<Method, Handler>>;
}

/**
 * Every URL the shim answers; anything else under /v2 is a Twilio-shaped 404.
 * A path parameter's name says what it names (`:ServiceSid`, `:UserSid`,
 * `:CredentialSid`; `:Sid` a binding), whatever Twilio's spec calls it.
 */
export const routes: readonly Route[] = [
  { name: 'ListService', pattern: '/v2/Services', methods: { GET: handlers.listServices } },
  { name: 'FetchService', pattern: '/v2/Services/:ServiceSid', methods: { GET: handlers.fetchService } },
  { name: 'ListUser', pattern: '/v2/Services/:ServiceSid/Users', methods: { GET: handlers.listUsers } },
  { name: 'FetchUser', pattern: '/v2/Services/:ServiceSid/Users/:UserSid', methods: { GET: handlers.fetchUser } },
  { name: 'ListBinding', pattern: '/v2/Services/:ServiceSid/Bindings', methods: { GET: handlers.listBindings } },
  {
    name: 'FetchBinding, DeleteBinding',
    pattern: '/v2/Services/:ServiceSid/Bindings/:Sid',
    methods: { GET: handlers.fetchBinding, DELETE: handlers.deleteBinding },
  },
  {
    name: 'ListUserBinding',
    pattern: '/v2/Services/:ServiceSid/Users/:UserSid/Bindings',
    methods: { GET: handlers.listUserBindings },
  },
  {
    name: 'FetchUserBinding, DeleteUserBinding',
    pattern: '/v2/Services/:ServiceSid/Users/:UserSid/Bindings/:Sid',
    methods: { GET: handlers.fetchUserBinding, DELETE: handlers.deleteUserBinding },
  },
  { name: 'ListCredential', pattern: '/v2/Credentials', methods: { GET: handlers.listCredentials } },
  { name: 'FetchCredential', pattern: '/v2/Credentials/:CredentialSid', methods: { GET: handlers.fetchCredential } },
];
