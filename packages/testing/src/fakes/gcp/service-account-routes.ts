import type { Route } from './routes.js'
import {
  createServiceAccount,
  deleteServiceAccount,
  getServiceAccount,
  listServiceAccounts,
  withServiceAccountPolicy,
} from './service-accounts.js'

const SERVICE_ACCOUNT = String.raw`projects\/[^/]+\/serviceAccounts\/[^/:]+`
const re = (source: string): RegExp => new RegExp(`^${source}$`)
const IAM = 'iam.serviceAccounts'

/**
 * @internal IAM v1 `projects.serviceAccounts`: create, list, get and delete accounts, and read and
 * write its own IAM policy (who may act as it). Each needs its `iam.serviceAccounts.*`
 * permission, on the project to create, on the account otherwise.
 */
export const SERVICE_ACCOUNT_ROUTES: readonly Route[] = [
  {
    operation: 'createServiceAccount',
    method: 'POST',
    path: re(String.raw`(projects\/[^/]+)\/serviceAccounts`),
    permission: `${IAM}.create`,
    scope: 'project',
    handle: (c) =>
      createServiceAccount(
        c.state.identities,
        (c.params[0] ?? '').slice('projects/'.length),
        c.body,
      ),
  },
  {
    operation: 'listServiceAccounts',
    method: 'GET',
    path: re(String.raw`(projects\/[^/]+)\/serviceAccounts`),
    permission: `${IAM}.list`,
    scope: 'project',
    handle: (c) =>
      listServiceAccounts(
        c.state.identities,
        (c.params[0] ?? '').slice('projects/'.length),
        c.query,
        c.state.pageLimit,
      ),
  },
  {
    operation: 'getServiceAccount',
    method: 'GET',
    path: re(`(${SERVICE_ACCOUNT})`),
    permission: `${IAM}.get`,
    handle: (c) => getServiceAccount(c.state.identities, c.params[0] ?? ''),
  },
  {
    operation: 'deleteServiceAccount',
    method: 'DELETE',
    path: re(`(${SERVICE_ACCOUNT})`),
    permission: `${IAM}.delete`,
    handle: (c) => deleteServiceAccount(c.state.identities, c.state.iam, c.params[0] ?? ''),
  },
  {
    operation: 'getServiceAccountIamPolicy',
    method: 'POST',
    path: re(`(${SERVICE_ACCOUNT}):getIamPolicy`),
    permission: `${IAM}.getIamPolicy`,
    handle: (c) =>
      withServiceAccountPolicy(c.state.identities, c.params[0] ?? '', `${IAM}.getIamPolicy`, (r) =>
        c.state.iam.read(r, c.query.get('options.requestedPolicyVersion')),
      ),
  },
  {
    operation: 'setServiceAccountIamPolicy',
    method: 'POST',
    path: re(`(${SERVICE_ACCOUNT}):setIamPolicy`),
    permission: `${IAM}.setIamPolicy`,
    handle: (c) =>
      withServiceAccountPolicy(c.state.identities, c.params[0] ?? '', `${IAM}.setIamPolicy`, (r) =>
        c.state.iam.write(r, c.body),
      ),
  },
]
