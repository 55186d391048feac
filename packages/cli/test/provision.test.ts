import { existsSync } from 'node:fs'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { startLocalRegistry } from '@artifact-registry/registry-server'
import { type AwsFake, startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, describe, expect, it } from 'vitest'
import { ERROR_EXIT_CODES, EXIT } from '../src/index.js'
import { cli, parseJson, temporaryDirectory } from './support/command.js'

const work = await temporaryDirectory('cli-provision-')
afterAll(() => work[Symbol.asyncDispose]())

interface ProvisionJson {
  platform: string
  dryRun: boolean
  binding: Record<string, unknown>
  changes: { action: string; kind: string; id: string; detail?: string }[]
  runtimePolicy?: unknown
}

describe('provision local', () => {
  const data = join(work.dir, 'registry')
  const output = join(work.dir, 'binding.json')

  it('--dry-run reports the changes and makes none', async () => {
    const result = parseJson<ProvisionJson>(
      await cli([
        'provision',
        'local',
        '--data-dir',
        data,
        '--dry-run',
        '--output',
        output,
        '--json',
      ]),
    )
    expect(result).toEqual({
      platform: 'local',
      dryRun: true,
      binding: { platform: 'local', dataDir: data, bindingName: 'artifacts' },
      changes: [{ action: 'create', kind: 'data-directory', id: data, detail: expect.any(String) }],
    })
    expect(existsSync(data)).toBe(false)
    expect(existsSync(output)).toBe(false)
  })

  it('makes the data directory, writes the binding to --output (0600), which then works', async () => {
    const result = await cli(['provision', 'local', '--data-dir', data, '--output', output])
    expect(result.status, result.stderr).toBe(EXIT.ok)
    expect(result.stdout).toMatch(/^create +data-directory +\S+registry/m)
    expect(result.stdout).toContain(`binding written to ${output}`)
    expect((await stat(output)).mode & 0o777).toBe(0o600)
    expect(JSON.parse(await readFile(output, 'utf8'))).toEqual({
      platform: 'local',
      dataDir: data,
      bindingName: 'artifacts',
    })
    expect(
      parseJson(await cli(['repo', 'create', 'app', '--binding-file', output, '--json'])),
    ).toMatchObject({ name: 'artifacts/app' })
    const again = parseJson<ProvisionJson>(
      await cli(['provision', 'local', '--data-dir', data, '--json']),
    )
    expect(again.changes.map((c) => c.action)).not.toContain('create')
  })

  it('an --output that cannot be written fails the command, but the binding is printed', async () => {
    const blocked = join(work.dir, 'a-file')
    await writeFile(blocked, '')
    const other = join(work.dir, 'registry-output-blocked')
    const result = await cli([
      ...['provision', 'local', '--data-dir', other, '--output', join(blocked, 'binding.json')],
      '--json',
    ])
    expect(result.status).toBe(EXIT.failure)
    expect(result.stderr).toContain('made its changes and printed the binding, but could not write')
    expect(parseJson<ProvisionJson>(result).binding).toEqual({
      platform: 'local',
      dataDir: other,
      bindingName: 'artifacts',
    })
  })

  it('deprovision refuses while repositories remain (CONFLICT), and --force deletes them too', async () => {
    const refused = await cli(['deprovision', 'local', '--data-dir', data])
    expect(refused.status).toBe(ERROR_EXIT_CODES.CONFLICT)
    expect(refused.stderr).toContain('artifacts/app')
    // The provider names its option; the command's user has the flag.
    expect(refused.stderr).toContain('or pass --force to delete them too')
    const forced = parseJson<ProvisionJson>(
      await cli(['deprovision', 'local', '--data-dir', data, '--force', '--json']),
    )
    expect(forced.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'delete',
          kind: 'local-repository',
          id: 'artifacts/app',
        }),
        expect.objectContaining({ action: 'delete', kind: 'data-directory', id: data }),
      ]),
    )
    expect(existsSync(data)).toBe(false)
  })

  it('an options file setting a run option is a usage error naming the flag to use', async () => {
    const optionsFile = join(work.dir, 'run-options.json')
    const cases: [string, Record<string, unknown>, string][] = [
      ['provision', { dryRun: true }, 'dryRun: use the --dry-run flag instead'],
      ['deprovision', { force: true }, 'force: use the --force flag of deprovision instead'],
      ['provision', { signal: null }, 'signal: the command passes its own'],
      ['deprovision', { onChange: 'x' }, 'onChange: the command reports each change itself'],
    ]
    for (const [verb, fields, reason] of cases) {
      await writeFile(optionsFile, JSON.stringify({ dataDir: data, ...fields }))
      const result = await cli([verb, 'local', '--options-file', optionsFile])
      expect(result, verb).toMatchObject({
        status: EXIT.usage,
        stdout: '',
        stderr: expect.stringContaining(
          `The options file ${optionsFile} must not set run options (${reason}`,
        ),
      })
      // A "dry run" from the file must never have become a real one.
      expect(existsSync(data)).toBe(false)
    }
  })

  it("a flag of another platform is a usage error; the provider's own checks are INVALID_CONFIG", async () => {
    const misplaced = await cli(['provision', 'local', '--data-dir', data, '--region', 'us-east-1'])
    expect(misplaced).toMatchObject({
      status: EXIT.usage,
      stderr: expect.stringContaining('--region is not a flag of local provisioning'),
    })
    const invalid = await cli(['provision', 'local'])
    expect(invalid.status).toBe(ERROR_EXIT_CODES.INVALID_CONFIG)
    expect(invalid.stderr).toContain('give url (a running registry) or dataDir')
  })

  it('an invalid options error ends with the flags that set the options it names', async () => {
    const invalid = await cli(['provision', 'local', '--data-dir', data, '--binding-name', 'A B'])
    expect(invalid.status).toBe(ERROR_EXIT_CODES.INVALID_CONFIG)
    expect(invalid.stderr).toMatch(
      /bindingName must be .*\nflags that set these options: bindingName \(--binding-name\)\n/,
    )
    const json = await cli(['provision', 'local', '--url', 'ftp://x', '--json'])
    expect(JSON.parse(json.stderr).error.message).toMatch(
      /\nflags that set these options: url \(--url\)$/,
    )
  })
})

