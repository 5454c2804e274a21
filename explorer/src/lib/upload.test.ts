import { describe, expect, it } from 'vitest';
import { translate, STRINGS } from './i18n';
import { minStateHeaders } from './api';
import {
  clearToken, getToken, missingTypes, multipartBody, post, progressFraction, reviewOf, setToken, TOKEN_KEY, uploadErrorKey, uploadVariables, UPLOAD_MUTATION,
  type LoadReport, type RecordNeed,
} from './upload';

function memoryStore() {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
    m,
  };
}

const need = (record: string, suggested: string | null = null): RecordNeed => ({
  record, file: record.split(':')[0], line: Number(record.split(':')[1]), title: 'T', entryType: 'book', suggested, source: 'kring:source/x',
});

const report: LoadReport = {
  dryRun: true,
  rejected: false,
  batches: [{
    batch: 'kring:batch/lit-abc', kind: 'literature', written: false, noChange: false, added: 10, removed: 0, unchanged: 0,
    types: [{ type: 'SOURCE', new: 250, updated: 0, unchanged: 1, duplicate: 2, conflict: 1, skipped: 0 }, { type: 'OUTCOME_CLAIM', new: 1, updated: 0, unchanged: 0, duplicate: 0, conflict: 0, skipped: 0 }],
    items: [{ type: 'SOURCE', id: 'kring:source/a', label: 'A' }, { type: 'OUTCOME_CLAIM', id: 'kring:claim/c', label: 'C' }],
  }],
  skipped: [],
  problems: [
    { file: 'x.bib', line: 3, field: 'title', message: 'conflict: …', conflict: true },
    { file: 'x.bib', line: 9, field: 'year', message: 'not a year', conflict: false },
  ],
  merged: [{ source: 'kring:source/h', record: 'x.bib:20', with: 'stored, from batch/starter', rule: 'DOI' }],
  notes: [],
  needsSourceType: [need('x.bib:1'), need('x.bib:30', 'GREY_BE')],
};

describe('upload page logic', () => {
  it('asks for the state a load wrote in every later request (read-your-writes)', async () => {
    const sent: Record<string, string>[] = [];
    const answer = (state: string | null) => async (_url: RequestInfo | URL, init?: RequestInit) => {
      sent.push({ ...(init?.headers as Record<string, string>) });
      return new Response('{"data":{"loadJob":null}}', { status: 200, headers: state ? { 'Kring-State': state } : {} });
    };
    await post('{}', 't', answer(null) as typeof fetch);
    expect(sent[0]['Kring-Min-State']).toBeUndefined();
    await post('{}', 't', answer('7-abc') as typeof fetch);
    await post('{}', 't', answer(null) as typeof fetch);
    expect(sent[2]['Kring-Min-State']).toBe('7-abc');
    await post('{}', 't', answer('5-old') as typeof fetch); // an earlier state never replaces a later one
    expect(minStateHeaders()).toEqual({ 'Kring-Min-State': '7-abc' });
  });

  it('keeps the token in the given (session) store only, and forgets it on sign-out', () => {
    const s = memoryStore();
    setToken('  secret ', s);
    expect(s.m.get(TOKEN_KEY)).toBe('secret');
    expect(getToken(s)).toBe('secret');
    clearToken(s);
    expect(getToken(s)).toBe('');
  });

  it('builds a GraphQL multipart request: operations with null files, the map, one part per file', async () => {
    const files = [new File(['@book{a,}'], 'a.bib'), new File(['TY  - BOOK'], 'b.ris')];
    const fd = multipartBody(UPLOAD_MUTATION, { dryRun: true }, files);
    expect([...fd.keys()]).toEqual(['operations', 'map', '0', '1']);
    const ops = JSON.parse(fd.get('operations') as string);
    expect(ops.variables).toEqual({ dryRun: true, files: [null, null] });
    expect(JSON.parse(fd.get('map') as string)).toEqual({ 0: ['variables.files.0'], 1: ['variables.files.1'] });
    expect((fd.get('1') as File).name).toBe('b.ris');
    expect(await (fd.get('0') as File).text()).toBe('@book{a,}');
  });

  it('sends the types chosen: one for all, and per record (empty choices left out)', () => {
    expect(uploadVariables({ dryRun: false, all: 'GREY_NL', perRecord: { 'x.bib:1': 'PRESS', 'x.bib:30': '' }, async: true })).toEqual({
      dryRun: false, async: true, sourceType: 'GREY_NL', sourceTypes: [{ record: 'x.bib:1', type: 'PRESS' }],
    });
    expect(uploadVariables({ dryRun: true, all: '', perRecord: {}, async: false })).toEqual({ dryRun: true, async: false });
  });

  it('knows which records still miss a type', () => {
    const needs = report.needsSourceType;
    expect(missingTypes(needs, { all: '', perRecord: {} }).map((n) => n.record)).toEqual(['x.bib:1', 'x.bib:30']);
    expect(missingTypes(needs, { all: '', perRecord: { 'x.bib:30': 'GREY_BE' } }).map((n) => n.record)).toEqual(['x.bib:1']);
    expect(missingTypes(needs, { all: 'PRESS', perRecord: {} })).toEqual([]);
  });

  it('splits the report into the review sections', () => {
    const r = reviewOf(report);
    expect(r.newSources.map((s) => s.id)).toEqual(['kring:source/a']);
    expect(r.newSourceCount).toBe(250);
    expect(r.added).toEqual([{ type: 'OUTCOME_CLAIM', items: [{ type: 'OUTCOME_CLAIM', id: 'kring:claim/c', label: 'C' }], count: 1 }]);
    expect(r.conflicts.map((p) => p.line)).toEqual([3]);
    expect(r.rejected.map((p) => p.line)).toEqual([9]);
    expect(r.merged[0].rule).toBe('DOI');
    expect(r.committable).toBe(true);
  });

  it('maps error codes to Dutch text without the raw code', () => {
    for (const code of ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'TIMEOUT', 'INTERNAL']) {
      const key = uploadErrorKey({ kind: 'graphql', code, message: 'm', messages: [] });
      expect(key).toBe(`upload.err.${code}`);
      const nl = translate('nl', key, { message: 'm' });
      expect(nl).not.toContain(code);
      expect(STRINGS[key].nl).toBeTruthy();
    }
    expect(uploadErrorKey({ kind: 'http', status: 401, message: '', messages: [] })).toBe('upload.err.UNAUTHENTICATED');
    expect(uploadErrorKey({ kind: 'network', message: '', messages: [] })).toBe('upload.err.network');
  });

  it('has a Dutch label for every source type and every review rule', () => {
    for (const k of Object.keys(STRINGS).filter((k) => k.startsWith('upload.') || k.startsWith('enum.SourceType.'))) {
      expect(STRINGS[k].nl, k).toBeTruthy();
      expect(STRINGS[k].en, k).toBeTruthy();
    }
    expect(translate('nl', 'upload.rule.TITLE_YEAR_AUTHOR')).toBe('zelfde titel, jaar en eerste auteur');
  });

  it('shows progress from the job phase', () => {
    expect(progressFraction({ state: 'QUEUED', progress: { phase: '', file: '', done: 0, total: 0 } })).toBe(0);
    expect(progressFraction({ state: 'RUNNING', progress: { phase: 'write', file: '', done: 0, total: 1 } })).toBe(0.5);
    expect(progressFraction({ state: 'SUCCEEDED', progress: { phase: 'write', file: '', done: 1, total: 1 } })).toBe(1);
  });
});
