import { type BadInput, input, request } from './catalogue.js'

/** Bodies and methods the admin-only endpoints must refuse without storing anything odd. */
export function adminInputs(): BadInput[] {
  const mint =
    (body: string, type = 'application/json'): BadInput['build'] =>
    (ctx) =>
      request(ctx, 'POST', '/_artifact-registry/credentials', {
        body,
        headers: { 'Content-Type': type },
      })
  const revoke =
    (body: string): BadInput['build'] =>
    (ctx) =>
      request(ctx, 'POST', '/_artifact-registry/credentials/revoke', {
        body,
        headers: { 'Content-Type': 'application/json' },
      })
  const ok = { repository: 'probe/minted', permission: 'pull', ttlSeconds: 60 }
  const cases: [string, BadInput['build']][] = [
    ['mint: an empty body', mint('')],
    ['mint: an unfinished object', mint('{')],
    ['mint: an array', mint('[]')],
    ['mint: null', mint('null')],
    ['mint: a __proto__ repository', mint(JSON.stringify({ ...ok, repository: '__proto__' }))],
    [
      'mint: a __proto__ key',
      mint('{"__proto__":{"permission":"push-pull"},"repository":"probe/minted","ttlSeconds":60}'),
    ],
    ['mint: permission admin', mint(JSON.stringify({ ...ok, permission: 'admin' }))],
    ['mint: ttl -1', mint(JSON.stringify({ ...ok, ttlSeconds: -1 }))],
    ['mint: ttl 0', mint(JSON.stringify({ ...ok, ttlSeconds: 0 }))],
    ['mint: ttl 1e12', mint(JSON.stringify({ ...ok, ttlSeconds: 1e12 }))],
    ['mint: ttl "60"', mint(JSON.stringify({ ...ok, ttlSeconds: '60' }))],
    [
      'mint: a repository name of 300 characters',
      mint(JSON.stringify({ ...ok, repository: `p/${'a'.repeat(298)}` })),
    ],
    ['mint: a repository named ../x', mint(JSON.stringify({ ...ok, repository: '../x' }))],
    ['mint: 1 MiB of JSON', mint(JSON.stringify({ ...ok, pad: 'x'.repeat(1 << 20) }))],
    ['mint: JSON nested 100000 deep', mint(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)],
    [
      'mint: a form body',
      mint('repository=probe/minted&permission=pull', 'application/x-www-form-urlencoded'),
    ],
    ['mint: GET', (c) => request(c, 'GET', '/_artifact-registry/credentials')],
    [
      'mint: as a pull credential',
      (c) =>
        request(c, 'POST', '/_artifact-registry/credentials', {
          auth: c.pull,
          body: JSON.stringify(ok),
        }),
    ],
    ['revoke: neither username nor repository', revoke('{}')],
    ['revoke: both', revoke('{"username":"x","repository":"probe/minted"}')],
    ['revoke: a __proto__ username', revoke('{"username":"__proto__"}')],
    ['revoke: a username that is an object', revoke('{"username":{"a":1}}')],
    ['revoke: an unfinished object', revoke('{"username":')],
    ['gc: GET', (c) => request(c, 'GET', '/_artifact-registry/gc')],
    [
      'gc: with a body',
      (c) => request(c, 'POST', '/_artifact-registry/gc', { body: 'x'.repeat(10_000) }),
    ],
    [
      'gc: as a push credential',
      (c) => request(c, 'POST', '/_artifact-registry/gc', { auth: c.push }),
    ],
    [
      'delete repository: as a push credential',
      (c) =>
        request(c, 'DELETE', `/_artifact-registry/repositories/${c.base.repository}`, {
          auth: c.push,
        }),
    ],
    [
      'delete repository: PUT',
      (c) => request(c, 'PUT', '/_artifact-registry/repositories/probe/x', { body: '' }),
    ],
    [
      'delete repository: no name',
      (c) => request(c, 'DELETE', '/_artifact-registry/repositories/'),
    ],
    ['an unknown admin path', (c) => request(c, 'POST', '/_artifact-registry/../v2/')],
  ]
  return cases.map(([label, build]) => input('admin endpoints', label, build))
}
