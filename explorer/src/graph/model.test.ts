import { describe, expect, it } from 'vitest';
import { emptyGraph, GTYPES, merge, neighbourhood, STATUSES, toElements } from './model';

const WM2 = { id: 'kring:workmodel/persoonlijke-vriend', code: 'WM2', status: 'CONFIRMED', name: 'persoonlijke vriend' };
const buddy = {
  __typename: 'Method',
  id: 'kring:method/buddy',
  kind: 'METHOD',
  status: 'CONFIRMED',
  name: 'Buddywerking',
  workModels: [{ status: 'CONFIRMED', primary: true, workModel: WM2 }],
  targetGroups: [{ id: 'kring:targetgroup/poverty', status: 'CONFIRMED', label: 'mensen in armoede' }],
  organisations: [],
  implements: [],
  implementedBy: [{ id: 'kring:initiative/armentekort', kind: 'INITIATIVE', status: 'CONFIRMED', name: 'ArmenTeKort' }],
  similarTo: [],
  preconditions: [{ status: 'CANDIDATE', precondition: { id: 'kring:precondition/match', status: 'CONFIRMED', label: 'goede match' } }],
  claims: { nodes: [{ id: 'kring:claim/1', status: 'CONFIRMED', direction: 'POSITIVE', outcome: { id: 'kring:outcome/wellbeing', status: 'CONFIRMED', label: 'welzijn' } }] },
  sources: [{ id: 'kring:source/s1', status: 'CANDIDATE', title: 'Bron' }],
};
const all = { types: new Set<string>(GTYPES), statuses: new Set<string>(STATUSES) };

describe('graph model', () => {
  it('collects a method’s neighbourhood', () => {
    const n = neighbourhood(buddy);
    expect(n.center).toMatchObject({ id: buddy.id, type: 'METHOD', label: 'Buddywerking' });
    expect(n.nodes.map((x) => x.type).sort()).toEqual(['INITIATIVE', 'OUTCOME', 'PRECONDITION', 'SOURCE', 'TARGET_GROUP', 'WORK_MODEL']);
    expect(n.edges.find((e) => e.rel === 'implements')).toMatchObject({ source: 'kring:initiative/armentekort', target: buddy.id });
    expect(n.edges.find((e) => e.rel === 'claims')?.label).toBe('POSITIVE');
  });
  it('collects a work model’s methods', () => {
    const n = neighbourhood({ __typename: 'WorkModel', ...WM2, assignments: [{ status: 'INFERRED', primary: true, method: { id: buddy.id, kind: 'METHOD', status: 'CONFIRMED', name: 'Buddywerking' } }] });
    expect(n.center?.label).toBe('WM2 persoonlijke vriend');
    expect(n.edges).toEqual([{ id: `${buddy.id}|assigned|${WM2.id}`, source: buddy.id, target: WM2.id, rel: 'assigned', status: 'INFERRED', label: undefined }]);
  });
  it('handles null and unknown types', () => {
    expect(neighbourhood(null).center).toBeNull();
    expect(neighbourhood({ __typename: 'Concept', id: 'kring:concept/X/Y', code: 'Y', label: 'ygrek' }).center).toMatchObject({ type: 'OTHER', label: 'ygrek' });
  });
  it('merges neighbourhoods and marks nodes expanded, without mutating the old state', () => {
    const g0 = emptyGraph();
    const g1 = merge(g0, buddy);
    expect(g0.nodes.size).toBe(0);
    expect(g1.nodes.size).toBe(7);
    expect([...g1.expanded]).toEqual([buddy.id]);
    const g2 = merge(g1, { __typename: 'WorkModel', ...WM2, assignments: [{ status: 'CONFIRMED', primary: true, method: { id: 'kring:method/other', kind: 'METHOD', status: 'CANDIDATE', name: 'Ander' } }] });
    expect(g2.nodes.size).toBe(8);
    expect(g2.expanded.has(WM2.id)).toBe(true);
  });
  it('draws work models as compound nodes around their methods', () => {
    const g = merge(emptyGraph(), buddy);
    const els = toElements(g, all, buddy.id);
    const method = els.find((e) => e.data.id === buddy.id)!;
    expect(method.data.parent).toBe(WM2.id);
    expect(method.classes).toContain('focus');
    expect(els.some((e) => e.group === 'edges' && e.data.source === buddy.id && e.data.target === WM2.id)).toBe(false);
  });
  it('filters by node type and status (the focus always stays)', () => {
    const g = merge(emptyGraph(), buddy);
    const noWm = toElements(g, { types: new Set(GTYPES.filter((t) => t !== 'WORK_MODEL')), statuses: all.statuses }, buddy.id);
    expect(noWm.some((e) => e.data.id === WM2.id)).toBe(false);
    expect(noWm.find((e) => e.data.id === buddy.id)?.data.parent).toBeUndefined();
    const confirmedOnly = toElements(g, { types: all.types, statuses: new Set(['CONFIRMED']) }, buddy.id);
    expect(confirmedOnly.some((e) => e.data.id === 'kring:source/s1')).toBe(false);
    expect(confirmedOnly.some((e) => e.group === 'edges' && e.data.target === 'kring:source/s1')).toBe(false);
    const nothing = toElements(g, { types: new Set(), statuses: new Set() }, buddy.id);
    expect(nothing.map((e) => e.data.id)).toEqual([buddy.id]);
  });
});

