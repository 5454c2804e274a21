import { useApp, useTitle } from '../ui';

export function NotFoundPage() {
  const { t, href } = useApp();
  useTitle(t('notfound.title'));
  return (
    <>
      <h1>{t('notfound.title')}</h1>
      <p data-state="error" data-code="NOT_FOUND">
        {t('notfound.text')} <a href={href('/')}>{t('nav.home')}</a>
      </p>
    </>
  );
}
