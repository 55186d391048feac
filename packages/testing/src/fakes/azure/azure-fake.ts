import {
  type FakeRequest,
  type FakeResponse,
  type FakeServer,
  type InjectedAnswer,
  startFakeServer,
} from '../fake-server.js'
import type { FaultKind, FaultOptions } from '../faults.js'
import type { InjectOptions } from '../operation-queues.js'
import { type AcrContext, acrOperation, acrRoute } from './acr.js'
import { acrTokenVerifier } from './acr-grants.js'
import { type ArmContext, armOperation, armRoute } from './arm.js'
import { DEFAULT_ARM_PAGE_LIMIT } from './arm-pages.js'
import { FakeClock } from './clock.js'
import { AcrDataPlane } from './data-plane.js'
import { DataPlaneContent, type RepositoryContent } from './data-plane-content.js'
import { defaultIdentity, FAKE_AZURE, withDefaults } from './defaults.js'
import { entraOperation, entraRoute } from './entra.js'
import { AzureFakeHandle } from './fake-handle.js'
import type { FakeTokenClaims } from './jwt.js'
import type { LoginServerContext } from './login-server.js'
import { LoginServers } from './login-servers.js'
import { type FakeLroOperation, LroEngine } from './lro.js'
import type { AzureFakeProviderOptions } from './provider-options.js'
import { ACR_RESOURCE_QUOTAS } from './quotas.js'
import { acrError } from './responses.js'
import {
  type AzureFakeState,
  emptyState,
  type FakeAzureIdentity,
  type FakeRegistry,
  type FakeRegistryInit,
  type FakeScopeMap,
  type FakeSku,
  type FakeToken,
  type LroStyle,
  type OperationFailureFault,
} from './state.js'
import { TEST_TLS_CERT, TEST_TLS_KEY } from './test-certificate.js'
import { tokenPasswordVerifier } from './token-passwords.js'

/** Options of {@link startAzureFake}. */
export interface AzureFakeOptions {
  /** Registries that exist from the start. @default one Standard registry, `FAKE_AZURE.registryName` */
  registries?: readonly FakeRegistryInit[]
  /** Service principals the fake Entra ID accepts. @default the `FAKE_AZURE` client, allowed everything */
  identities?: readonly FakeAzureIdentity[]
  /** How ARM long-running operations answer. @default 'azure-async-operation' */
  lroStyle?: LroStyle
  /** Polls answered "in progress" before an operation finishes. @default 1 */
  pollsBeforeDone?: number
  /**
   * Lifetime of ACR access tokens. ACR decides it; Microsoft's published example token lives 75
   * minutes. @default 4500
   */
  accessTokenLifetimeSeconds?: number
  /** Lifetime of ACR refresh tokens (those of `az acr login` last 3 hours). @default 10800 */
  refreshTokenLifetimeSeconds?: number
  /**
   * Whether `/oauth2/exchange` takes Entra ID tokens for the ARM audience, as ACR does unless the
   * registry's `azureADAuthenticationAsArmPolicy` is disabled. `false` is the registry under the
   * built-in Azure Policy "Container registries should have ARM audience token authentication
   * disabled": only tokens for `https://containerregistry.azure.net` are exchanged, an ARM one
   * gets 401. @default true
   */
  armAudienceTokens?: boolean
  /**
   * Scope maps, and tokens, a registry of each SKU may hold (two quotas, counted separately);
   * creating one more is refused with ARM's 400 `QuotaExceeded`. Azure Support raises them for a
   * registry; lower ones make a quota test quick. @default ACR_RESOURCE_QUOTAS (Basic 100,
   * Standard 500, Premium 50,000)
   */
  resourceQuotas?: Partial<Record<FakeSku, number>>
  /**
   * The most resources one page of an ARM list (scope maps, tokens, role assignments) holds; the
   * rest follow through the page's `nextLink`, as ARM pages lists at a size of its choosing.
   * @default {@link DEFAULT_ARM_PAGE_LIMIT} (20)
   */
  armPageLimit?: number
  /**
   * The most names one page of the registry's `GET /v2/_catalog` or `tags/list` holds, whatever
   * `n` asks; the rest follow through the page's `Link`, as ACR pages them. @default no limit
   */
  catalogPageLimit?: number
}

/** Where the fake's registry (its OCI API) listens, for clients such as skopeo. */
export interface AzureFakeDataPlane {
  /** `127.0.0.1:{port}`: the login server, as credentials name it. */
  readonly registry: string
  /** Always `true`: ACR serves HTTPS only. */
  readonly tls: true
  /** PEM of the certificate to trust as a CA (the fake's test certificate). */
  readonly caCertificate: string
}

