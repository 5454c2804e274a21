// Validates every query the explorer sends against the API contract (the SDL in ../schema),
// offline.
import { readdirSync, readFileSync } from 'node:fs';
import { buildSchema, parse, validate, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { HOME_QUERY } from './pages/home';
import { WORKMODEL_QUERY } from './pages/workmodel';
import { methodQuery } from './pages/method';
import { outcomeQuery } from './pages/outcome';
import { MATRIX_CELL_QUERY, MATRIX_CSV_QUERY, MATRIX_QUERY } from './pages/matrix';
import { FALLBACK_QUERY, HIGHLIGHT_QUERY } from './pages/search';
import { CATALOGUE_CSV_QUERY, CATALOGUE_OPTIONS_QUERY, CATALOGUE_QUERY } from './pages/catalogue';
import { COMPARE_QUERY, COMPARE_SEARCH_QUERY } from './pages/compare';
// ui-pages (issue 11)
import { RECOMMENDATIONS_QUERY } from './pages/recommendations';
import { ALL_FEATURES, FEATURES_QUERY, NO_FEATURES } from './lib/features';
import { adaptQuery } from './ui';
import { SOURCES_QUERY, SOURCE_QUERY } from './pages/sources';
import { BATCHES_QUERY } from './pages/batches';
import { NEIGHBOURHOOD_QUERY } from './graph/model';
import { CONCEPTS_QUERY } from './lib/concepts';
// upload (issue 13)
import { LOAD_JOB_QUERY, SIGN_IN_QUERY, UPLOAD_MUTATION } from './lib/upload';

const dir = new URL('../../schema/', import.meta.url);

function loadSchema(): GraphQLSchema {
  const files = readdirSync(dir).filter((f) => f.endsWith('.graphqls')).sort();
  return buildSchema(files.map((f) => readFileSync(new URL(f, dir), 'utf8')).join('\n'));
}

const QUERIES: Record<string, string> = {
  CONCEPTS_QUERY, HOME_QUERY, WORKMODEL_QUERY, METHOD_QUERY: methodQuery(NO_FEATURES), OUTCOME_QUERY: outcomeQuery(NO_FEATURES),
  MATRIX_QUERY, MATRIX_CSV_QUERY, MATRIX_CELL_QUERY, CATALOGUE_OPTIONS_QUERY, CATALOGUE_QUERY, CATALOGUE_CSV_QUERY,
  FALLBACK_QUERY, COMPARE_QUERY, COMPARE_SEARCH_QUERY, SOURCES_QUERY, SOURCE_QUERY, BATCHES_QUERY, NEIGHBOURHOOD_QUERY,
  FEATURES: `query KringFeatures { __type(name: "Query") { fields { name } } }`,
  // ui-pages (issue 11)
  RECOMMENDATIONS_QUERY, FEATURES_QUERY, HIGHLIGHT_QUERY,
  // upload (issue 13)
  UPLOAD_MUTATION, LOAD_JOB_QUERY, SIGN_IN_QUERY,
};

describe('queries match the SDL', () => {
  const schema = loadSchema();
  for (const [name, q] of Object.entries(QUERIES)) {
    it(name, () => {
      const errors = validate(schema, parse(q)).map((e) => e.message);
      expect(errors).toEqual([]);
    });
  }
});

// ui-pages (issue 11): the queries as sent to a server with the issue-11 API (roll-up, confidence,
// note(lang:)); checked once the SDL has it (ClaimScope), skipped before.
describe('queries with the issue-11 API match the SDL', () => {
  const schema = loadSchema();
  const has = !!schema.getType('ClaimScope');
  const adapted: Record<string, string> = Object.fromEntries(
    Object.entries({ ...QUERIES, METHOD_QUERY: methodQuery(ALL_FEATURES), OUTCOME_QUERY: outcomeQuery(ALL_FEATURES) }).map(([k, q]) => [k, adaptQuery(q, ALL_FEATURES)]),
  );
  for (const [name, q] of Object.entries(adapted)) {
    it.skipIf(!has)(name, () => {
      const errors = validate(schema, parse(q)).map((e) => e.message);
      expect(errors).toEqual([]);
    });
  }
});
