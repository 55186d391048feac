import { type FakeServer, type InjectedAnswer, startFakeServer } from '../fake-server.js'
import { type FaultKind, type FaultOptions, namedFaultInjector } from '../faults.js'
import { AccessTokens, CLOUD_PLATFORM_SCOPE } from './access-tokens.js'
import { GcpClock } from './clock.js'
import { GarDataPlane, type GcpFakeDataPlane } from './data-plane.js'
import { gcpErrorPlane } from './faults.js'
import { type FakeGarRepositoryRef, GarStore } from './gar-store.js'
import type { IssuedAccessToken } from './iam-credentials.js'
import { type FakeIamPolicy, IamPolicyStore } from './iam-policy-store.js'
import { type FakeServiceAccount, Identities, serviceAccountResource } from './identities.js'
import { newOAuthCaller } from './oauth-token.js'
import { type PolicyMemberRules, refusedPolicyWrite } from './policy-members.js'
import { type GcpFakeProviderOptions, gcpProviderOptions } from './provider-options.js'
import { Roles } from './roles.js'
import { dispatch, type GcpFakeState, operationOf } from './routes.js'

/** Options of {@link startGcpFake}. */
export interface GcpFakeOptions {
  /** GAR repositories that exist from the start. @default [] */
  repositories?: readonly FakeGarRepositoryRef[]
  /**
   * Service accounts that exist from the start. An email alone is an account the fake's caller
   * may impersonate (it holds `roles/iam.serviceAccountTokenCreator` on it, as provisioning gives
   * the identity that runs the provider); `{ email, tokenCreators }` says exactly who may. IAM
   * refuses to name any other service account in a policy, and `generateAccessToken` for one is
   * refused. A project's Cloud Run service agent is a service account too: see
   * {@link cloudRunServiceAgent}. @default []
   */
  serviceAccounts?: readonly (string | FakeServiceAccount)[]
  /** Users and groups that exist (`user:{email}`, `group:{email}`). @default [] */
  principals?: readonly string[]
  /**
   * The IAM member of the identity `providerOptions()` signs in as. It holds every permission, as
   * a project owner does. @default "user:developer@example.com"
   */
  caller?: string
  /**
   * Custom roles, by name (`projects/{project}/roles/{id}`), with exactly these permissions.
   * Predefined roles need no declaring; the fake knows what `roles/artifactregistry.reader`,
   * `writer`, `repoAdmin` and `admin` grant.
   */
  customRoles?: Readonly<Record<string, readonly string[]>>
  /**
   * Domain-restricted sharing (the organisation policy `iam.allowedPolicyMemberDomains`): a
   * policy write adding a member whose email domain is not listed (a `domain:` member by its
   * value; `allUsers` never) fails with 400 `FAILED_PRECONDITION`, "… do not belong to a
   * permitted customer". The fake stands customers in for email domains. @default no restriction
   */
  allowedMemberDomains?: readonly string[]
  /**
   * IAM's eventual consistency: how many policy writes naming a service account created through
   * the API (`serviceAccounts.create`) still refuse it, 400 `INVALID_ARGUMENT` "Service account …
   * does not exist.", before it is known everywhere. @default 0
   */
  unpropagatedWrites?: number
  /**
   * How many `operations.get` polls a long-running operation takes before it is done; `0`
   * answers `done: true` at once. @default 0
   */
  lroPolls?: number
  /**
   * The most items one page of `listPackages` or `serviceAccounts.list` holds. Google's list
   * methods may answer fewer items than `pageSize` asks for, with a `nextPageToken` until the last
   * page, so a small limit checks that a caller reads every page. @default `pageSize` (at most
   * GAR's 1000, IAM's 100)
   */
  pageLimit?: number
  /**
   * Serve HTTPS with this key and certificate (PEM) instead of HTTP, on the API and on the data
   * plane alike.
   */
  tls?: { key: string; cert: string }
}

