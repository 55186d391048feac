/**
 * An ACR repository name, as a regular expression's source (no anchors): the OCI grammar, path
 * components whose runs of lower-case letters and digits join with `.`, `_`, `__` or any number of
 * `-` (`web__app`, `team/a--b`). Scope maps and token scopes name repositories in it.
 */
export const REPOSITORY_NAME_SOURCE: string = (() => {
  const component = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*'
  return `${component}(?:\\/${component})*`
})()
