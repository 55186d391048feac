import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { type LocalRegistry, startLocalRegistry } from '../../src/index.js'
import { basic } from './raw-http.js'

// Upload sessions count against a cap for everyone together. A credential that filled it and
// was then revoked (or expired, or lost its repository) kept every other client's push refused
// until its sessions expired, a day later by default: revoking the abuser did not help, and
// nobody could finish or cancel those sessions.

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }

let registry: LocalRegistry | undefined
let dataDir: string | undefined

afterEach(async () => {
  await registry?.close()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
  registry = undefined
  dataDir = undefined
})

async function start(): Promise<LocalRegistry> {
  dataDir = await mkdtemp(join(tmpdir(), 'registry-abandoned-'))
  registry = await startLocalRegistry({
    dataDir,
    adminCredentials: ADMIN,
    maxUploadSessions: 2,
    logLevel: 'silent',
  })
  return registry
}

async function pusher(server: LocalRegistry, repository: string, ttlSeconds = 600) {
  const credential = await server.generateCredentials(repository, 'push-pull', ttlSeconds)
  return { ...credential, authorization: basic(credential.username, credential.password) }
}

function startUpload(server: LocalRegistry, repository: string, authorization: string) {
  return fetch(`${server.url}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers: { authorization },
  })
}

async function uploadsOnDisk(): Promise<string[]> {
  return readdir(join(dataDir as string, 'uploads'))
}

describe('upload sessions of a credential no longer held', () => {
  it('make room for another client once the sessions of everyone reach their cap', async () => {
    const server = await start()
    const abuser = await pusher(server, 'team/abuser')
    for (let i = 0; i < 2; i++) {
      expect((await startUpload(server, 'team/abuser', abuser.authorization)).status).toBe(202)
    }
    const other = await pusher(server, 'team/other')
    const refused = await startUpload(server, 'team/other', other.authorization)
    expect(refused.status).toBe(429)
    expect(await refused.text()).toContain('TOOMANYREQUESTS')

    await server.revokeCredentials({ username: abuser.username })
    const started = await startUpload(server, 'team/other', other.authorization)
    expect(started.status).toBe(202)
    // The abuser's sessions are gone from the disk too; the other client's is the one left.
    const location = started.headers.get('location') ?? ''
    expect(await uploadsOnDisk()).toEqual([location.split('/').at(-1)])
  })

  it('keep the sessions of credentials still held', async () => {
    const server = await start()
    const first = await pusher(server, 'team/first')
    for (let i = 0; i < 2; i++) {
      expect((await startUpload(server, 'team/first', first.authorization)).status).toBe(202)
    }
    const second = await pusher(server, 'team/second')
    expect((await startUpload(server, 'team/second', second.authorization)).status).toBe(429)
    expect(await uploadsOnDisk()).toHaveLength(2)
  })

  it('make room once their credential has expired', async () => {
    const server = await start()
    const shortLived = await pusher(server, 'team/short', 1)
    for (let i = 0; i < 2; i++) {
      expect((await startUpload(server, 'team/short', shortLived.authorization)).status).toBe(202)
    }
    const other = await pusher(server, 'team/other')
    await new Promise((resolve) => setTimeout(resolve, 1100))
    expect((await startUpload(server, 'team/other', other.authorization)).status).toBe(202)
  })
})
