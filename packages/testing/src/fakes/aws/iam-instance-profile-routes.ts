import type { FakeResponse } from '../fake-server.js'
import type { FakeInstanceProfile } from './iam-instance-profiles.js'
import { isAnswer, nameParameter, pathParameter } from './iam-params.js'
import { refused } from './iam-refusal.js'
import type { IamContext } from './iam-routes.js'
import { iamError, iamOk, roleFieldsXml } from './iam-wire.js'
import { escapeXml } from './wire.js'

/**
 * IAM's instance profile actions that let a test put a role into one, as EC2 users do:
 * `CreateInstanceProfile`, `AddRoleToInstanceProfile` (one role a profile, and `iam:PassRole`
 * on the role) and `RemoveRoleFromInstanceProfile`, authorized on the profile's ARN.
 */
export const INSTANCE_PROFILE_HANDLERS: Readonly<
  Record<string, (ctx: IamContext, form: URLSearchParams) => FakeResponse>
> = {
  CreateInstanceProfile: (ctx, form) => {
    const name = nameParameter(form, 'InstanceProfileName', 128)
    if (isAnswer(name)) return name
    const path = pathParameter(form)
    if (isAnswer(path)) return path
    const denied = refused(
      ctx,
      'iam:CreateInstanceProfile',
      ctx.state.instanceProfiles.arn(path, name),
    )
    if (denied !== undefined) return denied
    const profile = ctx.state.instanceProfiles.create(name, path)
    if (profile === undefined) {
      return iamError('EntityAlreadyExists', `Instance Profile ${name} already exists.`, 409)
    }
    return iamOk(
      'CreateInstanceProfile',
      `<InstanceProfile>${instanceProfileXml(ctx, profile)}</InstanceProfile>`,
    )
  },
  AddRoleToInstanceProfile: (ctx, form) =>
    withProfileAndRole(ctx, 'AddRoleToInstanceProfile', form, (profile, roleName) => {
      if (profile.roleName !== undefined) {
        return iamError(
          'LimitExceeded',
          'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1',
          409,
        )
      }
      profile.roleName = roleName
      return iamOk('AddRoleToInstanceProfile')
    }),
  RemoveRoleFromInstanceProfile: (ctx, form) =>
    withProfileAndRole(ctx, 'RemoveRoleFromInstanceProfile', form, (profile, roleName) => {
      if (profile.roleName?.toLowerCase() !== roleName.toLowerCase()) {
        return iamError(
          'NoSuchEntity',
          `The role with name ${roleName} cannot be found in instance profile ${profile.name}.`,
          404,
        )
      }
      profile.roleName = undefined
      return iamOk('RemoveRoleFromInstanceProfile')
    }),
}

/** The fields of an `<InstanceProfile>` element, its role (when it holds one) among `<Roles>`. */
export function instanceProfileXml(ctx: IamContext, profile: FakeInstanceProfile): string {
  const role = profile.roleName === undefined ? undefined : ctx.state.role(profile.roleName)
  const roles = role === undefined ? '' : `<member>${roleFieldsXml(role, true)}</member>`
  return (
    `<Path>${escapeXml(profile.path)}</Path>` +
    `<InstanceProfileName>${escapeXml(profile.name)}</InstanceProfileName>` +
    `<InstanceProfileId>${profile.id}</InstanceProfileId><Arn>${escapeXml(profile.arn)}</Arn>` +
    `<CreateDate>${profile.createDate.toISOString()}</CreateDate><Roles>${roles}</Roles>`
  )
}

// --- Internal ---

/**
 * Run `then` once both names are valid, the caller may act on the profile (and pass the role,
 * when adding it), and both exist.
 */
function withProfileAndRole(
  ctx: IamContext,
  action: 'AddRoleToInstanceProfile' | 'RemoveRoleFromInstanceProfile',
  form: URLSearchParams,
  then: (profile: FakeInstanceProfile, roleName: string) => FakeResponse,
): FakeResponse {
  const name = nameParameter(form, 'InstanceProfileName', 128)
  if (isAnswer(name)) return name
  const roleName = nameParameter(form, 'RoleName', 64)
  if (isAnswer(roleName)) return roleName
  const profile = ctx.state.instanceProfiles.get(name)
  const role = ctx.state.role(roleName)
  const denied =
    refused(ctx, `iam:${action}`, profile?.arn ?? ctx.state.instanceProfiles.arn('/', name)) ??
    (action === 'AddRoleToInstanceProfile'
      ? refused(ctx, 'iam:PassRole', role?.arn ?? ctx.state.roleArn('/', roleName))
      : undefined)
  if (denied !== undefined) return denied
  if (profile === undefined) {
    return iamError('NoSuchEntity', `Instance Profile ${name} cannot be found.`, 404)
  }
  if (role === undefined) {
    return iamError('NoSuchEntity', `The role with name ${roleName} cannot be found.`, 404)
  }
  return then(profile, role.roleName)
}
