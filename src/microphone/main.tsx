import { render } from 'preact';
import { App } from './app.tsx';
import { t } from '../shared/i18n.ts';

document.title = t('micPageTitle');
render(<App />, document.getElementById('app')!);
