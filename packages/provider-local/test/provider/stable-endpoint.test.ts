import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createArtifactRegistry } from '@artifact-registry/core'
import { unusedPort } from '@artifact-registry/test-kit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stable-endpoint-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Holds a port, as another process would. */
async function occupy(port: number): Promise<Server> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  return server
}

const portOf = (endpoint: string): number => Number(new URL(endpoint).port)

describe('the embedded registry keeps its endpoint across restarts', () => {
  it('a data directory is served on the same port again, so URIs handed out stay valid', async () => {
    const admin = { username: 'admin', password: 'stable-endpoint-secret' }
    const first = await local({ dataDir: dir, adminCredentials: admin })
    const { name, uri } = await first.createRepository('prj_stable')
    const endpoint = first.registryEndpoint
    await first.close()

    await using second = await local({ dataDir: dir, adminCredentials: admin })
    expect(second.registryEndpoint).toBe(endpoint)
    expect((await second.getRepository(name)).uri).toBe(uri)
  })

  it('says which port is taken and what to do, instead of moving silently', async () => {
    const first = await local({ dataDir: dir })
    const port = portOf(first.registryEndpoint)
    await first.close()
    const squatter = await occupy(port)
    try {
      const error = await local({ dataDir: dir }).catch((e: unknown) => e)
      expect(error).toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringContaining(`port ${port}, where this data directory's registry`),
      })
      // An explicit port moves it, and is remembered from then on.
      const moved = await local({ dataDir: dir, port: 0 })
      const newPort = portOf(moved.registryEndpoint)
      expect(newPort).not.toBe(port)
      await moved.close()
      await using again = await local({ dataDir: dir })
      expect(portOf(again.registryEndpoint)).toBe(newPort)
    } finally {
      await new Promise((resolve) => squatter.close(resolve))
    }
  })

  it('serves on the port it is given, and refuses one out of range', async () => {
    const port = await unusedPort()
    await using fixed = await local({ port })
    expect(portOf(fixed.registryEndpoint)).toBe(port)
    await expect(local({ port: 70_000 })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      issues: [{ path: 'port', message: expect.any(String) }],
    })
  })

  it.each([
    ['a port that is not a number', '{"port":"x"}'],
    ['a file that is not JSON', 'garbage'],
    ['JSON null', 'null'],
  ])('refuses %s in endpoint.json rather than moving silently', async (_, content) => {
    await writeFile(join(dir, 'endpoint.json'), content)
    await expect(local({ dataDir: dir })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining('endpoint.json does not hold the registry'),
    })
  })

  it('takes the port from a binding', async () => {
    const port = await unusedPort()
    await using registry = await createArtifactRegistry({ platform: 'local', dataDir: dir, port })
    expect(portOf(registry.registryEndpoint)).toBe(port)
  })

  it('refuses embedded-only options together with url (INVALID_CONFIG)', async () => {
    await expect(local({ url: 'http://127.0.0.1:5000', port: 5001 })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      issues: [{ path: 'port', message: expect.stringContaining('embedded registry only') }],
    })
  })

  it('without a data directory, any free port each time', async () => {
    await using a = await local()
    await using b = await local()
    expect(a.registryEndpoint).not.toBe(b.registryEndpoint)
  })
})