/**
 * A running Azure fake: Entra ID, ARM (`Microsoft.ContainerRegistry` registries, scope maps,
 * tokens and their passwords; `Microsoft.Authorization` custom role definitions and role
 * assignments) and the ACR data plane (token endpoints and a real OCI registry) on one HTTPS port
 * of 127.0.0.1; a registry seeded or created through ARM gets a login server of its own, on
 * another port, gone again when ARM deletes the registry. Operation names in the request log
 * (the fake's own port) and for `inject`:
 * `entra.openidConfiguration`, `entra.token`,
 * `registries.{get,create,delete,generateCredentials,checkNameAvailability}`,
 * `scopeMaps.{list,get,create,update,delete}`, `tokens.{list,get,create,delete}`,
 * `roleDefinitions.{get,create,delete}`, `roleAssignments.{list,get,create,delete}`,
 * `operationStatuses.get`, `operationResults.get`, `acr.exchange`, `acr.token`,
 * `acr.deleteRepository`, `acr.v2` (every request of the OCI API, `/v2/…`).
 */
export interface AzureFake extends FakeServer {
  /** `127.0.0.1:{port}`: the registry's login server (data plane). */
  readonly loginServer: string
  /** The registry's OCI API: where credentials are used, and the CA to trust for it. */
  readonly dataPlane: AzureFakeDataPlane
  /** The fake's time in milliseconds since the epoch: what expires in it is judged by it. */
  now(): number
  /**
   * Move the fake's time forward: every ACR token it issued (refresh and access tokens) is that
   * much closer to its expiry, for the token endpoints and the registry alike, so a test makes a
   * credential expire at once. Entra ID tokens keep the machine's time, as the Azure SDK caches
   * them by it. `providerOptions()` gives the provider this clock too.
   * @throws TypeError unless `seconds` is a finite number ≥ 0.
   */
  advanceClock(seconds: number): void
  /** PEM of the certificate the fake serves; trust it as a CA in every client. */
  readonly ca: string
  /**
   * Options of `azure()` (from `@artifact-registry/provider-azure`) that point the provider at
   * this fake and nowhere else: a registry's coordinates, a `ClientSecretCredential` of the
   * fake's first identity that signs in at the fake's Entra ID, the registry's own login server
   * (the first registry's is `loginServer`, every other has a port of its own), ARM, and the
   * fake's certificate as the only trusted CA. Spread it last:
   * `await azure({ repositoryPrefix: 'team-a', ...fake.providerOptions() })`. Each call makes a new
   * credential.
   * @param registryName A registry the fake holds (seeded, or created through ARM). @default the
   *   first registry it started with
   * @throws TypeError when the fake holds no registry of that name.
   */
  providerOptions(registryName?: string): AzureFakeProviderOptions
  /** Options for `new ClientSecretCredential(tenant, client, secret, options)`. */
  readonly credentialOptions: {
    authorityHost: string
    disableInstanceDiscovery: true
    tlsOptions: { ca: string }
  }
  /** Options for `new ContainerRegistryManagementClient(credential, subscription, options)`. */
  readonly armClientOptions: {
    endpoint: string
    tlsOptions: { ca: string }
    credentials: { scopes: string[] }
  }
  /** How new long-running operations answer; may be changed between calls. */
  lroStyle: LroStyle
  /** Polls answered "in progress" before an operation finishes; may be changed between calls. */
  pollsBeforeDone: number
  /** The fake's state, for assertions. */
  readonly state: AzureFakeState
  /**
   * Answer the next `options.times` requests of `operation` with a named fault in the error
   * shape of its plane (ARM, the ACR data plane, Entra ID), or with a response of your own; or
   * run `{ before }` first.
   * @throws TypeError for a fault name the fake does not know, or one the plane lacks.
   */
  inject(operation: string, fault: FaultKind | InjectedAnswer, options?: FaultOptions): void
  /**
   * Let the next `options.times` long-running `operation`s start as usual, then end in
   * `operationFailure` (an ARM error): a failed create leaves nothing behind, a failed delete
   * leaves the resource.
   * @throws TypeError for an operation that is not long-running.
   */
  inject(operation: FakeLroOperation, fault: OperationFailureFault, options?: InjectOptions): void
  /**
   * Add a registry directly, already provisioned (one of the same name is replaced), with a login
   * server of its own (its own images, tokens and passwords); resolves to it as stored.
   */
  seedRegistry(init: FakeRegistryInit): Promise<FakeRegistry>
  /**
   * Push a small image to `repository:tag` of the data plane (the repository appears, as on a
   * push); resolves to its manifest digest.
   * @param tag @default 'latest'
   */
  seedImage(repository: string, tag?: string): Promise<string>
  /** The repositories of the first registry's data plane that hold anything, sorted. */
  getRepositories(): Promise<string[]>
  /** The tags and manifest digests of a repository, or `undefined` when it holds nothing. */
  getRepositoryContent(repository: string): Promise<RepositoryContent | undefined>
  /** The scope maps of every registry. */
  getScopeMaps(): FakeScopeMap[]
  /** The ACR tokens (`registries/tokens`) of every registry, with their passwords. */
  getTokens(): FakeToken[]
  /** The claims of a token the fake issued (or any JWT-shaped token). */
  decodeToken(token: string): FakeTokenClaims | undefined
}

