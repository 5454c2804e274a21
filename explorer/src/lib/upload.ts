// The upload page's logic (pages/upload.tsx): the curator's token (kept in sessionStorage only,
// for this tab: never a cookie, never localStorage), the loadBatch multipart request (GraphQL
// multipart request spec), the load-job poll, and the review model built from a dry run.

import { minStateHeaders, noteState, type ApiError } from './api';

export const TOKEN_KEY = 'kring.token';

type SessionStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

function session(): SessionStore | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null; // storage disabled
  }
}

export function getToken(store: SessionStore | null = session()): string {
  return store?.getItem(TOKEN_KEY) ?? '';
}

export function setToken(token: string, store: SessionStore | null = session()) {
  store?.setItem(TOKEN_KEY, token.trim());
}

export function clearToken(store: SessionStore | null = session()) {
  store?.removeItem(TOKEN_KEY);
}

// --- The API ------------------------------------------------------------------------------------

const REPORT_FIELDS = `dryRun rejected
    batches { batch kind written noChange added removed unchanged
      types { type new updated unchanged duplicate conflict skipped }
      items { type id label } }
    skipped { file line field message conflict }
    problems { file line field message conflict }
    merged { source record with rule }
    notes { file line field message }
    needsSourceType { record file line title entryType suggested source }`;

export const UPLOAD_MUTATION = `mutation KringUpload($files: [Upload!]!, $dryRun: Boolean, $sourceType: SourceType, $sourceTypes: [RecordSourceType!], $async: Boolean) {
  loadBatch(files: $files, dryRun: $dryRun, sourceType: $sourceType, sourceTypes: $sourceTypes, async: $async) {
    ${REPORT_FIELDS}
    job { id state }
  }
}`;

export const LOAD_JOB_QUERY = `query KringLoadJob($id: ID!) {
  loadJob(id: $id) {
    id state
    progress { phase file done total }
    error { code message }
    report { ${REPORT_FIELDS} }
  }
}`;

/** Asks a question only a CURATOR or ADMIN may ask: a token that is not valid is refused. */
export const SIGN_IN_QUERY = `query KringSignIn { loadJob(id: "sign-in-check") { id } }`;

export interface Problem {
  file: string;
  line: number;
  field: string;
  message: string;
  conflict?: boolean;
}
export interface RecordNeed {
  record: string;
  file: string;
  line: number;
  title: string;
  entryType: string;
  suggested?: string | null;
  source: string;
}
export interface LoadItem {
  type: string;
  id: string;
  label: string;
}
export interface LoadMerge {
  source: string;
  record: string;
  with: string;
  rule: 'DOI' | 'TITLE_YEAR_AUTHOR';
}
export interface TypeDiff {
  type: string;
  new: number;
  updated: number;
  unchanged: number;
  duplicate: number;
  conflict: number;
  skipped: number;
}
export interface BatchReport {
  batch: string;
  kind: string;
  written: boolean;
  noChange: boolean;
  added: number;
  removed: number;
  unchanged: number;
  types: TypeDiff[];
  items: LoadItem[];
}
export interface LoadReport {
  dryRun: boolean;
  rejected: boolean;
  batches: BatchReport[];
  skipped: Problem[];
  problems: Problem[];
  merged: LoadMerge[];
  notes: Problem[];
  needsSourceType: RecordNeed[];
  job?: { id: string; state: string } | null;
}
export interface LoadJob {
  id: string;
  state: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  progress: { phase: string; file: string; done: number; total: number };
  error?: { code: string; message: string } | null;
  report?: LoadReport | null;
}

export interface Answer<T> {
  data: T | null;
  error: ApiError | null;
}

/**
 * The multipart body of a GraphQL request with files (operations, map, then one part per file),
 * as the GraphQL multipart request spec has it.
 */
export function multipartBody(query: string, variables: Record<string, unknown>, files: File[]): FormData {
  const fd = new FormData();
  fd.append('operations', JSON.stringify({ query, variables: { ...variables, files: files.map(() => null) } }));
  const map: Record<string, string[]> = {};
  files.forEach((_, i) => (map[String(i)] = [`variables.files.${i}`]));
  fd.append('map', JSON.stringify(map));
  files.forEach((f, i) => fd.append(String(i), f, f.name));
  return fd;
}

type Fetch = typeof fetch;

/** Posts a GraphQL request with the bearer token; never throws. */
export async function post<T>(body: FormData | string, token: string, fetchFn: Fetch = fetch): Promise<Answer<T>> {
  const headers: Record<string, string> = { Accept: 'application/graphql-response+json, application/json', ...minStateHeaders() };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (typeof body === 'string') headers['Content-Type'] = 'application/json';
  let resp: Response;
  try {
    resp = await fetchFn('/graphql', { method: 'POST', headers, body, credentials: 'omit' });
  } catch (e) {
    return { data: null, error: { kind: 'network', message: String(e), messages: [] } };
  }
  noteState(resp.headers?.get('Kring-State')); // a committed load: later reads wait for it
  let json: { data?: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[] } | null = null;
  try {
    json = await resp.json();
  } catch {
    json = null;
  }
  const errs = json?.errors ?? [];
  if (errs.length > 0) {
    const code = typeof errs[0].extensions?.code === 'string' ? (errs[0].extensions.code as string) : undefined;
    return { data: json?.data ?? null, error: { kind: 'graphql', code, status: resp.status, message: errs[0].message, messages: errs.map((e) => e.message) } };
  }
  if (!resp.ok || !json) {
    return { data: null, error: { kind: 'http', status: resp.status, message: `HTTP ${resp.status}`, messages: [] } };
  }
  return { data: json.data ?? null, error: null };
}

