export type {
  AccessRequest,
  AuthorizeInput,
  AuthorizeResult,
  Authorizer,
  RegistryAction,
} from './registry-server/auth/authorizer.js'
export {
  adminOnlyAuthorizer,
  anonymousAuthorizer,
  parseBasic,
} from './registry-server/auth/builtin-authorizers.js'
export type { GarbageCollectionResult } from './registry-server/maintenance.js'
export type { LocalRegistryOptions } from './registry-server/options.js'
export { type LocalRegistry, startLocalRegistry } from './registry-server/start-local-registry.js'

/** Platform id of the local provider. */
export const PLATFORM = 'local'