/**
 * Start the Azure fake. The real Azure SDK and `ClientSecretCredential` talk to it when given its
 * URL and its certificate as CA (see `providerOptions`, or `credentialOptions` and
 * `armClientOptions` for SDK clients of your own). `reset()` forgets the request log and
 * injected faults; resources, images and issued tokens stay (credentials cache tokens).
 *
 * @example
 * ```ts
 * await using fake = await startAzureFake()
 * const registry = await azure({ repositoryPrefix: 'team-a', ...fake.providerOptions() })
 * ```
 */
export async function startAzureFake(options: AzureFakeOptions = {}): Promise<AzureFake> {
  // Checked before anything starts: a refused option leaves no server running.
  const pageLimit = pageLimitOption('armPageLimit', options.armPageLimit) ?? DEFAULT_ARM_PAGE_LIMIT
  const catalogPageLimit = pageLimitOption('catalogPageLimit', options.catalogPageLimit)
  const state = emptyState()
  const clock = new FakeClock()
  const lro = new LroEngine(
    options.lroStyle ?? 'azure-async-operation',
    options.pollsBeforeDone ?? 1,
  )
  const identities = options.identities ?? [defaultIdentity()]
  state.basicVerifiers.push(acrTokenVerifier(state, identities), tokenPasswordVerifier(state))
  const quotas = { ...ACR_RESOURCE_QUOTAS, ...options.resourceQuotas }
  const dataPlane = await AcrDataPlane.start({ state, clock }, catalogPageLimit)
  const content = new DataPlaneContent(dataPlane)
  const login: LoginServerContext = {
    state,
    identities,
    clock,
    accessTokenSeconds: options.accessTokenLifetimeSeconds ?? 4500,
    refreshTokenSeconds: options.refreshTokenLifetimeSeconds ?? 10_800,
    armAudienceTokens: options.armAudienceTokens ?? true,
  }
  const acr: AcrContext = { ...login, content }
  const loginServers = new LoginServers(login)
  const arm: ArmContext = { state, identities, lro, clock, quotas, loginServers, pageLimit }
  const route = (request: FakeRequest): FakeResponse | Promise<FakeResponse> => {
    const operation = operationOf(request)
    if (operation.startsWith('entra.')) return entraRoute(request, { state, identities })
    if (operation.startsWith('acr.')) return acrRoute(request, operation, acr)
    if (operation !== 'unknown') return armRoute(request, operation, arm)
    return acrError(404, 'NOT_FOUND', `no route for ${request.method} ${request.url.pathname}`)
  }
  let server: FakeServer
  try {
    server = await startFakeServer({
      name: 'azure-fake',
      tls: { key: TEST_TLS_KEY, cert: TEST_TLS_CERT },
      operationOf,
      route,
      streamed: dataPlane.streamed,
    })
  } catch (err) {
    await dataPlane.close()
    throw err
  }
  dataPlane.attach(`127.0.0.1:${server.port}`)
  const registries = (options.registries ?? [{ name: FAKE_AZURE.registryName }]).map(withDefaults)
  const handle = new AzureFakeHandle(server, {
    state,
    lro,
    clock,
    dataPlane,
    content,
    registries,
    identity: identities[0] ?? defaultIdentity(),
    loginServers,
  })
  try {
    // The first registry is served on the fake's own port; each other one on a port of its own.
    for (const init of registries.slice(1)) await handle.seedRegistry(init)
  } catch (err) {
    await handle.close()
    throw err
  }
  return handle
}

// --- Internal ---

function operationOf(request: FakeRequest): string {
  return entraOperation(request) ?? armOperation(request) ?? acrOperation(request) ?? 'unknown'
}

/** A page-limit option, checked: a whole number of at least 1, or not given. */
function pageLimitOption(option: string, limit: number | undefined): number | undefined {
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
    throw new TypeError(`[azure-fake] ${option} must be a whole number of at least 1`)
  }
  return limit
}
