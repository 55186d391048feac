import { type FakeRequest, type FakeResponse, startFakeServer } from '../fake-server.js'
import { namedFaultInjector } from '../faults.js'
import { FakeClock } from './clock.js'
import { EcrDataPlane } from './data-plane.js'
import { type IssuedToken, keepNewToken } from './data-plane-auth.js'
import { routeEcr } from './ecr-routes.js'
import { EcrState } from './ecr-state.js'
import { awsErrorPlane } from './faults.js'
import { ForeignIdentities } from './foreign-identities.js'
import { IamEvaluator } from './iam-evaluator.js'
import { routeIam } from './iam-routes.js'
import { type FakeIamRole, IamState } from './iam-state.js'
import { functionArnParts, LAMBDA_SERVICE, lambdaPull } from './lambda-pulls.js'
import { PrincipalDirectory } from './principals.js'
import { callerArn, SessionStore } from './sessions.js'
import { routeSts } from './sts-routes.js'
import type {
  AssumeRoleRecord,
  AuthorizationTokenRecord,
  AwsFake,
  AwsFakeOptions,
  AwsFaultKind,
  FakeRepository,
  FakeRole,
  FakeRoleOptions,
} from './types.js'
import { formOf, isStsRequest, operationOf, serviceOf, signerOf, xmlError } from './wire.js'

const DEFAULT_ACCOUNT = '123456789012'
const DEFAULT_REGION = 'us-east-1'
// Static base credentials: the SDK never looks for real ones (environment, profile, metadata).
const BASE_CREDENTIALS = { accessKeyId: 'AKIDFAKEBASE', secretAccessKey: 'fake-secret' }

/**
 * Start a hermetic AWS endpoint on 127.0.0.1 that speaks ECR's awsJson1_1 protocol and the
 * query protocol of STS and IAM (told apart by the SigV4 scope's service), so the real
 * `@aws-sdk/client-ecr`, `@aws-sdk/client-sts` and `@aws-sdk/client-iam` run unchanged against
 * it. IAM holds roles and their inline policies: a created role is a principal, can be assumed
 * by whom its trust policy names, and its sessions get exactly what its inline policies (within
 * its permissions boundary) allow. ECR state is per region (read from the SigV4 credential
 * scope): repositories, repository policies, registry replication rules (replicas appear in destination regions
 * once an image is pushed, without policies), authorization tokens, and `AssumeRole` sessions whose inline policy is
 * recorded and enforced on the ECR calls they sign, and on the registry (the data plane) that
 * their authorization tokens open. The base identity's and the roles' own IAM policies, when
 * seeded (`basePolicies`, `roles[arn].policies`), are enforced the same way. Sessions and tokens expire by the fake's clock
 * (`advanceClock`). Signatures are never verified.
 *
 * @example
 * ```ts
 * await using fake = await startAwsFake()
 * await using registry = await aws({ repositoryPrefix: 'acme', ...fake.providerOptions('us-east-1') })
 * fake.inject('CreateRepository', 'throttling')
 * ```
 */
