// The evidence matrix as the server computes it (Query.matrix), and everything the page needs to
// show it honestly: the colour scales (claim count or confidence, never direction), the
// direction encoding (+ / 0 / − / ± counts and a split bar, in text and colour), the URL state
// and the SVG image built from the same numbers as the table on screen.

export const AXES = [
  'WORK_MODEL',
  'METHOD',
  'ACTOR_TYPE',
  'TARGET_GROUP',
  'SUPPORT_FUNCTION',
  'OUTCOME_DOMAIN',
  'OUTCOME',
  'PRECONDITION_CATEGORY',
  'SOURCE_TYPE',
  'REGION',
] as const;
export type Axis = (typeof AXES)[number];

export const STUDY_DESIGNS = ['PRACTICE_EXPERIENCE', 'QUALITATIVE', 'PRE_POST', 'QUASI_EXPERIMENTAL', 'RCT', 'SYSTEMATIC_REVIEW_META'] as const;
export type StudyDesign = (typeof STUDY_DESIGNS)[number];
export const DIRECTIONS = ['POSITIVE', 'NONE', 'NEGATIVE', 'MIXED'] as const;
export type Direction = (typeof DIRECTIONS)[number];
/** Weakest first, as the colour scale runs. */
export const CONFIDENCE_LEVELS = ['VERY_LOW', 'LOW', 'MODERATE', 'HIGH'] as const;
export type ConfidenceLevel = (typeof CONFIDENCE_LEVELS)[number];

/** Vocabulary codes of the enum-valued filters (the labels come from the API's concepts). */
export const ENUM_AXIS_VALUES: Partial<Record<Axis, { scheme: string; codes: string[] }>> = {
  SOURCE_TYPE: {
    scheme: 'SourceType',
    codes: ['ACADEMIC_NL', 'ACADEMIC_ANGLO', 'GREY_BE', 'GREY_NL', 'POLICY_DOC', 'INTERVENTION_DB_ENTRY', 'PRACTICE_HANDBOOK', 'THESIS', 'PRESS', 'WEB_PAGE', 'STAKEHOLDER_INPUT'],
  },
};

export interface AxisValue {
  key: string;
  label: string;
  /** The explicit "none" row or column: claims whose subject has no value on the axis. */
  isNone?: boolean;
  /** Status of the node behind the value (work models, methods, ...); null for codes. */
  status?: string | null;
  /** The broader term this value rolls up into, or null. */
  broader?: string | null;
  /** 0 for top terms, 1 for their narrower terms, ... */
  depth?: number;
}

export interface MatrixCell {
  row: string;
  column: string;
  claimCount: number;
  sourceCount: number;
  positive: number;
  none: number;
  negative: number;
  mixed: number;
  strongestDesign: StudyDesign | null;
  highestEvidenceLevel?: string | null;
  confidence: ConfidenceLevel | null;
  /** Claims counted here only through an implementing initiative. */
  viaCount: number;
  /** Claims whose claim, counting assignment or a source is not CONFIRMED. */
  unconfirmedCount: number;
}

export interface Matrix {
  rows: AxisValue[];
  columns: AxisValue[];
  cells: MatrixCell[];
  gaps: number;
}

/** The server's Matrix.table: the non-empty cells as columns, entry i of each for cell i. */
export interface MatrixTable {
  row: number[];
  column: number[];
  claimCount: number[];
  sourceCount: number[];
  positive: number[];
  none: number[];
  negative: number[];
  mixed: number[];
  strongestDesign: (StudyDesign | null)[];
  highestEvidenceLevel: (string | null)[];
  confidence: (ConfidenceLevel | null)[];
  viaCount: number[];
  unconfirmedCount: number[];
}

/** A matrix as the server sends it with `table` instead of `cells`. */
export interface TableMatrix {
  rows: AxisValue[];
  columns: AxisValue[];
  gaps: number;
  table: MatrixTable;
}

