import type { AccountProfile } from '../../domain/accounts.js';
import type { Binding } from '../../domain/bindings.js';
import type { Credential } from '../../domain/credentials.js';
import type { Service } from '../../domain/services.js';
import type { User } from '../../domain/users.js';
import { builder } from './builder.js';

// Declared apart from their fields so the type files can refer to each other.
export const AccountRef = builder.objectRef<AccountProfile>('Account');
export const ServiceRef = builder.objectRef<Service>('Service');
export const UserRef = builder.objectRef<User>('User');
export const CredentialRef = builder.objectRef<Credential>('Credential');
export const BindingRef = builder.objectRef<Binding>('Binding');

export const BindingTypeEnum = builder.enumType('BindingType', {
  description: 'The push technology of a binding or credential.',
  values: {
    APN: { value: 'apn', description: 'Apple Push Notification service' },
    GCM: { value: 'gcm', description: 'Google Cloud Messaging' },
    FCM: { value: 'fcm', description: 'Firebase Cloud Messaging' },
  } as const,
});
