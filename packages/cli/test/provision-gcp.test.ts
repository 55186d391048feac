import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startGcpFake } from '@artifact-registry/testing/fakes/gcp'
import { afterAll, describe, expect, it } from 'vitest'
import { EXIT } from '../src/index.js'
import { cli, parseJson, temporaryDirectory } from './support/command.js'
import { startGceMetadataServer } from './support/gce-metadata.js'

// The command's GCP flags against the GCP fake, signed in as a user would be on a VM: Application
// Default Credentials from the metadata server, whose tokens are the fake caller's.
const fake = await startGcpFake()
const work = await temporaryDirectory('cli-gcp-')
const { authClient, clientOptions } = fake.providerOptions()
const metadata = await startGceMetadataServer(
  async () => (await authClient.getAccessToken()).token ?? '',
)
afterAll(async () => {
  await metadata[Symbol.asyncDispose]()
  await fake.close()
  await work[Symbol.asyncDispose]()
})

const PROJECT = 'acme-prod'
const LOCATION = 'us-central1'
// No key file and no gcloud login of this machine: only the metadata server can sign in.
const env = { ...metadata.env, HOME: work.dir, GOOGLE_APPLICATION_CREDENTIALS: undefined }

interface ProvisionJson {
  dryRun: boolean
  binding: Record<string, unknown>
  changes: { action: string; kind: string; id: string }[]
}

describe('provision gcp against the fake', () => {
  it('--dry-run reports the changes and makes none; the real run makes them and prints the binding', async () => {
    const optionsFile = join(work.dir, 'gcp-options.json')
    // What only a file can give: where the fake's APIs are.
    await writeFile(optionsFile, JSON.stringify({ clientOptions, iamEndpoint: fake.url }))
    const args = [
      'provision',
      'gcp',
      '--project-id',
      PROJECT,
      '--location',
      LOCATION,
      '--repository',
      'images',
      '--runtime-member',
      fake.caller,
      '--options-file',
      optionsFile,
      '--json',
    ]
    const repository = `projects/${PROJECT}/locations/${LOCATION}/repositories/images`
    const dry = await cli([...args, '--dry-run'], { env })
    expect(dry.status, dry.stderr).toBe(EXIT.ok)
    const planned = parseJson<ProvisionJson>(dry)
    expect(planned.dryRun).toBe(true)
    expect(planned.changes.length).toBeGreaterThan(0)
    expect(planned.changes.every((c) => c.action === 'create')).toBe(true)
    expect(fake.getRepositories()).not.toContain(repository)

    const made = parseJson<ProvisionJson>(await cli(args, { env }))
    expect(made.changes).toEqual(planned.changes)
    expect(made.binding).toMatchObject({ platform: 'gcp', projectId: PROJECT, location: LOCATION })
    expect(fake.getRepositories()).toContain(repository)
    expect(fake.getServiceAccounts()).toContain(made.binding.pullServiceAccount)
  })
})
