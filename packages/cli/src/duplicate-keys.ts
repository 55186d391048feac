import type { ConfigIssue } from '@artifact-registry/core'
import { visit } from 'jsonc-parser'

/**
 * Every key given twice in one object of `text`, by dotted path. `JSON.parse` keeps the last of
 * them without a word, while whoever reads the file sees the first: a second `permission` (or a
 * second entry for a host) further down turned a `pull` the reader trusts into `push-pull`. Keys
 * are compared decoded (`"perm\u0069ssion"` is `permission`). `text` must be JSON that
 * `JSON.parse` accepts.
 */
export function duplicateKeyIssues(text: string): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  // The keys of each object being read, innermost last: an object starts a set of its own, so
  // two objects under the same path (a host given twice) are not mistaken for one.
  const open: Set<string>[] = []
  visit(text, {
    onObjectBegin: () => {
      open.push(new Set())
    },
    onObjectEnd: () => {
      open.pop()
    },
    onObjectProperty: (key, _offset, _length, _line, _column, pathOf) => {
      const keys = open.at(-1)
      if (keys?.has(key)) {
        issues.push({
          path: [...pathOf(), key].join('.'),
          message: 'is given more than once (JSON keeps only the last): keep one',
        })
      }
      keys?.add(key)
    },
  })
  return issues
}