/** Turns a table-form matrix into one with a cell object per non-empty cell. */
export function fromTable(m: TableMatrix): Matrix {
  const t = m.table;
  const cells: MatrixCell[] = t.row.map((r, i) => ({
    row: m.rows[r].key,
    column: m.columns[t.column[i]].key,
    claimCount: t.claimCount[i],
    sourceCount: t.sourceCount[i],
    positive: t.positive[i],
    none: t.none[i],
    negative: t.negative[i],
    mixed: t.mixed[i],
    strongestDesign: t.strongestDesign[i],
    highestEvidenceLevel: t.highestEvidenceLevel[i],
    confidence: t.confidence?.[i] ?? null,
    viaCount: t.viaCount?.[i] ?? 0,
    unconfirmedCount: t.unconfirmedCount?.[i] ?? 0,
  }));
  return { rows: m.rows, columns: m.columns, cells, gaps: m.gaps };
}

export function cellKey(row: string, column: string): string {
  return `${row}\u0000${column}`;
}

/** Index of a matrix's cells by row and column. */
export function indexCells(m: Matrix): Map<string, MatrixCell> {
  const idx = new Map<string, MatrixCell>();
  for (const c of m.cells) idx.set(cellKey(c.row, c.column), c);
  return idx;
}

// --- Colour scales ----------------------------------------------------------------------------
// The fill of a cell says how much (claim count) or how sure (confidence), never whether the
// result is good: direction has its own encoding (below), in text and in a split bar.

export type ColourBy = 'count' | 'confidence';

/** Five steps of a sequential blue scale (light → dark), for claim counts. */
export const COUNT_PALETTE = ['#deebf7', '#9ecae1', '#6baed6', '#2171b5', '#08306b'];
/** Four steps of a sequential purple scale, for VERY_LOW … HIGH confidence. */
export const CONFIDENCE_PALETTE = ['#efedf5', '#bcbddc', '#807dba', '#4a1486'];

/** The colour step (0..4) of a count given the scale's maximum, or -1 for an empty cell. */
export function colourStep(value: number, max: number): number {
  if (value <= 0 || max <= 0) return -1;
  const t = Math.min(1, value / max);
  return Math.max(0, Math.min(COUNT_PALETTE.length - 1, Math.ceil(t * COUNT_PALETTE.length) - 1));
}

export function confidenceRank(level: string | null | undefined): number {
  return level ? (CONFIDENCE_LEVELS as readonly string[]).indexOf(level) : -1;
}

function channel(c: number): number {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
}

