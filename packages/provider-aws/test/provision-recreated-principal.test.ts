import { type AwsFake, startAwsFake } from '@artifact-registry/testing/fakes/aws'
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { describe, expect, it } from 'vitest'
import { provision } from '../src/provision/index.js'
import { REGION } from './helpers.js'
import { iamSend, policy, provisionOptions } from './provision-helpers.js'

// IAM stores a trust policy's role principal as the role's unique id: once the trusted runtime
// role is deleted and created again under its name (a stack replaced it), the roles no longer
// trust it, and their trust policy shows the old role's `AROA…` id. The next provision sees the
// difference and trusts the new role; the fake must show it for provisioning to be tested so.

const ACCOUNT = '123456789012'
const RUNTIME = 'runtime'
const RUNTIME_ARN = `arn:aws:iam::${ACCOUNT}:role/${RUNTIME}`
const PULL_ARN = `arn:aws:iam::${ACCOUNT}:role/acme-pull`

/** (Re)create the runtime role: assumable by the account, and allowed to assume any role. */
async function createRuntime(fake: AwsFake): Promise<void> {
  const trust = { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }
  await iamSend(
    fake,
    new CreateRoleCommand({
      RoleName: RUNTIME,
      AssumeRolePolicyDocument: policy({ ...trust, Action: 'sts:AssumeRole' }),
    }),
  )
  await iamSend(
    fake,
    new PutRolePolicyCommand({
      RoleName: RUNTIME,
      PolicyName: 'assume',
      PolicyDocument: policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }),
    }),
  )
}

async function deleteRuntime(fake: AwsFake): Promise<void> {
  await iamSend(fake, new DeleteRolePolicyCommand({ RoleName: RUNTIME, PolicyName: 'assume' }))
  await iamSend(fake, new DeleteRoleCommand({ RoleName: RUNTIME }))
}

/** Whether a session of the runtime role may assume the pull role. */
async function runtimeMayAssumePull(fake: AwsFake): Promise<boolean> {
  const base = new STSClient(fake.clientConfig(REGION))
  try {
    const { Credentials: c } = await base.send(
      new AssumeRoleCommand({ RoleArn: RUNTIME_ARN, RoleSessionName: 'runtime' }),
    )
    const runtime = new STSClient({
      ...fake.clientConfig(REGION),
      credentials: {
        accessKeyId: c?.AccessKeyId ?? '',
        secretAccessKey: c?.SecretAccessKey ?? '',
        sessionToken: c?.SessionToken ?? '',
      },
    })
    try {
      await runtime.send(new AssumeRoleCommand({ RoleArn: PULL_ARN, RoleSessionName: 'pull' }))
      return true
    } catch (err) {
      if ((err as Error).name === 'AccessDenied') return false
      throw err
    } finally {
      runtime.destroy()
    }
  } finally {
    base.destroy()
  }
}

describe('a trusted runtime role deleted and created again under its name', () => {
  it('is no longer trusted, and the next provision trusts it again', async () => {
    await using fake = await startAwsFake()
    await createRuntime(fake)
    const options = provisionOptions(fake, { trustedPrincipals: [RUNTIME_ARN] })
    await provision(options)
    expect(await runtimeMayAssumePull(fake)).toBe(true)

    await deleteRuntime(fake)
    await createRuntime(fake)
    const trust = fake.getRole('acme-pull')?.assumeRolePolicyDocument ?? ''
    expect(trust).not.toContain(RUNTIME_ARN)
    expect(trust).toMatch(/"AROA[0-9A-Z]+"/)
    expect(await runtimeMayAssumePull(fake)).toBe(false)

    const { changes } = await provision(options)
    expect(changes).toContainEqual({
      action: 'update',
      kind: 'iam-role',
      id: PULL_ARN,
      detail: 'trust policy',
    })
    expect(await runtimeMayAssumePull(fake)).toBe(true)
    const again = await provision(options)
    expect(again.changes.every((c) => c.action === 'unchanged')).toBe(true)
  })
})
