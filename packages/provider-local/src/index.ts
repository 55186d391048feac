/**
 * Platform id of this provider. The package is a placeholder: it exports no provider yet, so
 * `createArtifactRegistry({ platform: 'local' })` reports that it is not a usable provider.
 */
export const PLATFORM = 'local'