export function luminance(hex: string): number {
  const h = hex.replace('#', '');
  const r = parseInt(h.slice(0, 2), 16);
  const g = parseInt(h.slice(2, 4), 16);
  const b = parseInt(h.slice(4, 6), 16);
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** WCAG contrast ratio of two colours. */
export function contrast(a: string, b: string): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** Black or white text, whichever contrasts more with the background. */
export function textColourOn(bg: string): string {
  return contrast(bg, '#000000') >= contrast(bg, '#ffffff') ? '#000000' : '#ffffff';
}

/** Background and text colour of a cell, or null for a gap (and for a cell of unknown confidence). */
export function cellColours(cell: MatrixCell | undefined, by: ColourBy, maxCount: number): { bg: string; fg: string } | null {
  if (!cell || cell.claimCount === 0) return null;
  let bg: string | undefined;
  if (by === 'count') {
    const s = colourStep(cell.claimCount, maxCount);
    bg = s < 0 ? undefined : COUNT_PALETTE[s];
  } else {
    const r = confidenceRank(cell.confidence);
    bg = r < 0 ? undefined : CONFIDENCE_PALETTE[r];
  }
  return bg ? { bg, fg: textColourOn(bg) } : null;
}

/** For a count legend: the integer values 1..max that fall in each colour step (empty steps left out). */
export function legendSteps(max: number): { step: number; from: number; to: number }[] {
  const out: { step: number; from: number; to: number }[] = [];
  for (let v = 1; v <= max; v++) {
    const s = colourStep(v, max);
    const last = out[out.length - 1];
    if (last && last.step === s) last.to = v;
    else out.push({ step: s, from: v, to: v });
  }
  return out;
}

/** The legend of the current colour scale: swatch colour and what it stands for. */
export function legendEntries(by: ColourBy, maxCount: number, confidenceText: (l: ConfidenceLevel) => string): { colour: string; text: string }[] {
  if (by === 'confidence') return CONFIDENCE_LEVELS.map((l, i) => ({ colour: CONFIDENCE_PALETTE[i], text: confidenceText(l) }));
  return legendSteps(maxCount).map((s) => ({ colour: COUNT_PALETTE[s.step], text: s.from === s.to ? String(s.from) : `${s.from}–${s.to}` }));
}

// --- Direction --------------------------------------------------------------------------------

/** Symbols of the directions: text, so that direction never rests on colour alone. */
export const DIRECTION_SYMBOL: Record<Direction, string> = { POSITIVE: '+', NONE: '0', NEGATIVE: '−', MIXED: '±' };
/**
 * Colours of the directions: green-ish for positive, grey for no effect, red-ish for negative,
 * amber for mixed. Each contrasts at least 4.5:1 with white (the chip they are drawn on).
 */
export const DIRECTION_COLOUR: Record<Direction, string> = { POSITIVE: '#1a7a3c', NONE: '#57606a', NEGATIVE: '#b3261e', MIXED: '#8a5300' };

const COUNT_OF: Record<Direction, (c: MatrixCell) => number> = {
  POSITIVE: (c) => c.positive,
  NONE: (c) => c.none,
  NEGATIVE: (c) => c.negative,
  MIXED: (c) => c.mixed,
};

/** The directions of a cell with their counts, in a fixed order, leaving out the zero ones. */
export function directionParts(c: MatrixCell): { direction: Direction; count: number; symbol: string; colour: string }[] {
  return DIRECTIONS.map((d) => ({ direction: d, count: COUNT_OF[d](c), symbol: DIRECTION_SYMBOL[d], colour: DIRECTION_COLOUR[d] })).filter((p) => p.count > 0);
}

/** A thin space between a direction's symbol and its count, so that "0 1" never reads as "01". */
export const THIN = '\u2009';

/** The direction counts as short text: "+ 2 − 1" (with thin spaces). */
export function directionText(c: MatrixCell): string {
  return directionParts(c)
    .map((p) => `${p.symbol}${THIN}${p.count}`)
    .join(' ');
}

/**
 * What the cell's results say as a whole: the one direction when all its claims agree, MIXED when
 * they disagree (more than one direction, or a MIXED claim), null for an empty cell. A cell is
 * only ever POSITIVE when it has no negative, no-effect or mixed result.
 */
export function directionLean(c: MatrixCell | undefined): Direction | null {
  if (!c || c.claimCount === 0) return null;
  const parts = directionParts(c);
  if (parts.length === 1) return parts[0].direction;
  return parts.length === 0 ? null : 'MIXED';
}

/** Segments of the split bar: each direction's share of the cell's claims (fractions summing to 1). */
export function barSegments(c: MatrixCell): { direction: Direction; colour: string; fraction: number }[] {
  const parts = directionParts(c);
  const total = parts.reduce((n, p) => n + p.count, 0);
  return total === 0 ? [] : parts.map((p) => ({ direction: p.direction, colour: p.colour, fraction: p.count / total }));
}

// --- URL state ----------------------------------------------------------------------------------

export type TermMode = 'ROLLED_UP' | 'AS_CODED';

export interface MatrixState {
  rows: Axis;
  cols: Axis;
  by: ColourBy;
  directions: Direction[];
  minDesign?: StudyDesign;
  sourceType?: string;
  confirmedOnly: boolean;
  terms: TermMode;
  via: boolean;
  cell: { row: string; column: string } | null;
}

export function isAxis(v: string | undefined): v is Axis {
  return !!v && (AXES as readonly string[]).includes(v);
}

const split = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);

/** The matrix page's state from its URL query (unknown values fall back to the defaults). */
export function matrixState(q: Record<string, string | undefined>): MatrixState {
  const sourceTypes = ENUM_AXIS_VALUES.SOURCE_TYPE!.codes;
  return {
    rows: isAxis(q.rows) ? q.rows : 'WORK_MODEL',
    cols: isAxis(q.cols) ? q.cols : 'OUTCOME_DOMAIN',
    by: q.by === 'count' ? 'count' : 'confidence',
    directions: [...new Set(split(q.dir))].filter((d): d is Direction => (DIRECTIONS as readonly string[]).includes(d)),
    minDesign: (STUDY_DESIGNS as readonly string[]).includes(q.minDesign ?? '') ? (q.minDesign as StudyDesign) : undefined,
    sourceType: sourceTypes.includes(q.stype ?? '') ? q.stype : undefined,
    confirmedOnly: q.confirmed === '1',
    terms: q.terms === 'coded' ? 'AS_CODED' : 'ROLLED_UP',
    via: q.via !== '0',
    cell: decodeCell(q.cell),
  };
}

