import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { createServer } from 'node:net'
import { join, relative } from 'node:path'
import { parseBinding } from '@artifact-registry/core'
import { unusedPort } from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import { fromBinding, local } from '../../src/index.js'
import { provision } from '../../src/provision/index.js'
import { startCli } from '../support/registry-command.js'
import { scratchDirectory } from './support.js'

const port = async (dataDir: string): Promise<number> =>
  (JSON.parse(await readFile(join(dataDir, 'endpoint.json'), 'utf8')) as { port: number }).port

describe('provision({ dataDir }) initialises the directory as the embedded registry would', () => {
  it('creates it, then reports it unchanged; the binding starts a registry on it', async () => {
    await using scratch = await scratchDirectory('provision-data-dir-')
    const dataDir = join(scratch.dir, 'nested', 'registry')
    const first = await provision({ dataDir, bindingName: 'apps' })
    expect(first.changes).toEqual([
      {
        action: 'create',
        kind: 'data-directory',
        id: dataDir,
        detail: 'a new registry data directory',
      },
    ])
    expect(first.binding).toEqual({ platform: 'local', dataDir, bindingName: 'apps' })
    expect(parseBinding(first.binding)).toEqual(first.binding)
    expect((await readdir(dataDir)).sort()).toEqual([
      'auth',
      'blobs',
      'endpoint.json',
      'provisioned.json',
      'repositories',
      'tmp',
      'uploads',
    ])
    const served = await port(dataDir)
    expect(served).toBeGreaterThan(0)

    const second = await provision({ dataDir, bindingName: 'apps' })
    expect(second.changes).toEqual([{ action: 'unchanged', kind: 'data-directory', id: dataDir }])
    await using registry = await local({ dataDir })
    expect(registry.registryEndpoint).toBe(`http://127.0.0.1:${served}`)
  })

  it('puts the port wanted into the binding and the directory, and a changed port back', async () => {
    await using scratch = await scratchDirectory('provision-data-dir-port-')
    const dataDir = join(scratch.dir, 'registry')
    const wanted = await unusedPort()
    const { binding } = await provision({ dataDir, port: wanted })
    expect(binding.port).toBe(wanted)
    expect(await port(dataDir)).toBe(wanted)

    await writeFile(join(dataDir, 'endpoint.json'), `${JSON.stringify({ port: wanted + 1 })}\n`)
    const repaired = await provision({ dataDir, port: wanted })
    expect(repaired.changes).toEqual([
      {
        action: 'update',
        kind: 'data-directory',
        id: dataDir,
        detail: `served on port ${wanted + 1}, not ${wanted}`,
      },
    ])
    expect(await port(dataDir)).toBe(wanted)
    expect((await provision({ dataDir, port: wanted })).changes[0]?.action).toBe('unchanged')
  })

  it('with port 0 binds no port, so the runtime keeps the port provisioning served on', async () => {
    await using scratch = await scratchDirectory('provision-data-dir-port-zero-')
    const dataDir = join(scratch.dir, 'registry')
    const { binding } = await provision({ dataDir, port: 0 })
    expect(binding).toEqual({ platform: 'local', dataDir, bindingName: 'artifacts' })
    const served = await port(dataDir)
    for (let start = 0; start < 2; start++) {
      await using registry = await fromBinding(parseBinding(binding) as typeof binding)
      expect(registry.registryEndpoint).toBe(`http://127.0.0.1:${served}`)
    }
  })

  it('binds the directory by its absolute path: the program may run elsewhere', async () => {
    await using scratch = await scratchDirectory('provision-data-dir-relative-')
    const dataDir = join(scratch.dir, 'registry')
    const { binding, changes } = await provision({ dataDir: relative(process.cwd(), dataDir) })
    expect(binding.dataDir).toBe(dataDir)
    expect(changes[0]?.id).toBe(dataDir)
  })

  it('a dry run reports create and writes nothing, then a real run creates', async () => {
    await using scratch = await scratchDirectory('provision-data-dir-dry-')
    const dataDir = join(scratch.dir, 'registry')
    const dry = await provision({ dataDir, dryRun: true })
    await expect(stat(dataDir)).rejects.toMatchObject({ code: 'ENOENT' })
    const real = await provision({ dataDir })
    expect(dry).toEqual(real)

    await writeFile(join(dataDir, 'endpoint.json'), '{"port": 1}\n')
    const dryUpdate = await provision({ dataDir, port: 2, dryRun: true })
    expect(dryUpdate.changes[0]?.action).toBe('update')
    expect(await port(dataDir)).toBe(1)
  })

  it('initialises an empty directory, and refuses one holding files that are no registry', async () => {
    await using scratch = await scratchDirectory('provision-data-dir-empty-')
    const empty = join(scratch.dir, 'empty')
    await mkdir(empty)
    expect((await provision({ dataDir: empty })).changes[0]?.action).toBe('create')

    const foreign = join(scratch.dir, 'photos')
    await mkdir(foreign)
    await writeFile(join(foreign, 'holiday.jpg'), 'not a registry')
    await expect(provision({ dataDir: foreign })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining(`${foreign} holds files and is not a registry's`),
    })
    expect(await readdir(foreign)).toEqual(['holiday.jpg'])
    const file = join(scratch.dir, 'file')
    await writeFile(file, '')
    await expect(provision({ dataDir: file })).rejects.toMatchObject({ code: 'INVALID_CONFIG' })
  })

  it('a first start that fails (port in use) leaves an empty directory empty, so a rerun makes it ours', async () => {
    await using scratch = await scratchDirectory('provision-data-dir-port-taken-')
    const empty = join(scratch.dir, 'empty')
    await mkdir(empty)
    const missing = join(scratch.dir, 'missing')
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = taken.address() as AddressInfo
      for (const dataDir of [empty, missing]) {
        await expect(provision({ dataDir, port })).rejects.toMatchObject({
          code: 'UNAVAILABLE',
          message: expect.stringContaining(`port ${port} is in use`),
        })
      }
    } finally {
      taken.close()
    }
    // Left behind unmarked, the registry's files made the rerun an update and deprovision keep them.
    expect(await readdir(empty)).toEqual([])
    await expect(stat(missing)).rejects.toMatchObject({ code: 'ENOENT' })
    expect((await provision({ dataDir: empty })).changes[0]?.action).toBe('create')
    expect(await readdir(empty)).toContain('provisioned.json')
  })

  it('converges a directory artifact-registry-local serve made, and is refused while it serves it', async () => {
    await using scratch = await scratchDirectory('provision-data-dir-served-')
    const dataDir = join(scratch.dir, 'served')
    await mkdir(dataDir)
    await using server = await startCli(['serve', '--data', dataDir, '--port', '0'])
    const error = await provision({ dataDir }).catch((e) => e)
    expect(error).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining(`process ${server.pid}`),
    })
    expect(await server.stop()).toBe(0)
    const converged = await provision({ dataDir })
    expect(converged.changes).toEqual([
      {
        action: 'update',
        kind: 'data-directory',
        id: dataDir,
        detail: 'no port recorded in endpoint.json',
      },
    ])
    // Not created by provision: deprovision will keep it.
    expect(await readdir(dataDir)).not.toContain('provisioned.json')
  })
})