export async function startAwsFake(options: AwsFakeOptions = {}): Promise<AwsFake> {
  const pageLimit = checkPageLimit('iamPageLimit', options.iamPageLimit)
  const ecrPageLimit = checkPageLimit('ecrPageLimit', options.ecrPageLimit)
  const accountId = options.accountId ?? DEFAULT_ACCOUNT
  const clock = new FakeClock()
  const principals = new PrincipalDirectory(clock)
  const ecr = new EcrState(
    accountId,
    options.replicaDelayMs === undefined ? 0 : options.replicaDelayMs,
    () => clock.now(),
    (arn) => principals.idOf(arn),
  )
  const sessions = new SessionStore()
  const assumed: AssumeRoleRecord[] = []
  const tokens: AuthorizationTokenRecord[] = []
  const tokensByPassword = new Map<string, IssuedToken>()
  const roles = checkRoles(options.roles ?? {})
  // The base identity is an IAM user of the account: it exists, so a trust policy may name it.
  const baseIdentity = callerArn(undefined, accountId)
  for (const arn of [baseIdentity, ...Object.keys(roles), ...(options.principals ?? [])]) {
    principals.add(arn)
  }
  const iamRoles = new IamState(
    accountId,
    options.managedPolicies ?? {},
    () => clock.now(),
    (arn) => principals.idOf(arn),
  )
  const iam = new IamEvaluator(
    options.basePolicies,
    roles,
    options.enforceSessionPolicies ?? true,
    iamRoles,
  )
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 43_200
  const foreign = new ForeignIdentities(accountId, principals, () => clock.now())
  const dataPlane = await EcrDataPlane.start({
    state: ecr,
    sessions,
    tokens: tokensByPassword,
    clock,
    iam,
    foreign,
  })

  const route = (request: FakeRequest): FakeResponse | Promise<FakeResponse> => {
    const { accessKeyId, region } = signerOf(request.headers)
    const session = sessions.find(accessKeyId)
    const operation = operationOf(request)
    const foreignCaller = foreign.find(accessKeyId)
    if (foreignCaller !== undefined && serviceOf(request.headers) !== 'ecr') {
      // Its own account's STS and IAM are not modelled (see ForeignIdentities).
      return xmlError(
        'AccessDenied',
        `[aws-fake] ${foreignCaller.arns[0]} is of account ${foreignCaller.accountId}, which the fake does not model: it may only call ECR's GetAuthorizationToken`,
        403,
      )
    }
    if (serviceOf(request.headers) === 'iam') {
      const ctx = { state: iamRoles, principals, accessKeyId, session, iam, clock, pageLimit }
      return routeIam(ctx, operation, formOf(request))
    }
    if (isStsRequest(request)) {
      const sts = {
        accountId,
        sessions,
        accessKeyId,
        session,
        roles,
        assumed,
        clock,
        iam,
        iamRoles,
      }
      return routeSts(sts, operation, formOf(request))
    }
    return routeEcr(
      {
        state: ecr,
        region,
        accessKeyId,
        session,
        foreign: foreignCaller,
        iam,
        tokenLifetimeSeconds,
        tokens,
        tokensByPassword,
        clock,
        principals,
        dataPlane,
        pageLimit: ecrPageLimit,
      },
      operation,
      request.body,
    )
  }
  const server = await startFakeServer({ name: 'aws-fake', operationOf, route }).catch(
    async (err: unknown) => {
      await dataPlane.close()
      throw err
    },
  )
  const close = async (): Promise<void> => {
    ecr.close()
    await Promise.all([server.close(), dataPlane.close()])
  }

  return {
    ...server,
    accountId,
    providerOptions: (region = DEFAULT_REGION) => ({
      region,
      registryEndpoint: dataPlane.url,
      clientConfig: {
        endpoint: server.url,
        stsEndpoint: server.url,
        credentials: { ...BASE_CREDENTIALS },
        maxAttempts: 1,
      },
    }),
    clientConfig: (region = DEFAULT_REGION) => ({
      endpoint: server.url,
      region,
      credentials: { ...BASE_CREDENTIALS },
      maxAttempts: 1,
    }),
    seedRepository: (region, name) => seedRepository(ecr, region, name),
    seedPolicy: (region, name, text) => seedPolicy(ecr, region, name, text),
    seedReplicationRules: (region, rules) => ecr.setRules(region, rules),
    getRepository: (region, name) => ecr.repository(region, name),
    getRepositoryNames: (region) => ecr.repositories(region).map((r) => r.repositoryName),
    getPolicy: (region, name) => ecr.policy(region, name),
    getReplicationRules: (region) => ecr.rules(region),
    assumedRoles: assumed,
    authorizationTokens: tokens,
    dataPlane: { registry: dataPlane.host, tls: false },
    now: () => clock.now(),
    advanceClock: (seconds) => clock.advance(seconds),
    seedPrincipal: (arn, seed) => principals.add(arn, seed?.appearsAfterSeconds),
    foreignCredentials: (identity) => foreign.issue(identity).credentials,
    lambdaPullCredentials: (functionArn, creator = {}) => {
      const { accountId } = functionArnParts(functionArn)
      const { roleArn } = creator
      const identity = foreign.issue(roleArn === undefined ? { accountId } : { accountId, roleArn })
      const pull = lambdaPull(functionArn, identity.caller)
      const { password } = keepNewToken(tokensByPassword, {
        accessKeyId: LAMBDA_SERVICE,
        roleArn: undefined,
        region: pull.region,
        expiresAt: new Date(clock.now() + tokenLifetimeSeconds * 1000),
        lambda: pull,
      })
      return { registry: dataPlane.host, username: 'AWS', password }
    },
    getRole: (name) => {
      const role = iamRoles.role(name)
      return role === undefined ? undefined : roleView(role)
    },
    getRoleNames: () => iamRoles.roles().map((role) => role.roleName),
    inject: namedFaultInjector<AwsFaultKind>(server, awsErrorPlane),
    regionOf: (request) => signerOf(request.headers).region,
    reset() {
      server.reset()
      assumed.length = 0
      tokens.length = 0
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}

// --- Internal ---

function seedRepository(ecr: EcrState, region: string, name: string): FakeRepository {
  if (!EcrState.isValidName(name)) {
    throw new TypeError(`[aws-fake] ECR refuses the repository name ${JSON.stringify(name)}`)
  }
  return ecr.create(region, name) ?? (ecr.repository(region, name) as FakeRepository)
}

function roleView(role: FakeIamRole): FakeRole {
  return {
    roleName: role.roleName,
    arn: role.arn,
    path: role.path,
    assumeRolePolicyDocument: role.assumeRolePolicyDocument,
    maxSessionDuration: role.maxSessionDuration,
    permissionsBoundaryArn: role.permissionsBoundaryArn,
    tags: Object.fromEntries(role.tags),
    inlinePolicies: Object.fromEntries(role.inlinePolicies),
    attachedPolicies: [...role.attachedPolicies],
  }
}

function seedPolicy(
  ecr: EcrState,
  region: string,
  name: string,
  policyText: string | undefined,
): void {
  if (ecr.repository(region, name) === undefined) {
    throw new TypeError(`[aws-fake] no repository ${name} in ${region}: seed it first`)
  }
  ecr.setPolicy(region, name, policyText)
}

/**
 * The seeded roles, checked: a `maxSessionDurationSeconds` must be one IAM lets a role have (3600
 * to 43200), or the fake would grant or refuse sessions STS never would.
 */
function checkRoles(
  roles: Readonly<Record<string, FakeRoleOptions>>,
): Readonly<Record<string, FakeRoleOptions>> {
  for (const [arn, role] of Object.entries(roles)) {
    const max = role.maxSessionDurationSeconds
    if (max !== undefined && !(Number.isInteger(max) && max >= 3600 && max <= 43_200)) {
      throw new TypeError(
        `[aws-fake] roles[${JSON.stringify(arn)}].maxSessionDurationSeconds must be a whole number from 3600 to 43200 (IAM's MaxSessionDuration), got ${max}`,
      )
    }
  }
  return roles
}

/** A page-limit option, checked: a whole number of at least 1, or not given. */
function checkPageLimit(option: string, limit: number | undefined): number | undefined {
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
    throw new TypeError(`[aws-fake] ${option} must be a whole number of at least 1`)
  }
  return limit
}
