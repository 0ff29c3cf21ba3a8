export type Settled<T> = { done: true; value: T } | { done: false };

/** The work's outcome if it settles within `ms`; otherwise "not done", and the work goes on. */
export async function within<T>(work: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), ms);
  });
  try {
    return await Promise.race([work.then((value): Settled<T> => ({ done: true, value })), late]);
  } finally {
    clearTimeout(timer);
  }
}
