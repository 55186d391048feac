import { aws } from '@artifact-registry/provider-aws'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { expect, it } from 'vitest'

// `providerOptions` is the one way tests point aws() at the fake. STS is the endpoint that is
// easy to forget: a provider without it would send AssumeRole, signed with the fake's keys, to
// AWS. The region below is the AWS example of packages/testing/README.md, word for word.
it("the fake's providerOptions reach its ECR and its STS, and nothing else", async () => {
  // #region testing-readme-aws
  await using fake = await startAwsFake()
  await using registry = await aws({
    repositoryPrefix: 'acme',
    pullRoleArn: 'arn:aws:iam::123456789012:role/acme-pull',
    ...fake.providerOptions('eu-west-1'),
  })
  const { name } = await registry.createRepository('my-app')
  const login = await registry.generateCredentials(name, 'pull')
  // fake.assumedRoles: the AssumeRole calls STS received, each with its session policy
  // #endregion

  expect(fake.requestsFor('AssumeRole')).toHaveLength(1)
  expect(fake.assumedRoles.map((r) => r.roleArn)).toEqual([
    'arn:aws:iam::123456789012:role/acme-pull',
  ])
  const token = fake.authorizationTokens.at(-1)
  expect(token).toMatchObject({ region: 'eu-west-1', roleArn: fake.assumedRoles[0]?.roleArn })
  expect(login.password).toBe(token?.password)
  expect(fake.getRepositoryNames('eu-west-1')).toEqual([name])
  fake.inject('CreateRepository', 'throttling')
  await expect(registry.createRepository('other')).rejects.toMatchObject({ code: 'RATE_LIMITED' })
})
