export { startAwsFake } from './aws-fake.js'
export type {
  AssumeRoleRecord,
  AuthorizationTokenRecord,
  AwsFake,
  AwsFakeClientConfig,
  AwsFakeOptions,
  AwsFakeProviderOptions,
  AwsFaultKind,
  FakeReplicationRule,
  FakeRepository,
  FakeRoleOptions,
} from './types.js'
