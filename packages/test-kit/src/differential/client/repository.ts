import { APP, type ClientScenario, describeError, dockerRef, needs } from './scenario.js'

/** createRepository pushes an untagged marker, and is idempotent. */
export const createRepository: ClientScenario = {
  id: 'create-repository',
  title: 'createRepository pushes an untagged marker (idempotent)',
  outcome: /^created e2e\/app, idempotent; marker is an untagged repository artifact$/,
  async run(context) {
    const { provider, admin } = context.target
    const created = await provider.createRepository(APP)
    const again = await provider.createRepository(APP)
    context.state.repository = created
    const marker = await context.skopeo.manifest(
      dockerRef(context, `${created.name}@${context.marker.digest}`),
      admin,
    )
    // distribution answers 404 NAME_UNKNOWN to a tag listing of a repository without tags.
    const tags = await context.skopeo
      .tags(dockerRef(context, created.name), admin)
      .catch((error: { stderr?: string }) => {
        if (/404 \(Not Found\)/.test(error.stderr ?? '')) return []
        throw error
      })
    const untagged = marker.artifactType === context.marker.artifactType && tags.length === 0
    const outcome = [
      `created ${created.name}${again.name === created.name ? ', idempotent' : `, then ${again.name}`}`,
      untagged
        ? 'marker is an untagged repository artifact'
        : `marker ${marker.artifactType}, tags ${tags}`,
    ].join('; ')
    return { outcome }
  },
}

/** getRepository finds the repository and reports where it is. */
export const getRepository: ClientScenario = {
  id: 'get-repository',
  title: 'getRepository finds it, with its uri',
  outcome: /^found e2e\/app at <registry>\/e2e\/app$/,
  // The contract allows null where the registry tells no creation time; ours always tells it.
  detail: /^createdAt (set|null)$/,
  difference: {
    ours: 'createdAt set',
    reference: 'createdAt null',
    reason:
      'distribution 2.8.2 sends no Last-Modified for manifests and has no other creation time, ' +
      'so the provider reports null, as the contract allows, instead of guessing; our registry ' +
      "sends the marker's Last-Modified.",
  },
  async run(context) {
    const name = needs(context.state.repository, 'create-repository').name
    const found = await context.target.provider.getRepository(name)
    const { createdAt } = found
    const valid = createdAt instanceof Date && !Number.isNaN(createdAt.getTime())
    return {
      outcome: `found ${found.name} at ${found.uri}`,
      detail: `createdAt ${valid ? 'set' : String(createdAt)}`,
    }
  },
}

/** deleteRepository removes it: getRepository then answers NOT_FOUND. */
export const deleteRepository: ClientScenario = {
  id: 'delete-repository',
  title: 'deleteRepository, then getRepository is NOT_FOUND',
  outcome: /^deleted; getRepository → NOT_FOUND$/,
  async run(context) {
    const { provider } = context.target
    const name = needs(context.state.repository, 'create-repository').name
    await provider.deleteRepository(name)
    const after = await provider.getRepository(name).then(
      (found) => `found ${found.name}`,
      (error: unknown) => describeError(error),
    )
    return { outcome: `deleted; getRepository → ${after}` }
  },
}
