// The pure parts of the about page's study section: experiences grouped per perspective, answers
// grouped per type, anchors and matrix links; and the labels the Dutch page needs.
import { describe, expect, it } from 'vitest';
import { axisMatrixPath, groupAnswers, groupExperiences, PERSPECTIVES, questionNumber, studyAnchor, type AnswerNode, type ExperienceRecord } from './study';
import { codeLabel, STRINGS, translate } from '../lib/i18n';
import { idToPath } from '../lib/ids';

const exp = (id: string, perspective: string) => ({ id, perspective, text: id, status: 'CONFIRMED', about: [], sources: [] }) as ExperienceRecord;

describe('study questions on the about page', () => {
  it('groups experiences per perspective, every perspective present, in the question’s order', () => {
    const g = groupExperiences([exp('a', 'VOLUNTEER'), exp('b', 'PERSON_IN_POVERTY'), exp('c', 'VOLUNTEER'), exp('d', 'POLICY')]);
    expect(g.map(([p, l]) => [p, l.map((e) => e.id)])).toEqual([
      ['PROFESSIONAL', []],
      ['VOLUNTEER', ['a', 'c']],
      ['PERSON_IN_POVERTY', ['b']],
    ]);
  });
  it('groups what answers a question by type, initiatives apart from methods', () => {
    const n = (__typename: string, id: string, kind?: string) => ({ __typename, id, kind }) as AnswerNode;
    const g = groupAnswers([n('Method', 'm1', 'INITIATIVE'), n('Framework', 'f'), n('Method', 'm2', 'METHOD'), n('WorkModel', 'w'), n('Assessment', 'x')]);
    expect(g.map(([k, l]) => [k, l.map((x) => x.id)])).toEqual([
      ['WORK_MODEL', ['w']],
      ['FRAMEWORK', ['f']],
      ['METHOD', ['m2']],
      ['INITIATIVE', ['m1']],
      ['OTHER', ['x']],
    ]);
  });
  it('numbers, anchors and links', () => {
    expect(questionNumber('RQ4')).toBe('4');
    expect(studyAnchor('kring:question/rq5')).toBe('question-rq5');
    expect(studyAnchor('kring:parameter/werkmodel')).toBe('parameter-werkmodel');
    expect(axisMatrixPath('OUTCOME_DOMAIN')).toBe('/matrix?rows=WORK_MODEL&cols=OUTCOME_DOMAIN');
    expect(axisMatrixPath('ACTOR_TYPE')).toBe('/matrix?rows=ACTOR_TYPE&cols=OUTCOME_DOMAIN');
    expect(idToPath('kring:question/rq3')).toBe('/over?focus=kring%3Aquestion%2Frq3');
    expect(idToPath('kring:experience/x')).toBe('/over?focus=kring%3Aexperience%2Fx');
  });
  it('has Dutch labels for every answer state, perspective and answering type', () => {
    for (const a of ['ANSWERED', 'PARTLY', 'UNANSWERED']) expect(codeLabel('nl', 'AnswerState', a)).not.toBe(a.toLowerCase());
    for (const p of PERSPECTIVES) {
      expect(codeLabel('nl', 'Perspective', p)).not.toBe(p.toLowerCase().replace(/_/g, ' '));
      expect(STRINGS[`study.perspective.${p}`]?.nl).toBeTruthy();
    }
    for (const k of ['WORK_MODEL', 'FRAMEWORK', 'METHOD', 'INITIATIVE', 'OUTCOME_CLAIM', 'OUTCOME', 'PRECONDITION', 'SOURCE', 'OTHER']) expect(STRINGS[`study.group.${k}`]?.nl).toBeTruthy();
    expect(translate('nl', 'study.exp.none', { who: 'professionals' })).toBe('Nog geen gepubliceerde ervaringen van professionals in de kennisbank.');
    expect(translate('nl', 'study.exp.n', { n: 1 })).toBe('1 deelnemer');
  });
});
