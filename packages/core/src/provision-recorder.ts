import type { ConfigIssue } from './errors.js'
import type { ProvisionChange, ProvisionOptionsBase } from './provision.js'
import { unknownKeys } from './unknown-options.js'

/**
 * Keeps the changes of one `provision` or `deprovision` run and applies them unless it is a dry
 * run, so every provider handles `dryRun`, `signal` and `onChange` the same way: a provider reads
 * the platform, decides a change, and hands the change with the call that makes it to
 * {@link ProvisionRecorder.apply}.
 */
export class ProvisionRecorder {
  readonly #changes: ProvisionChange[] = []
  readonly #options: ProvisionOptionsBase

  constructor(options: ProvisionOptionsBase = {}) {
    this.#options = options
  }

  /** `true` when changes are reported and not made. */
  get dryRun(): boolean {
    return this.#options.dryRun === true
  }

  /** The signal of the run, to pass on to platform calls. */
  get signal(): AbortSignal | undefined {
    return this.#options.signal
  }

  /** Every change so far, in the order decided. */
  get changes(): ProvisionChange[] {
    return [...this.#changes]
  }

  /** Throws the signal's reason when the run was cancelled; call before each platform call. */
  checkpoint(): void {
    this.#options.signal?.throwIfAborted()
  }

  /** Records a resource that is already as wanted. */
  unchanged(kind: string, id: string): void {
    this.#record({ action: 'unchanged', kind, id })
  }

  /**
   * Records `change`, then makes it with `make` unless this is a dry run (then `undefined`).
   * An `unchanged` change is recorded and `make` is not called.
   */
  async apply<T>(change: ProvisionChange, make: () => Promise<T>): Promise<T | undefined> {
    this.checkpoint()
    this.#record(change)
    if (this.dryRun || change.action === 'unchanged') return undefined
    const result = await make()
    this.checkpoint()
    return result
  }

  #record(change: ProvisionChange): void {
    this.#changes.push(change)
    this.#options.onChange?.(change)
  }
}

/**
 * Issues with the options of the run itself (`dryRun`, `force`, `signal`, `onChange`), for a
 * provider's options validation: a `dryRun` of `"true"` must never mean a real run.
 */
export function provisionRunIssues(options: Readonly<Record<string, unknown>>): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  for (const flag of ['dryRun', 'force']) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') {
      issues.push({ path: flag, message: 'must be true or false' })
    }
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    issues.push({ path: 'signal', message: 'must be an AbortSignal' })
  }
  if (options.onChange !== undefined && typeof options.onChange !== 'function') {
    issues.push({ path: 'onChange', message: 'must be a function' })
  }
  return issues
}

/** The fields of every provider's `provision` options that belong to the run itself. */
const RUN_FIELDS: readonly string[] = Object.keys({
  dryRun: true,
  signal: true,
  onChange: true,
} satisfies Record<keyof ProvisionOptionsBase, true>)

/**
 * Issues with fields of a provider's `provision` or `deprovision` options that are neither in
 * `fields` nor the run's own (`dryRun`, `signal`, `onChange`, and `force` when deprovisioning):
 * a misspelt `permissionsBoundaryArn` must be refused, not provision roles without a boundary. A
 * field set to `undefined` counts as left out.
 */
export function unknownProvisionFieldIssues(
  options: Readonly<Record<string, unknown>>,
  fields: readonly string[],
  purpose: 'provision' | 'deprovision',
): ConfigIssue[] {
  const known = [...fields, ...RUN_FIELDS, ...(purpose === 'deprovision' ? ['force'] : [])]
  return unknownKeys(options, known).map((key) => ({
    path: key,
    message: `is not an option of ${purpose}`,
  }))
}
