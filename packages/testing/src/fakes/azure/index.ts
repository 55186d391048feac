export {
  type BasicCredentials,
  type BasicVerification,
  type BasicVerifier,
  NULL_GUID_USERNAME,
  type TokenAccess,
  type TokenGrant,
} from './acr-grants.js'
export { DEFAULT_ARM_PAGE_LIMIT } from './arm-pages.js'
export {
  type AzureFake,
  type AzureFakeDataPlane,
  type AzureFakeOptions,
  startAzureFake,
} from './azure-fake.js'
export type { RepositoryContent } from './data-plane-content.js'
export { FAKE_AZURE, type FakeAzureDefaults } from './defaults.js'
export { decodeFakeJwt, encodeFakeJwt, type FakeTokenClaims } from './jwt.js'
export type { FakeLroOperation } from './lro.js'
export type { AzureFakeProviderOptions } from './provider-options.js'
export { ACR_RESOURCE_QUOTAS } from './quotas.js'
export { acrError, armError } from './responses.js'
export type {
  AcrAction,
  AcrRole,
  AzureFakeState,
  FakeAzureIdentity,
  FakeOperationFailure,
  FakeRegistry,
  FakeRegistryInit,
  FakeScopeMap,
  FakeSku,
  FakeToken,
  FakeTokenPassword,
  LroStyle,
  OperationFailureFault,
} from './state.js'
export { TEST_TLS_CERT, TEST_TLS_KEY } from './test-certificate.js'
