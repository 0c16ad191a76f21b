import type { BindingType } from '../../generated/prisma/client.js';
import { fixedSid } from './random.js';

// What the demo data holds: accounts, their credentials and services, and how
// each service's users and devices are distributed.

export type Platform = 'ios' | 'android-fcm' | 'android-gcm';
export type Weighted<T> = ReadonlyArray<readonly [T, number]>;

export interface CredentialSpec {
  key: string;
  friendlyName: string;
  type: BindingType;
  sandbox: boolean;
  createdDaysAgo: number;
}

export interface ServiceSpec {
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

export type IdentityStyle = { kind: 'email'; domains: Weighted<string> } | { kind: 'numbered'; prefix: string; label: string };

export interface AccountSpec {
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

export const ACCOUNTS: readonly AccountSpec[] = [
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
        identities: {
          kind: 'email',
          domains: [
            ['example.com', 6],
            ['example.org', 2],
            ['example.net', 2],
            ['mail.example.com', 1],
          ],
        },
        devices: [
          [0, 5],
          [1, 30],
          [2, 34],
          [3, 18],
          [4, 8],
          [5, 5],
        ],
        platforms: [
          ['ios', 47],
          ['android-fcm', 43],
          ['android-gcm', 10],
        ],
        credentials: {
          apn: [
            ['acme-apn-prod', 95],
            ['acme-apn-dev', 4.5],
            [null, 0.5],
          ],
          gcm: [
            ['acme-gcm', 99],
            [null, 1],
          ],
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
        devices: [
          [1, 40],
          [2, 40],
          [3, 20],
        ],
        platforms: [
          ['ios', 50],
          ['android-fcm', 45],
          ['android-gcm', 5],
        ],
        credentials: { apn: [['acme-apn-dev', 1]], gcm: [['acme-gcm', 1]], fcm: [['acme-fcm', 1]] },
        messageTypes: CONSUMER_MESSAGE_TYPES,
      },
      {
        key: 'acme-support-desk',
        friendlyName: 'Acme Support Desk',
        createdDaysAgo: 400,
        users: 140,
        identities: { kind: 'email', domains: [['support.example.com', 1]] },
        devices: [
          [1, 55],
          [2, 40],
          [3, 5],
        ],
        platforms: [
          ['ios', 60],
          ['android-fcm', 40],
        ],
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
        devices: [
          [1, 60],
          [2, 35],
          [3, 5],
        ],
        platforms: [
          ['ios', 35],
          ['android-fcm', 65],
        ],
        credentials: {
          apn: [
            ['globex-apn', 92],
            ['globex-apn-dev', 8],
          ],
          fcm: [['globex-fcm', 1]],
        },
        messageTypes: WORK_MESSAGE_TYPES,
      },
    ],
  },
];

/** SIDs of the demo accounts, first account first. */
export const DEMO_ACCOUNT_SIDS: readonly string[] = ACCOUNTS.map((a) => fixedSid('AC', `account:${a.key}`));

/** SIDs of each account's services, in the order the summary lists them. */
export const DEMO_SERVICE_SIDS: readonly (readonly string[])[] = ACCOUNTS.map((a) => a.services.map((s) => fixedSid('IS', `service:${s.key}`)));

/** The big service ("Acme Chat", first account): thousands of bindings. */
export const DEMO_BIG_SERVICE_SID: string = DEMO_SERVICE_SIDS[0]![0]!;

export const DEMO_API_KEY_SID: string = fixedSid('SK', 'api-key:acme');
