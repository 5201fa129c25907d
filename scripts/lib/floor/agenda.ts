// The discrete-event simulation's agenda: a binary heap of things to do, earliest first, ties in the order scheduled.

interface Entry {
  at: number;
  order: number;
  run: () => void;
}

export class Agenda {
  private readonly heap: Entry[] = [];
  private scheduled = 0;

  at(at: number, run: () => void): void {
    this.heap.push({ at, order: this.scheduled++, run });
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(this.heap[i]!, this.heap[parent]!)) break;
      [this.heap[i], this.heap[parent]] = [this.heap[parent]!, this.heap[i]!];
      i = parent;
    }
  }

  /** Runs everything, in time order; what runs may schedule more. */
  runAll(): void {
    for (let next = this.take(); next; next = this.take()) next.run();
  }

  private take(): Entry | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (this.heap.length > 0 && last) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.heap.length && this.before(this.heap[l]!, this.heap[m]!)) m = l;
        if (r < this.heap.length && this.before(this.heap[r]!, this.heap[m]!)) m = r;
        if (m === i) break;
        [this.heap[i], this.heap[m]] = [this.heap[m]!, this.heap[i]!];
        i = m;
      }
    }
    return top;
  }

  private before(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.order < b.order);
  }
}
