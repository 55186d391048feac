import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { basicAuth, requireTool, stopProcess, unusedPort } from '@artifact-registry/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTokenService, type TokenService } from '../../src/index.js'
import { requestToken } from '../support/tokens.js'

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const missing = requireTool('docker-registry')
// Values YAML reads differently unquoted: ` #` starts a comment, `: ` a mapping.
const ISSUER = 'acme #1: tokens'
const SERVICE = 'registry: acme'

/**
 * The `auth.token` section the token service prints, pasted into a registry:2 config as an
 * operator would: the registry must trust exactly this service's tokens.
 */
describe.skipIf(missing)(
  `registryAuthConfig in a registry:2 config ${missing ?? ''}`.trim(),
  () => {
    let work: string
    let tokens: TokenService
    let registry: ChildProcess
    let url: string
    let stderr = ''

    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'registry-auth-config-'))
      tokens = await startTokenService({ admin: ADMIN, issuer: ISSUER, service: SERVICE })
      const bundle = join(work, 'token-ca.pem')
      await writeFile(bundle, tokens.caCertificate)
      const port = await unusedPort()
      url = `http://127.0.0.1:${port}`
      const config = [
        'version: 0.1',
        'log:',
        '  level: warn',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${JSON.stringify(join(work, 'data'))}`,
        'http:',
        `  addr: 127.0.0.1:${port}`,
        tokens.registryAuthConfig(bundle),
      ].join('\n')
      await writeFile(join(work, 'config.yml'), config)
      registry = spawn('docker-registry', ['serve', join(work, 'config.yml')], {
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      registry.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk
      })
      for (let waited = 0; waited < 15_000; waited += 50) {
        const up = await fetch(`${url}/v2/`).then(
          (res) => res.body?.cancel().then(() => true),
          () => false,
        )
        if (up) return
        if (registry.exitCode !== null) throw new Error(`docker-registry exited: ${stderr}`)
        await delay(50)
      }
      throw new Error(`docker-registry did not answer: ${stderr}`)
    }, 30_000)

    afterAll(async () => {
      if (registry) await stopProcess(registry)
      await tokens?.close()
      await rm(work, { recursive: true, force: true })
    })

    it('challenges with the service as given, and takes the tokens of an issuer with # and : in it', async () => {
      const challenge = await fetch(`${url}/v2/`)
      await challenge.body?.cancel()
      expect(challenge.status).toBe(401)
      expect(challenge.headers.get('www-authenticate')).toContain(
        `service=${JSON.stringify(SERVICE)}`,
      )
      const minted = await tokens.generateCredentials('team/app', 'pull', 600)
      const answer = await requestToken(
        tokens.realm,
        basicAuth(minted.username, minted.password),
        'repository:team/app:pull',
        SERVICE,
      )
      expect(answer.status).toBe(200)
      const res = await fetch(`${url}/v2/team/app/tags/list`, {
        headers: { authorization: `Bearer ${answer.token}` },
      })
      await res.body?.cancel()
      // Past the token check: the repository is unknown (404), not a refused token (401).
      expect(res.status, stderr).toBe(404)
    })
  },
)
