import { chmod, readFile, writeFile } from 'node:fs/promises'
import { delimiter, join } from 'node:path'

/** An Entra ID access token as `@azure/identity` hands one out (its `AccessToken`). */
export interface EntraAccessToken {
  readonly token: string
  readonly expiresOnTimestamp: number
}

/** Options of {@link fakeAzureCli}. */
export interface FakeAzureCliOptions {
  /** Issues the token of a `.default` scope, e.g. a real credential signed in at a fake's Entra ID. */
  readonly getToken: (scope: string) => Promise<EntraAccessToken | null>
  /** The resources `az` has tokens for (`https://management.azure.com`, …); any other is refused. */
  readonly resources: readonly string[]
  /** The `subscription` and `tenant` its answers name, as `az` reports the signed-in account's. */
  readonly subscription: string
  readonly tenant: string
}

/** An `az` stand-in on disk: put {@link FakeAzureCli.env} in a process's environment to use it. */
export interface FakeAzureCli {
  /** `PATH` with the stand-in first, and `AZURE_TOKEN_CREDENTIALS` narrowing the default chain to it. */
  readonly env: { PATH: string; AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential' }
  /** The argument lists it was called with, in order, each joined by spaces. */
  calls(): Promise<string[]>
}

const GET_ACCESS_TOKEN = 'account get-access-token --output json --resource'

/**
 * Write to `dir` an `az` that answers `az account get-access-token --output json --resource <r>`
 * as the Azure CLI of a signed-in account does (`accessToken`, `expiresOn`, `expires_on`,
 * `subscription`, `tenant`, `tokenType`), with tokens issued up front by `getToken`: what
 * `AzureCliCredential` runs. Any other call, or another resource, fails as `az` does (exit code
 * 1 or 2, `ERROR:` on stderr). It is a `/bin/sh` script of shell built-ins only, so the process
 * that runs it needs nothing else on `PATH`, and it never reaches the network.
 */
export async function fakeAzureCli(
  dir: string,
  options: FakeAzureCliOptions,
): Promise<FakeAzureCli> {
  const log = join(dir, 'az-calls.log')
  const answers: string[] = []
  for (const resource of options.resources) {
    const issued = await options.getToken(`${resource}/.default`)
    if (issued === null) throw new Error(`no token for ${resource}`)
    answers.push(
      `  ${shellQuoted(resource)}) printf '%s\\n' ${shellQuoted(answerOf(issued, options))} ;;`,
    )
  }
  const script = [
    '#!/bin/sh',
    `printf '%s\\n' "$*" >> ${shellQuoted(log)}`,
    `if [ "$#" -ne 6 ] || [ "$1 $2 $3 $4 $5" != ${shellQuoted(GET_ACCESS_TOKEN)} ]; then`,
    `  echo "ERROR: this az only answers: az ${GET_ACCESS_TOKEN} <resource>" >&2`,
    '  exit 2',
    'fi',
    'case "$6" in',
    ...answers,
    `  *) echo "ERROR: AADSTS500011: The resource principal named $6 was not found." >&2; exit 1 ;;`,
    'esac',
    '',
  ].join('\n')
  await writeFile(join(dir, 'az'), script)
  await writeFile(log, '')
  await chmod(join(dir, 'az'), 0o755)
  return {
    env: {
      PATH: [dir, process.env.PATH].filter(Boolean).join(delimiter),
      AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential',
    },
    calls: async () => (await readFile(log, 'utf8')).split('\n').filter(Boolean),
  }
}

// --- Internal ---

/** What `az account get-access-token --output json` prints for one token. */
function answerOf(issued: EntraAccessToken, options: FakeAzureCliOptions): string {
  return JSON.stringify({
    accessToken: issued.token,
    // The CLI's local time without a zone; `expires_on` (seconds) is what readers prefer.
    expiresOn: localTime(new Date(issued.expiresOnTimestamp)),
    expires_on: Math.floor(issued.expiresOnTimestamp / 1000),
    subscription: options.subscription,
    tenant: options.tenant,
    tokenType: 'Bearer',
  })
}

function localTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0')
  const day = `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`
  return `${day} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.000000`
}

/** `text` in single quotes for `/bin/sh`: literal, whatever it holds. */
function shellQuoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`
}
