export { fromBinding, LocalProvider, local } from './local-provider.js'
export { MARKER_ARTIFACT_TYPE, MARKER_DIGEST } from './marker.js'
export type { LocalProviderOptions } from './options.js'
export { PLATFORM } from './platform.js'
export {
  type AdminCredentials,
  hashAdminPassword,
} from './registry-server/auth/admin-account.js'
export type {
  AccessRequest,
  AuthorizeInput,
  AuthorizeResult,
  Authorizer,
  RegistryAction,
} from './registry-server/auth/authorizer.js'
export { anonymousAuthorizer, parseBasic } from './registry-server/auth/builtin-authorizers.js'
export type { MintedCredential } from './registry-server/auth/credential-store.js'
export type { LogEvent, LogLevel, LogSink } from './registry-server/log.js'
export type { GarbageCollectionResult } from './registry-server/maintenance.js'
export type { LocalRegistryOptions, RegistryTlsOptions } from './registry-server/options.js'
export { type LocalRegistry, startLocalRegistry } from './registry-server/start-local-registry.js'
export type { AuthServiceOptions } from './token-service/auth-service.js'
export {
  startTokenService,
  type TokenService,
  type TokenServiceOptions,
} from './token-service/start-token-service.js'
