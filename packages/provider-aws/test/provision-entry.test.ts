import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as provisioning from '../src/provision/index.js'

// Runtime code never loads the IAM SDK or provisioning: the runtime entry's import graph stops
// short of both. Provisioning lives behind its own subpath.

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src')

/** Every file the entry reaches through static and dynamic imports, and every package it imports. */
function importGraph(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>()
  const packages = new Set<string>()
  const visit = (file: string): void => {
    if (files.has(file)) return
    files.add(file)
    const text = readFileSync(file, 'utf8')
    for (const [, specifier = ''] of text.matchAll(/(?:from|import\()\s*'([^']+)'/g)) {
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')))
      else packages.add(specifier)
    }
  }
  visit(entry)
  return { files: [...files].map((f) => f.slice(SRC.length + 1)), packages: [...packages] }
}

describe('the runtime entry', () => {
  it('imports neither the IAM SDK nor anything under provision/', () => {
    const { files, packages } = importGraph(join(SRC, 'index.ts'))
    expect(files).toContain('aws-provider.ts')
    expect(files.filter((f) => f.startsWith('provision'))).toEqual([])
    expect(packages).toContain('@aws-sdk/client-ecr')
    expect(packages).not.toContain('@aws-sdk/client-iam')
  })

  it('the provision entry does import the IAM SDK (so the check above can fail)', () => {
    expect(importGraph(join(SRC, 'provision/index.ts')).packages).toContain('@aws-sdk/client-iam')
  })
})

describe('the provision entry', () => {
  it('exports provision and deprovision, and nothing else at run time', () => {
    expect(Object.keys(provisioning).sort()).toEqual(['deprovision', 'provision'])
  })

  it('is the package subpath ./provision, from source and from dist', () => {
    const manifest = JSON.parse(readFileSync(join(SRC, '../package.json'), 'utf8'))
    expect(manifest.exports['./provision']).toEqual({
      '@artifact-registry/source': './src/provision/index.ts',
      types: './dist/provision/index.d.ts',
      default: './dist/provision/index.js',
    })
  })
})