// ui-pages (issue 11): readable graphs — outcomes outside compounds, capped expansion, a status
// filter that hides nodes.
import { CAP, hiddenCounts, showMore, visibleNodes } from './model';

describe('graph model: cap, show more, status filter', () => {
  const many = {
    __typename: 'Outcome',
    id: 'kring:outcome/o',
    status: 'CONFIRMED',
    label: 'uitkomst',
    claims: {
      nodes: Array.from({ length: 40 }, (_, i) => ({
        id: `kring:claim/${i}`,
        status: 'CONFIRMED',
        direction: 'POSITIVE',
        method: { id: `kring:method/m${String(i).padStart(2, '0')}`, kind: 'METHOD', status: i % 2 ? 'CANDIDATE' : 'CONFIRMED', name: `m${i}` },
      })),
    },
    sources: [],
  };
  it('shows at most CAP neighbours per expansion, and CAP more on "show more"', () => {
    const g = merge(emptyGraph(), many);
    expect(g.nodes.size).toBe(41);
    expect(visibleNodes(g, all, many.id).size).toBe(CAP + 1);
    expect(hiddenCounts(g, many.id).get(many.id)).toBe(40 - CAP);
    const g2 = showMore(g, many.id);
    expect(visibleNodes(g2, all, many.id).size).toBe(2 * CAP + 1);
    const g3 = showMore(g2, many.id);
    expect(visibleNodes(g3, all, many.id).size).toBe(41);
    expect(hiddenCounts(g3, many.id).size).toBe(0);
  });
  it('puts work models and methods before sources in the capped list', () => {
    const g = merge(emptyGraph(), buddy, 2);
    const shown = visibleNodes(g, all, buddy.id);
    expect([...shown].sort()).toEqual([buddy.id, WM2.id, 'kring:initiative/armentekort'].sort());
  });
  it('status filter hides nodes, and nodes reached only through a hidden link', () => {
    const g = merge(emptyGraph(), buddy);
    const total = visibleNodes(g, all, buddy.id).size;
    const noCandidates = visibleNodes(g, { types: all.types, statuses: new Set(['CONFIRMED', 'INFERRED']) }, buddy.id);
    // The source is CANDIDATE; the precondition is CONFIRMED but linked by a CANDIDATE requirement.
    expect(noCandidates.has('kring:source/s1')).toBe(false);
    expect(noCandidates.has('kring:precondition/match')).toBe(false);
    expect(noCandidates.size).toBe(total - 2);
    const els = toElements(g, { types: all.types, statuses: new Set(['CONFIRMED', 'INFERRED']) }, buddy.id);
    expect(els.filter((e) => e.group === 'nodes').length).toBe(total - 2);
  });
  it('never draws an outcome (or source) inside a work model', () => {
    const wm = {
      __typename: 'WorkModel',
      ...WM2,
      assignments: [{ status: 'CONFIRMED', primary: true, method: { id: buddy.id, kind: 'METHOD', status: 'CONFIRMED', name: 'Buddywerking' } }],
    };
    const g = merge(merge(emptyGraph(), wm), buddy);
    const els = toElements(g, all, WM2.id);
    expect(els.find((e) => e.data.id === buddy.id)?.data.parent).toBe(WM2.id);
    for (const e of els.filter((x) => x.group === 'nodes' && (x.data.type === 'OUTCOME' || x.data.type === 'SOURCE'))) expect(e.data.parent).toBeUndefined();
    expect(els.some((e) => e.data.type === 'OUTCOME')).toBe(true);
  });
});
