import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, describe, expect, it } from 'vitest'
import { assumeRole, ecrCall, stsCall } from './aws-wire.js'

// The AWS fake refuses what STS and ECR refuse: durations above a role's MaxSessionDuration (one
// hour unless raised) or role chaining's hour, credentials of a session that has ended, and
// repository policies naming a role IAM does not know (yet) or longer than ECR takes.

const LONG_ROLE = 'arn:aws:iam::123456789012:role/long'
const PLAIN_ROLE = 'arn:aws:iam::123456789012:role/plain'
const fake = await startAwsFake({ roles: { [LONG_ROLE]: { maxSessionDurationSeconds: 7200 } } })
afterAll(() => fake.close())

const OK_POLICY = (principal: string): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'ecr:BatchGetImage' }],
  })

describe('AWS fake: STS session lengths', () => {
  it("a role's MaxSessionDuration is one hour unless the role is seeded with more", async () => {
    expect((await assumeRole(fake, { RoleArn: PLAIN_ROLE, DurationSeconds: 3600 })).status).toBe(
      200,
    )
    const longer = await assumeRole(fake, { RoleArn: PLAIN_ROLE, DurationSeconds: 3601 })
    expect(longer.status).toBe(400)
    expect(longer.xml).toContain('<Code>ValidationError</Code>')
    expect(longer.xml).toContain('exceeds the MaxSessionDuration set for this role')
    expect((await assumeRole(fake, { RoleArn: LONG_ROLE, DurationSeconds: 7200 })).status).toBe(200)
    expect((await assumeRole(fake, { RoleArn: LONG_ROLE, DurationSeconds: 7201 })).status).toBe(400)
  })

  it('a session assuming a role (role chaining) gets one hour at most, whatever the role allows', async () => {
    const first = await assumeRole(fake, { RoleArn: PLAIN_ROLE })
    const signer = { accessKeyId: first.accessKeyId ?? '' }
    const chained = await assumeRole(fake, { RoleArn: LONG_ROLE, DurationSeconds: 7200 }, signer)
    expect(chained.status).toBe(400)
    expect(chained.xml).toContain('1 hour session limit for roles assumed by role chaining')
    const hour = await assumeRole(fake, { RoleArn: LONG_ROLE, DurationSeconds: 3600 }, signer)
    expect(hour.status).toBe(200)
  })

  it("refuses DurationSeconds outside STS's 900 to 43200, whatever the role allows", async () => {
    await using twelve = await startAwsFake({
      roles: { [LONG_ROLE]: { maxSessionDurationSeconds: 43_200 } },
    })
    expect((await assumeRole(twelve, { RoleArn: LONG_ROLE, DurationSeconds: 43_200 })).status).toBe(
      200,
    )
    for (const DurationSeconds of [43_201, 129_600, 899]) {
      const refused = await assumeRole(twelve, { RoleArn: LONG_ROLE, DurationSeconds })
      expect(refused.status, String(DurationSeconds)).toBe(400)
      expect(refused.xml).toContain('<Code>ValidationError</Code>')
      expect(refused.xml).toContain('at &apos;durationSeconds&apos; failed to satisfy constraint')
    }
  })

  it('refuses to seed a role MaxSessionDuration IAM would refuse, with a TypeError', async () => {
    for (const maxSessionDurationSeconds of [1800, 3599, 43_201, 129_600, 7200.5]) {
      await expect(
        startAwsFake({ roles: { [LONG_ROLE]: { maxSessionDurationSeconds } } }),
      ).rejects.toThrow(
        new TypeError(
          `[aws-fake] roles["${LONG_ROLE}"].maxSessionDurationSeconds must be a whole number from 3600 to 43200 (IAM's MaxSessionDuration), got ${maxSessionDurationSeconds}`,
        ),
      )
    }
  })
})

describe('AWS fake: STS session policies', () => {
  const statement = { Effect: 'Allow', Action: 'ecr:BatchGetImage', Resource: '*' }
  const policy = (...statements: Record<string, unknown>[]): string =>
    JSON.stringify({ Version: '2012-10-17', Statement: statements })

  it('takes an identity policy of up to 2048 characters and refuses a longer one', async () => {
    const text = policy(statement)
    const longest = `${text.slice(0, -1)}${' '.repeat(2048 - text.length)}}`
    expect((await assumeRole(fake, { RoleArn: PLAIN_ROLE, Policy: longest })).status).toBe(200)
    const over = await assumeRole(fake, { RoleArn: PLAIN_ROLE, Policy: `${longest} ` })
    expect(over.status).toBe(400)
    expect(over.xml).toContain('<Code>ValidationError</Code>')
    expect(over.xml).toContain('at &apos;policy&apos;')
  })

  it('refuses characters beyond U+00FF with a ValidationError', async () => {
    // JSON.stringify keeps U+2603 as it is: the text STS gets holds the character itself.
    const text = policy({ ...statement, Sid: 'Snowman\u2603' })
    expect(text).toContain('\u2603')
    const answer = await assumeRole(fake, { RoleArn: PLAIN_ROLE, Policy: text })
    expect(answer.status).toBe(400)
    expect(answer.xml).toContain('<Code>ValidationError</Code>')
  })

  it('refuses a document that is not an identity policy as MalformedPolicyDocument', async () => {
    for (const bad of [
      policy({ ...statement, Principal: { AWS: '123456789012' } }),
      policy({ Effect: 'Allow', Action: 'ecr:BatchGetImage' }),
      policy({ ...statement, Effect: 'allow' }),
      JSON.stringify({ Version: '2012-10-17', Statement: [] }),
    ]) {
      const answer = await assumeRole(fake, { RoleArn: PLAIN_ROLE, Policy: bad })
      expect(answer.status, bad).toBe(400)
      expect(answer.xml, bad).toContain('<Code>MalformedPolicyDocument</Code>')
    }
  })
})

