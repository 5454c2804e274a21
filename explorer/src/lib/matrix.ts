// The matrix: two axes, a cell per pair of axis values, counting outcome claims and sources.
// The server's `matrix` field (planned) computes it; until the server has it, computeMatrix()
// does the same in the browser from the claims.

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

/** Enum-valued axes: their full list of values (so that empty rows and columns show as gaps). */
export const ENUM_AXIS_VALUES: Partial<Record<Axis, { scheme: string; codes: string[] }>> = {
  OUTCOME_DOMAIN: {
    scheme: 'OutcomeDomain',
    codes: ['NETWORK_STRUCTURE', 'PERCEIVED_SUPPORT', 'LONELINESS_ISOLATION', 'WELLBEING_QOL', 'MENTAL_HEALTH', 'SELF_ESTEEM_EMPOWERMENT', 'SOCIAL_SKILLS', 'PARTICIPATION_CITIZENSHIP', 'EMPLOYMENT_TRAINING', 'FINANCIAL_DEBT', 'HOUSING', 'PARENTING_CHILD', 'HEALTH_AND_CARE_USE', 'ACCESS_TO_RIGHTS_SERVICES', 'COMMUNITY_COHESION', 'VOLUNTEER_OUTCOMES'],
  },
  ACTOR_TYPE: {
    scheme: 'ActorType',
    codes: ['VOLUNTEER', 'VOLUNTEER_KEY_FIGURE', 'VOLUNTEER_COORDINATOR', 'PROFESSIONAL', 'PROFESSIONAL_SOCIAL_WORKER', 'PROFESSIONAL_CARE_WORKER', 'LINK_WORKER', 'PEER', 'EXPERIENCE_EXPERT', 'TRAINED_EXPERIENCE_EXPERT', 'INFORMAL_NETWORK_MEMBER', 'STUDENT_INTERN', 'FACILITATOR'],
  },
  SUPPORT_FUNCTION: {
    scheme: 'SupportFunction',
    codes: ['EMOTIONAL', 'INSTRUMENTAL_PRACTICAL', 'INFORMATIONAL', 'APPRAISAL_ESTEEM', 'COMPANIONSHIP_BELONGING', 'ACCESS_BRIDGING'],
  },
  PRECONDITION_CATEGORY: {
    scheme: 'PreconditionCategory',
    codes: ['PERSON', 'RELATIONSHIP', 'VOLUNTEER_SUPPORT', 'PROFESSIONAL_ROLE', 'ORGANISATION', 'COMMUNITY_CONTEXT', 'MATERIAL', 'POLICY_LEGAL', 'PARTICIPATION'],
  },
  SOURCE_TYPE: {
    scheme: 'SourceType',
    codes: ['ACADEMIC_NL', 'ACADEMIC_ANGLO', 'GREY_BE', 'GREY_NL', 'POLICY_DOC', 'INTERVENTION_DB_ENTRY', 'PRACTICE_HANDBOOK', 'THESIS', 'PRESS', 'WEB_PAGE', 'STAKEHOLDER_INPUT'],
  },
  REGION: { scheme: 'Region', codes: ['BE_VLG', 'BE_BRU', 'BE_WAL', 'BE', 'NL', 'UK', 'US', 'NZ', 'INT'] },
};

export interface AxisValue {
  key: string;
  label: string;
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
  /** Ids of the claims in the cell (client-side computation only). */
  claimIds?: string[];
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
  }));
  return { rows: m.rows, columns: m.columns, gaps: m.gaps, cells };
}

/** An outcome claim as fetched for the client-side computation. */
export interface ClaimRow {
  id: string;
  direction: Direction;
  design?: StudyDesign | null;
  status?: string;
  method: {
    id: string;
    name?: string;
    workModels?: { workModel: { id: string } }[];
    actors?: { actorType: string }[];
    supportFunctions?: { code: string }[];
    regions?: { code: string }[];
    targetGroups?: { id: string; label?: string }[];
    preconditions?: { precondition: { category: string } }[];
  };
  outcome: { id: string; label?: string; domain: string };
  sources: { id: string; type?: string }[];
}

const uniq = <T,>(xs: T[]): T[] => [...new Set(xs)];

/** The values a claim takes on an axis (a claim may fall in several rows, e.g. two work models). */
export function axisKeys(axis: Axis, c: ClaimRow): string[] {
  const m = c.method;
  switch (axis) {
    case 'WORK_MODEL':
      return uniq((m.workModels ?? []).map((a) => a.workModel.id));
    case 'METHOD':
      return [m.id];
    case 'OUTCOME_DOMAIN':
      return [c.outcome.domain];
    case 'OUTCOME':
      return [c.outcome.id];
    case 'SOURCE_TYPE':
      return uniq(c.sources.map((s) => s.type).filter((t): t is string => !!t));
    case 'ACTOR_TYPE':
      return uniq((m.actors ?? []).map((a) => a.actorType));
    case 'SUPPORT_FUNCTION':
      return uniq((m.supportFunctions ?? []).map((s) => s.code));
    case 'REGION':
      return uniq((m.regions ?? []).map((r) => r.code));
    case 'TARGET_GROUP':
      return uniq((m.targetGroups ?? []).map((t) => t.id));
    case 'PRECONDITION_CATEGORY':
      return uniq((m.preconditions ?? []).map((r) => r.precondition.category));
  }
}

