/** A binary min-heap; the candidate set in Kahn's algorithm can be large, so no re-sorting. */
class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && this.less(items[left]!, items[smallest]!)) smallest = left;
        if (right < items.length && this.less(items[right]!, items[smallest]!)) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest]!, items[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

/**
 * The lexicographically smallest topological order of a DAG, earliest first: a node
 * comes after every node it points at (an event after its auth events). Kahn's
 * algorithm run from the nodes with no outgoing edges, always taking the smallest
 * candidate by `compare`, as the spec's reverse topological power ordering asks.
 *
 * `edges` maps each node to the nodes it points at; targets outside the map are ignored.
 * `compare` must be a total order (ties broken by ID) for the result to be deterministic.
 */
export function lexicographicalTopologicalSort(
  edges: ReadonlyMap<string, Iterable<string>>,
  compare: (a: string, b: string) => number,
): string[] {
  const outDegree = new Map<string, number>();
  const pointedAtBy = new Map<string, string[]>();
  for (const [node, targets] of edges) {
    let degree = 0;
    const seen = new Set<string>();
    for (const target of targets) {
      if (!edges.has(target) || seen.has(target) || target === node) continue;
      seen.add(target);
      degree++;
      let sources = pointedAtBy.get(target);
      if (sources === undefined) pointedAtBy.set(target, (sources = []));
      sources.push(node);
    }
    outDegree.set(node, degree);
  }

  const candidates = new MinHeap<string>((a, b) => compare(a, b) < 0);
  for (const [node, degree] of outDegree) if (degree === 0) candidates.push(node);

  const order: string[] = [];
  while (candidates.size > 0) {
    const node = candidates.pop()!;
    order.push(node);
    for (const source of pointedAtBy.get(node) ?? []) {
      const remaining = outDegree.get(source)! - 1;
      outDegree.set(source, remaining);
      if (remaining === 0) candidates.push(source);
    }
  }
  // Nodes on a cycle never reach out-degree zero; a valid auth graph has none, and
  // dropping them is safer than looping or throwing on hostile input.
  return order;
}

/** Compare strings by UTF-16 code units, the tie-break on event IDs (which are ASCII). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
