/** Wakes waiters when the sandbox's state or delivery log changes; costs nothing while nobody waits. */
export class ChangeNotifier {
  private readonly listeners = new Set<() => void>();

  changed(): void {
    if (this.listeners.size === 0) return;
    for (const listener of [...this.listeners]) listener();
  }

  /** `describe` runs at the timeout, so the rejection says what was there instead. */
  waitFor<T>(check: () => T | undefined | null | false, timeoutMs: number, describe: () => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (done: () => void): void => {
        if (settled) return;
        settled = true;
        this.listeners.delete(listener);
        if (timer) clearTimeout(timer);
        done();
      };
      const listener = (): void => {
        try {
          const value = check();
          if (value) settle(() => resolve(value));
        } catch (error) {
          settle(() => reject(error));
        }
      };
      listener();
      if (settled) return;
      this.listeners.add(listener);
      timer = setTimeout(() => settle(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`))), timeoutMs);
    });
  }
}
