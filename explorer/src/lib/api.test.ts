import { describe, expect, it } from 'vitest';
import { apiLang, classifyError, errorMessageKey } from './api';
import { toConcepts, CONCEPTS_QUERY } from './concepts';
import { translate } from './i18n';

describe('API errors in plain words', () => {
  it('network failure → server unreachable', () => {
    const e = classifyError({ networkError: new Error('Failed to fetch') });
    expect(e.kind).toBe('network');
    const { key, vars } = errorMessageKey(e);
    expect(translate('nl', key, vars)).toMatch(/^De server is niet bereikbaar/);
  });
  it('HTTP error status', () => {
    const e = classifyError({ networkError: new Error('Bad Gateway'), response: { status: 502 } });
    expect(errorMessageKey(e)).toEqual({ key: 'err.http', vars: { status: 502 } });
    expect(translate('en', 'err.http', { status: 502 })).toBe('The server answered with an error (HTTP 502).');
  });
  it('GraphQL errors by extensions.code', () => {
    const nf = classifyError({ graphQLErrors: [{ message: 'no node kring:x', extensions: { code: 'NOT_FOUND' } }] });
    expect(nf).toMatchObject({ kind: 'graphql', code: 'NOT_FOUND', messages: ['no node kring:x'] });
    expect(translate('nl', errorMessageKey(nf).key)).toBe('Dit item bestaat niet (NOT_FOUND).');
    const bad = classifyError({ graphQLErrors: [{ message: 'first must be ≥ 0', extensions: { code: 'BAD_USER_INPUT' } }] });
    const k = errorMessageKey(bad);
    expect(translate('en', k.key, k.vars)).toBe('The request is invalid (BAD_USER_INPUT): first must be ≥ 0');
    for (const code of ['FORBIDDEN', 'CONFLICT', 'INTERNAL']) {
      expect(errorMessageKey(classifyError({ graphQLErrors: [{ message: 'm', extensions: { code } }] })).key).toBe(`err.${code}`);
    }
    const other = classifyError({ graphQLErrors: [{ message: 'Cannot query field "x"' }] });
    expect(errorMessageKey(other)).toEqual({ key: 'err.GRAPHQL', vars: { message: 'Cannot query field "x"' } });
  });
  it('maps UI languages to the API enum', () => {
    expect(apiLang('nl')).toBe('NL');
    expect(apiLang('en')).toBe('EN');
  });
});

describe('vocabulary labels', () => {
  it('queries each scheme under an alias with the language', () => {
    expect(CONCEPTS_QUERY).toContain('OutcomeDomain: concepts(scheme: "OutcomeDomain") { code label(lang: $lang) }');
  });
  it('keeps labels and skips ones that repeat the code', () => {
    expect(toConcepts({ Region: [{ code: 'NL', label: 'Nederland' }, { code: 'UK', label: 'UK' }], Missing: null })).toEqual({ Region: { NL: 'Nederland' }, Missing: {} });
    expect(toConcepts(null)).toEqual({});
  });
});
