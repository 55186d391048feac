import { randomBytes } from 'node:crypto'
import { access, chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SkopeoFailure, SkopeoSession } from '../src/suites/data-plane-skopeo.js'
import type { DataPlaneOptions } from '../src/types.js'

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
const expire = async (): Promise<void> => {}

/**
 * In place of skopeo, a script that records how it was called (its arguments, the auth file it
 * was given and that file's and directory's modes) and then fails.
 */
let work: string
let originalPath: string | undefined
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'data-plane-skopeo-'))
  const script = [
    '#!/bin/sh',
    `printf '%s\\n' "$@" > '${work}/argv'`,
    'while [ $# -gt 0 ]; do',
    '  if [ "$1" = --authfile ]; then',
    `    cp "$2" '${work}/auth.json'`,
    `    stat -c %a "$2" > '${work}/file-mode'`,
    `    stat -c %a "$(dirname "$2")" > '${work}/dir-mode'`,
    `    printf '%s' "$2" > '${work}/auth-path'`,
    '  fi',
    `  if [ "$1" = --dest-cert-dir ]; then cp "$2/ca.crt" '${work}/ca.crt'; fi`,
    '  shift',
    'done',
    'echo recorded >&2',
    'exit 1',
  ].join('\n')
  await writeFile(join(work, 'skopeo'), script)
  await chmod(join(work, 'skopeo'), 0o755)
})
afterAll(() => rm(work, { recursive: true, force: true }))
beforeEach(() => {
  originalPath = process.env.PATH
  process.env.PATH = `${work}:${originalPath}`
})
afterEach(() => {
  process.env.PATH = originalPath
})

const credentials: ArtifactRegistryCredentials = {
  authMethod: 'basic',
  registry: '127.0.0.1:5000',
  username: 'puller',
  password: `secret-${randomBytes(8).toString('hex')}`,
  expiresAt: new Date(Date.now() + 60_000),
}

/** Push through the session and return what the stand-in skopeo recorded. */
async function recordPush(dataPlane: DataPlaneOptions) {
  const session = await SkopeoSession.open(dataPlane, 10_000)
  try {
    const login = await session.login(credentials)
    const failure = await login.push(await session.newImage(), 'team/app').catch((e) => e)
    expect(failure).toBeInstanceOf(SkopeoFailure)
    expect(failure.output).toContain('recorded')
  } finally {
    await session.close()
  }
  const read = (name: string) => readFile(join(work, name), 'utf8')
  return {
    argv: (await read('argv')).trimEnd().split('\n'),
    auth: JSON.parse(await read('auth.json')),
    fileMode: (await read('file-mode')).trim(),
    dirMode: (await read('dir-mode')).trim(),
    authPath: await read('auth-path'),
  }
}

describe('under the test network guard', () => {
  it('refuses a registry off this machine before skopeo runs or an auth file is written', async () => {
    const session = await SkopeoSession.open({ expire, tls: false }, 10_000)
    try {
      for (const registry of ['registry.example.com', '10.0.0.1:5000', 'us-docker.pkg.dev']) {
        await expect(session.login({ ...credentials, registry })).rejects.toThrow(
          `the registry ${registry} is not on this machine`,
        )
      }
      for (const registry of ['127.0.0.1:5000', 'localhost:5000', '[::1]:5000']) {
        await expect(session.login({ ...credentials, registry })).resolves.toBeDefined()
      }
    } finally {
      await session.close()
    }
  })
})

describe('skopeo as the data plane group runs it', () => {
  it('gets the password in a 0600 auth file in a 0700 directory, never on its command line', async () => {
    const recorded = await recordPush({ expire, tls: false })
    expect(recorded.argv.join(' ')).not.toContain(credentials.password)
    const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
    expect(recorded.auth).toEqual({ auths: { [credentials.registry]: { auth: basic } } })
    expect(recorded.fileMode).toBe('600')
    expect(recorded.dirMode).toBe('700')
    expect(recorded.argv.at(-1)).toBe(`docker://${credentials.registry}/team/app:data-plane`)
  })

  it('leaves no auth file behind once the session is closed', async () => {
    const recorded = await recordPush({ expire, tls: false })
    await expect(access(recorded.authPath)).rejects.toThrow(/ENOENT/)
  })

  it.each([
    ['plain HTTP', { expire, tls: false }, ['--dest-tls-verify=false'], ['--dest-cert-dir']],
    [
      'HTTPS',
      { expire },
      ['--dest-tls-verify=true'],
      ['--dest-cert-dir', '--dest-tls-verify=false'],
    ],
    [
      'HTTPS with a private CA',
      { expire, caCertificate: CA },
      ['--dest-tls-verify=true', '--dest-cert-dir'],
      ['--dest-tls-verify=false'],
    ],
  ])(
    'turns TLS verification off only for plain HTTP: %s',
    async (_, dataPlane, present, absent) => {
      const { argv } = await recordPush(dataPlane)
      for (const flag of present) expect(argv).toContain(flag)
      for (const flag of absent) expect(argv).not.toContain(flag)
    },
  )

  it('trusts the given CA through its cert dir', async () => {
    await rm(join(work, 'ca.crt'), { force: true })
    await recordPush({ expire, caCertificate: CA })
    expect(await readFile(join(work, 'ca.crt'), 'utf8')).toBe(CA)
  })
})
