/** Prisma's Bytes columns want a Uint8Array over a plain ArrayBuffer; Node Buffers may sit on a shared pool. */
export function toBytes(data: Uint8Array): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(new ArrayBuffer(data.byteLength));
  copy.set(data);
  return copy;
}
