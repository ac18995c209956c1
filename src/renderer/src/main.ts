/** Renderer entry (placeholder: React and the chat UI come in a later issue). */
import { PROTOCOL_VERSION } from '../../shared/protocol/constants.ts';

const root = document.getElementById('root');
if (root) {
  const heading = document.createElement('h1');
  heading.textContent = 'Parley';
  const detail = document.createElement('p');
  detail.textContent = `Protocol v${PROTOCOL_VERSION}`;
  root.replaceChildren(heading, detail);
}
