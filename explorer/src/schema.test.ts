// Validates every query the explorer sends against the API contract (the SDL in ../schema),
// offline. The planned `matrix` field (a later issue) is added from its agreed shape when the
// SDL does not have it yet, so the server-side matrix queries are checked too.
import { readdirSync, readFileSync } from 'node:fs';
import { buildSchema, parse, validate, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { HOME_QUERY } from './pages/home';
import { WORKMODEL_QUERY } from './pages/workmodel';
import { methodQuery } from './pages/method';
import { outcomeQuery } from './pages/outcome';
// ui-pages (issue 11)
import { RECOMMENDATIONS_QUERY } from './pages/recommendations';
import { ALL_FEATURES, FEATURES_QUERY, NO_FEATURES } from './lib/features';
import { adaptQuery } from './ui';
import { CLIENT_CLAIMS_QUERY, SERVER_CELL_QUERY, SERVER_MATRIX_QUERY } from './pages/matrix';
import { FALLBACK_QUERY, HIGHLIGHT_QUERY } from './pages/search';
import { COMPARE_QUERY } from './pages/compare';
import { SOURCES_QUERY, SOURCE_QUERY } from './pages/sources';
import { BATCHES_QUERY } from './pages/batches';
import { NEIGHBOURHOOD_QUERY } from './graph/model';
import { CONCEPTS_QUERY } from './lib/concepts';

const dir = new URL('../../schema/', import.meta.url);

const PLANNED_MATRIX = `
enum Axis { WORK_MODEL METHOD ACTOR_TYPE TARGET_GROUP SUPPORT_FUNCTION OUTCOME_DOMAIN OUTCOME PRECONDITION_CATEGORY SOURCE_TYPE REGION }
type AxisValue { key: ID! label(lang: Lang! = NL): String! }
type MatrixCell { row: ID! column: ID! claimCount: Int! sourceCount: Int! positive: Int! none: Int! negative: Int! mixed: Int!
  strongestDesign: StudyDesign highestEvidenceLevel: EvidenceLevel claims(first: Int, after: String): ClaimConnection! }
type Matrix { rows: [AxisValue!]! columns: [AxisValue!]! cells: [MatrixCell!]! gaps: Int! }
extend type Query { matrix(rows: Axis!, columns: Axis!, filter: ClaimFilter): Matrix! }
`;

function loadSchema(): GraphQLSchema {
  const files = readdirSync(dir).filter((f) => f.endsWith('.graphqls')).sort();
  let sdl = files.map((f) => readFileSync(new URL(f, dir), 'utf8')).join('\n');
  if (!/\bmatrix\s*\(/.test(sdl)) sdl += PLANNED_MATRIX;
  return buildSchema(sdl);
}

const QUERIES: Record<string, string> = {
  CONCEPTS_QUERY, HOME_QUERY, WORKMODEL_QUERY, METHOD_QUERY: methodQuery(NO_FEATURES), OUTCOME_QUERY: outcomeQuery(NO_FEATURES), CLIENT_CLAIMS_QUERY, SERVER_MATRIX_QUERY, SERVER_CELL_QUERY,
  FALLBACK_QUERY, COMPARE_QUERY, SOURCES_QUERY, SOURCE_QUERY, BATCHES_QUERY, NEIGHBOURHOOD_QUERY,
  FEATURES: `query KringFeatures { __type(name: "Query") { fields { name } } }`,
  // ui-pages (issue 11)
  RECOMMENDATIONS_QUERY, FEATURES_QUERY, HIGHLIGHT_QUERY,
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
