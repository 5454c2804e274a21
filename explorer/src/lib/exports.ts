// The downloads of GET /export (export.go): one entry per format, in the order the page shows
// them. The labels and descriptions are i18n keys (export.<format>.label / .text).

import type { Lang } from './router';

export interface ExportFormat {
  /** the format parameter of /export */
  format: string;
  /** the file name the server's Content-Disposition gives */
  file: string;
  /** the media type the server answers with (without charset) */
  contentType: string;
  /** the format is about the bibliography, the graph or the tables */
  group: 'bibliography' | 'graph' | 'table';
  /** the download takes the page language (CSV headers and labels) */
  localised?: boolean;
}

export const EXPORT_FORMATS: ExportFormat[] = [
  { format: 'bibtex', file: 'kring.bib', contentType: 'application/x-bibtex', group: 'bibliography' },
  { format: 'ris', file: 'kring.ris', contentType: 'application/x-research-info-systems', group: 'bibliography' },
  { format: 'csljson', file: 'kring-csl.json', contentType: 'application/vnd.citationstyles.csl+json', group: 'bibliography' },
  { format: 'graphml', file: 'kring.graphml', contentType: 'application/graphml+xml', group: 'graph' },
  { format: 'nquads', file: 'kring.nq', contentType: 'application/n-quads', group: 'graph' },
  { format: 'jsonld', file: 'kring.jsonld', contentType: 'application/ld+json', group: 'graph' },
  { format: 'matrix-csv', file: 'kring-matrix.csv', contentType: 'text/csv', group: 'table', localised: true },
  { format: 'catalogue-csv', file: 'kring-catalogus.csv', contentType: 'text/csv', group: 'table', localised: true },
];

/** exportHref is the download link of a format, in the page language where the format has one. */
export function exportHref(f: ExportFormat, lang: Lang): string {
  const q = new URLSearchParams({ format: f.format });
  if (f.localised) q.set('lang', lang === 'en' ? 'EN' : 'NL');
  return `/export?${q.toString()}`;
}