/** An options file pointing every AWS client of provisioning at `fake`; returns its path. */
async function fakeOptionsFile(fake: AwsFake, name: string): Promise<string> {
  const file = join(work.dir, name)
  const { clientConfig } = fake.providerOptions('us-east-1')
  await writeFile(
    file,
    JSON.stringify({ clientConfig: { ...clientConfig, iamEndpoint: fake.url } }),
  )
  return file
}

describe('provision local --url', () => {
  it('writes a binding the command then uses, its admin password read from the environment', async () => {
    const adminCredentials = { username: 'admin', password: 'url-binding-admin-password' }
    await using registry = await startLocalRegistry({ adminCredentials })
    const output = join(work.dir, 'url-binding.json')
    const env = { REGISTRY_ADMIN_PASSWORD: adminCredentials.password }
    const provisioned = await cli(
      [
        ...['provision', 'local', '--url', registry.url, '--output', output],
        ...['--admin-password-env', 'REGISTRY_ADMIN_PASSWORD'],
      ],
      { env },
    )
    expect(provisioned.status, provisioned.stderr).toBe(EXIT.ok)
    // The file holds the placeholder, never the password.
    const written = JSON.parse(await readFile(output, 'utf8')) as {
      adminCredentials: { password: string }
    }
    expect(written.adminCredentials.password).toBe(`\${REGISTRY_ADMIN_PASSWORD}`)
    const created = await cli(['repo', 'create', 'by-url', '--binding-file', output, '--json'], {
      env,
    })
    expect(parseJson(created)).toMatchObject({ name: 'artifacts/by-url' })
    const unset = await cli(['repo', 'list', '--binding-file', output])
    expect(unset.status).toBe(ERROR_EXIT_CODES.INVALID_CONFIG)
    expect(unset.stderr).toContain(
      `The admin password of ${output} names REGISTRY_ADMIN_PASSWORD, which is not set`,
    )
  })
})

