// The study as it describes itself, on the about page (/over): its five research questions and
// its core parameters, each with what in the knowledge base answers it (links to the item pages
// and the matrix), whether it is answered, partly or not, and what is missing. Research question
// 5 lists the published experiences per perspective. Texts come from the API in the page language
// (the Dutch question texts are the study's own words); codes are shown through labels.

import { useEffect } from 'preact/hooks';
import { NodeLink, QueryView, SourceLinks, StatusBadge, useApp, useQuery, type SourceRef } from '../ui';
import { Note, SRC } from './shared';

const BY = `answeredBy {
      __typename id
      ... on Method { kind status name(lang: $lang) }
      ... on WorkModel { code status name(lang: $lang) }
      ... on Framework { status name(lang: $lang) }
      ... on OutcomeClaim { status method { name(lang: $lang) } outcome { label(lang: $lang) } }
      ... on Source { status title year }
      ... on Precondition { status label(lang: $lang) }
      ... on Outcome { status label(lang: $lang) }
    }`;

/** The fields of an experience the pages show (the about page, and the method page). */
export const EXPERIENCE_FIELDS = `id perspective text(lang: $lang) design sampleSize population(lang: $lang) locator status note
      about { __typename id ... on Method { kind name(lang: $lang) } ... on WorkModel { code name(lang: $lang) } }
      sources { ${SRC} }`;

export const STUDY_QUERY = `query Study($lang: Lang!) {
  researchQuestions {
    id code text(lang: $lang) answer gap(lang: $lang) answeredAxes status note
    ${BY}
    parameters { id }
    experiences { ${EXPERIENCE_FIELDS} }
  }
  studyParameters {
    id code label(lang: $lang) answer gap(lang: $lang) answeredAxes status note
    ${BY}
  }
}`;

export interface AnswerNode {
  __typename: string;
  id: string;
  kind?: string;
  code?: string;
  status?: string;
  name?: string;
  label?: string;
  title?: string;
  year?: number | null;
  method?: { name: string };
  outcome?: { label: string };
}

export interface ExperienceRecord {
  id: string;
  perspective: string;
  text: string;
  design?: string | null;
  sampleSize?: number | null;
  population?: string | null;
  locator?: string | null;
  status: string;
  note?: string | null;
  about: AnswerNode[];
  sources: SourceRef[];
}

interface Answerable {
  id: string;
  code: string;
  answer: string;
  gap?: string | null;
  answeredAxes: string[];
  status: string;
  note?: string | null;
  answeredBy: AnswerNode[];
}

export interface QuestionRecord extends Answerable {
  text: string;
  parameters: { id: string }[];
  experiences: ExperienceRecord[];
}

export interface ParameterRecord extends Answerable {
  label: string;
}

export interface StudyData {
  researchQuestions: QuestionRecord[];
  studyParameters: ParameterRecord[];
}

/** The perspectives of research question 5, in the order the question names them. */
export const PERSPECTIVES = ['PROFESSIONAL', 'VOLUNTEER', 'PERSON_IN_POVERTY'] as const;

/** Experiences grouped per perspective; every perspective is present, possibly empty. */
export function groupExperiences(list: ExperienceRecord[]): [string, ExperienceRecord[]][] {
  return PERSPECTIVES.map((p) => [p, list.filter((e) => e.perspective === p)]);
}

/** The question's number ("RQ3" → "3"), for a label such as "Onderzoeksvraag 3". */
export function questionNumber(code: string): string {
  return /^RQ(\d+)$/i.exec(code)?.[1] ?? code;
}

/** The matrix view of an axis: the axis against outcome domains (or work models against it). */
export function axisMatrixPath(axis: string): string {
  return axis === 'OUTCOME_DOMAIN' || axis === 'OUTCOME' ? `/matrix?rows=WORK_MODEL&cols=${axis}` : `/matrix?rows=${axis}&cols=OUTCOME_DOMAIN`;
}

/** The anchor of a question or parameter on the about page. */
export function studyAnchor(id: string): string {
  return id.replace(/^kring:/, '').replace('/', '-');
}

function nodeName(n: AnswerNode): string {
  switch (n.__typename) {
    case 'WorkModel':
      return `${n.code ?? ''} ${n.name ?? ''}`.trim();
    case 'OutcomeClaim':
      return `${n.method?.name ?? ''} → ${n.outcome?.label ?? ''}`;
    case 'Source':
      return `${n.title ?? ''}${n.year ? ` (${n.year})` : ''}`;
  }
  return n.name ?? n.label ?? n.title ?? '';
}

