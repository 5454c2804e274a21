import { describe, expect, it } from 'vitest';
import { applyFacets, dedupe, facet, fold, matches, snippet, typeOfNode, type Hit } from './search';

const hits: Hit[] = [
  { id: 'a', type: 'METHOD', title: 'Buddywerking', status: 'CONFIRMED' },
  { id: 'b', type: 'INITIATIVE', title: 'ArmenTeKort buddy', status: 'CONFIRMED' },
  { id: 'c', type: 'SOURCE', title: 'Duo-werkingen', status: 'CANDIDATE' },
  { id: 'a', type: 'METHOD', title: 'dup', status: 'CONFIRMED' },
];

describe('search helpers', () => {
  it('matches case- and accent-insensitively', () => {
    expect(fold('Één Buddy')).toBe('een buddy');
    expect(matches('buddy', 'ArmenTeKort BUDDY-traject')).toBe(true);
    expect(matches('cooperatie', null, 'Coöperatie')).toBe(true);
    expect(matches('  ', 'anything')).toBe(false);
    expect(matches('x', undefined)).toBe(false);
  });
  it('computes facets and applies them', () => {
    expect(facet(hits, (h) => h.type)).toEqual([['METHOD', 2], ['INITIATIVE', 1], ['SOURCE', 1]]);
    expect(applyFacets(hits, ['INITIATIVE'], []).map((h) => h.id)).toEqual(['b']);
    expect(applyFacets(hits, [], ['CANDIDATE']).map((h) => h.id)).toEqual(['c']);
    expect(applyFacets(hits, [], [])).toHaveLength(4);
    expect(dedupe(hits)).toHaveLength(3);
  });
  it('makes snippets around the match', () => {
    const text = 'x'.repeat(200) + ' buddy ' + 'y'.repeat(200);
    const s = snippet(text, 'buddy', 60)!;
    expect(s).toContain('buddy');
    expect(s.startsWith('…')).toBe(true);
    expect(s.endsWith('…')).toBe(true);
    expect(snippet(null, 'a')).toBeNull();
    expect(snippet('short', 'zzz')).toBe('short');
  });
  it('names node types', () => {
    expect(typeOfNode({ __typename: 'Method', kind: 'INITIATIVE' })).toBe('INITIATIVE');
    expect(typeOfNode({ __typename: 'Method', kind: 'METHOD' })).toBe('METHOD');
    expect(typeOfNode({ __typename: 'WorkModel' })).toBe('WORK_MODEL');
    expect(typeOfNode({ __typename: 'FrameworkCategory' })).toBe('FRAMEWORK_CATEGORY');
  });
});
