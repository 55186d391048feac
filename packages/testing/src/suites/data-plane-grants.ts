import type { ArtifactRegistry, CrossAccountAccess } from '@artifact-registry/core'
import { uniqueName } from '../context.js'
import type { ContractSuiteOptions, GranteeIdentity, GranteeOptions } from '../types.js'
import { type DataPlaneTest, repositoryWithImage } from './data-plane-fixture.js'
import { expectRefused } from './data-plane-outcome.js'
import type { SkopeoLogin } from './data-plane-skopeo.js'

const GRANTEE_ACCOUNT = '444455556666'

/**
 * The identities the `dataPlane` group pulls as when `options.grantees` is given; a fake (or a
 * live lane) must know them: the roles and service accounts exist, so grants may name them.
 */
export const GRANTEE_IDENTITIES: {
  readonly aws: {
    readonly accountUser: GranteeIdentity & { type: 'aws' }
    readonly role: GranteeIdentity & { type: 'aws'; roleArn: string }
    readonly otherRole: GranteeIdentity & { type: 'aws'; roleArn: string }
    readonly otherAccountUser: GranteeIdentity & { type: 'aws' }
  }
  readonly gcp: {
    readonly serviceAccount: GranteeIdentity & { type: 'gcp' }
    readonly otherServiceAccount: GranteeIdentity & { type: 'gcp' }
  }
} = {
  aws: {
    /** An IAM user of the grantee account: an account grant reaches it, a role grant does not. */
    accountUser: { type: 'aws', accountId: GRANTEE_ACCOUNT },
    /** A session of the role the role grants name. */
    role: {
      type: 'aws',
      accountId: GRANTEE_ACCOUNT,
      roleArn: `arn:aws:iam::${GRANTEE_ACCOUNT}:role/image-puller`,
    },
    /** A session of another role of the same account, which no role grant names. */
    otherRole: {
      type: 'aws',
      accountId: GRANTEE_ACCOUNT,
      roleArn: `arn:aws:iam::${GRANTEE_ACCOUNT}:role/deployer`,
    },
    /** An IAM user of an account no grant names. */
    otherAccountUser: { type: 'aws', accountId: '777788889999' },
  },
  gcp: {
    serviceAccount: {
      type: 'gcp',
      serviceAccountEmail: 'image-puller@grantee-project.iam.gserviceaccount.com',
    },
    /** Another service account of the same project, which no grant names. */
    otherServiceAccount: {
      type: 'gcp',
      serviceAccountEmail: 'deployer@grantee-project.iam.gserviceaccount.com',
    },
  },
}

/** Why these tests are skipped when the caller gave no way to act as a grantee. */
export const GRANTEES_NOT_GIVEN =
  "options.grantees not given: the test needs a grantee's own credentials to pull with"

/** One grant, the identity it is for, and identities it must not reach. */
interface GrantCase {
  readonly title: string
  readonly grant: CrossAccountAccess
  readonly grantee: GranteeIdentity
  readonly outsiders: readonly GranteeIdentity[]
}

/** What the test bodies get: the data plane test, and the grantee hook. */
type GrantTest<R extends ArtifactRegistry> = DataPlaneTest<R> & {
  readonly type: CrossAccountAccess['type']
  readonly grantees: GranteeOptions<R>
}

/**
 * Cross-account grants at the registry: the grantee's own credentials pull an image of a
 * repository once it is granted, never push or delete there, and are refused again once the grant
 * is removed; a grant of one identity reaches no other of its account or project; where grants
 * are per repository, one reaches no other repository, and does not come back with the name.
 * Registered in the `dataPlane` group; skipped without `options.grantees` or cross-account
 * support.
 */
