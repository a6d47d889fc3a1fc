/**
 * Indices of the `k` largest values, largest first, found with a size-k min-heap: O(V log k),
 * never a sort of the whole vocabulary.
 */
export function topKIndices(values: Float32Array, k: number): Int32Array {
  const n = Math.min(k, values.length);
  const heap = new Int32Array(n);
  let size = 0;
  const less = (i: number, j: number) => values[heap[i]!]! < values[heap[j]!]!;
  const swap = (i: number, j: number) => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && less(l, m)) m = l;
      if (r < size && less(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  // The smallest value kept so far: most of the vocabulary is below it and costs one comparison.
  let threshold = -Infinity;
  for (let v = 0; v < values.length; v++) {
    if (size < n) {
      heap[size] = v;
      let i = size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!less(i, p)) break;
        swap(i, p);
        i = p;
      }
    } else if (n > 0 && values[v]! > threshold) {
      heap[0] = v;
      siftDown(0);
      threshold = values[heap[0]!]!;
    }
    if (size === n && v === n - 1) threshold = values[heap[0]!]!;
  }
  // Pop the heap smallest-first into the tail: the result is largest-first.
  const out = new Int32Array(size);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = heap[0]!;
    heap[0] = heap[--size]!;
    siftDown(0);
  }
  return out;
}
