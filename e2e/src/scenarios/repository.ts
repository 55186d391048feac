import { MARKER_ARTIFACT_TYPE, MARKER_DIGEST } from '@artifact-registry/provider-local'
import { inProcess } from '../targets.js'
import { APP, describeError, dockerRef, needs, type Scenario } from './scenario.js'

/** createRepository pushes an untagged marker, and is idempotent. */
export const createRepository: Scenario = {
  id: 'create-repository',
  title: 'createRepository pushes an untagged marker (idempotent)',
  outcome: /^created e2e\/app, idempotent; marker is an untagged repository artifact$/,
  async run(context) {
    const { provider, admin } = context.target
    const created = await provider.createRepository(APP)
    const again = await provider.createRepository(APP)
    context.state.repository = created
    const marker = await context.skopeo.manifest(
      dockerRef(context, `${created.name}@${MARKER_DIGEST}`),
      admin,
    )
    // distribution answers 404 NAME_UNKNOWN to a tag listing of a repository without tags.
    const tags = await context.skopeo
      .tags(dockerRef(context, created.name), admin)
      .catch((error: { stderr?: string }) => {
        if (/404 \(Not Found\)/.test(error.stderr ?? '')) return []
        throw error
      })
    const untagged = marker.artifactType === MARKER_ARTIFACT_TYPE && tags.length === 0
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
export const getRepository: Scenario = {
  id: 'get-repository',
  title: 'getRepository finds it, with its uri',
  outcome: /^found e2e\/app at <registry>\/e2e\/app$/,
  // The contract allows null where the registry tells no creation time; ours always tells it.
  detail: { any: /^createdAt (set|null)$/, byTarget: { [inProcess.name]: /^createdAt set$/ } },
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
export const deleteRepository: Scenario = {
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
