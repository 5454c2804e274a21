// The history section's pure parts: order, the parts' edits, and Dutch text without raw codes.
import { describe, expect, it } from 'vitest';
import { fieldKey, historyRows, valueText, type HistoryEntry } from './history';
import { codeLabel, translate } from '../lib/i18n';

const e = (id: string, kind: HistoryEntry['kind'], at: string, more: Partial<HistoryEntry> = {}): HistoryEntry => ({ id, kind, at, old: [], new: [], ...more });

describe('history rows', () => {
  it('puts the newest first, with the claims’ edits but not their loads', () => {
    const rows = historyRows({
      __typename: 'Method',
      history: [e('kring:batch/edit-2', 'EDIT', '2026-12-07T10:00:00Z', { field: 'name', lang: 'en' }), e('kring:batch/kb', 'LOAD', '2026-01-01T00:00:00Z')],
      claims: {
        nodes: [
          {
            id: 'kring:claim/c',
            outcome: { label: 'eenzaamheid' },
            history: [e('kring:batch/edit-3', 'EDIT', '2026-12-07T10:00:00Z', { field: 'direction', old: ['POSITIVE'], new: ['NEGATIVE'] }), e('kring:batch/kb', 'LOAD', '2026-01-01T00:00:00Z')],
          },
        ],
      },
    });
    expect(rows.map((r) => [r.entry.id, r.aboutKind, r.about])).toEqual([
      ['kring:batch/edit-3', 'claim', 'eenzaamheid'],
      ['kring:batch/edit-2', '', ''],
      ['kring:batch/kb', '', ''],
    ]);
    expect(historyRows(null)).toEqual([]);
  });
  it('shows fields and values in Dutch, never as codes', () => {
    const t = (k: string) => translate('nl', k);
    const label = (s: string, c: string) => codeLabel('nl', s, c);
    expect(t(fieldKey('direction'))).toBe('Richting');
    expect(t(fieldKey('basis'))).toBe('Grond van de toewijzing');
    expect(t(fieldKey('somethingNew'))).toBe('een veld');
    expect(t(fieldKey('aliases'))).toBe('Ook bekend als');
    expect(valueText('direction', 'NEGATIVE', t, label)).toBe('negatief');
    expect(valueText('status', 'CANDIDATE', t, label)).toBe('kandidaat');
    expect(valueText('basis', 'REPORT', t, label)).toBe('volgens het rapport');
    expect(valueText('peerReviewed', 'true', t, label)).toBe('ja');
    expect(valueText('year', '2003', t, label)).toBe('2003');
    for (const k of ['hist.title', 'hist.LOAD', 'hist.EDIT', 'hist.REVERT', 'hist.reason', 'hist.reverted']) {
      expect(translate('nl', k)).not.toBe(k);
      expect(translate('nl', k)).not.toBe(translate('en', k));
    }
    expect(translate('nl', 'hist.title')).toBe('Geschiedenis');
  });
});
