import type {
  ArtifactRegistry,
  ArtifactRegistryCredentials,
  Permission,
} from '@artifact-registry/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { dockerLoginRoundTrip, dockerPullAcrossExpiry } from '../../src/live/docker-scenarios.js'
import { type DockerRule, type FakeDocker, fakeDocker } from './fake-docker.js'

// The scenarios drive the docker CLI and a provider; here both are stand-ins that record what
// they are asked, so the order of the steps, the credentials each client uses and the cleanup
// can be checked without a cloud or a Docker daemon.

let docker: FakeDocker | undefined

afterEach(async () => {
  vi.unstubAllEnvs()
  await docker?.remove()
})

async function withFake(rules: DockerRule[]): Promise<FakeDocker> {
  docker = await fakeDocker(rules)
  vi.stubEnv('PATH', docker.path)
  return docker
}

/**
 * The part of a provider the scenarios use, recording calls. Pull credentials expire
 * `pullLifetimeMs` after they are minted; `onPullMinted` hears when.
 */
function recordingRegistry(
  pullLifetimeMs: number | null = null,
  onPullMinted: (expiresAt: number) => Promise<void> = async () => {},
) {
  const calls: string[] = []
  const registry = {
    async createRepository(name: string) {
      calls.push('createRepository')
      return { name: `live/${name}`, uri: `registry.test/live/${name}`, createdAt: null }
    },
    async generateCredentials(
      _name: string,
      permission: Permission,
      options?: { ttlSeconds?: number },
    ): Promise<ArtifactRegistryCredentials> {
      calls.push(`generateCredentials ${permission} ${options?.ttlSeconds ?? '-'}`)
      let expiresAt: Date | null = null
      if (permission === 'pull' && pullLifetimeMs !== null) {
        expiresAt = new Date(Date.now() + pullLifetimeMs)
        await onPullMinted(expiresAt.getTime())
      }
      return {
        authMethod: 'basic',
        registry: 'registry.test',
        username: `${permission}-user`,
        password: `${permission}-password`,
        expiresAt,
      }
    },
    async deleteRepository(name: string) {
      calls.push(`deleteRepository ${name}`)
    },
  }
  return { registry: registry as unknown as ArtifactRegistry, calls }
}

const PUSH_REFUSED: DockerRule = {
  match: '^push ',
  config: '/puller',
  code: 1,
  stderr: 'denied: requested access to the resource is denied',
}

describe('dockerLoginRoundTrip', () => {
  it('pushes as push-pull, pulls as pull, is refused a push as pull, then deletes the repository', async () => {
    const fake = await withFake([PUSH_REFUSED])
    const { registry, calls } = recordingRegistry()
    await dockerLoginRoundTrip(registry)

    const steps = (await fake.calls()).map((c) => `${c.config?.split('/').pop()}: ${c.args[0]}`)
    expect(steps).toEqual([
      'pusher: login',
      'pusher: import',
      'pusher: push',
      'pusher: image',
      'puller: login',
      'puller: pull',
      'puller: push',
      'pusher: image',
    ])
    const logins = (await fake.calls()).filter((c) => c.args[0] === 'login')
    expect(logins.map((c) => [c.args[2], c.stdin.toString()])).toEqual([
      ['push-pull-user', 'push-pull-password'],
      ['pull-user', 'pull-password'],
    ])
    const pushed = (await fake.calls())[2]?.args[1]
    expect(pushed).toMatch(/^registry\.test\/live\/docker-[0-9a-f]{8}:live-[0-9a-f]{8}$/)
    expect(calls).toEqual([
      'createRepository',
      'generateCredentials push-pull -',
      'generateCredentials pull -',
      expect.stringMatching(/^deleteRepository live\/docker-/),
    ])
  })

  it('fails when pull credentials may push, and still deletes the repository', async () => {
    await withFake([])
    const { registry, calls } = recordingRegistry()
    await expect(dockerLoginRoundTrip(registry)).rejects.toThrow(/succeeded, expected a refusal/)
    expect(calls.at(-1)).toMatch(/^deleteRepository /)
  })
})

describe('dockerPullAcrossExpiry', () => {
  it('pulls before expiresAt and is refused after it', async () => {
    // Each fake docker call starts a Node process: the margin leaves room for a slow start.
    const marginMs = 2_000
    const fake = await withFake([])
    let expiresAt = 0
    const { registry, calls } = recordingRegistry(5_000, async (at) => {
      expiresAt = at
      await fake.setRules([
        { match: '^pull ', config: '/puller', after: at, code: 1, stderr: 'unauthorized' },
      ])
    })
    const pull = await dockerPullAcrossExpiry(registry, {
      ttlSeconds: 5,
      marginMs,
      maxWaitMs: 20_000,
    })
    expect(pull.expiresAt?.getTime()).toBe(expiresAt)
    expect(calls).toContain('generateCredentials pull 5')
    const pulls = (await fake.calls()).filter((c) => c.args[0] === 'pull')
    expect(pulls).toHaveLength(2)
    expect(pulls[0]?.at).toBeGreaterThanOrEqual(expiresAt - marginMs)
    expect(pulls[0]?.at).toBeLessThan(expiresAt)
    expect(pulls[1]?.at).toBeGreaterThanOrEqual(expiresAt + marginMs)
    expect(calls.at(-1)).toMatch(/^deleteRepository /)
  }, 30_000)

  it('refuses pull credentials that expire within the margin: no pull could come before', async () => {
    await withFake([])
    const { registry, calls } = recordingRegistry(500)
    await expect(
      dockerPullAcrossExpiry(registry, { ttlSeconds: 1, marginMs: 1_000, maxWaitMs: 10_000 }),
    ).rejects.toThrow(/too soon/)
    expect(calls.at(-1)).toMatch(/^deleteRepository /)
  })
})
