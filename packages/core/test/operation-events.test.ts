import { AsyncLocalStorage } from 'node:async_hooks'
import { tracingChannel } from 'node:diagnostics_channel'
import { afterEach, describe, expect, it } from 'vitest'
import type {
  ArtifactRegistry,
  ArtifactRegistryCredentials,
  GenerateCredentialsOptions,
  ListRepositoriesOptions,
  Permission,
  RepositoryResponse,
} from '../src/artifact-registry.js'
import { ArtifactRegistryError } from '../src/errors.js'
import { createArtifactRegistry, registerProvider } from '../src/factory.js'
import { instrument, OPERATION_CHANNEL, type OperationEvent } from '../src/operation-events.js'
import { TTL_RULES } from '../src/ttl.js'
import { testCapabilities } from './support/stub-provider.js'

const PASSWORD = 'pa55-never-published'
const TOKEN = 'tok-never-published'

/** A provider that keeps its state in private fields, as the built-in ones do. */
class PrivateStateProvider implements ArtifactRegistry {
  readonly platform = 'private-state'
  readonly capabilities = testCapabilities(TTL_RULES.local)
  readonly registryEndpoint = 'http://127.0.0.1:1'
  readonly #repositories = new Set<string>()
  #closed = 0

  get closedCount(): number {
    return this.#closed
  }

  describe(): string {
    return `${this.#repositories.size} repositories`
  }

  async createRepository(name: string): Promise<RepositoryResponse> {
    this.#repositories.add(`ns/${name}`)
    return { name: `ns/${name}`, uri: null, createdAt: null }
  }

  async getRepository(name: string): Promise<RepositoryResponse> {
    if (!this.#repositories.has(name)) {
      throw new ArtifactRegistryError('NOT_FOUND', `[private-state] "${name}" not found`, {
        platform: this.platform,
        cause: new Error(`request carried Authorization: Bearer ${TOKEN}`),
      })
    }
    return { name, uri: null, createdAt: null }
  }

