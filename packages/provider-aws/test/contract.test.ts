import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import {
  artifactRegistryContractSuite,
  type DataPlaneOptions,
  GRANTEE_IDENTITIES,
} from '@artifact-registry/testing'
import { type AwsFake, startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, describe, it } from 'vitest'
import { fakeGrantees } from './grantee-credentials.js'
import { providerFor, REPLICA } from './helpers.js'

// One fake per run of the suite: the data-plane group (the suite's last) moves the fake's clock
// forward, and the credentials group of a later run compares expiries with the wall clock.
// The suite's cross-account tests grant roles, and ECR refuses a principal IAM does not know.
// Pages of two repositories: the suite lists more than that, so every page has to be read.
const { role, otherRole } = GRANTEE_IDENTITIES.aws
const fakeOptions = {
  principals: ['arn:aws:iam::222222222222:role/puller', role.roleArn, otherRole.roleArn],
  ecrPageLimit: 2,
}
const fake = await startAwsFake(fakeOptions)
const replicated = await startAwsFake(fakeOptions)
afterAll(() => Promise.all([fake.close(), replicated.close()]))

describe('provider-aws against the AWS fake', () => {
  artifactRegistryContractSuite({
    test: { describe, it },
    factory: () => providerFor(fake),
    // Another prefix on the same registry, for the listRepositories isolation test.
    otherBinding: () => providerFor(fake, { repositoryPrefix: 'other' }),
    dataPlane: fakeDataPlane(fake),
    grantees: fakeGrantees(fake),
  })
})

describe('provider-aws against the AWS fake, with a replica region', () => {
  artifactRegistryContractSuite({
    test: { describe, it },
    factory: () => providerFor(replicated, { replicationRegions: [REPLICA] }),
    dataPlane: fakeDataPlane(replicated),
    grantees: fakeGrantees(replicated),
  })
})

/**
 * The fake's registry for the suite's data-plane group: `expire` moves the fake's clock just past
 * the credential's expiry, by which the fake judges both the authorization token and the STS
 * session behind it.
 */
function fakeDataPlane(on: AwsFake): DataPlaneOptions {
  return {
    tls: on.dataPlane.tls,
    expire: async (credentials: ArtifactRegistryCredentials) => {
      const expiresAt = credentials.expiresAt?.getTime()
      if (expiresAt === undefined) throw new TypeError('AWS credentials always have an expiry')
      on.advanceClock(Math.max(0, (expiresAt - on.now()) / 1000) + 1)
    },
  }
}
