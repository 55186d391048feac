import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import * as provisioning from '../src/provision/index.js'

// The runtime entry never loads the ARM authorization SDK or provisioning code: they live behind
// the ./provision subpath only.

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src')

/** The source files (relative to src/) and the packages `entry` reaches through its imports. */
function reachableFrom(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>()
  const packages = new Set<string>()
  const pending = [resolve(SRC, entry)]
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    const relative = file.slice(SRC.length + 1)
    if (files.has(relative)) continue
    files.add(relative)
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) packages.add(fileName)
      else pending.push(resolve(dirname(file), fileName.replace(/\.js$/, '.ts')))
    }
  }
  return { files, packages }
}

describe('the runtime entry (src/index.ts)', () => {
  it('reaches neither @azure/arm-authorization nor anything under provision/', () => {
    const { files, packages } = reachableFrom('index.ts')
    expect(files).toContain('azure-provider.ts')
    expect([...files].filter((f) => f.startsWith('provision'))).toEqual([])
    expect(packages).toContain('@azure/arm-containerregistry')
    expect(packages).not.toContain('@azure/arm-authorization')
  })

  it('while the provision entry does reach it (so the check above can fail)', () => {
    expect(reachableFrom('provision/index.ts').packages).toContain('@azure/arm-authorization')
  })
})

describe('the provision entry', () => {
  it('exports provision and deprovision, and nothing else at run time', () => {
    expect(Object.keys(provisioning).sort()).toEqual(['deprovision', 'provision'])
  })

  it('is the package subpath ./provision, from source and from dist', () => {
    const manifest = JSON.parse(readFileSync(resolve(SRC, '../package.json'), 'utf8'))
    expect(manifest.exports['./provision']).toEqual({
      '@artifact-registry/source': './src/provision/index.ts',
      types: './dist/provision/index.d.ts',
      default: './dist/provision/index.js',
    })
  })
})
