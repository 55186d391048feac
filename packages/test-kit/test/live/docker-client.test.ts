import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { dockerClient } from '../../src/live/docker-client.js'
import { ToolError } from '../../src/tools.js'
import { type DockerRule, type FakeDocker, fakeDocker } from './fake-docker.js'

const CREDENTIALS: ArtifactRegistryCredentials = {
  authMethod: 'basic',
  registry: 'registry.test:5000',
  username: 'AWS',
  password: 'very-secret-password',
  expiresAt: null,
}

let work: string
let docker: FakeDocker | undefined

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'docker-client-'))
})

afterEach(async () => {
  vi.unstubAllEnvs()
  await docker?.remove()
  await rm(work, { recursive: true, force: true })
})

async function withFake(...rules: DockerRule[]): Promise<FakeDocker> {
  docker = await fakeDocker(rules)
  vi.stubEnv('PATH', docker.path)
  return docker
}

describe('dockerClient', () => {
  it('keeps its configuration in its own 0700 directory, without a credentials store', async () => {
    await withFake()
    const client = await dockerClient(join(work, 'pusher'))
    expect(client.configDir).toBe(join(work, 'pusher'))
    expect((await stat(client.configDir)).mode & 0o777).toBe(0o700)
    expect(await readFile(join(client.configDir, 'config.json'), 'utf8')).toBe('{}')
  })

  it('logs in with the password on stdin only, never on the command line', async () => {
    const fake = await withFake()
    const client = await dockerClient(join(work, 'pusher'))
    await client.login(CREDENTIALS)
    const [call] = await fake.calls()
    expect(call?.args).toEqual([
      'login',
      '--username',
      'AWS',
      '--password-stdin',
      'registry.test:5000',
    ])
    expect(call?.stdin.toString()).toBe('very-secret-password')
    expect(call?.config).toBe(client.configDir)
  })

  it('refuses credentials without a username before running docker', async () => {
    const fake = await withFake()
    const client = await dockerClient(join(work, 'pusher'))
    await expect(
      client.login({ ...CREDENTIALS, authMethod: 'bearer', username: '' }),
    ).rejects.toThrow(TypeError)
    expect(await fake.calls()).toEqual([])
  })

  it('imports a random one-file image from a tarball on stdin', async () => {
    const fake = await withFake()
    const client = await dockerClient(join(work, 'pusher'))
    await client.importImage('registry.test:5000/app:v1')
    await client.importImage('registry.test:5000/app:v2')
    const [first, second] = await fake.calls()
    expect(first?.args).toEqual(['import', '-', 'registry.test:5000/app:v1'])
    expect(first?.stdin.subarray(257, 262).toString()).toBe('ustar')
    expect(first?.stdin.equals(second?.stdin ?? Buffer.alloc(0))).toBe(false)
  })

  it('counts only a registry’s refusal as refused', async () => {
    await withFake(
      { match: '^push a$', code: 1, stderr: 'denied: requested access to the resource is denied' },
      { match: '^pull b$', code: 1, stderr: 'unauthorized: authentication required' },
      { match: '^pull c$', code: 1, stderr: 'dial tcp: lookup registry.test: no such host' },
    )
    const client = await dockerClient(join(work, 'puller'))
    await expect(client.refused('push', 'a')).resolves.toBeInstanceOf(ToolError)
    await expect(client.refused('pull', 'b')).resolves.toBeInstanceOf(ToolError)
    await expect(client.refused('pull', 'c')).rejects.toThrow(/no such host/)
    await expect(client.refused('pull', 'd')).rejects.toThrow(
      'docker pull d succeeded, expected a refusal',
    )
  })

  it('removes an image, and an image that is not there is no error', async () => {
    await withFake(
      { match: 'gone$', code: 1, stderr: 'Error response from daemon: No such image: gone' },
      { match: 'broken$', code: 1, stderr: 'Cannot connect to the Docker daemon' },
    )
    const client = await dockerClient(join(work, 'pusher'))
    await expect(client.removeImage('gone')).resolves.toBeUndefined()
    await expect(client.removeImage('broken')).rejects.toThrow(/Cannot connect/)
  })
})