/** Labels of entity-valued axis keys, as found in the claims. */
export function axisLabelsFromClaims(axis: Axis, claims: ClaimRow[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of claims) {
    if (axis === 'METHOD' && c.method.name) out.set(c.method.id, c.method.name);
    if (axis === 'OUTCOME' && c.outcome.label) out.set(c.outcome.id, c.outcome.label);
    if (axis === 'TARGET_GROUP') for (const t of c.method.targetGroups ?? []) if (t.label) out.set(t.id, t.label);
  }
  return out;
}

export function designRank(d: string | null | undefined): number {
  return d ? (STUDY_DESIGNS as readonly string[]).indexOf(d) : -1;
}

export function cellKey(row: string, column: string): string {
  return `${row}\u0000${column}`;
}

/**
 * Computes the matrix from claims. `rows` and `columns` give the full axis value lists (in
 * order); values found in the claims but missing from them are appended. Only non-empty cells are
 * returned; `gaps` counts the empty ones.
 */
export function computeMatrix(
  claims: ClaimRow[],
  rowAxis: Axis,
  colAxis: Axis,
  rows: AxisValue[] = [],
  columns: AxisValue[] = [],
  labelOf: (axis: Axis, key: string) => string = (_a, k) => k,
): Matrix {
  const rowList = [...rows];
  const colList = [...columns];
  const rowSeen = new Set(rowList.map((r) => r.key));
  const colSeen = new Set(colList.map((c) => c.key));
  const cells = new Map<string, MatrixCell & { sources: Set<string>; claimSet: Set<string> }>();

  for (const c of claims) {
    const rks = axisKeys(rowAxis, c);
    const cks = axisKeys(colAxis, c);
    for (const r of rks) {
      if (!rowSeen.has(r)) {
        rowSeen.add(r);
        rowList.push({ key: r, label: labelOf(rowAxis, r) });
      }
      for (const k of cks) {
        if (!colSeen.has(k)) {
          colSeen.add(k);
          colList.push({ key: k, label: labelOf(colAxis, k) });
        }
        const key = cellKey(r, k);
        let cell = cells.get(key);
        if (!cell) {
          cell = { row: r, column: k, claimCount: 0, sourceCount: 0, positive: 0, none: 0, negative: 0, mixed: 0, strongestDesign: null, highestEvidenceLevel: null, claimIds: [], sources: new Set(), claimSet: new Set() };
          cells.set(key, cell);
        }
        if (cell.claimSet.has(c.id)) continue;
        cell.claimSet.add(c.id);
        cell.claimIds!.push(c.id);
        cell.claimCount++;
        if (c.direction === 'POSITIVE') cell.positive++;
        else if (c.direction === 'NONE') cell.none++;
        else if (c.direction === 'NEGATIVE') cell.negative++;
        else if (c.direction === 'MIXED') cell.mixed++;
        for (const s of c.sources) cell.sources.add(s.id);
        cell.sourceCount = cell.sources.size;
        if (designRank(c.design) > designRank(cell.strongestDesign)) cell.strongestDesign = c.design as StudyDesign;
      }
    }
  }
  const out: MatrixCell[] = [...cells.values()].map(({ sources: _s, claimSet: _c, ...cell }) => cell);
  return { rows: rowList, columns: colList, cells: out, gaps: rowList.length * colList.length - out.length };
}

/** Index of a matrix's cells by row and column. */
export function indexCells(m: Matrix): Map<string, MatrixCell> {
  const idx = new Map<string, MatrixCell>();
  for (const c of m.cells) idx.set(cellKey(c.row, c.column), c);
  return idx;
}

/** Gaps of a matrix whose cell list may include empty cells (as the server may return them). */
export function countGaps(m: Pick<Matrix, 'rows' | 'columns' | 'cells'>): number {
  const filled = m.cells.filter((c) => c.claimCount > 0).length;
  return m.rows.length * m.columns.length - filled;
}

// --- Colour scale ---------------------------------------------------------------------------

export type ColourBy = 'sources' | 'evidence';

/** Five steps of a sequential blue scale (light → dark). */
export const PALETTE = ['#deebf7', '#9ecae1', '#6baed6', '#2171b5', '#08306b'];

/** The value a cell is coloured by. */
export function cellValue(c: MatrixCell | undefined, by: ColourBy): number {
  if (!c || c.claimCount === 0) return 0;
  if (by === 'sources') return c.sourceCount;
  return designRank(c.strongestDesign) + 1; // 0 when no design known
}

/** The colour step (0..4) of a value given the scale's maximum, or -1 for an empty cell. */
export function colourStep(value: number, max: number): number {
  if (value <= 0 || max <= 0) return -1;
  const t = Math.min(1, value / max);
  return Math.max(0, Math.min(PALETTE.length - 1, Math.ceil(t * PALETTE.length) - 1));
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

/** Background and text colour of a cell, or null for a gap. */
export function cellColours(value: number, max: number): { bg: string; fg: string } | null {
  const step = colourStep(value, max);
  if (step < 0) return null;
  const bg = PALETTE[step];
  return { bg, fg: textColourOn(bg) };
}

/** For a legend: the integer values 1..max that fall in each colour step (empty steps left out). */
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

export function isAxis(v: string | undefined): v is Axis {
  return !!v && (AXES as readonly string[]).includes(v);
}
