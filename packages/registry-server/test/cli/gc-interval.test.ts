import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli, startCli } from '../support/command.js'

let work: string
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'cli-gc-interval-'))
})
afterEach(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('artifact-registry-local serve --gc-interval', { timeout: 30_000 }, () => {
  it('collects garbage every so many seconds', async () => {
    await using server = await startCli([
      'serve',
      '--data',
      join(work, 'data'),
      '--port',
      '0',
      '--gc-interval',
      '1',
      '--log-level',
      'info',
    ])
    const line = await server.waitForStderr(/"msg":"garbage collected"/)
    expect(JSON.parse(line)).toMatchObject({ level: 'info', deleted: 0, freedBytes: 0, spared: 0 })
  })

  it.each([['soon'], ['-5'], ['1.5'], ['2147484']])(
    '--gc-interval %s is a usage error (exit 2)',
    (value) => {
      const run = runCli(['serve', '--data', join(work, 'data'), `--gc-interval=${value}`])
      expect(run.status).toBe(2)
      expect(run.stderr).toContain(
        `--gc-interval must be a number of seconds from 0 to 2147483, got "${value}"`,
      )
    },
  )

  it('is for serve only', () => {
    const run = runCli(['token-service', '--data', join(work, 'data'), '--gc-interval', '60'])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('--gc-interval is for serve only')
  })
})