  async listRepositories(options?: ListRepositoriesOptions): Promise<RepositoryResponse[]> {
    const names = [...this.#repositories].filter((n) => n.startsWith(`ns/${options?.prefix ?? ''}`))
    return names.map((name) => ({ name, uri: null, createdAt: null }))
  }

  async deleteRepository(name: string): Promise<void> {
    this.#repositories.delete(name)
  }

  async generateCredentials(
    name: string,
    _permission: Permission,
    _options?: GenerateCredentialsOptions,
  ): Promise<ArtifactRegistryCredentials> {
    await this.getRepository(name)
    return {
      authMethod: 'basic',
      registry: '127.0.0.1:1',
      username: 'u',
      password: PASSWORD,
      expiresAt: new Date(Date.now() + 60_000),
    }
  }

  async addCrossAccountAccess(): Promise<void> {}
  async removeCrossAccountAccess(): Promise<void> {}
  async getCrossAccountAccess(_name: string): Promise<never> {
    throw new TypeError('not used here')
  }

  async close(): Promise<void> {
    this.#closed += 1
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}

type Recorded = [kind: string, event: OperationEvent]

const channel = tracingChannel<unknown, OperationEvent>(OPERATION_CHANNEL)
let unsubscribe: () => void = () => {}

/** Subscribe to every event kind; each entry is a copy of the event as it was when published. */
function record(): Recorded[] {
  const seen: Recorded[] = []
  const on =
    (kind: string) =>
    (event: OperationEvent): void => {
      seen.push([kind, { ...event }])
    }
  const handlers = {
    start: on('start'),
    end: on('end'),
    asyncStart: on('asyncStart'),
    asyncEnd: on('asyncEnd'),
    error: on('error'),
  }
  channel.subscribe(handlers)
  unsubscribe = () => channel.unsubscribe(handlers)
  return seen
}

afterEach(() => {
  unsubscribe()
  unsubscribe = () => {}
})

describe('instrument', () => {
  it('publishes start, end, asyncStart and asyncEnd with what was called', async () => {
    const seen = record()
    const registry = instrument(new PrivateStateProvider())
    const { name } = await registry.createRepository('app')
    await registry.generateCredentials(name, 'push-pull', { ttlSeconds: 60 })
    const created = { platform: 'private-state', operation: 'createRepository', repository: 'app' }
    const minted = {
      platform: 'private-state',
      operation: 'generateCredentials',
      repository: 'ns/app',
      permission: 'push-pull',
    }
    expect(seen).toEqual([
      ['start', created],
      ['end', created],
      ['asyncStart', created],
      ['asyncEnd', created],
      ['start', minted],
      ['end', minted],
      ['asyncStart', minted],
      ['asyncEnd', minted],
    ])
  })

  it('publishes error with the code and message on failure, and rethrows the original error', async () => {
    const seen = record()
    const registry = instrument(new PrivateStateProvider())
    const failure = registry.getRepository('ns/missing')
    await expect(failure).rejects.toBeInstanceOf(ArtifactRegistryError)
    await expect(failure).rejects.toHaveProperty('cause.message', expect.stringContaining(TOKEN))
    const failed = {
      platform: 'private-state',
      operation: 'getRepository',
      repository: 'ns/missing',
      errorCode: 'NOT_FOUND',
      errorName: 'ArtifactRegistryError',
      errorMessage: '[private-state] "ns/missing" not found',
    }
    expect(seen.map(([kind]) => kind)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd'])
    expect(seen[2]).toEqual(['error', failed])
    expect(seen[4]).toEqual(['asyncEnd', failed])
  })

  it('never publishes the password, a token from an error cause, or the options', async () => {
    const seen = record()
    const registry = instrument(new PrivateStateProvider())
    const { name } = await registry.createRepository('app')
    const credentials = await registry.generateCredentials(name, 'pull', { ttlSeconds: 60 })
    expect(credentials.password).toBe(PASSWORD)
    await expect(registry.generateCredentials('ns/other', 'pull')).rejects.toThrow()
    const published = JSON.stringify(seen)
    expect(seen.length).toBeGreaterThan(8)
    expect(published).not.toContain(PASSWORD)
    expect(published).not.toContain(TOKEN)
    expect(published).not.toContain('ttlSeconds')
    for (const [, event] of seen) {
      expect(Object.keys(event)).not.toContain('result')
      expect(Object.keys(event)).not.toContain('error')
    }
  })

  it('publishes a non-library error by name only', async () => {
    const seen = record()
    const registry = instrument(new PrivateStateProvider())
    await expect(registry.getCrossAccountAccess('ns/app')).rejects.toThrow(TypeError)
    expect(seen.find(([kind]) => kind === 'error')?.[1]).toEqual({
      platform: 'private-state',
      operation: 'getCrossAccountAccess',
      repository: 'ns/app',
      errorName: 'TypeError',
    })
  })

  it('publishes close, also for await using', async () => {
    const seen = record()
    const registry = instrument(new PrivateStateProvider())
    {
      await using _disposed = registry
    }
    await registry.close()
    expect(registry.closedCount).toBe(2)
    const closes = seen.filter(([kind]) => kind === 'start').map(([, event]) => event)
    expect(closes).toEqual([
      { platform: 'private-state', operation: 'close' },
      { platform: 'private-state', operation: 'close' },
    ])
  })

  it('publishes listRepositories without the options it was called with', async () => {
    const seen = record()
    const registry = instrument(new PrivateStateProvider())
    await registry.createRepository('app')
    const signal = new AbortController().signal
    const listed = await registry.listRepositories({ prefix: 'secret-prefix', signal })
    expect(listed).toEqual([])
    const listing = { platform: 'private-state', operation: 'listRepositories' }
    expect(seen.slice(4)).toEqual([
      ['start', listing],
      ['end', listing],
      ['asyncStart', listing],
      ['asyncEnd', listing],
    ])
    expect(JSON.stringify(seen)).not.toContain('secret-prefix')
  })

  it('runs the operation inside the start channel stores, so async context can follow it', async () => {
    record()
    const store = new AsyncLocalStorage<OperationEvent>()
    channel.start.bindStore(store, (event) => event)
    try {
      const provider = new PrivateStateProvider()
      let seenInside: OperationEvent | undefined
      const original = provider.deleteRepository.bind(provider)
      provider.deleteRepository = async (name: string) => {
        seenInside = store.getStore()
        await original(name)
      }
      await instrument(provider).deleteRepository('ns/app')
      expect(seenInside).toMatchObject({ operation: 'deleteRepository', repository: 'ns/app' })
    } finally {
      channel.start.unbindStore(store)
    }
  })

  it('keeps everything else about the provider', async () => {
    const provider = new PrivateStateProvider()
    const registry = instrument(provider)
    expect(registry).toBeInstanceOf(PrivateStateProvider)
    expect(instrument(registry)).toBe(registry)
    await registry.createRepository('app')
    expect(registry.describe()).toBe('1 repositories')
    expect(registry.platform).toBe('private-state')
    expect(registry.createRepository).toBe(registry.createRepository)
  })

  it('publishes nothing and changes nothing when nobody subscribes', async () => {
    expect(channel.hasSubscribers).toBe(false)
    const registry = instrument(new PrivateStateProvider())
    const { name } = await registry.createRepository('app')
    expect((await registry.generateCredentials(name, 'pull')).password).toBe(PASSWORD)
    await expect(registry.getRepository('ns/missing')).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('leaves a frozen object-literal provider working', async () => {
    const frozen = Object.freeze({
      ...stubMethods(),
      platform: 'frozen',
      getRepository: async (name: string) => ({ name, uri: null, createdAt: null }),
    })
    const registry = instrument(frozen)
    await expect(registry.getRepository('a')).resolves.toEqual({
      name: 'a',
      uri: null,
      createdAt: null,
    })
  })
})

describe('createArtifactRegistry', () => {
  it('instruments a third-party provider', async () => {
    registerProvider('events-test', () => ({
      fromBinding: () => {
        const provider = new PrivateStateProvider()
        Object.defineProperty(provider, 'platform', { value: 'events-test' })
        return provider
      },
    }))
    const seen = record()
    const registry = await createArtifactRegistry({ platform: 'events-test' })
    await registry.createRepository('app')
    expect(await registry.listRepositories?.()).toEqual([
      { name: 'ns/app', uri: null, createdAt: null },
    ])
    expect(seen[0]).toEqual([
      'start',
      { platform: 'events-test', operation: 'createRepository', repository: 'app' },
    ])
    expect(seen[4]).toEqual(['start', { platform: 'events-test', operation: 'listRepositories' }])
  })
})

function stubMethods(): ArtifactRegistry {
  const provider = new PrivateStateProvider()
  return {
    platform: provider.platform,
    capabilities: provider.capabilities,
    registryEndpoint: provider.registryEndpoint,
    createRepository: (n) => provider.createRepository(n),
    getRepository: (n) => provider.getRepository(n),
    deleteRepository: (n) => provider.deleteRepository(n),
    generateCredentials: (n, p, o) => provider.generateCredentials(n, p, o),
    addCrossAccountAccess: () => provider.addCrossAccountAccess(),
    removeCrossAccountAccess: () => provider.removeCrossAccountAccess(),
    getCrossAccountAccess: (n) => provider.getCrossAccountAccess(n),
    close: () => provider.close(),
    [Symbol.asyncDispose]: () => provider.close(),
  }
}
