import { describe, expect, it } from 'vitest';
import { buildUrl, langOf, listParam, parseLocation, parseQuery, withQuery } from './router';

describe('routing', () => {
  it('parses static pages', () => {
    expect(parseLocation('/').name).toBe('home');
    expect(parseLocation('/matrix', '?rows=WORK_MODEL&cols=OUTCOME_DOMAIN')).toMatchObject({
      name: 'matrix',
      query: { rows: 'WORK_MODEL', cols: 'OUTCOME_DOMAIN' },
      lang: 'nl',
    });
    expect(parseLocation('/search/', '?q=buddy').name).toBe('search');
    expect(parseLocation('/batches').name).toBe('batches');
  });
  it('parses node pages into ids', () => {
    expect(parseLocation('/workmodel/persoonlijke-vriend')).toMatchObject({ name: 'workmodel', id: 'kring:workmodel/persoonlijke-vriend' });
    expect(parseLocation('/initiative/armentekort-buddy')).toMatchObject({ name: 'initiative', id: 'kring:initiative/armentekort-buddy' });
    expect(parseLocation('/source/hogan2002', '?lang=en')).toMatchObject({ name: 'source', id: 'kring:source/hogan2002', lang: 'en' });
  });
  it('sends unknown paths to not-found', () => {
    expect(parseLocation('/nope').name).toBe('notfound');
    expect(parseLocation('/claim/x').name).toBe('notfound');
  });
  it('reads the language from the URL, Dutch by default', () => {
    expect(langOf({})).toBe('nl');
    expect(langOf({ lang: 'en' })).toBe('en');
    expect(langOf({ lang: 'EN' })).toBe('en');
    expect(langOf({ lang: 'fr' })).toBe('nl');
  });
  it('builds stable URLs: drops empty values, keeps lang=en last, omits lang=nl', () => {
    expect(buildUrl('/search', { q: 'buddy', types: '' })).toBe('/search?q=buddy');
    expect(buildUrl('/search', { q: 'buddy' }, 'en')).toBe('/search?q=buddy&lang=en');
    expect(buildUrl('/search', { lang: 'en', q: 'x' })).toBe('/search?q=x&lang=en');
    expect(buildUrl('/', {}, 'nl')).toBe('/');
    expect(buildUrl('/batches?open=a', { x: '1' }, 'en')).toBe('/batches?open=a&x=1&lang=en');
    expect(buildUrl('/graph', { focus: 'kring:method/a b' })).toBe('/graph?focus=kring%3Amethod%2Fa+b');
  });
  it('round-trips query state through the URL', () => {
    const url = buildUrl('/matrix', { rows: 'METHOD', cols: 'OUTCOME', dir: 'POSITIVE,MIXED', cell: 'a~b' }, 'en');
    const [path, search] = url.split('?');
    const r = parseLocation(path, '?' + search);
    expect(r.query).toEqual({ rows: 'METHOD', cols: 'OUTCOME', dir: 'POSITIVE,MIXED', cell: 'a~b', lang: 'en' });
    expect(listParam(r.query.dir)).toEqual(['POSITIVE', 'MIXED']);
  });
  it('changes some parameters and keeps the others', () => {
    const r = parseLocation('/matrix', '?rows=METHOD&cell=a~b&lang=en');
    expect(withQuery(r, { cell: undefined })).toBe('/matrix?rows=METHOD&lang=en');
    expect(withQuery(r, { rows: 'REGION' })).toBe('/matrix?rows=REGION&cell=a%7Eb&lang=en');
    expect(withQuery(r, { lang: undefined })).toBe('/matrix?rows=METHOD&cell=a%7Eb');
    const nl = parseLocation('/', '');
    expect(withQuery(nl, { lang: 'en' })).toBe('/?lang=en');
  });
  it('parses query strings with or without "?" and keeps the first of repeated keys', () => {
    expect(parseQuery('?a=1&a=2&b=')).toEqual({ a: '1', b: '' });
    expect(parseQuery('a=1')).toEqual({ a: '1' });
    expect(listParam(undefined)).toEqual([]);
    expect(listParam(' a, ,b ')).toEqual(['a', 'b']);
  });
});
