// Entry point: load the wasm core, then hand it to the page.
import init, { Playground } from '../pkg/replscope.js';
import { statusLine } from './format';

async function start(): Promise<void> {
  const status = document.getElementById('status') as HTMLOutputElement;
  try {
    await init();
    const pg = new Playground(1n);
    status.textContent = statusLine(pg.ping());
    status.dataset.state = 'ready';
  } catch (e) {
    status.textContent = `the simulator failed to load: ${String(e)}`;
    status.dataset.state = 'error';
    throw e;
  }
}

void start();
