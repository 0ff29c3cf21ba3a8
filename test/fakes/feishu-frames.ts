/**
 * The long connection's frame (pbbp2.Frame) in protobuf wire format, written from the field
 * list rather than with the SDK's generated code, so the fake speaks it independently:
 * 1 SeqID, 2 LogID (varint), 3 service, 4 method (varint; 0 control, 1 data),
 * 5 headers (repeated {1 key, 2 value}), 6 payloadEncoding, 7 payloadType, 8 payload, 9 LogIDNew.
 */

export interface Frame {
  seqId: number;
  logId: number;
  service: number;
  method: 0 | 1;
  headers: Record<string, string>;
  payload?: Uint8Array;
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

const key = (field: number, wire: number) => varint((field << 3) | wire);

function bytesField(field: number, data: Uint8Array): number[] {
  return [...key(field, 2), ...varint(data.length), ...data];
}

const utf8 = (s: string) => new TextEncoder().encode(s);

export function encodeFrame(f: Frame): Uint8Array {
  const out: number[] = [...key(1, 0), ...varint(f.seqId), ...key(2, 0), ...varint(f.logId), ...key(3, 0), ...varint(f.service), ...key(4, 0), ...varint(f.method)];
  for (const [k, v] of Object.entries(f.headers)) out.push(...bytesField(5, Uint8Array.from([...bytesField(1, utf8(k)), ...bytesField(2, utf8(v))])));
  if (f.payload) out.push(...bytesField(8, f.payload));
  return Uint8Array.from(out);
}

class Reader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}
  get done() {
    return this.pos >= this.buf.length;
  }
  varint(): number {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.buf[this.pos++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return Number(result);
      shift += 7n;
    }
  }
  bytes(): Uint8Array {
    const len = this.varint();
    const out = this.buf.slice(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
}

function fields(buf: Uint8Array): [number, number | Uint8Array][] {
  const r = new Reader(buf);
  const out: [number, number | Uint8Array][] = [];
  while (!r.done) {
    const k = r.varint();
    const wire = k & 7;
    out.push([k >> 3, wire === 0 ? r.varint() : r.bytes()]);
  }
  return out;
}

const text = (v: number | Uint8Array) => (typeof v === "number" ? String(v) : new TextDecoder().decode(v));

export function decodeFrame(buf: Uint8Array): Frame {
  const f: Frame = { seqId: 0, logId: 0, service: 0, method: 0, headers: {} };
  for (const [field, v] of fields(buf)) {
    if (field === 1) f.seqId = v as number;
    else if (field === 2) f.logId = v as number;
    else if (field === 3) f.service = v as number;
    else if (field === 4) f.method = v === 1 ? 1 : 0;
    else if (field === 5) {
      const kv = Object.fromEntries(fields(v as Uint8Array).map(([n, x]) => [n, text(x)]));
      f.headers[kv[1] ?? ""] = kv[2] ?? "";
    } else if (field === 8) f.payload = v as Uint8Array;
  }
  return f;
}