function typeKey(n: AnswerNode): string {
  switch (n.__typename) {
    case 'Method':
      return n.kind === 'INITIATIVE' ? 'INITIATIVE' : 'METHOD';
    case 'WorkModel':
      return 'WORK_MODEL';
    case 'Framework':
      return 'FRAMEWORK';
    case 'OutcomeClaim':
      return 'OUTCOME_CLAIM';
    case 'Source':
      return 'SOURCE';
    case 'Precondition':
      return 'PRECONDITION';
    case 'Outcome':
      return 'OUTCOME';
  }
  return 'OTHER';
}

/** The answering nodes grouped by type, in a fixed order. */
export function groupAnswers(list: AnswerNode[]): [string, AnswerNode[]][] {
  const order = ['WORK_MODEL', 'FRAMEWORK', 'METHOD', 'INITIATIVE', 'OUTCOME_CLAIM', 'OUTCOME', 'PRECONDITION', 'SOURCE', 'OTHER'];
  const byCode = (a: AnswerNode, b: AnswerNode) => (a.code ?? '').localeCompare(b.code ?? '');
  return order
    .map((k) => [k, list.filter((n) => typeKey(n) === k).sort(k === 'WORK_MODEL' ? byCode : () => 0)] as [string, AnswerNode[]])
    .filter(([, l]) => l.length > 0);
}

function AnswerBadge({ answer }: { answer: string }) {
  const { label } = useApp();
  return (
    <span class={`badge answer answer-${answer.toLowerCase()}`} data-answer={answer}>
      {label('AnswerState', answer)}
    </span>
  );
}

