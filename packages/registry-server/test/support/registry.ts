import { afterAll, beforeAll } from 'vitest'
import { OciClient } from './oci-client.js'

/** The part of `LocalRegistry` the tests need; structural so support code does not import src. */
export interface RunningRegistry extends AsyncDisposable {
  url: string
}

/**
 * One fresh registry per test file, started before its tests and disposed after them. `await
 * using` cannot span `beforeAll`/`afterAll`, so this calls `[Symbol.asyncDispose]` itself.
 * Returns an accessor because the client exists only once `beforeAll` has run.
 */
export function useRegistry(start: () => Promise<RunningRegistry>): () => OciClient {
  let registry: RunningRegistry | undefined
  let client: OciClient | undefined
  beforeAll(async () => {
    registry = await start()
    client = new OciClient(registry.url)
  })
  afterAll(async () => {
    await registry?.[Symbol.asyncDispose]()
  })
  return () => {
    if (!client) throw new Error('the registry is not running (beforeAll failed?)')
    return client
  }
}
