// The curator's upload page (/upload): sign in with a token (this tab only), drop files, review
// the dry run (new sources, merged duplicates with their rule, conflicts, rejected records,
// records needing a source type, claims and links added), then commit or cancel. The logic is
// in lib/upload.ts.

import { useEffect, useRef, useState } from 'preact/hooks';
import { ENUM_AXIS_VALUES } from '../lib/matrix';
import { formatNumber } from '../lib/i18n';
import type { ApiError } from '../lib/api';
import {
  ASYNC_BYTES, checkToken, clearToken, getToken, missingTypes, pollJob, progressFraction, reviewOf, setToken, upload, uploadErrorKey, where,
  type LoadJob, type LoadReport, type Problem, type RecordNeed, type UploadChoice,
} from '../lib/upload';
import { Loading, Scroll, useApp, useTitle } from '../ui';

const SOURCE_TYPES = ENUM_AXIS_VALUES.SOURCE_TYPE!.codes;
const ACCEPT = '.bib,.bibtex,.ris,.json,.csv,.tsv,.yaml,.yml,.nq,.jsonld';

type Stage =
  | { name: 'idle' }
  | { name: 'reviewing' }
  | { name: 'review'; report: LoadReport }
  | { name: 'committing'; job: LoadJob | null }
  | { name: 'done'; report: LoadReport | null; job: LoadJob | null }
  | { name: 'cancelled' };

function UploadError({ error }: { error: ApiError }) {
  const { t } = useApp();
  return (
    <div class="error" role="alert" data-state="error" data-code={error.code ?? error.kind}>
      <p>
        <strong>{t('err.title')}:</strong> {t(uploadErrorKey(error), { message: error.message })}
      </p>
    </div>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: (token: string) => void }) {
  const { t } = useApp();
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const token = value.trim();
    if (!token) return;
    setBusy(true);
    setError(null);
    const r = await checkToken(token);
    setBusy(false);
    if (r.error) {
      setError(r.error);
      return;
    }
    setToken(token);
    setValue('');
    onSignedIn(token);
  };
  return (
    <section aria-labelledby="signin-h" data-testid="signin">
      <h2 id="signin-h">{t('upload.signin.title')}</h2>
      <p>{t('upload.signin.text')}</p>
      <form onSubmit={submit} class="signin">
        <label for="upload-token">{t('upload.token')}</label>{' '}
        <input id="upload-token" name="token" type="password" autocomplete="off" required value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />{' '}
        <button type="submit" disabled={busy}>
          {t('upload.signin')}
        </button>
      </form>
      {busy && <p role="status">{t('upload.checking')}</p>}
      {error && <UploadError error={error} />}
    </section>
  );
}

