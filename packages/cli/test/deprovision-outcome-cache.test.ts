import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import type { ProvisionChange } from '@artifact-registry/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { forgetDeprovisionedCredentials } from '../src/commands/deprovisioned-namespace.js'
import { cacheDir } from '../src/credential-helper/cache.js'

// Which `deprovision local` outcomes drop the namespace's cached credentials: a run that revoked
// them, whether it then succeeded or failed part-way after deleting something. A run that failed
// before deleting anything revoked nothing, and its credentials still work: they are kept.

const TARGET = { endpoint: 'http://127.0.0.1:5999', namespace: 'artifacts' }
const CACHED = '0123456789abcdef-0123456789abcdef0123456789abcdef.json'

let home: string
let env: NodeJS.ProcessEnv
let warnings: string
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'cli-deprovision-outcome-'))
  env = { HOME: home, XDG_CACHE_HOME: join(home, 'cache') }
  warnings = ''
  const dir = cacheDir(env)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const expiresAt = new Date(Date.now() + 3_600_000)
  const credentials = {
    username: 'cred-1',
    secret: 'secret-1',
    registry: '127.0.0.1:5999',
    repository: 'artifacts/app',
    expiresAt: expiresAt.toISOString(),
    reuseUntil: new Date(expiresAt.getTime() - 300_000).toISOString(),
  }
  await writeFile(join(dir, CACHED), JSON.stringify(credentials), { mode: 0o600 })
})
afterEach(() => rm(home, { recursive: true, force: true }))

async function cachedAfter(outcome: {
  succeeded: boolean
  changes: ProvisionChange[]
}): Promise<string[]> {
  const stderr = new Writable({
    write(chunk, _encoding, done) {
      warnings += String(chunk)
      done()
    },
  })
  const io = { env, stderr }
  await forgetDeprovisionedCredentials(io, TARGET, outcome)
  expect(warnings).toBe('')
  return readdir(cacheDir(env))
}

const deleted: ProvisionChange = { action: 'delete', kind: 'repository', id: 'artifacts/app' }
const kept: ProvisionChange = { action: 'unchanged', kind: 'data-directory', id: '/srv/registry' }

describe('deprovision local: which outcomes forget cached credentials', () => {
  it('a run that succeeded', async () => {
    expect(await cachedAfter({ succeeded: true, changes: [] })).toEqual([])
  })

  it('a run that failed after deleting something (it revoked the namespace first)', async () => {
    expect(await cachedAfter({ succeeded: false, changes: [kept, deleted] })).toEqual([])
  })

  it('not a run that failed before deleting anything: its credentials still work', async () => {
    expect(await cachedAfter({ succeeded: false, changes: [kept] })).toEqual([CACHED])
  })
})
