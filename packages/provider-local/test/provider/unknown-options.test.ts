import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isArtifactRegistryError } from '@artifact-registry/core'
import { createSelfSigned } from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import { fromBinding, type LocalProviderOptions, local, PLATFORM } from '../../src/index.js'

/** The error `local(options)` rejects with; fails the test when it resolves. */
async function rejectionOf(options: Record<string, unknown>): Promise<{
  message: string
  issues: readonly { path: string; message: string }[]
}> {
  const error = await local(options as LocalProviderOptions).then(
    async (registry) => {
      const where = registry.registryEndpoint
      await registry.close()
      throw new Error(`expected local() to reject, it started ${where}`)
    },
    (err: unknown) => err,
  )
  expect(isArtifactRegistryError(error, 'INVALID_CONFIG'), String(error)).toBe(true)
  expect(error).toMatchObject({ platform: PLATFORM })
  return error as Awaited<ReturnType<typeof rejectionOf>>
}

describe('local() options it does not know', () => {
  it('refuses a misspelt bindingName instead of serving the default namespace', async () => {
    const error = await rejectionOf({ bindingNmae: 'team-a' })
    expect(error.issues).toEqual([
      { path: 'bindingNmae', message: 'is not an option of local(); did you mean bindingName?' },
    ])
    expect(error.message).toContain('bindingNmae is not an option of local()')
  })

  it('refuses a misspelt adminCredentials before reaching the registry at url', async () => {
    const error = await rejectionOf({
      url: 'http://127.0.0.1:9',
      adminCredential: { username: 'admin', password: 'secret' },
    })
    expect(error.issues.map((issue) => issue.path)).toEqual(['adminCredential'])
    expect(error.issues[0]?.message).toBe(
      'is not an option of local(); did you mean adminCredentials?',
    )
    // The password is not echoed: only the option's name is.
    expect(error.message).not.toContain('secret')
  })

  it('refuses an unknown field of tls by path, instead of serving without it', async () => {
    const { cert, key } = await createSelfSigned()
    // A CA chain or key passphrase given here would not be used: refused before anything starts.
    const error = await rejectionOf({ tls: { cert, key, ca: cert } })
    expect(error.issues).toEqual([
      { path: 'tls.ca', message: 'is not an option of tls; its options are cert, key' },
    ])
    expect(error.message).toContain('tls.ca is not an option of tls')
  })

  it('refuses an unknown field of adminCredentials by path, without echoing the secret', async () => {
    const error = await rejectionOf({
      url: 'http://127.0.0.1:9',
      adminCredentials: { username: 'admin', password: 'secret', pasword: 'other-secret' },
    })
    expect(error.issues).toEqual([
      {
        path: 'adminCredentials.pasword',
        message: 'is not an option of adminCredentials; did you mean password?',
      },
    ])
    expect(error.message).not.toContain('secret')
  })

  it('lists every unknown option with the invalid ones, and what local() takes', async () => {
    const error = await rejectionOf({ port: -1, namespace: 'team-a' })
    expect(error.issues.map((issue) => issue.path)).toEqual(['port', 'namespace'])
    expect(error.issues[1]?.message).toMatch(
      /^is not an option of local\(\); its options are url, bindingName, .*gcGracePeriodSeconds$/,
    )
  })

  it('takes every field of an embedded local binding (fromBinding maps each to an option)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'local-binding-'))
    try {
      await using registry = await fromBinding({
        platform: 'local',
        bindingName: 'team-a',
        dataDir,
        port: 0,
        adminCredentials: { username: 'admin', password: 'secret' },
      })
      const { name } = await registry.createRepository('app')
      expect(name).toBe('team-a/app')
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
