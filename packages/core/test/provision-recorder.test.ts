import { describe, expect, it } from 'vitest'
import { type ProvisionChange, ProvisionRecorder, provisionRunIssues } from '../src/index.js'

const role: ProvisionChange = { action: 'create', kind: 'iam-role', id: 'acme-pull' }

describe('ProvisionRecorder', () => {
  it('makes a change and reports it, in order, to onChange and in changes', async () => {
    const seen: ProvisionChange[] = []
    const recorder = new ProvisionRecorder({ onChange: (change) => seen.push(change) })
    recorder.unchanged('iam-role', 'acme-push')
    expect(await recorder.apply(role, async () => 'made')).toBe('made')
    expect(recorder.changes).toEqual([
      { action: 'unchanged', kind: 'iam-role', id: 'acme-push' },
      role,
    ])
    expect(seen).toEqual(recorder.changes)
  })

  it('in a dry run records the change and never makes it', async () => {
    const recorder = new ProvisionRecorder({ dryRun: true })
    let made = false
    expect(
      await recorder.apply(role, async () => {
        made = true
      }),
    ).toBeUndefined()
    expect(made).toBe(false)
    expect(recorder.changes).toEqual([role])
  })

  it('does not call make for an unchanged resource', async () => {
    const recorder = new ProvisionRecorder()
    let made = false
    await recorder.apply({ action: 'unchanged', kind: 'iam-role', id: 'x' }, async () => {
      made = true
    })
    expect(made).toBe(false)
  })

  it('stops with the signal reason before making a change once cancelled', async () => {
    const controller = new AbortController()
    const recorder = new ProvisionRecorder({ signal: controller.signal })
    controller.abort(new Error('cancelled by user'))
    let made = false
    await expect(
      recorder.apply(role, async () => {
        made = true
      }),
    ).rejects.toThrow('cancelled by user')
    expect(made).toBe(false)
    expect(recorder.changes).toEqual([])
  })
})

describe('provisionRunIssues', () => {
  it('accepts absent and well-typed run options', () => {
    expect(provisionRunIssues({})).toEqual([])
    expect(
      provisionRunIssues({
        dryRun: true,
        force: false,
        signal: new AbortController().signal,
        onChange: () => {},
      }),
    ).toEqual([])
  })

  it('names each badly typed run option, so "true" never means a real run', () => {
    expect(
      provisionRunIssues({ dryRun: 'true', force: 1, signal: {}, onChange: 'log' }).map(
        (issue) => issue.path,
      ),
    ).toEqual(['dryRun', 'force', 'signal', 'onChange'])
  })
})
