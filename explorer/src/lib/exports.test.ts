// The export buttons (issue 13 item 4): every format the server's /export offers, each with a
// Dutch and an English label and text, links that carry the page language only where the
// download is worded.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { EXPORT_FORMATS, exportHref } from './exports';
import { STRINGS } from './i18n';

describe('export downloads', () => {
  it('lists every format of kring export, with the server file names', () => {
    // export.go's exportFormats, read from the source so that the two cannot drift apart.
    const src = readFileSync(new URL('../../../export.go', import.meta.url), 'utf8');
    const block = src.slice(src.indexOf('var exportFormats'), src.indexOf('\n}\n', src.indexOf('var exportFormats')));
    const rows = [...block.matchAll(/\{([^,]+), "([^"]+)", "([^"]+)", (true|false)\}/g)].map((m) => ({ ct: m[2].split(';')[0], file: m[3] }));
    expect(rows.length).toBe(8);
    const byFile = (a: { file: string }, b: { file: string }) => a.file.localeCompare(b.file);
    expect(EXPORT_FORMATS.map((f) => ({ ct: f.contentType, file: f.file })).sort(byFile)).toEqual(rows.sort(byFile));
  });
  it('has Dutch and English wording for each button', () => {
    for (const f of EXPORT_FORMATS) {
      for (const k of [`export.${f.format}.label`, `export.${f.format}.text`, `export.group.${f.group}`]) {
        expect(STRINGS[k]?.nl, k).toBeTruthy();
        expect(STRINGS[k]?.en, k).toBeTruthy();
      }
    }
    expect(STRINGS['export.title'].nl).toBe('Exporteren');
  });
  it('links to /export with the format, and the language for the tables only', () => {
    const byFormat = Object.fromEntries(EXPORT_FORMATS.map((f) => [f.format, f]));
    expect(exportHref(byFormat['bibtex'], 'en')).toBe('/export?format=bibtex');
    expect(exportHref(byFormat['matrix-csv'], 'nl')).toBe('/export?format=matrix-csv&lang=NL');
    expect(exportHref(byFormat['catalogue-csv'], 'en')).toBe('/export?format=catalogue-csv&lang=EN');
  });
});
