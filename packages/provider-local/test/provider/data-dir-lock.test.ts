import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'
import { startCli } from '../support/registry-command.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'data-dir-lock-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

// The registry takes the data directory's lock; these check what the provider does about it.
describe('one data directory, one registry: the embedded registry of local({ dataDir })', () => {
  it('a second one in this process is refused and leaves endpoint.json alone', async () => {
    await using first = await local({ dataDir: dir })
    const endpointFile = join(dir, 'endpoint.json')
    const before = {
      text: await readFile(endpointFile, 'utf8'),
      at: (await stat(endpointFile)).mtimeMs,
    }

    const error = await local({ dataDir: dir, port: 0 }).catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'ArtifactRegistryError',
      code: 'UNAVAILABLE',
      retryable: false,
      message: expect.stringContaining(
        `The data directory ${dir} is in use by this process (pid ${process.pid})`,
      ),
    })
    expect(await readFile(endpointFile, 'utf8')).toBe(before.text)
    expect((await stat(endpointFile)).mtimeMs).toBe(before.at)
    expect((await first.createRepository('still_served')).name).toBe('artifacts/still_served')
  })

  it('is refused while artifact-registry-local serves the directory, and starts once it stops', async () => {
    const data = join(dir, 'served')
    await mkdir(data)
    await using first = await startCli(['serve', '--data', data, '--port', '0'])
    await expect(local({ dataDir: data })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining(`process ${first.pid}`),
    })
    expect(await first.stop()).toBe(0)
    await using after = await local({ dataDir: data })
    expect(after.registryEndpoint).toMatch(/^http:/)
  })
})
