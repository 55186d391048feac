import type { CrossAccountAccess, GcpCrossAccountAccess } from '@artifact-registry/core'
import { uniqueName } from '@artifact-registry/testing'
import { describe, it } from 'vitest'
import { gcpLaneEnvironment, liveGcp } from './gcp-lane.js'

// The contract suite's cross-account samples name members that do not exist, which real IAM
// refuses. This grant names the lane's push service account, which exists and holds another role
// (repoAdmin), so adding and removing its reader grant leaves the lane's own access alone. Grants
// apply to the whole GAR repository (docs/platforms/gcp.md#roles), where the pull service
// account's reader binding may already show: the check is relative to what was there.
describe('cross-account grants on real GCP', () => {
  it(
    'a grant of an existing service account round-trips through the IAM policy',
    async ({ expect }) => {
      const member = gcpLaneEnvironment().ARTIFACT_REGISTRY_LIVE_GCP_PUSH_SERVICE_ACCOUNT
      const grant: CrossAccountAccess = {
        type: 'gcp',
        projectNumbers: [],
        serviceAccountEmails: [member],
        allowedServiceTypes: [],
      }
      await using registry = await liveGcp()
      const { name } = await registry.createRepository(uniqueName('grants'))
      const emails = async (): Promise<string[]> => {
        const { access } = await registry.getCrossAccountAccess(name)
        return [...(access as GcpCrossAccountAccess).serviceAccountEmails].sort()
      }
      try {
        const before = (await emails()).filter((email) => email !== member)
        await registry.addCrossAccountAccess(name, grant)
        expect(await emails()).toEqual([...before, member].sort())
        await registry.removeCrossAccountAccess(name, grant)
        expect(await emails()).toEqual(before)
      } finally {
        await registry.deleteRepository(name)
      }
    },
    5 * 60_000,
  )
})
