/**
 * Work after an ack waits its turn: one waiting task resumes per event-loop iteration, in
 * arrival order, with I/O polled in between. A burst of slash commands is then acked
 * first, instead of every ack queueing behind every earlier command's work.
 */
export function takeTurns(): () => Promise<void> {
  const waiting: (() => void)[] = [];
  let pumping = false;
  const pump = () => {
    const next = waiting.shift();
    if (!next) {
      pumping = false;
      return;
    }
    next();
    setImmediate(pump);
  };
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (!pumping) {
        pumping = true;
        setImmediate(pump);
      }
    });
}
