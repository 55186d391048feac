import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli, startCli } from '../support/command.js'

let work: string
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'cli-token-ttl-'))
})
afterEach(async () => {
  await rm(work, { recursive: true, force: true })
})

const PASSWORD = 'token-ttl-admin-password'
const AS_ADMIN = { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` }

/** The lifetime of a token the server at `url` issues to the admin. */
async function tokenLifetime(url: string): Promise<number> {
  const res = await fetch(`${url}/token?service=artifact-registry`, { headers: AS_ADMIN })
  expect(res.status).toBe(200)
  return ((await res.json()) as { expires_in: number }).expires_in
}

/** `seconds`, less the second or so the issue took (the lifetime counts from the signature). */
function expectAbout(lifetime: number, seconds: number): void {
  expect(lifetime).toBeLessThanOrEqual(seconds)
  expect(lifetime).toBeGreaterThanOrEqual(seconds - 2)
}

// Behind registry:2, a token issued before a revocation works until it expires: an operator
// shortens that window with --token-ttl, which the options always took and the command did not.
describe('artifact-registry-local --token-ttl', { timeout: 30_000 }, () => {
  it.each([['token-service'], ['serve']])('%s issues tokens of that lifetime', async (command) => {
    const args = [command, '--data', join(work, 'data'), '--port', '0']
    const env = { ARTIFACT_REGISTRY_ADMIN_PASSWORD: PASSWORD }
    {
      await using server = await startCli(args, env)
      expectAbout(await tokenLifetime(server.url), 300)
    }
    await using server = await startCli([...args, '--token-ttl', '60'], env)
    expectAbout(await tokenLifetime(server.url), 60)
  })

  it.each([['0'], ['86401'], ['1.5'], ['5m'], ['']])('%j is a usage error (exit 2)', (value) => {
    const run = runCli(['token-service', '--data', join(work, 'data'), `--token-ttl=${value}`])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(
      `--token-ttl must be a whole number of seconds from 1 to 86400, got "${value}"`,
    )
  })
})
