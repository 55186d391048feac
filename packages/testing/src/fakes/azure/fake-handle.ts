import type { FakeResponse, FakeServer, RecordedRequest } from '../fake-server.js'
import type { AzureFake, FakeLroOperation } from './azure-fake.js'
import { FAKE_AZURE, withDefaults } from './defaults.js'
import { decodeFakeJwt, type FakeTokenClaims } from './jwt.js'
import type { LroEngine } from './lro.js'
import { type AzureFakeProviderOptions, azureProviderOptions } from './provider-options.js'
import { addRegistry } from './registries.js'
import type {
  AzureFakeState,
  FakeAzureIdentity,
  FakeOperationFailure,
  FakeRegistryInit,
  FakeScopeMap,
  LroStyle,
} from './state.js'
import { TEST_TLS_CERT } from './test-certificate.js'

/** @internal What a handle wraps besides the server. */
export interface FakeParts {
  readonly state: AzureFakeState
  readonly lro: LroEngine
  /** The registries to hold after start and after every `reset()`. */
  readonly registries: readonly Required<FakeRegistryInit>[]
  /** The identity `providerOptions()` signs in as. */
  readonly identity: FakeAzureIdentity
}

/** @internal The {@link AzureFake} returned by `startAzureFake`: the server plus Azure state. */
export class AzureFakeHandle implements AzureFake {
  readonly url: string
  readonly port: number
  readonly loginServer: string
  readonly ca: string = TEST_TLS_CERT
  readonly credentialOptions: AzureFake['credentialOptions']
  readonly armClientOptions: AzureFake['armClientOptions']
  readonly state: AzureFakeState
  readonly #server: FakeServer
  readonly #parts: FakeParts

  constructor(server: FakeServer, parts: FakeParts) {
    this.#server = server
    this.#parts = parts
    this.state = parts.state
    this.url = server.url
    this.port = server.port
    this.loginServer = `127.0.0.1:${server.port}`
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
    this.#seed()
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

  requestsFor(operation: string): RecordedRequest[] {
    return this.#server.requestsFor(operation)
  }

  inject(operation: string, response: FakeResponse, times?: number): void {
    this.#server.inject(operation, response, times)
  }

  providerOptions(registryName?: string): AzureFakeProviderOptions {
    const name = registryName ?? this.#parts.registries[0]?.name ?? FAKE_AZURE.registryName
    const registry = [...this.state.registries.values()].find(
      (r) => r.name.toLowerCase() === name.toLowerCase(),
    )
    if (registry === undefined) {
      throw new TypeError(
        `[azure-fake] no registry named ${name}: add it with addRegistry() or the registries option`,
      )
    }
    return azureProviderOptions(this, registry, this.#parts.identity)
  }

  failNextOperation(operation: FakeLroOperation, failure: FakeOperationFailure): void {
    const queue = this.state.failures.get(operation) ?? []
    queue.push(failure)
    this.state.failures.set(operation, queue)
  }

  pushImage(repository: string, tag = 'latest'): void {
    const tags = this.state.repositories.get(repository) ?? new Set<string>()
    tags.add(tag)
    this.state.repositories.set(repository, tags)
  }

  scopeMaps(): FakeScopeMap[] {
    return [...this.state.scopeMaps.values()]
  }

  addRegistry(init: FakeRegistryInit): void {
    addRegistry(this.state, withDefaults(init))
  }

  decodeToken(token: string): FakeTokenClaims | undefined {
    return decodeFakeJwt(token)
  }

  /** Forget the log, faults, operations and resources; keep issued tokens (credentials cache them). */
  reset(): void {
    this.#server.reset()
    this.#parts.lro.clear()
    const { registries, scopeMaps, repositories, failures } = this.state
    for (const map of [registries, scopeMaps, repositories, failures]) map.clear()
    this.#seed()
  }

  close(): Promise<void> {
    return this.#server.close()
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  #seed(): void {
    for (const init of this.#parts.registries) addRegistry(this.state, init)
  }
}
