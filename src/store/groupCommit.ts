import { TRANSACTION_LIMIT } from "./entity.js";

/** One write waiting for its group's commit, and how to answer whoever asked for it. */
export interface Grouped<T, R> {
  item: T;
  resolve(answer: R): void;
  reject(error: unknown): void;
}

/**
 * Writes grouped per partition (a group commit): while `parallel` commits of a partition are under way, the
 * writes that arrive for it wait and go together into the next one, up to a transaction's 100. A write to a
 * partition with fewer commits under way goes at once, alone, so a quiet instance waits for nothing.
 * `commit` answers each write of its group; one it leaves unanswered when it fails gets its error.
 */
export class PartitionGroups<T, R> {
  private readonly queues = new Map<string, { pending: Array<Grouped<T, R>>; running: number }>();

  constructor(
    private readonly commit: (group: Array<Grouped<T, R>>) => Promise<void>,
    private readonly parallel = 4,
  ) {}

  add(partitionKey: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queue = this.queues.get(partitionKey) ?? { pending: [], running: 0 };
      this.queues.set(partitionKey, queue);
      queue.pending.push({ item, resolve, reject });
      this.drain(partitionKey);
    });
  }

  private drain(partitionKey: string): void {
    const queue = this.queues.get(partitionKey);
    if (!queue) return;
    while (queue.running < this.parallel && queue.pending.length > 0) {
      const group = queue.pending.splice(0, TRANSACTION_LIMIT);
      queue.running += 1;
      void this.commit(group)
        .catch((error: unknown) => group.forEach((write) => write.reject(error)))
        .finally(() => {
          queue.running -= 1;
          if (queue.running === 0 && queue.pending.length === 0) this.queues.delete(partitionKey);
          else this.drain(partitionKey);
        });
    }
  }
}
