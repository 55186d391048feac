import { inspect, isDeepStrictEqual } from 'node:util'
import { expect } from 'vitest'
import type { ExpectedDifference, Observation } from './observation.js'

/** How one step compared: `known` means it differed as a declared difference says. */
export type StepVerdict = 'same' | 'known' | 'DIFFERENT' | 'NOT RUN'

/** One step side by side. */
export interface StepComparison {
  step: string
  ours: Observation | undefined
  reference: Observation | undefined
  verdict: StepVerdict
  /** The declared difference's reason, for a `known` step. */
  reason?: string
}

/** The comparison of two runs of one scenario; it passes when `problems` is empty. */
export interface Comparison {
  steps: StepComparison[]
  /** One sentence per thing that fails the comparison, with both answers in full. */
  problems: string[]
}

/**
 * Compares two runs of the same scenario step by step: the same steps in the same order, each
 * observation equal on both, except the steps `declared` names. Those must differ as declared
 * on each side, and when both sides declare the same status everything the declaration does
 * not mention must still agree. A declaration that never applies is a problem too, and no
 * declaration may excuse a difference in `outcome`.
 */
export function compareRuns(
  ours: readonly Observation[],
  reference: readonly Observation[],
  declared: readonly ExpectedDifference[] = [],
): Comparison {
  const problems: string[] = []
  for (const difference of declared) {
    if ('outcome' in difference.ours || 'outcome' in difference.reference) {
      throw new TypeError(`${difference.step}: an outcome must be the same; declare a detail`)
    }
  }
  const ourSteps = ours.map((o) => o.step)
  const referenceSteps = reference.map((o) => o.step)
  if (!isDeepStrictEqual(ourSteps, referenceSteps)) {
    problems.push(`steps differ: ours ${list(ourSteps)}, reference ${list(referenceSteps)}`)
  }
  const steps = [...new Set([...ourSteps, ...referenceSteps])].map((step): StepComparison => {
    const mine = ours.find((o) => o.step === step)
    const theirs = reference.find((o) => o.step === step)
    const difference = declared.find((d) => d.step === step)
    if (!mine || !theirs) return { step, ours: mine, reference: theirs, verdict: 'NOT RUN' }
    if (!difference) {
      if (holds(() => expect(mine).toEqual(theirs))) {
        return { step, ours: mine, reference: theirs, verdict: 'same' }
      }
      problems.push(`step "${step}": ours ${show(mine)}, reference ${show(theirs)}`)
      return { step, ours: mine, reference: theirs, verdict: 'DIFFERENT' }
    }
    const before = problems.length
    const declaredAs = (side: string, actual: Observation, declaration: Partial<Observation>) => {
      if (holds(() => expect(actual).toMatchObject(declaration))) return
      problems.push(
        `step "${step}": ${side} ${show(actual)}, not as declared: ${show(declaration)} (${difference.reason})`,
      )
    }
    declaredAs('ours', mine, difference.ours)
    declaredAs('reference', theirs, difference.reference)
    // Different statuses are different kinds of answer (a manifest vs an error): nothing to align.
    if (difference.ours.status === difference.reference.status) {
      const [a, b] = [without(mine, difference), without(theirs, difference)]
      if (!holds(() => expect(a).toEqual(b))) {
        problems.push(
          `step "${step}", besides the declared difference: ours ${show(a)}, reference ${show(b)}`,
        )
      }
    }
    const verdict = problems.length > before ? 'DIFFERENT' : 'known'
    return { step, ours: mine, reference: theirs, verdict, reason: difference.reason }
  })
  for (const { step } of declared) {
    if (!ourSteps.includes(step)) problems.push(`declared difference "${step}" is no step`)
  }
  return { steps, problems }
}

// --- internal ---

function list(steps: readonly string[]): string {
  return `[${steps.join(', ')}]`
}

/** Whether the assertion `check` makes holds (vitest's matchers, asymmetric ones included). */
function holds(check: () => void): boolean {
  try {
    check()
    return true
  } catch {
    return false
  }
}

/** A value on one line, in full: a failing comparison shows both answers. */
function show(value: unknown): string {
  return inspect(value, { depth: null, breakLength: Number.POSITIVE_INFINITY })
}

/** The observation without what `difference` declares on either side. */
function without(observation: Observation, difference: ExpectedDifference): Observation {
  const copy: Observation = { ...observation, headers: { ...observation.headers } }
  for (const side of [difference.ours, difference.reference]) {
    for (const key of Object.keys(side) as (keyof Observation)[]) {
      if (key === 'headers') {
        for (const header of Object.keys(side.headers ?? {})) delete copy.headers?.[header]
      } else if (key !== 'step') {
        delete copy[key]
      }
    }
  }
  return copy
}
