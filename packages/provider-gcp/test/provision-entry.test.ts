import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import * as provisioning from '../src/provision/index.js'

// Runtime code never loads provisioning: the files the runtime entry reaches, through static and
// dynamic imports, stop short of src/provision/. (GCP has no IAM SDK to keep out: provisioning
// calls IAM over REST with the runtime's own auth client.)

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src')

/** The source files under src/ an entry reaches, relative to src/. */
function reachableFrom(entry: string): string[] {
  const seen = new Set<string>()
  const pending = [resolve(SRC, entry)]
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue
    seen.add(file)
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    for (const { fileName } of importedFiles) {
      if (fileName.startsWith('.'))
        pending.push(resolve(dirname(file), fileName.replace(/\.js$/, '.ts')))
    }
  }
  return [...seen].map((file) => file.slice(SRC.length + 1)).sort()
}

describe('the runtime entry', () => {
  it('reaches nothing under provision/', () => {
    const files = reachableFrom('index.ts')
    expect(files).toContain('gcp-provider.ts')
    expect(files.filter((file) => file.startsWith('provision/'))).toEqual([])
  })

  it('while the provision entry does (so the check above can fail)', () => {
    expect(reachableFrom('provision/index.ts')).toEqual(
      expect.arrayContaining(['provision/provision.ts', 'provision/deprovision.ts']),
    )
  })
})

describe('the provision entry', () => {
  it('exports provision and deprovision, and nothing else at run time', () => {
    expect(Object.keys(provisioning).sort()).toEqual(['deprovision', 'provision'])
  })

  it('is the package subpath ./provision, shaped as the "." entry (source, types, dist)', () => {
    const { exports } = JSON.parse(readFileSync(resolve(SRC, '../package.json'), 'utf8'))
    const main = Object.entries(exports['.'] as Record<string, string>)
    expect(exports['./provision']).toEqual(
      Object.fromEntries(
        main.map(([condition, path]) => [condition, path.replace('/index.', '/provision/index.')]),
      ),
    )
    expect(exports['./provision']['@artifact-registry/source']).toBe('./src/provision/index.ts')
  })
})