describe('provision aws against the fake', () => {
  it('creates the roles with flags and --options-file, and prints the binding and changes', async () => {
    await using fake = await startAwsFake()
    const optionsFile = await fakeOptionsFile(fake, 'aws-options.json')
    const args = [
      'provision',
      'aws',
      '--name',
      'acme',
      '--region',
      'us-east-1',
      '--trusted-principal',
      'arn:aws:iam::123456789012:user/fake-caller',
      '--options-file',
      optionsFile,
    ]
    const dry = parseJson<ProvisionJson>(await cli([...args, '--dry-run', '--json']))
    expect(dry.changes.every((c) => c.action === 'create')).toBe(true)
    expect(fake.getRole('acme-pull')).toBeUndefined()
    const result = parseJson<ProvisionJson>(await cli([...args, '--json']))
    expect(result.binding).toEqual({
      platform: 'aws',
      region: 'us-east-1',
      repositoryPrefix: 'acme',
      pullRoleArn: 'arn:aws:iam::123456789012:role/acme-pull',
      pushRoleArn: 'arn:aws:iam::123456789012:role/acme-push',
    })
    expect(result.changes).toEqual(dry.changes)
    expect(fake.getRole('acme-pull')).toBeDefined()
    // Fields besides binding and changes are printed too: the policy the runtime's roles need.
    expect(result.runtimePolicy).toMatchObject({
      Version: '2012-10-17',
      Statement: expect.any(Array),
    })
    const human = await cli([...args, '--dry-run'])
    expect(human.status, human.stderr).toBe(EXIT.ok)
    expect(human.stdout).toContain(
      `\nruntimePolicy:\n${JSON.stringify(result.runtimePolicy, null, 2)}\n`,
    )
  })

  it('a run that fails midway says which changes it had begun, in text and in JSON', async () => {
    await using fake = await startAwsFake()
    const optionsFile = await fakeOptionsFile(fake, 'aws-midway.json')
    const args = [
      ...['provision', 'aws', '--name', 'midway', '--region', 'us-east-1'],
      ...['--trusted-principal', 'arn:aws:iam::123456789012:user/fake-caller'],
      ...['--options-file', optionsFile],
    ]
    fake.inject('PutRolePolicy', 'access-denied')
    // stderr is a pipe here, not a terminal: no progress lines, so the failure must say it.
    const text = await cli(args)
    expect(text.status).toBe(ERROR_EXIT_CODES.PERMISSION_DENIED)
    expect(fake.getRole('midway-pull')).toBeDefined()
    expect(text.stderr).toContain('Changes begun before it stopped')
    expect(text.stderr).toMatch(/^ {2}create iam-role \S*midway-pull/m)
    fake.inject('PutRolePolicy', 'access-denied')
    const { stderr } = await cli([...args, '--json'])
    const json = JSON.parse(stderr) as { error: { code: string; changesBeforeFailure: unknown[] } }
    expect(json.error.code).toBe('PERMISSION_DENIED')
    // The role exists now: the rerun begins with the policy the fault refuses again.
    expect(json.error.changesBeforeFailure).toEqual([
      expect.objectContaining({ kind: 'iam-role-policy' }),
    ])
  })

  it('an options file that is not JSON is INVALID_CONFIG naming it', async () => {
    const bad = join(work.dir, 'bad.json')
    await writeFile(bad, '{ nope')
    const result = await cli(['provision', 'aws', '--options-file', bad])
    expect(result.status).toBe(ERROR_EXIT_CODES.INVALID_CONFIG)
    expect(result.stderr).toBe(`The options file ${bad} is not valid JSON (line 1, column 3)\n`)
  })

  it('an options file that cannot be read is INVALID_CONFIG naming it and why', async () => {
    const missing = join(work.dir, 'missing-options.json')
    const result = await cli(['provision', 'aws', '--options-file', missing])
    expect(result.status).toBe(ERROR_EXIT_CODES.INVALID_CONFIG)
    expect(result.stderr).toBe(`Cannot read the options file ${missing} (ENOENT)\n`)
  })
})

describe('Ctrl-C during provisioning', () => {
  it('stops it at once and exits 130, even while a call hangs', async () => {
    // A registry that accepts connections and never answers.
    const silent = createServer(() => undefined)
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as AddressInfo
    try {
      const started = Date.now()
      const result = await cli(['provision', 'local', '--url', `http://127.0.0.1:${port}`], {
        env: { ARTIFACT_REGISTRY_ADMIN_PASSWORD: 'unused' },
        started: (child) => {
          silent.once('connection', () => child.kill('SIGINT'))
        },
      })
      expect(result.status).toBe(EXIT.interrupted)
      expect(result.stderr).toBe('interrupted\n')
      expect(Date.now() - started).toBeLessThan(30_000)
    } finally {
      silent.closeAllConnections()
      silent.close()
    }
  })
})
