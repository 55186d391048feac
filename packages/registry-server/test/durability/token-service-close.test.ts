import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { basicAuth } from '@artifact-registry/test-kit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startTokenService } from '../../src/index.js'

// The token service's close() lets go of the data directory (its lock) only once every request
// it was handling has ended: a mint still flushing its line must reach the disk first, or a new
// service on the same directory could start without it.

/** Holds the flush of the credential log's next line until `release()`; `events` is the order. */
const hold = vi.hoisted(() => ({
  armed: false,
  arrived: () => {},
  release: () => {},
  events: [] as string[],
}))

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>()
  const open = (async (path, flags, mode) => {
    const handle = await fs.open(path, flags, mode)
    if (hold.armed && String(path).endsWith('credentials.log')) {
      hold.armed = false
      const flush = handle.datasync.bind(handle)
      handle.datasync = async () => {
        hold.arrived()
        await new Promise<void>((resolve) => (hold.release = resolve))
        await flush()
        hold.events.push('line flushed')
      }
    }
    return handle
  }) as typeof fs.open
  return { ...fs, open }
})

const ADMIN = { username: 'admin', password: 'a-long-enough-admin-password' }

let dataDir: string
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'token-service-close-'))
  hold.events = []
})
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

function mint(url: string, repository: string): Promise<Response> {
  return fetch(`${url}/_artifact-registry/credentials`, {
    method: 'POST',
    headers: {
      authorization: basicAuth(ADMIN.username, ADMIN.password),
      'content-type': 'application/json',
    },
    body: JSON.stringify({ repository, permission: 'pull', ttlSeconds: 600 }),
  })
}

describe('the token service close()', () => {
  it('waits for a mint still flushing its line before it lets go of the data directory', async () => {
    const tokens = await startTokenService({ dataDir, admin: ADMIN, logLevel: 'silent' })
    // The first mint writes the credential file whole; the next one appends to its log.
    expect((await mint(tokens.url, 'close/first')).status).toBe(201)
    const atFlush = new Promise<void>((resolve) => (hold.arrived = resolve))
    hold.armed = true
    const held = mint(tokens.url, 'close/held').catch(() => undefined)
    await atFlush

    const closing = tokens.close().then(() => hold.events.push('closed'))
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(hold.events).toEqual([])
    hold.release()
    await closing
    await held
    expect(hold.events).toEqual(['line flushed', 'closed'])

    // What the mint wrote is there for the next service on this directory.
    const log = await readFile(join(dataDir, 'auth', 'credentials.log'), 'utf8')
    expect(log.trimEnd().split('\n')).toHaveLength(1)
    const next = await startTokenService({ dataDir, admin: ADMIN, logLevel: 'silent' })
    await next.close()
  })
})
