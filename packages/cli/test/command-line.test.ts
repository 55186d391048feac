import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ERROR_EXIT_CODES, EXIT } from '../src/index.js'
import {
  COMMANDS,
  cli,
  parseJson,
  temporaryDirectory,
  writeBindingFile,
} from './support/command.js'

const work = await temporaryDirectory('cli-command-line-')
afterAll(() => work[Symbol.asyncDispose]())
const localBinding = await writeBindingFile(work.dir, {
  platform: 'local',
  dataDir: join(work.dir, 'data'),
})

/** No line of a stack trace (`    at fn (file:1:2)`) in what a user sees. */
const STACK_LINE = /^\s+at .+[:(]/m

describe('the command line', () => {
  it('--version prints the package version, exit 0', async () => {
    const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'))
    const result = await cli(['--version'])
    expect(result).toMatchObject({ status: EXIT.ok, stdout: `${manifest.version}\n` })
  })

  it('--help lists every command, exit 0', async () => {
    const result = await cli(['--help'])
    expect(result.status).toBe(EXIT.ok)
    for (const command of COMMANDS) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'))
    }
  })

  it('the help command prints help on stdout, exit 0; a command without its subcommand is a usage error', async () => {
    const asked = await cli(['help', 'repo'])
    expect(asked).toMatchObject({ status: EXIT.ok, stderr: '' })
    expect(asked.stdout).toMatch(/^Usage: artifact-registry repo /)
    expect((await cli(['help'])).status).toBe(EXIT.ok)
    const incomplete = await cli(['repo'])
    expect(incomplete).toMatchObject({ status: EXIT.usage, stdout: '' })
    expect(incomplete.stderr).toMatch(/^Usage: artifact-registry repo /)
  })

  it.each([
    [['nope'], /unknown command 'nope'/],
    [['repo', 'get'], /missing required argument 'name'/],
    [['repo', 'get', 'x', '--bogus'], /unknown option '--bogus'/],
    [['credentials', 'x', '--ttl', '0'], /--ttl.*whole number of seconds/],
    [['credentials', 'x', '--permission', 'admin'], /Allowed choices are pull, push-pull/],
    [
      ['repo', 'get', 'x', '--binding', 'a', '--binding-file', 'f'],
      /cannot be used with option '--binding-file/,
    ],
    [['access', 'add', 'x', '--type', 'aws', '--service-type', 'vm'], /Allowed choices are worker/],
    [
      ['access', 'add', 'x', '--type', 'gcp', '--role-arn', 'arn:aws:iam::1:role/r'],
      /--role-arn is for --type aws, not gcp/,
    ],
  ])(
    '%j is a usage error: exit 2, the problem on stderr, nothing on stdout',
    async (args, message) => {
      const result = await cli([
        ...args,
        ...(args.includes('--binding') ? [] : ['--binding-file', localBinding]),
      ])
      expect(result.stderr).toMatch(message)
      expect(result).toMatchObject({ status: EXIT.usage, stdout: '' })
    },
  )

  it('a missing binding is INVALID_CONFIG naming the variable --binding reads', async () => {
    const result = await cli(['repo', 'get', 'x', '--binding', 'ci-images'])
    expect(result.status).toBe(ERROR_EXIT_CODES.INVALID_CONFIG)
    expect(result.stderr).toContain('ARTIFACT_REGISTRY_CI_IMAGES_BINDING is not set')
  })

  it('--binding NAME reads ARTIFACT_REGISTRY_<NAME>_BINDING; the default name is artifacts', async () => {
    const binding = JSON.stringify({ platform: 'local', dataDir: join(work.dir, 'by-name') })
    const named = await cli(['repo', 'create', 'app', '--binding', 'ci-images', '--json'], {
      env: { ARTIFACT_REGISTRY_CI_IMAGES_BINDING: binding },
    })
    expect(parseJson(named)).toMatchObject({ name: 'artifacts/app' })
    const byDefault = await cli(['repo', 'get', 'artifacts/app', '--json'], {
      env: { ARTIFACT_REGISTRY_ARTIFACTS_BINDING: binding },
    })
    expect(parseJson(byDefault)).toMatchObject({ name: 'artifacts/app' })
  })

  it('a local binding with neither url nor dataDir is INVALID_CONFIG: its registry would vanish with the command', async () => {
    // Run by a command, such a binding started a registry in the command's memory, gone when it
    // exited: `repo create` printed a URI nothing served, `revoke` said it revoked 0 and exit 0.
    const file = await writeBindingFile(work.dir, { platform: 'local' }, 'in-memory.json')
    const variable = JSON.stringify({ platform: 'local', bindingName: 'ci' })
    for (const [args, env, source] of [
      [['repo', 'create', 'app', '--binding-file', file], {}, `binding file ${file}`],
      [
        ['revoke', '--username', 'cred-x', '--binding', 'ci-images', '--json'],
        { ARTIFACT_REGISTRY_CI_IMAGES_BINDING: variable },
        'ARTIFACT_REGISTRY_CI_IMAGES_BINDING',
      ],
      [
        ['credentials', 'ci/app', '--format', 'password'],
        { ALIEN_ARTIFACTS_BINDING: variable },
        'ALIEN_ARTIFACTS_BINDING',
      ],
    ] as const) {
      const result = await cli(args, { env })
      expect(result).toMatchObject({ status: ERROR_EXIT_CODES.INVALID_CONFIG, stdout: '' })
      expect(result.stderr).toContain(`The local binding in ${source} has neither url nor dataDir`)
    }
  })

  it('a library error exits with its code, prints its message, and a stack trace never', async () => {
    const missing = await cli(['repo', 'get', 'artifacts/missing', '--binding-file', localBinding])
    expect(missing.status).toBe(ERROR_EXIT_CODES.NOT_FOUND)
    expect(missing.stderr).toBe('[provider-local] Repository "artifacts/missing" not found\n')

    const outside = await cli(['repo', 'get', 'other/x', '--binding-file', localBinding])
    expect(outside.status).toBe(ERROR_EXIT_CODES.INVALID_ARGUMENT)
    expect(outside.stderr).toContain('is not in the namespace "artifacts/"')

    const unsupported = await cli([
      'access',
      'add',
      'artifacts/x',
      '--type',
      'aws',
      '--account-id',
      '123456789012',
      '--binding-file',
      localBinding,
    ])
    expect(unsupported.status).toBe(ERROR_EXIT_CODES.NOT_SUPPORTED)
    for (const result of [missing, outside, unsupported]) {
      expect(result.stdout).toBe('')
      expect(result.stderr).not.toMatch(STACK_LINE)
    }
  })

  it('--verbose adds the cause chain, still without a stack trace', async () => {
    const missing = join(work.dir, 'missing-binding.json')
    const plain = await cli(['repo', 'get', 'x', '--binding-file', missing])
    expect(plain.status).toBe(ERROR_EXIT_CODES.INVALID_CONFIG)
    expect(plain.stderr).toBe(`Cannot read the binding file ${missing} (ENOENT)\n`)
    const verbose = await cli(['repo', 'get', 'x', '--binding-file', missing, '--verbose'])
    expect(verbose.stderr).toMatch(
      /^Cannot read the binding file .* \(ENOENT\)\n {2}caused by: Error: ENOENT: .+\n$/,
    )
    expect(verbose.stderr).not.toMatch(STACK_LINE)
  })

  it('--json prints a failure as one JSON line on stderr: code, message, exit code, details', async () => {
    const result = await cli([
      'repo',
      'get',
      'artifacts/missing',
      '--binding-file',
      localBinding,
      '--json',
    ])
    expect(result.status).toBe(ERROR_EXIT_CODES.NOT_FOUND)
    expect(result.stdout).toBe('')
    expect(JSON.parse(result.stderr)).toEqual({
      error: {
        code: 'NOT_FOUND',
        message: '[provider-local] Repository "artifacts/missing" not found',
        exitCode: ERROR_EXIT_CODES.NOT_FOUND,
        platform: 'local',
        retryable: false,
        issues: [],
      },
    })
  })
})
