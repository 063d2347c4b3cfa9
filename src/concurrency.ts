/**
 * Run `work` over `items`, at most `limit` at a time, each result at its item's index. Stops taking
 * new items once `stop()` is true; the items never started are left undefined.
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
  stop: () => boolean = () => false,
): Promise<Array<R | undefined>> {
  const results = Array.from<R | undefined>({ length: items.length });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (!stop() && next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
