import { describe, expect, it } from 'vitest';
import { idToPath, parseId, pathToId, shortId, toId } from './ids';

describe('id ↔ URL mapping', () => {
  it('maps page kinds to /<kind>/<slug> and back', () => {
    for (const id of ['kring:workmodel/persoonlijke-vriend', 'kring:method/family-group-conferencing', 'kring:initiative/armentekort-buddy', 'kring:outcome/loneliness', 'kring:source/hogan2002']) {
      const path = idToPath(id);
      expect(path).toBe('/' + id.slice('kring:'.length));
      expect(pathToId(path)).toBe(id);
    }
  });
  it('sends batches to the batches page and other kinds to the graph', () => {
    expect(idToPath('kring:batch/starter')).toBe('/batches?open=kring%3Abatch%2Fstarter');
    expect(idToPath('kring:claim/x')).toBe('/graph?focus=kring%3Aclaim%2Fx');
    expect(idToPath('kring:concept/ActorType/VOLUNTEER')).toBe('/graph?focus=kring%3Aconcept%2FActorType%2FVOLUNTEER');
    expect(idToPath('kring:targetgroup/people-in-poverty')).toBe('/graph?focus=kring%3Atargetgroup%2Fpeople-in-poverty');
  });
  it('rejects paths that are not node pages', () => {
    expect(pathToId('/matrix')).toBeNull();
    expect(pathToId('/claim/x')).toBeNull();
    expect(pathToId('/method/')).toBeNull();
    expect(pathToId('/method/a/b')).toBeNull();
    expect(pathToId('/method/%E0%A4%A')).toBeNull(); // malformed escape
  });
  it('accepts a trailing slash and escaped slugs', () => {
    expect(pathToId('/method/fgc/')).toBe('kring:method/fgc');
    expect(pathToId('/source/a%20b')).toBe('kring:source/a b');
    expect(idToPath('kring:source/a b')).toBe('/source/a%20b');
  });
  it('parses and builds ids', () => {
    expect(parseId('kring:method/fgc')).toEqual({ kind: 'method', slug: 'fgc' });
    expect(parseId('method/fgc')).toEqual({ kind: 'method', slug: 'fgc' });
    expect(parseId('kring:nothing')).toBeNull();
    expect(toId('outcome', 'loneliness')).toBe('kring:outcome/loneliness');
    expect(shortId('kring:outcome/loneliness')).toBe('outcome/loneliness');
  });
});
