import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { EXIT } from '../src/index.js'
import { cli, parseJson } from './support/command.js'
import { boundRegistryForFile } from './support/registry.js'
import { tagListStatus, uploadStartStatus } from './support/registry-access.js'

const { bound, binding } = await boundRegistryForFile('cli-credentials-')
await cli(['repo', 'create', 'app', ...binding])

/** The status of the tag list of `repository` with these credentials. */
const tagsStatus = (repository: string, username: string, password: string) =>
  tagListStatus(bound.registry.url, repository, username, password)

/** The status of starting a blob upload to artifacts/app: 202 only for push credentials. */
const uploadStatus = (username: string, password: string) =>
  uploadStartStatus(bound.registry.url, 'artifacts/app', username, password)

describe('credentials', () => {
  it('without --permission they pull only: pushing takes --permission push-pull', async () => {
    const pull = parseJson<{ username: string; password: string }>(
      await cli(['credentials', 'artifacts/app', '--json', ...binding]),
    )
    expect(await tagsStatus('artifacts/app', pull.username, pull.password)).toBe(200)
    expect(await uploadStatus(pull.username, pull.password)).toBe(403)
    const push = parseJson<{ username: string; password: string }>(
      await cli([
        'credentials',
        'artifacts/app',
        '--permission',
        'push-pull',
        '--json',
        ...binding,
      ]),
    )
    expect(await uploadStatus(push.username, push.password)).toBe(202)
  })

  it('--format json prints { registry, username, password, expiresAt, authMethod } that work', async () => {
    const started = Date.now()
    const result = await cli([
      'credentials',
      'artifacts/app',
      '--ttl',
      '900',
      '--format',
      'json',
      ...binding,
    ])
    const json = parseJson<Record<string, string>>(result)
    expect(Object.keys(json).sort()).toEqual([
      'authMethod',
      'expiresAt',
      'password',
      'registry',
      'username',
    ])
    expect(json).toMatchObject({ registry: bound.host, authMethod: 'basic' })
    const lifetime = Date.parse(json.expiresAt ?? '') - started
    expect(lifetime).toBeGreaterThan(890_000)
    expect(lifetime).toBeLessThanOrEqual(900_000 + (Date.now() - started))
    expect(await tagsStatus('artifacts/app', json.username ?? '', json.password ?? '')).toBe(200)
    expect(await tagsStatus('artifacts/other', json.username ?? '', json.password ?? '')).toBe(403)
  })

  it('--json is --format json', async () => {
    const json = parseJson(await cli(['credentials', 'artifacts/app', '--json', ...binding]))
    expect(json).toMatchObject({ registry: bound.host, authMethod: 'basic' })
  })

  it('--format env prints export lines a POSIX shell evaluates to working values', async () => {
    const result = await cli(['credentials', 'artifacts/app', '--format', 'env', ...binding])
    expect(result.stdout).toMatch(/^export REGISTRY='127\.0\.0\.1:\d+'$/m)
    const script = `${result.stdout}\nprintf '%s\\n' "$REGISTRY" "$REGISTRY_USERNAME" "$REGISTRY_PASSWORD" "$REGISTRY_EXPIRES_AT" "$REGISTRY_AUTH_METHOD"`
    const { stdout } = await promisify(execFile)('sh', ['-c', script])
    const [registry, username = '', password = '', expiresAt, authMethod] = stdout.split('\n')
    expect(registry).toBe(bound.host)
    expect(Date.parse(expiresAt ?? '')).toBeGreaterThan(Date.now())
    expect(authMethod).toBe('basic')
    expect(await tagsStatus('artifacts/app', username, password)).toBe(200)
  })

  it('--format password prints the password alone, which works only with its own username', async () => {
    const user = parseJson<{ username: string }>(
      await cli(['credentials', 'artifacts/app', '--json', ...binding]),
    )
    const result = await cli([
      'credentials',
      'artifacts/app',
      '--format',
      'password',
      '--permission',
      'push-pull',
      ...binding,
    ])
    expect(result.stdout).toMatch(/^\S+\n$/)
    // A password of one credential does not work with another's username.
    expect(await tagsStatus('artifacts/app', user.username, result.stdout.trim())).toBe(401)
  })

  it('a --ttl the platform does not honour gets a note on stderr saying when they expire; one it honours gets none', async () => {
    // local issues at most 7 days (604800 s).
    const long = await cli([
      'credentials',
      'artifacts/app',
      '--ttl',
      '1000000',
      '--json',
      ...binding,
    ])
    const { expiresAt } = parseJson<{ expiresAt: string }>(long)
    // The lifetime is counted from before the request, so it may read a second or two more.
    expect(long.stderr).toMatch(
      new RegExp(
        `^note: --ttl asked for 1000000 s; local issued credentials that expire at ${expiresAt.replaceAll('.', '\\.')}, in about 6048\\d\\d s \\(the platform's limits\\)\n$`,
      ),
    )
    const honoured = await cli([
      'credentials',
      'artifacts/app',
      '--ttl',
      '604800',
      '--json',
      ...binding,
    ])
    expect(honoured.status).toBe(EXIT.ok)
    expect(honoured.stderr).toBe('')
  })

  it('a --ttl beyond 2^53 is a whole number like any other: clamped to the limit, with the note', async () => {
    // Refusing it said "must be a whole number", which it is; core clamps it as any long request.
    const huge = await cli([
      'credentials',
      'artifacts/app',
      '--ttl',
      '100000000000000000000',
      '--json',
      ...binding,
    ])
    expect(huge.stderr).toMatch(
      /^note: --ttl asked for 100000000000000000000 s; local issued credentials that expire at \S+, in about 6048\d\d s/,
    )
    expect(huge.status).toBe(EXIT.ok)
    const lifetime = Date.parse(parseJson<{ expiresAt: string }>(huge).expiresAt) - Date.now()
    expect(lifetime).toBeLessThanOrEqual(604_800_000)
  })

  it('without --format it shows everything but the password, expiry relative to now', async () => {
    const result = await cli(['credentials', 'artifacts/app', '--ttl', '900', ...binding])
    expect(result.status).toBe(EXIT.ok)
    expect(result.stdout).toMatch(/^registry: +127\.0\.0\.1:\d+$/m)
    expect(result.stdout).toMatch(/^expires: +\S+Z \(in 15 minutes\)$/m)
    expect(result.stdout).toMatch(/^password: +\(not shown/m)
    const passwords = parseJson<{ password: string }>(
      await cli(['credentials', 'artifacts/app', '--json', ...binding]),
    )
    expect(result.stdout).not.toContain(passwords.password)
  })
})
