export type {
  ArtifactRegistry,
  ArtifactRegistryCredentials,
  AwsCrossAccountAccess,
  ComputeServiceType,
  CrossAccountAccess,
  CrossAccountPermissions,
  GcpCrossAccountAccess,
  GenerateCredentialsOptions,
  ListRepositoriesOptions,
  Permission,
  RepositoryResponse,
} from './artifact-registry.js'
export { type ParseBindingOptions, parseBinding } from './binding/parse-binding.js'
export type {
  ArtifactRegistryBinding,
  AwsBinding,
  AzureBinding,
  GcpBinding,
  LocalBinding,
  ThirdPartyBinding,
} from './binding/types.js'
export type { Capabilities } from './capabilities.js'
export {
  ArtifactRegistryError,
  type ArtifactRegistryErrorOptions,
  type ConfigIssue,
  ErrorCode,
  isArtifactRegistryError,
} from './errors.js'
export {
  alienBindingEnvVariable,
  bindingEnvVariable,
  createArtifactRegistry,
  loadArtifactRegistry,
  loadBinding,
  registerProvider,
} from './factory.js'
export { describeJsonSyntaxError } from './json-syntax.js'
export { KeyedSerialQueue } from './keyed-serial-queue.js'
export {
  type ResolvedListOptions,
  resolveListOptions,
  sortByName,
} from './list-repositories.js'
export {
  imageNameBudget,
  MAX_IMAGE_NAME_LENGTH,
  MIN_ADAPTED_NAME_LENGTH,
} from './naming/image-name-budget.js'
export {
  assertUsableName,
  isValidPlatformName,
  type PlatformNameOptions,
  toPlatformName,
} from './naming/platform-name.js'
export { NAMING_RULES, type NamingRule, type NamingRuleId } from './naming/rules.js'
export {
  instrument,
  OPERATION_CHANNEL,
  type OperationEvent,
  type OperationName,
} from './operation-events.js'
export { checkPermission } from './permission.js'
export {
  type ErrorContext,
  type ProviderErrorBuilder,
  type ProviderErrorOptions,
  providerError,
} from './provider-error.js'
export type { ProviderLoader, ProviderModule } from './provider-module.js'
export type {
  DeprovisionOptionsBase,
  ProvisionChange,
  ProvisionOptionsBase,
  ProvisionResult,
} from './provision.js'
export {
  ProvisionRecorder,
  provisionRunIssues,
  unknownProvisionFieldIssues,
} from './provision-recorder.js'
export {
  type ResolvedTtl,
  resolveCredentialTtl,
  resolveTtl,
  TTL_RULES,
  type TtlRule,
} from './ttl.js'
export { type KnownOptions, unknownFieldProblem, unknownOptionIssues } from './unknown-options.js'
