import GithubSlugger from 'github-slugger'
import { Lexer } from 'marked'

/**
 * The anchors GitHub gives the headings of a markdown document (`## Session policies` →
 * `session-policies`; a repeated heading gets `-1`, `-2`, …).
 */
export function headingAnchors(markdown: string): Set<string> {
  const slugger = new GithubSlugger()
  const anchors = new Set<string>()
  for (const token of Lexer.lex(markdown)) {
    if (token.type === 'heading') anchors.add(slugger.slug(plainText(token.text)))
  }
  return anchors
}

// Inline markup is not part of the heading's text: `**x**` and `` `x` `` slug as `x`.
function plainText(inline: string): string {
  return inline.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
}
