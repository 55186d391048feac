import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CredentialCache, reuseUntil } from '../src/credential-helper/cache.js'
import { writePrivateFile } from '../src/private-file.js'

// The credential helper must never hand docker credentials past their expiry, whatever the
// clocks or the cache file say.

const NOW = new Date('2030-01-01T12:00:00.000Z')
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs)

describe('reuseUntil', () => {
  it('is 5 minutes before the expiry of a long credential, halfway through a short one', () => {
    expect(reuseUntil(NOW, at(3_600_000))).toEqual(at(3_300_000))
    expect(reuseUntil(NOW, at(60_000))).toEqual(at(30_000))
  })

  it('is never after the expiry, even of credentials that expired before they were minted', () => {
    // The platform's expiry precedes the local mint time: a clock ahead, or a slow mint of a
    // short TTL. Half of that negative lifetime once put the reuse limit 30 s past the expiry.
    const expiresAt = at(-60_000)
    expect(reuseUntil(NOW, expiresAt).getTime()).toBeLessThanOrEqual(expiresAt.getTime())
  })
})

describe('CredentialCache.read', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ar-cache-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  async function cacheHolding(fields: Record<string, unknown>): Promise<CredentialCache> {
    const cache = new CredentialCache(dir, 'entry.json')
    const held = { username: 'u', secret: 's', registry: 'r.example', repository: 'a/b', ...fields }
    await writePrivateFile(cache.file, JSON.stringify(held))
    return cache
  }

  it('hands out credentials before their reuse limit', async () => {
    const cache = await cacheHolding({
      expiresAt: at(3_600_000).toISOString(),
      reuseUntil: at(3_300_000).toISOString(),
    })
    expect(await cache.read(NOW)).toMatchObject({ username: 'u', secret: 's' })
  })

  it('never hands out expired credentials, whatever their reuse limit says', async () => {
    const cache = await cacheHolding({
      expiresAt: at(-1_000).toISOString(),
      reuseUntil: at(60_000).toISOString(),
    })
    expect(await cache.read(NOW)).toBeUndefined()
  })

  it('never hands out credentials without a valid expiry', async () => {
    for (const expiresAt of [undefined, '', 'tomorrow']) {
      const cache = await cacheHolding({ expiresAt, reuseUntil: at(60_000).toISOString() })
      expect(await cache.read(NOW)).toBeUndefined()
    }
  })

  it('never hands out credentials without the registry and repository revoke drops them by', async () => {
    for (const missing of ['registry', 'repository']) {
      const cache = await cacheHolding({
        expiresAt: at(3_600_000).toISOString(),
        reuseUntil: at(3_300_000).toISOString(),
        [missing]: undefined,
      })
      expect(await cache.read(NOW), missing).toBeUndefined()
    }
  })
})
