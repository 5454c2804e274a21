// Search helpers: accent-insensitive matching, hits and facets.

export interface Hit {
  id: string;
  type: string;
  title: string;
  status?: string;
  snippet?: string | null;
}

/** Lower-cases and strips accents: "Één Buddy" → "een buddy". */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Whether any of the texts contains the query (case- and accent-insensitive). */
export function matches(q: string, ...texts: (string | null | undefined)[]): boolean {
  const f = fold(q.trim());
  if (!f) return false;
  return texts.some((t) => !!t && fold(t).includes(f));
}

/** Counts hits per value of a key, in first-seen order. */
export function facet(hits: Hit[], key: (h: Hit) => string | undefined): [string, number][] {
  const m = new Map<string, number>();
  for (const h of hits) {
    const k = key(h);
    if (k) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m.entries()];
}

/** Keeps hits whose type and status are among the selected ones (an empty selection keeps all). */
export function applyFacets(hits: Hit[], types: string[], statuses: string[]): Hit[] {
  return hits.filter((h) => (types.length === 0 || types.includes(h.type)) && (statuses.length === 0 || (h.status && statuses.includes(h.status))));
}

/** Removes duplicate ids, keeping the first. */
export function dedupe(hits: Hit[]): Hit[] {
  const seen = new Set<string>();
  return hits.filter((h) => (seen.has(h.id) ? false : (seen.add(h.id), true)));
}

/** A short excerpt of a text around the first occurrence of the query. */
export function snippet(text: string | null | undefined, q: string, width = 160): string | null {
  if (!text) return null;
  const i = fold(text).indexOf(fold(q.trim()));
  if (i < 0) return text.length > width ? text.slice(0, width) + '…' : text;
  let start = Math.max(0, i - Math.floor(width / 3));
  if (start > 0) {
    // Start at a word boundary before the match.
    const sp = text.indexOf(' ', start);
    if (sp >= 0 && sp < i) start = sp + 1;
  }
  const s = text.slice(start, start + width);
  return (start > 0 ? '…' : '') + s + (start + width < text.length ? '…' : '');
}

/** The node type of a GraphQL object: its __typename, with Method split by kind. */
export function typeOfNode(n: { __typename?: string; kind?: string }): string {
  switch (n.__typename) {
    case 'Method':
      return n.kind === 'INITIATIVE' ? 'INITIATIVE' : 'METHOD';
    case 'WorkModel':
      return 'WORK_MODEL';
    case 'TargetGroup':
      return 'TARGET_GROUP';
    case 'OutcomeClaim':
      return 'OUTCOME_CLAIM';
    case 'PolicyRecommendation':
      return 'POLICY_RECOMMENDATION';
    case 'PolicyAction':
      return 'POLICY_ACTION';
    default:
      return (n.__typename ?? 'OTHER').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
  }
}
