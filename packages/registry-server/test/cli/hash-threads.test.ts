import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli, startRegistryProcess } from '../support/command.js'

let work: string
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'cli-hash-threads-'))
})
afterEach(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('artifact-registry-local serve --hash-threads', { timeout: 30_000 }, () => {
  it.each([
    [0, 0],
    [2, 2],
  ])('--hash-threads %i: two uploads at once hash on %i worker threads', async (threads, added) => {
    await using registry = await startRegistryProcess(join(work, 'data'), [
      '--hash-threads',
      String(threads),
    ])
    const tasks = async (): Promise<number> =>
      (await readdir(`/proc/${registry.child.pid}/task`)).length
    const before = await tasks()
    // Each open upload holds a hash; the second goes to a thread of its own while there is room.
    for (const _ of [1, 2]) {
      const start = await fetch(`${registry.url}/v2/cli/threads/blobs/uploads/`, {
        method: 'POST',
        headers: { authorization: registry.authorization },
      })
      expect(start.status).toBe(202)
    }
    expect(await tasks()).toBe(before + added)
  })

  it.each([['9'], ['-1'], ['1.5'], ['two'], ['']])(
    '--hash-threads %j is a usage error (exit 2)',
    (value) => {
      const run = runCli(['serve', '--data', join(work, 'data'), `--hash-threads=${value}`])
      expect(run.status).toBe(2)
      expect(run.stderr).toContain(
        `--hash-threads must be a whole number from 0 to 8, got "${value}"`,
      )
    },
  )

  it('is for serve only', () => {
    const run = runCli(['token-service', '--data', join(work, 'data'), '--hash-threads', '1'])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('--hash-threads is for serve only')
  })
})
