import { assembleReleasePlan } from '@changesets/assemble-release-plan'
import { readConfig } from '@changesets/config'
import { getPackages } from '@manypkg/get-packages'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from './repo-root.js'

describe('changesets configuration', () => {
  it('versions packages independently', async () => {
    const packages = await getPackages(REPO_ROOT)
    const { config, errors } = await readConfig(REPO_ROOT, packages)
    expect(errors).toBeUndefined()
    expect(config?.fixed).toEqual([])
    expect(config?.linked).toEqual([])
  })

  it('does not force a major bump of packages that peer on core when core takes a minor', async () => {
    const packages = await getPackages(REPO_ROOT)
    const { config } = await readConfig(REPO_ROOT, packages)
    if (config === undefined) throw new Error('no changesets config')
    const peersOnCore = packages.packages.filter(
      (p) => !p.packageJson.private && p.packageJson.peerDependencies?.['@artifact-registry/core'],
    )
    expect(peersOnCore.length).toBeGreaterThan(0)
    const plan = assembleReleasePlan(
      [
        {
          id: 'core-minor',
          summary: 'a new feature',
          releases: [{ name: '@artifact-registry/core', type: 'minor' }],
        },
      ],
      packages,
      config,
      undefined,
    )
    const bumps = Object.fromEntries(plan.releases.map((r) => [r.name, r.type]))
    expect(bumps['@artifact-registry/core']).toBe('minor')
    for (const dependent of peersOnCore) {
      expect([undefined, 'none', 'patch']).toContain(bumps[dependent.packageJson.name])
    }
  })
})
