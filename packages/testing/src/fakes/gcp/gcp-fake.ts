import { type FakeServer, type InjectedAnswer, startFakeServer } from '../fake-server.js'
import { type FaultKind, type FaultOptions, namedFaultInjector } from '../faults.js'
import { gcpErrorPlane } from './faults.js'
import { type FakeGarRepositoryRef, GarStore } from './gar-store.js'
import type { IssuedAccessToken } from './iam-credentials.js'
import { type FakeIamPolicy, IamPolicyStore } from './iam-policy-store.js'
import { newOAuthCaller } from './oauth-token.js'
import { type GcpFakeProviderOptions, gcpProviderOptions } from './provider-options.js'
import { dispatch, type GcpFakeState, operationOf } from './routes.js'

/** Options of {@link startGcpFake}. */
export interface GcpFakeOptions {
  /** GAR repositories that exist from the start. @default [] */
  repositories?: readonly FakeGarRepositoryRef[]
  /**
   * How many `operations.get` polls a long-running operation takes before it is done; `0`
   * answers `done: true` at once. @default 0
   */
  lroPolls?: number
  /** Serve HTTPS with this key and certificate (PEM) instead of HTTP. */
  tls?: { key: string; cert: string }
}

/**
 * A running GCP fake: Artifact Registry v1 (repositories, packages, operations, IAM policies)
 * and IAM Credentials v1 (`generateAccessToken`) over REST on 127.0.0.1, with state you can
 * arrange and inspect, a request log and fault injection, plus the OAuth 2.0 token endpoint that
 * issues the caller's own access tokens. Operation names for `inject` and `requestsFor`: `getRepository`, `createRepository`, `listRepositories`, `deleteRepository`,
 * `getPackage`, `listPackages`, `deletePackage`, `getOperation`, `getIamPolicy`,
 * `setIamPolicy`, `testIamPermissions`, `generateAccessToken`, `oauthToken`.
 */
export interface GcpFake extends FakeServer {
  /** Host to pass as the SDK's `apiEndpoint` (with `port` and `protocol: 'http'`). */
  readonly host: string
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
   * Registry API and the IAM Credentials API. Spread it last: `await gcp({ projectId, location,
   * repository, ...fake.providerOptions() })`. Each call makes a new auth client.
   */
  providerOptions(): GcpFakeProviderOptions
  /**
   * Create a GAR repository directly (Docker format), as another tool would; returns its resource
   * name, `projects/{project}/locations/{location}/repositories/{repository}`.
   * @throws TypeError for a repository id GAR refuses.
   */
  seedRepository(ref: FakeGarRepositoryRef): string
  /**
   * Create the package of an image path as a first `docker push` would; returns its name.
   * @throws TypeError when the repository does not exist.
   */
  seedImage(repository: string, imagePath: string): string
  /**
   * Replace a repository's IAM policy directly, as a concurrent writer would (a new etag);
   * returns what is stored.
   * @throws TypeError when the repository does not exist.
   */
  seedPolicy(resource: string, policy: Omit<FakeIamPolicy, 'etag'>): FakeIamPolicy
  /** Image paths that have a package in the repository. */
  getImagePaths(repository: string): string[]
  /** The stored IAM policy of a repository, as version 3 with conditions. */
  getPolicy(resource: string): FakeIamPolicy
  /**
   * Answer the next `options.times` requests of `operation` with a named fault in Google's error
   * shape (the OAuth one for `oauthToken`), or with a response of your own; or run `{ before }`
   * first, e.g. a concurrent writer changing the policy between a client's read and its write.
   * @throws TypeError for a fault name the fake does not know.
   */
  inject(operation: string, fault: FaultKind | InjectedAnswer, options?: FaultOptions): void
  /** Forget injected faults, the request log and issued tokens; state stays. */
  reset(): void
}

/**
 * Start the GCP fake on a free port of 127.0.0.1.
 *
 * @example
 * ```ts
 * await using fake = await startGcpFake({
 *   repositories: [{ project: 'acme', location: 'us-central1', repository: 'images' }],
 * })
 * await using registry = await gcp({
 *   projectId: 'acme', location: 'us-central1', repository: 'images',
 *   ...fake.providerOptions(),
 * })
 * ```
 */
export async function startGcpFake(options: GcpFakeOptions = {}): Promise<GcpFake> {
  const state: GcpFakeState = {
    gar: new GarStore(options.lroPolls ?? 0),
    iam: new IamPolicyStore(),
    tokens: [],
    caller: newOAuthCaller(),
  }
  for (const ref of options.repositories ?? []) state.gar.seed(ref)
  const server = await startFakeServer({
    name: 'gcp-fake',
    ...(options.tls === undefined ? {} : { tls: options.tls }),
    operationOf,
    route: (request) => dispatch(request, state),
  })
  return {
    ...server,
    host: '127.0.0.1',
    tokens: state.tokens,
    callerTokens: state.caller.issued,
    providerOptions: () => gcpProviderOptions(server.url, state.caller),
    seedRepository: (ref) => state.gar.seed(ref),
    seedImage: (repository, imagePath) => state.gar.push(repository, imagePath),
    seedPolicy: (resource, policy) => {
      if (!state.gar.has(resource)) {
        throw new TypeError(`[gcp-fake] no repository ${resource}: seed it first`)
      }
      return state.iam.put(resource, policy)
    },
    getImagePaths: (repository) => state.gar.imagePaths(repository),
    getPolicy: (resource) => state.iam.get(resource),
    inject: namedFaultInjector<FaultKind>(server, gcpErrorPlane),
    reset() {
      server.reset()
      state.tokens.length = 0
      state.caller.issued.length = 0
    },
  }
}