function Problems({ title, list, id }: { title: string; list: Problem[]; id: string }) {
  const { t } = useApp();
  if (list.length === 0) return null;
  return (
    <section aria-labelledby={`${id}-h`} data-testid={id}>
      <h3 id={`${id}-h`}>{title}</h3>
      <Scroll label={title}>
        <table class="data compact">
          <thead>
            <tr>
              <th scope="col">{t('upload.where')}</th>
              <th scope="col">{t('upload.why')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((p, i) => (
              <tr key={i}>
                <th scope="row">
                  <code>{where(p)}</code>
                  {p.field ? ` (${p.field})` : ''}
                </th>
                <td>{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
    </section>
  );
}

function entryLabel(t: (k: string) => string, entry: string): string {
  const k = `upload.entry.${entry}`;
  const s = t(k);
  return s === k ? t('upload.entry.misc') : s;
}

function Needs({ needs, choice, setChoice }: { needs: RecordNeed[]; choice: UploadChoice; setChoice: (c: UploadChoice) => void }) {
  const { t, label } = useApp();
  if (needs.length === 0) return null;
  const missing = missingTypes(needs, choice).length;
  const options = (
    <>
      <option value="">{t('upload.needs.choose')}</option>
      {SOURCE_TYPES.map((c) => (
        <option key={c} value={c}>
          {label('SourceType', c)}
        </option>
      ))}
    </>
  );
  return (
    <section aria-labelledby="needs-h" data-testid="needs">
      <h3 id="needs-h">{t('upload.needs', { n: needs.length })}</h3>
      <p>{t('upload.needs.text')}</p>
      <p>
        <label for="type-all">{t('upload.needs.all')}</label>{' '}
        <select id="type-all" value={choice.all} onChange={(e) => setChoice({ ...choice, all: (e.target as HTMLSelectElement).value })}>
          {options}
        </select>
      </p>
      <Scroll label={t('upload.needs', { n: needs.length })}>
        <table class="data compact">
          <thead>
            <tr>
              <th scope="col">{t('upload.record')}</th>
              <th scope="col">{t('f.type')}</th>
            </tr>
          </thead>
          <tbody>
            {needs.map((n) => {
              const id = `type-${n.record.replace(/[^a-z0-9]/gi, '-')}`;
              return (
                <tr key={n.record} data-record={n.record}>
                  <th scope="row">
                    <code>{n.record}</code> {entryLabel(t, n.entryType)}: {n.title}
                    {n.suggested ? <span class="muted"> ({t('upload.needs.suggested', { type: label('SourceType', n.suggested) })})</span> : null}
                  </th>
                  <td>
                    <label class="visually-hidden" for={id}>
                      {t('upload.needs.for', { record: n.record })}
                    </label>
                    <select
                      id={id}
                      value={choice.perRecord[n.record] ?? ''}
                      onChange={(e) => setChoice({ ...choice, perRecord: { ...choice.perRecord, [n.record]: (e.target as HTMLSelectElement).value } })}
                    >
                      {options}
                    </select>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Scroll>
      {missing > 0 && (
        <p class="warning" role="status" data-testid="needs-missing">
          {t('upload.needs.missing', { n: missing })}
        </p>
      )}
    </section>
  );
}

function ReviewView({ report, choice, setChoice }: { report: LoadReport; choice: UploadChoice; setChoice: (c: UploadChoice) => void }) {
  const { t, lang, nodeHref } = useApp();
  const r = reviewOf(report);
  return (
    <div data-testid="review">
      <Needs needs={r.needs} choice={choice} setChoice={setChoice} />
      <section aria-labelledby="new-h" data-testid="new-sources">
        <h3 id="new-h">{t('upload.new', { n: formatNumber(lang, r.newSourceCount) })}</h3>
        {r.newSources.length === 0 ? (
          <p>{t('upload.new.none')}</p>
        ) : (
          <>
            {r.newSources.length < r.newSourceCount && <p class="muted">{t('upload.shown', { n: r.newSources.length })}</p>}
            <ul class="plain small">
              {r.newSources.map((s) => (
                <li key={s.id}>
                  {s.label} <code class="muted">{s.id.replace(/^kring:/, '')}</code>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      {r.merged.length > 0 && (
        <section aria-labelledby="merged-h" data-testid="merged">
          <h3 id="merged-h">{t('upload.merged', { n: r.merged.length })}</h3>
          <ul class="plain small">
            {r.merged.map((m) => (
              <li key={m.record} data-rule={m.rule}>
                {m.with.startsWith('stored') ? (
                  <>
                    {t('upload.merged.withStored', { record: m.record })} <a href={nodeHref(m.source)}>{m.source.replace(/^kring:/, '')}</a>
                  </>
                ) : (
                  t('upload.merged.with', { record: m.record, with: m.with, source: m.source.replace(/^kring:/, '') })
                )}{' '}
                <span class="muted">({t(`upload.rule.${m.rule}`)})</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <Problems title={t('upload.conflicts', { n: r.conflicts.length })} list={r.conflicts} id="conflicts" />
      <Problems title={t('upload.rejected', { n: r.rejected.length })} list={r.rejected} id="rejected" />
      <section aria-labelledby="added-h" data-testid="added">
        <h3 id="added-h">{t('upload.added')}</h3>
        {r.added.length === 0 ? (
          <p>{t('upload.added.none')}</p>
        ) : (
          r.added.map((g) => (
            <details key={g.type}>
              <summary>
                {t(`type.${g.type}`)}: {formatNumber(lang, g.count)}
              </summary>
              <ul class="plain small">
                {g.items.map((i) => (
                  <li key={i.id}>{i.label || <code>{i.id.replace(/^kring:/, '')}</code>}</li>
                ))}
              </ul>
            </details>
          ))
        )}
      </section>
      {r.notes.length > 0 && <Problems title={t('upload.notes')} list={r.notes} id="notes" />}
    </div>
  );
}

function Progress({ job }: { job: LoadJob | null }) {
  const { t } = useApp();
  const frac = job ? progressFraction(job) : 0;
  const phase = t(`upload.phase.${job?.progress.phase ?? ''}`);
  return (
    <div data-testid="progress" role="status" aria-live="polite">
      <p>{t('upload.committing')}</p>
      <progress max={100} value={Math.round(frac * 100)} aria-label={t('upload.progress.label')} />
      {job && <p class="small">{t('upload.progress', { phase, done: job.progress.done, total: job.progress.total })}</p>}
    </div>
  );
}

function Done({ report, job, onAgain }: { report: LoadReport | null; job: LoadJob | null; onAgain: () => void }) {
  const { t, href, lang } = useApp();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const failed = job?.state === 'FAILED' || !report;
  const batch = report?.batches.find((b) => b.kind === 'literature') ?? report?.batches[0];
  const r = report ? reviewOf(report) : null;
  return (
    <section aria-labelledby="done-h" data-testid="done" data-state={failed ? 'failed' : report!.rejected ? 'rejected' : 'committed'}>
      <h2 id="done-h" tabIndex={-1} ref={heading}>
        {failed ? t('upload.done.failed') : report!.rejected ? t('upload.done.rejected') : batch?.noChange ? t('upload.done.noChange', { batch: batch.batch.replace(/^kring:batch\//, '') }) : t('upload.done', { batch: (batch?.batch ?? '').replace(/^kring:batch\//, '') })}
      </h2>
      {job?.error && <UploadError error={{ kind: 'graphql', code: job.error.code, message: job.error.message, messages: [] }} />}
      {r && !report!.rejected && (
        <p>{t('upload.done.counts', { n: formatNumber(lang, r.newSourceCount), d: formatNumber(lang, r.merged.length) })}</p>
      )}
      {r && report!.rejected && <Problems title={t('upload.rejected', { n: r.rejected.length + r.conflicts.length })} list={[...r.conflicts, ...r.rejected]} id="final-problems" />}
      {batch && !report!.rejected && (
        <p>
          <a href={href('/batches', { open: batch.batch })} data-testid="batch-link">
            {t('upload.done.batch')}: {batch.batch.replace(/^kring:batch\//, '')}
          </a>
        </p>
      )}
      <p>
        <button type="button" onClick={onAgain}>
          {t('upload.again')}
        </button>
      </p>
    </section>
  );
}

export function UploadPage() {
  const { t } = useApp();
  useTitle(t('upload.title'));
  const [token, setTok] = useState(getToken());
  const [files, setFiles] = useState<File[]>([]);
  const [stage, setStage] = useState<Stage>({ name: 'idle' });
  const [error, setError] = useState<ApiError | null>(null);
  const [choice, setChoice] = useState<UploadChoice>({ dryRun: true, all: '', perRecord: {}, async: false });
  const [over, setOver] = useState(false);
  const live = useRef(true);
  useEffect(
    () => () => {
      live.current = false;
    },
    [],
  );

  const fail = (e: ApiError) => {
    if (e.code === 'UNAUTHENTICATED' || e.status === 401) {
      clearToken();
      setTok('');
    }
    setError(e);
  };

  const big = (fs: File[]) => fs.reduce((n, f) => n + f.size, 0) >= ASYNC_BYTES;

  /** Runs a load (dry run or commit), as a job for big uploads, and returns its report. */
  const run = async (fs: File[], c: UploadChoice, onJob?: (j: LoadJob) => void): Promise<{ report: LoadReport | null; job: LoadJob | null } | null> => {
    const async = big(fs);
    const r = await upload(fs, { ...c, async }, token);
    if (r.error || !r.data) {
      fail(r.error ?? { kind: 'http', message: 'no data', messages: [] });
      return null;
    }
    const rep = r.data.loadBatch;
    if (!rep.job) return { report: rep, job: null };
    for (;;) {
      await new Promise((res) => setTimeout(res, 400));
      if (!live.current) return null;
      const p = await pollJob(rep.job.id, token);
      if (p.error || !p.data?.loadJob) {
        fail(p.error ?? { kind: 'graphql', code: 'NOT_FOUND', message: 'job', messages: [] });
        return null;
      }
      const j = p.data.loadJob;
      onJob?.(j);
      if (j.state === 'SUCCEEDED' || j.state === 'FAILED') return { report: j.report ?? null, job: j };
    }
  };

  const review = async (fs: File[]) => {
    if (fs.length === 0) return;
    setFiles(fs);
    setError(null);
    const c: UploadChoice = { dryRun: true, all: '', perRecord: {}, async: false };
    setChoice(c);
    setStage({ name: 'reviewing' });
    const out = await run(fs, c);
    if (!live.current) return;
    if (!out || !out.report) {
      setStage({ name: 'idle' });
      return;
    }
    setStage({ name: 'review', report: out.report });
  };

  const commit = async () => {
    setError(null);
    setStage({ name: 'committing', job: null });
    const out = await run(files, { ...choice, dryRun: false }, (j) => live.current && setStage({ name: 'committing', job: j }));
    if (!live.current) return;
    if (!out) {
      setStage({ name: 'idle' });
      return;
    }
    setStage({ name: 'done', report: out.report, job: out.job });
  };

  const reset = (name: 'idle' | 'cancelled') => {
    setFiles([]);
    setChoice({ dryRun: true, all: '', perRecord: {}, async: false });
    setStage(name === 'idle' ? { name: 'idle' } : { name: 'cancelled' });
  };

  const signOut = () => {
    clearToken();
    setTok('');
    reset('idle');
  };

  if (!token) {
    return (
      <>
        <h1>{t('upload.title')}</h1>
        <p class="lead">{t('upload.intro')}</p>
        {error && <UploadError error={error} />}
        <SignIn
          onSignedIn={(tok) => {
            setError(null);
            setTok(tok);
          }}
        />
      </>
    );
  }

  const report = stage.name === 'review' ? stage.report : null;
  const missing = report ? missingTypes(report.needsSourceType, choice).length : 0;
  return (
    <>
      <h1>{t('upload.title')}</h1>
      <p class="lead">{t('upload.intro')}</p>
      <p data-testid="signed-in">
        {t('upload.signedIn')}{' '}
        <button type="button" class="link-button" onClick={signOut}>
          {t('upload.signout')}
        </button>
      </p>
      {error && <UploadError error={error} />}
      {(stage.name === 'idle' || stage.name === 'cancelled') && (
        <>
          {stage.name === 'cancelled' && (
            <p role="status" data-testid="cancelled">
              {t('upload.cancelled')}
            </p>
          )}
          <label
            class={`dropzone${over ? ' over' : ''}`}
            for="upload-files"
            data-testid="dropzone"
            onDragOver={(e) => {
              e.preventDefault();
              setOver(true);
            }}
            onDragLeave={() => setOver(false)}
            onDrop={(e) => {
              e.preventDefault();
              setOver(false);
              review([...(e.dataTransfer?.files ?? [])]);
            }}
          >
            <strong>{t('upload.drop')}</strong>
            <span class="small muted">{t('upload.drop.hint')}</span>
            <input id="upload-files" type="file" multiple accept={ACCEPT} onChange={(e) => review([...((e.target as HTMLInputElement).files ?? [])])} />
          </label>
        </>
      )}
      {files.length > 0 && stage.name !== 'idle' && stage.name !== 'cancelled' && (
        <p class="small">
          {t('upload.files')}: {files.map((f) => f.name).join(', ')}
        </p>
      )}
      {stage.name === 'reviewing' && (
        <div role="status" data-testid="reviewing">
          <Loading />
          <p>{t('upload.reviewing')}</p>
        </div>
      )}
      {report && (
        <section aria-labelledby="review-h">
          <h2 id="review-h">{t('upload.review.title')}</h2>
          <p class={report.rejected ? 'warning' : ''}>{report.rejected ? t('upload.review.rejected') : t('upload.review.ok')}</p>
          <ReviewView report={report} choice={choice} setChoice={setChoice} />
          <p class="actions">
            <button type="button" onClick={commit} disabled={report.rejected || missing > 0} data-testid="commit">
              {t('upload.commit')}
            </button>{' '}
            <button type="button" onClick={() => reset('cancelled')} data-testid="cancel">
              {t('upload.cancel')}
            </button>
          </p>
        </section>
      )}
      {stage.name === 'committing' && <Progress job={stage.job} />}
      {stage.name === 'done' && <Done report={stage.report} job={stage.job} onAgain={() => reset('idle')} />}
    </>
  );
}
