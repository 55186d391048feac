export { type AdminCredentials, hashAdminPassword } from './auth/admin-account.js'
export type {
  AccessRequest,
  AuthorizedRequest,
  AuthorizeInput,
  AuthorizeResult,
  Authorizer,
  RegistryAction,
  RegistryEndpoint,
} from './auth/authorizer.js'
export { anonymousAuthorizer, parseBasic } from './auth/builtin-authorizers.js'
export type { MintedCredential } from './auth/credential-store.js'
export type { CredentialsToRevoke } from './auth/revocation.js'
export type { CommandFlags as ServeFlags } from './cli/flags.js'
export { type ServeReporter, serve as serveRegistry } from './cli/serve.js'
export type { LogEvent, LogLevel, LogSink } from './log.js'
export type { GarbageCollectionResult } from './maintenance.js'
export type { LocalRegistryOptions, RegistryTlsOptions } from './options.js'
export { type LocalRegistry, startLocalRegistry } from './start-local-registry.js'
export {
  REMEMBERED_PORT_FILE,
  type RememberedPort,
  readRememberedPort,
} from './storage/remembered-port.js'
export { whyDataDirectoryUnusable } from './storage/unusable-data-directory.js'
export type { AuthServiceOptions } from './token-service/auth-service.js'
export {
  startTokenService,
  type TokenService,
  type TokenServiceOptions,
} from './token-service/start-token-service.js'