/**
 * A running GCP fake: Artifact Registry v1 (repositories, packages, operations, IAM policies),
 * IAM v1 service accounts (create, get, delete, and their own IAM policies) and IAM Credentials
 * v1 (`generateAccessToken`) over REST on 127.0.0.1, with state you can
 * arrange and inspect, a request log and fault injection, plus the OAuth 2.0 token endpoint that
 * issues the caller's own access tokens, and a data plane: a Docker registry where the
 * impersonated tokens log in as GAR's do. Operation names for `inject` and `requestsFor`:
 * `getRepository`, `createRepository`, `updateRepository`, `listRepositories`,
 * `deleteRepository`, `getPackage`, `listPackages`, `deletePackage`, `getOperation`,
 * `getIamPolicy`, `setIamPolicy`, `testIamPermissions`, `createServiceAccount`, `getServiceAccount`, `deleteServiceAccount`,
 * `getServiceAccountIamPolicy`, `setServiceAccountIamPolicy`, `generateAccessToken`, `oauthToken`.
 */
export interface GcpFake extends FakeServer {
  /** Host to pass as the SDK's `apiEndpoint` (with `port` and `protocol: 'http'`). */
  readonly host: string
  /**
   * The registry that stands in for `{location}-docker.pkg.dev`, where image paths are
   * `{project}/{repository}/{image}`. A client logs in as `oauth2accesstoken` with an access
   * token the fake issued; each request needs, on the GAR repository, `downloadArtifacts` (pull),
   * `uploadArtifacts` (push) or `deleteArtifacts` (delete), through the token holder's roles in
   * the repository's IAM policy, and a scope the token was minted with that allows it (a
   * read-only one only pulls); it is refused once the token expired on the fake's clock.
   */
  readonly dataPlane: GcpFakeDataPlane
  /** The IAM member of the caller (`providerOptions()`'s identity), e.g. `user:developer@example.com`. */
  readonly caller: string
  /** Every access token issued by `generateAccessToken`, oldest first (`reset()` clears it). */
  readonly tokens: readonly IssuedAccessToken[]
  /**
   * Access tokens the token endpoint issued to the caller of {@link providerOptions}, oldest
   * first (`reset()` clears it).
   */
  readonly callerTokens: readonly string[]
  /**
   * Options of `gcp()` (from `@artifact-registry/provider-gcp`) that point the provider at this
   * fake and nowhere else: the caller's identity (its tokens come from the fake), the Artifact
   * Registry API, the IAM Credentials API and the data plane. Spread it last: `await gcp({
   * projectId, location, repository, ...fake.providerOptions() })`. Each call makes a new auth
   * client.
   */
  providerOptions(): GcpFakeProviderOptions
  /** The fake's time in milliseconds since the epoch: the machine's, plus every `advanceClock`. */
  now(): number
  /**
   * Move the fake's time forward: impersonated access tokens whose `expireTime` it passes are
   * refused from then on, by the data plane and by the APIs. The caller's own tokens follow the
   * machine's clock, as the auth client that renews them does.
   * @throws TypeError unless `seconds` is a finite number ≥ 0.
   */
  advanceClock(seconds: number): void
  /**
   * Create a GAR repository directly (Docker format), as another tool would; returns its resource
   * name, `projects/{project}/locations/{location}/repositories/{repository}`. A `mode` of
   * `REMOTE_REPOSITORY` or `VIRTUAL_REPOSITORY` makes it read-only, as GAR's are: the data plane
   * refuses every push to it.
   * @throws TypeError for a repository id GAR refuses.
   */
  seedRepository(ref: FakeGarRepositoryRef): string
  /**
   * Create a service account (see {@link GcpFakeOptions.serviceAccounts}).
   * @throws TypeError for an email IAM would refuse.
   */
  seedServiceAccount(account: string | FakeServiceAccount): void
  /**
   * Delete a service account, as `gcloud iam service-accounts delete` does: bindings naming it
   * turn into `deleted:serviceAccount:{email}?uid={uid}`, a policy write naming it again is
   * refused with 400 `INVALID_ARGUMENT`, and the access tokens minted for it are refused (401),
   * also once an account is created again under its email: that one is a separate identity.
   * @throws TypeError when it does not exist.
   */
  deleteServiceAccount(email: string): void
  /**
   * An OAuth access token of a service account, as its own environment hands it out (a metadata
   * server, a key of its own): `cloud-platform` scope, an hour on the fake's clock. It is how a
   * grantee of another project pulls with `oauth2accesstoken`; the data plane decides its requests
   * as any other token's, by the roles its account holds at that moment.
   * @throws TypeError when no such service account exists.
   */
  serviceAccountToken(email: string): { token: string; expiresAt: Date }
  /**
   * Make a user or group exist (`user:{email}`, `group:{email}`).
   * @throws TypeError for any other kind of member.
   */
  seedPrincipal(member: string): void
  /**
   * Create the package of an image path as a first `docker push` would; returns its name. (A
   * push to the data plane does this too.)
   * @throws TypeError when the repository does not exist.
   */
  seedImage(repository: string, imagePath: string): string
  /**
   * Replace the IAM policy of a repository, of a service account
   * (`projects/{project}/serviceAccounts/{email}`, `-` for any project) or of a project
   * (`projects/{project}`: what it grants, its repositories and service accounts inherit)
   * directly, as a concurrent writer would (a new etag); returns what is stored. Its members are
   * not checked.
   * @throws TypeError when the repository or service account does not exist.
   */
  seedPolicy(resource: string, policy: Omit<FakeIamPolicy, 'etag'>): FakeIamPolicy
  /** Image paths that have a package in the repository. */
  getImagePaths(repository: string): string[]
  /** The resource names of every GAR repository, oldest first. */
  getRepositories(): string[]
  /** The email of every service account (lower case), oldest first. */
  getServiceAccounts(): string[]
  /** The stored IAM policy of a project, repository or service account, as version 3 with conditions. */
  getPolicy(resource: string): FakeIamPolicy
  /**
   * Answer the next `options.times` requests of `operation` with a named fault in Google's error
   * shape (the OAuth one for `oauthToken`), or with a response of your own; or run `{ before }`
   * first, e.g. a concurrent writer changing the policy between a client's read and its write.
   * @throws TypeError for a fault name the fake does not know.
   */
  inject(operation: string, fault: FaultKind | InjectedAnswer, options?: FaultOptions): void
  /**
   * Forget injected faults, the request log and the lists `tokens` and `callerTokens`; state
   * stays, issued tokens stay valid.
   */
  reset(): void
}

