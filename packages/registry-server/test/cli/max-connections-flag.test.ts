import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { askOnNewConnection } from '@artifact-registry/test-kit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli, startRegistryProcess } from '../support/command.js'

let work: string
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'cli-max-connections-'))
})
afterEach(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('artifact-registry-local --max-connections', { timeout: 30_000 }, () => {
  it('serve closes a connection past the cap unanswered', async () => {
    await using registry = await startRegistryProcess(join(work, 'data'), [
      '--max-connections',
      '2',
    ])
    const held = [await askOnNewConnection(registry.url), await askOnNewConnection(registry.url)]
    try {
      expect(held.map((c) => c.statusLine)).toEqual([
        'HTTP/1.1 401 Unauthorized',
        'HTTP/1.1 401 Unauthorized',
      ])
      const refused = await askOnNewConnection(registry.url)
      refused.socket.destroy()
      expect(refused.statusLine).toBe('')
    } finally {
      for (const { socket } of held) socket.destroy()
    }
  })

  it.each([
    ['serve', '0'],
    ['serve', '1.5'],
    ['serve', ''],
    ['token-service', '-1'],
    ['token-service', '1e3'],
  ])('%s with %j is a usage error (exit 2)', (command, value) => {
    const run = runCli([command, '--data', join(work, 'data'), `--max-connections=${value}`])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(
      `--max-connections must be a whole number, at least 1, got "${value}"`,
    )
  })
})
