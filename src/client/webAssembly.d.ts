// Node has had WebAssembly.Memory since v8, but TypeScript declares it only in
// lib.dom.d.ts, and the library is built without the DOM lib (it runs in Node,
// never in a page). The transfer code uses WebAssembly memory as page-aligned
// buffers for O_DIRECT writes (transfer/blobWriterWorker.ts); this is that much
// of the declaration, written as lib.dom.d.ts writes it so the two merge if a
// program ever includes both.
declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }

  interface Memory {
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }

  var Memory: {
    prototype: Memory;
    new (descriptor: MemoryDescriptor): Memory;
  };
}