/** The URL query of a state; defaults are left out so that URLs stay short. */
export function matrixQuery(s: MatrixState): Record<string, string | undefined> {
  return {
    rows: s.rows,
    cols: s.cols,
    by: s.by === 'count' ? 'count' : undefined,
    dir: s.directions.length ? s.directions.join(',') : undefined,
    minDesign: s.minDesign,
    stype: s.sourceType,
    confirmed: s.confirmedOnly ? '1' : undefined,
    terms: s.terms === 'AS_CODED' ? 'coded' : undefined,
    via: s.via ? undefined : '0',
    cell: s.cell ? encodeCell(s.cell.row, s.cell.column) : undefined,
  };
}

/** The ClaimFilter of a state, or null when no filter is on. */
export function matrixFilter(s: MatrixState): Record<string, unknown> | null {
  const f: Record<string, unknown> = {};
  if (s.directions.length) f.direction = s.directions;
  if (s.minDesign) f.minDesign = s.minDesign;
  if (s.sourceType) f.sourceType = [s.sourceType];
  if (s.confirmedOnly) f.confirmedOnly = true;
  return Object.keys(f).length ? f : null;
}

/** Encodes a cell for the URL (`cell=<row>~<column>`); keys never contain `~`. */
export function encodeCell(row: string, column: string): string {
  return `${row}~${column}`;
}

export function decodeCell(v: string | undefined): { row: string; column: string } | null {
  if (!v) return null;
  const i = v.indexOf('~');
  if (i <= 0 || i === v.length - 1) return null;
  return { row: v.slice(0, i), column: v.slice(i + 1) };
}

// --- The image -------------------------------------------------------------------------------

