export { startAwsFake } from './aws-fake.js'
export type { ForeignCredentials, ForeignIdentityRequest } from './foreign-identities.js'
export type {
  AssumeRoleRecord,
  AuthorizationTokenRecord,
  AwsFake,
  AwsFakeClientConfig,
  AwsFakeDataPlane,
  AwsFakeOptions,
  AwsFakeProviderOptions,
  AwsFaultKind,
  FakeReplicationRule,
  FakeRepository,
  FakeRole,
  FakeRoleOptions,
  SeedPrincipalOptions,
} from './types.js'
