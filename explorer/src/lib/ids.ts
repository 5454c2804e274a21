// Mapping between Kring node ids (IRIs such as `kring:workmodel/persoonlijke-vriend`) and the
// explorer's URLs (`/workmodel/persoonlijke-vriend`).

export const PREFIX = 'kring:';

/** Kinds that have their own page at /<kind>/<slug>. */
export const PAGE_KINDS = ['workmodel', 'method', 'initiative', 'outcome', 'source'] as const;
export type PageKind = (typeof PAGE_KINDS)[number];

/** Splits an id into its kind and slug: `kring:method/fgc` → {kind: 'method', slug: 'fgc'}. */
export function parseId(id: string): { kind: string; slug: string } | null {
  const rest = id.startsWith(PREFIX) ? id.slice(PREFIX.length) : id;
  const i = rest.indexOf('/');
  if (i <= 0 || i === rest.length - 1) return null;
  return { kind: rest.slice(0, i), slug: rest.slice(i + 1) };
}

/** Builds the id of a page kind and slug: ('method', 'fgc') → `kring:method/fgc`. */
export function toId(kind: string, slug: string): string {
  return `${PREFIX}${kind}/${slug}`;
}

/** Drops the `kring:` prefix (for display). */
export function shortId(id: string): string {
  return id.startsWith(PREFIX) ? id.slice(PREFIX.length) : id;
}

function isPageKind(k: string): k is PageKind {
  return (PAGE_KINDS as readonly string[]).includes(k);
}

/**
 * The explorer path of a node (without the language parameter). Nodes with their own page map to
 * /<kind>/<slug>; batches to /batches?open=<id>; recommendations, and the study's questions,
 * parameters and experiences, to their page focused on them; anything else to the graph view
 * focused on it.
 */
export function idToPath(id: string): string {
  const p = parseId(id);
  if (p && isPageKind(p.kind) && !p.slug.includes('/')) {
    return `/${p.kind}/${encodeURIComponent(p.slug)}`;
  }
  if (p && p.kind === 'batch') return `/batches?open=${encodeURIComponent(id)}`;
  if (p && p.kind === 'recommendation') return `/aanbevelingen?focus=${encodeURIComponent(id)}`;
  if (p && (p.kind === 'question' || p.kind === 'parameter' || p.kind === 'experience')) return `/over?focus=${encodeURIComponent(id)}`;
  return `/graph?focus=${encodeURIComponent(id)}`;
}

/** The node id a page path refers to, or null: `/method/fgc` → `kring:method/fgc`. */
export function pathToId(path: string): string | null {
  const m = /^\/([a-z]+)\/([^/?#]+)\/?$/.exec(path);
  if (!m || !isPageKind(m[1])) return null;
  let slug: string;
  try {
    slug = decodeURIComponent(m[2]);
  } catch {
    return null;
  }
  return toId(m[1], slug);
}
