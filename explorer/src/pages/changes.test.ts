// The pure parts of the "Wat is er veranderd" page (/veranderingen).
import { describe, expect, it } from 'vitest';
import { DIFF_QUERY, fieldLabel, fieldsText, NOW, pickPair, total, type Release } from './changes';
import { parseLocation } from '../lib/router';
import { translate } from '../lib/i18n';
import { parse } from 'graphql';

const rel = (name: string): Release => ({ name, note: '', createdBy: 'ada', createdAt: '2027-01-01T00:00:00Z', quads: 10 });

describe('changes page', () => {
  it('is at /veranderingen (and /changes)', () => {
    expect(parseLocation('/veranderingen').name).toBe('changes');
    expect(parseLocation('/changes', '?lang=en').name).toBe('changes');
  });
  it('compares the newest release with now unless the URL says otherwise', () => {
    const rs = [rel('2027.1'), rel('2027.2')];
    expect(pickPair(rs, {})).toEqual({ from: '2027.2', to: null });
    expect(pickPair(rs, { from: '2027.1', to: '2027.2' })).toEqual({ from: '2027.1', to: '2027.2' });
    expect(pickPair(rs, { from: '2027.1', to: NOW })).toEqual({ from: '2027.1', to: null });
    expect(pickPair([], {})).toEqual({ from: null, to: null });
  });
  it('names changed fields in the page language, never as raw codes', () => {
    expect(fieldLabel('nl', 'title')).toBe(translate('nl', 'f.title'));
    expect(fieldLabel('en', 'title')).toBe(translate('en', 'f.title'));
    expect(fieldLabel('nl', 'type')).toBe(translate('nl', 'f.type'));
    expect(fieldLabel('nl', 'someInternalPredicate')).toBe('ander veld');
    expect(fieldLabel('en', 'someInternalPredicate')).toBe('another field');
    expect(fieldsText('nl', ['x1', 'x2', 'title'])).toBe(`ander veld, ${translate('nl', 'f.title')}`);
  });
  it('has Dutch and English for every node type the diff can name', () => {
    for (const t of ['BATCH', 'SOURCE', 'METHOD', 'OUTCOME_CLAIM', 'AUTHOR', 'CONCEPT']) {
      expect(translate('nl', `type.${t}`)).not.toBe(`type.${t}`);
      expect(translate('en', `type.${t}`)).not.toBe(`type.${t}`);
    }
  });
  it('counts a section and asks a valid query', () => {
    expect(total([{ type: 'SOURCE', count: 3, items: [] }, { type: 'BATCH', count: 1, items: [] }])).toBe(4);
    expect(() => parse(DIFF_QUERY)).not.toThrow();
  });
});
