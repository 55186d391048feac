import { chmod, readFile, writeFile } from 'node:fs/promises'
import { delimiter, join } from 'node:path'
import {
  requireTool,
  runTool,
  runToolExpectingFailure,
  skopeoWorkspace,
} from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import { EXIT } from '../src/index.js'
import { cli, parseJson, writeBindingFile } from './support/command.js'
import { dockerMissing, importTinyImage, removeImages } from './support/docker.js'
import { boundRegistryForFile } from './support/registry.js'

const { dir: workDir, bound, binding } = await boundRegistryForFile('cli-login-')
await cli(['repo', 'create', 'app', ...binding])

/**
 * A `docker` (or `client`) on PATH that records its arguments and stdin, then runs `then`
 * (shell): what the command hands a client, seen from the client's side.
 */
async function recordingClient(
  name: string,
  then = 'exit 0',
  client = 'docker',
): Promise<{ path: string; args: () => Promise<string[]>; stdin: () => Promise<string> }> {
  const dir = join(workDir, `client-${name}`)
  await import('node:fs/promises').then((fs) => fs.mkdir(dir))
  const script = join(dir, client)
  await writeFile(
    script,
    `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args"\ncat > "${dir}/stdin"\n${then}\n`,
  )
  await chmod(script, 0o755)
  return {
    path: `${dir}${delimiter}${process.env.PATH}`,
    args: async () => (await readFile(join(dir, 'args'), 'utf8')).trimEnd().split('\n'),
    stdin: () => readFile(join(dir, 'stdin'), 'utf8'),
  }
}

/** The status `GET /v2/` answers with these Basic credentials: 200 while they are valid. */
async function basicStatus(username: string, password: string): Promise<number> {
  const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
  const res = await fetch(`${bound.registry.url}/v2/`, { headers: { authorization } })
  await res.arrayBuffer()
  return res.status
}

