// Entry point of the dashboard bundle (scripts/build-dashboard.ts).

import { render } from 'preact';
import { App } from './app.tsx';
import './styles.css';
import { initialTheme } from './theme.ts';

initialTheme();
render(<App />, document.getElementById('app')!);
