import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { expect, it } from 'vitest'
import { providerFor, pushImage } from './helpers.js'

// A session policy names one repository ARN, with no wildcard: IAM matches it whole, so the
// credentials of `app` reach neither a repository nested under it (`app/child`) nor one whose
// name merely starts with it (`app-2`), on the registry the token opens.
it('credentials of a repository reach no nested or longer-named neighbour', async () => {
  await using fake = await startAwsFake()
  await using registry = await providerFor(fake)
  const [app, child, longer] = await Promise.all(
    ['app', 'app/child', 'app-2'].map(async (n) => (await registry.createRepository(n)).name),
  )
  if (app === undefined || child === undefined || longer === undefined) throw new Error('names')
  const pusher = await registry.generateCredentials(app, 'push-pull')
  await pushImage(pusher, app, 'v1')
  for (const neighbour of [child, longer]) {
    await expect(pushImage(pusher, neighbour, 'v1'), neighbour).rejects.toThrow(/403/)
  }
  const puller = await registry.generateCredentials(app, 'pull')
  await expect(pushImage(puller, app, 'v2')).rejects.toThrow(/403/)
})