describe('login', () => {
  it('gives the client the username as a flag and the password on stdin, never as an argument', async () => {
    const client = await recordingClient('ok')
    const result = await cli(['login', 'artifacts/app', '--json', ...binding], {
      env: { PATH: client.path },
    })
    const summary = parseJson<{ username: string; registry: string }>(result)
    expect(summary).toEqual({
      client: 'docker',
      registry: bound.host,
      username: expect.any(String),
      expiresAt: expect.any(String),
    })
    const args = await client.args()
    expect(args).toEqual(['login', '--username', summary.username, '--password-stdin', bound.host])
    const password = (await client.stdin()).trimEnd()
    expect(password.length).toBeGreaterThan(20)
    expect(args.join(' ')).not.toContain(password)
    expect(result.stdout).not.toContain(password)
    expect(await basicStatus(summary.username, password)).toBe(200)
  })

  it("keeps the command's own secrets out of the client's environment", async () => {
    // The client needs a scoped credential only; the admin password the binding mints with
    // would reach it (and every credential helper or plugin it starts) through the environment.
    const { adminCredentials, ...rest } = JSON.parse(await readFile(bound.bindingFile, 'utf8')) as {
      adminCredentials: { username: string; password: string }
    }
    const placeholderFile = await writeBindingFile(
      workDir,
      { ...rest, adminCredentials: { ...adminCredentials, password: `\${LOGIN_ADMIN_SECRET}` } },
      'placeholder-binding.json',
    )
    const client = await recordingClient('environment', 'env > "$(dirname "$0")/env"')
    const result = await cli(['login', 'artifacts/app', '--binding-file', placeholderFile], {
      env: {
        PATH: client.path,
        LOGIN_ADMIN_SECRET: adminCredentials.password,
        ARTIFACT_REGISTRY_ADMIN_PASSWORD: 'serve-admin-secret',
        ARTIFACT_REGISTRY_OTHER_BINDING: JSON.stringify({ ...rest, adminCredentials }),
        ALIEN_OTHER_BINDING: '{"service":"local"}',
        KEPT_FOR_THE_CLIENT: 'yes',
      },
    })
    expect(result.status).toBe(EXIT.ok)
    const text = await readFile(join(client.path.split(delimiter)[0] as string, 'env'), 'utf8')
    const names = text.split('\n').map((line) => line.slice(0, line.indexOf('=')))
    const withheld = [
      'LOGIN_ADMIN_SECRET',
      'ARTIFACT_REGISTRY_ADMIN_PASSWORD',
      'ARTIFACT_REGISTRY_OTHER_BINDING',
      'ALIEN_OTHER_BINDING',
    ]
    expect(names.filter((name) => withheld.includes(name))).toEqual([])
    expect(text.includes(adminCredentials.password)).toBe(false)
    // What the client does need (its PATH, its own settings) is passed on as before.
    expect(names).toEqual(expect.arrayContaining(['PATH', 'KEPT_FOR_THE_CLIENT']))
  })

  it('a client that fails is exit 1 with what it said; a missing client says so', async () => {
    const client = await recordingClient('refuses', "echo 'denied: no way' >&2; exit 3")
    const refused = await cli(['login', 'artifacts/app', ...binding], {
      env: { PATH: client.path },
    })
    expect(refused.status).toBe(EXIT.failure)
    expect(refused.stderr).toContain(
      `docker login to ${bound.host} failed (exit 3): denied: no way`,
    )
    // The credentials the client refused are revoked: no one holds a live secret no one uses.
    const username = (await client.args())[2] as string
    const password = (await client.stdin()).trimEnd()
    expect(refused.stderr).toContain(`the credentials minted for it (${username}) were revoked`)
    expect(refused.stderr).not.toContain(password)
    expect(await basicStatus(username, password)).toBe(401)
    const missing = await cli(['login', 'artifacts/app', '--client', 'podman', ...binding], {
      env: { PATH: join(workDir, 'empty') },
    })
    expect(missing.status).toBe(EXIT.failure)
    expect(missing.stderr).toContain('podman is not installed (not found on PATH)')
    // Found missing before anything was minted: no credentials to speak of.
    expect(missing.stderr).not.toContain('credentials minted')
  })

  it('a client that exits leaving a process holding its output: the failure is reported at once', async () => {
    // A daemon the client started (a credential helper's) keeps the pipes open for a minute.
    const client = await recordingClient(
      'leaves-a-daemon',
      "sleep 60 & echo 'denied: no way' >&2; exit 3",
    )
    const started = Date.now()
    const refused = await cli(['login', 'artifacts/app', ...binding], {
      env: { PATH: client.path },
    })
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(refused.status).toBe(EXIT.failure)
    expect(refused.stderr).toContain(
      `docker login to ${bound.host} failed (exit 3): denied: no way`,
    )
    const username = (await client.args())[2] as string
    const password = (await client.stdin()).trimEnd()
    expect(await basicStatus(username, password)).toBe(401)
  }, 30_000)

  it('a client refused by a plain-HTTP registry is told to add --insecure', async () => {
    const client = await recordingClient(
      'https-to-http',
      `echo 'Get "https://${bound.host}/v2/": http: server gave HTTP response to HTTPS client' >&2; exit 1`,
      'skopeo',
    )
    const refused = await cli(['login', 'artifacts/app', '--client', 'skopeo', ...binding], {
      env: { PATH: client.path },
    })
    expect(refused.status).toBe(EXIT.failure)
    expect(refused.stderr).toContain('server gave HTTP response to HTTPS client\n(the registry')
    expect(refused.stderr).toContain('add --insecure')
  })

  it('--insecure with docker is a usage error (docker has no such flag), before anything is minted', async () => {
    await cli(['repo', 'create', 'insecure-app', ...binding])
    const client = await recordingClient('insecure')
    const result = await cli(['login', 'artifacts/insecure-app', '--insecure', ...binding], {
      env: { PATH: client.path },
    })
    expect(result.status).toBe(EXIT.usage)
    expect(result.stderr).toContain('--insecure is for podman, buildah and skopeo')
    await expect(client.args()).rejects.toThrow(/ENOENT/)
    expect(await bound.registry.revokeCredentials({ repository: 'artifacts/insecure-app' })).toBe(0)
  })

  it('Ctrl-C while the client runs stops it and exits 130', async () => {
    const client = await recordingClient('slow', 'exec sleep 60')
    const started = Date.now()
    const result = await cli(['login', 'artifacts/app', ...binding], {
      env: { PATH: client.path },
      started: (child) => {
        // Once the client has its stdin, the command is waiting on it.
        const poll = setInterval(() => {
          client.stdin().then(
            () => {
              clearInterval(poll)
              child.kill('SIGINT')
            },
            () => undefined,
          )
        }, 100)
      },
    })
    expect(result.status).toBe(EXIT.interrupted)
    expect(result.stderr).toContain('interrupted')
    expect(Date.now() - started).toBeLessThan(50_000)
    // Interrupted, the client may have stored the credentials: they are kept.
    const username = (await client.args())[2] as string
    expect(await basicStatus(username, (await client.stdin()).trimEnd())).toBe(200)
  })

  describe.skipIf(requireTool('skopeo'))('with skopeo', () => {
    it('logs skopeo in (--insecure for plain HTTP), and skopeo pushes with that login alone', async () => {
      await using workspace = await skopeoWorkspace('cli-login-skopeo-')
      const authFile = join(workspace.dir, 'auth.json')
      await writeFile(authFile, '{}', { mode: 0o600 })
      const env = { REGISTRY_AUTH_FILE: authFile }
      const result = await cli(
        [
          'login',
          'artifacts/app',
          '--client',
          'skopeo',
          '--insecure',
          '--permission',
          'push-pull',
          ...binding,
        ],
        { env },
      )
      expect(result.status, result.stderr).toBe(EXIT.ok)
      expect(result.stdout).toMatch(
        new RegExp(`^skopeo logged in to ${bound.host} as \\S+ \\(expires in 1 hour\\)$`, 'm'),
      )
      const auths = JSON.parse(await readFile(authFile, 'utf8')) as {
        auths: Record<string, unknown>
      }
      expect(Object.keys(auths.auths)).toEqual([bound.host])
      await workspace.skopeo.run(
        'copy',
        '--authfile',
        authFile,
        '--dest-tls-verify=false',
        workspace.image.reference,
        `docker://${bound.host}/artifacts/app:v1`,
      )
      const tags = await runTool('skopeo', [
        'list-tags',
        '--authfile',
        authFile,
        '--tls-verify=false',
        `docker://${bound.host}/artifacts/app`,
      ])
      expect(JSON.parse(tags.stdout).Tags).toEqual(['v1'])
    })
  })

  describe.skipIf(dockerMissing())('with docker', () => {
    it('logs docker in (its own DOCKER_CONFIG), and docker pushes with that login alone', async () => {
      const dockerConfig = join(workDir, 'docker-config')
      const result = await cli(
        ['login', 'artifacts/app', '--permission', 'push-pull', ...binding],
        {
          env: { DOCKER_CONFIG: dockerConfig },
        },
      )
      expect(result.status, result.stderr).toBe(EXIT.ok)
      const config = JSON.parse(await readFile(join(dockerConfig, 'config.json'), 'utf8'))
      expect(Object.keys(config.auths)).toEqual([bound.host])
      const reference = `${bound.host}/artifacts/app:docker-login`
      await importTinyImage(reference)
      try {
        const anonymous = { DOCKER_CONFIG: join(workDir, 'docker-anonymous') }
        const refused = await runToolExpectingFailure('docker', ['push', reference], {
          env: anonymous,
        })
        expect(refused.stderr).toMatch(/no basic auth credentials|unauthorized/)
        await runTool('docker', ['push', reference], { env: { DOCKER_CONFIG: dockerConfig } })
      } finally {
        await removeImages(reference)
      }
    })
  })
})
