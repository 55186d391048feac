/** Ids of the built-in naming rule sets. */
export type NamingRuleId = 'ecr' | 'gar' | 'acr' | 'acr-scope-map' | 'gcp-service-account' | 'oci'

/** The naming rules of one kind of platform name. */
export interface NamingRule {
  readonly id: NamingRuleId
  /** Human description used in error messages. */
  readonly description: string
  /** Shortest valid name, in characters. */
  readonly minLength: number
  /** Longest valid name, in characters. */
  readonly maxLength: number
  /** Upper case is not allowed: adapted names are lowered. */
  readonly lowercaseOnly: boolean
  /** `/` separates path components (each component must match `component`). */
  readonly paths: boolean
  /** A valid component (or the whole name when `paths` is false). */
  readonly component: RegExp
  /** Characters that may join alphanumeric runs inside a component. */
  readonly separators: string
  /** The name must start with a letter. */
  readonly startsWithLetter: boolean
  /** Hex digits of the hash an adapted name ends with. @default 24 (96 bits) */
  readonly hashLength?: number
}

// The OCI distribution grammar for one path component of a repository name.
const OCI_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/

// The OCI distribution grammar for a whole repository name: what GAR, ACR and an OCI registry
// accept alike, so those rule sets differ only in id and description (ECR narrows it).
const OCI_REPOSITORY = {
  minLength: 1,
  maxLength: 255,
  lowercaseOnly: true,
  paths: true,
  component: OCI_COMPONENT,
  separators: '._-',
  startsWithLetter: false,
} as const

/** The built-in rule sets, one per kind of platform name. */
export const NAMING_RULES: Readonly<Record<NamingRuleId, NamingRule>> = {
  ecr: {
    id: 'ecr',
    description:
      'ECR repository name (2-256 characters, lowercase, components joined by single . _ or -)',
    // The OCI grammar with a longer limit and one separator character at a time.
    ...OCI_REPOSITORY,
    minLength: 2,
    maxLength: 256,
    component: /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
  },
  gar: {
    id: 'gar',
    description:
      'Artifact Registry image path (lowercase OCI repository grammar, at most 255 characters)',
    ...OCI_REPOSITORY,
  },
  acr: {
    id: 'acr',
    description: 'ACR repository name (lowercase OCI repository grammar, at most 255 characters)',
    ...OCI_REPOSITORY,
  },
  'acr-scope-map': {
    id: 'acr-scope-map',
    description:
      'ACR scope-map name (5-50 letters, digits and single hyphens, starting with a letter)',
    minLength: 5,
    maxLength: 50,
    lowercaseOnly: false,
    paths: false,
    component: /^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*$/,
    separators: '-',
    startsWithLetter: true,
    // 48 bits: a deliberate collision gains nothing here, since a scope map or token found by
    // name that belongs to another repository is refused (CONFLICT), never used; and ACR's 50
    // characters keep more of the name readable. Scope maps and tokens are found by name alone,
    // so this length also keeps the names earlier versions gave them.
    hashLength: 12,
  },
  'gcp-service-account': {
    id: 'gcp-service-account',
    description:
      'GCP service account id (6-30 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen)',
    minLength: 6,
    maxLength: 30,
    lowercaseOnly: true,
    paths: false,
    component: /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/,
    separators: '-',
    startsWithLetter: true,
  },
  oci: {
    id: 'oci',
    description: 'OCI repository name (lowercase, components joined by /, at most 255 characters)',
    ...OCI_REPOSITORY,
  },
}
