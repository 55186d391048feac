import { isArtifactRegistryError } from '@artifact-registry/core'
import { describe, expect, it } from 'vitest'
import { fromBinding, type GcpProviderOptions, gcp, PLATFORM } from '../src/index.js'
import { LOCATION, PROJECT, PULL_SA } from './helpers.js'

const PUSH_SA = `pusher@${PROJECT}.iam.gserviceaccount.com`

/** The error `gcp(options)` rejects with; fails the test when it resolves. */
async function rejectionOf(options: Record<string, unknown>): Promise<{
  code: string
  message: string
  issues: readonly { path: string; message: string }[]
}> {
  const error = await gcp(options as unknown as GcpProviderOptions).then(
    async (registry) => {
      await registry.close()
      throw new Error('expected gcp() to reject')
    },
    (err: unknown) => err,
  )
  expect(isArtifactRegistryError(error, 'INVALID_CONFIG'), String(error)).toBe(true)
  expect(error).toMatchObject({ platform: PLATFORM })
  return error as Awaited<ReturnType<typeof rejectionOf>>
}

describe('gcp() options it does not know', () => {
  it('refuses a misspelt pullServiceAccount with INVALID_CONFIG, naming the option meant', async () => {
    const error = await rejectionOf({
      projectId: PROJECT,
      location: LOCATION,
      repository: 'images',
      pushServiceAccount: PUSH_SA,
      pullServiceAcount: PULL_SA,
    })
    expect(error.issues).toEqual([
      {
        path: 'pullServiceAcount',
        message: 'is not an option of gcp(); did you mean pullServiceAccount?',
      },
    ])
    expect(error.message).toContain('pullServiceAcount is not an option of gcp()')
  })

  it('lists every unknown option with the invalid ones, and what gcp() takes', async () => {
    const error = await rejectionOf({
      projectId: 'X',
      location: LOCATION,
      repository: 'images',
      zone: 'us-central1-a',
    })
    expect(error.issues.map((issue) => issue.path)).toEqual(['projectId', 'zone'])
    expect(error.issues[1]?.message).toMatch(
      /^is not an option of gcp\(\); its options are projectId, location, repository, .*policyRetry$/,
    )
  })

  it('refuses an unknown field of policyRetry by path, instead of retrying the default 5 times', async () => {
    const error = await rejectionOf({
      projectId: PROJECT,
      location: LOCATION,
      repository: 'images',
      pullServiceAccount: PULL_SA,
      policyRetry: { atempts: 10, baseDelay: 50 },
    })
    expect(error.issues).toEqual([
      {
        path: 'policyRetry.atempts',
        message: 'is not an option of policyRetry; did you mean attempts?',
      },
      {
        path: 'policyRetry.baseDelay',
        message: 'is not an option of policyRetry; did you mean baseDelayMs?',
      },
    ])
    expect(error.message).toContain('policyRetry.atempts is not an option of policyRetry')
  })

  it('refuses a policyRetry that is no object, and a field set to null, rather than the defaults', async () => {
    const base = { projectId: PROJECT, location: LOCATION, repository: 'images' }
    for (const policyRetry of [5, 'fast', true, null, [3]]) {
      const error = await rejectionOf({ ...base, policyRetry })
      expect(error.issues, JSON.stringify(policyRetry)).toEqual([
        { path: 'policyRetry', message: 'must be an object: { attempts, baseDelayMs }' },
      ])
    }
    const nulls = await rejectionOf({ ...base, policyRetry: { attempts: null, baseDelayMs: null } })
    expect(nulls.issues.map((issue) => issue.path)).toEqual([
      'policyRetry.attempts',
      'policyRetry.baseDelayMs',
    ])
  })

  it('accepts every option it documents, and an unknown one left undefined', async () => {
    await using registry = await gcp({
      projectId: PROJECT,
      location: LOCATION,
      repository: 'images',
      pullServiceAccount: PULL_SA,
      pushServiceAccount: PUSH_SA,
      clientOptions: { apiEndpoint: '127.0.0.1', port: 9, protocol: 'http' },
      iamCredentialsEndpoint: 'http://127.0.0.1:9',
      registryEndpoint: 'http://127.0.0.1:9',
      policyRetry: { attempts: 2, baseDelayMs: 1 },
      ...({ typo: undefined } as object),
    })
    expect(registry.registryEndpoint).toBe('http://127.0.0.1:9')
  })

  it('takes every field of a gcp binding (fromBinding maps each to an option)', async () => {
    await using registry = await fromBinding({
      platform: 'gcp',
      projectId: PROJECT,
      location: LOCATION,
      repository: 'images',
      pullServiceAccount: PULL_SA,
      pushServiceAccount: PUSH_SA,
      apiEndpoint: 'http://127.0.0.1:9',
    })
    expect(registry.platform).toBe(PLATFORM)
  })
})
