// Text shown to users that comes from the server: curator notes and search highlights.

/**
 * A curator note as users may see it: sentences that point into the curators' own working
 * documents ("§6 item 12 (✔).", "§5 row 5") are dropped; null when nothing is left.
 */
export function userNote(note: string | null | undefined): string | null {
  if (!note) return null;
  const sentences = note.split(/(?<=[.!?;])\s+/);
  const kept = sentences.filter((s) => !/§|\b(row|item|rij)\s+\d+\b|[✔◐✘]/i.test(s));
  const out = kept.join(' ').trim();
  return out === '' ? null : out;
}

export type Segment = { text: string; mark: boolean };

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", '#x27': "'", '#34': '"' };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e: string) => {
    const known = ENTITIES[e.toLowerCase()];
    if (known) return known;
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(n) && n > 0 && n < 0x110000 ? String.fromCodePoint(n) : m;
    }
    return m;
  });
}

/**
 * Splits a search-highlight fragment (server HTML: escaped text with `<mark>` and `</mark>`) into
 * plain-text segments, each marked or not. Only exactly `<mark>` and `</mark>` are treated as
 * markup; anything else stays text (and is rendered as text, never as HTML).
 */
export function highlightSegments(fragment: string): Segment[] {
  const out: Segment[] = [];
  let mark = false;
  for (const part of fragment.split(/(<mark>|<\/mark>)/)) {
    if (part === '<mark>') mark = true;
    else if (part === '</mark>') mark = false;
    else if (part !== '') out.push({ text: decode(part), mark });
  }
  return out;
}
