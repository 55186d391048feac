import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'
import { deprovision, provision } from '../../src/provision/index.js'
import { scratchDirectory, startAdminRegistry } from './support.js'

describe('signal cancels between registry calls', () => {
  it('an aborted signal rejects with its reason before anything is made', async () => {
    await using scratch = await scratchDirectory('provision-abort-')
    const dataDir = join(scratch.dir, 'registry')
    const reason = new Error('stopped by the operator')
    const error = await provision({ dataDir, signal: AbortSignal.abort(reason) }).catch((e) => e)
    expect(error).toBe(reason)
    await expect(stat(dataDir)).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('aborting after the first check stops before the admin check', async () => {
    await using target = await startAdminRegistry()
    const controller = new AbortController()
    const seen: string[] = []
    const run = provision({
      url: target.url,
      adminPassword: 'wrong: the admin check would fail if it were made',
      signal: controller.signal,
      onChange: (change) => {
        seen.push(change.kind)
        controller.abort(new Error('enough'))
      },
    })
    await expect(run).rejects.toThrow('enough')
    expect(seen).toEqual(['local-registry'])
  })

  it('aborting deprovision after the first deletion leaves the rest', async () => {
    await using target = await startAdminRegistry()
    await using ours = await local({ url: target.url, adminCredentials: target.admin })
    await ours.createRepository('one')
    await ours.createRepository('two')
    const controller = new AbortController()
    const run = deprovision({
      url: target.url,
      adminPassword: target.admin.password,
      force: true,
      signal: controller.signal,
      onChange: (change) => {
        if (change.action === 'delete') controller.abort(new Error('enough'))
      },
    })
    await expect(run).rejects.toThrow('enough')
    expect(await target.catalog()).toEqual(['artifacts/two'])
  })
})
