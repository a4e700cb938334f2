import { EVENT_NAMES, parseAppEvent, type AppEvent } from '../../../common/api/events.js';

type Listener = (event: AppEvent) => void;

const listeners = new Set<Listener>();
let source: EventSource | null = null;

/**
 * The core's events (common/api/events.ts): from the preload bridge in Electron, else from the
 * browser host's Server-Sent Events stream, one EventSource shared by every listener and closed
 * when the last one leaves (the browser reconnects it by itself if the stream drops).
 */
export function onAppEvent(listener: Listener): () => void {
  const bridge = window.clientele;
  if (bridge) return bridge.onEvent(listener);
  listeners.add(listener);
  source ??= openStream();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      source?.close();
      source = null;
    }
  };
}

function openStream(): EventSource {
  const stream = new EventSource('/api/events');
  for (const name of EVENT_NAMES) {
    stream.addEventListener(name, (message: MessageEvent<string>) => {
      let payload: unknown;
      try {
        payload = JSON.parse(message.data);
      } catch {
        return;
      }
      const event = parseAppEvent({ name, payload });
      if (event) for (const listener of [...listeners]) listener(event);
    });
  }
  return stream;
}
