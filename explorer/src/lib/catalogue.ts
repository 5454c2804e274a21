// The intervention catalogue's state: every filter and the sort order live in the URL, so that a
// selection can be shared; the same state gives findMethods' where and orderBy and the CSV's.

export const ORDER_FIELDS = ['NAME', 'CLAIM_COUNT', 'SOURCE_COUNT', 'STRONGEST_DESIGN', 'EVIDENCE_LEVEL', 'CONFIDENCE'] as const;
export type OrderField = (typeof ORDER_FIELDS)[number];
export const KINDS = ['METHOD', 'INITIATIVE'] as const;
export const STATUSES = ['CONFIRMED', 'INFERRED', 'CANDIDATE'] as const;
export const CONFIDENCE_MIN = ['LOW', 'MODERATE', 'HIGH'] as const;

export interface CatalogueState {
  text?: string;
  kind?: (typeof KINDS)[number];
  workModel?: string;
  actorType?: string;
  targetGroup?: string;
  region?: string;
  outcomeDomain?: string;
  minEvidenceLevel?: string;
  minConfidence?: string;
  status: string[];
  sort: OrderField;
  desc: boolean;
}

/** URL parameter of each filter. */
const PARAM: Record<Exclude<keyof CatalogueState, 'status' | 'sort' | 'desc'>, string> = {
  text: 'q',
  kind: 'kind',
  workModel: 'wm',
  actorType: 'actor',
  targetGroup: 'tg',
  region: 'region',
  outcomeDomain: 'domain',
  minEvidenceLevel: 'level',
  minConfidence: 'conf',
};

const CODE = /^[A-Z][A-Z0-9_]*$/;
const ID = /^kring:[a-z]+\/[A-Za-z0-9._~-]+$/;

/** The sort direction a field starts with: names A→Z, counts and levels highest first. */
export function defaultDesc(by: OrderField): boolean {
  return by !== 'NAME';
}

/** The catalogue's state from its URL query; malformed values are dropped. */
export function catalogueState(q: Record<string, string | undefined>): CatalogueState {
  const code = (v: string | undefined) => (v && CODE.test(v) ? v : undefined);
  const sort = (ORDER_FIELDS as readonly string[]).includes(q.sort ?? '') ? (q.sort as OrderField) : 'NAME';
  return {
    text: q.q?.trim() ? q.q.trim().slice(0, 200) : undefined,
    kind: (KINDS as readonly string[]).includes(q.kind ?? '') ? (q.kind as CatalogueState['kind']) : undefined,
    workModel: q.wm && ID.test(q.wm) ? q.wm : undefined,
    actorType: code(q.actor),
    targetGroup: q.tg && ID.test(q.tg) ? q.tg : undefined,
    region: code(q.region),
    outcomeDomain: code(q.domain),
    minEvidenceLevel: code(q.level),
    minConfidence: (CONFIDENCE_MIN as readonly string[]).includes(q.conf ?? '') ? q.conf : undefined,
    status: [...new Set((q.status ?? '').split(',').filter((s) => (STATUSES as readonly string[]).includes(s)))],
    sort,
    desc: q.dir === 'asc' ? false : q.dir === 'desc' ? true : defaultDesc(sort),
  };
}

/** The URL query of a state (defaults left out). */
export function catalogueQuery(s: CatalogueState): Record<string, string | undefined> {
  const q: Record<string, string | undefined> = {};
  for (const [k, p] of Object.entries(PARAM)) q[p] = s[k as keyof typeof PARAM];
  q.status = s.status.length ? s.status.join(',') : undefined;
  q.sort = s.sort === 'NAME' ? undefined : s.sort;
  q.dir = s.desc === defaultDesc(s.sort) ? undefined : s.desc ? 'desc' : 'asc';
  return q;
}

/** Whether any filter is on (sorting does not count). */
export function hasFilters(s: CatalogueState): boolean {
  return Object.keys(PARAM).some((k) => s[k as keyof typeof PARAM] !== undefined) || s.status.length > 0;
}

/** How many filters are on. */
export function activeFilters(s: CatalogueState): number {
  return Object.keys(PARAM).filter((k) => s[k as keyof typeof PARAM] !== undefined).length + (s.status.length ? 1 : 0);
}

/** findMethods' where: one MethodFilter with the filters that are on, or null. */
export function catalogueWhere(s: CatalogueState): { is: Record<string, unknown> } | null {
  const f: Record<string, unknown> = {};
  if (s.text) f.text = s.text;
  if (s.kind) f.kind = s.kind;
  if (s.workModel) f.workModel = [s.workModel];
  if (s.actorType) f.actorType = s.actorType;
  if (s.targetGroup) f.targetGroup = s.targetGroup;
  if (s.region) f.region = s.region;
  // One value: valid whether the field takes one domain or a list of them (input coercion).
  if (s.outcomeDomain) f.outcomeDomain = s.outcomeDomain;
  if (s.minEvidenceLevel) f.minEvidenceLevel = s.minEvidenceLevel;
  if (s.minConfidence) f.minConfidence = s.minConfidence;
  if (s.status.length) f.status = s.status;
  return Object.keys(f).length ? { is: f } : null;
}

/** findMethods' orderBy: the chosen key, then names (A→Z) to break ties. */
export function catalogueOrder(s: CatalogueState, lang: 'NL' | 'EN'): { by: string; direction: 'ASC' | 'DESC'; lang: 'NL' | 'EN' }[] {
  const first = { by: s.sort, direction: s.desc ? ('DESC' as const) : ('ASC' as const), lang };
  return s.sort === 'NAME' ? [first] : [first, { by: 'NAME', direction: 'ASC', lang }];
}
