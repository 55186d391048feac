import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { deprovision, type LocalProvisionOptions, provision } from '../../src/provision/index.js'

/** The issues of the INVALID_CONFIG `call` rejects with, as `path: message`. */
async function issues(call: Promise<unknown>): Promise<string[]> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toMatchObject({ code: 'INVALID_CONFIG', platform: 'local' })
  return (error as { issues: { path: string; message: string }[] }).issues.map(
    (i) => `${i.path}: ${i.message}`,
  )
}

const bad = (options: unknown): Promise<unknown> => provision(options as LocalProvisionOptions)

describe('provision validates every option before any call, naming each bad one', () => {
  it('wants exactly one of url and dataDir', async () => {
    expect(await issues(bad({}))).toEqual([
      ': give url (a running registry) or dataDir (an embedded registry)',
    ])
    expect(
      await issues(bad({ url: 'http://127.0.0.1:1', dataDir: '/x', adminPassword: 'p' })),
    ).toEqual([
      'dataDir: give url (a running registry) or dataDir (an embedded registry), not both',
    ])
    expect(await issues(bad(null))).toEqual([': must be an object: { url } or { dataDir }'])
  })

  it('names every bad field of { url }, and never shows the password', async () => {
    const found = await issues(
      bad({
        url: 'ftp://127.0.0.1',
        bindingName: 'Upper',
        adminUsername: '',
        adminPasswordEnv: 'not a name',
        adminPassword: 'secret-never-shown',
        caCertificate: 'not a pem',
        port: 5000,
        tls: {},
      }),
    )
    expect(found).toEqual([
      'port: is an option of { dataDir } only',
      'tls: is not an option of provision',
      expect.stringMatching(/^url: "ftp:\/\/127\.0\.0\.1" is not the address of a registry/),
      expect.stringMatching(/^bindingName: must be a lowercase OCI repository path/),
      'adminUsername: must be a non-empty string',
      'adminPasswordEnv: must be an environment variable name such as ARTIFACT_REGISTRY_ADMIN_PASSWORD',
      'caCertificate: must be a PEM certificate (-----BEGIN CERTIFICATE----- …)',
    ])
    expect(found.join()).not.toContain('secret-never-shown')
  })

  it('wants the admin password, from the option or the variable', async () => {
    const variable = `PROVISION_OPTIONS_UNSET_${process.pid}`
    expect(await issues(bad({ url: 'http://127.0.0.1:1', adminPasswordEnv: variable }))).toEqual([
      `adminPassword: is missing: give adminPassword, or set ${variable}`,
    ])
    expect(await issues(bad({ url: 'http://127.0.0.1:1', adminPassword: ' ' }))).toEqual([
      'adminPassword: must be a non-empty string',
    ])
  })

  it('names every bad field of { dataDir }, and creates nothing', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'provision-options-'))
    try {
      const dataDir = join(parent, 'registry')
      expect(
        await issues(bad({ dataDir, port: 70_000, host: '', adminPassword: 'p', url: undefined })),
      ).toEqual([
        'adminPassword: is an option of { url } only',
        'port: must be an integer from 0 to 65535',
        'host: must be a non-empty string',
      ])
      await expect(stat(dataDir)).rejects.toMatchObject({ code: 'ENOENT' })
    } finally {
      await rm(parent, { recursive: true, force: true })
    }
  })

  it('checks the options of the run: dryRun, force, signal, onChange', async () => {
    const run = { dryRun: 'yes', signal: {}, onChange: 'log' }
    expect(await issues(bad({ dataDir: '/nowhere', ...run }))).toEqual([
      'dryRun: must be true or false',
      'signal: must be an AbortSignal',
      'onChange: must be a function',
    ])
    expect(await issues(deprovision({ dataDir: '/nowhere', force: 1 } as never))).toEqual([
      'force: must be true or false',
    ])
    expect(await issues(deprovision({ dataDir: '/nowhere', tls: {} } as never))).toEqual([
      'tls: is not an option of deprovision',
    ])
  })

  it('deprovision takes force, provision does not', async () => {
    expect(await issues(bad({ dataDir: '/nowhere', force: true }))).toEqual([
      'force: is not an option of provision',
    ])
    await expect(
      deprovision({ dataDir: join(tmpdir(), `gone-${process.pid}`), force: true }),
    ).resolves.toMatchObject({
      changes: [],
    })
  })
})
