import type { FakeServer, InjectedAnswer, RecordedRequest } from '../fake-server.js'
import { type FaultKind, type FaultOptions, namedFaultInjector } from '../faults.js'
import type { AzureFake, AzureFakeDataPlane } from './azure-fake.js'
import type { FakeClock } from './clock.js'
import type { AcrDataPlane } from './data-plane.js'
import type { DataPlaneContent, RepositoryContent } from './data-plane-content.js'
import { FAKE_AZURE, withDefaults } from './defaults.js'
import { azureErrorPlane } from './faults.js'
import { decodeFakeJwt, type FakeTokenClaims } from './jwt.js'
import type { LoginServers } from './login-servers.js'
import { checkedFailure, type FakeLroOperation, LRO_OPERATIONS, type LroEngine } from './lro.js'
import { type AzureFakeProviderOptions, azureProviderOptions } from './provider-options.js'
import { addRegistry } from './registries.js'
import type {
  AzureFakeState,
  FakeAzureIdentity,
  FakeRegistry,
  FakeRegistryInit,
  FakeRegistrySeed,
  FakeScopeMap,
  FakeToken,
  LroStyle,
  OperationFailureFault,
} from './state.js'
import { registryKey } from './state.js'
import { TEST_TLS_CERT } from './test-certificate.js'

/** @internal What a handle wraps besides the server. */
export interface FakeParts {
  readonly state: AzureFakeState
  readonly lro: LroEngine
  readonly clock: FakeClock
  readonly dataPlane: AcrDataPlane
  readonly content: DataPlaneContent
  /** The registries the fake holds from the start. */
  readonly registries: readonly FakeRegistrySeed[]
  /** The identity `providerOptions()` signs in as. */
  readonly identity: FakeAzureIdentity
  /** The login servers of further registries, seeded or created through ARM. */
  readonly loginServers: LoginServers
}

/** @internal The {@link AzureFake} returned by `startAzureFake`: the server plus Azure state. */
export class AzureFakeHandle implements AzureFake {
  readonly name: string
  readonly url: string
  readonly port: number
  readonly loginServer: string
  readonly dataPlane: AzureFakeDataPlane
  readonly ca: string = TEST_TLS_CERT
  readonly credentialOptions: AzureFake['credentialOptions']
  readonly armClientOptions: AzureFake['armClientOptions']
  readonly state: AzureFakeState
  readonly #server: FakeServer
  readonly #parts: FakeParts
  readonly #injectNamed: (
    operation: string,
    fault: FaultKind | InjectedAnswer,
    options?: FaultOptions,
  ) => void

  constructor(server: FakeServer, parts: FakeParts) {
    this.#server = server
    this.#parts = parts
    this.#injectNamed = namedFaultInjector(server, azureErrorPlane)
    this.state = parts.state
    this.name = server.name
    this.url = server.url
    this.port = server.port
    this.loginServer = `127.0.0.1:${server.port}`
    this.dataPlane = { registry: this.loginServer, tls: true, caCertificate: TEST_TLS_CERT }
    this.credentialOptions = {
      authorityHost: server.url,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: TEST_TLS_CERT },
    }
    this.armClientOptions = {
      endpoint: server.url,
      tlsOptions: { ca: TEST_TLS_CERT },
      // The real scope, not `${endpoint}/.default`, which the SDK would derive from the endpoint.
      credentials: { scopes: ['https://management.azure.com/.default'] },
    }
    const first = parts.registries[0]
    if (first !== undefined) {
      const registry = addRegistry(this.state, first)
      this.state.loginServers.set(this.loginServer, keyOf(registry))
    }
  }

  get requests(): readonly RecordedRequest[] {
    return this.#server.requests
  }

  get lroStyle(): LroStyle {
    return this.#parts.lro.style
  }

  set lroStyle(style: LroStyle) {
    this.#parts.lro.style = style
  }

  get pollsBeforeDone(): number {
    return this.#parts.lro.pollsBeforeDone
  }

  set pollsBeforeDone(polls: number) {
    this.#parts.lro.pollsBeforeDone = polls
  }

  now(): number {
    return this.#parts.clock.now()
  }

  advanceClock(seconds: number): void {
    this.#parts.clock.advance(seconds)
  }

  requestsFor(operation: string): RecordedRequest[] {
    return this.#server.requestsFor(operation)
  }

  inject(
    operation: string,
    fault: FaultKind | InjectedAnswer | OperationFailureFault,
    options?: FaultOptions,
  ): void {
    if (typeof fault !== 'object' || fault === null || !('operationFailure' in fault)) {
      this.#injectNamed(operation, fault, options)
      return
    }
    if (!isLroOperation(operation)) {
      throw new TypeError(
        `[azure-fake] an operationFailure needs a long-running operation (${LRO_OPERATIONS.join(', ')}), not ${operation}`,
      )
    }
    if (options?.retryAfterSeconds !== undefined) {
      throw new TypeError('[azure-fake] retryAfterSeconds goes with a named fault')
    }
    this.#parts.lro.failNext(operation, checkedFailure(fault.operationFailure), options)
  }

  providerOptions(registryName?: string): AzureFakeProviderOptions {
    const name = registryName ?? this.#parts.registries[0]?.name ?? FAKE_AZURE.registryName
    const registry = [...this.state.registries.values()].find(
      (r) => r.name.toLowerCase() === name.toLowerCase(),
    )
    if (registry === undefined) {
      throw new TypeError(
        `[azure-fake] no registry named ${name}: seed it with seedRegistry() or the registries option`,
      )
    }
    const loginServer = this.#parts.loginServers.of(keyOf(registry))
    if (loginServer === undefined) {
      throw new TypeError(`[azure-fake] registry ${name} is being deleted: it has no login server`)
    }
    const { identity, clock } = this.#parts
    return azureProviderOptions(
      { url: this.url, ca: this.ca, loginServer },
      registry,
      identity,
      clock,
    )
  }

  async seedRegistry(init: FakeRegistryInit): Promise<FakeRegistry> {
    const registry = addRegistry(this.state, withDefaults(init))
    await this.#parts.loginServers.ensure(keyOf(registry))
    return registry
  }

  seedImage(repository: string, tag = 'latest'): Promise<string> {
    return this.#parts.content.pushImage(repository, tag)
  }

  getRepositories(): Promise<string[]> {
    return this.#parts.content.repositories()
  }

  getRepositoryContent(repository: string): Promise<RepositoryContent | undefined> {
    return this.#parts.content.content(repository)
  }

  getScopeMaps(): FakeScopeMap[] {
    return [...this.state.scopeMaps.values()]
  }

  getTokens(): FakeToken[] {
    return [...this.state.tokens.values()]
  }

  decodeToken(token: string): FakeTokenClaims | undefined {
    return decodeFakeJwt(token)
  }

  /** Forget the request log and injected faults; resources, images and issued tokens stay. */
  reset(): void {
    this.#server.reset()
    this.#parts.lro.clearFailures()
  }

  async close(): Promise<void> {
    await this.#parts.loginServers.closeAll()
    await this.#server.close()
    await this.#parts.dataPlane.close()
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}

// --- Internal ---

function isLroOperation(operation: string): operation is FakeLroOperation {
  return (LRO_OPERATIONS as readonly string[]).includes(operation)
}

function keyOf(registry: FakeRegistry): string {
  return registryKey(registry.subscriptionId, registry.resourceGroup, registry.name)
}
