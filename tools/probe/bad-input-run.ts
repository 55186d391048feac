import { statuses } from './client.js'
import type { BadInput, ProbeContext } from './inputs/index.js'
import type { Ledger } from './ledger.js'
import { type RawOutcome, sendRaw } from './raw-http.js'

/** One bad input and how the registry answered it. */
export interface InputResult {
  category: string
  label: string
  outcome: RawOutcome | { kind: 'unbuildable'; error: string }
}

/** What the runner needs besides the inputs. */
export interface RunSettings {
  port: number
  /** The context of input `i`, whose `scratch()` is that input's own repository. */
  contextFor(i: number): ProbeContext
  ledger: Ledger
  /** Called every `everyInputs` inputs, e.g. to check that good pushes still work. */
  checkpoint(): Promise<void>
  everyInputs: number
  concurrency: number
}

/** Send every input (a few at a time) and note what a 201 claims to have stored. */
export async function runBadInputs(
  inputs: readonly BadInput[],
  settings: RunSettings,
): Promise<InputResult[]> {
  const results: InputResult[] = new Array(inputs.length)
  let next = 0
  let sinceCheckpoint = 0
  const worker = async (): Promise<void> => {
    while (next < inputs.length) {
      const i = next++
      const badInput = inputs[i]
      if (badInput === undefined) continue
      const ctx = settings.contextFor(i)
      let outcome: InputResult['outcome']
      try {
        outcome = await sendRaw(settings.port, await badInput.build(ctx), 30_000)
      } catch (error) {
        outcome = { kind: 'unbuildable', error: String(error) }
      }
      if (outcome.kind === 'answered') {
        statuses.push(outcome.status)
        const stored = outcome.status === 201 ? badInput.stored?.(ctx) : undefined
        if (stored !== undefined) settings.ledger.add(stored)
      }
      results[i] = { category: badInput.category, label: badInput.label, outcome }
      if (++sinceCheckpoint >= settings.everyInputs) {
        sinceCheckpoint = 0
        await settings.checkpoint()
      }
    }
  }
  await Promise.all(Array.from({ length: settings.concurrency }, worker))
  return results
}
