import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ArtifactRegistry, ArtifactRegistryCredentials } from '@artifact-registry/core'
import { type DockerClient, dockerClient } from './docker-client.js'
import { expiryOf, waitUntil } from './expiry.js'

/** A repository, two docker clients and the image reference a scenario works with. */
interface Stage {
  readonly registry: ArtifactRegistry
  readonly name: string
  readonly reference: string
  client(role: string): Promise<DockerClient>
}

/**
 * With real `docker login --password-stdin`: credentials minted for `push-pull` push an image,
 * credentials minted for `pull` pull it back, and are refused a push. Creates one repository and
 * deletes it again, whatever happens.
 */
export async function dockerLoginRoundTrip(registry: ArtifactRegistry): Promise<void> {
  await onStage(registry, async (stage) => {
    await pushImage(stage)
    const { name, reference, client } = stage
    const puller = await client('puller')
    await puller.login(await registry.generateCredentials(name, 'pull'))
    await puller.pull(reference)
    await puller.refused('push', reference)
  })
}

/** Options of {@link dockerPullAcrossExpiry}. */
export interface PullAcrossExpiryOptions {
  /** Lifetime asked for the pull credentials. */
  ttlSeconds: number
  /** A pull must work this long before `expiresAt` and be refused this long after it. */
  marginMs: number
  /** Fail at once rather than wait longer than this for the expiry. */
  maxWaitMs: number
}

/**
 * Pull credentials work up to their `expiresAt` and are refused after it, through the login docker
 * keeps: pushes an image with push-pull credentials, logs docker in with pull credentials, pulls
 * `marginMs` before `expiresAt` and is refused `marginMs` after it. Returns the pull credentials
 * so the caller can check their lifetime too.
 */
export async function dockerPullAcrossExpiry(
  registry: ArtifactRegistry,
  options: PullAcrossExpiryOptions,
): Promise<ArtifactRegistryCredentials> {
  return onStage(registry, async (stage) => {
    await pushImage(stage)
    const { name, reference, client } = stage
    const puller = await client('puller')
    const pull = await registry.generateCredentials(name, 'pull', {
      ttlSeconds: options.ttlSeconds,
    })
    await puller.login(pull)
    const { marginMs, maxWaitMs } = options
    const expiresAt = expiryOf(pull).getTime()
    if (expiresAt - Date.now() <= marginMs) {
      throw new Error(`pull credentials expire at ${pull.expiresAt?.toISOString()}: too soon`)
    }
    await waitUntil(expiresAt - marginMs, { maxWaitMs })
    await puller.pull(reference)
    await puller.removeImage(reference)
    await waitUntil(expiresAt + marginMs, { maxWaitMs })
    await puller.refused('pull', reference)
    return pull
  })
}

// --- internal ---

/** Pushes the stage's image with push-pull credentials, then drops docker's copy of it. */
async function pushImage({ registry, name, reference, client }: Stage): Promise<void> {
  const pusher = await client('pusher')
  await pusher.login(await registry.generateCredentials(name, 'push-pull'))
  await pusher.importImage(reference)
  await pusher.push(reference)
  await pusher.removeImage(reference)
}

async function onStage<T>(
  registry: ArtifactRegistry,
  run: (stage: Stage) => Promise<T>,
): Promise<T> {
  const { name, uri } = await registry.createRepository(`docker-${randomBytes(4).toString('hex')}`)
  const reference = `${uri}:live-${randomBytes(4).toString('hex')}`
  const clients: DockerClient[] = []
  let work: string | undefined
  try {
    if (uri === null) throw new Error(`repository ${name} has no uri yet`)
    const dir = await mkdtemp(join(tmpdir(), 'live-lane-'))
    work = dir
    const client = async (role: string): Promise<DockerClient> => {
      const created = await dockerClient(join(dir, role))
      clients.push(created)
      return created
    }
    return await run({ registry, name, reference, client })
  } finally {
    // Every client talks to the same daemon: one removal clears the image for all.
    await clients[0]?.removeImage(reference).catch(() => {})
    await registry.deleteRepository(name)
    if (work !== undefined) await rm(work, { recursive: true, force: true })
  }
}
