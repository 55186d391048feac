import { readLayout } from '../../oci-layout.js'
import { answerAs, type ClientScenario, dockerRef, freshLayout, needs } from './scenario.js'

/**
 * How a registry may refuse valid credentials that lack the right: 403, or 401 challenging again
 * for `insufficient_scope` (distribution).
 */
const REFUSAL = /^HTTP (401 UNAUTHORIZED \(insufficient_scope\)|403 DENIED)$/

/** distribution re-challenges; we deny. Both refuse, and skopeo reports both as "denied". */
const INSUFFICIENT_SCOPE = {
  ours: 'HTTP 403 DENIED',
  reference: 'HTTP 401 UNAUTHORIZED (insufficient_scope)',
  reason:
    'distribution 2.8.2 answers a valid token that lacks the scope with 401 and an ' +
    '`insufficient_scope` challenge (so a client may fetch a wider token), where our registry ' +
    'answers 403 DENIED, as the OCI distribution spec and docs/design.md#refusals (valid ' +
    'credentials without the right → 403) say. Both refuse the request.',
}

/**
 * What the refusal scenarios share: both registries refuse, ours with 403 and distribution with
 * an `insufficient_scope` challenge.
 */
const REFUSED_FOR_LACK_OF_SCOPE = {
  outcome: /^refused$/,
  detail: REFUSAL,
  difference: INSUFFICIENT_SCOPE,
} satisfies Partial<ClientScenario>

/** skopeo pushes a multi-layer image with push-pull credentials, digests preserved. */
export const pushImage: ClientScenario = {
  id: 'push-image',
  title: 'skopeo pushes a multi-layer image with push-pull credentials',
  outcome: /^pushed 3 layers; manifest digest preserved$/,
  async run(context) {
    const name = needs(context.state.repository, 'create-repository').name
    const creds = needs(context.state.pushPull, 'credentials-push-pull')
    const { image } = context.fixtures
    await context.skopeo.push(image.reference, dockerRef(context, `${name}:v1`), creds)
    const digest = await context.skopeo.manifestDigest(dockerRef(context, `${name}:v1`), creds)
    const layers = image.images[0]?.layerDigests.length
    const preserved = digest === image.digest ? 'preserved' : digest
    return { outcome: `pushed ${layers} layers; manifest digest ${preserved}` }
  },
}

/** skopeo pulls it back with pull credentials: every digest as pushed. */
export const pullImage: ClientScenario = {
  id: 'pull-image',
  title: 'skopeo pulls it with pull credentials, every digest preserved',
  outcome: /^pulled; manifest, config and 3 layer digests equal$/,
  async run(context) {
    const name = needs(context.state.repository, 'create-repository').name
    const creds = needs(context.state.pull, 'credentials-pull')
    const layout = await freshLayout(context, 'v1')
    await context.skopeo.pull(dockerRef(context, `${name}:v1`), layout, creds)
    const [, dir = '', tag = ''] = /^oci:(.*):([^:]+)$/.exec(layout) ?? []
    const back = (await readLayout(dir, tag)).images[0]
    const pushed = context.fixtures.image.images[0]
    const equal = JSON.stringify(back) === JSON.stringify(pushed)
    return {
      outcome: equal
        ? `pulled; manifest, config and ${pushed?.layerDigests.length} layer digests equal`
        : `pulled different digests: ${JSON.stringify(back)}`,
    }
  },
}

/** A push with pull credentials is refused. */
export const pushWithPullRefused: ClientScenario = {
  id: 'push-with-pull-credentials',
  title: 'a push with pull credentials is refused',
  ...REFUSED_FOR_LACK_OF_SCOPE,
  async run(context) {
    const name = needs(context.state.repository, 'create-repository').name
    const creds = needs(context.state.pull, 'credentials-pull')
    const target = dockerRef(context, `${name}:v2`)
    await context.skopeo.refused((s) => s.push(context.fixtures.other.reference, target, creds))
    const detail = await answerAs(context, creds, 'POST', `/v2/${name}/blobs/uploads/`)
    return { outcome: 'refused', detail }
  },
}

/** Credentials for one repository open no other: a second repository's image is refused. */
export const otherRepositoryRefused: ClientScenario = {
  id: 'other-repository',
  title: "another repository's image is refused",
  ...REFUSED_FOR_LACK_OF_SCOPE,
  async run(context) {
    const creds = needs(context.state.pull, 'credentials-pull')
    const { provider } = context.target
    const other = await provider.createRepository('other')
    const otherCreds = await provider.generateCredentials(other.name, 'push-pull')
    const image = dockerRef(context, `${other.name}:v1`)
    await context.skopeo.push(context.fixtures.other.reference, image, otherCreds)
    const layout = await freshLayout(context, 'v1')
    await context.skopeo.refused((s) => s.pull(image, layout, creds))
    const detail = await answerAs(context, creds, 'GET', `/v2/${other.name}/manifests/v1`)
    return { outcome: 'refused', detail }
  },
}

/** 16 pushes of distinct images at once, each to its own new repository. */
export const parallelPushes: ClientScenario = {
  id: 'parallel-pushes',
  title: '16 parallel pushes of distinct images',
  outcome: /^16\/16 pushed, every digest preserved$/,
  async run(context) {
    const { provider } = context.target
    const results = await Promise.allSettled(
      context.fixtures.parallel.map(async (image, i) => {
        const repository = await provider.createRepository(`parallel-${i}`)
        const creds = await provider.generateCredentials(repository.name, 'push-pull')
        const reference = dockerRef(context, `${repository.name}:v1`)
        await context.skopeo.push(image.reference, reference, creds)
        return (await context.skopeo.manifestDigest(reference, creds)) === image.digest
      }),
    )
    const preserved = results.filter((r) => r.status === 'fulfilled' && r.value).length
    const failed = results.find((r) => r.status === 'rejected')
    const why = failed ? ` (first failure: ${String(failed.reason).split('\n')[0]})` : ''
    return {
      outcome:
        preserved === results.length
          ? `${preserved}/${results.length} pushed, every digest preserved`
          : `${preserved}/${results.length} pushed with digests preserved${why}`,
    }
  },
}
