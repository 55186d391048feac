import type { FakeResponse } from '../fake-server.js'
import type { FakeClock } from './clock.js'
import {
  documentProblem,
  type PolicyDocumentKind,
  quotaLength,
  ROLE_INLINE_POLICIES_QUOTA,
  TRUST_POLICY_QUOTA,
} from './iam-documents.js'
import type { IamEvaluator } from './iam-evaluator.js'
import { INSTANCE_PROFILE_HANDLERS, instanceProfileXml } from './iam-instance-profile-routes.js'
import { iamPage } from './iam-pages.js'
import {
  documentParameter,
  exceedsTagLimit,
  findTagKey,
  invalidParameter,
  isAnswer,
  maxSessionParameter,
  nameParameter,
  pathParameter,
  pathPrefixParameter,
  tagsParameter,
  tooManyTags,
} from './iam-params.js'
import { refused } from './iam-refusal.js'
import type { FakeIamRole, IamState } from './iam-state.js'
import { iamError, iamOk, roleFieldsXml, roleXml, urlEncoded } from './iam-wire.js'
import type { PrincipalDirectory } from './principals.js'
import {
  EXPIRED_TOKEN_MESSAGE,
  type FakeSession,
  INVALID_TOKEN_MESSAGE,
  sessionCredentialProblem,
} from './sessions.js'
import { escapeXml } from './wire.js'

/** What an IAM operation handler needs besides its parameters. */
export interface IamContext {
  readonly state: IamState
  readonly principals: PrincipalDirectory
  readonly accessKeyId: string
  /** The session that signed the request, when it was an assumed-role session. */
  readonly session: FakeSession | undefined
  /** The caller's own policies: each action must be allowed on the role's ARN. */
  readonly iam: IamEvaluator
  readonly clock: FakeClock
  /** The most items one page of a list action holds (IAM may return fewer than `MaxItems`). */
  readonly pageLimit?: number | undefined
}

/**
 * Answer one IAM (awsQuery) action on roles and their inline policies, with IAM's validation,
 * quotas and error codes. Every action needs the caller's policies to allow `iam:<Action>` on
 * the role's ARN (`CreateRole` with tags also `iam:TagRole`).
 */
export function routeIam(ctx: IamContext, action: string, form: URLSearchParams): FakeResponse {
  const problem = sessionCredentialProblem(ctx.accessKeyId, ctx.session, ctx.clock.now())
  if (problem === 'expired') return iamError('ExpiredToken', EXPIRED_TOKEN_MESSAGE, 403)
  if (problem === 'invalid') return iamError('InvalidClientTokenId', INVALID_TOKEN_MESSAGE, 403)
  const accountHandler = ACCOUNT_HANDLERS[action]
  if (accountHandler !== undefined) return accountHandler(ctx, form)
  const handler = HANDLERS[action]
  if (handler === undefined) {
    return iamError('InvalidAction', `The fake does not implement ${action}`, 400)
  }
  const roleName = nameParameter(form, 'RoleName', 64)
  if (isAnswer(roleName)) return roleName
  return handler(ctx, roleName, form)
}

/** The IAM actions the fake answers (their faults are IAM's XML errors). */
export function iamActions(): ReadonlySet<string> {
  return new Set([...Object.keys(ACCOUNT_HANDLERS), ...Object.keys(HANDLERS)])
}

// --- Internal ---

type Handler = (ctx: IamContext, roleName: string, form: URLSearchParams) => FakeResponse

/** IAM caps the managed policies attached to one role (its default quota). */
const ATTACHED_POLICIES_QUOTA = 10

/** Actions on the account's roles as a whole (no `RoleName`); IAM authorizes them on `*`. */
const ACCOUNT_HANDLERS: Readonly<
  Record<string, (ctx: IamContext, form: URLSearchParams) => FakeResponse>
