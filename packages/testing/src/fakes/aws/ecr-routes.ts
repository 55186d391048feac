import type { FakeResponse } from '../fake-server.js'
import { tokenPage } from '../pagination.js'
import type { FakeClock } from './clock.js'
import type { EcrDataPlane } from './data-plane.js'
import { type IssuedToken, keepNewToken } from './data-plane-auth.js'
import { EcrState } from './ecr-state.js'
import { type ForeignCaller, foreignSessionEnded } from './foreign-identities.js'
import type { IamEvaluator } from './iam-evaluator.js'
import { awsPrincipalsOf, type PrincipalDirectory } from './principals.js'
import { repositoryPolicyProblem } from './repository-policy-rules.js'
import {
  callerArn,
  EXPIRED_TOKEN_MESSAGE,
  type FakeSession,
  INVALID_TOKEN_MESSAGE,
  sessionCredentialProblem,
} from './sessions.js'
import type { AuthorizationTokenRecord, FakeReplicationRule, FakeRepository } from './types.js'
import { epochSeconds, jsonError, jsonOk } from './wire.js'

/** What an ECR operation handler needs besides its input. */
export interface EcrContext {
  readonly state: EcrState
  readonly region: string
  readonly accessKeyId: string
  /** The assumed-role session that signed the request, if any. */
  readonly session: FakeSession | undefined
  /** The caller of another account that signed the request, if it was one. */
  readonly foreign?: ForeignCaller | undefined
  /** The caller's own policies and its session policy. */
  readonly iam: IamEvaluator
  readonly tokenLifetimeSeconds: number
  /** The log of tokens issued (`reset()` clears it). */
  readonly tokens: AuthorizationTokenRecord[]
  /** Every token issued, by password, for the data plane (never cleared). */
  readonly tokensByPassword: Map<string, IssuedToken>
  readonly clock: FakeClock
  readonly principals: PrincipalDirectory
  readonly dataPlane: EcrDataPlane
  /** The most repositories a page of `DescribeRepositories` holds (the fake's `ecrPageLimit`). */
  readonly pageLimit?: number | undefined
}

type Input = Record<string, unknown>
type Handler = (ctx: EcrContext, input: Input) => FakeResponse | Promise<FakeResponse>

/** Answer one ECR (awsJson1_1) operation. */
export async function routeEcr(
  ctx: EcrContext,
  operation: string,
  body: string,
): Promise<FakeResponse> {
  if (ctx.foreign !== undefined) return routeForeign(ctx, ctx.foreign, operation)
  const problem = sessionCredentialProblem(ctx.accessKeyId, ctx.session, ctx.clock.now())
  if (problem === 'expired') return jsonError('ExpiredTokenException', EXPIRED_TOKEN_MESSAGE)
  if (problem === 'invalid') return jsonError('UnrecognizedClientException', INVALID_TOKEN_MESSAGE)
  const handler = HANDLERS[operation]
  if (handler === undefined) {
    return jsonError('UnknownOperationException', `The fake does not implement ${operation}`)
  }
  let input: Input
  try {
    input = body === '' ? {} : (JSON.parse(body) as Input)
  } catch {
    return jsonError('SerializationException', 'The request body is not valid JSON')
  }
  const denied = checkPolicies(ctx, operation, input)
  return denied ?? handler(ctx, input)
}

// --- Internal ---

/**
 * A caller of another account: the fake models one account's registry, so such a caller may only
 * get an authorization token (from its own account's ECR, which the fake answers too) to use that
 * registry as a grantee of its repository policies. Anything else is refused, never answered as if
 * the caller were of the fake's account.
 */
function routeForeign(ctx: EcrContext, caller: ForeignCaller, operation: string): FakeResponse {
  if (foreignSessionEnded(caller, ctx.clock.now())) {
    return jsonError('ExpiredTokenException', EXPIRED_TOKEN_MESSAGE)
  }
  if (operation === 'GetAuthorizationToken') return issueToken(ctx)
  return jsonError(
    'AccessDeniedException',
    `[aws-fake] ${caller.arns[0]} is of account ${caller.accountId}, which the fake does not model: it may only call GetAuthorizationToken`,
  )
}

function issueToken(ctx: EcrContext): FakeResponse {
  const token = keepNewToken(ctx.tokensByPassword, {
    accessKeyId: ctx.accessKeyId,
    roleArn: ctx.foreign?.role?.arn ?? ctx.session?.roleArn,
    region: ctx.region,
    expiresAt: new Date(ctx.clock.now() + ctx.tokenLifetimeSeconds * 1000),
    ...(ctx.foreign === undefined ? {} : { foreign: ctx.foreign }),
  })
  ctx.tokens.push(token)
  // The registry the token opens, which the fake serves on 127.0.0.1.
  const proxyEndpoint = ctx.dataPlane.url
  const authorizationToken = Buffer.from(`AWS:${token.password}`).toString('base64')
  return jsonOk({
    authorizationData: [
      { authorizationToken, expiresAt: epochSeconds(token.expiresAt), proxyEndpoint },
    ],
  })
}

