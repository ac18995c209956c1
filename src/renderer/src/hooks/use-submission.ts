/**
 * The state of a form that sends something: busy while it runs, and the problem to show when it
 * failed. `run` ignores a second submit while one is running, clears the last problem, and turns
 * a thrown error into a problem text (errorMessage, or `describe` for form-specific wording).
 * Work that fails without throwing (e.g. a refused connection) sets the problem itself.
 */
import { useCallback, useRef, useState } from 'react';
import { errorMessage } from '../lib/describe-error.ts';

export function useSubmission(describe: (error: unknown) => string = errorMessage) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const running = useRef(false);
  const describeRef = useRef(describe);
  describeRef.current = describe;

  const run = useCallback(async (work: () => Promise<void>) => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setProblem(null);
    try {
      await work();
    } catch (caught) {
      setProblem(describeRef.current(caught));
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);

  return { busy, problem, setProblem, run };
}
