import { useEffect, useRef } from 'react';
import type { AppEvent, EventName } from '../../../common/api/events.js';
import { onAppEvent } from '../api/events.js';

/** Calls `handler` for each event `name` from the core while the component is mounted. */
export function useAppEvent<N extends EventName>(
  name: N,
  handler: (event: Extract<AppEvent, { name: N }>) => void,
): void {
  const handlerRef = useRef(handler);
  useEffect(() => {
    handlerRef.current = handler;
  }, [handler]);
  useEffect(
    () =>
      onAppEvent((event) => {
        if (event.name === name) handlerRef.current(event as Extract<AppEvent, { name: N }>);
      }),
    [name],
  );
}
