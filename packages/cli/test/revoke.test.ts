import { basicAuth } from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import { ERROR_EXIT_CODES, EXIT } from '../src/index.js'
import { cli, parseJson } from './support/command.js'
import { boundRegistryForFile } from './support/registry.js'

// A credential that leaked must stop working now, not at its TTL: `revoke` takes back every
// credential of a repository, or one by username, and leaves every other credential working.

const { bound, binding } = await boundRegistryForFile('cli-revoke-')
await cli(['repo', 'create', 'app', ...binding])
await cli(['repo', 'create', 'other', ...binding])

interface Minted {
  username: string
  password: string
}

async function mint(repository: string, permission: 'pull' | 'push-pull'): Promise<Minted> {
  return parseJson<Minted>(
    await cli(['credentials', repository, '--permission', permission, '--json', ...binding]),
  )
}

/** The status of the repository's tag list with these credentials: 200 works, 401 refused. */
async function tagsStatus(repository: string, { username, password }: Minted): Promise<number> {
  const res = await fetch(`${bound.registry.url}/v2/${repository}/tags/list`, {
    headers: { authorization: basicAuth(username, password) },
  })
  await res.body?.cancel()
  return res.status
}

describe('revoke', () => {
  it('NAME revokes every credential of that repository, and only those', async () => {
    const pull = await mint('artifacts/app', 'pull')
    const push = await mint('artifacts/app', 'push-pull')
    const elsewhere = await mint('artifacts/other', 'pull')
    expect(await tagsStatus('artifacts/app', pull)).toBe(200)

    const result = await cli(['revoke', 'artifacts/app', '--json', ...binding])
    expect(parseJson(result)).toEqual({ repository: 'artifacts/app', revoked: 2 })
    expect(await tagsStatus('artifacts/app', pull)).toBe(401)
    expect(await tagsStatus('artifacts/app', push)).toBe(401)
    expect(await tagsStatus('artifacts/other', elsewhere)).toBe(200)
  })

  it('--username revokes that credential alone; again, it finds none', async () => {
    const leaked = await mint('artifacts/app', 'pull')
    const kept = await mint('artifacts/app', 'pull')

    const human = await cli(['revoke', '--username', leaked.username, ...binding])
    expect(human).toMatchObject({ status: EXIT.ok })
    expect(human.stdout).toContain(`revoked 1 credential (the credential ${leaked.username})`)
    expect(await tagsStatus('artifacts/app', leaked)).toBe(401)
    expect(await tagsStatus('artifacts/app', kept)).toBe(200)

    const again = await cli(['revoke', '--username', leaked.username, '--json', ...binding])
    expect(parseJson(again)).toEqual({ username: leaked.username, revoked: 0 })
  })

  it('needs exactly one of NAME and --username, and a name of this binding', async () => {
    const kept = await mint('artifacts/app', 'pull')
    for (const args of [[], ['artifacts/app', '--username', kept.username]]) {
      const refused = await cli(['revoke', ...args, ...binding])
      expect(refused.status, refused.stderr).toBe(EXIT.usage)
    }
    const outside = await cli(['revoke', 'elsewhere/app', '--json', ...binding])
    expect(outside.status).toBe(ERROR_EXIT_CODES.INVALID_ARGUMENT)
    expect(await tagsStatus('artifacts/app', kept)).toBe(200)
  })
})
