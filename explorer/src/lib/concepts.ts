// Labels of vocabulary codes, from the API's `concepts(scheme:)` in the page language.

import { apiLang, gql } from './api';
import type { Lang } from './router';

export type Concepts = Record<string, Record<string, string>>;

// Vocabulary schemes whose labels the pages show; fetched once per language.
export const SCHEMES = [
  'OutcomeDomain', 'ActorType', 'ActorRole', 'SupportFunction', 'SocialCapitalType', 'NetworkStrategy',
  'PreconditionCategory', 'PreconditionLevel', 'SourceType', 'Region', 'StudyDesign', 'EvidenceLevel', 'Criterion',
  'StakeholderGroup', 'Registry', 'GottliebLevel', 'Timeframe', 'AssessmentValue', 'OutcomeLevel', 'OrganisationType',
  'AnswerState', 'Perspective',
];

export const CONCEPTS_QUERY = `query Concepts($lang: Lang!) {\n${SCHEMES.map((s) => `  ${s}: concepts(scheme: "${s}") { code label(lang: $lang) }`).join('\n')}\n}`;

/** Turns the answer into scheme → code → label, skipping labels that merely repeat the code. */
export function toConcepts(data: Record<string, { code: string; label: string }[] | null> | null): Concepts {
  const out: Concepts = {};
  for (const [scheme, list] of Object.entries(data ?? {})) {
    out[scheme] = {};
    for (const c of list ?? []) if (c.label && c.label !== c.code) out[scheme][c.code] = c.label;
  }
  return out;
}

const cache = new Map<Lang, Promise<Concepts>>();

export function loadConcepts(lang: Lang): Promise<Concepts> {
  let p = cache.get(lang);
  if (!p) {
    p = gql<Record<string, { code: string; label: string }[] | null>>(CONCEPTS_QUERY, { lang: apiLang(lang) }).then((r) => {
      if (!r.data) cache.delete(lang);
      return toConcepts(r.data);
    });
    cache.set(lang, p);
  }
  return p;
}
