import type { CrossAccountAccess } from '@artifact-registry/core'

// `access remove` of a grant that is not there changes nothing, and the platforms answer success
// for it. The command used to echo the grant it sent as "revoked": a mistyped account id left the
// real account pulling while the command said it was revoked. What was revoked is read instead,
// as the difference between what was granted before and after the change.

/**
 * What `before` grants that `after` no longer does, field by field, in `before`'s type (values of
 * `after` of another type count as nothing granted). Another process changing the grants between
 * the two reads shows in it too: it is what the repository lost, not what this command asked.
 */
export function revokedGrants(
  before: CrossAccountAccess,
  after: CrossAccountAccess,
): CrossAccountAccess {
  const lost = (field: string, values: readonly string[]): string[] => {
    const kept = new Set(
      after.type === before.type
        ? ((after as unknown as Record<string, string[]>)[field] ?? [])
        : [],
    )
    return values.filter((value) => !kept.has(value))
  }
  if (before.type === 'aws') {
    return {
      type: 'aws',
      accountIds: lost('accountIds', before.accountIds),
      roleArns: lost('roleArns', before.roleArns),
      regions: lost('regions', before.regions),
      allowedServiceTypes: lost(
        'allowedServiceTypes',
        before.allowedServiceTypes,
      ) as typeof before.allowedServiceTypes,
    }
  }
  return {
    type: 'gcp',
    projectNumbers: lost('projectNumbers', before.projectNumbers),
    serviceAccountEmails: lost('serviceAccountEmails', before.serviceAccountEmails),
    allowedServiceTypes: lost(
      'allowedServiceTypes',
      before.allowedServiceTypes,
    ) as typeof before.allowedServiceTypes,
  }
}

/** Whether an access value grants nothing: every list of it is empty. */
export function grantsNothing(access: CrossAccountAccess): boolean {
  return Object.values(access).every((value) => !Array.isArray(value) || value.length === 0)
}
