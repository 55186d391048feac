import type { ContractTestContext } from '../types.js'
import { SkopeoFailure } from './data-plane-skopeo.js'

/**
 * How a registry's refusal of credentials reads in skopeo's output: the HTTP status, or the
 * OCI error codes and messages that come with it. "permission denied" is left out: that is the
 * local file system failing, not the registry refusing.
 */
const REFUSAL = /\b40[13]\b|unauthorized|forbidden|authentication required|(?<!permission )denied/i

/** How skopeo reports that a manifest does not exist. */
const NOT_FOUND = /manifest unknown|\b404\b|not found/i

/**
 * Await `operation`, which must fail because the registry refused the credentials. Any other
 * failure (no network, a crash, a missing manifest) fails the test: it would prove nothing about
 * what the credentials may do.
 */
export async function expectRefused(
  t: ContractTestContext,
  operation: Promise<unknown>,
  what: string,
): Promise<void> {
  const output = await failureOutput(operation, what)
  t.expect(output, `${what}: the registry must refuse the credentials`).toMatch(REFUSAL)
}

/** Await `operation`, which must fail because the manifest is not there. */
export async function expectNotFound(
  t: ContractTestContext,
  operation: Promise<unknown>,
  what: string,
): Promise<void> {
  const output = await failureOutput(operation, what)
  t.expect(output, `${what}: the manifest must be gone`).toMatch(NOT_FOUND)
  t.expect(output, `${what}: must fail as missing, not as refused`).not.toMatch(REFUSAL)
}

async function failureOutput(operation: Promise<unknown>, what: string): Promise<string> {
  try {
    await operation
  } catch (error) {
    if (error instanceof SkopeoFailure) return error.output
    throw error
  }
  throw new Error(`${what} succeeded, but it must fail`)
}
