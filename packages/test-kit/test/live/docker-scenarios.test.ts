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

/** The part of a provider the scenarios use, recording calls; pull credentials expire at `pullExpiresAt`. */
function recordingRegistry(pullExpiresAt: number | null = null) {
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
      const expiresAt =
        permission === 'pull' && pullExpiresAt !== null ? new Date(pullExpiresAt) : null
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
    const expiresAt = Date.now() + 2_500
    const fake = await withFake([
      { match: '^pull ', config: '/puller', after: expiresAt, code: 1, stderr: 'unauthorized' },
    ])
    const { registry, calls } = recordingRegistry(expiresAt)
    const pull = await dockerPullAcrossExpiry(registry, {
      ttlSeconds: 2,
      marginMs: 1_000,
      maxWaitMs: 10_000,
    })
    expect(pull.expiresAt?.getTime()).toBe(expiresAt)
    expect(calls).toContain('generateCredentials pull 2')
    const pulls = (await fake.calls()).filter((c) => c.args[0] === 'pull')
    expect(pulls).toHaveLength(2)
    expect(pulls[0]?.at).toBeGreaterThanOrEqual(expiresAt - 1_000)
    expect(pulls[0]?.at).toBeLessThan(expiresAt)
    expect(pulls[1]?.at).toBeGreaterThanOrEqual(expiresAt + 1_000)
    expect(calls.at(-1)).toMatch(/^deleteRepository /)
  })

  it('refuses pull credentials that expire within the margin: no pull could come before', async () => {
    await withFake([])
    const { registry, calls } = recordingRegistry(Date.now() + 500)
    await expect(
      dockerPullAcrossExpiry(registry, { ttlSeconds: 1, marginMs: 1_000, maxWaitMs: 10_000 }),
    ).rejects.toThrow(/too soon/)
    expect(calls.at(-1)).toMatch(/^deleteRepository /)
  })
})