describe('AWS fake: the clock and ended sessions', () => {
  it('refuses credentials of an ended session on ECR and on STS, and keys it never issued', async () => {
    await using clocked = await startAwsFake()
    const { accessKeyId = '' } = await assumeRole(clocked, {
      RoleArn: PLAIN_ROLE,
      DurationSeconds: 900,
    })
    const before = clocked.now()
    expect((await ecrCall(clocked, 'DescribeRepositories', {}, { accessKeyId })).status).toBe(200)
    clocked.advanceClock(899)
    expect((await ecrCall(clocked, 'DescribeRepositories', {}, { accessKeyId })).status).toBe(200)
    clocked.advanceClock(1)
    expect(clocked.now() - before).toBeGreaterThanOrEqual(900_000)
    const ecr = await ecrCall(clocked, 'GetAuthorizationToken', {}, { accessKeyId })
    expect(ecr).toMatchObject({ status: 400, json: { __type: 'ExpiredTokenException' } })
    const sts = await stsCall(clocked, { Action: 'GetCallerIdentity' }, { accessKeyId })
    expect(sts.status).toBe(403)
    expect(sts.xml).toContain('<Code>ExpiredToken</Code>')
    const forged = { accessKeyId: 'ASIANEVERISSUED' }
    expect((await ecrCall(clocked, 'DescribeRepositories', {}, forged)).json.__type).toBe(
      'UnrecognizedClientException',
    )
  })

  it('dates what it issues by its clock', async () => {
    await using clocked = await startAwsFake()
    clocked.advanceClock(86_400)
    const { json } = await ecrCall(clocked, 'GetAuthorizationToken', {})
    const [data] = json.authorizationData as { expiresAt: number }[]
    expect(data?.expiresAt).toBeCloseTo((Date.now() + 86_400_000 + 43_200_000) / 1000, -1)
    expect(clocked.seedRepository('us-east-1', 'dated').createdAt.getTime()).toBeGreaterThan(
      Date.now() + 86_000_000,
    )
  })

  it('refuses to move its clock backwards, with a TypeError', () => {
    expect(() => fake.advanceClock(-1)).toThrow(TypeError)
    expect(() => fake.advanceClock(Number.NaN)).toThrow(TypeError)
  })
})