> = {
  ...INSTANCE_PROFILE_HANDLERS,
  ListRoles: (ctx, form) => {
    const denied = refused(ctx, 'iam:ListRoles', '*')
    if (denied !== undefined) return denied
    const prefix = pathPrefixParameter(form)
    if (isAnswer(prefix)) return prefix
    const roles = ctx.state.roles().filter((role) => role.path.startsWith(prefix))
    const page = iamPage(form, roles, ctx.pageLimit)
    if (isAnswer(page)) return page
    const members = page.items.map((role) => `<member>${roleFieldsXml(role, true)}</member>`)
    return iamOk('ListRoles', `<Roles>${members.join('')}</Roles>${page.tailXml}`)
  },
}

const HANDLERS: Readonly<Record<string, Handler>> = {
  CreateRole: createRole,
  GetRole: (ctx, name) => withRole(ctx, 'GetRole', name, (role) => iamOk('GetRole', roleXml(role))),
  DeleteRole: (ctx, name) =>
    withRole(ctx, 'DeleteRole', name, (role) => {
      if (role.inlinePolicies.size > 0) {
        return iamError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409)
      }
      if (role.attachedPolicies.size > 0) {
        return iamError(
          'DeleteConflict',
          'Cannot delete entity, must detach all policies first.',
          409,
        )
      }
      if (ctx.state.instanceProfiles.holding(role.roleName).length > 0) {
        return iamError(
          'DeleteConflict',
          'Cannot delete entity, must remove roles from instance profile first.',
          409,
        )
      }
      ctx.state.delete(role.roleName)
      ctx.principals.remove(role.arn)
      return iamOk('DeleteRole')
    }),
  UpdateAssumeRolePolicy: (ctx, name, form) =>
    withRole(ctx, 'UpdateAssumeRolePolicy', name, (role) => {
      const document = checkedDocument(ctx, form, 'PolicyDocument', 'trust')
      if (isAnswer(document)) return document
      role.assumeRolePolicyDocument = document
      return iamOk('UpdateAssumeRolePolicy')
    }),
  UpdateRole: (ctx, name, form) =>
    withRole(ctx, 'UpdateRole', name, (role) => {
      const seconds = maxSessionParameter(form)
      if (isAnswer(seconds)) return seconds
      if (seconds !== undefined) role.maxSessionDuration = seconds
      const description = form.get('Description')
      if (description !== null) role.description = description
      return iamOk('UpdateRole')
    }),
  PutRolePermissionsBoundary: (ctx, name, form) =>
    withRole(ctx, 'PutRolePermissionsBoundary', name, (role) => {
      const boundary = boundaryParameter(ctx, form.get('PermissionsBoundary') ?? undefined)
      if (isAnswer(boundary)) return boundary
      role.permissionsBoundaryArn = boundary
      return iamOk('PutRolePermissionsBoundary')
    }),
  TagRole: (ctx, name, form) =>
    withRole(ctx, 'TagRole', name, (role) => {
      const tags = tagsParameter(form)
      if (isAnswer(tags)) return tags
      // A key in another case is the same tag (IAM role tag keys ignore case): it replaces it.
      const added = [...tags.keys()].filter((key) => findTagKey(role.tags, key) === undefined)
      if (exceedsTagLimit(role.tags.size + added.length)) return tooManyTags()
      for (const [key, value] of tags) {
        const existing = findTagKey(role.tags, key)
        if (existing !== undefined) role.tags.delete(existing)
        role.tags.set(key, value)
      }
      return iamOk('TagRole')
    }),
  PutRolePolicy: (ctx, name, form) =>
    withRole(ctx, 'PutRolePolicy', name, (role) => {
      const policyName = nameParameter(form, 'PolicyName', 128)
      if (isAnswer(policyName)) return policyName
      const document = checkedDocument(ctx, form, 'PolicyDocument', 'identity')
      if (isAnswer(document)) return document
      const others = [...role.inlinePolicies].filter(([n]) => n !== policyName)
      const total = [document, ...others.map(([, text]) => text)].reduce(
        (sum, text) => sum + quotaLength(text),
        0,
      )
      if (total > ROLE_INLINE_POLICIES_QUOTA) {
        return iamError(
          'LimitExceeded',
          `Maximum policy size of ${ROLE_INLINE_POLICIES_QUOTA} bytes exceeded for role ${role.roleName}`,
          409,
        )
      }
      role.inlinePolicies.set(policyName, document)
      return iamOk('PutRolePolicy')
    }),
  GetRolePolicy: (ctx, name, form) =>
    withInlinePolicy(ctx, 'GetRolePolicy', name, form, (role, policyName, document) =>
      iamOk(
        'GetRolePolicy',
        `<RoleName>${escapeXml(role.roleName)}</RoleName><PolicyName>${escapeXml(policyName)}</PolicyName>` +
          `<PolicyDocument>${urlEncoded(document)}</PolicyDocument>`,
      ),
    ),
  DeleteRolePolicy: (ctx, name, form) =>
    withInlinePolicy(ctx, 'DeleteRolePolicy', name, form, (role, policyName) => {
      role.inlinePolicies.delete(policyName)
      return iamOk('DeleteRolePolicy')
    }),
  ListInstanceProfilesForRole: (ctx, name, form) =>
    withRole(ctx, 'ListInstanceProfilesForRole', name, (role) => {
      const holding = ctx.state.instanceProfiles.holding(role.roleName)
      const page = iamPage(form, holding, ctx.pageLimit)
      if (isAnswer(page)) return page
      const members = page.items.map((p) => `<member>${instanceProfileXml(ctx, p)}</member>`)
      return iamOk(
        'ListInstanceProfilesForRole',
        `<InstanceProfiles>${members.join('')}</InstanceProfiles>${page.tailXml}`,
      )
    }),
  ListRolePolicies: (ctx, name, form) =>
    withRole(ctx, 'ListRolePolicies', name, (role) => {
      const page = iamPage(form, [...role.inlinePolicies.keys()], ctx.pageLimit)
      if (isAnswer(page)) return page
      const members = page.items.map((n) => `<member>${escapeXml(n)}</member>`).join('')
      return iamOk('ListRolePolicies', `<PolicyNames>${members}</PolicyNames>${page.tailXml}`)
    }),
  AttachRolePolicy: (ctx, name, form) =>
    withRole(ctx, 'AttachRolePolicy', name, (role) => {
      const arn = form.get('PolicyArn') ?? undefined
      if (arn === undefined || arn.length < 20 || arn.length > 2048) {
        return invalidParameter('policyArn', arn, 'Member must have length between 20 and 2048')
      }
      if (ctx.state.managedPolicy(arn) === undefined) {
        return iamError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`, 404)
      }
      if (
        !role.attachedPolicies.has(arn) &&
        role.attachedPolicies.size >= ATTACHED_POLICIES_QUOTA
      ) {
        return iamError(
          'LimitExceeded',
          `Cannot exceed quota for PoliciesPerRole: ${ATTACHED_POLICIES_QUOTA}`,
          409,
        )
      }
      role.attachedPolicies.add(arn)
      return iamOk('AttachRolePolicy')
    }),
  ListAttachedRolePolicies: (ctx, name, form) =>
    withRole(ctx, 'ListAttachedRolePolicies', name, (role) => {
      const prefix = pathPrefixParameter(form)
      if (isAnswer(prefix)) return prefix
      const arns = [...role.attachedPolicies].filter((arn) => policyPath(arn).startsWith(prefix))
      const page = iamPage(form, arns, ctx.pageLimit)
      if (isAnswer(page)) return page
      const members = page.items
        .map(
          (arn) =>
            `<member><PolicyName>${escapeXml(arn.split('/').pop() ?? arn)}</PolicyName>` +
            `<PolicyArn>${escapeXml(arn)}</PolicyArn></member>`,
        )
        .join('')
      return iamOk(
        'ListAttachedRolePolicies',
        `<AttachedPolicies>${members}</AttachedPolicies>${page.tailXml}`,
      )
    }),
}

function createRole(ctx: IamContext, roleName: string, form: URLSearchParams): FakeResponse {
  const path = pathParameter(form)
  if (isAnswer(path)) return path
  const arn = ctx.state.roleArn(path, roleName)
  const tags = tagsParameter(form)
  if (isAnswer(tags)) return tags
  // Tagging at creation needs iam:TagRole as well, as IAM documents.
  const denied =
    refused(ctx, 'iam:CreateRole', arn) ??
    (tags.size > 0 ? refused(ctx, 'iam:TagRole', arn) : undefined)
  if (denied !== undefined) return denied
  const document = checkedDocument(ctx, form, 'AssumeRolePolicyDocument', 'trust')
  if (isAnswer(document)) return document
  const seconds = maxSessionParameter(form)
  if (isAnswer(seconds)) return seconds
  const boundaryArn = form.get('PermissionsBoundary') ?? undefined
  const boundary = boundaryArn === undefined ? undefined : boundaryParameter(ctx, boundaryArn)
  if (isAnswer(boundary)) return boundary
  const description = form.get('Description') ?? undefined
  if (description !== undefined && description.length > 1000) {
    return iamError(
      'ValidationError',
      "Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000",
      400,
    )
  }
  const role = ctx.state.create({
    roleName,
    path,
    assumeRolePolicyDocument: document,
    maxSessionDuration: seconds ?? 3600,
    description,
    permissionsBoundaryArn: boundary,
    tags,
  })
  if (role === undefined) {
    return iamError('EntityAlreadyExists', `Role with name ${roleName} already exists.`, 409)
  }
  ctx.principals.add(role.arn, 0, role.roleId)
  return iamOk('CreateRole', roleXml(role))
}

/** Run `then` with the role, once the caller may act on it and it exists. */
function withRole(
  ctx: IamContext,
  action: string,
  roleName: string,
  then: (role: FakeIamRole) => FakeResponse,
): FakeResponse {
  const role = ctx.state.role(roleName)
  // IAM authorizes on the ARN the name would have (the default path when it does not exist).
  const denied = refused(ctx, `iam:${action}`, role?.arn ?? ctx.state.roleArn('/', roleName))
  if (denied !== undefined) return denied
  if (role === undefined) {
    return iamError('NoSuchEntity', `The role with name ${roleName} cannot be found.`, 404)
  }
  return then(role)
}

function withInlinePolicy(
  ctx: IamContext,
  action: string,
  roleName: string,
  form: URLSearchParams,
  then: (role: FakeIamRole, policyName: string, document: string) => FakeResponse,
): FakeResponse {
  return withRole(ctx, action, roleName, (role) => {
    const policyName = nameParameter(form, 'PolicyName', 128)
    if (isAnswer(policyName)) return policyName
    const document = role.inlinePolicies.get(policyName)
    if (document === undefined) {
      return iamError(
        'NoSuchEntity',
        `The role policy with name ${policyName} cannot be found.`,
        404,
      )
    }
    return then(role, policyName, document)
  })
}

function checkedDocument(
  ctx: IamContext,
  form: URLSearchParams,
  param: 'AssumeRolePolicyDocument' | 'PolicyDocument',
  kind: PolicyDocumentKind,
): string | FakeResponse {
  const document = documentParameter(form, param)
  if (isAnswer(document)) return document
  const problem = documentProblem(document, kind, ctx.principals)
  if (problem !== undefined) return problem
  if (kind === 'trust' && quotaLength(document) > TRUST_POLICY_QUOTA) {
    return iamError(
      'LimitExceeded',
      `Cannot exceed quota for ACLSizePerRole: ${TRUST_POLICY_QUOTA}`,
      409,
    )
  }
  return document
}

/** A permissions boundary must be a managed policy that exists. */
function boundaryParameter(ctx: IamContext, arn: string | undefined): string | FakeResponse {
  if (arn === undefined || !/^arn:aws(-cn|-us-gov)?:iam::(\d{12}|aws):policy\//.test(arn)) {
    return iamError('InvalidInput', `ARN ${String(arn)} is not valid.`, 400)
  }
  if (ctx.state.managedPolicy(arn) === undefined) {
    return iamError('NoSuchEntity', `Scope ARN: ${arn} does not exist or is not attachable.`, 404)
  }
  return arn
}

/** The path of a managed policy ARN: `/` or `/a/b/` between `policy` and the name. */
function policyPath(arn: string): string {
  const rest = arn.slice(arn.indexOf(':policy') + ':policy'.length)
  return rest.slice(0, rest.lastIndexOf('/') + 1)
}
