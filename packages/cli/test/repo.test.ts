import { describe, expect, it } from 'vitest'
import { ERROR_EXIT_CODES, EXIT } from '../src/index.js'
import { cli, parseJson } from './support/command.js'
import { boundRegistryForFile } from './support/registry.js'

const { bound, binding } = await boundRegistryForFile('cli-repo-')
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

describe('repo', () => {
  it('create prints { name, uri, createdAt } with --json, and is idempotent', async () => {
    const first = parseJson(await cli(['repo', 'create', 'prj_abc123', '--json', ...binding]))
    expect(first).toEqual({
      name: 'artifacts/prj_abc123',
      uri: `${bound.host}/artifacts/prj_abc123`,
      createdAt: expect.stringMatching(ISO),
    })
    const again = parseJson(await cli(['repo', 'create', 'prj_abc123', '--json', ...binding]))
    expect(again).toEqual(first)
  })

  it('get prints the same shape; human output names the fields and a relative creation time', async () => {
    await cli(['repo', 'create', 'shown', ...binding])
    const json = parseJson(await cli(['repo', 'get', 'artifacts/shown', '--json', ...binding]))
    expect(json).toMatchObject({ name: 'artifacts/shown', uri: `${bound.host}/artifacts/shown` })
    const human = await cli(['repo', 'get', 'artifacts/shown', ...binding])
    expect(human.status).toBe(EXIT.ok)
    expect(human.stdout).toMatch(/^name: +artifacts\/shown$/m)
    expect(human.stdout).toMatch(/^uri: +127\.0\.0\.1:\d+\/artifacts\/shown$/m)
    expect(human.stdout).toMatch(/^created: +\S+Z \((\d+ seconds? ago|now)\)$/m)
  })

  it('delete removes it ({ name, deleted: true }); a later get is NOT_FOUND; a second delete succeeds', async () => {
    await cli(['repo', 'create', 'doomed', ...binding])
    const deleted = await cli(['repo', 'delete', 'artifacts/doomed', '--json', ...binding])
    expect(parseJson(deleted)).toEqual({ name: 'artifacts/doomed', deleted: true })
    const gone = await cli(['repo', 'get', 'artifacts/doomed', ...binding])
    expect(gone.status).toBe(ERROR_EXIT_CODES.NOT_FOUND)
    const again = await cli(['repo', 'delete', 'artifacts/doomed', ...binding])
    expect(again).toMatchObject({ status: EXIT.ok, stdout: 'deleted artifacts/doomed\n' })
  })

  it('list prints { repositories } sorted, filtered by --prefix, and a table for people', async () => {
    for (const name of ['list-b', 'list-a', 'other'])
      await cli(['repo', 'create', name, ...binding])
    const listed = parseJson<{ repositories: { name: string }[] }>(
      await cli(['repo', 'list', '--prefix', 'list-', '--json', ...binding]),
    )
    expect(listed.repositories.map((r) => r.name)).toEqual(['artifacts/list-a', 'artifacts/list-b'])
    const table = await cli(['repo', 'list', '--prefix', 'list-', ...binding])
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME +URI +CREATED$/)
    expect(table.stdout).toMatch(/^artifacts\/list-a +127\.0\.0\.1:\d+\/artifacts\/list-a +/m)
  })
})
