// ui-pages (issue 11): the pure parts of the method, search and recommendations pages.
import { describe, expect, it } from 'vitest';
import { claimRows, methodClaims, type MethodRecord } from './method';
import { pickHighlights } from './search';
import { sortRecommendations, type Recommendation } from './recommendations';
import { ALL_FEATURES, NO_FEATURES, toFeatures } from '../lib/features';
import { adaptQuery } from '../ui';

const claim = (id: string) => ({ id, direction: 'POSITIVE', status: 'CONFIRMED', sources: [], outcome: { id: `kring:outcome/${id}`, label: id, domain: 'WELLBEING_QOL' } });

describe('method claims: own and through implementations', () => {
  it('uses ClaimEdge.via when the API has the roll-up', () => {
    const m = {
      claims: { totalCount: 2, edges: [{ via: null, node: claim('a') }, { via: { id: 'kring:initiative/rct', kind: 'INITIATIVE', status: 'CONFIRMED', name: 'RCT' }, node: claim('b') }] },
      implementedBy: [],
    } as unknown as MethodRecord;
    expect(claimRows(m).map((r) => [r.id, r.via?.id ?? null])).toEqual([
      ['a', null],
      ['b', 'kring:initiative/rct'],
    ]);
  });
  it('rolls up client-side from implementedBy on an older server', () => {
    const m = {
      claims: { totalCount: 1, nodes: [claim('a')] },
      implementedBy: [{ id: 'kring:initiative/rct', kind: 'INITIATIVE', status: 'CONFIRMED', name: 'RCT', claims: { totalCount: 2, nodes: [claim('b'), claim('c')] } }],
    } as unknown as MethodRecord;
    const rows = claimRows(m);
    expect(rows.map((r) => r.via?.name ?? 'own')).toEqual(['own', 'RCT', 'RCT']);
  });
  it('asks for scope ALL, via and confidence only when the server has them', () => {
    expect(methodClaims(ALL_FEATURES).claims).toContain('scope: ALL');
    expect(methodClaims(ALL_FEATURES).claims).toContain('via {');
    expect(methodClaims(ALL_FEATURES).claims).toContain('confidence {');
    expect(methodClaims(NO_FEATURES).claims).not.toContain('scope');
    expect(methodClaims(NO_FEATURES).implementedBy).toContain('claims(first: 100)');
  });
});

describe('features and query adaptation', () => {
  it('reads the features from introspection', () => {
    const f = toFeatures({
      claimEdge: { fields: [{ name: 'node' }, { name: 'via' }] },
      claim: { fields: [{ name: 'confidence' }, { name: 'note', args: [{ name: 'lang' }] }] },
      searchEdge: { fields: [{ name: 'highlights' }] },
    });
    expect(f).toEqual(ALL_FEATURES);
    expect(toFeatures(null)).toEqual(NO_FEATURES);
  });
  it('asks notes in the page language where notes take a language', () => {
    const q = 'query X($lang: Lang!) { a { note b { note(lang: $lang) } notes } }';
    expect(adaptQuery(q, ALL_FEATURES)).toBe('query X($lang: Lang!) { a { note(lang: $lang) b { note(lang: $lang) } notes } }');
    expect(adaptQuery(q, NO_FEATURES)).toBe(q);
    expect(adaptQuery('query Y { a { note } }', ALL_FEATURES)).toBe('query Y { a { note } }');
  });
});

describe('search highlights', () => {
  const hs = [
    { field: 'name', lang: 'NL', fragments: ['<mark>buddy</mark>werking'] },
    { field: 'name', lang: 'EN', fragments: ['<mark>buddy</mark> scheme'] },
    { field: 'description', lang: 'EN', fragments: ['a <mark>buddy</mark>'] },
    { field: 'aliases', lang: null, fragments: ['<mark>buddy</mark>'] },
  ];
  it('shows only the page language (or no language), the title apart', () => {
    const nl = pickHighlights(hs, 'NL', 'name');
    expect(nl.title?.fragments[0]).toBe('<mark>buddy</mark>werking');
    expect(nl.rest.map((h) => h.field)).toEqual(['aliases']);
    const en = pickHighlights(hs, 'EN', 'name');
    expect(en.rest.map((h) => h.field)).toEqual(['description', 'aliases']);
  });
});

describe('recommendations', () => {
  const r = (id: string, strength: string, text: string) => ({ id, text, status: 'CONFIRMED', sources: [], concerns: [], evidence: { strength } }) as unknown as Recommendation;
  it('lists the strongest evidence first', () => {
    const out = sortRecommendations([r('a', 'NONE', 'a'), r('b', 'STRONG', 'b'), r('c', 'WEAK', 'c'), r('d', 'NONE', 'Aa')]);
    expect(out.map((x) => x.id)).toEqual(['b', 'c', 'a', 'd']);
  });
});