export interface SvgText {
  title: string;
  /** What the colour means, e.g. "Kleur: zekerheid (niet of het werkt)". */
  legendTitle: string;
  legend: { colour: string; text: string }[];
  /** The names of the directions, for the key of the symbols. */
  directions: Record<Direction, string>;
  /** What "*" means: "niet bevestigd". */
  unconfirmed: string;
  /** The mark of a candidate row or column, e.g. "(kandidaat)". */
  candidate: string;
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

const CELL_W = 64;
const CELL_H = 44;
const CHAR_W = 6.4; // average width of a 12 px sans-serif character
const BOLD_W = 7.6; // ... of a bold one (with room to spare)
const MAX_ROW_CHARS = 56;
const MAX_COL_CHARS = 46;

/** Shortens a label to at most n characters, ending in "…" when cut. */
export function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1).trimEnd()}…`;
}

function axisText(v: AxisValue, candidate: string, max: number): string {
  const mark = v.status === 'CANDIDATE' ? ` ${candidate}` : '';
  return clip(v.label, max - mark.length) + mark;
}

/**
 * The matrix as a standalone SVG image, drawn from the same cells as the table on screen: each
 * cell shows its claim count, its direction counts (symbols, coloured) and a split bar; the fill
 * follows the same colour scale, and a legend says what the colour means.
 */
export function matrixSvg(m: Matrix, by: ColourBy, text: SvgText): string {
  const idx = indexCells(m);
  const maxCount = Math.max(0, ...m.cells.map((c) => c.claimCount));
  const rowLabels = m.rows.map((r) => '  '.repeat(r.depth ?? 0) + axisText(r, text.candidate, MAX_ROW_CHARS));
  const colLabels = m.columns.map((c) => axisText(c, text.candidate, MAX_COL_CHARS));
  const left = Math.ceil(Math.max(60, ...rowLabels.map((l) => l.length * CHAR_W))) + 12;
  const headH = Math.ceil(Math.max(40, ...colLabels.map((l) => l.length * CHAR_W))) + 12;
  const top = 34 + headH;
  const gridW = m.columns.length * CELL_W;
  const gridH = m.rows.length * CELL_H;
  const legendY = top + gridH + 28;
  const width = Math.max(left + gridW + 20, 640);
  const height = legendY + 62;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
    `<title>${escapeXml(text.title)}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="8" y="20" font-size="15" font-weight="600">${escapeXml(text.title)}</text>`,
  );
  m.columns.forEach((c, j) => {
    const x = left + j * CELL_W + CELL_W / 2 + 4;
    out.push(`<text transform="translate(${x},${top - 6}) rotate(-90)"${c.status === 'CANDIDATE' || c.isNone ? ' font-style="italic"' : ''}>${escapeXml(colLabels[j])}</text>`);
  });
  m.rows.forEach((r, i) => {
    const y = top + i * CELL_H;
    out.push(`<text x="8" y="${y + CELL_H / 2 + 4}"${r.status === 'CANDIDATE' || r.isNone ? ' font-style="italic"' : ''}>${escapeXml(rowLabels[i])}</text>`);
    m.columns.forEach((c, j) => {
      const x = left + j * CELL_W;
      const cell = idx.get(cellKey(r.key, c.key));
      const col = cellColours(cell, by, maxCount);
      if (!cell || cell.claimCount === 0) {
        out.push(`<rect x="${x + 1}" y="${y + 1}" width="${CELL_W - 2}" height="${CELL_H - 2}" fill="#f6f7f9" stroke="#8a96a3" stroke-dasharray="3 2"/>`);
        out.push(`<text x="${x + CELL_W / 2}" y="${y + CELL_H / 2 + 4}" text-anchor="middle" fill="#505a64">·</text>`);
        return;
      }
      const bg = col?.bg ?? '#ffffff';
      const fg = col?.fg ?? '#000000';
      const dashed = cell.unconfirmedCount > 0 ? ' stroke-dasharray="4 2"' : '';
      out.push(`<g data-row="${escapeXml(r.key)}" data-col="${escapeXml(c.key)}">`);
      out.push(`<rect x="${x + 1}" y="${y + 1}" width="${CELL_W - 2}" height="${CELL_H - 2}" fill="${bg}" stroke="#505a64"${dashed}/>`);
      out.push(`<text x="${x + 6}" y="${y + 15}" font-weight="700" fill="${fg}">${cell.claimCount}${cell.unconfirmedCount > 0 ? '*' : ''}</text>`);
      // The direction chip: white, so that the direction colours keep their contrast.
      out.push(`<rect x="${x + 4}" y="${y + 20}" width="${CELL_W - 8}" height="20" rx="3" fill="#ffffff"/>`);
      let tx = x + 7;
      for (const p of directionParts(cell)) {
        const s = `${p.symbol}${THIN}${p.count}`;
        out.push(`<text x="${tx}" y="${y + 33}" font-size="11" font-weight="700" fill="${p.colour}">${escapeXml(s)}</text>`);
        tx += s.length * 6 + 4;
      }
      let bx = x + 6;
      const bw = CELL_W - 12;
      for (const s of barSegments(cell)) {
        const w = s.fraction * bw;
        out.push(`<rect x="${bx.toFixed(1)}" y="${y + 36}" width="${w.toFixed(1)}" height="3" fill="${s.colour}"/>`);
        bx += w;
      }
      out.push('</g>');
    });
  });
  out.push(`<text x="8" y="${legendY}" font-weight="600">${escapeXml(text.legendTitle)}</text>`);
  let lx = 8;
  for (const e of text.legend) {
    out.push(`<rect x="${lx}" y="${legendY + 8}" width="14" height="14" fill="${e.colour}" stroke="#8a96a3"/>`);
    out.push(`<text x="${lx + 19}" y="${legendY + 19}">${escapeXml(e.text)}</text>`);
    lx += 19 + e.text.length * CHAR_W + 14;
  }
  let kx = 8;
  for (const d of DIRECTIONS) {
    const s = `${DIRECTION_SYMBOL[d]} ${text.directions[d]}`;
    out.push(`<text x="${kx}" y="${legendY + 44}" font-weight="700" fill="${DIRECTION_COLOUR[d]}">${escapeXml(s)}</text>`);
    kx += s.length * BOLD_W + 14;
  }
  out.push(`<text x="${kx}" y="${legendY + 44}">${escapeXml(`* ${text.unconfirmed}`)}</text>`);
  out.push('</svg>');
  return out.join('\n');
}

// --- Downloads --------------------------------------------------------------------------------

/** Lets the browser save text as a file (an object URL on a temporary link). */
export function downloadText(filename: string, content: string, type: string) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