/**
 * Start the GCP fake on a free port of 127.0.0.1, and its data plane on another.
 *
 * @example
 * ```ts
 * await using fake = await startGcpFake({
 *   repositories: [{ project: 'acme', location: 'us-central1', repository: 'images' }],
 *   serviceAccounts: ['puller@acme.iam.gserviceaccount.com'],
 * })
 * await using registry = await gcp({
 *   projectId: 'acme', location: 'us-central1', repository: 'images',
 *   pullServiceAccount: 'puller@acme.iam.gserviceaccount.com',
 *   ...fake.providerOptions(),
 * })
 * ```
 */
export async function startGcpFake(options: GcpFakeOptions = {}): Promise<GcpFake> {
  const clock = new GcpClock()
  const roles = new Roles()
  for (const [name, permissions] of Object.entries(options.customRoles ?? {})) {
    roles.addCustomRole(name, permissions)
  }
  // Policies check their members against the identities, which keep their own policies here.
  const iam: IamPolicyStore = new IamPolicyStore((resource, current, bindings) =>
    refusedPolicyWrite(resource, current, bindings, rules),
  )
  const identities = new Identities(
    options.caller ?? 'user:developer@example.com',
    iam,
    roles,
    options.unpropagatedWrites ?? 0,
  )
  const rules: PolicyMemberRules = {
    identities,
    roles,
    allowedMemberDomains: options.allowedMemberDomains,
  }
  for (const account of options.serviceAccounts ?? []) identities.addServiceAccount(account)
  for (const member of options.principals ?? []) identities.addPrincipal(member)
  const pageLimit = options.pageLimit
  if (pageLimit !== undefined && !(Number.isInteger(pageLimit) && pageLimit >= 1)) {
    throw new TypeError('[gcp-fake] pageLimit must be a whole number of at least 1')
  }
  const gar = new GarStore(options.lroPolls ?? 0, clock, pageLimit)
  for (const ref of options.repositories ?? []) gar.seed(ref)
  const accessTokens = new AccessTokens(clock, (email) => identities.uidOf(email))
  const dataPlane = await GarDataPlane.start(
    { gar, iam, roles, accessTokens, caller: identities.caller },
    options.tls,
  )
  const state: GcpFakeState = {
    gar,
    iam,
    roles,
    identities,
    accessTokens,
    tokens: [],
    caller: newOAuthCaller(identities.caller),
    dataPlane,
    pageLimit,
  }
  let server: FakeServer
  try {
    server = await startFakeServer({
      name: 'gcp-fake',
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      operationOf,
      route: (request) => dispatch(request, state),
    })
  } catch (err) {
    await dataPlane.close()
    throw err
  }
  const close = async (): Promise<void> => {
    await Promise.all([server.close(), dataPlane.close()])
  }
  return {
    ...server,
    close,
    [Symbol.asyncDispose]: close,
    host: '127.0.0.1',
    dataPlane: {
      registry: dataPlane.host,
      tls: options.tls !== undefined,
      ...(options.tls === undefined ? {} : { caCertificate: options.tls.cert }),
    },
    caller: identities.caller,
    tokens: state.tokens,
    callerTokens: state.caller.issued,
    providerOptions: () => gcpProviderOptions(server.url, dataPlane.url, state.caller),
    now: () => clock.now(),
    advanceClock: (seconds) => clock.advance(seconds),
    seedRepository: (ref) => gar.seed(ref),
    seedServiceAccount: (account) => identities.addServiceAccount(account),
    deleteServiceAccount: (email) => {
      const deleted = identities.deleteServiceAccount(email)
      iam.replaceMember(`serviceAccount:${email.toLowerCase()}`, deleted)
    },
    seedPrincipal: (member) => identities.addPrincipal(member),
    serviceAccountToken: (email) => {
      if (identities.uidOf(email) === undefined) {
        throw new TypeError(`[gcp-fake] no service account ${email}: seed it first`)
      }
      const issued = accessTokens.issueToServiceAccount(email, 3600, [CLOUD_PLATFORM_SCOPE])
      return { token: issued.token, expiresAt: new Date(issued.expiresAtMs) }
    },
    seedImage: (repository, imagePath) => gar.push(repository, imagePath),
    seedPolicy: (resource, policy) => {
      const stored = policyResourceOf(resource, gar, identities)
      if (stored === undefined) {
        const what = resource.includes('/serviceAccounts/') ? 'service account' : 'repository'
        throw new TypeError(`[gcp-fake] no ${what} ${resource}: seed it first`)
      }
      return iam.put(stored, policy)
    },
    getImagePaths: (repository) => gar.imagePaths(repository),
    getRepositories: () => gar.repositoryNames(),
    getServiceAccounts: () => identities.serviceAccounts().map((a) => a.email),
    getPolicy: (resource) => iam.get(policyResourceOf(resource, gar, identities) ?? resource),
    inject: namedFaultInjector<FaultKind>(server, gcpErrorPlane),
    reset() {
      server.reset()
      state.tokens.length = 0
      state.caller.issued.length = 0
    },
  }
}

// --- Internal ---

// A project's resource name: the fake has every project there could be.
const PROJECT = /^projects\/[a-z][-a-z0-9]{4,28}[a-z0-9]$/

/**
 * Where the policy of a project, repository or service account resource name is kept, if it
 * exists.
 */
function policyResourceOf(
  resource: string,
  gar: GarStore,
  identities: Identities,
): string | undefined {
  if (gar.has(resource) || PROJECT.test(resource)) return resource
  const account = identities.resolveServiceAccount(resource)
  return account && serviceAccountResource(account)
}
