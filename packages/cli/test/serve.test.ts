import { type ChildProcess, spawn } from 'node:child_process'
import { createPrivateKey, X509Certificate } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { askOnNewConnection, createTestPki } from '@artifact-registry/test-kit'
import { afterAll, describe, expect, it } from 'vitest'
import { ERROR_EXIT_CODES, EXIT } from '../src/index.js'
import {
  CLI,
  cleanEnv,
  cli,
  parseJson,
  temporaryDirectory,
  writeBindingFile,
} from './support/command.js'

const work = await temporaryDirectory('cli-serve-')
afterAll(() => work[Symbol.asyncDispose]())

/** `artifact-registry serve …` running, with what it printed so far and its exit. */
function startServe(args: string[]): {
  child: ChildProcess
  stdout: () => string
  exited: Promise<number | null>
  line: (n: number) => Promise<string>
} {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], {
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  const waiters: (() => void)[] = []
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    for (const wake of waiters.splice(0)) wake()
  })
  // 'close', not 'exit': only then has everything the process printed been read.
  let closed = false
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      closed = true
      resolve(code)
    }),
  )
  const complete = (): string[] => stdout.split('\n').slice(0, -1)
  const line = async (n: number): Promise<string> => {
    while (complete().length <= n) {
      if (closed) throw new Error(`serve exited ${child.exitCode}: ${stdout}`)
      await Promise.race([new Promise<void>((wake) => waiters.push(wake)), exited])
    }
    return complete()[n] ?? ''
  }
  return { child, stdout: () => stdout, exited, line }
}

