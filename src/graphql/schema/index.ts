import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.js';
// Each type file registers its fields on the builder.
import './account.js';
import './binding.js';
import './binding-filter.js';
import './credential.js';
import './events.js';
import './prune.js';
import './registration.js';
import './service.js';
import './stats.js';
import './user.js';

export const schema = lexicographicSortSchema(builder.toSchema());
