import { describe, it } from 'vitest'
import { artifactRegistryContractSuite } from '../src/index.js'
import { type ReferenceOptions, reference } from './reference-provider.js'

/**
 * The suite's factory and otherBinding over one store: a provider of the binding `artifacts`,
 * and one of the binding `other` beside it.
 */
function sideBySide(options: ReferenceOptions) {
  const repositories = new Map<string, Date>()
  return {
    factory: () => reference({ ...options, list: true, repositories }),
    otherBinding: () => reference({ ...options, list: true, repositories, binding: 'other' }),
  }
}

// The suite proves itself on the in-memory reference provider, once per capability profile.
describe('reference provider with AWS-style cross-account access', () => {
  artifactRegistryContractSuite({
    test: { describe, it },
    ...sideBySide({ crossAccount: 'aws' }),
  })
})

describe('reference provider with GCP-style cross-account access', () => {
  artifactRegistryContractSuite({
    test: { describe, it },
    factory: () => reference({ crossAccount: 'gcp' }),
  })
})

describe('reference provider with grants shared by every repository, as GAR keeps them', () => {
  artifactRegistryContractSuite({
    test: { describe, it },
    factory: () => reference({ crossAccount: 'gcp', sharedGrants: true }),
  })
})

describe('reference provider without cross-account access, implicit repositories', () => {
  artifactRegistryContractSuite({
    test: { describe, it },
    ...sideBySide({ crossAccount: null, implicitRepositories: true }),
  })
})
