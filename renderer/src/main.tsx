import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { applyTheme, cachedTheme } from './lib/theme.js';
// The shared base first: the page's own rules come after it and win ties.
import '../../ui/base.css';
import './styles.css';

// Before the first paint, so the loading and lock screens already use the user's theme.
applyTheme(cachedTheme());

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