export function grantTests<R extends ArtifactRegistry>(
  options: ContractSuiteOptions<R>,
  test: (name: string, fn: (c: DataPlaneTest<R>) => Promise<void>) => void,
): void {
  const grantTest = (name: string, fn: (c: GrantTest<R>) => Promise<void>): void =>
    test(name, async (c) => {
      const type = c.r.capabilities.crossAccountAccess
      if (type === null) return c.t.skip('provider declares crossAccountAccess: null')
      if (options.grantees === undefined) return c.t.skip(GRANTEES_NOT_GIVEN)
      await fn({ ...c, type, grantees: options.grantees })
    })

  grantTest(
    'a grant lets its grantee pull, never push or delete, until it is removed',
    async (c) => {
      for (const grantCase of grantCases(c.type)) {
        const { name, image } = await repositoryWithImage(c)
        const what = `${grantCase.title} on ${name}`
        const grantee = await loginAs(c, grantCase.grantee)
        const outsiders = await Promise.all(grantCase.outsiders.map((o) => loginAs(c, o)))
        await eventuallyRefused(c, grantee, name, image.tag, `a pull before ${what}`)
        await c.r.addCrossAccountAccess(name, grantCase.grant)
        await eventually(c, async () =>
          c.t
            .expect(await grantee.pull(name, image.tag), `a pull after ${what}`)
            .toBe(image.manifestDigest),
        )
        const pushed = await c.skopeo.newImage()
        await expectRefused(c.t, grantee.push(pushed, name), `a push after ${what}`)
        await expectRefused(c.t, grantee.delete(name, image.tag), `a delete after ${what}`)
        c.t
          .expect(await grantee.pull(name, image.tag), 'the image after the refused delete')
          .toBe(image.manifestDigest)
        for (const [i, outsider] of outsiders.entries()) {
          const who = JSON.stringify(grantCase.outsiders[i])
          await expectRefused(c.t, outsider.pull(name, image.tag), `a pull by ${who} after ${what}`)
        }
        await c.r.removeCrossAccountAccess(name, grantCase.grant)
        await eventuallyRefused(c, grantee, name, image.tag, `a pull once ${what} is removed`)
      }
    },
  )

  grantTest('a grant reaches only its repository, and not the name created again', async (c) => {
    if (!c.r.capabilities.repositoryScopedGrants) {
      return c.t.skip(
        'provider declares repositoryScopedGrants: false: a grant reaches every repository of the binding',
      )
    }
    const [grantCase] = grantCases(c.type)
    if (grantCase === undefined) throw new Error(`no grant case for ${c.type}`)
    const logical = uniqueName('grant')
    const granted = await repositoryWithImage(c, logical)
    // A name that extends the granted one: a grant matched by prefix or pattern reaches it.
    const other = await repositoryWithImage(c, `${logical}-b`)
    await c.r.addCrossAccountAccess(granted.name, grantCase.grant)
    const grantee = await loginAs(c, grantCase.grantee)
    await eventually(c, async () =>
      c.t
        .expect(await grantee.pull(granted.name, granted.image.tag))
        .toBe(granted.image.manifestDigest),
    )
    await expectRefused(
      c.t,
      grantee.pull(other.name, other.image.tag),
      `a pull from ${other.name} with a grant on ${granted.name}`,
    )
    await c.r.deleteRepository(granted.name)
    // The name again, with an image its new owner pushed: a grant left behind would reach it.
    const again = await repositoryWithImage(c, logical)
    c.t.expect(again.name).toBe(granted.name)
    await eventuallyRefused(
      c,
      grantee,
      again.name,
      again.image.tag,
      `a pull from ${again.name} created again after a grant on the deleted one`,
    )
  })
}

// --- Internal ---

/** The grants each platform's tests make, with whom each must reach and must not. */
function grantCases(type: CrossAccountAccess['type']): GrantCase[] {
  if (type === 'aws') {
    const { accountUser, role, otherRole, otherAccountUser } = GRANTEE_IDENTITIES.aws
    const none = { roleArns: [], accountIds: [], regions: [], allowedServiceTypes: [] }
    return [
      {
        title: `a grant of role ${role.roleArn}`,
        grant: { type, ...none, roleArns: [role.roleArn] },
        grantee: role,
        outsiders: [otherRole, accountUser, otherAccountUser],
      },
      {
        title: `a grant of account ${accountUser.accountId}`,
        grant: { type, ...none, accountIds: [accountUser.accountId] },
        grantee: accountUser,
        outsiders: [otherAccountUser],
      },
    ]
  }
  const { serviceAccount, otherServiceAccount } = GRANTEE_IDENTITIES.gcp
  return [
    {
      title: `a grant of ${serviceAccount.serviceAccountEmail}`,
      grant: {
        type,
        projectNumbers: [],
        serviceAccountEmails: [serviceAccount.serviceAccountEmail],
        allowedServiceTypes: [],
      },
      grantee: serviceAccount,
      outsiders: [otherServiceAccount],
    },
  ]
}

async function loginAs<R extends ArtifactRegistry>(
  c: GrantTest<R>,
  identity: GranteeIdentity,
): Promise<SkopeoLogin> {
  return c.skopeo.login(await c.grantees.credentialsOf(identity, c.r))
}

/** A pull the registry must refuse, once a grant change has had `propagationMs` to show. */
function eventuallyRefused<R extends ArtifactRegistry>(
  c: GrantTest<R>,
  login: SkopeoLogin,
  repository: string,
  tag: string,
  what: string,
): Promise<void> {
  return eventually(c, () => expectRefused(c.t, login.pull(repository, tag), what))
}

/** Run `check` until it passes, for up to `propagationMs`; its last failure fails the test. */
async function eventually<R extends ArtifactRegistry>(
  c: GrantTest<R>,
  check: () => Promise<void>,
): Promise<void> {
  const deadline = Date.now() + (c.grantees.propagationMs ?? 0)
  for (;;) {
    try {
      return await check()
    } catch (error) {
      if (Date.now() >= deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, 2000))
    }
  }
}