describe('serve', () => {
  it('runs the registry server; --json says where in one line; Ctrl-C stops it cleanly (exit 0)', async () => {
    const passwordFile = join(work.dir, 'admin-password')
    await writeFile(passwordFile, 'serve-test-password\n', { mode: 0o600 })
    const server = startServe([
      '--data',
      join(work.dir, 'data'),
      '--port',
      '0',
      '--admin-password-file',
      passwordFile,
      '--hash-threads',
      '0',
      '--json',
    ])
    const listening = JSON.parse(await server.line(0))
    expect(listening).toEqual({
      event: 'listening',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      dataDir: join(work.dir, 'data'),
      tokenRealm: `${listening.url}/token`,
      admin: expect.stringMatching(/^admin credential: admin \/ \(as given/),
      adminUser: 'admin',
      adminPassword: null,
    })
    const bindingFile = await writeBindingFile(work.dir, {
      platform: 'local',
      url: listening.url,
      adminCredentials: { username: 'admin', password: 'serve-test-password' },
    })
    const created = parseJson(
      await cli(['repo', 'create', 'served', '--json', '--binding-file', bindingFile]),
    )
    expect(created).toMatchObject({
      name: 'artifacts/served',
      uri: `${new URL(listening.url).host}/artifacts/served`,
    })
    server.child.kill('SIGINT')
    expect(await server.exited).toBe(EXIT.ok)
    expect(JSON.parse(await server.line(1))).toEqual({ event: 'stopped' })
  })

  it('prints human lines without --json; a generated admin password is shown once', async () => {
    const server = startServe(['--data', join(work.dir, 'human'), '--port', '0'])
    expect(await server.line(0)).toMatch(
      /^artifact-registry listening on http:\/\/127\.0\.0\.1:\d+$/,
    )
    expect(await server.line(2)).toMatch(
      /^admin credential: admin \/ \S+ \(generated; shown only now/,
    )
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(EXIT.ok)
  })

  it('with --json, a generated admin password is a field of its own, which works', async () => {
    const server = startServe(['--data', join(work.dir, 'generated'), '--port', '0', '--json'])
    try {
      const listening = JSON.parse(await server.line(0))
      expect(listening).toMatchObject({ event: 'listening', adminUser: 'admin' })
      expect(listening.adminPassword).toMatch(/^\S{16,}$/)
      expect(listening.admin).toContain(listening.adminPassword)
      const bindingFile = await writeBindingFile(
        work.dir,
        {
          platform: 'local',
          url: listening.url,
          adminCredentials: { username: listening.adminUser, password: listening.adminPassword },
        },
        'generated.json',
      )
      expect(await cli(['repo', 'list', '--json', '--binding-file', bindingFile])).toMatchObject({
        status: EXIT.ok,
      })
    } finally {
      server.child.kill('SIGTERM')
    }
    expect(await server.exited).toBe(EXIT.ok)
  })

  it('flags are checked: --data is required, --tls-cert needs --tls-key, --port is a port, --admin-user has no colon', async () => {
    expect(await cli(['serve'])).toMatchObject({
      status: EXIT.usage,
      stderr: expect.stringContaining("required option '--data <dir>'"),
    })
    const half = await cli(['serve', '--data', join(work.dir, 'x'), '--tls-cert', 'c.pem'])
    expect(half).toMatchObject({
      status: EXIT.usage,
      stderr: expect.stringContaining('--tls-cert and --tls-key go together'),
    })
    const port = await cli(['serve', '--data', join(work.dir, 'x'), '--port', '70000'])
    expect(port).toMatchObject({
      status: EXIT.usage,
      stderr: expect.stringContaining('port number'),
    })
    const data = join(work.dir, 'colon')
    expect(await cli(['serve', '--data', data, '--admin-user', 'ops:team'])).toMatchObject({
      status: EXIT.usage,
      stderr: expect.stringContaining('must not contain a colon'),
    })
    // Refused before the data directory is laid out.
    expect(existsSync(data)).toBe(false)
    for (const threads of ['9', '1.5', '-1', '']) {
      const hashing = await cli(['serve', '--data', join(work.dir, 'x'), '--hash-threads', threads])
      expect(hashing).toMatchObject({
        status: EXIT.usage,
        stderr: expect.stringContaining('whole number from 0 to 8'),
      })
    }
  })

  it('--public-url names the token realm of its challenges; a value that is no http(s) origin is a usage error', async () => {
    const server = startServe([
      '--data',
      join(work.dir, 'public'),
      '--port',
      '0',
      '--public-url',
      'https://registry.example.com/',
      '--json',
    ])
    try {
      const listening = JSON.parse(await server.line(0))
      expect(listening.tokenRealm).toBe('https://registry.example.com/token')
      const refused = await fetch(`${listening.url}/v2/team/app/tags/list`)
      await refused.body?.cancel()
      expect(refused.headers.get('www-authenticate')).toContain(
        'realm="https://registry.example.com/token"',
      )
    } finally {
      server.child.kill('SIGTERM')
    }
    expect(await server.exited).toBe(EXIT.ok)
    for (const bad of ['registry.example.com:5000', 'https://registry.example.com/v2']) {
      const data = join(work.dir, 'bad-public-url')
      expect(await cli(['serve', '--data', data, '--public-url', bad])).toMatchObject({
        status: EXIT.usage,
        stderr: expect.stringContaining('must be an http(s) URL of scheme, host and port only'),
      })
      expect(existsSync(data)).toBe(false)
    }
  })

  it('--public-url that binds every interface or would break the challenge is a usage error too', async () => {
    // 0.0.0.0 is the realm no other machine can reach, which the flag is for; a quote ends the
    // realm's quoted string in the challenge.
    for (const bad of ['http://0.0.0.0:5000', 'http://[::]:5000', 'http://registry".example.com']) {
      const data = join(work.dir, 'unreachable-public-url')
      expect(await cli(['serve', '--data', data, '--public-url', bad])).toMatchObject({
        status: EXIT.usage,
        stderr: expect.stringContaining('must be an http(s) URL of scheme, host and port only'),
      })
      expect(existsSync(data)).toBe(false)
    }
  })

  it('--max-repository-metadata-bytes caps what one repository holds; a bad value is a usage error', async () => {
    await servingWith(['--max-repository-metadata-bytes', '1024'], async (url, authorization) => {
      const statuses: number[] = []
      for (let i = 0; i < 20 && statuses.at(-1) !== 403; i++) {
        // Each tag's index lists nothing: no blob to push, its record alone fills the 1 KiB.
        const manifest = JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: [],
          annotations: { i: `${i}` },
        })
        const res = await fetch(`${url}/v2/capped/repo/manifests/t${i}`, {
          method: 'PUT',
          body: manifest,
          headers: { authorization, 'content-type': 'application/vnd.oci.image.index.v1+json' },
        })
        statuses.push(res.status)
      }
      // Under the default of 16 MiB, all 20 would go in.
      expect(statuses.at(-1)).toBe(403)
      expect(statuses.slice(0, -1).every((status) => status === 201)).toBe(true)
    })
    await expectUsageErrors(
      '--max-repository-metadata-bytes',
      ['0', '1.5', '16MiB', ''],
      'whole number of bytes, at least 1',
    )
  })

  it('--max-connections closes a connection past the cap unanswered; a bad value is a usage error', async () => {
    await servingWith(['--max-connections', '1'], async (url) => {
      const first = await askOnNewConnection(url)
      try {
        expect(first.statusLine).toBe('HTTP/1.1 401 Unauthorized')
        const second = await askOnNewConnection(url)
        second.socket.destroy()
        // Under the default of 1024, it would be answered as the first was.
        expect(second.statusLine).toBe('')
      } finally {
        first.socket.destroy()
      }
    })
    await expectUsageErrors(
      '--max-connections',
      ['0', '1.5', ''],
      'must be a whole number, at least 1',
    )
  })

  it('--token-ttl sets the lifetime of the tokens the registry issues; a bad value is a usage error', async () => {
    await servingWith(['--token-ttl', '60'], async (url, authorization) => {
      const res = await fetch(`${url}/token?service=artifact-registry`, {
        headers: { authorization },
      })
      const { expires_in } = (await res.json()) as { expires_in: number }
      // 300 by default; less the second or so the issue took.
      expect(expires_in).toBeLessThanOrEqual(60)
      expect(expires_in).toBeGreaterThanOrEqual(58)
    })
    await expectUsageErrors(
      '--token-ttl',
      ['0', '86401', '5m'],
      'must be a whole number of seconds from 1 to 86400',
    )
  })

  /**
   * Run `serve` with `flags` on a directory of its own, a free port and a known admin password;
   * hand `check` its URL and the admin's Authorization header, then stop it (a clean exit).
   */
  async function servingWith(
    flags: readonly string[],
    check: (url: string, authorization: string) => Promise<void>,
  ): Promise<void> {
    const dir = await mkdtemp(join(work.dir, 'serving-'))
    const passwordFile = join(dir, 'password')
    await writeFile(passwordFile, 'serving-password\n', { mode: 0o600 })
    const server = startServe([
      ...['--data', join(dir, 'data'), '--port', '0', '--admin-password-file', passwordFile],
      ...flags,
      '--json',
    ])
    try {
      const { url } = JSON.parse(await server.line(0)) as { url: string }
      await check(url, `Basic ${Buffer.from('admin:serving-password').toString('base64')}`)
    } finally {
      server.child.kill('SIGTERM')
    }
    expect(await server.exited).toBe(EXIT.ok)
  }

  /** `serve` with `flag` set to each of `values` is a usage error whose message holds `message`. */
  async function expectUsageErrors(
    flag: string,
    values: readonly string[],
    message: string,
  ): Promise<void> {
    for (const value of values) {
      const refused = await cli(['serve', '--data', join(work.dir, 'x'), flag, value])
      expect(refused).toMatchObject({
        status: EXIT.usage,
        stderr: expect.stringContaining(message),
      })
    }
  }

  it('a data directory another process serves is UNAVAILABLE (exit 13)', async () => {
    const data = join(work.dir, 'held')
    const first = startServe(['--data', data, '--port', '0', '--json'])
    await first.line(0)
    try {
      const second = await cli(['serve', '--data', data, '--port', '0'])
      expect(second.status).toBe(ERROR_EXIT_CODES.UNAVAILABLE)
      expect(second.stderr).toContain(String(first.child.pid))
    } finally {
      first.child.kill('SIGTERM')
      await first.exited
    }
  })

  it('a port in use is UNAVAILABLE, a file it cannot read INVALID_CONFIG naming its flag', async () => {
    const first = startServe(['--data', join(work.dir, 'port-holder'), '--port', '0', '--json'])
    const { url } = JSON.parse(await first.line(0)) as { url: string }
    const port = new URL(url).port
    try {
      const second = await cli(['serve', '--data', join(work.dir, 'port-wanted'), '--port', port])
      expect(second.status).toBe(ERROR_EXIT_CODES.UNAVAILABLE)
      expect(second.stderr).toContain(`Cannot serve on 127.0.0.1:${port}: the port is in use`)
    } finally {
      first.child.kill('SIGTERM')
      await first.exited
    }
    const missing = join(work.dir, 'no-password-file')
    const unread = await cli([
      ...['serve', '--data', join(work.dir, 'unread'), '--port', '0'],
      ...['--admin-password-file', missing, '--json'],
    ])
    expect(unread.status).toBe(ERROR_EXIT_CODES.INVALID_CONFIG)
    expect(JSON.parse(unread.stderr)).toMatchObject({
      error: {
        code: 'INVALID_CONFIG',
        message: `Cannot read the --admin-password-file file ${missing} (ENOENT)`,
        issues: [{ path: '--admin-password-file', message: 'cannot be read (ENOENT)' }],
      },
    })
  })

  it('without --port, a data directory an embedded registry served keeps its port, so the URIs it handed out resolve', async () => {
    const data = join(work.dir, 'embedded')
    const bindingFile = await writeBindingFile(
      work.dir,
      { platform: 'local', dataDir: data },
      'embedded.json',
    )
    const created = parseJson<{ uri: string }>(
      await cli(['repo', 'create', 'kept', '--json', '--binding-file', bindingFile]),
    )
    const host = created.uri.replace(/\/artifacts\/kept$/, '')
    const server = startServe(['--data', data, '--json'])
    try {
      const listening = JSON.parse(await server.line(0)) as { url: string }
      expect(new URL(listening.url).host).toBe(host)
    } finally {
      server.child.kill('SIGTERM')
    }
    expect(await server.exited).toBe(EXIT.ok)
  })

  it('without --port, a port record that holds no port is INVALID_CONFIG, not a silent move', async () => {
    const data = join(work.dir, 'bad-record')
    await mkdir(data)
    await writeFile(join(data, 'endpoint.json'), '{"port": "soon"}\n')
    const served = await cli(['serve', '--data', data, '--json'])
    expect(served.status).toBe(ERROR_EXIT_CODES.INVALID_CONFIG)
    expect(JSON.parse(served.stderr)).toMatchObject({
      error: {
        code: 'INVALID_CONFIG',
        message: expect.stringContaining(
          `${join(data, 'endpoint.json')} does not hold the registry's port`,
        ),
      },
    })
  })

  it('TLS files that are not a certificate, a key, or a pair are INVALID_CONFIG naming the flag', async () => {
    const [pki, other] = await Promise.all([createTestPki(), createTestPki()])
    const file = async (name: string, text: string): Promise<string> => {
      const path = join(work.dir, name)
      await writeFile(path, text, { mode: 0o600 })
      return path
    }
    const cert = await file('tls-cert.pem', pki.certPem)
    const key = await file('tls-key.pem', pki.keyPem)
    const notPem = await file('tls-not-pem.txt', 'not a certificate\n')
    const otherKey = await file('tls-other-key.pem', other.keyPem)
    // DER: a certificate to node:crypto, but not to the HTTPS server, which reads PEM only.
    const der = join(work.dir, 'tls-cert.der')
    await writeFile(der, new X509Certificate(pki.certPem).raw)
    const encryptedKey = await file(
      'tls-encrypted-key.pem',
      createPrivateKey(pki.keyPem)
        .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' })
        .toString(),
    )
    const cases: [string, string, string[], string][] = [
      [notPem, key, ['--tls-cert'], 'the certificate is not a PEM certificate'],
      [cert, notPem, ['--tls-key'], 'the key is not an unencrypted PEM private key'],
      [cert, otherKey, ['--tls-cert', '--tls-key'], 'the key does not belong to the certificate'],
      [der, key, ['--tls-cert'], 'the certificate is not a PEM certificate'],
      [
        cert,
        encryptedKey,
        ['--tls-key'],
        'the key is encrypted: the registry takes no passphrase, so give it the key decrypted',
      ],
    ]
    for (const [certFile, keyFile, flags, problem] of cases) {
      const data = join(work.dir, `tls-data-${basename(certFile)}-${basename(keyFile)}`)
      const served = await cli([
        ...['serve', '--data', data, '--port', '0', '--json'],
        ...['--tls-cert', certFile, '--tls-key', keyFile],
      ])
      expect(served.status, served.stderr).toBe(ERROR_EXIT_CODES.INVALID_CONFIG)
      expect(JSON.parse(served.stderr)).toMatchObject({
        error: {
          code: 'INVALID_CONFIG',
          message: `Cannot serve HTTPS with --tls-cert ${certFile} and --tls-key ${keyFile}: ${problem}`,
          issues: flags.map((path) => ({ path, message: problem })),
        },
      })
      // Refused before the data directory was made.
      expect(existsSync(data)).toBe(false)
    }
  })

  it('a --data that is a file is INVALID_CONFIG naming --data, not an unexpected failure', async () => {
    const file = join(work.dir, 'data-is-a-file')
    await writeFile(file, 'not a directory\n')
    const served = await cli(['serve', '--data', file, '--port', '0', '--json'])
    expect(served.status).toBe(ERROR_EXIT_CODES.INVALID_CONFIG)
    expect(JSON.parse(served.stderr)).toMatchObject({
      error: {
        code: 'INVALID_CONFIG',
        message: expect.stringContaining(`Cannot use the --data directory ${file} (ENOTDIR)`),
        issues: [{ path: '--data', message: expect.stringContaining('not a directory') }],
      },
    })
  })
})
