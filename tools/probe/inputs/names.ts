import { createHash } from 'node:crypto'
import { type BadInput, input, type ProbeContext, request, show } from './catalogue.js'

/** Names every JavaScript object inherits: a registry keeping maps in plain objects trips on them. */
export const INHERITED_NAMES: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'isPrototypeOf',
]

/** `__proto__`-like names and tags, and names and tags at and past their longest. */
export function nameInputs(): BadInput[] {
  const inputs: BadInput[] = []
  const sha = (bytes: Buffer): string =>
    `sha256:${createHash('sha256').update(bytes).digest('hex')}`
  for (const name of INHERITED_NAMES) {
    const lower = name.toLowerCase()
    const repo = (ctx: ProbeContext): string => `${ctx.scratch()}/${lower}`
    const blob = Buffer.from(`blob of ${name}`)
    inputs.push(
      input(
        '__proto__-like names and tags',
        `push a blob to …/${lower}`,
        (ctx) =>
          request(ctx, 'POST', `/v2/${repo(ctx)}/blobs/uploads/?digest=${sha(blob)}`, {
            body: blob,
          }),
        (ctx) => ({ kind: 'blob', repository: repo(ctx), reference: sha(blob), digest: sha(blob) }),
      ),
      input('__proto__-like names and tags', `tags of …/${lower}`, (ctx) =>
        request(ctx, 'GET', `/v2/${repo(ctx)}/tags/list`),
      ),
      input('__proto__-like names and tags', `delete repository …/${lower}`, (ctx) =>
        request(ctx, 'DELETE', `/_artifact-registry/repositories/${ctx.scratch()}/${lower}`),
      ),
      input('__proto__-like names and tags', `repository named ${lower} alone`, (ctx) =>
        request(ctx, 'GET', `/v2/${lower}/tags/list`),
      ),
      putStandalone('__proto__-like names and tags', `tag ${name}`, () => name, name),
      input('__proto__-like names and tags', `GET tag ${name} never pushed`, (ctx) =>
        request(ctx, 'GET', `/v2/${ctx.base.repository}/manifests/${name}`),
      ),
      input('__proto__-like names and tags', `DELETE tag ${name} never pushed`, (ctx) =>
        request(ctx, 'DELETE', `/v2/${ctx.base.repository}/manifests/${name}`),
      ),
      putStandalone(
        '__proto__-like names and tags',
        `?tag=${name} on a push by digest`,
        (ctx) => `${ctx.standalone.digest}?tag=${name}`,
        name,
      ),
      input('__proto__-like names and tags', `query parameter ${name}`, (ctx) =>
        request(ctx, 'GET', `/v2/${ctx.base.repository}/tags/list?${name}=1&n=${name}`),
      ),
    )
  }
  const longName = (n: number): string => `p/${'a'.repeat(n - 2)}`
  const segments = (n: number): string => Array.from({ length: n }, () => 'a').join('/')
  const names: [string, string][] = [
    ['a name of 255 characters', longName(255)],
    ['a name of 256 characters', longName(256)],
    ['a name of 1000 characters', longName(1000)],
    ['a name of 8000 characters', longName(8000)],
    ['a name of 127 segments', segments(127)],
    ['a name of 128 segments', segments(128)],
    ['a name of 2000 segments', segments(2000)],
    ['a name with a 255-byte segment', `p/${'b'.repeat(253)}`],
    ['a name with uppercase', 'Probe/Upper'],
    ['a name with a double slash', 'probe//double'],
    ['a name ending in a slash', 'probe/trailing/'],
    ['a name of ..', 'probe/../etc'],
    ['a name with a unicode letter', 'probe/ünïcode'],
  ]
  for (const [label, name] of names) {
    const blob = Buffer.from(`blob of ${label}`)
    inputs.push(
      input(
        'long and odd names',
        `push: ${label}`,
        (ctx) =>
          request(ctx, 'POST', `/v2/${name}/blobs/uploads/?digest=${sha(blob)}`, { body: blob }),
        () => ({ kind: 'blob', repository: name, reference: sha(blob), digest: sha(blob) }),
      ),
      input('long and odd names', `tags: ${label}`, (ctx) =>
        request(ctx, 'GET', `/v2/${name}/tags/list`),
      ),
    )
  }
  const tags: [string, string][] = [
    ['a tag of 128 characters', `t${'a'.repeat(127)}`],
    ['a tag of 129 characters', `t${'a'.repeat(128)}`],
    ['a tag of 10000 characters', `t${'a'.repeat(9999)}`],
    ['a tag starting with a dot', '.hidden'],
    ['a tag starting with a dash', '-dash'],
    ['a tag with a colon', 'a:b'],
    ['a tag with a plus', 'a+b'],
  ]
  for (const [label, tag] of tags) {
    const reference = encodeURIComponent(tag)
    inputs.push(putStandalone('long and odd names', label, () => reference, reference))
  }
  inputs.push(
    input('long and odd names', `an upload id of ${show('x'.repeat(10_000))}`, (ctx) =>
      request(ctx, 'GET', `/v2/${ctx.base.repository}/blobs/uploads/${'x'.repeat(10_000)}`),
    ),
  )
  return inputs
}

// --- internal ---

/**
 * A PUT of the probe's standalone manifest to `manifests/<target>` of the scratch repository,
 * which a 2xx answer stores under `reference`.
 */
function putStandalone(
  category: string,
  label: string,
  target: (ctx: ProbeContext) => string,
  reference: string,
): BadInput {
  return input(
    category,
    label,
    (ctx) =>
      request(ctx, 'PUT', `/v2/${ctx.scratch()}/manifests/${target(ctx)}`, {
        body: ctx.standalone.bytes,
        headers: { 'Content-Type': ctx.standalone.mediaType },
      }),
    (ctx) => ({
      kind: 'manifest',
      repository: ctx.scratch(),
      reference,
      digest: ctx.standalone.digest,
    }),
  )
}
