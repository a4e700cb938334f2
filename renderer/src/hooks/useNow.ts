import { useEffect, useState } from 'react';

/** The current time, refreshed every `intervalMs`: for "2 min ago" and "resuming in 12 s". */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}
