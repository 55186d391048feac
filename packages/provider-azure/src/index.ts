/**
 * Platform id of this provider. The package is a placeholder: it exports no provider yet, so
 * `createArtifactRegistry({ platform: 'azure' })` reports that it is not a usable provider.
 */
export const PLATFORM = 'azure'
