import { describe, expect, it } from 'vitest'
import { unknownFieldProblem, unknownOptionIssues } from '../src/index.js'

const KNOWN = { region: true, replicationRegions: true, repositoryPrefix: true } as const

describe('unknownOptionIssues', () => {
  it('names a misspelt option and the option it is close to', () => {
    expect(
      unknownOptionIssues({ region: 'x', replicationRegion: ['eu-west-1'] }, KNOWN, 'aws()'),
    ).toEqual([
      {
        path: 'replicationRegion',
        message: 'is not an option of aws(); did you mean replicationRegions?',
      },
    ])
  })

  it('lists the known options when no one is close, one issue per unknown key', () => {
    expect(unknownOptionIssues({ zone: 'a', project: 'b' }, KNOWN, 'aws()')).toEqual([
      {
        path: 'zone',
        message:
          'is not an option of aws(); its options are region, replicationRegions, repositoryPrefix',
      },
      {
        path: 'project',
        message:
          'is not an option of aws(); its options are region, replicationRegions, repositoryPrefix',
      },
    ])
  })

  it('takes a case slip for a misspelling', () => {
    expect(unknownOptionIssues({ Region: 'x' }, ['region'], 'f()')[0]?.message).toBe(
      'is not an option of f(); did you mean region?',
    )
  })

  it('accepts known options and treats an unknown one set to undefined as left out', () => {
    expect(unknownOptionIssues({ region: 'x', typo: undefined }, KNOWN, 'aws()')).toEqual([])
  })

  it('leaves options that are no object, or an array, to the caller: no index is a misspelling', () => {
    // The caller reports `replicaWait: [1]` as no object; `replicaWait.0` would only add noise.
    for (const options of [[1], null, 'fast', 5]) {
      expect(unknownOptionIssues(options as object, KNOWN, 'replicaWait', 'replicaWait')).toEqual(
        [],
      )
    }
  })
})

describe('unknownFieldProblem', () => {
  const FIELDS = ['type', 'accountIds', 'roleArns'] as const

  it('names the first unknown field and the field it is close to', () => {
    expect(unknownFieldProblem({ type: 'aws', accountId: ['1'], extra: 1 }, FIELDS)).toBe(
      '"accountId" is not one of its fields; did you mean accountIds?',
    )
  })

  it('lists the fields when none is close, and quotes a key that holds quotes', () => {
    expect(unknownFieldProblem({ 'say "hi"': 1 }, FIELDS)).toBe(
      '"say \\"hi\\"" is not one of its fields; its fields are type, accountIds, roleArns',
    )
  })

  it('accepts known fields, and an unknown one set to undefined as left out', () => {
    expect(unknownFieldProblem({ type: 'aws', accountIds: [], typo: undefined }, FIELDS)).toBe(
      undefined,
    )
  })
})
