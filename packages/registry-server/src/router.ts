import type { AccessRequest, RegistryAction, RegistryEndpoint } from './auth/authorizer.js'
import type { RouteContext } from './http.js'
import { isRepositoryName } from './names.js'
import { OciError } from './oci-errors.js'
import { versionCheck } from './routes/base.js'
import { deleteBlob, getBlob } from './routes/blobs.js'
import { listCatalog } from './routes/catalog.js'
import { collectGarbageNow } from './routes/garbage-collection.js'
import { deleteManifest, getManifest, putManifest } from './routes/manifests.js'
import { listReferrers } from './routes/referrers.js'
import { deleteRepository } from './routes/repositories.js'
import { listTags } from './routes/tags.js'
import {
  cancelUpload,
  finishUpload,
  patchUpload,
  startUpload,
  uploadStatus,
} from './routes/uploads.js'

/** A request handler. */
export type Handler = (ctx: RouteContext) => Promise<void>

/** The handler of a request and what it needs to be allowed. */
export interface MatchedRoute {
  handler: Handler
  endpoint: RegistryEndpoint
  repository: string
  param: string
  access: AccessRequest[]
}

type Kind = 'uploads' | 'upload' | 'blob' | 'manifest' | 'tags' | 'referrers'

const HANDLERS: Record<Kind, Partial<Record<string, Handler>>> = {
  uploads: { POST: startUpload },
  upload: { GET: uploadStatus, PATCH: patchUpload, PUT: finishUpload, DELETE: cancelUpload },
  blob: { GET: getBlob, HEAD: getBlob, DELETE: deleteBlob },
  manifest: { GET: getManifest, HEAD: getManifest, PUT: putManifest, DELETE: deleteManifest },
  tags: { GET: listTags },
  referrers: { GET: listReferrers },
}

// Names have any number of segments, so routes are found by their suffix (lazy name match).
const REPOSITORY_ROUTE =
  /^\/v2\/(.+?)\/(?:(blobs\/uploads)\/?|blobs\/uploads\/([^/]+)|blobs\/([^/]+)|manifests\/([^/]+)|(tags)\/list|referrers\/([^/]+))$/

/**
 * A route outside the per-repository API: the methods it answers, and the registry-wide scope it
 * needs (only the admin holds registry scopes; the version check needs none).
 */
interface FixedRoute {
  methods: readonly string[]
  handler: Handler
  endpoint: RegistryEndpoint
  registryScope?: string
}

const VERSION_CHECK: FixedRoute = {
  methods: ['GET', 'HEAD'],
  handler: versionCheck,
  endpoint: 'version',
}

/** The routes at fixed paths, by path. */
const FIXED_ROUTES: ReadonlyMap<string, FixedRoute> = new Map([
  ['/v2/', VERSION_CHECK],
  ['/v2', VERSION_CHECK],
  [
    '/v2/_catalog',
    { methods: ['GET'], handler: listCatalog, endpoint: 'catalog', registryScope: 'catalog' },
  ],
  // Collection spans every repository: an admin operation, like the catalog.
  [
    '/_artifact-registry/gc',
    { methods: ['POST'], handler: collectGarbageNow, endpoint: 'gc', registryScope: 'gc' },
  ],
])

// Removing a whole repository is an admin operation, on `/_artifact-registry/repositories/{name}`.
const REPOSITORY_REMOVAL: FixedRoute = {
  methods: ['DELETE'],
  handler: deleteRepository,
  endpoint: 'repository',
  registryScope: 'repositories',
}

/** Find the handler of a request, or throw the spec's error (404/405/400 NAME_INVALID). */
export function matchRoute(method: string, pathname: string): MatchedRoute {
  const fixed = FIXED_ROUTES.get(pathname)
  if (fixed) return fixedRoute(method, fixed, '')
  const admin = pathname.match(/^\/_artifact-registry\/repositories\/(.+)$/)
  if (admin) return fixedRoute(method, REPOSITORY_REMOVAL, repositoryName(admin[1] ?? ''))
  const m = pathname.match(REPOSITORY_ROUTE)
  if (!m) throw new OciError('UNSUPPORTED', { status: 404, message: 'no such endpoint' })
  const repository = repositoryName(m[1] ?? '')
  const [kind, param] = kindOf(m)
  const handler = HANDLERS[kind][method]
  if (handler === undefined)
    throw new OciError('UNSUPPORTED', { message: `${method} is not supported here` })
  return {
    handler,
    endpoint: kind,
    repository,
    param: decodePathPart(param, (raw) => malformedParam(kind, raw)),
    access: [repositoryAccess(repository, method)],
  }
}

/** The actions a method needs on a repository: reads pull, writes pull+push, deletes delete. */
export function actionsFor(method: string): RegistryAction[] {
  if (method === 'GET' || method === 'HEAD') return ['pull']
  if (method === 'DELETE') return ['delete']
  return ['pull', 'push']
}

// --- Internal ---

function repositoryAccess(name: string, method: string): AccessRequest {
  return { type: 'repository', name, actions: actionsFor(method) }
}

// A path parameter with malformed percent-encoding names nothing that can exist.
function malformedParam(kind: Kind, raw: string): OciError {
  if (kind === 'upload') return new OciError('BLOB_UPLOAD_UNKNOWN')
  if (kind === 'manifest') return new OciError('TAG_INVALID', { detail: { tag: raw } })
  return new OciError('DIGEST_INVALID', { detail: `invalid digest ${raw}` })
}

/** The repository name of a route, decoded, or 400 NAME_INVALID. */
function repositoryName(raw: string): string {
  const name = decodePathPart(raw, () => new OciError('NAME_INVALID', { detail: { name: raw } }))
  if (!isRepositoryName(name)) throw new OciError('NAME_INVALID', { detail: { name } })
  return name
}

/**
 * The one place path parts are percent-decoded: malformed encoding (`%ZZ`, a cut-off UTF-8
 * sequence) is the client's mistake, answered with the error `malformed` makes, never a 500.
 */
function decodePathPart(raw: string, malformed: (raw: string) => OciError): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw malformed(raw)
  }
}

function kindOf(m: RegExpMatchArray): [Kind, string] {
  if (m[2]) return ['uploads', '']
  if (m[3]) return ['upload', m[3]]
  if (m[4]) return ['blob', m[4]]
  if (m[5]) return ['manifest', m[5]]
  if (m[6]) return ['tags', '']
  return ['referrers', m[7] ?? '']
}

/** `route` for `method` on `repository` (`''` outside any), or 405 for a method it does not answer. */
function fixedRoute(method: string, route: FixedRoute, repository: string): MatchedRoute {
  if (!route.methods.includes(method))
    throw new OciError('UNSUPPORTED', { message: `${method} is not supported here` })
  const { handler, endpoint, registryScope } = route
  // A fresh request per match: the authorizer is handed it and may keep it.
  const access: AccessRequest[] =
    registryScope === undefined ? [] : [{ type: 'registry', name: registryScope, actions: ['*'] }]
  return { handler, endpoint, repository, param: '', access }
}