const HANDLERS: Readonly<Record<string, Handler>> = {
  CreateRepository: (ctx, input) => {
    const name = input.repositoryName
    if (!EcrState.isValidName(name)) return invalidName(name)
    const created = ctx.state.create(ctx.region, name)
    if (created === undefined) {
      return jsonError(
        'RepositoryAlreadyExistsException',
        `The repository with name '${name}' already exists in the registry with id '${ctx.state.accountId}'`,
      )
    }
    return jsonOk({ repository: render(created) })
  },
  DescribeRepositories: (ctx, input) => {
    const names = input.repositoryNames
    if (!Array.isArray(names)) return page(ctx, input)
    // ECR: maxResults and nextToken "cannot be used when you specify repositories".
    if (input.maxResults !== undefined || input.nextToken !== undefined) {
      return jsonError(
        'InvalidParameterException',
        'Invalid parameter: maxResults and nextToken cannot be used with repositoryNames',
      )
    }
    const found: FakeRepository[] = []
    for (const name of names) {
      const repository = ctx.state.repository(ctx.region, String(name))
      if (repository === undefined) return notFound(ctx, String(name))
      found.push(repository)
    }
    return jsonOk({ repositories: found.map(render) })
  },
  DeleteRepository: async (ctx, input) => {
    const name = String(input.repositoryName)
    if (ctx.state.repository(ctx.region, name) === undefined) return notFound(ctx, name)
    if (input.force !== true && (await ctx.dataPlane.holdsContent(name))) {
      return jsonError(
        'RepositoryNotEmptyException',
        `The repository with name '${name}' in registry with id '${ctx.state.accountId}' cannot be deleted because it still contains images`,
      )
    }
    const deleted = ctx.state.delete(ctx.region, name)
    // With force, ECR deletes the images with the repository; a namesake in another region
    // (a replica) keeps the images the registry shares between regions.
    if (ctx.state.regionsWith(name).length === 0) await ctx.dataPlane.deleteContent(name)
    return deleted === undefined ? notFound(ctx, name) : jsonOk({ repository: render(deleted) })
  },
  GetRepositoryPolicy: (ctx, input) => withPolicy(ctx, input, false),
  DeleteRepositoryPolicy: (ctx, input) => withPolicy(ctx, input, true),
  SetRepositoryPolicy: (ctx, input) => {
    const name = String(input.repositoryName)
    if (ctx.state.repository(ctx.region, name) === undefined) return notFound(ctx, name)
    const policyText = input.policyText
    if (typeof policyText === 'string' && policyText.length > MAX_POLICY_LENGTH) {
      return jsonError(
        'InvalidParameterException',
        `Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Member must have length less than or equal to ${MAX_POLICY_LENGTH}'`,
      )
    }
    // The document is read as ECR reads a repository policy (see `repositoryPolicyProblem`).
    const invalid =
      typeof policyText === 'string'
        ? repositoryPolicyProblem(policyText)
        : 'Member must not be null'
    if (typeof policyText !== 'string' || invalid !== undefined) {
      return jsonError(
        'InvalidParameterException',
        `Invalid parameter at 'PolicyText' failed to satisfy constraint: '${invalid}'`,
      )
    }
    // ECR does not say which principal it could not find.
    if (ctx.principals.firstMissing(awsPrincipalsOf(policyText)) !== undefined) {
      return jsonError(
        'InvalidParameterException',
        "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Principal not found'",
      )
    }
    ctx.state.setPolicy(ctx.region, name, policyText)
    return jsonOk({ registryId: ctx.state.accountId, repositoryName: name, policyText })
  },
  GetAuthorizationToken: issueToken,
  DescribeRegistry: (ctx) =>
    jsonOk({
      registryId: ctx.state.accountId,
      replicationConfiguration: { rules: ctx.state.rules(ctx.region) },
    }),
  PutReplicationConfiguration: (ctx, input) => {
    const config = input.replicationConfiguration as { rules?: FakeReplicationRule[] } | undefined
    const rules = config?.rules
    const problem = replicationProblem(rules, ctx.region)
    if (problem !== undefined) return jsonError('InvalidParameterException', problem)
    if ((rules ?? []).length > 0 && !ctx.state.replicationRoleExists) {
      // ECR creates its replication service-linked role with the caller's permissions, once.
      const role = `arn:aws:iam::${ctx.state.accountId}:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication`
      const denied = refused(ctx, 'iam:CreateServiceLinkedRole', role)
      if (denied !== undefined) return denied
      ctx.state.replicationRoleExists = true
    }
    ctx.state.setRules(ctx.region, rules ?? [])
    return jsonOk({ replicationConfiguration: { rules } })
  },
}

function withPolicy(ctx: EcrContext, input: Input, remove: boolean): FakeResponse {
  const name = String(input.repositoryName)
  if (ctx.state.repository(ctx.region, name) === undefined) return notFound(ctx, name)
  const policyText = ctx.state.policy(ctx.region, name)
  if (policyText === undefined) {
    return jsonError(
      'RepositoryPolicyNotFoundException',
      `Repository policy does not exist for the repository with name '${name}' in the registry with id '${ctx.state.accountId}'`,
    )
  }
  if (remove) ctx.state.setPolicy(ctx.region, name, undefined)
  return jsonOk({ registryId: ctx.state.accountId, repositoryName: name, policyText })
}

