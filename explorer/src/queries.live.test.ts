// Checks every query the pages send against a running Kring server (validation and errors).
// Skipped unless KRING_URL is set:  KRING_URL=http://127.0.0.1:8099 npx vitest run src/queries.live.test.ts
import { describe, expect, it } from 'vitest';
import { HOME_QUERY } from './pages/home';
import { WORKMODEL_QUERY } from './pages/workmodel';
import { METHOD_QUERY } from './pages/method';
import { OUTCOME_QUERY } from './pages/outcome';
import { MATRIX_CELL_QUERY, MATRIX_CSV_QUERY, MATRIX_QUERY } from './pages/matrix';
import { FALLBACK_QUERY } from './pages/search';
import { CATALOGUE_CSV_QUERY, CATALOGUE_OPTIONS_QUERY, CATALOGUE_QUERY } from './pages/catalogue';
import { COMPARE_QUERY, COMPARE_SEARCH_QUERY } from './pages/compare';
import { SOURCES_QUERY, SOURCE_QUERY } from './pages/sources';
import { BATCHES_QUERY } from './pages/batches';
import { NEIGHBOURHOOD_QUERY } from './graph/model';
import { CONCEPTS_QUERY } from './lib/concepts';

const url = process.env.KRING_URL;

async function run(query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
}

describe.skipIf(!url)('page queries against a live server', () => {
  it('all validate and answer without errors', async () => {
    const ids = await run(`{ workModels { nodes { id } } methods(filter: {kind: METHOD}, first: 3) { nodes { id } } initiatives(first: 3) { nodes { id } } outcomes(first: 1) { nodes { id } } sources(first: 1) { nodes { id } } }`);
    expect(ids.errors).toBeUndefined();
    const wm = ids.data.workModels.nodes[0].id;
    const m = ids.data.methods.nodes[0].id;
    const i = ids.data.initiatives.nodes[0].id;
    const o = ids.data.outcomes.nodes[0].id;
    const s = ids.data.sources.nodes[0].id;
    const cases: [string, string, Record<string, unknown>][] = [
      ['concepts', CONCEPTS_QUERY, { lang: 'NL' }],
      ['home', HOME_QUERY, { lang: 'NL' }],
      ['workmodel', WORKMODEL_QUERY, { id: wm, lang: 'EN' }],
      ['method', METHOD_QUERY, { id: m, lang: 'NL' }],
      ['initiative', METHOD_QUERY, { id: i, lang: 'NL' }],
      ['outcome', OUTCOME_QUERY, { id: o, lang: 'NL' }],
      ['matrix', MATRIX_QUERY, { rows: 'WORK_MODEL', cols: 'OUTCOME_DOMAIN', filter: null, terms: 'ROLLED_UP', via: true, lang: 'NL' }],
      ['matrix-filter', MATRIX_QUERY, { rows: 'ACTOR_TYPE', cols: 'REGION', filter: { direction: ['POSITIVE'], minDesign: 'QUALITATIVE', confirmedOnly: true }, terms: 'AS_CODED', via: false, lang: 'EN' }],
      ['matrix-csv', MATRIX_CSV_QUERY, { rows: 'WORK_MODEL', cols: 'OUTCOME_DOMAIN', filter: null, terms: 'ROLLED_UP', via: true, lang: 'NL' }],
      ['matrix-cell', MATRIX_CELL_QUERY, { rows: 'WORK_MODEL', cols: 'OUTCOME_DOMAIN', filter: null, terms: 'ROLLED_UP', via: true, lang: 'NL', row: 'none', column: 'LONELINESS_ISOLATION' }],
      ['catalogue-options', CATALOGUE_OPTIONS_QUERY, { lang: 'NL' }],
      ['catalogue', CATALOGUE_QUERY, { where: null, orderBy: [{ by: 'CONFIDENCE', direction: 'DESC', lang: 'NL' }], after: null, lang: 'NL' }],
      ['catalogue-filter', CATALOGUE_QUERY, { where: { is: { outcomeDomain: 'LONELINESS_ISOLATION', minConfidence: 'LOW', status: ['CONFIRMED'] } }, orderBy: null, after: null, lang: 'EN' }],
      ['catalogue-csv', CATALOGUE_CSV_QUERY, { where: { is: { kind: 'METHOD' } }, orderBy: [{ by: 'NAME', direction: 'ASC', lang: 'NL' }], lang: 'NL' }],
      ['search', FALLBACK_QUERY, { q: 'buddy', lang: 'NL' }],
      ['compare', COMPARE_QUERY, { ids: [m, i], lang: 'NL' }],
      ['compare-search', COMPARE_SEARCH_QUERY, { text: 'buddy', lang: 'NL' }],
      ['sources', SOURCES_QUERY, { filter: null, after: null }],
      ['source', SOURCE_QUERY, { id: s, lang: 'NL' }],
      ['batches', BATCHES_QUERY, {}],
      ['graph-wm', NEIGHBOURHOOD_QUERY, { id: wm, lang: 'NL' }],
      ['graph-m', NEIGHBOURHOOD_QUERY, { id: m, lang: 'NL' }],
      ['graph-o', NEIGHBOURHOOD_QUERY, { id: o, lang: 'NL' }],
      ['graph-s', NEIGHBOURHOOD_QUERY, { id: s, lang: 'NL' }],
    ];
    const problems: string[] = [];
    for (const [name, q, v] of cases) {
      const r = await run(q, v);
      if (r.errors?.length) problems.push(`${name}: ${r.errors.map((e) => `${e.extensions?.code ?? ''} ${e.message}`).join('; ')}`);
      if (!r.data) problems.push(`${name}: no data`);
    }
    expect(problems).toEqual([]);
  });

  it('a missing id gives NOT_FOUND', async () => {
    const r = await run(WORKMODEL_QUERY, { id: 'kring:workmodel/does-not-exist', lang: 'NL' });
    expect(r.data?.workModel ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
