import { describe, expect, it } from 'vitest';
import { activeFilters, catalogueOrder, catalogueQuery, catalogueState, catalogueWhere, hasFilters } from './catalogue';
import { buildUrl, parseLocation } from './router';

describe('catalogue URL state', () => {
  it('defaults: everything, by name A→Z', () => {
    const s = catalogueState({});
    expect(s).toMatchObject({ status: [], sort: 'NAME', desc: false });
    expect(hasFilters(s)).toBe(false);
    expect(catalogueWhere(s)).toBeNull();
    expect(catalogueOrder(s, 'NL')).toEqual([{ by: 'NAME', direction: 'ASC', lang: 'NL' }]);
    expect(Object.values(catalogueQuery(s)).filter(Boolean)).toEqual([]);
  });
  it('round-trips every filter and the sort through the URL', () => {
    const q = {
      q: 'buddy', kind: 'INITIATIVE', wm: 'kring:workmodel/persoonlijke-vriend', actor: 'VOLUNTEER', tg: 'kring:targetgroup/isolated-people', region: 'BE',
      domain: 'LONELINESS_ISOLATION', level: 'GOED_ONDERBOUWD', conf: 'MODERATE', status: 'CONFIRMED,INFERRED', sort: 'CONFIDENCE', dir: 'asc',
    };
    const s = catalogueState(q);
    expect(catalogueQuery(s)).toEqual(q);
    expect(hasFilters(s)).toBe(true);
    expect(activeFilters(s)).toBe(10);
    // A shared link opens the same selection.
    const url = buildUrl('/catalogus', catalogueQuery(s) as Record<string, string>, 'en');
    const r = parseLocation(url.split('?')[0], '?' + url.split('?')[1]);
    expect(r.name).toBe('catalogue');
    expect(r.lang).toBe('en');
    expect(catalogueState(r.query)).toEqual(s);
  });
  it('builds findMethods where and orderBy from the state', () => {
    const s = catalogueState({ wm: 'kring:workmodel/persoonlijk-netwerk', domain: 'PARENTING_CHILD', conf: 'HIGH', status: 'CONFIRMED', sort: 'CLAIM_COUNT' });
    expect(catalogueWhere(s)).toEqual({ is: { workModel: ['kring:workmodel/persoonlijk-netwerk'], outcomeDomain: 'PARENTING_CHILD', minConfidence: 'HIGH', status: ['CONFIRMED'] } });
    expect(s.desc).toBe(true); // counts start highest first
    expect(catalogueOrder(s, 'EN')).toEqual([
      { by: 'CLAIM_COUNT', direction: 'DESC', lang: 'EN' },
      { by: 'NAME', direction: 'ASC', lang: 'EN' },
    ]);
    expect(catalogueQuery(s).dir).toBeUndefined();
    expect(catalogueQuery({ ...s, desc: false }).dir).toBe('asc');
  });
  it('drops malformed values instead of sending them to the API', () => {
    const s = catalogueState({ kind: 'PERSON', wm: 'javascript:alert(1)', actor: 'volunteer', conf: 'VERY_LOW', status: 'CONFIRMED,NOPE,CONFIRMED', sort: 'RANDOM', dir: 'sideways', q: '   ' });
    expect(s).toMatchObject({ kind: undefined, workModel: undefined, actorType: undefined, minConfidence: undefined, status: ['CONFIRMED'], sort: 'NAME', desc: false, text: undefined });
  });
});
