import { render } from 'preact';
import { App } from './app';
import { createApi } from './api/client';
import { readArrival, takeToken } from './session';
import './styles.css';

const { token, cleanUrl } = takeToken(location, sessionStorage);
if (cleanUrl !== null) history.replaceState(null, '', cleanUrl);

render(
  <App token={token} api={token ? createApi(token) : null} arrival={readArrival(location.search)} />,
  document.getElementById('app') as HTMLElement,
);
