import { randomToken } from '@artifact-registry/test-kit'
import { afterAll, beforeAll } from 'vitest'
import type { Content } from './content.js'
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

/** A registry of the file's own and a fresh repository in it (see {@link useRepository}). */
export interface TestRepository {
  oci: () => OciClient
  repo: string
}

/**
 * The usual setup of a conformance file: {@link useRegistry}, a fresh repository name of
 * `category`, and `blobs` pushed there before the tests (setup, so a failed push throws).
 */
export function useRepository(
  start: () => Promise<RunningRegistry>,
  category: string,
  blobs: readonly Content[] = [],
): TestRepository {
  const oci = useRegistry(start)
  const repo = randomRepo(category)
  beforeAll(async () => {
    for (const blob of blobs) await oci().pushBlob(repo, blob.bytes, blob.descriptor.digest)
  })
  return { oci, repo }
}