describe('AWS fake: SetRepositoryPolicy and principals', () => {
  it("refuses a role IAM does not know with ECR's 'Principal not found'", async () => {
    fake.seedRepository('us-east-1', 'principals')
    const unknown = await ecrCall(fake, 'SetRepositoryPolicy', {
      repositoryName: 'principals',
      policyText: OK_POLICY('arn:aws:iam::222222222222:role/never-created'),
    })
    expect(unknown).toMatchObject({
      status: 400,
      json: {
        __type: 'InvalidParameterException',
        message:
          "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Principal not found'",
      },
    })
    expect(fake.getPolicy('us-east-1', 'principals')).toBeUndefined()
  })

  it('accepts account roots, seeded roles and users, and the roles of its options', async () => {
    fake.seedRepository('us-east-1', 'principals-ok')
    fake.seedPrincipal('arn:aws:iam::222222222222:user/ci')
    for (const principal of [
      'arn:aws:iam::222222222222:root',
      '222222222222',
      'arn:aws:iam::222222222222:user/ci',
      LONG_ROLE,
    ]) {
      const set = await ecrCall(fake, 'SetRepositoryPolicy', {
        repositoryName: 'principals-ok',
        policyText: OK_POLICY(principal),
      })
      expect(set.status, principal).toBe(200)
    }
    await using listed = await startAwsFake({
      principals: ['arn:aws:iam::333333333333:role/listed'],
    })
    listed.seedRepository('us-east-1', 'listed')
    const set = await ecrCall(listed, 'SetRepositoryPolicy', {
      repositoryName: 'listed',
      policyText: OK_POLICY('arn:aws:iam::333333333333:role/listed'),
    })
    expect(set.status).toBe(200)
  })

  it('a role created moments ago is not found until IAM has caught up', async () => {
    const role = 'arn:aws:iam::222222222222:role/just-created'
    fake.seedRepository('us-east-1', 'principals-late')
    fake.seedPrincipal(role, { appearsAfterSeconds: 10 })
    const policyText = OK_POLICY(role)
    const early = await ecrCall(fake, 'SetRepositoryPolicy', {
      repositoryName: 'principals-late',
      policyText,
    })
    expect(early.json.message).toContain('Principal not found')
    fake.advanceClock(10)
    const later = await ecrCall(fake, 'SetRepositoryPolicy', {
      repositoryName: 'principals-late',
      policyText,
    })
    expect(later.status).toBe(200)
  })

  it('takes a policy of 10,240 characters and refuses a longer one, keeping the old policy', async () => {
    fake.seedRepository('us-east-1', 'principals-long')
    const padded = (length: number): string => {
      const text = OK_POLICY('arn:aws:iam::222222222222:root')
      // Whitespace before the closing brace is part of the text ECR measures.
      return `${text.slice(0, -1)}${' '.repeat(length - text.length)}}`
    }
    const longest = padded(10_240)
    const fits = await ecrCall(fake, 'SetRepositoryPolicy', {
      repositoryName: 'principals-long',
      policyText: longest,
    })
    expect(fits.status).toBe(200)
    const over = await ecrCall(fake, 'SetRepositoryPolicy', {
      repositoryName: 'principals-long',
      policyText: padded(10_241),
    })
    expect(over).toMatchObject({ status: 400, json: { __type: 'InvalidParameterException' } })
    expect(over.json.message).toContain('10240')
    expect(fake.getPolicy('us-east-1', 'principals-long')).toBe(longest)
  })

  it('refuses a document ECR does not take as a repository policy, keeping the old one', async () => {
    fake.seedRepository('us-east-1', 'grammar')
    const kept = OK_POLICY('arn:aws:iam::222222222222:root')
    fake.seedPolicy('us-east-1', 'grammar', kept)
    const allow = {
      Effect: 'Allow',
      Principal: { AWS: '222222222222' },
      Action: 'ecr:BatchGetImage',
    }
    const refused: Record<string, unknown>[] = [
      // The repository is the resource: a statement naming one is refused.
      { ...allow, Resource: '*' },
      { Effect: 'Allow', Principal: { AWS: '222222222222' } },
      { Effect: 'Allow', Action: 'ecr:BatchGetImage' },
      { ...allow, Effect: 'Permit' },
      { ...allow, Principal: { AWS: 'arn:aws:iam::222222222222:*' } },
      { ...allow, Principal: { AWS: 'not-an-account' } },
      // No wildcard within a principal: it must name one account, role or user whole.
      { ...allow, Principal: { AWS: 'arn:aws:iam::222222222222:role/pull*' } },
      { ...allow, Principal: { AWS: '222222222222*' } },
      { ...allow, Principal: { Aws: '222222222222' } },
      { ...allow, Principal: { AWS: [] } },
      // One of each pair: IAM's grammar refuses a statement with both.
      { ...allow, NotPrincipal: { AWS: '333333333333' } },
      { ...allow, NotAction: 'ecr:PutImage' },
    ]
    for (const statement of refused) {
      const answer = await ecrCall(fake, 'SetRepositoryPolicy', {
        repositoryName: 'grammar',
        policyText: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }),
      })
      expect(answer, JSON.stringify(statement)).toMatchObject({
        status: 400,
        json: {
          __type: 'InvalidParameterException',
          message:
            "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'",
        },
      })
    }
    const badVersion = await ecrCall(fake, 'SetRepositoryPolicy', {
      repositoryName: 'grammar',
      policyText: JSON.stringify({ Version: '2020-01-01', Statement: [allow] }),
    })
    expect(badVersion.status).toBe(400)
    expect(fake.getPolicy('us-east-1', 'grammar')).toBe(kept)
  })

  it('takes every principal form a resource policy may name', async () => {
    fake.seedRepository('us-east-1', 'grammar-ok')
    const principals: unknown[] = [
      '*',
      { AWS: '*' },
      { Service: 'lambda.amazonaws.com' },
      { AWS: ['arn:aws:iam::222222222222:root', 'AROAEXAMPLEDELETEDROLE1'] },
      { AWS: 'arn:aws:sts::222222222222:assumed-role/ci/session-1' },
    ]
    for (const Principal of principals) {
      const answer = await ecrCall(fake, 'SetRepositoryPolicy', {
        repositoryName: 'grammar-ok',
        policyText: JSON.stringify({
          Statement: { Effect: 'Deny', Principal, NotAction: ['ecr:PutImage'] },
        }),
      })
      expect(answer.status, JSON.stringify(Principal)).toBe(200)
    }
  })

  it('refuses to seed what is not an IAM role or user, with a TypeError', () => {
    expect(() => fake.seedPrincipal('arn:aws:iam::222222222222:root')).toThrow(TypeError)
    expect(() => fake.seedPrincipal(PLAIN_ROLE, { appearsAfterSeconds: -1 })).toThrow(TypeError)
  })
})