function Answers({ item }: { item: Answerable }) {
  const { t, href } = useApp();
  const groups = groupAnswers(item.answeredBy);
  return (
    <>
      <div>
        <dt>{t('study.answeredBy')}</dt>
        <dd data-answered-by="">
          {groups.length === 0 ? (
            <span class="muted">{t('study.answeredBy.none')}</span>
          ) : (
            <ul class="plain">
              {groups.map(([k, list]) => (
                <li key={k}>
                  <span class="muted small">{t(`study.group.${k}`)}: </span>
                  {list.map((n, i) => (
                    <span key={n.id}>
                      {i > 0 && ', '}
                      <NodeLink id={n.id}>{nodeName(n) || t(`type.${k}`)}</NodeLink>
                      {n.status && n.status !== 'CONFIRMED' && (
                        <>
                          {' '}
                          <StatusBadge status={n.status} />
                        </>
                      )}
                    </span>
                  ))}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </div>
      {item.answeredAxes.length > 0 && (
        <div>
          <dt>{t('study.axes')}</dt>
          <dd>
            {item.answeredAxes.map((a, i) => (
              <span key={a}>
                {i > 0 && ', '}
                <a href={href(axisMatrixPath(a))} data-axis={a}>
                  {t(`axis.${a}`)}
                </a>
              </span>
            ))}
          </dd>
        </div>
      )}
      {item.gap && (
        <div>
          <dt>{item.answer === 'UNANSWERED' ? t('study.gap.unanswered') : t('study.gap')}</dt>
          <dd data-gap="">{item.gap}</dd>
        </div>
      )}
    </>
  );
}

export function ExperienceItem({ e }: { e: ExperienceRecord }) {
  const { t, label, route } = useApp();
  // The locator cites the source's own page or section (it may hold a "§"): marked as such.
  const facts = [
    e.design ? label('StudyDesign', e.design) : null,
    e.sampleSize != null ? t('study.exp.n', { n: e.sampleSize }) : null,
    e.population ?? null,
    e.locator ? <span data-locator="">{t('study.exp.locator', { locator: e.locator })}</span> : null,
  ].filter(Boolean);
  return (
    <li id={studyAnchor(e.id)} class={route.query.focus === e.id ? 'focused' : undefined} data-experience={e.id} data-perspective={e.perspective}>
      <p>
        {e.text} {e.status !== 'CONFIRMED' && <StatusBadge status={e.status} />}
      </p>
      {facts.length > 0 && (
        <p class="small muted">
          {facts.map((f, i) => (
            <span key={i}>
              {i > 0 && ' · '}
              {f}
            </span>
          ))}
        </p>
      )}
      {e.about.length > 0 && (
        <p class="small">
          {t('study.exp.about')}:{' '}
          {e.about.map((n, i) => (
            <span key={n.id}>
              {i > 0 && ', '}
              <NodeLink id={n.id}>{nodeName(n) || t(`type.${typeKey(n)}`)}</NodeLink>
            </span>
          ))}
        </p>
      )}
      <p class="small">
        <SourceLinks sources={e.sources} />
      </p>
      <Note note={e.note} />
    </li>
  );
}

function Experiences({ list }: { list: ExperienceRecord[] }) {
  const { t, label } = useApp();
  return (
    <div class="experiences" data-testid="experiences">
      <h4>{t('study.exp.title')}</h4>
      <p class="small">{t('study.exp.intro')}</p>
      {groupExperiences(list).map(([p, es]) => (
        <section key={p} data-perspective={p} aria-label={label('Perspective', p)}>
          <h5>{t(`study.perspective.${p}`)}</h5>
          {es.length === 0 ? (
            <p class="muted" data-empty="">
              {t('study.exp.none', { who: label('Perspective', p) })}
            </p>
          ) : (
            <ul class="plain">
              {es.map((e) => (
                <ExperienceItem key={e.id} e={e} />
              ))}
            </ul>
          )}
        </section>
      ))}
    </div>
  );
}

function QuestionItem({ q, parameters, focused }: { q: QuestionRecord; parameters: ParameterRecord[]; focused: boolean }) {
  const { t } = useApp();
  const params = q.parameters.map((p) => parameters.find((x) => x.id === p.id)).filter((p): p is ParameterRecord => !!p);
  return (
    <li id={studyAnchor(q.id)} class={`study-question${focused ? ' focused' : ''}`} data-id={q.id} data-answer={q.answer}>
      <h3>
        {t('study.question', { n: questionNumber(q.code) })} <AnswerBadge answer={q.answer} />
      </h3>
      <blockquote class="question-text">{q.text}</blockquote>
      <dl class="record">
        <Answers item={q} />
        {params.length > 0 && (
          <div>
            <dt>{t('study.parameters')}</dt>
            <dd>
              {params.map((p, i) => (
                <span key={p.id}>
                  {i > 0 && ', '}
                  <a href={`#${studyAnchor(p.id)}`}>{p.label}</a>
                </span>
              ))}
            </dd>
          </div>
        )}
      </dl>
      <Note note={q.note} />
      {q.code === 'RQ5' && <Experiences list={q.experiences} />}
    </li>
  );
}

function ParameterItem({ p, focused }: { p: ParameterRecord; focused: boolean }) {
  return (
    <li id={studyAnchor(p.id)} class={`study-parameter${focused ? ' focused' : ''}`} data-id={p.id} data-answer={p.answer}>
      <h3>
        {p.label} <AnswerBadge answer={p.answer} />
      </h3>
      <dl class="record">
        <Answers item={p} />
      </dl>
      <Note note={p.note} />
    </li>
  );
}

export function StudyQuestions() {
  const { t, L, route } = useApp();
  const state = useQuery<StudyData>(STUDY_QUERY, { lang: L });
  const focus = route.query.focus;
  useEffect(() => {
    if (!focus || !state.data) return;
    document.getElementById(studyAnchor(focus))?.scrollIntoView({ block: 'start' });
  }, [focus, state.data]);
  return (
    <>
      <section aria-labelledby="about-questions" class="section" id="questions" data-testid="study-questions">
        <h2 id="about-questions">{t('study.questions.title')}</h2>
        <p>{t('study.questions.intro')}</p>
        <QueryView state={state} pick={(d) => d}>
          {(d) =>
            d.researchQuestions.length === 0 ? (
              <p>{t('study.questions.none')}</p>
            ) : (
              <ol class="plain study-questions">
                {d.researchQuestions.map((q) => (
                  <QuestionItem key={q.id} q={q} parameters={d.studyParameters} focused={q.id === focus} />
                ))}
              </ol>
            )
          }
        </QueryView>
      </section>
      <section aria-labelledby="about-parameters" class="section" id="parameters" data-testid="study-parameters">
        <h2 id="about-parameters">{t('study.parameters.title')}</h2>
        <p>{t('study.parameters.intro')}</p>
        <QueryView state={state} pick={(d) => d}>
          {(d) => (
            <ul class="plain study-parameters">
              {d.studyParameters.map((p) => (
                <ParameterItem key={p.id} p={p} focused={p.id === focus} />
              ))}
            </ul>
          )}
        </QueryView>
      </section>
    </>
  );
}
