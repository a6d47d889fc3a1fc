import onnxProto from 'onnx-proto';

/** Offsets of tensors in the data file are multiples of this, as the onnx package aligns them. */
const ALIGNMENT = 4096;

/**
 * Moves the bytes of every initializer of at least `minBytes` into a side file named `location`
 * (relative to the model file), leaving TensorProto entries with data_location EXTERNAL and their
 * location / offset / length, as `onnx.save_model(..., save_as_external_data=True)` writes them.
 * Returns the side file's contents as chunks.
 */
export function moveToExternalData(graph: onnxProto.onnx.IGraphProto, location: string, minBytes = 1024): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const t of graph.initializer ?? []) {
    const data = t.rawData;
    if (!data || data.byteLength < minBytes) continue;
    const padding = (ALIGNMENT - (offset % ALIGNMENT)) % ALIGNMENT;
    if (padding) chunks.push(new Uint8Array(padding));
    offset += padding;
    chunks.push(data);
    t.externalData = [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(data.byteLength) },
    ];
    t.dataLocation = onnxProto.onnx.TensorProto.DataLocation.EXTERNAL;
    t.rawData = null;
    offset += data.byteLength;
  }
  return chunks;
}
