// Plain Node modules only: the benchmark imports this entry outside vitest. What needs a test
// runner is in `@artifact-registry/test-kit/differential`.
export {
  type EntraAccessToken,
  type FakeAzureCli,
  type FakeAzureCliOptions,
  fakeAzureCli,
} from './azure-cli.js'
export { basicAuth } from './basic-auth.js'
export { type Closable, closeAll } from './close-all.js'
export {
  type ContainersSandbox,
  containersSandbox,
  type SandboxedTool,
} from './containers-sandbox.js'
export { type GrantAndRefuse, grantAndRefuse } from './debug-events.js'
export {
  ALGORITHMS,
  type DigestAlgorithm,
  digestOf,
  EMPTY_JSON,
  EMPTY_JSON_DIGEST,
  randomBlob,
  randomToken,
  sha256,
  unknownDigest,
} from './digest.js'
export { dockerMissing } from './docker-engine.js'
export {
  type DockerRegistry,
  type DockerRegistryOptions,
  HTPASSWD_FIXTURE,
  startDockerRegistry,
} from './docker-registry.js'
export {
  type Descriptor,
  type ImageDigests,
  type LayoutFixture,
  OCI_CONFIG,
  OCI_INDEX,
  OCI_LAYER_GZIP,
  OCI_MANIFEST,
  readBlob,
  readLayout,
  writeMultiArchIndex,
  writeMultiLayerImage,
  writeRandomImage,
} from './oci-layout.js'
export { packageBin } from './package-bin.js'
export { type AnsweredConnection, askOnNewConnection } from './raw-connection.js'
export {
  ADMIN,
  type CliResult,
  type CliServer,
  type RegistryCommand,
  type RegistryProcess,
  registryCommand,
} from './registry-command.js'
export { whereSecretsAre } from './secret-paths.js'
export {
  type SkopeoWorkspace,
  skopeoWorkspace,
  writeAuthFile,
} from './skopeo-workspace.js'
export { stopProcess } from './stop-process.js'
export { type TarEntry, tar } from './tar.js'
export { createSelfSigned, createTestPki, type TestPki, writeCertDir } from './test-pki.js'
export {
  type BinaryName,
  missingRequirement,
  type RunToolOptions,
  requireRoot,
  requireTool,
  runTool,
  runToolExpectingFailure,
  ToolError,
  type ToolName,
  type ToolResult,
} from './tools.js'
export { unusedPort } from './unused-port.js'
