export { startAwsFake } from './aws-fake.js'
export type {
  AssumeRoleRecord,
  AuthorizationTokenRecord,
  AwsFake,
  AwsFakeClientConfig,
  AwsFakeOptions,
  AwsFaultKind,
  FakeReplicationRule,
  FakeRepository,
  FakeRoleOptions,
} from './types.js'
