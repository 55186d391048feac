export type { AcrAccess } from './acr.js'
export { type AzureFake, type AzureFakeOptions, startAzureFake } from './azure-fake.js'
export { FAKE_AZURE, type FakeAzureDefaults } from './defaults.js'
export { decodeFakeJwt, encodeFakeJwt, type FakeTokenClaims } from './jwt.js'
export type { FakeLroOperation } from './lro.js'
export type { AzureFakeProviderOptions } from './provider-options.js'
export { acrError, armError } from './responses.js'
export type {
  AcrAction,
  AzureFakeState,
  FakeAzureIdentity,
  FakeOperationFailure,
  FakeRegistry,
  FakeRegistryInit,
  FakeScopeMap,
  FakeSku,
  LroStyle,
  OperationFailureFault,
} from './state.js'
export { TEST_TLS_CERT, TEST_TLS_KEY } from './test-certificate.js'