export interface UploadChoice {
  dryRun: boolean;
  /** The type for every record that needs one and has none of its own ('' for none). */
  all: string;
  /** Per record (file:line) → type; '' for none. */
  perRecord: Record<string, string>;
  async: boolean;
}

/** The mutation's variables for a choice (the files are added by multipartBody). */
export function uploadVariables(c: UploadChoice): Record<string, unknown> {
  const v: Record<string, unknown> = { dryRun: c.dryRun, async: c.async };
  if (c.all) v.sourceType = c.all;
  const list = Object.entries(c.perRecord)
    .filter(([, t]) => t)
    .map(([record, type]) => ({ record, type }));
  if (list.length > 0) v.sourceTypes = list;
  return v;
}

export function upload(files: File[], c: UploadChoice, token: string, fetchFn?: Fetch) {
  return post<{ loadBatch: LoadReport }>(multipartBody(UPLOAD_MUTATION, uploadVariables(c), files), token, fetchFn);
}

export function pollJob(id: string, token: string, fetchFn?: Fetch) {
  return post<{ loadJob: LoadJob | null }>(JSON.stringify({ query: LOAD_JOB_QUERY, variables: { id } }), token, fetchFn);
}

export function checkToken(token: string, fetchFn?: Fetch) {
  return post<{ loadJob: null }>(JSON.stringify({ query: SIGN_IN_QUERY }), token, fetchFn);
}

/** Uploads of this many bytes or more commit as a job whose progress is shown. */
export const ASYNC_BYTES = 256 << 10;

// --- The review ---------------------------------------------------------------------------------

/** The record types still missing: records that need one and get neither their own nor "all". */
export function missingTypes(needs: RecordNeed[], c: Pick<UploadChoice, 'all' | 'perRecord'>): RecordNeed[] {
  return needs.filter((n) => !c.perRecord[n.record] && !c.all);
}

export interface Review {
  newSources: LoadItem[];
  /** Added nodes other than sources (claims, assignments, involvements, ...), grouped by type. */
  added: { type: string; items: LoadItem[]; count: number }[];
  newSourceCount: number;
  merged: LoadMerge[];
  conflicts: Problem[];
  /** Records and rows rejected (not conflicts), and those left out. */
  rejected: Problem[];
  needs: RecordNeed[];
  notes: Problem[];
  /** True when the load can be committed (nothing rejected; types still to choose aside). */
  committable: boolean;
}

export function reviewOf(r: LoadReport): Review {
  const items = r.batches.flatMap((b) => b.items);
  const counts = new Map<string, number>();
  for (const b of r.batches) for (const t of b.types) counts.set(t.type, (counts.get(t.type) ?? 0) + t.new);
  const groups = new Map<string, LoadItem[]>();
  for (const it of items) {
    if (it.type === 'SOURCE') continue;
    if (!groups.has(it.type)) groups.set(it.type, []);
    groups.get(it.type)!.push(it);
  }
  const all = [...r.problems, ...r.skipped];
  return {
    newSources: items.filter((i) => i.type === 'SOURCE'),
    newSourceCount: counts.get('SOURCE') ?? 0,
    added: [...groups.entries()].map(([type, list]) => ({ type, items: list, count: counts.get(type) ?? list.length })),
    merged: r.merged,
    conflicts: all.filter((p) => p.conflict),
    rejected: all.filter((p) => !p.conflict),
    needs: r.needsSourceType,
    notes: r.notes,
    committable: !r.rejected,
  };
}

/** "file:line" of a problem (just the file when it is about the whole file). */
export function where(p: { file: string; line: number }): string {
  return p.line > 0 ? `${p.file}:${p.line}` : p.file;
}

/** The i18n key of an error on the upload page (never the raw code on the page). */
export function uploadErrorKey(e: ApiError): string {
  if (e.kind === 'network') return 'upload.err.network';
  const known = ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'REQUEST_TOO_LARGE', 'TIMEOUT', 'UNAVAILABLE', 'CONFLICT', 'INTERNAL', 'STORAGE_FULL'];
  if (e.code && known.includes(e.code)) return `upload.err.${e.code}`;
  if (e.status === 401) return 'upload.err.UNAUTHENTICATED';
  if (e.status === 413) return 'upload.err.REQUEST_TOO_LARGE';
  return 'upload.err.other';
}

/** Progress as a fraction 0..1 for the bar (read counts files; write is 0 or 1 of 1). */
export function progressFraction(j: Pick<LoadJob, 'state' | 'progress'>): number {
  if (j.state === 'SUCCEEDED' || j.state === 'FAILED') return 1;
  const { phase, done, total } = j.progress;
  const at = total > 0 ? done / total : 0;
  switch (phase) {
    case 'read':
      return 0.1 * at;
    case 'check':
      return 0.1 + Math.min(0.3, 0.1 * (done + 1));
    case 'write':
      return 0.5 + 0.5 * at;
  }
  return 0;
}
