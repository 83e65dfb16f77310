// Entry point of the dashboard bundle (scripts/build-dashboard.ts).

import { render } from 'preact';
import { App, startLoading } from './app.tsx';
import './styles.css';
import { openStream } from './stream.ts';
import { initialTheme } from './theme.ts';

// The data is asked for first, so the agent answers while the page renders.
openStream();
startLoading();
initialTheme();
render(<App />, document.getElementById('app')!);
