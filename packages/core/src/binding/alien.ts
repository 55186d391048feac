import { z } from 'zod'
import type { ConfigIssue } from '../errors.js'
import { nearestName, unknownKeys } from '../unknown-options.js'
import { BINDING_SCHEMAS } from './schemas.js'

/** The environment a binding may take ambient settings from. */
export type BindingEnv = Readonly<Record<string, string | undefined>>

const text = z.string().trim().min(1, 'must not be empty')

/** @internal The Alien binding shape per `service`; the core README documents it. */
export const ALIEN_SCHEMAS: Readonly<Record<'ecr' | 'gar' | 'acr' | 'local', z.ZodObject>> = {
  ecr: z.looseObject({
    service: z.literal('ecr'),
    repositoryPrefix: z.string(),
    pullRoleArn: text.optional(),
    pushRoleArn: text.optional(),
  }),
  gar: z.looseObject({
    service: z.literal('gar'),
    repositoryName: text,
    pullServiceAccountEmail: text.optional(),
    pushServiceAccountEmail: text.optional(),
  }),
  acr: z.looseObject({
    service: z.literal('acr'),
    registryName: text,
    resourceGroupName: text,
    repositoryPrefix: text.optional(),
  }),
  local: z.looseObject({
    service: z.literal('local'),
    registryUrl: text,
    dataDir: text.optional(),
  }),
}

/** A converted Alien binding plus how our field names map back to the caller's. */
export interface ConvertedAlienBinding {
  /** Our binding shape, not yet validated. */
  readonly binding: Record<string, unknown>
  /** Our field name → the Alien field (or environment variable) it came from. */
  readonly rename: Readonly<Record<string, string>>
  /** Issues found while converting (bad `service`, fields of the wrong type). */
  readonly issues: readonly ConfigIssue[]
}

/**
 * @internal Convert an Alien binding (`{"service": "ecr" | "gar" | "acr" | "local", ...}`) into
 * ours. Alien takes account, region and project from the ambient cloud configuration; we read
 * the same from the standard environment variables.
 */
export function fromAlienBinding(
  input: Record<string, unknown>,
  context: { bindingName: string; env: BindingEnv },
): ConvertedAlienBinding {
  const service = input.service
  // Own keys only: `"toString" in ALIEN_SCHEMAS` is true.
  if (typeof service !== 'string' || !Object.hasOwn(ALIEN_SCHEMAS, service)) {
    return {
      binding: {},
      rename: {},
      issues: [{ path: 'service', message: 'must be one of "ecr", "gar", "acr", "local"' }],
    }
  }
  const alienService = service as AlienService
  const parsed = ALIEN_SCHEMAS[alienService].safeParse(input)
  const issues = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))),
    ...strayFieldIssues(input, alienService),
  ]
  if (!parsed.success || issues.length > 0) return { binding: {}, rename: {}, issues }
  return convert(parsed.data as Record<string, string | undefined>, context)
}

// --- Internal ---

type AlienService = keyof typeof ALIEN_SCHEMAS

/** The platform each Alien service converts to. */
const ALIEN_PLATFORM: Readonly<Record<AlienService, keyof typeof BINDING_SCHEMAS>> = {
  ecr: 'aws',
  gar: 'gcp',
  acr: 'azure',
  local: 'local',
}

/**
 * The fields the Alien shape must not pass over in silence, though it ignores fields it does not
 * know: one of our binding's fields for the same platform (`region`, `replicationRegions`,
 * `adminCredentials`), which the conversion would drop, and a near misspelling of an Alien field
 * (`repositoryprefix`). Dropped, either changes what the runtime acts on without a word: the
 * region from the environment instead, grants that skip the replicas, or, for a lost ACR
 * `repositoryPrefix`, repositories anywhere in the registry instead of under the prefix.
 */
function strayFieldIssues(input: Record<string, unknown>, service: AlienService): ConfigIssue[] {
  const alienFields = Object.keys(ALIEN_SCHEMAS[service].shape)
  const platform = ALIEN_PLATFORM[service]
  const ourFields = Object.keys(BINDING_SCHEMAS[platform].shape)
  return unknownKeys(input, alienFields).flatMap((key): ConfigIssue[] => {
    if (ourFields.includes(key)) {
      const message = `is a field of the "${platform}" binding, not of the Alien "${service}" binding: write the binding with "platform": "${platform}" to set it`
      return [{ path: key, message }]
    }
    const near = nearestName(key, alienFields)
    if (near === undefined) return []
    return [
      {
        path: key,
        message: `is not a field of the Alien "${service}" binding; did you mean ${near}?`,
      },
    ]
  })
}

function convert(
  a: Record<string, string | undefined>,
  { bindingName, env }: { bindingName: string; env: BindingEnv },
): ConvertedAlienBinding {
  switch (a.service) {
    case 'ecr':
      return {
        binding: defined({
          platform: 'aws',
          region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
          repositoryPrefix: a.repositoryPrefix,
          pullRoleArn: a.pullRoleArn,
          pushRoleArn: a.pushRoleArn,
        }),
        rename: { region: 'region (from AWS_REGION or AWS_DEFAULT_REGION)' },
        issues: [],
      }
    case 'gar':
      return {
        binding: defined({
          platform: 'gcp',
          projectId: env.GOOGLE_CLOUD_PROJECT ?? env.GCLOUD_PROJECT ?? env.GCP_PROJECT,
          location: env.GOOGLE_CLOUD_LOCATION ?? env.GOOGLE_CLOUD_REGION,
          repository: a.repositoryName,
          pullServiceAccount: a.pullServiceAccountEmail,
          pushServiceAccount: a.pushServiceAccountEmail,
        }),
        rename: {
          projectId: 'projectId (from GOOGLE_CLOUD_PROJECT, GCLOUD_PROJECT or GCP_PROJECT)',
          location: 'location (from GOOGLE_CLOUD_LOCATION or GOOGLE_CLOUD_REGION)',
          repository: 'repositoryName',
          pullServiceAccount: 'pullServiceAccountEmail',
          pushServiceAccount: 'pushServiceAccountEmail',
        },
        issues: [],
      }
    case 'acr':
      return {
        binding: defined({
          platform: 'azure',
          subscriptionId: env.AZURE_SUBSCRIPTION_ID,
          resourceGroup: a.resourceGroupName,
          registryName: a.registryName,
          repositoryPrefix: a.repositoryPrefix,
        }),
        rename: {
          subscriptionId: 'subscriptionId (from AZURE_SUBSCRIPTION_ID)',
          resourceGroup: 'resourceGroupName',
        },
        issues: [],
      }
    default: {
      // Alien's local binding carries `dataDir` but never uses it with a URL; neither do we.
      const raw = a.registryUrl ?? ''
      const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`
      return {
        binding: { platform: 'local', url, bindingName },
        rename: { url: 'registryUrl' },
        issues: [],
      }
    }
  }
}

function defined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined))
}
