import { describe, expect, it } from 'vitest'
import { ERROR_EXIT_CODES } from '../src/index.js'
import { cli } from './support/command.js'

// The azure flags reach provider-azure's provisioning options by their fields: its validation
// names every bad field, so a flag set to the wrong field would show up as a missing one. A run
// against the Azure fake needs a `credential` (a TokenCredential object), which neither a flag nor
// an options file can carry: until provisioning has a default one, that is the only issue left.

const FLAGS = {
  '--subscription-id': '00000000-0000-4000-8000-000000000000',
  '--resource-group': 'rg-artifacts',
  '--registry-name': 'acmeartifacts',
  '--location': 'eastus',
  '--sku': 'Standard',
  '--runtime-principal-id': '0b1ec700-0000-4000-8000-0000000000b1',
}

async function issuePaths(flags: Record<string, string>): Promise<string[]> {
  const result = await cli([
    'provision',
    'azure',
    ...Object.entries(flags).flat(),
    '--dry-run',
    '--json',
  ])
  expect(result.status).toBe(ERROR_EXIT_CODES.INVALID_CONFIG)
  const { error } = JSON.parse(result.stderr) as { error: { issues: { path: string }[] } }
  return error.issues.map((issue) => issue.path)
}

describe('provision azure flags', () => {
  it('every flag sets its option: with all of them valid, only the credential is missing', async () => {
    expect(await issuePaths(FLAGS)).toEqual(['credential'])
  })

  it('a bad value is reported against the option its flag sets', async () => {
    const paths = await issuePaths({
      ...FLAGS,
      '--sku': 'Huge',
      '--runtime-principal-id': 'not-a-guid',
      '--resource-group': '',
    })
    expect(paths).toEqual(expect.arrayContaining(['sku', 'runtimePrincipalId', 'resourceGroup']))
  })
})
