import { createHmac, generateKeyPairSync, sign } from 'node:crypto'
import { type BadInput, input, type ProbeContext, request } from './catalogue.js'

const b64url = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
const basic = (userColonPassword: string): string =>
  `Basic ${Buffer.from(userColonPassword).toString('base64')}`

// A key of the probe's own: tokens it signs were never issued by the registry.
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })

/** Claims that would open everything, were they believed. */
function everything(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000)
  return {
    iss: 'artifact-registry-token-service',
    sub: 'admin',
    aud: 'artifact-registry',
    iat: now,
    nbf: now,
    exp: now + 300,
    access: [
      { type: 'repository', name: '*', actions: ['*'] },
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ],
  }
}

function es256(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const input = `${b64url(header)}.${b64url(claims)}`
  const signature = sign('sha256', Buffer.from(input), {
    key: privateKey,
    dsaEncoding: 'ieee-p1363',
  })
  return `${input}.${signature.toString('base64url')}`
}

/** Credentials and tokens that must open nothing, on a read, a push and the catalog. */
export function authInputs(): BadInput[] {
  const values: [string, (ctx: ProbeContext) => Promise<string> | string][] = [
    ['Bearer', () => 'Bearer'],
    ['Bearer and a space', () => 'Bearer '],
    ['Bearer x', () => 'Bearer x'],
    ['Bearer a.b.c', () => 'Bearer a.b.c'],
    [
      'a JWT with alg none',
      () => `Bearer ${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(everything())}.`,
    ],
    [
      'a JWT signed with another key',
      () => `Bearer ${es256({ alg: 'ES256', typ: 'JWT' }, everything())}`,
    ],
    [
      'a JWT with a forged x5c chain',
      () =>
        `Bearer ${es256({ alg: 'ES256', typ: 'JWT', x5c: ['MIIBprobe', 'MIIBprobe'] }, everything())}`,
    ],
    [
      'a JWT signed HS256 with a guessable secret',
      () => {
        const body = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(everything())}`
        return `Bearer ${body}.${createHmac('sha256', 'secret').update(body).digest('base64url')}`
      },
    ],
    [
      'a real token with its claims rewritten',
      async (ctx) => {
        const [h, , s] = (await ctx.token(`repository:${ctx.base.repository}:pull`)).split('.')
        return `Bearer ${h}.${b64url(everything())}.${s}`
      },
    ],
    [
      'a real token with its signature cut',
      async (ctx) => {
        const token = await ctx.token(`repository:${ctx.base.repository}:pull`)
        return `Bearer ${token.slice(0, token.lastIndexOf('.') + 1)}`
      },
    ],
    [
      'a real token with alg changed to none',
      async (ctx) => {
        const [, c] = (await ctx.token(`repository:${ctx.base.repository}:pull`)).split('.')
        return `Bearer ${b64url({ alg: 'none' })}.${c}.`
      },
    ],
    [
      'a real pull token for another repository',
      async (ctx) => `Bearer ${await ctx.token('repository:probe/elsewhere:pull')}`,
    ],
    [
      'an expired JWT',
      () => `Bearer ${es256({ alg: 'ES256' }, { ...everything(), exp: 1, nbf: 0, iat: 0 })}`,
    ],
    ['Basic', () => 'Basic'],
    ['Basic !!!', () => 'Basic !!!'],
    ['Basic without a colon', () => basic('nocolon')],
    ['Basic of a lone colon', () => basic(':')],
    ['Basic with a wrong password', () => basic('admin:wrong')],
    ['Basic of an unknown user', () => basic('nobody:nothing')],
    ['Basic with a NUL in the user', () => basic('adm\0in:x')],
    ['Digest', () => 'Digest username="admin", realm="x", nonce="1", uri="/v2/", response="0"'],
    ['Negotiate', () => 'Negotiate YIIBprobe'],
    ['a scheme alone', () => 'Token'],
  ]
  const targets: [string, (ctx: ProbeContext) => [string, string, string | undefined]][] = [
    ['a read', (c) => ['GET', `/v2/${c.base.repository}/tags/list`, undefined]],
    ['a push', (c) => ['POST', `/v2/${c.base.repository}/blobs/uploads/`, '']],
    ['the catalog', () => ['GET', '/v2/_catalog', undefined]],
  ]
  // Pull rights are bad only for what they do not hold: a push and the catalog.
  const pullRights: [string, (ctx: ProbeContext) => Promise<string> | string][] = [
    ['the pull credential', (ctx) => ctx.pull],
    [
      'a real pull token',
      async (ctx) => `Bearer ${await ctx.token(`repository:${ctx.base.repository}:pull`)}`,
    ],
  ]
  const pullBeyond = pullRights.flatMap(([label, authorization]) =>
    targets.slice(1).map(([what, target]) =>
      input('bad credentials and tokens', `${label}, on ${what}`, async (ctx) => {
        const [method, path, body] = target(ctx)
        return request(ctx, method, path, {
          auth: await authorization(ctx),
          ...(body !== undefined && { body }),
        })
      }),
    ),
  )
  return pullBeyond.concat(
    values.flatMap(([label, authorization]) =>
      targets.map(([what, target]) =>
        input('bad credentials and tokens', `${label}, on ${what}`, async (ctx) => {
          const [method, path, body] = target(ctx)
          return request(ctx, method, path, {
            auth: await authorization(ctx),
            ...(body !== undefined && { body }),
          })
        }),
      ),
    ),
  )
}

/** Token requests that are malformed, oversized or ask for what the caller does not hold. */
export function tokenInputs(): BadInput[] {
  const get =
    (query: string, auth?: (c: ProbeContext) => string | null): BadInput['build'] =>
    (ctx) =>
      request(ctx, 'GET', `/token?${query}`, { auth: auth === undefined ? ctx.admin : auth(ctx) })
  const post =
    (body: Buffer | string, type = 'application/x-www-form-urlencoded'): BadInput['build'] =>
    (ctx) =>
      request(ctx, 'POST', '/token', { auth: null, body, headers: { 'Content-Type': type } })
  const scope = (s: string): string => `service=artifact-registry&scope=${encodeURIComponent(s)}`
  const cases: [string, BadInput['build']][] = [
    ['no credentials', get(scope('repository:probe/base:pull'), () => null)],
    ['a wrong password', get(scope('repository:probe/base:pull'), () => basic('admin:wrong'))],
    ['an 8 KB scope', get(scope(`repository:${'a'.repeat(8000)}:pull`))],
    ['a 15 KB query', get(`scope=${'a'.repeat(15_000)}`)],
    [
      '1000 scopes',
      get(Array.from({ length: 1000 }, (_, i) => `scope=repository:r${i}:pull`).join('&')),
    ],
    ['a scope for __proto__', get(scope('repository:__proto__:pull'))],
    ['a scope of constructor actions', get(scope('repository:probe/base:constructor,__proto__'))],
    ['the catalog, as a pull credential', get(scope('registry:catalog:*'), (c) => c.pull)],
    ['push, as a pull credential', get(scope('repository:probe/base:push'), (c) => c.pull)],
    ['an empty scope', get('scope=')],
    ['scope repository::', get(scope('repository::'))],
    ['scope :::', get(scope(':::'))],
    ['scope a:b:c:d:e', get(scope('repository:a:b:c:d:e'))],
    ['a scope with %ZZ', get('scope=repository:a%ZZ:pull')],
    ['another service', get('service=elsewhere&scope=repository:probe/base:pull')],
    ['offline_token=true', get(`${scope('repository:probe/base:pull')}&offline_token=true`)],
    ['a 1 MiB form', post(`grant_type=password&username=admin&password=${'x'.repeat(1 << 20)}`)],
    ['a 100000-field form', post('a=1&'.repeat(100_000))],
    ['a JSON body', post('{"grant_type":"password"}', 'application/json')],
    [
      'grant_type refresh_token',
      post('grant_type=refresh_token&refresh_token=garbage&service=artifact-registry'),
    ],
    ['no grant_type', post('username=admin&password=x')],
    ['a wrong password in the form', post('grant_type=password&username=admin&password=wrong')],
    ['a form with %ZZ', post('grant_type=password&username=%ZZ&password=%ZZ')],
    [
      'a form with __proto__ fields',
      post('__proto__=1&constructor=2&grant_type=password&username=admin&password=x'),
    ],
    ['DELETE /token', (c) => request(c, 'DELETE', '/token')],
  ]
  return cases.map(([label, build]) => input('token requests', label, build))
}
