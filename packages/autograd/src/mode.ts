/** Whether ops are recorded. Toggled by noGrad/enableGrad and paused inside backward. */
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

export function setGradEnabled(value: boolean): boolean {
  const previous = enabled;
  enabled = value;
  return previous;
}

function withMode<T>(value: boolean, fn: () => T): T {
  const previous = setGradEnabled(value);
  try {
    const result = fn();
    if (result instanceof Promise) {
      // Keep the mode for the whole async function, then restore it.
      return result.finally(() => setGradEnabled(previous)) as T;
    }
    setGradEnabled(previous);
    return result;
  } catch (error) {
    setGradEnabled(previous);
    throw error;
  }
}

/** Runs fn without recording gradients (inference, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  return withMode(false, fn);
}

/** Runs fn with recording on, even inside noGrad. */
export function enableGrad<T>(fn: () => T): T {
  return withMode(true, fn);
}
