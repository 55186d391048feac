export { expectCode, uniqueName } from './context.js'
export { artifactRegistryContractSuite } from './contract-suite.js'
export { failingContractTests } from './failing-tests.js'
export {
  type OperationEventRecorder,
  type OperationPhase,
  type RecordedOperationEvent,
  recordOperationEvents,
} from './operation-events.js'
export { capabilityTests } from './suites/capabilities.js'
export { credentialTests } from './suites/credentials.js'
export { crossAccountTests, normalize, SAMPLE_ACCESS } from './suites/cross-account.js'
export { dataPlaneTests } from './suites/data-plane.js'
export { GRANTEE_IDENTITIES } from './suites/data-plane-grants.js'
export { lifecycleTests } from './suites/lifecycle.js'
export { listRepositoryTests } from './suites/list-repositories.js'
export { INVALID_NAMES, namingTests } from './suites/naming.js'
export type {
  ContractGroup,
  ContractSuiteOptions,
  ContractTestContext,
  ContractTestFn,
  ContractTestRunner,
  DataPlaneOptions,
  GranteeIdentity,
  GranteeOptions,
} from './types.js'
