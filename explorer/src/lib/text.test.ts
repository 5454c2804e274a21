import { describe, expect, it } from 'vitest';
import { highlightSegments, userNote } from './text';

describe('userNote', () => {
  it('drops internal references and keeps the rest', () => {
    expect(userNote('PubMed lists pages 383–442. §6 item 1 (✔).')).toBe('PubMed lists pages 383–442.');
    expect(userNote('§6 item 14 (✔).')).toBeNull();
    expect(userNote('Edited volume. See §5 row 5 for details. Kept as is.')).toBe('Edited volume. Kept as is.');
    expect(userNote(null)).toBeNull();
    expect(userNote('A plain note.')).toBe('A plain note.');
  });
});

describe('highlightSegments', () => {
  it('keeps only <mark> as markup and decodes escaped text', () => {
    expect(highlightSegments('een <mark>buddy</mark> &amp; meer')).toEqual([
      { text: 'een ', mark: false },
      { text: 'buddy', mark: true },
      { text: ' & meer', mark: false },
    ]);
  });
  it('never turns other tags into markup', () => {
    const segs = highlightSegments('&lt;img src=x onerror=alert(1)&gt; <b>bold</b> <mark>x</mark>');
    expect(segs[0]).toEqual({ text: '<img src=x onerror=alert(1)> <b>bold</b> ', mark: false });
    expect(segs[1]).toEqual({ text: 'x', mark: true });
    expect(highlightSegments('<MARK>y</MARK>')).toEqual([{ text: '<MARK>y</MARK>', mark: false }]);
    expect(highlightSegments('&#39;a&#x27; &quot;b&quot;')).toEqual([{ text: `'a' "b"`, mark: false }]);
  });
});
