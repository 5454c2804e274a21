// "Over deze kennisbank" (/over): what is known from the Odisee study, what is not public, and how
// a curator adds it. All text comes from the UI table (Dutch first), paraphrasing the public
// project descriptions; nothing here is invented data.

import { useApp, useFocusHeading, useTitle } from '../ui';
import { EXPORT_FORMATS, exportHref } from '../lib/exports';

export function StudyStatus() {
  const { t, href } = useApp();
  return (
    <section class="study-status info" aria-labelledby="study-status-h" data-testid="study-status">
      <h2 id="study-status-h" class="h3">
        {t('home.study.title')}
      </h2>
      <p>{t('home.study.text')}</p>
      <p>
        <a href={href('/over')}>{t('home.study.more')}</a> · <a href={href('/aanbevelingen')}>{t('home.study.recs')}</a>
      </p>
    </section>
  );
}

export function AboutPage() {
  const { t, href } = useApp();
  useTitle(t('about.title'));
  const h1 = useFocusHeading(true, 'about');
  return (
    <article class="about" data-testid="about">
      <h1 ref={h1} tabIndex={-1}>
        {t('about.title')}
      </h1>
      <p class="lead">{t('about.lead')}</p>

      <section aria-labelledby="about-known" class="section" id="known">
        <h2 id="about-known">{t('about.known.title')}</h2>
        {[1, 2, 3, 4, 5].map((i) => (
          <p key={i}>{t(`about.known.${i}`)}</p>
        ))}
      </section>

      <section aria-labelledby="about-missing" class="section" id="missing" data-testid="not-public">
        <h2 id="about-missing">{t('about.missing.title')}</h2>
        <p>{t('about.missing.intro')}</p>
        <ul>
          {[1, 2, 3, 4].map((i) => (
            <li key={i}>{t(`about.missing.${i}`)}</li>
          ))}
        </ul>
        <p>
          <a href={href('/aanbevelingen')}>{t('home.study.recs')}</a>
        </p>
      </section>

      <section aria-labelledby="about-status" class="section" id="status">
        <h2 id="about-status">{t('about.status.title')}</h2>
        <p>{t('about.status.text')}</p>
      </section>

      <section aria-labelledby="about-curator" class="section" id="curator">
        <h2 id="about-curator">{t('about.curator.title')}</h2>
        <ol>
          {[1, 2, 3].map((i) => (
            <li key={i}>{t(`about.curator.${i}`)}</li>
          ))}
        </ol>
      </section>

      <ExportSection />

      <section aria-labelledby="about-links" class="section" id="links">
        <h2 id="about-links">{t('about.links')}</h2>
        <ul>
          <li>
            <a href={href('/batches')}>{t('about.link.batches')}</a>
          </li>
          <li>
            <a href={href('/sources')}>{t('about.link.sources')}</a>
          </li>
          <li>
            <a href="/graphiql">{t('about.link.api')}</a>
          </li>
        </ul>
      </section>
    </article>
  );
}

/** ExportSection offers every download of /export (the bibliography, the graph, the tables). */
export function ExportSection() {
  const { t, lang } = useApp();
  const groups = ['bibliography', 'graph', 'table'] as const;
  return (
    <section aria-labelledby="about-export" class="section" id="export" data-testid="export">
      <h2 id="about-export">{t('export.title')}</h2>
      <p>{t('export.intro')}</p>
      {groups.map((g) => (
        <div key={g}>
          <h3 class="h4">{t(`export.group.${g}`)}</h3>
          <ul class="export-list">
            {EXPORT_FORMATS.filter((f) => f.group === g).map((f) => (
              <li key={f.format}>
                <a class="button" href={exportHref(f, lang)} download={f.file} data-testid={`export-${f.format}`} data-type={f.contentType}>
                  {t(`export.${f.format}.label`)}
                </a>{' '}
                <span class="muted">{t(`export.${f.format}.text`)}</span>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