/**
 * The longest `policyText` SetRepositoryPolicy takes, in characters (its API reference's length
 * constraint); a longer one is refused as an invalid parameter, one of the operation's errors.
 */
const MAX_POLICY_LENGTH = 10_240

/** ECR's page size without `maxResults`, and the range `maxResults` must be in. */
const DEFAULT_PAGE_SIZE = 100
const MAX_PAGE_SIZE = 1000

/** One page of the region's repositories, oldest first, paginated as DescribeRepositories is. */
function page(ctx: EcrContext, input: Input): FakeResponse {
  const { maxResults, nextToken } = input
  const size = maxResults ?? DEFAULT_PAGE_SIZE
  if (!Number.isInteger(size) || (size as number) < 1 || (size as number) > MAX_PAGE_SIZE) {
    return jsonError(
      'InvalidParameterException',
      `Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value between 1 and ${MAX_PAGE_SIZE}'`,
    )
  }
  const token = typeof nextToken === 'string' ? nextToken : undefined
  // ECR may answer fewer than maxResults: the fake's limit makes it, so callers follow nextToken.
  const limited = Math.min(size as number, ctx.pageLimit ?? MAX_PAGE_SIZE)
  const found = tokenPage(ctx.state.repositories(ctx.region), limited, token, ctx.region)
  if (found === undefined || (nextToken !== undefined && token === undefined)) {
    return jsonError(
      'InvalidParameterException',
      "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'",
    )
  }
  const { items, nextToken: next } = found
  return jsonOk({ repositories: items.map(render), ...(next !== undefined && { nextToken: next }) })
}

function render(repository: FakeRepository): Record<string, unknown> {
  return {
    repositoryArn: repository.repositoryArn,
    registryId: repository.registryId,
    repositoryName: repository.repositoryName,
    repositoryUri: repository.repositoryUri,
    createdAt: epochSeconds(repository.createdAt),
    imageTagMutability: 'MUTABLE',
    imageScanningConfiguration: { scanOnPush: false },
    encryptionConfiguration: { encryptionType: 'AES256' },
  }
}

function notFound(ctx: EcrContext, name: string): FakeResponse {
  return jsonError(
    'RepositoryNotFoundException',
    `The repository with name '${name}' does not exist in the registry with id '${ctx.state.accountId}'`,
  )
}

function invalidName(name: unknown): FakeResponse {
  return jsonError(
    'InvalidParameterException',
    `Invalid parameter at 'repositoryName' failed to satisfy constraint: '${String(name)}' is not a valid repository name`,
  )
}

function replicationProblem(
  rules: FakeReplicationRule[] | undefined,
  region: string,
): string | undefined {
  if (!Array.isArray(rules)) return 'replicationConfiguration.rules is required'
  if (rules.length > 10) return 'A replication configuration holds at most 10 rules'
  for (const rule of rules) {
    if (!Array.isArray(rule.destinations) || rule.destinations.length === 0) {
      return 'Every rule needs at least one destination'
    }
    if (rule.destinations.some((d) => d.region === region)) {
      return `Replication to the source region ${region} is not supported`
    }
    if ((rule.repositoryFilters ?? []).some((f) => f.filterType !== 'PREFIX_MATCH')) {
      return 'filterType must be PREFIX_MATCH'
    }
  }
  return undefined
}

/** Every call needs the caller's policies (and its session policy) to allow it, as in IAM. */
function checkPolicies(ctx: EcrContext, operation: string, input: Input): FakeResponse | undefined {
  for (const resource of resourcesOf(ctx, operation, input)) {
    const denied = refused(ctx, `ecr:${operation}`, resource)
    if (denied !== undefined) return denied
  }
  return undefined
}

function refused(ctx: EcrContext, action: string, resource: string): FakeResponse | undefined {
  const refusal = ctx.iam.refusal(ctx.session, action, resource)
  if (refusal === undefined) return undefined
  return jsonError(
    'AccessDeniedException',
    `User: ${callerArn(ctx.session, ctx.state.accountId)} is not authorized to perform: ${action} on resource: ${resource} because no ${refusal} policy allows the ${action} action`,
  )
}

/**
 * The ARNs a call acts on: `*` for registry-level calls such as GetAuthorizationToken, and
 * `repository/*` for DescribeRepositories without names (IAM asks for it on every repository, so
 * a policy on `repository/acme-*` alone does not allow listing them).
 */
function resourcesOf(ctx: EcrContext, operation: string, input: Input): string[] {
  const names =
    typeof input.repositoryName === 'string'
      ? [input.repositoryName]
      : Array.isArray(input.repositoryNames)
        ? input.repositoryNames.map(String)
        : []
  if (operation === 'DescribeRepositories' && names.length === 0) {
    return [ctx.state.repositoryArn(ctx.region, '*')]
  }
  if (names.length === 0) return ['*']
  return names.map((name) => ctx.state.repositoryArn(ctx.region, name))
}
