import { randomToken } from '@artifact-registry/test-kit'
import { afterAll, beforeAll } from 'vitest'
import { OciClient } from './oci-client.js'

/**
 * A fresh repository name with several path segments: names of any depth are supported, and
 * random names keep tests independent even when they share a registry.
 */
export function randomRepo(category: string): string {
  return `conformance/${category}/${randomToken()}`
}

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
