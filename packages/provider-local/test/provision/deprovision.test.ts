import { writeFileSync } from 'node:fs'
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ProvisionRecorder } from '@artifact-registry/core'
import { describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'
import { deprovision, provision } from '../../src/provision/index.js'
import { catalog } from '../../src/provision/namespace-repositories.js'
import { RegistryClient } from '../../src/registry-client.js'
import { scratchDirectory, startAdminRegistry } from './support.js'

describe('deprovision({ url }) deletes the namespace’s repositories, only with force', () => {
  it('refuses with CONFLICT listing them, then deletes exactly them with force', async () => {
    await using target = await startAdminRegistry()
    const options = { url: target.url, bindingName: 'team', adminPassword: target.admin.password }
    await using ours = await local({
      url: target.url,
      bindingName: 'team',
      adminCredentials: target.admin,
    })
    await using theirs = await local({
      url: target.url,
      bindingName: 'team-b',
      adminCredentials: target.admin,
    })
    await ours.createRepository('web')
    await ours.createRepository('api')
    await theirs.createRepository('web')
    const credential = await ours.generateCredentials('team/web', 'pull')

    const refused = await deprovision(options).catch((e) => e)
    expect(refused).toMatchObject({ code: 'CONFLICT', platform: 'local' })
    expect(refused.message).toContain(
      `namespace "team/" of ${target.url} still holds 2 repositories`,
    )
    expect(refused.message).toContain('team/api, team/web')
    expect(refused.message).not.toContain('team-b')
    expect(await target.catalog()).toEqual(['team-b/web', 'team/api', 'team/web'])

    const dry = await deprovision({ ...options, force: true, dryRun: true })
    expect(await target.catalog()).toEqual(['team-b/web', 'team/api', 'team/web'])
    const done = await deprovision({ ...options, force: true })
    expect(done).toEqual(dry)
    expect(done.changes).toEqual([
      { action: 'unchanged', kind: 'local-registry', id: target.url },
      { action: 'unchanged', kind: 'admin-credential', id: `admin@${target.url}` },
      { action: 'delete', kind: 'local-repository', id: 'team/api' },
      { action: 'delete', kind: 'local-repository', id: 'team/web' },
    ])
    expect(await target.catalog()).toEqual(['team-b/web'])
    // Deleted as deleteRepository deletes: the repository's credentials are revoked with it.
    const pull = await fetch(`${target.url}/v2/team/web/tags/list`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`,
      },
    })
    expect(pull.status).toBe(401)

    // Already gone: nothing to delete, the checks still made.
    expect((await deprovision(options)).changes.map((c) => c.action)).toEqual([
      'unchanged',
      'unchanged',
    ])
  })

  it('lists the whole catalog, page after page', async () => {
    await using target = await startAdminRegistry()
    await using ours = await local({
      url: target.url,
      bindingName: 'many',
      adminCredentials: target.admin,
    })
    for (const name of ['a', 'b', 'c', 'd', 'e']) await ours.createRepository(name)
    const client = new RegistryClient(target.url, target.admin)
    // Each page is asked for after a checkpoint: counting them counts the pages.
    const pages = new (class extends ProvisionRecorder {
      count = 0
      override checkpoint(): void {
        this.count += 1
        super.checkpoint()
      }
    })()
    const names = await catalog(client, pages, 2)
    expect(names).toEqual(['many/a', 'many/b', 'many/c', 'many/d', 'many/e'])
    expect(pages.count).toBe(3)
  })
})

describe('deprovision({ dataDir }) removes only a data directory provision created', () => {
  it('deletes the repositories, then the directory; a second run finds nothing', async () => {
    await using scratch = await scratchDirectory('deprovision-data-dir-')
    const dataDir = join(scratch.dir, 'registry')
    await provision({ dataDir })
    {
      await using registry = await local({ dataDir })
      await registry.createRepository('app')
    }
    await expect(deprovision({ dataDir })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`artifacts/app`),
    })
    const dry = await deprovision({ dataDir, force: true, dryRun: true })
    expect(await readdir(dataDir)).toContain('blobs')
    const done = await deprovision({ dataDir, force: true })
    expect(done).toEqual(dry)
    expect(done.changes.map((c) => [c.action, c.kind, c.id])).toEqual([
      ['delete', 'local-repository', 'artifacts/app'],
      ['delete', 'data-directory', dataDir],
    ])
    await expect(stat(dataDir)).rejects.toMatchObject({ code: 'ENOENT' })
    expect((await deprovision({ dataDir })).changes).toEqual([])
  })

  it('keeps a directory that was there, empty, and removes only what the registry put in it', async () => {
    await using scratch = await scratchDirectory('deprovision-data-dir-existing-')
    const dataDir = join(scratch.dir, 'mounted-volume')
    await mkdir(dataDir)
    await provision({ dataDir })
    const done = await deprovision({ dataDir })
    expect(done.changes.map((c) => c.action)).toEqual(['delete'])
    expect(await readdir(dataDir)).toEqual([])
  })

  it('keeps a directory provision did not create, one with other namespaces, and one with foreign files', async () => {
    await using scratch = await scratchDirectory('deprovision-data-dir-kept-')
    const notOurs = join(scratch.dir, 'not-ours')
    {
      await using registry = await local({ dataDir: notOurs })
      await registry.createRepository('app')
    }
    const kept = await deprovision({ dataDir: notOurs, force: true })
    expect(kept.changes).toEqual([
      { action: 'delete', kind: 'local-repository', id: 'artifacts/app' },
      {
        action: 'unchanged',
        kind: 'data-directory',
        id: notOurs,
        detail: 'kept: provision did not create it',
      },
    ])
    expect(await readdir(notOurs)).toContain('blobs')

    const shared = join(scratch.dir, 'shared')
    await provision({ dataDir: shared })
    {
      await using registry = await local({ dataDir: shared, bindingName: 'other' })
      await registry.createRepository('app')
    }
    const sharedRun = await deprovision({ dataDir: shared })
    expect(sharedRun.changes).toEqual([
      {
        action: 'unchanged',
        kind: 'data-directory',
        id: shared,
        detail: 'kept: it holds 1 repository of other namespaces',
      },
    ])
    await using otherAgain = await local({ dataDir: shared, bindingName: 'other' })
    expect((await otherAgain.getRepository('other/app')).name).toBe('other/app')
    await otherAgain.close()

    const withNotes = join(scratch.dir, 'with-notes')
    await provision({ dataDir: withNotes })
    await writeFile(join(withNotes, 'notes.txt'), 'mine')
    const notesRun = await deprovision({ dataDir: withNotes })
    expect(notesRun.changes[0]).toMatchObject({
      action: 'unchanged',
      detail: expect.stringContaining('notes.txt'),
    })
    expect(await readdir(withNotes)).toContain('notes.txt')
  })

  it('keeps files put into the directory while its repositories were being deleted', async () => {
    await using scratch = await scratchDirectory('deprovision-data-dir-late-files-')
    const dataDir = join(scratch.dir, 'registry')
    await provision({ dataDir })
    {
      await using registry = await local({ dataDir })
      await registry.createRepository('app')
    }
    // Someone writes into the directory while the (possibly long) forced deletion runs.
    const onChange = (change: { kind: string }) => {
      if (change.kind === 'local-repository') writeFileSync(join(dataDir, 'notes.txt'), 'mine')
    }
    const done = await deprovision({ dataDir, force: true, onChange })
    expect(done.changes.at(-1)).toMatchObject({
      action: 'unchanged',
      kind: 'data-directory',
      detail: expect.stringContaining('notes.txt'),
    })
    expect(await readdir(dataDir)).toContain('notes.txt')
  })

  it('is refused while a registry serves the directory', async () => {
    await using scratch = await scratchDirectory('deprovision-data-dir-locked-')
    const dataDir = join(scratch.dir, 'registry')
    await provision({ dataDir })
    await using running = await local({ dataDir })
    await expect(deprovision({ dataDir, force: true })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining(`is in use by this process (pid ${process.pid})`),
    })
    expect(await readdir(dataDir)).toContain('provisioned.json')
    await running.close()
  })
})
