// The queries `make bench-load` sends (scripts/benchload/queries.json) are the explorer's own:
// this test fails when a page's query changed and the file was not regenerated with
//   UPDATE_BENCH_QUERIES=1 npx vitest run src/bench-queries.test.ts
// Pages that ask through useQuery (ui.tsx) send adaptQuery(query, features) with the features of
// the API the explorer ships with (ALL_FEATURES). Variables written "$method" are filled in by the benchmark with an id from the served KB.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HOME_QUERY } from './pages/home';
import { methodQuery } from './pages/method';
import { adaptQuery } from './ui';
import { ALL_FEATURES } from './lib/features';
import { MATRIX_QUERY } from './pages/matrix';
import { HIGHLIGHT_QUERY } from './pages/search';
import { CATALOGUE_QUERY } from './pages/catalogue';

const file = new URL('../../scripts/benchload/queries.json', import.meta.url);

const pages = [
  { page: 'home', query: adaptQuery(HOME_QUERY, ALL_FEATURES), variables: { lang: 'NL' } },
  { page: 'method', query: adaptQuery(methodQuery(ALL_FEATURES), ALL_FEATURES), variables: { id: '$method', lang: 'NL' } },
  { page: 'matrix', query: MATRIX_QUERY, variables: { rows: 'WORK_MODEL', cols: 'OUTCOME_DOMAIN', filter: null, terms: 'ROLLED_UP', via: true, lang: 'NL' } },
  { page: 'search', query: HIGHLIGHT_QUERY, variables: { q: 'buddy', lang: 'NL', types: null } },
  { page: 'catalogue', query: CATALOGUE_QUERY, variables: { where: null, orderBy: [{ by: 'CONFIDENCE', direction: 'DESC', lang: 'NL' }], after: null, lang: 'NL' } },
];

describe('bench-load queries', () => {
  it('are the explorer’s page queries', () => {
    const want = JSON.stringify(pages, null, 2) + '\n';
    if (process.env.UPDATE_BENCH_QUERIES) writeFileSync(file, want);
    expect(readFileSync(file, 'utf8')).toBe(want);
  });
});
