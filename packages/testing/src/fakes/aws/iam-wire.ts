import type { FakeResponse } from '../fake-server.js'
import type { FakeIamRole } from './iam-state.js'
import { escapeXml, xmlError, xmlOk } from './wire.js'

const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/'

/** An IAM (awsQuery) success answer. */
export function iamOk(action: string, resultXml = ''): FakeResponse {
  return xmlOk(action, resultXml, IAM_NAMESPACE)
}

/** An IAM (awsQuery) error answer; IAM sends 404 for `NoSuchEntity`, 409 for conflicts. */
export function iamError(code: string, message: string, status: number): FakeResponse {
  return xmlError(code, message, status, IAM_NAMESPACE)
}

/**
 * A `<Role>` element as `CreateRole` and `GetRole` answer it. IAM returns policy documents
 * URL-encoded (RFC 3986), and the SDK hands them on as they came.
 */
export function roleXml(role: FakeIamRole): string {
  return `<Role>${roleFieldsXml(role, false)}</Role>`
}

/**
 * The fields of a role's element; `listed`: as `ListRoles` answers each `<member>`, which IAM
 * documents returns without permissions boundary and tags.
 */
export function roleFieldsXml(role: FakeIamRole, listed: boolean): string {
  const boundary =
    listed || role.permissionsBoundaryArn === undefined
      ? ''
      : `<PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType>` +
        `<PermissionsBoundaryArn>${escapeXml(role.permissionsBoundaryArn)}</PermissionsBoundaryArn></PermissionsBoundary>`
  const description =
    role.description === undefined
      ? ''
      : `<Description>${escapeXml(role.description)}</Description>`
  const tags = listed || role.tags.size === 0 ? '' : `<Tags>${tagsXml(role.tags)}</Tags>`
  return (
    `<Path>${escapeXml(role.path)}</Path><RoleName>${escapeXml(role.roleName)}</RoleName>` +
    `<RoleId>${role.roleId}</RoleId><Arn>${escapeXml(role.arn)}</Arn>` +
    `<CreateDate>${role.createDate.toISOString()}</CreateDate>` +
    `<AssumeRolePolicyDocument>${urlEncoded(role.assumeRolePolicyDocument)}</AssumeRolePolicyDocument>` +
    `${description}<MaxSessionDuration>${role.maxSessionDuration}</MaxSessionDuration>` +
    `${boundary}${tags}`
  )
}

/** `<member><Key/><Value/></member>` for each tag. */
export function tagsXml(tags: ReadonlyMap<string, string>): string {
  return [...tags]
    .map(([k, v]) => `<member><Key>${escapeXml(k)}</Key><Value>${escapeXml(v)}</Value></member>`)
    .join('')
}

/** A policy document as IAM returns it: URL-encoded, then escaped for XML. */
export function urlEncoded(document: string): string {
  return escapeXml(encodeURIComponent(document))
}
