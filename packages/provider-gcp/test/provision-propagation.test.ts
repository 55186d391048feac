import { expect, it } from 'vitest'
import { provision } from '../src/provision/index.js'
import { rejectionOf } from './helpers.js'
import { freshRepositoryId, provisionOptions, useProvisionFake } from './provision-helpers.js'

// IAM is eventually consistent: right after an account is created, a policy write naming it may
// be refused as if it did not exist. Provisioning retries those grants (policyRetry) for the
// accounts it just created.

const fake = await useProvisionFake({ unpropagatedWrites: 2 })

it('retries a grant naming a just-created account until IAM knows it', async () => {
  const { changes, binding } = await provision(provisionOptions(fake, freshRepositoryId()))
  expect(changes.every((c) => c.action === 'create')).toBe(true)
  const refused = fake.requestsFor('setIamPolicy').length
  // Two refused writes for each account, then the write that took.
  expect(refused).toBe(6)
  expect(JSON.stringify(fake.requestsFor('setIamPolicy').at(-1)?.body)).toContain(
    binding.pushServiceAccount,
  )
})

it('gives up after policyRetry.attempts with INVALID_ARGUMENT naming the account', async () => {
  const options = provisionOptions(fake, freshRepositoryId(), {
    policyRetry: { attempts: 2, baseDelayMs: 0 },
  })
  const err = await rejectionOf(provision(options))
  expect(err).toMatchObject({
    code: 'INVALID_ARGUMENT',
    message: expect.stringMatching(/-pull@acme-prod\.iam\.gserviceaccount\.com.*does not exist/),
  })
})
