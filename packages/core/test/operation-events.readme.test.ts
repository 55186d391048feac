import { tracingChannel } from 'node:diagnostics_channel'
import {
  type ArtifactRegistry,
  ArtifactRegistryError,
  instrument,
  OPERATION_CHANNEL,
  type OperationEvent,
} from '@artifact-registry/core'
import { afterEach, expect, it, vi } from 'vitest'
import { stubProvider } from './support/stub-provider.js'

// The debug-events example of packages/core/README.md, run as written (tied to the region below
// by tools/test/readme-snippets.test.ts).

afterEach(() => {
  vi.restoreAllMocks()
})

it('the README subscriber logs each operation once it settles', async () => {
  const debug = vi.spyOn(console, 'debug').mockImplementation(() => {})
  // #region debug-events
  const operations = tracingChannel<unknown, OperationEvent>(OPERATION_CHANNEL)
  const startedAt = new WeakMap<OperationEvent, number>()
  const ignore = (): void => {}
  const debugLog = {
    start: (event: OperationEvent) => {
      startedAt.set(event, performance.now())
    },
    asyncEnd: (event: OperationEvent) => {
      const ms = Math.round(performance.now() - (startedAt.get(event) ?? 0))
      const { platform, operation, repository = '-', errorCode = 'ok' } = event
      console.debug(`${platform} ${operation} ${repository} ${errorCode} ${ms} ms`)
    },
    end: ignore,
    asyncStart: ignore,
    error: ignore,
  }
  operations.subscribe(debugLog)
  // #endregion
  try {
    const registry = instrument(inMemory())
    await registry.createRepository('app')
    await expect(registry.getRepository('missing')).rejects.toThrow(ArtifactRegistryError)
  } finally {
    operations.unsubscribe(debugLog)
  }
  expect(debug.mock.calls.map(([line]) => String(line).replace(/\d+ ms$/, 'N ms'))).toEqual([
    'memory createRepository app ok N ms',
    'memory getRepository missing NOT_FOUND N ms',
  ])
})

function inMemory(): ArtifactRegistry {
  const missing = async (): Promise<never> => {
    throw new ArtifactRegistryError('NOT_FOUND', '[memory] not found', { platform: 'memory' })
  }
  return stubProvider('memory', missing, {
    createRepository: async (name) => ({ name, uri: null, createdAt: null }),
    deleteRepository: async () => {},
  })
}
