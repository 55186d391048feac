import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { basicAuth } from '@artifact-registry/test-kit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli, startCli } from '../support/command.js'

let work: string
let data: string
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'cli-admin-'))
  data = join(work, 'data')
})
afterEach(async () => {
  await rm(work, { recursive: true, force: true })
})

const SERVE = (): string[] => ['serve', '--data', data, '--port', '0']

/** The status of `GET /v2/` as the admin with this password. */
async function adminStatus(url: string, password: string, username = 'admin'): Promise<number> {
  const res = await fetch(`${url}/v2/`, {
    headers: { authorization: basicAuth(username, password) },
  })
  await res.body?.cancel()
  return res.status
}

function adminLine(stdout: string): string {
  return stdout.split('\n').find((line) => line.startsWith('admin credential:')) ?? ''
}

/** Every file under `dir`, with its content. */
async function filesUnder(dir: string): Promise<{ path: string; content: string }[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const files = entries.filter((entry) => entry.isFile())
  return Promise.all(
    files.map(async (entry) => {
      const path = join(entry.parentPath, entry.name)
      return { path, content: await readFile(path, 'latin1') }
    }),
  )
}

describe('serve keeps its admin credential in the data directory', () => {
  it('a generated password is printed once and still works after a restart', async () => {
    const first = await startCli(SERVE())
    const generated = adminLine(first.output().stdout).match(
      /^admin credential: admin \/ (\S+) \(generated/,
    )?.[1]
    expect(generated).toBeDefined()
    const password = generated ?? ''
    expect(await adminStatus(first.url, password)).toBe(200)
    expect(await first.stop()).toBe(0)

    await using second = await startCli(SERVE())
    const line = adminLine(second.output().stdout)
    expect(line).toContain('unchanged')
    expect(second.output().stdout).not.toContain(password)
    expect(await adminStatus(second.url, password)).toBe(200)
    expect(await adminStatus(second.url, `${password}x`)).toBe(401)
  })

  it('stores only a salted scrypt hash, readable by its owner alone', async () => {
    const server = await startCli(SERVE())
    const password =
      adminLine(server.output().stdout).match(/admin \/ (\S+) \(generated/)?.[1] ?? ''
    await server.stop()

    const file = join(data, 'auth', 'admin.json')
    const stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>
    expect(stored).toEqual({
      username: 'admin',
      passwordHash: expect.stringMatching(/^\$scrypt\$/),
    })
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    const base64 = Buffer.from(password).toString('base64')
    for (const { path, content } of await filesUnder(data)) {
      expect(content, path).not.toContain(password)
      expect(content, path).not.toContain(base64)
    }
  })

  it('--admin-password-file sets the password from its first line and replaces the stored one', async () => {
    const first = await startCli(SERVE())
    const generated =
      adminLine(first.output().stdout).match(/admin \/ (\S+) \(generated/)?.[1] ?? ''
    await first.stop()

    const passwordFile = join(work, 'admin-password')
    await writeFile(passwordFile, 'from-a-file-secret\nnot part of it\n', { mode: 0o600 })
    const given = await startCli([...SERVE(), '--admin-password-file', passwordFile])
    expect(adminLine(given.output().stdout)).toContain('(as given;')
    expect(given.output().stdout).not.toContain('from-a-file-secret')
    expect(await adminStatus(given.url, 'from-a-file-secret')).toBe(200)
    expect(await adminStatus(given.url, generated)).toBe(401)
    await given.stop()

    // Kept: the next start without any password flag still takes it.
    await using again = await startCli(SERVE())
    expect(await adminStatus(again.url, 'from-a-file-secret')).toBe(200)
  })

  it('an --admin-password-file that cannot be read is named with its flag, and nothing is made', async () => {
    const missing = join(work, 'no-such-password-file')
    const run = runCli([...SERVE(), '--admin-password-file', missing])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(`cannot read the --admin-password-file ${missing} (ENOENT)`)
    await expect(stat(data)).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('ARTIFACT_REGISTRY_ADMIN_PASSWORD and --admin-user replace the stored admin', async () => {
    await (await startCli(SERVE())).stop()
    const env = { ARTIFACT_REGISTRY_ADMIN_PASSWORD: 'from-the-environment' }
    const given = await startCli([...SERVE(), '--admin-user', 'root'], env)
    expect(await adminStatus(given.url, 'from-the-environment', 'root')).toBe(200)
    await given.stop()

    await using again = await startCli(SERVE())
    expect(adminLine(again.output().stdout)).toMatch(/^admin credential: root \/ \(unchanged/)
    expect(await adminStatus(again.url, 'from-the-environment', 'root')).toBe(200)
  })

  it('another --admin-user without its password is a usage error, leaving the admin as it was', async () => {
    await (await startCli([...SERVE(), '--admin-password', 'kept-secret'])).stop()
    const before = await readFile(join(data, 'auth', 'admin.json'), 'utf8')
    const run = runCli([...SERVE(), '--admin-user', 'someone-else'])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('the admin of')
    expect(run.stderr).toContain('is "admin"')
    expect(await readFile(join(data, 'auth', 'admin.json'), 'utf8')).toBe(before)
  })

  it('token-service keeps its admin across restarts too', async () => {
    const args = ['token-service', '--data', data, '--port', '0']
    const first = await startCli(args)
    const password = adminLine(first.output().stdout).match(/admin \/ (\S+) \(generated/)?.[1] ?? ''
    await first.stop()

    await using second = await startCli(args)
    expect(second.output().stdout).not.toContain(password)
    const res = await fetch(`${second.url}/token?service=artifact-registry`, {
      headers: { authorization: basicAuth('admin', password) },
    })
    expect(res.status).toBe(200)
  })
})
