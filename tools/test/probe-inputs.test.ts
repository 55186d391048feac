import { describe, expect, it } from 'vitest'
import { allBadInputs, type ProbeContext } from '../probe/inputs/index.js'

// A context that answers without a server: what matters here is the requests the probe builds.
const context: ProbeContext = {
  port: 5000,
  admin: 'Basic YWRtaW46eA==',
  pull: 'Basic cHVsbDp4',
  push: 'Basic cHVzaDp4',
  base: {
    repository: 'probe/base',
    blob: Buffer.from('blob'),
    blobDigest: `sha256:${'a'.repeat(64)}`,
    manifest: Buffer.from('{}'),
    manifestDigest: `sha256:${'b'.repeat(64)}`,
  },
  standalone: {
    bytes: Buffer.from('{}'),
    digest: `sha256:${'c'.repeat(64)}`,
    mediaType: 'application/vnd.oci.image.index.v1+json',
  },
  scratch: () => 'probe/i0',
  openUpload: async (repository) => `/v2/${repository}/blobs/uploads/${'d'.repeat(8)}`,
  token: async () => 'header.claims.signature',
}

describe('the probe’s bad inputs', () => {
  const inputs = allBadInputs()

  it('are several hundred, each one distinct', () => {
    const names = inputs.map((i) => `${i.category} / ${i.label}`)
    const repeated = names.filter((name, at) => names.indexOf(name) !== at)
    expect(repeated).toEqual([])
    expect(inputs.length).toBeGreaterThanOrEqual(500)
  })

  it('build requests for 127.0.0.1 only', async () => {
    for (const input of inputs) {
      const request = await input.build(context)
      const head = request.head.toString('latin1')
      const hosts = [...head.matchAll(/^Host: (.*)$/gim)].map((m) => m[1]?.trim())
      for (const host of hosts) expect(host, input.label).toBe('127.0.0.1:5000')
    }
  })
})
