import { describe, expect, it } from 'vitest';
import { codeLabel, formatNumber, humanize, STRINGS, translate } from './i18n';

describe('i18n', () => {
  it('translates into Dutch and English', () => {
    expect(translate('nl', 'home.title')).toBe('De zeven werkmodellen');
    expect(translate('en', 'home.title')).toBe('The seven work models');
  });
  it('falls back to the other language, then to the key', () => {
    const table = { onlyNl: { nl: 'alleen Nederlands' }, onlyEn: { en: 'English only' } };
    expect(translate('en', 'onlyNl', undefined, table)).toBe('alleen Nederlands');
    expect(translate('nl', 'onlyEn', undefined, table)).toBe('English only');
    expect(translate('nl', 'missing.key', undefined, table)).toBe('missing.key');
  });
  it('fills placeholders and leaves unknown ones', () => {
    expect(translate('nl', 'home.methods', { n: 3 })).toBe('3 methoden');
    expect(translate('en', 'matrix.cell', { claims: 2, sources: 1 })).toBe('claims: 2, sources: 1');
    expect(translate('nl', 'home.methods', { n: 1 })).toBe('1 methode');
    expect(translate('en', 'home.sources', { n: 1 })).toBe('1 source');
    expect(translate('en', 'home.sources', { n: 0 })).toBe('0 sources');
    expect(translate('nl', 'home.methods')).toBe('{n} methoden');
  });
  it('says candidate status honestly', () => {
    expect(translate('nl', 'status.CANDIDATE.long')).toBe('kandidaat — nog niet bevestigd');
    expect(translate('nl', 'err.NOT_FOUND')).toBe('Dit item bestaat niet (NOT_FOUND).');
    expect(translate('nl', 'err.network')).toMatch(/^De server is niet bereikbaar/);
  });
  it('has every UI string in both languages', () => {
    const missing = Object.entries(STRINGS).filter(([, e]) => !e.nl || !e.en).map(([k]) => k);
    expect(missing).toEqual([]);
  });
  it('labels vocabulary codes: API concept first, then the table, then the humanized code', () => {
    const concepts = { OutcomeDomain: { LONELINESS_ISOLATION: 'eenzaamheid (API)' } };
    expect(codeLabel('nl', 'OutcomeDomain', 'LONELINESS_ISOLATION', concepts)).toBe('eenzaamheid (API)');
    expect(codeLabel('en', 'OutcomeDomain', 'LONELINESS_ISOLATION')).toBe('loneliness and isolation');
    expect(codeLabel('nl', 'Registry', 'CRIMESOLUTIONS')).toBe('crimesolutions');
    expect(codeLabel('nl', 'Registry', null)).toBe('');
    expect(humanize('ACCESS_TO_RIGHTS_SERVICES')).toBe('access to rights services');
  });
  it('formats numbers per language', () => {
    expect(formatNumber('nl', 12345)).toBe('12.345');
    expect(formatNumber('en', 12345)).toBe('12,345');
  });
});
