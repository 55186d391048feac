import type { CrossAccountAccess } from '@artifact-registry/core'
import { normalize, uniqueName } from '@artifact-registry/testing'
import { describe, it } from 'vitest'
import { awsLaneEnvironment, liveAws } from './aws-lane.js'

// The contract suite's cross-account samples name principals that do not exist, which real ECR
// refuses (docs/platforms/aws.md#principals-must-exist): these grants name the lane's own account
// and pull role, which do.
describe('cross-account grants on real AWS', () => {
  it(
    'grants of existing principals round-trip through the repository policy',
    async ({ expect }) => {
      const env = awsLaneEnvironment()
      const access: CrossAccountAccess = {
        type: 'aws',
        accountIds: [env.ARTIFACT_REGISTRY_LIVE_AWS_ACCOUNT_ID],
        roleArns: [env.ARTIFACT_REGISTRY_LIVE_AWS_PULL_ROLE_ARN],
        regions: [env.AWS_REGION],
        allowedServiceTypes: ['worker'],
      }
      const none: CrossAccountAccess = {
        type: 'aws',
        accountIds: [],
        roleArns: [],
        regions: [],
        allowedServiceTypes: [],
      }
      await using registry = await liveAws()
      const { name } = await registry.createRepository(uniqueName('grants'))
      try {
        await registry.addCrossAccountAccess(name, access)
        expect(normalize((await registry.getCrossAccountAccess(name)).access)).toEqual(
          normalize(access),
        )
        await registry.removeCrossAccountAccess(name, access)
        expect(normalize((await registry.getCrossAccountAccess(name)).access)).toEqual(
          normalize(none),
        )
      } finally {
        await registry.deleteRepository(name)
      }
    },
    5 * 60_000,
  )
})
