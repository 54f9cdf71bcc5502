/*
 * verifier.js — check a published draw (shuangsuiji-draw-v1) and inspector matching
 * (shuangsuiji-match-v1) in the browser, from the published files alone (在浏览器中核验).
 *
 * Why this exists: "anyone can verify" should not require installing Python. This file
 * recomputes, in the reader's own browser, everything `shuangsuiji verify` recomputes — the
 * population digest, the commitment, the seed, every key, the strata and quotas, the
 * selection, and (given the inputs file) the whole inspector matching — and reaches the
 * same verdict. It trusts nothing from the server except the bytes of the files it reads,
 * and those are bound by digests that were published before the draw.
 *
 * Normative texts: docs/lottery.md (draw-v1) and docs/matching.md (match-v1). Reference
 * code: src/shuangsuiji/lottery/ (verify.py, matching/verify.py). Check names, their order
 * and the "stop at the first mismatch" rule follow verify.py so that both tools name the
 * same first mismatch.
 *
 * Plain ES2020, no dependencies, no build step, no inline script needed (a CSP without
 * 'unsafe-inline' is fine). A classic script rather than a module, so that a saved copy of
 * the page also runs from file://, where browsers refuse module scripts.
 *
 * Public API: window.ShuangsuijiVerifier (see the bottom of this file).
 */
(function (global) {
  'use strict';

  // ==== constants ==============================================================================

  const DRAW_SPEC = 'shuangsuiji-draw-v1';
  const MATCH_SPEC = 'shuangsuiji-match-v1';
  const REPLACE_TAG = 'shuangsuiji-match-v1/replace';
  const HEADER = 'id,stratum,tickets';
  const MAX_ID_CHARS = 64;
  const MAX_STRATUM_CHARS = 32;
  const MAX_TICKETS = 1000;
  const RECORD_FIELDS = ['spec', 'task_id', 'population_digest', 'population_size', 'quotas',
    'strata', 'commitment', 'secret', 'entropy', 'seed', 'selected'];
  const STRATUM_FIELDS = ['drawn', 'quota', 'size'];       // sorted, compared as sets
  const SELECTED_FIELDS = ['id', 'key', 'stratum'];        // sorted, compared as sets
  /** The checks of verify.py, in the order they run; the verdict names the first failure. */
  const CHECK_ORDER = ['format', 'spec', 'digest', 'population', 'population_size', 'quotas',
    'strata', 'commitment', 'seed', 'key', 'selection'];
  const HEX64 = /^[0-9a-f]{64}$/;

  // ==== text helpers (Python semantics where the spec relies on them) =========================

  const utf8Encoder = new TextEncoder();
  const utf8 = (text) => utf8Encoder.encode(text);
  // fatal: a file that is not UTF-8 must be refused, not silently repaired.
  const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const lenientDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

  /** What Python's str.isspace() accepts: draw-v1 "white space" is what str.strip() removes. */
  const PY_SPACE = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85,
    0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008,
    0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]);

  function pyStrip(s) {
    // Every Python white-space character is in the BMP, so UTF-16 units suffice here.
    let a = 0;
    let b = s.length;
    while (a < b && PY_SPACE.has(s.charCodeAt(a))) a++;
    while (b > a && PY_SPACE.has(s.charCodeAt(b - 1))) b--;
    return s.slice(a, b);
  }

  /** len() in Python: code points, not UTF-16 units. */
  function cpLen(s) {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
      n++;
    }
    return n;
  }

  /**
   * Compare strings by code point (= UTF-8 byte order), which is how the spec sorts ids,
   * strata and lists. Plain `<` compares UTF-16 units and puts U+E000..U+FFFF after
   * astral characters; the fix-up below maps surrogates above them.
   */
  function cmpStr(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      let x = a.charCodeAt(i);
      let y = b.charCodeAt(i);
      if (x !== y) {
        if (x >= 0xd800 && y >= 0xd800) {
          x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
          y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
        }
        return x < y ? -1 : 1;
      }
    }
    return a.length === b.length ? 0 : (a.length < b.length ? -1 : 1);
  }

  const isNfc = (s) => s.normalize('NFC') === s;

  /** Python refuses to encode lone surrogates (a JSON "\ud800" escape makes one). */
  function utf8Ok(s) {
    if (typeof s.isWellFormed === 'function') return s.isWellFormed();
    return !/[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/.test(s);
  }

  const show = (value) => (typeof value === 'string' ? JSON.stringify(value) : String(value));

  function toU8(input) {
    if (input instanceof Uint8Array) return input;
    if (input instanceof ArrayBuffer) return new Uint8Array(input);
    if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    if (typeof input === 'string') return utf8(input);
    throw new TypeError('expected bytes (ArrayBuffer / Uint8Array) or text');
  }

  // ==== SHA-256 in plain JavaScript ============================================================
  //
  // Used (1) as the fallback where crypto.subtle is missing — it only exists in secure
  // contexts, so a plain-http deployment on a non-localhost address has none — and (2) for
  // per-row keys, because it can start from a precomputed state: the seed is 64 hex
  // characters, exactly one SHA-256 block, so "seed:id:j" costs a single compression per
  // ticket, while crypto.subtle.digest pays a promise and a thread hop for every call.

  const K256 = new Int32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);
  const IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const W = new Int32Array(64);
  const PAD = new Uint8Array(128);

  /** One SHA-256 compression of the 64 bytes b[o..o+64) into the state H (8 int32 words). */
  function compress(H, b, o) {
    for (let i = 0; i < 16; i++) {
      const p = o + 4 * i;
      W[i] = (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
    }
    for (let i = 16; i < 64; i++) {
      const x = W[i - 15];
      const y = W[i - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
    }
    let a = H[0]; let b2 = H[1]; let c = H[2]; let d = H[3];
    let e = H[4]; let f = H[5]; let g = H[6]; let h = H[7];
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K256[i] + W[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b2) ^ (a & c) ^ (b2 & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0;
      d = c; c = b2; b2 = a; a = (t1 + t2) | 0;
    }
    H[0] = (H[0] + a) | 0; H[1] = (H[1] + b2) | 0; H[2] = (H[2] + c) | 0; H[3] = (H[3] + d) | 0;
    H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
  }

  /**
   * Hash data[off..off+len) into H, which already holds the state after `prefixLen` bytes
   * (a multiple of 64), and finish with the padding. H ends as the digest.
   */
  function sha256Finish(H, prefixLen, data, off, len) {
    let p = off;
    const end = off + len;
    while (end - p >= 64) { compress(H, data, p); p += 64; }
    const rem = end - p;
    for (let i = 0; i < rem; i++) PAD[i] = data[p + i];
    PAD[rem] = 0x80;
    const blockLen = rem < 56 ? 64 : 128;
    for (let i = rem + 1; i < blockLen - 8; i++) PAD[i] = 0;
    const total = prefixLen + len;
    const hi = Math.floor(total / 0x20000000);   // the bit length is 8·total: its high word
    const lo = (total * 8) >>> 0;                // and its low word (ToUint32 is mod 2^32)
    PAD[blockLen - 8] = hi >>> 24; PAD[blockLen - 7] = (hi >>> 16) & 255;
    PAD[blockLen - 6] = (hi >>> 8) & 255; PAD[blockLen - 5] = hi & 255;
    PAD[blockLen - 4] = lo >>> 24; PAD[blockLen - 3] = (lo >>> 16) & 255;
    PAD[blockLen - 2] = (lo >>> 8) & 255; PAD[blockLen - 1] = lo & 255;
    compress(H, PAD, 0);
    if (blockLen === 128) compress(H, PAD, 64);
  }

  // A lookup table: toString(16) per word was the matching's hot spot.
  const HEX2 = Array.from({ length: 256 }, (_, b) => (b < 16 ? '0' : '') + b.toString(16));

  function wordsHex(H, off) {
    let out = '';
    for (let i = (off || 0), end = (off || 0) + 8; i < end; i++) {
      const w = H[i];
      out += HEX2[w >>> 24] + HEX2[(w >>> 16) & 255] + HEX2[(w >>> 8) & 255] + HEX2[w & 255];
    }
    return out;
  }

  function bytesHex(bytes) {
    let out = '';
    for (let i = 0; i < bytes.length; i++) out += HEX2[bytes[i]];
    return out;
  }

  /** Lowercase hex SHA-256 of bytes or of a string's UTF-8 bytes, in plain JavaScript. */
  function sha256HexSync(input) {
    const data = toU8(input);
    const H = new Int32Array(IV);
    sha256Finish(H, 0, data, 0, data.length);
    return wordsHex(H, 0);
  }

  /** The SHA-256 state after one 64-byte block (a 64-hex-character seed). */
  function midstate(block64) {
    if (block64.length !== 64) throw new Error('midstate needs exactly one 64-byte block');
    const H = new Int32Array(IV);
    compress(H, block64, 0);
    return H;
  }

  /** Hashes "<prefix64>" + suffix for many suffixes, starting from the prefix's state. */
  class PrefixHasher {
    constructor(prefixText) {
      this.mid = midstate(utf8(prefixText));
      this.H = new Int32Array(8);
    }
    hexOf(suffixBytes) {
      this.H.set(this.mid);
      sha256Finish(this.H, 64, suffixBytes, 0, suffixBytes.length);
      return wordsHex(this.H, 0);
    }
  }

  // ==== hashing engines ========================================================================

  function hasWebCrypto() {
    try {
      return !!(global.crypto && global.crypto.subtle && typeof global.crypto.subtle.digest === 'function');
    } catch (e) {
      return false;
    }
  }

  async function webcryptoHex(bytes) {
    return bytesHex(new Uint8Array(await global.crypto.subtle.digest('SHA-256', bytes)));
  }

  /**
   * Which implementation hashes what. `engine` is 'auto' (WebCrypto for whole files and
   * single values when available, plain JS for per-row keys: measured faster, see
   * docs/verifier.md), 'webcrypto' (everything through crypto.subtle, batched) or 'js'
   * (everything in plain JavaScript — what runs outside a secure context).
   */
  function pickEngines(engine) {
    const name = engine || 'auto';
    if (name === 'webcrypto') {
      if (!hasWebCrypto()) {
        throw new Error('crypto.subtle is not available here (the page is not a secure context)');
      }
      return { digest: 'webcrypto', keys: 'webcrypto' };
    }
    if (name === 'js') return { digest: 'js', keys: 'js' };
    if (name !== 'auto') throw new Error(`unknown engine ${show(name)}: use auto, webcrypto or js`);
    return { digest: hasWebCrypto() ? 'webcrypto' : 'js', keys: 'js' };
  }

  async function digestWith(engines, bytes) {
    return engines.digest === 'webcrypto' ? webcryptoHex(bytes) : sha256HexSync(bytes);
  }

  /** Lowercase hex SHA-256, through WebCrypto when available (engine: auto|webcrypto|js). */
  async function sha256Hex(input, engine) {
    return digestWith(pickEngines(engine), toU8(input));
  }

  // Give the browser a moment to paint progress; a MessageChannel message is not clamped to
  // 4 ms the way nested setTimeout(0) is.
  function yieldToBrowser() {
    if (typeof MessageChannel === 'function') {
      return new Promise((resolve) => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => { ch.port1.close(); resolve(); };
        ch.port2.postMessage(null);
      });
    }
    return new Promise((resolve) => setTimeout(resolve, 0));
  }

  const now = () => (global.performance && performance.now ? performance.now() : Date.now());

  // ==== strict JSON (Python's json.loads, as record.py uses it) ================================
  //
  // JSON.parse cannot tell 2 from 2.0 (the spec refuses 2.0 as an integer), silently keeps
  // the last of duplicated keys (record.py refuses them: a reader and a checker could see
  // different values) and rounds large integers. This small parser keeps those apart:
  // floats become JsonFloat, large integers BigInt, and objects have no prototype so a key
  // named "__proto__" is an ordinary key.

  class JsonFloat {
    constructor(text) { this.text = text; this.value = Number(text); }
    toString() { return this.text; }
  }

  class JsonError extends Error {}

  function parseJson(text) {
    let i = 0;
    const n = text.length;
    const fail = (msg) => {
      const before = text.slice(0, i);
      const line = before.split('\n').length;
      throw new JsonError(`${msg} (line ${line}, column ${i - before.lastIndexOf('\n')})`);
    };
    const ws = () => {
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++; else break;
      }
    };
    const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
    function string() {
      i++; // opening quote
      let out = '';
      let start = i;
      for (;;) {
        if (i >= n) fail('Unterminated string');
        const c = text.charCodeAt(i);
        if (c === 0x22) { out += text.slice(start, i); i++; return out; }
        if (c < 0x20) fail('Invalid control character in string');
        if (c === 0x5c) {
          out += text.slice(start, i);
          const e = text[i + 1];
          const simple = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
          if (e in simple) { out += simple[e]; i += 2; } else if (e === 'u') {
            const hex = text.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Invalid \\uXXXX escape');
            out += String.fromCharCode(parseInt(hex, 16));
            i += 6;
          } else fail('Invalid \\escape');
          start = i;
        } else i++;
      }
    }
    function value() {
      ws();
      if (i >= n) fail('Expecting value');
      const c = text[i];
      if (c === '{') {
        i++;
        const obj = Object.create(null);
        ws();
        if (text[i] === '}') { i++; return obj; }
        for (;;) {
          ws();
          if (text[i] !== '"') fail('Expecting property name enclosed in double quotes');
          const key = string();
          ws();
          if (text[i] !== ':') fail("Expecting ':' delimiter");
          i++;
          const v = value();
          if (Object.prototype.hasOwnProperty.call(obj, key)) {
            throw new JsonError(`field ${show(key)} appears twice`);
          }
          obj[key] = v;
          ws();
          if (text[i] === ',') { i++; continue; }
          if (text[i] === '}') { i++; return obj; }
          fail("Expecting ',' delimiter");
        }
      }
      if (c === '[') {
        i++;
        const arr = [];
        ws();
        if (text[i] === ']') { i++; return arr; }
        for (;;) {
          arr.push(value());
          ws();
          if (text[i] === ',') { i++; continue; }
          if (text[i] === ']') { i++; return arr; }
          fail("Expecting ',' delimiter");
        }
      }
      if (c === '"') return string();
      if (text.startsWith('true', i)) { i += 4; return true; }
      if (text.startsWith('false', i)) { i += 5; return false; }
      if (text.startsWith('null', i)) { i += 4; return null; }
      // Python's json also reads these; they are never integers, so keep them as floats.
      for (const word of ['NaN', 'Infinity', '-Infinity']) {
        if (text.startsWith(word, i)) { i += word.length; return new JsonFloat(word); }
      }
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) fail('Expecting value');
      i = NUMBER.lastIndex;
      if (m[1] === undefined && m[2] === undefined) {
        const num = Number(m[0]);
        return Number.isSafeInteger(num) ? num : BigInt(m[0]);
      }
      return new JsonFloat(m[0]);
    }
    if (text.charCodeAt(0) === 0xfeff) fail('Unexpected UTF-8 BOM');
    const result = value();
    ws();
    if (i !== n) fail('Extra data');
    return result;
  }

  /** Parse JSON given as bytes, text or an already-parsed value. */
  function asJson(input, what) {
    if (input === null || input === undefined) throw new JsonError(`${what}: missing`);
    if (typeof input === 'string') return parseJson(input);
    if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) {
      let text;
      try {
        text = strictDecoder.decode(toU8(input));
      } catch (e) {
        throw new JsonError('not valid UTF-8');
      }
      return parseJson(text);
    }
    return input; // already an object (e.g. from a caller that parsed it)
  }

  const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof JsonFloat);
  const has = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);
  const isInt = (v) => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';

  function pyType(v) {
    if (v === null || v === undefined) return 'NoneType';
    if (typeof v === 'boolean') return 'bool';
    if (isInt(v)) return 'int';
    if (typeof v === 'number' || v instanceof JsonFloat) return 'float';
    if (typeof v === 'string') return 'str';
    if (Array.isArray(v)) return 'list';
    return 'dict';
  }

  /** Python's repr-ish rendering for messages (strings quoted, containers as JSON). */
  function pyShow(v) {
    if (v === null || v === undefined) return 'None';
    if (v === true) return 'True';
    if (v === false) return 'False';
    if (typeof v === 'string') return show(v);
    if (typeof v === 'bigint' || typeof v === 'number' || v instanceof JsonFloat) return String(v);
    try {
      return JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? x.toString() : x));
    } catch (e) {
      return String(v);
    }
  }

  /**
   * The bytes Python publishes records with: json.dumps(obj, ensure_ascii=False, indent=1)
   * plus a final LF. JSON.stringify with indent 1 writes the same layout and escapes.
   */
  function recordText(obj) {
    return JSON.stringify(obj, (k, x) => {
      if (x instanceof JsonFloat) return x.value;
      if (typeof x === 'bigint') return Number(x);
      return x;
    }, 1) + '\n';
  }

  // ==== population file (population.py) ========================================================

  class PopulationError extends Error {
    constructor(code, line, en, zh) {
      super(`population file line ${line}: ${en}`);
      this.code = code;
      this.line = line;
      this.reason_en = en;
      this.reason_zh = zh;
    }
  }

  function isContinuation(b) { return b >= 0x80 && b <= 0xbf; }

  /** Index of the first byte of the first invalid UTF-8 sequence in data[s..e), or -1. */
  function utf8Invalid(data, s, e) {
    let q = s;
    while (q < e) {
      const b = data[q];
      if (b < 0x80) { q++; continue; }
      let need;
      let lo = 0x80;
      let hi = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) need = 1;
      else if (b === 0xe0) { need = 2; lo = 0xa0; } else if (b === 0xed) { need = 2; hi = 0x9f; } else if (b >= 0xe1 && b <= 0xef) need = 2;
      else if (b === 0xf0) { need = 3; lo = 0x90; } else if (b === 0xf4) { need = 3; hi = 0x8f; } else if (b >= 0xf1 && b <= 0xf3) need = 3;
      else return q;
      if (q + need >= e) return q; // truncated: the sequence runs past the line's end
      const b1 = data[q + 1];
      if (b1 < lo || b1 > hi) return q;
      for (let k = 2; k <= need; k++) if (!isContinuation(data[q + k])) return q;
      q += need + 1;
    }
    return -1;
  }

  /** Compare byte ranges a[as..ae) and b[bs..be) like Python compares bytes. */
  function cmpBytes(a, as, ae, b, bs, be) {
    const la = ae - as;
    const lb = be - bs;
    const n = la < lb ? la : lb;
    for (let i = 0; i < n; i++) {
      const x = a[as + i];
      const y = b[bs + i];
      if (x !== y) return x < y ? -1 : 1;
    }
    return la === lb ? 0 : (la < lb ? -1 : 1);
  }

  function asciiText(data, s, e) {
    let out = '';
    for (let i = s; i < e; i += 4096) {
      out += String.fromCharCode.apply(null, data.subarray(i, Math.min(e, i + 4096)));
    }
    return out;
  }

  function isAsciiSpace(b) { return (b >= 0x09 && b <= 0x0d) || (b >= 0x1c && b <= 0x20); }

  /** label_problem() of population.py for a field given as bytes; null when fine. */
  function fieldProblem(data, s, e, what, maxChars) {
    const isId = what === 'id';
    if (s === e) {
      return [isId ? 'population.empty_id' : 'population.empty_stratum', `empty ${what}`,
        isId ? '标识为空' : '分层为空'];
    }
    let ascii = true;
    let chars = 0;
    for (let q = s; q < e; q++) {
      const b = data[q];
      if (b >= 0x80) ascii = false;
      if (!isContinuation(b)) chars++;
    }
    if (chars > maxChars) {
      return [isId ? 'population.id_too_long' : 'population.stratum_too_long',
        `${what} has ${chars} characters, at most ${maxChars} allowed`,
        `${isId ? '标识' : '分层'}有 ${chars} 个字符，最多允许 ${maxChars} 个`];
    }
    const text = ascii ? null : strictDecoder.decode(data.subarray(s, e));
    const spaced = ascii
      ? isAsciiSpace(data[s]) || isAsciiSpace(data[e - 1])
      : PY_SPACE.has(text.charCodeAt(0)) || PY_SPACE.has(text.charCodeAt(text.length - 1));
    if (spaced) {
      const shown = text === null ? asciiText(data, s, e) : text;
      return ['population.surrounding_space', `${what} ${show(shown)} has surrounding white space`,
        `${isId ? '标识' : '分层'} ${show(shown)} 首尾有空白字符`];
    }
    if (!ascii && !isNfc(text)) {
      return ['population.not_nfc', `${what} ${show(text)} is not in Unicode NFC form`,
        `${isId ? '标识' : '分层'} ${show(text)} 不是 Unicode NFC 规范形式`];
    }
    return null;
  }

  /** tickets_problem(): ASCII digits, 1–1000, no leading zero. Returns the value or -1. */
  function parseTickets(data, s, e) {
    if (s === e || e - s > 4 || data[s] === 0x30) return -1;
    let v = 0;
    for (let q = s; q < e; q++) {
      const b = data[q];
      if (b < 0x30 || b > 0x39) return -1;
      v = v * 10 + (b - 0x30);
    }
    return v <= MAX_TICKETS ? v : -1;
  }

  /**
   * Strict reading of the population file, as parse_population() does: the same files are
   * accepted and the first error (in line order) is named with its line.
   * Returns {bytes, digest?, size, strata: [{name, size, firstLine}], columns per row}.
   */
  function parsePopulation(input) {
    const data = toU8(input);
    const n = data.length;
    const err = (code, line, en, zh) => new PopulationError(code, line, en, zh);
    if (n === 0) {
      throw err('population.empty_file', 1, "empty file; expected header 'id,stratum,tickets'",
        '文件为空；第一行应为 id,stratum,tickets');
    }
    if (n >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
      throw err('population.bom', 1, 'byte order mark (BOM) at start of file', '文件开头有字节顺序标记（BOM）');
    }
    const nl = data.indexOf(10);
    const headerEnd = nl < 0 ? n : nl;
    const headerOk = headerEnd === HEADER.length && asciiText(data, 0, headerEnd) === HEADER;
    if (!headerOk) {
      if (headerEnd === HEADER.length + 1 && data[headerEnd - 1] === 13
          && asciiText(data, 0, HEADER.length) === HEADER) {
        throw err('population.carriage_return', 1,
          'carriage return (CRLF line ends?); lines must end with LF only', '含回车符（CRLF 换行？）；每行只能以 LF 结尾');
      }
      const shown = lenientDecoder.decode(data.subarray(0, Math.min(headerEnd, 80)));
      throw err('population.bad_header', 1, `header must be exactly 'id,stratum,tickets', found ${show(shown)}`,
        `第一行必须是 id,stratum,tickets，实为 ${show(shown)}`);
    }
    const start = HEADER.length + 1;
    if (data[n - 1] !== 10) {
      // Name the unterminated line itself, after checking the lines before it.
      const lastStart = data.lastIndexOf(10) + 1;
      if (lastStart > start) scanRows(data, start, lastStart);
      let lines = 0;
      for (let q = 0; q < n; q++) if (data[q] === 10) lines++;
      throw err('population.missing_final_lf', lines + 1,
        'missing line feed at end of file (the last line must end with LF)', '文件末尾缺少换行符（最后一行也必须以 LF 结尾）');
    }
    return scanRows(data, start, n);
  }

  function scanRows(data, start, end) {
    let rows = 0;
    for (let q = start; q < end; q++) if (data[q] === 10) rows++;
    const idStart = new Int32Array(rows);
    const idEnd = new Int32Array(rows);
    const stratumOf = new Int32Array(rows);
    const tickets = new Int32Array(rows);
    const strataByName = new Map();
    const strataList = [];
    let prevS = -1;
    let prevE = -1;
    let lastStratumS = -1;
    let lastStratumE = -1;
    let lastStratum = -1;
    let lineNo = 1;
    let r = 0;
    let p = start;
    const fail = (code, en, zh) => new PopulationError(code, lineNo, en, zh);
    while (p < end) {
      lineNo++;
      let e = data.indexOf(10, p);
      if (e < 0 || e > end) e = end;
      if (e === p) throw fail('population.empty_line', 'empty line', '空行');
      let c1 = -1;
      let c2 = -1;
      let commas = 0;
      let cr = false;
      let ascii = true;
      for (let q = p; q < e; q++) {
        const b = data[q];
        if (b === 44) {
          commas++;
          if (commas === 1) c1 = q; else if (commas === 2) c2 = q;
        } else if (b === 13) cr = true;
        else if (b >= 0x80) ascii = false;
      }
      if (cr) {
        throw fail('population.carriage_return',
          'carriage return (CRLF line ends?); lines must end with LF only', '含回车符（CRLF 换行？）；每行只能以 LF 结尾');
      }
      if (!ascii) {
        const bad = utf8Invalid(data, p, e);
        if (bad >= 0) {
          throw fail('population.not_utf8', `not valid UTF-8 at byte ${bad - p + 1}`,
            `第 ${bad - p + 1} 个字节起不是有效的 UTF-8`);
        }
      }
      if (commas !== 2) {
        throw fail('population.field_count',
          `expected 3 fields id,stratum,tickets, found ${commas + 1} (an id or stratum may not contain a comma)`,
          `应有 3 个字段 id,stratum,tickets，实有 ${commas + 1} 个（标识和分层中不得含逗号）`);
      }
      for (const [s, e2, what, max] of [[p, c1, 'id', MAX_ID_CHARS], [c1 + 1, c2, 'stratum', MAX_STRATUM_CHARS]]) {
        const problem = fieldProblem(data, s, e2, what, max);
        if (problem) throw fail(problem[0], problem[1], problem[2]);
      }
      const t = parseTickets(data, c2 + 1, e);
      if (t < 0) {
        const found = lenientDecoder.decode(data.subarray(c2 + 1, e));
        throw fail('population.bad_tickets',
          `tickets must be an integer 1–${MAX_TICKETS} without leading zeros, found ${show(found)}`,
          `签数必须是 1–${MAX_TICKETS} 的整数且无前导零，实为 ${show(found)}`);
      }
      if (prevS >= 0) {
        const cmp = cmpBytes(data, p, c1, data, prevS, prevE);
        if (cmp <= 0) {
          const id = strictDecoder.decode(data.subarray(p, c1));
          if (cmp === 0) throw fail('population.duplicate_id', `duplicate id ${show(id)}`, `标识 ${show(id)} 重复`);
          const prev = strictDecoder.decode(data.subarray(prevS, prevE));
          throw fail('population.unsorted',
            `id ${show(id)} sorts before the previous id ${show(prev)}; rows must be sorted by id (UTF-8 bytes)`,
            `标识 ${show(id)} 排在上一行的 ${show(prev)} 之前；各行必须按标识（UTF-8 字节）升序排列`);
        }
      }
      prevS = p;
      prevE = c1;
      // Most files hold long runs of one stratum or few strata: avoid decoding each label.
      let si;
      if (lastStratum >= 0 && cmpBytes(data, c1 + 1, c2, data, lastStratumS, lastStratumE) === 0) {
        si = lastStratum;
      } else {
        const name = ascii ? asciiText(data, c1 + 1, c2) : strictDecoder.decode(data.subarray(c1 + 1, c2));
        let entry = strataByName.get(name);
        if (!entry) {
          entry = { name, size: 0, firstLine: lineNo, index: strataList.length };
          strataByName.set(name, entry);
          strataList.push(entry);
        }
        si = entry.index;
        lastStratum = si;
        lastStratumS = c1 + 1;
        lastStratumE = c2;
      }
      strataList[si].size++;
      idStart[r] = p;
      idEnd[r] = c1;
      stratumOf[r] = si;
      tickets[r] = t;
      r++;
      p = e + 1;
    }
    const sorted = strataList.slice().sort((a, b) => cmpStr(a.name, b.name));
    return {
      bytes: data, size: r, idStart, idEnd, stratumOf, tickets, strataList,
      strata: sorted.map((s) => ({ name: s.name, size: s.size, firstLine: s.firstLine })),
    };
  }

  function rowId(pop, r) { return strictDecoder.decode(pop.bytes.subarray(pop.idStart[r], pop.idEnd[r])); }
  function rowStratum(pop, r) { return pop.strataList[pop.stratumOf[r]].name; }

  /** Binary search for an id over the sorted rows (ids compare as UTF-8 bytes). */
  function findRow(pop, id) {
    const key = utf8(id);
    let lo = 0;
    let hi = pop.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = cmpBytes(pop.bytes, pop.idStart[mid], pop.idEnd[mid], key, 0, key.length);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1; else hi = mid;
    }
    return -1;
  }

  // ==== quotas (quotas.py) ======================================================================

  class QuotaError extends Error {
    constructor(code, en, zh) { super(en); this.code = code; this.en = en; this.zh = zh; }
  }

  const COUNT_RE = /^(0|[1-9][0-9]*)$/;
  const RATE_RE = /^(0|[1-9][0-9]*)(?:\.([0-9]{1,4}))?%$/;

  /** label_problem() of population.py for a string; null when fine. */
  function labelProblem(value, what, maxChars) {
    if (!value) return `empty ${what}`;
    for (const ch of [',', '\r', '\n']) if (value.includes(ch)) return `${what} ${show(value)} contains ${show(ch)}`;
    const n = cpLen(value);
    if (n > maxChars) return `${what} has ${n} characters, at most ${maxChars} allowed`;
    if (value !== pyStrip(value)) return `${what} ${show(value)} has surrounding white space`;
    if (!isNfc(value)) return `${what} ${show(value)} is not in Unicode NFC form`;
    return null;
  }

  function parseQuota(text) {
    if (COUNT_RE.test(text)) return { text, count: BigInt(text) };
    const m = RATE_RE.exec(text);
    if (m) {
      // The rate as an exact fraction num/den percent: a float would round some N_h × R.
      const frac = m[2] || '';
      return { text, num: BigInt(m[1] + frac), den: 10n ** BigInt(frac.length) };
    }
    throw new QuotaError('quota.syntax',
      `bad quota ${show(text)}: expected a count such as 5 or a rate such as 12.5% (at most 4 fraction digits, no leading zeros)`,
      `抽取数量/比例 ${show(text)} 有误：应为数量（如 5）或比例（如 12.5%，最多 4 位小数，无前导零）`);
  }

  function quotaDrawn(quota, size) {
    const n = BigInt(size);
    if (quota.count !== undefined) return Number(n < quota.count ? n : quota.count);
    const div = 100n * quota.den;
    const up = (n * quota.num + div - 1n) / div; // ceil(N × R / 100), in integers only
    return Number(up < n ? up : n);
  }

  /** quota_set(): the record's {stratum: quota} in stratum order, and the canonical line. */
  function quotaSet(quotas) {
    const names = Object.keys(quotas).sort(cmpStr);
    const list = names.map((stratum) => {
      const problem = labelProblem(stratum, 'stratum', MAX_STRATUM_CHARS);
      if (problem) throw new QuotaError('quota.syntax', `bad quota stratum: ${problem}`, `分层名称有误：${problem}`);
      return { stratum, quota: parseQuota(quotas[stratum]) };
    });
    return { list, line: list.map((q) => `${q.stratum}=${q.quota.text}`).join(';') };
  }

  function resolveQuotas(qs, pop) {
    const byName = new Map(qs.list.map((q) => [q.stratum, q.quota]));
    for (const s of pop.strata) {
      if (!byName.has(s.name)) {
        throw new QuotaError('quota.missing_for_stratum',
          `stratum ${show(s.name)} has no quota (first row at line ${s.firstLine}); give one, 0 is allowed`,
          `分层 ${show(s.name)} 没有抽取数量/比例（首次出现在第 ${s.firstLine} 行）`);
      }
    }
    const sizes = new Map(pop.strata.map((s) => [s.name, s.size]));
    for (const q of qs.list) {
      if (!sizes.has(q.stratum)) {
        throw new QuotaError('quota.unknown_stratum',
          `quota for stratum ${show(q.stratum)}, which has no rows in the population`,
          `分层 ${show(q.stratum)} 有抽取数量/比例，但总体文件中没有该分层`);
      }
    }
    const drawn = new Map();
    for (const q of qs.list) drawn.set(q.stratum, quotaDrawn(q.quota, sizes.get(q.stratum)));
    return drawn;
  }

  // ==== draw: seed, keys, selection (draw.py) ===================================================

  /** check_task_id(): null when fine, else the English reason. */
  function taskIdProblem(taskId) {
    if (typeof taskId !== 'string' || !taskId || !utf8Ok(taskId) || taskId.includes('\n')
        || taskId.includes('\r') || taskId !== pyStrip(taskId) || !isNfc(taskId)) {
      return `task id ${pyShow(taskId)} must be non-empty NFC text without line breaks or surrounding white space`;
    }
    return null;
  }

  /** normalize_entropy(): NFC, stripped, non-empty, one line; throws with the entry number. */
  function normalizeEntropy(entries) {
    return entries.map((entry, k) => {
      const text = typeof entry === 'string' ? pyStrip(entry.normalize('NFC')) : '';
      if (!text || text.includes('\n') || text.includes('\r') || !utf8Ok(text)) {
        throw new Error(`entropy entry ${k + 1} (${pyShow(entry)}) must be non-empty and on one line`);
      }
      return text;
    });
  }

  function seedText(taskId, digest, quotaLine, secret, entropy) {
    return [DRAW_SPEC, taskId, digest, quotaLine, secret, ...entropy].join('\n');
  }

  /** seed = SHA-256 hex of the LF-joined lines (no final LF) named by draw-v1. */
  async function computeSeed(p, engine) {
    return sha256Hex(seedText(p.task_id, p.population_digest, p.quota_line, p.secret, p.entropy || []), engine);
  }

  /** commitment = SHA-256 of the secret's 64-character ASCII text. */
  async function commitmentOf(secret, engine) {
    return sha256Hex(secret, engine);
  }

  /** A row's key: min over j = 1..t of SHA-256hex(seed:id:j); plain JS, any seed text. */
  function ticketKey(seed, id, tickets) {
    let best = null;
    for (let j = 1; j <= tickets; j++) {
      const k = sha256HexSync(`${seed}:${id}:${j}`);
      if (best === null || k < best) best = k;
    }
    return best;
  }

  function writeDecimal(buf, pos, j) {
    const s = String(j);
    for (let i = 0; i < s.length; i++) buf[pos + i] = s.charCodeAt(i);
    return s.length;
  }

  /** true when the 8 words at a[ao..] are smaller than those at b[bo..] (unsigned). */
  function wordsLess(a, ao, b, bo) {
    for (let w = 0; w < 8; w++) {
      const x = a[ao + w] >>> 0;
      const y = b[bo + w] >>> 0;
      if (x !== y) return x < y;
    }
    return false;
  }

  /**
   * Keys of rows [from, to) whose stratum is drawn, into out (8 words per row, row r at
   * (r - from) * 8), in plain JavaScript from the seed's midstate.
   */
  function keysJs(pop, seedBytes, mid, want, from, to, out) {
    const data = pop.bytes;
    const H = new Int32Array(8);
    const buf = new Uint8Array(1 + 4 * MAX_ID_CHARS + 1 + 4);
    for (let r = from; r < to; r++) {
      if (!want[pop.stratumOf[r]]) continue;
      const s = pop.idStart[r];
      const e = pop.idEnd[r];
      let len = 0;
      buf[len++] = 58; // ':'
      for (let q = s; q < e; q++) buf[len++] = data[q];
      buf[len++] = 58;
      const base = (r - from) * 8;
      const t = pop.tickets[r];
      for (let j = 1; j <= t; j++) {
        const total = len + writeDecimal(buf, len, j);
        H.set(mid);
        sha256Finish(H, 64, buf, 0, total);
        if (j === 1 || wordsLess(H, 0, out, base)) out.set(H, base);
      }
    }
  }

  const WEBCRYPTO_BATCH = 2048;

  /** Same as keysJs through crypto.subtle.digest, many calls in flight per batch. */
  async function keysWebCrypto(pop, seedBytes, want, from, to, out) {
    const subtle = global.crypto.subtle;
    const data = pop.bytes;
    const maxLen = seedBytes.length + 1 + 4 * MAX_ID_CHARS + 1 + 4;
    const buf = new Uint8Array(WEBCRYPTO_BATCH * maxLen);
    const rows = new Int32Array(WEBCRYPTO_BATCH);
    const first = new Uint8Array(WEBCRYPTO_BATCH);
    const pending = [];
    const H = new Int32Array(8);
    const flush = async () => {
      const results = await Promise.all(pending);
      for (let i = 0; i < results.length; i++) {
        const dv = new DataView(results[i]);
        for (let w = 0; w < 8; w++) H[w] = dv.getInt32(4 * w);
        const base = (rows[i] - from) * 8;
        if (first[i] || wordsLess(H, 0, out, base)) out.set(H, base);
      }
      pending.length = 0;
    };
    for (let r = from; r < to; r++) {
      if (!want[pop.stratumOf[r]]) continue;
      const t = pop.tickets[r];
      for (let j = 1; j <= t; j++) {
        if (pending.length === WEBCRYPTO_BATCH) await flush();
        const slot = pending.length;
        const off = slot * maxLen;
        buf.set(seedBytes, off);
        let len = seedBytes.length;
        buf[off + len++] = 58;
        for (let q = pop.idStart[r]; q < pop.idEnd[r]; q++) buf[off + len++] = data[q];
        buf[off + len++] = 58;
        len += writeDecimal(buf, off + len, j);
        rows[slot] = r;
        first[slot] = j === 1 ? 1 : 0;
        // digest() copies its input before returning, so the slot can be reused later.
        pending.push(subtle.digest('SHA-256', buf.subarray(off, off + len)));
      }
    }
    if (pending.length) await flush();
  }

  async function rowKey(pop, r, seed, engines) {
    const id = rowId(pop, r);
    if (engines.keys === 'js') return ticketKey(seed, id, pop.tickets[r]);
    let best = null;
    for (let j = 1; j <= pop.tickets[r]; j++) {
      const k = await webcryptoHex(utf8(`${seed}:${id}:${j}`));
      if (best === null || k < best) best = k;
    }
    return best;
  }

  const CHUNK_ROWS = 4096;

  /**
   * select_population(): per stratum the n_h smallest (key, id), all winners in (key, id)
   * order. Each stratum keeps a bounded buffer pruned with a sort plus a cutoff, as
   * draw.py does, so memory follows the drawn sizes, not the file.
   */
  async function selectPopulation(pop, seed, drawn, engines, progress) {
    const seedBytes = utf8(seed);
    const mid = engines.keys === 'js' ? midstate(seedBytes) : null;
    const want = pop.strataList.map((s) => (drawn.get(s.name) || 0) > 0);
    const buckets = pop.strataList.map((s) => {
      const n = drawn.get(s.name) || 0;
      return { n, limit: 2 * n + 1024, cutoff: null, entries: [] };
    });
    const data = pop.bytes;
    const cmpEntry = (a, b) => {
      for (let w = 0; w < 8; w++) {
        const x = a.k[w] >>> 0;
        const y = b.k[w] >>> 0;
        if (x !== y) return x < y ? -1 : 1;
      }
      return cmpBytes(data, pop.idStart[a.r], pop.idEnd[a.r], data, pop.idStart[b.r], pop.idEnd[b.r]);
    };
    const out = new Int32Array(CHUNK_ROWS * 8);
    let lastYield = now();
    const total = want.some(Boolean) ? pop.size : 0;
    for (let from = 0; from < total; from += CHUNK_ROWS) {
      const to = Math.min(total, from + CHUNK_ROWS);
      if (engines.keys === 'js') keysJs(pop, seedBytes, mid, want, from, to, out);
      else await keysWebCrypto(pop, seedBytes, want, from, to, out);
      for (let r = from; r < to; r++) {
        const b = buckets[pop.stratumOf[r]];
        if (b.n === 0) continue;
        const base = (r - from) * 8;
        // A key above the n_h-th best so far can never be among the n_h smallest.
        if (b.cutoff !== null && wordsLess(b.cutoff.k, 0, out, base)) continue;
        b.entries.push({ r, k: out.slice(base, base + 8) });
        if (b.entries.length >= b.limit) {
          b.entries.sort(cmpEntry);
          b.entries.length = b.n;
          b.cutoff = b.entries[b.n - 1];
        }
      }
      if (progress) progress({ stage: 'keys', done: to, total: pop.size });
      if (now() - lastYield > 50) { await yieldToBrowser(); lastYield = now(); }
    }
    const winners = [];
    for (const b of buckets) {
      b.entries.sort(cmpEntry);
      for (let i = 0; i < Math.min(b.n, b.entries.length); i++) winners.push(b.entries[i]);
    }
    winners.sort(cmpEntry);
    return winners.map((w) => ({ id: rowId(pop, w.r), stratum: rowStratum(pop, w.r), key: wordsHex(w.k, 0) }));
  }

  // ==== verification of a draw record (verify.py) ==============================================

  const STOP = { stop: true };

  /** Collects checks; a failure stops the run unless it is the digest (see below). */
  class Run {
    constructor() {
      this.checks = [];
      this.diagnostic = false;
      this.complete = false;
    }
    add(name, ok, zh, en, extra) {
      const check = Object.assign({ name, ok, expected: null, actual: null, message_zh: zh, message_en: en }, extra || {});
      if (this.diagnostic) check.diagnostic = true;
      this.checks.push(check);
      return check;
    }
    pass(name, zh, en, extra) { this.add(name, true, zh, en, extra); }
    fail(name, zh, en, extra) { this.add(name, false, zh, en, extra); throw STOP; }
  }

  /** _format_problem() of verify.py: the first structural problem, or null. */
  function formatProblem(rec) {
    const missing = RECORD_FIELDS.filter((f) => !has(rec, f));
    if (missing.length) return `missing field '${missing[0]}'`;
    const unknown = Object.keys(rec).filter((f) => !RECORD_FIELDS.includes(f));
    if (unknown.length) return `unexpected field '${unknown[0]}'`;
    for (const name of ['spec', 'task_id', 'population_digest', 'commitment', 'secret', 'seed']) {
      if (typeof rec[name] !== 'string') return `${name} must be a string`;
    }
    if (!isInt(rec.population_size)) return 'population_size must be an integer';
    if (!isObj(rec.quotas) || !Object.values(rec.quotas).every((v) => typeof v === 'string')) {
      return 'quotas must map stratum to quota text';
    }
    if (!isObj(rec.strata)) return 'strata must be an object';
    for (const [name, value] of Object.entries(rec.strata)) {
      if (!isObj(value) || Object.keys(value).sort().join() !== STRATUM_FIELDS.join()) {
        return `strata[${show(name)}] must have exactly the fields size, quota, drawn`;
      }
      if (!isInt(value.size) || !isInt(value.drawn) || typeof value.quota !== 'string') {
        return `strata[${show(name)}] has a field of the wrong type`;
      }
    }
    if (!Array.isArray(rec.entropy) || !rec.entropy.every((e) => typeof e === 'string')) {
      return 'entropy must be a list of strings';
    }
    if (!Array.isArray(rec.selected)) return 'selected must be a list';
    for (let i = 0; i < rec.selected.length; i++) {
      const item = rec.selected[i];
      if (!isObj(item) || Object.keys(item).sort().join() !== SELECTED_FIELDS.join()
          || !Object.values(item).every((v) => typeof v === 'string')) {
        return `selected[${i}] must have exactly the string fields id, stratum, key`;
      }
    }
    return null;
  }

  const sameInt = (a, b) => isInt(a) && isInt(b) && BigInt(a) === BigInt(b);

  /**
   * The draw checks, in verify.py's order. One departure, on purpose: when the population
   * digest differs, the run goes on (with the record's digest in the seed) as a diagnosis
   * of what the changed file would change; those later checks are marked `diagnostic` and
   * the verdict is a failure at the digest whatever they say.
   */
  async function verifyDrawInto(run, computed, files, engines, progress) {
    let rec;
    try {
      rec = asJson(files.draw, 'draw record');
    } catch (e) {
      run.fail('format', `摇号记录无法读取：${e.message}`, `draw record cannot be read: ${e.message}`);
    }
    if (!isObj(rec)) run.fail('format', '摇号记录应为 JSON 对象', 'a draw record is a JSON object');
    computed.record = rec;
    const problem = formatProblem(rec);
    if (problem) run.fail('format', `摇号记录格式有误：${problem}`, `draw record is malformed: ${problem}`);
    run.pass('format', '摇号记录格式正确', 'draw record is well-formed');

    if (rec.spec !== DRAW_SPEC) {
      run.fail('spec', `摇号记录的规范为 ${show(rec.spec)}，应为 ${DRAW_SPEC}`,
        `spec is ${show(rec.spec)}, expected ${show(DRAW_SPEC)}`, { expected: DRAW_SPEC, actual: rec.spec });
    }
    run.pass('spec', `规范 ${DRAW_SPEC}`, `spec ${DRAW_SPEC}`);

    if (files.population === null || files.population === undefined) {
      run.fail('digest', '缺少总体文件', 'no population file given');
    }
    const data = toU8(files.population);
    if (progress) progress({ stage: 'digest', done: 0, total: data.length });
    const digest = await digestWith(engines, data);
    computed.population_digest = digest;
    let seedDigest = digest;
    if (digest !== rec.population_digest) {
      run.add('digest', false,
        `总体文件摘要不符：摇号记录为 ${rec.population_digest}，本文件的 SHA-256 为 ${digest}`,
        `population digest differs: expected ${rec.population_digest} (draw record), got ${digest} (SHA-256 of the file)`,
        { expected: rec.population_digest, actual: digest });
      run.diagnostic = true;
      seedDigest = rec.population_digest;
    } else {
      run.pass('digest', '总体文件摘要一致', 'population digest matches', { expected: rec.population_digest, actual: digest });
    }

    if (progress) progress({ stage: 'parse', done: 0, total: data.length });
    let pop;
    try {
      pop = parsePopulation(data);
    } catch (e) {
      if (!(e instanceof PopulationError)) throw e;
      run.fail('population', `总体文件第 ${e.line} 行不符合规范：${e.reason_zh}`,
        `population file line ${e.line}: ${e.reason_en}`, { code: e.code, line: e.line });
    }
    run.pass('population', `总体文件格式正确（${pop.size} 行）`, `population file is well-formed (${pop.size} rows)`);
    computed.population_size = pop.size;

    if (!sameInt(rec.population_size, pop.size)) {
      run.fail('population_size', `总体规模不符：摇号记录为 ${rec.population_size}，文件有 ${pop.size} 行`,
        `population size differs: the record says ${rec.population_size}, the file has ${pop.size} rows`,
        { expected: rec.population_size, actual: pop.size });
    }
    run.pass('population_size', `总体规模 ${pop.size}`, `population size ${pop.size}`, { expected: rec.population_size, actual: pop.size });

    let qs;
    let drawn;
    try {
      qs = quotaSet(rec.quotas);
      drawn = resolveQuotas(qs, pop);
    } catch (e) {
      if (!(e instanceof QuotaError)) throw e;
      run.fail('quotas', `抽取数量/比例有误：${e.zh}`, `quotas: ${e.en}`, { code: e.code });
    }
    const sizes = new Map(pop.strata.map((s) => [s.name, s.size]));
    const strata = {};
    for (const q of qs.list) strata[q.stratum] = { size: sizes.get(q.stratum), quota: q.quota.text, drawn: drawn.get(q.stratum) };
    computed.quota_line = qs.line;
    computed.strata = strata;
    run.pass('quotas', `抽取数量/比例：${qs.line}`, `quota line ${qs.line}`, { actual: qs.line });

    for (const q of qs.list) {
      const want = strata[q.stratum];
      const got = has(rec.strata, q.stratum) ? rec.strata[q.stratum] : null;
      if (!got || !sameInt(got.size, want.size) || got.quota !== want.quota || !sameInt(got.drawn, want.drawn)) {
        run.fail('strata', `第 ${show(q.stratum)} 层不符：应为 规模 ${want.size}、比例 ${want.quota}、抽取 ${want.drawn}，记录为 ${pyShow(got)}`,
          `strata[${show(q.stratum)}] should be ${pyShow(want)}, record has ${pyShow(got)}`,
          { expected: got, actual: want });
      }
    }
    for (const name of Object.keys(rec.strata)) {
      if (!has(strata, name)) {
        run.fail('strata', `摇号记录中有总体文件没有的分层 ${show(name)}`, `strata has unexpected stratum ${show(name)}`,
          { expected: name, actual: null });
      }
    }
    run.pass('strata', '各层规模与抽取数一致', 'strata sizes and drawn counts match');

    if (!HEX64.test(rec.secret)) {
      run.fail('commitment', '密钥不是 64 位小写十六进制数', 'secret is not 64 lowercase hex digits');
    }
    const commitment = await digestWith(engines, utf8(rec.secret));
    computed.commitment = commitment;
    if (commitment !== rec.commitment) {
      run.fail('commitment', `承诺值不符：摇号记录为 ${rec.commitment}，密钥的 SHA-256 为 ${commitment}`,
        `commitment differs: expected ${rec.commitment} (draw record), got ${commitment} (SHA-256 of the secret)`,
        { expected: rec.commitment, actual: commitment });
    }
    run.pass('commitment', '承诺值与密钥一致', 'commitment matches the secret', { expected: rec.commitment, actual: commitment });

    const taskProblem = taskIdProblem(rec.task_id);
    if (taskProblem) run.fail('seed', `任务编号不合规：${taskProblem}`, taskProblem);
    let entries;
    try {
      entries = normalizeEntropy(rec.entropy);
    } catch (e) {
      run.fail('seed', `公开随机源有误：${e.message}`, e.message);
    }
    if (entries.length !== rec.entropy.length || entries.some((x, k) => x !== rec.entropy[k])) {
      run.fail('seed', '公开随机源条目应以 NFC 规范化并去除首尾空白后记录',
        'entropy entries must be recorded NFC-normalised and stripped');
    }
    const seed = await digestWith(engines, utf8(seedText(rec.task_id, seedDigest, qs.line, rec.secret, entries)));
    computed.seed = seed;
    if (seed !== rec.seed) {
      run.fail('seed', `种子不符：摇号记录为 ${rec.seed}，重新计算为 ${seed}`,
        `seed differs: expected ${rec.seed} (draw record), got ${seed} (recomputed)`, { expected: rec.seed, actual: seed });
    }
    run.pass('seed', '种子一致', 'seed matches', { expected: rec.seed, actual: seed });

    for (let i = 0; i < rec.selected.length; i++) {
      const item = rec.selected[i];
      const r = findRow(pop, item.id);
      if (r < 0) {
        run.fail('selection', `第 ${i + 1} 个中选对象 ${show(item.id)} 不在总体文件中`,
          `selected[${i}] id ${show(item.id)} is not in the population`, { expected: item.id, actual: null, position: i + 1 });
      }
      const stratum = rowStratum(pop, r);
      if (stratum !== item.stratum) {
        run.fail('selection', `第 ${i + 1} 个中选对象 ${show(item.id)} 属于分层 ${show(stratum)}，记录为 ${show(item.stratum)}`,
          `selected[${i}] id ${show(item.id)} is in stratum ${show(stratum)}, record says ${show(item.stratum)}`,
          { expected: item.stratum, actual: stratum, position: i + 1 });
      }
      const key = await rowKey(pop, r, seed, engines);
      if (key !== item.key) {
        run.fail('key', `第 ${i + 1} 个中选对象 ${show(item.id)} 的签值不符：记录为 ${item.key}，重新计算为 ${key}`,
          `selected[${i}] id ${show(item.id)}: key differs: expected ${item.key} (draw record), got ${key}`,
          { expected: item.key, actual: key, position: i + 1 });
      }
    }
    run.pass('key', '中选对象的签值一致', 'keys of the selected targets match');

    const expected = await selectPopulation(pop, seed, drawn, engines, progress);
    computed.selected = expected;
    for (let i = 0; i < expected.length; i++) {
      const got = i < rec.selected.length ? rec.selected[i].id : null;
      if (got !== expected[i].id) {
        run.fail('selection',
          `第 ${i + 1} 个中选对象不符：摇号记录为 ${got === null ? '（无）' : show(got)}，重新计算应为 ${show(expected[i].id)}（分层 ${expected[i].stratum}）`,
          `selected object ${i + 1} differs: expected ${got === null ? 'none (the record ends here)' : show(got)} (draw record), got ${show(expected[i].id)} (stratum ${expected[i].stratum}, recomputed)`,
          { expected: got, actual: expected[i].id, position: i + 1 });
      }
    }
    if (rec.selected.length !== expected.length) {
      run.fail('selection', `中选对象数量不符：摇号记录有 ${rec.selected.length} 个，重新计算为 ${expected.length} 个`,
        `record selects ${rec.selected.length} targets, the draw selects ${expected.length}`,
        { expected: rec.selected.length, actual: expected.length });
    }
    run.pass('selection', `中选名单与顺序一致（${expected.length} 个）`, `selection and dispatch order match (${expected.length} targets)`);
    run.complete = true;
  }

  // ==== matching: text rules and inputs (matching/textrules.py, inputs.py) =====================

  class MatchingInputError extends Error {}
  class MatchingInfeasible extends Error {
    constructor(problems) {
      super('matching infeasible: ' + problems.map((p) => `${p.target_id === null ? '(task)' : p.target_id} [${p.code}] ${p.message_zh} / ${p.message_en}`).join('; '));
      this.problems = problems;
    }
  }

  const EDGE_SPACE = new Set([0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
    0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]);
  const FORBIDDEN = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/;
  const DATE_RE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

  function checkText(value, what, maxLen, idLike) {
    const max = maxLen || 64;
    if (typeof value !== 'string') throw new MatchingInputError(`${what}: expected a string, got ${pyType(value)}`);
    const n = cpLen(value);
    if (!value || n > max) throw new MatchingInputError(`${what}: must be 1–${max} characters, got ${n}`);
    if (FORBIDDEN.test(value)) throw new MatchingInputError(`${what}: control or line-break character in ${show(value)}`);
    if (EDGE_SPACE.has(value.charCodeAt(0)) || EDGE_SPACE.has(value.charCodeAt(value.length - 1))) {
      throw new MatchingInputError(`${what}: leading or trailing white space in ${show(value)}`);
    }
    if (!isNfc(value)) throw new MatchingInputError(`${what}: not in Unicode NFC form: ${show(value)}`);
    if (idLike && value.includes(',')) throw new MatchingInputError(`${what}: a comma is not allowed in ${show(value)}`);
    return value;
  }

  /** A strict YYYY-MM-DD calendar date; kept as text (ISO dates compare correctly as text). */
  function checkDate(value, what) {
    if (typeof value !== 'string' || !DATE_RE.test(value)) {
      throw new MatchingInputError(`${what}: expected a date YYYY-MM-DD, got ${pyShow(value)}`);
    }
    const y = Number(value.slice(0, 4));
    const m = Number(value.slice(5, 7));
    const d = Number(value.slice(8, 10));
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days[m - 1]) {
      throw new MatchingInputError(`${what}: not a calendar date: ${show(value)}`);
    }
    return value;
  }

  function checkInt(value, what, low, high) {
    if (typeof value === 'boolean' || !isInt(value)) throw new MatchingInputError(`${what}: expected an integer, got ${pyShow(value)}`);
    if (BigInt(value) < BigInt(low) || BigInt(value) > BigInt(high)) {
      throw new MatchingInputError(`${what}: must be between ${low} and ${high}, got ${value}`);
    }
    return Number(value);
  }

  function checkHex64(value, what) {
    if (typeof value !== 'string' || !HEX64.test(value)) {
      throw new MatchingInputError(`${what}: expected 64 lowercase hex characters, got ${pyShow(value)}`);
    }
    return value;
  }

  function checkKeys(obj, what, required) {
    if (!isObj(obj)) throw new MatchingInputError(`${what}: expected a JSON object, got ${pyType(obj)}`);
    const missing = required.filter((k) => !has(obj, k));
    if (missing.length) throw new MatchingInputError(`${what}: missing field(s) ${missing.join(', ')}`);
    const extra = Object.keys(obj).filter((k) => !required.includes(k)).sort(cmpStr);
    if (extra.length) throw new MatchingInputError(`${what}: unknown field(s) ${extra.join(', ')}`);
    return obj;
  }

  function checkList(value, what) {
    if (!Array.isArray(value)) throw new MatchingInputError(`${what}: expected a JSON array, got ${pyType(value)}`);
    return value;
  }

  function cmpTuple(a, b) {
    for (let i = 0; i < a.length; i++) {
      const c = cmpStr(a[i], b[i]);
      if (c) return c;
    }
    return 0;
  }

  function sortedUnique(keys, what) {
    for (let i = 1; i < keys.length; i++) {
      const before = keys[i - 1];
      const after = keys[i];
      const c = Array.isArray(after) ? cmpTuple(before, after) : cmpStr(before, after);
      if (c === 0) throw new MatchingInputError(`${what}: duplicate entry ${pyShow(after)}`);
      if (c > 0) {
        throw new MatchingInputError(`${what}: not sorted (${pyShow(before)} comes before ${pyShow(after)}); run \`shuangsuiji match canonicalize\``);
      }
    }
  }

  function textList(value, what) {
    const items = checkList(value, what);
    const texts = items.map((v, n) => checkText(v, `${what}[${n}]`, 64, true));
    sortedUnique(texts, what);
    return texts;
  }

  const INPUT_KEYS = ['spec', 'task_id', 'period', 'inspectors_per_target', 'joint_departments',
    'required_expertise', 'inspectors', 'conflicts', 'rotation'];
  const INSPECTOR_KEYS = ['id', 'name', 'department', 'certificate_no', 'certificate_valid_from',
    'certificate_valid_to', 'expertise', 'cap'];
  const CONFLICT_KEYS = ['target_id', 'inspector_id', 'kind', 'reason'];
  const PRIOR_KEYS = ['target_id', 'inspector_id', 'date'];

  /** RFC 8785 for validated inputs: sorted keys, no spaces, only " and \ escaped. */
  function canonicalJson(v) {
    if (v === null) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'number' || typeof v === 'bigint') return String(v);
    if (typeof v === 'string') return JSON.stringify(v);
    if (v instanceof JsonFloat) return v.text;
    if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
    return '{' + Object.keys(v).sort(cmpStr).map((k) => JSON.stringify(k) + ':' + canonicalJson(v[k])).join(',') + '}';
  }

  /** parse_inputs(): validate the published inputs object; digest of its canonical bytes. */
  function parseInputs(data) {
    const obj = checkKeys(data, 'inputs', INPUT_KEYS);
    if (obj.spec !== MATCH_SPEC) throw new MatchingInputError(`inputs.spec: expected ${show(MATCH_SPEC)}, got ${pyShow(obj.spec)}`);
    const taskId = checkText(obj.task_id, 'inputs.task_id', 200);
    const period = checkKeys(obj.period, 'inputs.period', ['start', 'end']);
    const start = checkDate(period.start, 'inputs.period.start');
    const end = checkDate(period.end, 'inputs.period.end');
    if (end < start) throw new MatchingInputError('inputs.period: end is before start');
    const k = checkInt(obj.inspectors_per_target, 'inputs.inspectors_per_target', 2, 50);
    const joint = textList(obj.joint_departments, 'inputs.joint_departments');
    if (joint.length > k) {
      throw new MatchingInputError(`inputs: ${joint.length} joint departments need at least ${joint.length} inspectors per target, but inspectors_per_target is ${k}`);
    }
    const required = textList(obj.required_expertise, 'inputs.required_expertise');
    const inspectors = checkList(obj.inspectors, 'inputs.inspectors').map((item, n) => {
      const what = `inspectors[${n}]`;
      checkKeys(item, what, INSPECTOR_KEYS);
      const ins = {
        id: checkText(item.id, `${what}.id`, 64, true),
        name: checkText(item.name, `${what}.name`),
        department: checkText(item.department, `${what}.department`, 64, true),
        certificate_no: checkText(item.certificate_no, `${what}.certificate_no`, 64, true),
        from: checkDate(item.certificate_valid_from, `${what}.certificate_valid_from`),
        to: checkDate(item.certificate_valid_to, `${what}.certificate_valid_to`),
        expertise: textList(item.expertise, `${what}.expertise`),
        cap: checkInt(item.cap, `${what}.cap`, 1, 100000),
      };
      if (ins.to < ins.from) throw new MatchingInputError(`${what}: certificate_valid_to is before certificate_valid_from`);
      return ins;
    });
    sortedUnique(inspectors.map((i) => i.id), 'inputs.inspectors (by id)');
    const certificates = inspectors.map((i) => i.certificate_no).sort(cmpStr);
    for (let i = 1; i < certificates.length; i++) {
      if (certificates[i] === certificates[i - 1]) {
        throw new MatchingInputError(`inputs.inspectors: certificate_no ${show(certificates[i])} used twice`);
      }
    }
    const known = new Set(inspectors.map((i) => i.id));
    const conflicts = checkList(obj.conflicts, 'inputs.conflicts').map((item, n) => {
      const what = `inputs.conflicts[${n}]`;
      checkKeys(item, what, CONFLICT_KEYS);
      const c = {
        target_id: checkText(item.target_id, `${what}.target_id`, 64, true),
        inspector_id: checkText(item.inspector_id, `${what}.inspector_id`, 64, true),
        kind: item.kind,
        reason: checkText(item.reason, `${what}.reason`, 200),
      };
      if (c.kind !== 'declared' && c.kind !== 'detected') throw new MatchingInputError(`${what}.kind: expected one of ('declared', 'detected')`);
      if (!known.has(c.inspector_id)) throw new MatchingInputError(`${what}: unknown inspector ${show(c.inspector_id)}`);
      return c;
    });
    sortedUnique(conflicts.map((c) => [c.target_id, c.inspector_id, c.kind, c.reason]),
      'inputs.conflicts (by target_id, inspector_id, kind, reason)');
    let rotation = null;
    if (obj.rotation !== null) {
      const rot = checkKeys(obj.rotation, 'inputs.rotation', ['since', 'prior_inspections']);
      const priors = checkList(rot.prior_inspections, 'inputs.rotation.prior').map((item, n) => {
        const what = `inputs.rotation.prior_inspections[${n}]`;
        checkKeys(item, what, PRIOR_KEYS);
        const p = {
          target_id: checkText(item.target_id, `${what}.target_id`, 64, true),
          inspector_id: checkText(item.inspector_id, `${what}.inspector_id`, 64, true),
          date: checkDate(item.date, `${what}.date`),
        };
        if (!known.has(p.inspector_id)) throw new MatchingInputError(`${what}: unknown inspector ${show(p.inspector_id)}`);
        return p;
      });
      sortedUnique(priors.map((p) => [p.target_id, p.inspector_id, p.date]),
        'inputs.rotation.prior_inspections (by target_id, inspector_id, date)');
      rotation = { since: checkDate(rot.since, 'inputs.rotation.since'), priors };
    }
    const canonical = canonicalJson(obj) + '\n';
    return {
      task_id: taskId, start, end, k, joint, required, inspectors, conflicts, rotation,
      canonical, digest: sha256HexSync(canonical),
    };
  }

  // ==== matching: instance, keys, greedy, exact rule (eligibility.py, greedy.py, flow.py) ======

  function buildInstance(inputs, targets, extraExclusions) {
    const inspectors = inputs.inspectors.filter((ins) => ins.from <= inputs.start && ins.to >= inputs.end
      && inputs.required.every((tag) => ins.expertise.includes(tag)));
    const index = new Map(inspectors.map((ins, n) => [ins.id, n]));
    const position = new Map(targets.map((t, n) => [t, n]));
    const joint = inputs.joint.slice();
    const jointIndex = new Map(joint.map((d, g) => [d, g]));
    let group;
    let nGroups;
    if (joint.length) {
      group = inspectors.map((ins) => (jointIndex.has(ins.department) ? jointIndex.get(ins.department) : joint.length));
      nGroups = joint.length + 1;
    } else {
      group = inspectors.map(() => 0);
      nGroups = 1;
    }
    const conflicted = targets.map(() => new Set());
    const rotated = targets.map(() => new Set());
    const mark = (sets, targetId, inspectorId) => {
      const t = position.get(targetId);
      const i = index.get(inspectorId);
      if (t !== undefined && i !== undefined) sets[t].add(i);
    };
    for (const c of inputs.conflicts) mark(conflicted, c.target_id, c.inspector_id);
    for (const [t, i] of extraExclusions || []) mark(conflicted, t, i);
    if (inputs.rotation !== null) {
      for (const p of inputs.rotation.priors) if (p.date >= inputs.rotation.since) mark(rotated, p.target_id, p.inspector_id);
    }
    const excluded = conflicted.map((c, t) => new Set([...c, ...rotated[t]]));
    return {
      targets: targets.slice(), inspectors, k: inputs.k, joint, cap: inspectors.map((i) => i.cap), group, nGroups,
      excluded, conflicted, rotated, qualifiedTotal: inspectors.length,
      eligibleCount(t) { return this.inspectors.length - this.excluded[t].size; },
      members(g) { const out = []; this.group.forEach((x, i) => { if (x === g) out.push(i); }); return out; },
    };
  }

  function problem(target, code, zh, en) { return { target_id: target, code, message_zh: zh, message_en: en }; }

  /** local_problems(): necessary conditions named target by target, then task-wide. */
  function localProblems(inst) {
    const problems = [];
    const k = inst.k;
    const groupSize = new Array(inst.nGroups).fill(0);
    for (const g of inst.group) groupSize[g]++;
    inst.targets.forEach((target, t) => {
      const eligible = inst.eligibleCount(t);
      if (eligible < k) {
        const conflicts = inst.conflicted[t].size;
        let rotation = 0;
        for (const i of inst.rotated[t]) if (!inst.conflicted[t].has(i)) rotation++;
        problems.push(problem(target, 'too_few_eligible',
          `检查对象 ${target}：符合条件的执法检查人员只有 ${eligible} 名，少于每户所需的 ${k} 名（${inst.qualifiedTotal} 名证件有效且专长符合，其中 ${conflicts} 名需回避，${rotation} 名因轮换排除）`,
          `target ${target}: only ${eligible} eligible inspectors, fewer than the ${k} required (${inst.qualifiedTotal} qualified by certificate and expertise, ${conflicts} excluded by conflicts, ${rotation} by rotation)`));
      }
      if (inst.joint.length) {
        const excludedIn = new Array(inst.nGroups).fill(0);
        for (const i of inst.excluded[t]) excludedIn[inst.group[i]]++;
        inst.joint.forEach((dept, g) => {
          if (groupSize[g] - excludedIn[g] === 0) {
            problems.push(problem(target, 'no_department_inspector',
              `检查对象 ${target}：联合抽查部门 ${dept} 没有符合条件的执法检查人员`,
              `target ${target}: no eligible inspector from joint department ${dept}`));
          }
        });
      }
    });
    const n = inst.targets.length;
    if (n) {
      const total = inst.cap.reduce((a, b) => a + b, 0);
      if (total < n * k) {
        problems.push(problem(null, 'total_capacity',
          `${n} 户检查对象共需选派 ${n * k} 人次，但符合条件的执法检查人员上限合计只有 ${total} 人次`,
          `the ${n} targets need ${n * k} assignments but the qualified inspectors' caps add up to only ${total}`));
      }
      inst.joint.forEach((dept, g) => {
        let deptTotal = 0;
        inst.cap.forEach((c, i) => { if (inst.group[i] === g) deptTotal += c; });
        if (deptTotal < n) {
          problems.push(problem(null, 'department_capacity',
            `联合抽查部门 ${dept}：${n} 户检查对象每户需该部门一人，但其执法检查人员上限合计只有 ${deptTotal} 人次`,
            `joint department ${dept}: the ${n} targets need one of its inspectors each, but their caps add up to only ${deptTotal}`));
        }
      });
    }
    return problems;
  }

  function slotPlan(inst) {
    const plan = inst.joint.map((_, g) => g);
    while (plan.length < inst.k) plan.push(null);
    return plan;
  }

  /**
   * Pair keys SHA-256(seed:target:inspector), from the seed's midstate, cached per target
   * (targets are processed one after another). Ranking compares the raw digest words —
   * unsigned words order like lowercase hex — and hex is only made for the picks.
   */
  class PairKeys {
    constructor(inst, seed) {
      this.inst = inst;
      this.mid = midstate(utf8(seed));
      this.targetBytes = inst.targets.map((t) => utf8(`:${t}:`));
      this.idBytes = inst.inspectors.map((ins) => utf8(ins.id));
      this.buf = new Uint8Array(4 * 64 * 2 + 2);
      this.target = -1;
      this.cache = new Map();
    }
    words(t, i) {
      if (t !== this.target) { this.target = t; this.cache = new Map(); }
      let v = this.cache.get(i);
      if (v === undefined) {
        const head = this.targetBytes[t];
        const tail = this.idBytes[i];
        this.buf.set(head, 0);
        this.buf.set(tail, head.length);
        v = new Int32Array(this.mid);
        sha256Finish(v, 64, this.buf, 0, head.length + tail.length);
        this.cache.set(i, v);
      }
      return v;
    }
    hex(t, i) { return wordsHex(this.words(t, i), 0); }
    cmp(t, a, b) {
      const x = this.words(t, a);
      const y = this.words(t, b);
      for (let w = 0; w < 8; w++) {
        const p = x[w] >>> 0;
        const q = y[w] >>> 0;
        if (p !== q) return p < q ? -1 : 1;
      }
      return cmpStr(this.inst.inspectors[a].id, this.inst.inspectors[b].id);
    }
    best(t, candidates) {
      let best = candidates[0];
      for (let n = 1; n < candidates.length; n++) if (this.cmp(t, candidates[n], best) < 0) best = candidates[n];
      return best;
    }
    ordered(t, candidates) { return candidates.slice().sort((a, b) => this.cmp(t, a, b)); }
  }

  /** greedy(): the ranking rule without lookahead; returns [teams, stuck]. */
  function greedy(inst, keys, skipStuck, order) {
    const nIns = inst.inspectors.length;
    const top = inst.cap.reduce((a, b) => Math.max(a, b), 0);
    const load = new Array(nIns).fill(0);
    const buckets = [];
    for (let g = 0; g < inst.nGroups; g++) {
      const levels = [];
      for (let l = 0; l < top; l++) levels.push(new Set());
      buckets.push(levels);
    }
    for (let i = 0; i < nIns; i++) buckets[inst.group[i]][0].add(i);
    const plan = slotPlan(inst);
    const allGroups = [];
    for (let g = 0; g < inst.nGroups; g++) allGroups.push(g);
    const teams = inst.targets.map(() => []);
    let stuck = false;
    const targets = order || inst.targets.map((_, t) => t);
    for (const t of targets) {
      const excluded = inst.excluded[t];
      const team = [];
      const onTeam = new Set();
      for (const slotGroup of plan) {
        const groups = slotGroup === null ? allGroups : [slotGroup];
        let pick = -1;
        for (let level = 0; level < top; level++) {
          const candidates = [];
          for (const g of groups) for (const i of buckets[g][level]) if (!excluded.has(i) && !onTeam.has(i)) candidates.push(i);
          if (candidates.length) {
            if (keys === null) {
              pick = candidates[0];
              for (const i of candidates) if (i < pick) pick = i;
            } else pick = keys.best(t, candidates);
            break;
          }
        }
        if (pick < 0) {
          stuck = true;
          if (!skipStuck) return [teams, true];
          continue;
        }
        team.push({ inspector: pick, slotGroup });
        onTeam.add(pick);
        const grp = buckets[inst.group[pick]];
        grp[load[pick]].delete(pick);
        load[pick]++;
        if (load[pick] < inst.cap[pick]) grp[load[pick]].add(pick);
      }
      teams[t] = team;
    }
    return [teams, stuck];
  }

  /**
   * A maximum flow kept as a "witness" complete matching (flow.py; the network is described
   * there and in docs/matching.md §5). Only whether a pair is extendable matters for the
   * result, never which augmenting path is found, so search order may differ from Python's.
   */
  class Witness {
    constructor(inst) {
      this.inst = inst;
      this.m = inst.inspectors.length;
      this.n = inst.targets.length;
      this.nJoint = inst.joint.length;
      this.sink = this.m;
      this.tBase = this.m + 1;
      this.gBase = this.m + 1 + this.n;
      this.members = [];
      for (let g = 0; g < inst.nGroups; g++) this.members.push(inst.members(g));
      this.team = inst.targets.map(() => new Set());
      this.of = inst.inspectors.map(() => new Set());
      this.locked = inst.targets.map(() => new Set());
      this.eligibleCache = new Map();
    }
    tNode(t) { return this.tBase + t; }
    gNode(t, g) { return this.gBase + t * this.inst.nGroups + g; }
    add(t, i) { this.team[t].add(i); this.of[i].add(t); }
    remove(t, i) { this.team[t].delete(i); this.of[i].delete(t); }
    load(teams) { teams.forEach((team, t) => { for (const pick of team) this.add(t, pick.inspector); }); }
    count(t, g) { let c = 0; for (const j of this.team[t]) if (this.inst.group[j] === g) c++; return c; }
    free(t, g) { const c = this.count(t, g); return g < this.nJoint && c > 0 ? c - 1 : c; }
    eligible(t, g) {
      const key = t * this.inst.nGroups + g;
      let found = this.eligibleCache.get(key);
      if (found === undefined) {
        const excluded = this.inst.excluded[t];
        found = this.members[g].filter((j) => !excluded.has(j));
        this.eligibleCache.set(key, found);
      }
      return found;
    }
    spare(i) { return this.of[i].size < this.inst.cap[i]; }

    * neighbors(u, first, unseen) {
      const inst = this.inst;
      if (u < this.m) {
        if (this.spare(u)) yield this.sink;
        const g = inst.group[u];
        for (const t of Array.from(this.of[u])) if (!this.locked[t].has(u)) yield this.gNode(t, g);
      } else if (u === this.sink) {
        yield* first;
        for (const members of unseen) for (const j of Array.from(members)) if (this.of[j].size) yield j;
      } else if (u < this.gBase) {
        const t = u - this.tBase;
        for (let g = 0; g < inst.nGroups; g++) yield this.gNode(t, g);
      } else {
        const t = Math.floor((u - this.gBase) / inst.nGroups);
        const g = (u - this.gBase) % inst.nGroups;
        if (this.free(t, g) > 0) yield this.tNode(t);
        const excluded = inst.excluded[t];
        const team = this.team[t];
        const pool = unseen[g];
        const eligible = this.eligible(t, g);
        if (eligible.length < pool.size) {
          for (const j of eligible) if (pool.has(j) && !team.has(j)) yield j;
        } else {
          for (const j of Array.from(pool)) if (!excluded.has(j) && !team.has(j)) yield j;
        }
      }
    }

    search(starts, isGoal, dead, first) {
      const group = this.inst.group;
      const unseen = this.members.map((ms) => new Set(ms));
      for (const node of dead) if (node < this.m) unseen[group[node]].delete(node);
      const parent = new Map();
      const queue = [];
      for (const s of starts) {
        if (dead.has(s) || parent.has(s)) continue;
        parent.set(s, -1);
        if (isGoal(s)) return [[s], new Set(parent.keys())];
        queue.push(s);
      }
      const order = first || [];
      for (let head = 0; head < queue.length; head++) {
        const u = queue[head];
        for (const v of this.neighbors(u, order, unseen)) {
          if (parent.has(v) || dead.has(v)) continue;
          parent.set(v, u);
          if (v < this.m) unseen[group[v]].delete(v);
          if (isGoal(v)) {
            const path = [v];
            while (parent.get(path[path.length - 1]) >= 0) path.push(parent.get(path[path.length - 1]));
            path.reverse();
            return [path, new Set(parent.keys())];
          }
          queue.push(v);
        }
      }
      return [null, new Set(parent.keys())];
    }

    apply(path) {
      const ng = this.inst.nGroups;
      for (let x = 0; x + 1 < path.length; x++) {
        const u = path[x];
        const v = path[x + 1];
        if (u < this.m && v >= this.gBase) this.remove(Math.floor((v - this.gBase) / ng), u);
        else if (v < this.m && u >= this.gBase) this.add(Math.floor((u - this.gBase) / ng), v);
      }
    }

    deficits(t) {
      const group = this.inst.group;
      const represented = new Set();
      for (const j of this.team[t]) if (group[j] < this.nJoint) represented.add(group[j]);
      const starts = [];
      for (let g = 0; g < this.nJoint; g++) if (!represented.has(g)) starts.push(this.gNode(t, g));
      if (this.team[t].size - represented.size < this.inst.k - this.nJoint) starts.push(this.tNode(t));
      return starts;
    }

    targetOf(node) {
      if (node >= this.gBase) return Math.floor((node - this.gBase) / this.inst.nGroups);
      return node - this.tBase;
    }

    augment() {
      const short = new Map();
      for (let t = 0; t < this.n; t++) {
        const d = this.deficits(t);
        if (d.length) short.set(t, d);
      }
      while (short.size) {
        const starts = [];
        for (const t of Array.from(short.keys()).sort((a, b) => a - b)) starts.push(...short.get(t));
        const [path, seen] = this.search(starts, (v) => v < this.m && this.spare(v), new Set());
        if (path === null) {
          const targets = new Set();
          const saturated = new Set();
          for (const node of seen) {
            if (node > this.sink) targets.add(this.targetOf(node));
            if (node < this.m) saturated.add(node);
          }
          return [false, targets, saturated];
        }
        this.apply(path);
        const touched = new Set();
        for (const node of path) if (node > this.sink) touched.add(this.targetOf(node));
        for (const t of touched) {
          const d = this.deficits(t);
          if (d.length) short.set(t, d); else short.delete(t);
        }
      }
      return [true, new Set(), new Set()];
    }

    force(t, i, dead) {
      if (this.team[t].has(i)) { this.locked[t].add(i); return true; }
      if (dead.has(i)) return false;
      const g = this.inst.group[i];
      const goal = this.gNode(t, g);
      const tNode = this.tNode(t);
      const before = new Set();
      for (const j of this.team[t]) if (this.inst.group[j] === g && !this.locked[t].has(j)) before.add(j);
      const [path, seen] = this.search([i], (v) => v === goal || v === tNode || before.has(v), dead,
        Array.from(before).sort((a, b) => a - b));
      if (path === null) {
        for (const s of seen) dead.add(s);
        return false;
      }
      if (path[path.length - 1] !== goal) path.push(goal);
      this.apply(path);
      this.add(t, i);
      this.locked[t].add(i);
      return true;
    }
  }

  function* ranked(candidates, load, keys, t) {
    const levels = new Map();
    for (const i of candidates) {
      if (!levels.has(load[i])) levels.set(load[i], []);
      levels.get(load[i]).push(i);
    }
    for (const level of Array.from(levels.keys()).sort((a, b) => a - b)) yield* keys.ordered(t, levels.get(level));
  }

  /** The rule with lookahead: each slot takes its first candidate that is extendable. */
  function exact(inst, keys, witness) {
    const load = new Array(inst.inspectors.length).fill(0);
    const teams = [];
    for (let t = 0; t < inst.targets.length; t++) {
      const excluded = inst.excluded[t];
      const team = [];
      const onTeam = new Set();
      for (const slotGroup of slotPlan(inst)) {
        const candidates = [];
        for (let i = 0; i < inst.inspectors.length; i++) {
          if (!excluded.has(i) && !onTeam.has(i) && load[i] < inst.cap[i]
              && (slotGroup === null || inst.group[i] === slotGroup)) candidates.push(i);
        }
        const dead = new Map();
        let chosen = -1;
        for (const i of ranked(candidates, load, keys, t)) {
          const g = inst.group[i];
          if (!dead.has(g)) dead.set(g, new Set());
          if (witness.force(t, i, dead.get(g))) { chosen = i; break; }
        }
        if (chosen < 0) throw new Error(`no extendable candidate for target ${inst.targets[t]}`);
        team.push({ inspector: chosen, slotGroup });
        onTeam.add(chosen);
        load[chosen]++;
      }
      teams.push(team);
    }
    return teams;
  }

  function contention(inst, witness, contended, saturated) {
    const n = inst.targets.length;
    const k = inst.k;
    let possible = 0;
    for (const team of witness.team) possible += team.size;
    const ids = Array.from(saturated).map((i) => inst.inspectors[i].id).sort(cmpStr);
    const listed = ids.slice(0, 10).join(', ') + (ids.length > 10 ? ' …' : '');
    const size = contended.size;
    return Array.from(contended).sort((a, b) => a - b).map((t) => {
      const target = inst.targets[t];
      return problem(target, 'capacity_contention',
        `检查对象 ${target}：与另外 ${size - 1} 户检查对象争用同一批执法检查人员，按各人上限最多只能选派 ${possible}/${n * k} 人次（已满额：${listed || '无'}）`,
        `target ${target}: competes with ${size - 1} other targets for the same inspectors; with the caps given at most ${possible} of ${n * k} assignments can be made (at cap: ${listed || 'none'})`);
    });
  }

  function solve(inst, seed) {
    const problems = localProblems(inst);
    if (problems.length) throw new MatchingInfeasible(problems);
    const keys = new PairKeys(inst, seed);
    const [teams, stuck] = greedy(inst, keys, false, null);
    if (!stuck) return [teams, keys];
    const tightest = inst.targets.map((_, t) => t).sort((a, b) => (inst.eligibleCount(a) - inst.eligibleCount(b)) || (a - b));
    const [start] = greedy(inst, null, true, tightest);
    const witness = new Witness(inst);
    witness.load(start);
    const [complete, contended, saturated] = witness.augment();
    if (!complete) throw new MatchingInfeasible(contention(inst, witness, contended, saturated));
    return [exact(inst, keys, witness), keys];
  }

  // ==== matching: records, matching, replacement, check (record.py, match.py, ...) ==============

  function readDraw(draw) {
    if (!isObj(draw)) throw new MatchingInputError('draw record: expected a JSON object');
    if (draw.spec !== DRAW_SPEC) throw new MatchingInputError(`draw record: spec must be ${show(DRAW_SPEC)}, got ${pyShow(draw.spec)}`);
    const taskId = checkText(draw.task_id, 'draw record.task_id', 200);
    const seed = checkHex64(draw.seed, 'draw record.seed');
    const selected = checkList(draw.selected, 'draw record.selected');
    const targets = selected.map((row, n) => {
      if (!isObj(row)) throw new MatchingInputError(`draw record.selected[${n}]: expected a JSON object`);
      return checkText(row.id, `draw record.selected[${n}].id`, 64, true);
    });
    if (new Set(targets).size !== targets.length) throw new MatchingInputError('draw record.selected: a target id appears twice');
    return { task_id: taskId, seed, targets };
  }

  function checkEntropy(entropy) {
    if (!Array.isArray(entropy)) throw new MatchingInputError('entropy: expected a list of strings');
    return entropy.map((e, n) => checkText(e, `entropy[${n}]`, 200));
  }

  function matchSeed(drawSeed, digest, entropy) {
    return sha256HexSync([MATCH_SPEC, drawSeed, digest, ...entropy].join('\n'));
  }

  function pairKey(seed, target, inspector) { return sha256HexSync(`${seed}:${target}:${inspector}`); }

  function replacementSeed(matchSeedHex, sequenceNo, target, recused) {
    return sha256HexSync([REPLACE_TAG, matchSeedHex, String(sequenceNo), target, recused].join('\n'));
  }

  /** match_inspectors(): the matching record (as a plain object) per shuangsuiji-match-v1. */
  function matchInspectors(drawRecord, inputsObj, entropy) {
    const draw = readDraw(drawRecord);
    const parsed = parseInputs(inputsObj);
    if (parsed.task_id !== draw.task_id) {
      throw new MatchingInputError(`inputs.task_id ${show(parsed.task_id)} is not the draw's task ${show(draw.task_id)}`);
    }
    const entries = checkEntropy(entropy || []);
    const seed = matchSeed(draw.seed, parsed.digest, entries);
    const inst = buildInstance(parsed, draw.targets);
    const [teams, keys] = solve(inst, seed);
    return {
      spec: MATCH_SPEC,
      task_id: draw.task_id,
      draw_seed: draw.seed,
      inputs_digest: parsed.digest,
      entropy: entries.slice(),
      match_seed: seed,
      inspectors_per_target: inst.k,
      joint_departments: inst.joint.slice(),
      assignments: teams.map((team, t) => ({
        target_id: inst.targets[t],
        eligible: inst.eligibleCount(t),
        inspectors: team.map((pick) => ({
          inspector_id: inst.inspectors[pick.inspector].id,
          department: inst.inspectors[pick.inspector].department,
          slot_department: pick.slotGroup === null ? null : inst.joint[pick.slotGroup],
          pair_key: keys.hex(t, pick.inspector),
        })),
      })),
      replacements: [],
    };
  }

  const RECORD_KEYS = ['spec', 'task_id', 'draw_seed', 'inputs_digest', 'entropy', 'match_seed',
    'inspectors_per_target', 'joint_departments', 'assignments', 'replacements'];
  const ASSIGNMENT_KEYS = ['target_id', 'eligible', 'inspectors'];
  const SLOT_KEYS = ['inspector_id', 'department', 'slot_department', 'pair_key'];
  const REPLACEMENT_KEYS = ['sequence_no', 'target_id', 'recused_inspector_id', 'reason', 'replace_seed',
    'slot_department', 'inspector_id', 'department', 'pair_key'];

  /** read_record(): the structure of a matching record (not its correctness). */
  function readMatchingRecord(record) {
    const obj = checkKeys(record, 'record', RECORD_KEYS);
    if (obj.spec !== MATCH_SPEC) throw new MatchingInputError(`record.spec: expected ${show(MATCH_SPEC)}, got ${pyShow(obj.spec)}`);
    const targets = [];
    const teams = [];
    checkList(obj.assignments, 'record.assignments').forEach((row, n) => {
      const what = `record.assignments[${n}]`;
      checkKeys(row, what, ASSIGNMENT_KEYS);
      targets.push(checkText(row.target_id, `${what}.target_id`, 64, true));
      teams.push(checkList(row.inspectors, `${what}.inspectors`).map((slot, s) => {
        checkKeys(slot, `${what}.inspectors[${s}]`, SLOT_KEYS);
        return checkText(slot.inspector_id, `${what}.inspectors[${s}]`, 64, true);
      }));
    });
    const replacements = checkList(obj.replacements, 'record.replacements').map((row, n) => {
      const what = `record.replacements[${n}]`;
      checkKeys(row, what, REPLACEMENT_KEYS);
      return {
        sequence_no: checkInt(row.sequence_no, `${what}.sequence_no`, 1, 1e9),
        target_id: checkText(row.target_id, `${what}.target_id`, 64, true),
        recused_inspector_id: checkText(row.recused_inspector_id, `${what}.recused_inspector_id`, 64, true),
        reason: checkText(row.reason, `${what}.reason`, 200),
        inspector_id: checkText(row.inspector_id, `${what}.inspector_id`, 64, true),
        replace_seed: row.replace_seed,
        pair_key: row.pair_key,
      };
    });
    return {
      task_id: checkText(obj.task_id, 'record.task_id', 200),
      draw_seed: checkHex64(obj.draw_seed, 'record.draw_seed'),
      inputs_digest: checkHex64(obj.inputs_digest, 'record.inputs_digest'),
      entropy: checkEntropy(checkList(obj.entropy, 'record.entropy')),
      match_seed: checkHex64(obj.match_seed, 'record.match_seed'),
      k: checkInt(obj.inspectors_per_target, 'record.inspectors_per_target', 2, 50),
      joint: checkList(obj.joint_departments, 'record.joint_departments').map((d) => checkText(d, 'record.joint_departments[]', 64, true)),
      targets, teams, replacements,
    };
  }

  function currentTeams(view) {
    const teams = new Map(view.targets.map((t, n) => [t, view.teams[n].slice()]));
    for (const rep of view.replacements) {
      const team = teams.get(rep.target_id);
      if (!team || !team.includes(rep.recused_inspector_id)) {
        throw new MatchingInputError(`matching record: replacement ${rep.sequence_no} recuses ${show(rep.recused_inspector_id)}, who is not on target ${show(rep.target_id)}`);
      }
      team[team.indexOf(rep.recused_inspector_id)] = rep.inspector_id;
    }
    return teams;
  }

  /** replace(): recuse one inspector and draw the replacement; returns a new record. */
  function replace(record, inputsObj, targetId, inspectorId, reason, sequenceNo) {
    const view = readMatchingRecord(record);
    const parsed = parseInputs(inputsObj);
    if (parsed.digest !== view.inputs_digest) {
      throw new MatchingInputError("inputs digest differs from the record's: these are not the inputs it was matched on");
    }
    if (matchSeed(view.draw_seed, view.inputs_digest, view.entropy) !== view.match_seed) {
      throw new MatchingInputError('record.match_seed does not follow from its draw seed and inputs');
    }
    const expectedNo = view.replacements.length + 1;
    checkInt(sequenceNo, 'sequence_no', 1, 1e9);
    if (Number(sequenceNo) !== expectedNo) throw new MatchingInputError(`sequence_no must be ${expectedNo}, got ${sequenceNo}`);
    checkText(reason, 'reason', 200);
    checkText(targetId, 'target_id', 64, true);
    checkText(inspectorId, 'inspector_id', 64, true);
    const teams = currentTeams(view);
    if (!teams.has(targetId)) throw new MatchingInputError(`target ${show(targetId)} is not in the matching record`);
    if (!teams.get(targetId).includes(inspectorId)) {
      throw new MatchingInputError(`inspector ${show(inspectorId)} is not on the current team of target ${show(targetId)}`);
    }
    const recused = view.replacements.map((r) => [r.target_id, r.recused_inspector_id]);
    recused.push([targetId, inspectorId]);
    const inst = buildInstance(parsed, view.targets, recused);
    const byId = new Map(parsed.inspectors.map((ins) => [ins.id, ins]));
    const load = new Map();
    for (const team of teams.values()) for (const member of team) load.set(member, (load.get(member) || 0) + 1);
    const unknown = Array.from(load.keys()).filter((id) => !byId.has(id)).sort(cmpStr);
    if (unknown.length) throw new MatchingInputError(`matching record names unknown inspector(s) ${pyShow(unknown)}`);
    load.set(inspectorId, load.get(inspectorId) - 1);
    const remaining = teams.get(targetId).filter((m) => m !== inspectorId);
    const department = byId.get(inspectorId).department;
    let required = null;
    if (inst.joint.includes(department) && remaining.every((m) => byId.get(m).department !== department)) required = department;
    const t = view.targets.indexOf(targetId);
    const excluded = inst.excluded[t];
    const candidates = inst.inspectors.filter((ins, n) => !excluded.has(n) && !remaining.includes(ins.id)
      && (load.get(ins.id) || 0) < ins.cap && (required === null || ins.department === required));
    if (!candidates.length) {
      const zhDept = required ? `部门 ${required} 中` : '';
      const enDept = required ? ` from department ${required}` : '';
      throw new MatchingInfeasible([problem(targetId, 'no_replacement',
        `检查对象 ${targetId}：${inspectorId} 回避后，${zhDept}没有可递补的执法检查人员（符合条件、不在本组且未达上限）`,
        `target ${targetId}: after ${inspectorId} is recused, no eligible inspector${enDept} with capacity left can take the slot`)]);
    }
    const seed = replacementSeed(view.match_seed, Number(sequenceNo), targetId, inspectorId);
    let best = null;
    for (const ins of candidates) {
      const row = { load: load.get(ins.id) || 0, key: pairKey(seed, targetId, ins.id), ins };
      if (best === null || row.load < best.load || (row.load === best.load
          && (row.key < best.key || (row.key === best.key && cmpStr(ins.id, best.ins.id) < 0)))) best = row;
    }
    const copy = JSON.parse(recordText(record));
    copy.replacements = [...copy.replacements, {
      sequence_no: Number(sequenceNo),
      target_id: targetId,
      recused_inspector_id: inspectorId,
      reason,
      replace_seed: seed,
      slot_department: required,
      inspector_id: best.ins.id,
      department: best.ins.department,
      pair_key: best.key,
    }];
    return copy;
  }

  // Messages are [zh, en] pairs; the English text follows matching/verify.py.
  const msg = (zh, en) => ({ zh, en });

  function scalarEqual(want, have) {
    if (pyType(want) !== pyType(have)) return false;
    if (isInt(want)) return BigInt(want) === BigInt(have);
    if (want instanceof JsonFloat || have instanceof JsonFloat) return Number(want) === Number(have);
    return want === have;
  }

  function diff(path, want, have, out) {
    if (isObj(want) && isObj(have)) {
      for (const key of Object.keys(want)) {
        if (!has(have, key)) out.push(msg(`${path}.${key}：缺少`, `${path}.${key}: missing`));
        else diff(`${path}.${key}`, want[key], have[key], out);
      }
      for (const key of Object.keys(have)) {
        if (!has(want, key)) out.push(msg(`${path}.${key}：多余的字段`, `${path}.${key}: unexpected field`));
      }
    } else if (Array.isArray(want) && Array.isArray(have)) {
      const n = Math.min(want.length, have.length);
      for (let x = 0; x < n; x++) diff(`${path}[${x}]`, want[x], have[x], out);
      if (want.length !== have.length) {
        out.push(msg(`${path}：记录有 ${have.length} 项，重新计算为 ${want.length} 项`,
          `${path}: the record has ${have.length} entries, recomputed ${want.length}`));
      }
    } else if (!scalarEqual(want, have)) {
      out.push(msg(`${path}：记录为 ${pyShow(have)}，重新计算为 ${pyShow(want)}`,
        `${path}: the record says ${pyShow(have)}, recomputed ${pyShow(want)}`));
    }
  }

  const TOP_LEVEL = {
    task_id: (a, e) => msg(`task_id：选派记录为 ${pyShow(a)}，摇号任务为 ${pyShow(e)}`, `task_id: the record says ${pyShow(a)}, the draw is task ${pyShow(e)}`),
    draw_seed: (a, e) => msg(`draw_seed：选派记录为 ${pyShow(a)}，摇号种子为 ${pyShow(e)}`, `draw_seed: the record says ${pyShow(a)}, the draw's seed is ${pyShow(e)}`),
    inputs_digest: (a, e) => msg(`inputs_digest：选派记录为 ${pyShow(a)}，但输入文件的规范化 SHA-256 为 ${pyShow(e)}（不是本次匹配所用的输入）`,
      `inputs_digest: the record says ${pyShow(a)}, but the inputs file's canonical SHA-256 is ${pyShow(e)} (not the inputs this matching used)`),
    match_seed: (a, e) => msg(`match_seed：选派记录为 ${pyShow(a)}，由摇号种子、输入摘要和随机源重新计算为 ${pyShow(e)}`,
      `match_seed: the record says ${pyShow(a)}, recomputed ${pyShow(e)} from the draw seed, inputs digest and entropy`),
  };

  const MAX_MESSAGES = 20;

  /**
   * check_matching(): recompute the matching (and replay each replacement request) from the
   * draw record and the inputs, and compare field by field. Returns [{zh, en}] mismatches,
   * first first; an empty list means the record follows from the draw and the inputs.
   */
  function checkMatching(drawRecord, matchingRecord, inputsObj) {
    try { readDraw(drawRecord); } catch (e) { if (e instanceof MatchingInputError) return [msg(`摇号记录：${e.message}`, `draw record: ${e.message}`)]; throw e; }
    let parsed;
    try { parsed = parseInputs(inputsObj); } catch (e) { if (e instanceof MatchingInputError) return [msg(`选派输入文件：${e.message}`, `matching inputs: ${e.message}`)]; throw e; }
    if (!isObj(matchingRecord)) return [msg('选派记录应为 JSON 对象', 'matching record: expected a JSON object')];
    if (!has(matchingRecord, 'spec')) return [msg(`选派记录缺少 spec（不是 ${MATCH_SPEC} 记录）`, `matching record: spec: missing (not a ${MATCH_SPEC} record)`)];
    if (matchingRecord.spec !== MATCH_SPEC) {
      return [msg(`选派记录的规范为 ${pyShow(matchingRecord.spec)}，应为 ${MATCH_SPEC}`, `matching record: spec is ${pyShow(matchingRecord.spec)}, expected ${show(MATCH_SPEC)}`)];
    }
    const draw = readDraw(drawRecord);
    if (parsed.task_id !== draw.task_id) {
      return [msg(`选派输入文件的任务编号 ${show(parsed.task_id)} 不是摇号任务 ${show(draw.task_id)}`,
        `matching inputs: task_id ${show(parsed.task_id)} is not the draw's task ${show(draw.task_id)}`)];
    }
    const entropy = has(matchingRecord, 'entropy') ? matchingRecord.entropy : null;
    let expected;
    try {
      expected = matchInspectors(drawRecord, inputsObj, entropy === null ? [] : entropy);
    } catch (e) {
      if (e instanceof MatchingInputError) return [msg(`选派记录：${e.message}`, `matching record: ${e.message}`)];
      if (e instanceof MatchingInfeasible) {
        return [msg(`按这些输入不存在完整的匹配，但选派记录声称有：${e.message}`,
          `these inputs admit no complete matching, yet the record claims one: ${e.message}`)];
      }
      throw e;
    }
    let replayError = null;
    let replayed = 0;
    const requests = has(matchingRecord, 'replacements') ? matchingRecord.replacements : null;
    if (Array.isArray(requests)) {
      for (let n = 0; n < requests.length; n++) {
        const request = requests[n];
        try {
          if (!isObj(request)) throw new MatchingInputError('expected a JSON object');
          const get = (k) => (has(request, k) ? request[k] : null);
          expected = replace(expected, inputsObj, get('target_id'), get('recused_inspector_id'), get('reason'), get('sequence_no'));
        } catch (e) {
          if (!(e instanceof MatchingInputError || e instanceof MatchingInfeasible)) throw e;
          replayError = msg(`replacements[${n}]：无法复现：${e.message}`, `replacements[${n}]: cannot be reproduced: ${e.message}`);
          break;
        }
        replayed++;
      }
    }
    const found = [];
    for (const key of Object.keys(expected)) {
      const want = expected[key];
      if (!has(matchingRecord, key)) { found.push(msg(`${key}：选派记录中缺少`, `${key}: missing from the record`)); continue; }
      const have = matchingRecord[key];
      if (key === 'replacements' && Array.isArray(have)) {
        diff(key, want.slice(0, replayed), have.slice(0, replayed), found);
        if (replayError) found.push(replayError);
        continue;
      }
      if (has(TOP_LEVEL, key)) {
        if (!(typeof have === 'string' && have === want)) found.push(TOP_LEVEL[key](have, want));
      } else if (key === 'assignments') {
        if (!Array.isArray(have)) { found.push(msg('assignments：应为 JSON 数组', 'assignments: expected a JSON array')); continue; }
        const n = Math.min(want.length, have.length);
        for (let x = 0; x < n; x++) {
          diff(`assignments[${x}] (target ${want[x].target_id})`, want[x], have[x], found);
        }
        if (want.length !== have.length) {
          found.push(msg(`assignments：选派记录有 ${have.length} 户检查对象，摇号有 ${want.length} 户`,
            `assignments: the record has ${have.length} targets, the draw has ${want.length}`));
        }
      } else diff(key, want, have, found);
    }
    for (const key of Object.keys(matchingRecord)) {
      if (!has(expected, key)) found.push(msg(`${key}：选派记录中多余的字段`, `${key}: unexpected field in the record`));
    }
    if (found.length > MAX_MESSAGES) {
      const hidden = found.length - MAX_MESSAGES;
      found.length = MAX_MESSAGES;
      found.push(msg(`……另有 ${hidden} 处不符`, `… and ${hidden} more mismatches`));
    }
    return found;
  }

  /**
   * Without the inputs file only the hashes can be recomputed: the record's match seed
   * from the draw seed, its inputs digest and entropy; every pair key and replacement seed;
   * and that it matches this draw's task, seed and targets. Whether the assignment follows
   * the rule needs the inputs (checkMatching).
   */
  function checkMatchingHashes(drawRecord, matchingRecord) {
    let draw;
    let view;
    try {
      draw = readDraw(drawRecord);
      view = readMatchingRecord(matchingRecord);
    } catch (e) {
      if (e instanceof MatchingInputError) return [msg(`选派记录：${e.message}`, `matching record: ${e.message}`)];
      throw e;
    }
    const out = [];
    if (view.task_id !== draw.task_id) out.push(TOP_LEVEL.task_id(view.task_id, draw.task_id));
    if (view.draw_seed !== draw.seed) out.push(TOP_LEVEL.draw_seed(view.draw_seed, draw.seed));
    const seed = matchSeed(view.draw_seed, view.inputs_digest, view.entropy);
    if (seed !== view.match_seed) out.push(TOP_LEVEL.match_seed(view.match_seed, seed));
    if (view.targets.join('\n') !== draw.targets.join('\n')) {
      out.push(msg('选派记录的检查对象与摇号中选名单（派出顺序）不一致', "assignments: the targets are not the draw's selected list in dispatch order"));
    }
    const hasher = new PrefixHasher(view.match_seed);
    matchingRecord.assignments.forEach((row, n) => {
      row.inspectors.forEach((slot, s) => {
        const key = hasher.hexOf(utf8(`:${row.target_id}:${slot.inspector_id}`));
        if (slot.pair_key !== key) {
          out.push(msg(`assignments[${n}].inspectors[${s}].pair_key：记录为 ${pyShow(slot.pair_key)}，重新计算为 ${show(key)}`,
            `assignments[${n}].inspectors[${s}].pair_key: the record says ${pyShow(slot.pair_key)}, recomputed ${show(key)}`));
        }
        if (row.inspectors.filter((x) => x.inspector_id === slot.inspector_id).length > 1) {
          out.push(msg(`assignments[${n}]：${show(slot.inspector_id)} 在同一组中出现两次`, `assignments[${n}]: ${show(slot.inspector_id)} appears twice on one team`));
        }
      });
      if (row.inspectors.length !== view.k) {
        out.push(msg(`assignments[${n}]：应有 ${view.k} 名执法检查人员，记录有 ${row.inspectors.length} 名`,
          `assignments[${n}]: ${view.k} inspectors expected, the record has ${row.inspectors.length}`));
      }
    });
    view.replacements.forEach((rep, n) => {
      if (rep.sequence_no !== n + 1) out.push(msg(`replacements[${n}].sequence_no 应为 ${n + 1}`, `replacements[${n}].sequence_no should be ${n + 1}`));
      const rs = replacementSeed(view.match_seed, rep.sequence_no, rep.target_id, rep.recused_inspector_id);
      if (rep.replace_seed !== rs) {
        out.push(msg(`replacements[${n}].replace_seed：记录为 ${pyShow(rep.replace_seed)}，重新计算为 ${show(rs)}`,
          `replacements[${n}].replace_seed: the record says ${pyShow(rep.replace_seed)}, recomputed ${show(rs)}`));
      }
      const key = pairKey(rs, rep.target_id, rep.inspector_id);
      if (rep.pair_key !== key) {
        out.push(msg(`replacements[${n}].pair_key：记录为 ${pyShow(rep.pair_key)}，重新计算为 ${show(key)}`,
          `replacements[${n}].pair_key: the record says ${pyShow(rep.pair_key)}, recomputed ${show(key)}`));
      }
    });
    try {
      currentTeams(view);
    } catch (e) {
      if (e instanceof MatchingInputError) out.push(msg(`选派记录：${e.message}`, e.message)); else throw e;
    }
    return out.slice(0, MAX_MESSAGES);
  }

  function verifyMatchingInto(run, computed, files, progress) {
    if (progress) progress({ stage: 'matching', done: 0, total: 1 });
    let record;
    let inputs = null;
    try {
      record = asJson(files.matching, 'matching record');
    } catch (e) {
      run.fail('matching', `选派记录无法读取：${e.message}`, `matching record cannot be read: ${e.message}`);
    }
    const withInputs = files.matchingInputs !== null && files.matchingInputs !== undefined;
    if (withInputs) {
      try {
        inputs = asJson(files.matchingInputs, 'matching inputs');
      } catch (e) {
        run.fail('matching', `选派输入文件无法读取：${e.message}`, `matching inputs cannot be read: ${e.message}`);
      }
      if (files.matchingInputs instanceof ArrayBuffer || ArrayBuffer.isView(files.matchingInputs)) {
        const bytes = toU8(files.matchingInputs);
        computed.matching_inputs_file_sha256 = sha256HexSync(bytes);
        try {
          computed.matching_inputs_digest = parseInputs(inputs).digest;
          computed.matching_inputs_file_canonical = computed.matching_inputs_file_sha256 === computed.matching_inputs_digest;
        } catch (e) { /* reported by checkMatching below */ }
      }
    }
    const problems = withInputs ? checkMatching(computed.record, record, inputs) : checkMatchingHashes(computed.record, record);
    const name = withInputs ? 'matching' : 'matching_hashes';
    if (isObj(record)) {
      computed.matching = {
        match_seed: record.match_seed,
        targets: Array.isArray(record.assignments) ? record.assignments.length : null,
        replacements: Array.isArray(record.replacements) ? record.replacements.length : null,
        rule_checked: withInputs,
      };
    }
    if (problems.length) {
      run.fail(name, `选派记录不符：${problems[0].zh}`, `matching record differs: ${problems[0].en}`,
        { messages: problems });
    }
    if (withInputs) {
      run.pass(name, '选派记录与摇号记录、选派输入文件一致（已按匹配规则重新计算）',
        'matching record follows from the draw record and the inputs (recomputed by the matching rule)');
    } else {
      run.pass(name, '选派记录的种子与签值一致；未提供选派输入文件，匹配规则本身未核对',
        'matching record: seeds and pair keys match; without the inputs file the matching rule itself was not checked',
        { partial: true });
    }
  }

  /**
   * Verify everything given. files: {population, draw, matching?, matchingInputs?} — bytes
   * (ArrayBuffer / Uint8Array) or text; options: {engine: 'auto'|'webcrypto'|'js',
   * onProgress: ({stage, done, total}) => void}. Never throws for a mismatch: returns
   * {ok, checks: [{name, ok, expected, actual, message_zh, message_en, ...}], first_mismatch,
   * computed, engine, timing_ms, notes}.
   */
  async function verify(files, options) {
    const opts = options || {};
    const engines = pickEngines(opts.engine);
    const progress = opts.onProgress || null;
    const t0 = now();
    const run = new Run();
    const computed = {};
    const notes = [];
    try {
      await verifyDrawInto(run, computed, files, engines, progress);
    } catch (e) {
      if (e !== STOP) throw e;
    }
    const drawOk = run.complete && run.checks.every((c) => c.ok);
    const tDraw = now();
    const wantsMatching = files.matching !== null && files.matching !== undefined;
    if (wantsMatching && drawOk) {
      try {
        verifyMatchingInto(run, computed, files, progress);
      } catch (e) {
        if (e !== STOP) throw e;
      }
    } else if (wantsMatching) {
      notes.push(msg('摇号记录未通过验证，因此未核对选派记录', 'the matching record was not checked because the draw record did not verify'));
    }
    delete computed.record; // the parsed record is for the matching check, not the verdict
    const ok = drawOk && run.checks.every((c) => c.ok);
    return {
      ok,
      checks: run.checks,
      first_mismatch: run.checks.find((c) => !c.ok) || null,
      computed,
      engine: engines,
      timing_ms: { draw: Math.round(tDraw - t0), total: Math.round(now() - t0) },
      notes,
    };
  }

  async function verifyDraw(population, draw, options) {
    return verify({ population, draw }, options);
  }

  // ==== fetching =================================================================================

  class FetchError extends Error {
    constructor(url, status, zh, en) { super(en); this.url = url; this.status = status; this.zh = zh; this.en = en; }
  }

  /** GET a URL as bytes, reporting progress from the stream (Content-Length when known). */
  async function fetchBytes(url, onProgress) {
    let response;
    try {
      response = await fetch(url, { credentials: 'same-origin', cache: 'no-cache' });
    } catch (e) {
      throw new FetchError(url, 0, `无法下载 ${url}（网络错误或离线）`, `could not download ${url} (network error or offline)`);
    }
    if (!response.ok) {
      throw new FetchError(url, response.status, `无法下载 ${url}（HTTP ${response.status}）`, `could not download ${url} (HTTP ${response.status})`);
    }
    const total = Number(response.headers.get('Content-Length')) || 0;
    if (!response.body || typeof response.body.getReader !== 'function') {
      return new Uint8Array(await response.arrayBuffer());
    }
    const reader = response.body.getReader();
    const parts = [];
    let loaded = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      loaded += value.length;
      if (onProgress) onProgress({ stage: 'download', url, done: loaded, total: Math.max(total, loaded) });
    }
    const out = new Uint8Array(loaded);
    let off = 0;
    for (const p of parts) { out.set(p, off); off += p.length; }
    return out;
  }

  /** Fetch the files (matching ones optional: a 404 means "not published yet") and verify. */
  async function verifyUrls(urls, options) {
    const opts = options || {};
    const files = {
      population: await fetchBytes(urls.population, opts.onProgress),
      draw: await fetchBytes(urls.draw, opts.onProgress),
    };
    for (const [key, url] of [['matching', urls.matching], ['matchingInputs', urls.matchingInputs]]) {
      if (!url) continue;
      try {
        files[key] = await fetchBytes(url, opts.onProgress);
      } catch (e) {
        if (!(e instanceof FetchError && e.status === 404)) throw e;
      }
    }
    return verify(files, opts);
  }

  // ==== UI glue ==================================================================================
  //
  // <section id="verifier" data-population-url=… data-draw-url=… data-matching-url=…
  //          data-matching-inputs-url=…> with, inside: a [data-verifier-run] button, optional
  // <input type=file data-verifier-file="population|draw|matching|matchingInputs">, a
  // <progress data-verifier-progress>, a [data-verifier-stage] line, a role=status
  // [data-verifier-result] area and a [data-verifier-details] box for the list of checks.
  // Handlers are attached here (no inline script).

  const CHECK_LABELS = {
    format: ['记录格式', 'record format'],
    spec: ['规范', 'spec'],
    digest: ['总体文件摘要', 'population digest'],
    population: ['总体文件格式', 'population file'],
    population_size: ['总体规模', 'population size'],
    quotas: ['抽取数量/比例', 'quotas'],
    strata: ['分层', 'strata'],
    commitment: ['承诺值', 'commitment'],
    seed: ['种子', 'seed'],
    key: ['签值', 'keys'],
    selection: ['中选名单', 'selection'],
    matching: ['选派记录', 'inspector matching'],
    matching_hashes: ['选派记录（种子与签值）', 'inspector matching (hashes)'],
  };

  const STAGES = {
    download: ['正在下载', 'Downloading'],
    digest: ['正在计算总体文件摘要', 'Hashing the population file'],
    parse: ['正在读取总体文件', 'Reading the population file'],
    keys: ['正在计算签值', 'Computing keys'],
    matching: ['正在核对选派记录', 'Checking the inspector matching'],
  };

  function english() {
    const lang = (document.documentElement.getAttribute('lang') || '').toLowerCase();
    return lang.startsWith('en');
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined) node.setAttribute(k, v);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** A message in the page's language: Chinese pages get the English too, marked as such. */
  function bilingual(zh, en) {
    if (english()) return el('span', null, en);
    return el('span', null, zh, ' ', el('span', { lang: 'en', class: 'muted' }, en));
  }

  /** The verdict's headline goes to the live status area; the details (long: every check)
   * go to `detailsBox` when the page has one, so a screen reader announces one sentence. */
  function renderVerdict(result, verdict, detailsBox) {
    result.textContent = '';
    const details = detailsBox || result;
    if (detailsBox) detailsBox.textContent = '';
    const bad = verdict.first_mismatch;
    const m = verdict.computed.matching;
    let matched = '';
    let matchedEn = '';
    if (m && m.rule_checked) {
      matched = '，选派记录也已核对';
      matchedEn = '; the inspector matching record checks out too';
    } else if (m) {
      matched = '，选派记录的种子与签值也一致（缺少选派输入文件，匹配规则未核对）';
      matchedEn = "; the matching record's seeds and keys check out (without its inputs file the matching rule was not checked)";
    }
    const zh = verdict.ok ? `摇号记录与总体文件一致${matched}。` : bad.message_zh;
    const en = verdict.ok ? `the draw record matches the population file${matchedEn}.` : bad.message_en;
    const item = el('li', { class: verdict.ok ? 'verifier-ok' : 'error', 'data-verifier-verdict': verdict.ok ? 'ok' : 'mismatch' });
    if (english()) {
      item.append(el('strong', null, verdict.ok ? 'Verified:' : 'Not verified:'), ' ', en);
    } else {
      item.append(el('strong', null, verdict.ok ? '已验证' : '未通过验证'), ' ', zh, ' ',
        el('span', { lang: 'en', class: 'muted' }, `${verdict.ok ? 'Verified' : 'Not verified'}: ${en}`));
    }
    result.append(el('ul', { class: 'messages' }, item));
    const c = verdict.computed;
    const facts = el('dl', { class: 'facts small' });
    const fact = (zh, en, value) => {
      if (value === undefined || value === null) return;
      facts.append(el('dt', null, english() ? en : zh), el('dd', { class: 'hash' }, String(value)));
    };
    fact('总体文件摘要', 'Population digest', c.population_digest);
    fact('总体规模', 'Population size', c.population_size);
    fact('抽取数量/比例', 'Quota line', c.quota_line);
    fact('承诺值', 'Commitment', c.commitment);
    fact('种子', 'Seed', c.seed);
    if (c.selected) fact('中选对象', 'Selected', c.selected.length);
    if (c.matching) fact('匹配种子', 'Match seed', c.matching.match_seed);
    const list = el('ol', { class: 'small' });
    for (const check of verdict.checks) {
      const label = CHECK_LABELS[check.name] || [check.name, check.name];
      const mark = check.ok ? '✓' : '✗';
      const note = check.diagnostic ? (english() ? ' (diagnosis with the record’s digest)' : '（按记录中的摘要诊断）') : '';
      list.append(el('li', { 'data-check': check.name, 'data-ok': String(check.ok) },
        `${mark} ${english() ? label[1] : label[0]}${note}: `, english() ? check.message_en : check.message_zh));
      if (!check.ok && check.messages && check.messages.length > 1) {
        const more = el('ul', null);
        for (const m of check.messages.slice(1)) more.append(el('li', null, english() ? m.en : `${m.zh}`));
        list.lastChild.append(more);
      }
    }
    for (const note of verdict.notes) list.append(el('li', null, english() ? note.en : note.zh));
    const timing = english()
      ? `Computed in this browser in ${verdict.timing_ms.total} ms (hashing: ${verdict.engine.digest} for files, ${verdict.engine.keys} for keys).`
      : `在本浏览器中计算，用时 ${verdict.timing_ms.total} 毫秒（文件摘要：${verdict.engine.digest}；签值：${verdict.engine.keys}）。`;
    details.append(el('details', { class: 'verifier-details' },
      el('summary', null, english() ? 'What was checked' : '核对了哪些内容'), facts, list, el('p', { class: 'small muted' }, timing)));
  }

  function attach(section) {
    if (section.__verifierAttached) return;
    section.__verifierAttached = true;
    const button = section.querySelector('[data-verifier-run]');
    const result = section.querySelector('[data-verifier-result]');
    const bar = section.querySelector('[data-verifier-progress]');
    const stage = section.querySelector('[data-verifier-stage]');
    const detailsBox = section.querySelector('[data-verifier-details]');
    const inputs = {};
    for (const input of section.querySelectorAll('input[type=file][data-verifier-file]')) inputs[input.dataset.verifierFile] = input;
    // Read at each run, so that a page may change them (e.g. after a redraw).
    const urlOf = (key) => section.dataset[`${key}Url`] || '';
    if (!button || !result) return;

    const say = (zh, en, cls) => {
      result.textContent = '';
      if (detailsBox) detailsBox.textContent = '';
      result.append(el('p', { class: cls || null }, bilingual(zh, en)));
    };
    const onProgress = (p) => {
      if (bar) {
        bar.hidden = false;
        if (p.total) { bar.max = p.total; bar.value = p.done; } else bar.removeAttribute('value');
      }
      if (stage) {
        const names = STAGES[p.stage] || [p.stage, p.stage];
        const count = p.stage === 'keys' && p.total ? ` ${p.done.toLocaleString()} / ${p.total.toLocaleString()}` : '';
        stage.textContent = `${english() ? names[1] : names[0]}${count}…`;
      }
    };

    async function load(key, optional) {
      const input = inputs[key];
      if (input && input.files && input.files.length) {
        onProgress({ stage: 'download', done: 0, total: 0 });
        return new Uint8Array(await input.files[0].arrayBuffer());
      }
      const url = urlOf(key);
      if (!url) return null;
      try {
        return await fetchBytes(url, onProgress);
      } catch (e) {
        if (optional && e instanceof FetchError && e.status === 404) return null;
        throw e;
      }
    }

    async function runCheck() {
      button.disabled = true;
      section.setAttribute('aria-busy', 'true');
      say('正在验证……', 'Verifying…');
      try {
        const files = {
          population: await load('population', false),
          draw: await load('draw', false),
          matching: await load('matching', true),
          matchingInputs: await load('matchingInputs', true),
        };
        if (!files.population || !files.draw) {
          say('请选择总体文件和摇号记录（或在有网络时使用本页的下载链接）。',
            'Choose the population file and the draw record (or use this page online, where they are downloaded).', 'error');
          return;
        }
        const verdict = await verify(files, { onProgress });
        renderVerdict(result, verdict, detailsBox);
        section.dataset.verdict = verdict.ok ? 'ok' : 'mismatch';
      } catch (e) {
        const zh = e instanceof FetchError ? e.zh : `验证时出错：${e.message}`;
        const en = e instanceof FetchError ? e.en : `error while verifying: ${e.message}`;
        say(`${zh}。可在下方选择已保存的文件。`, `${en}. You can choose saved copies of the files below.`, 'error');
        section.dataset.verdict = 'error';
      } finally {
        button.disabled = false;
        section.removeAttribute('aria-busy');
        if (bar) bar.hidden = true;
        if (stage) stage.textContent = '';
      }
    }
    button.addEventListener('click', runCheck);
    button.disabled = false;
  }

  function attachAll() {
    if (typeof document === 'undefined') return;
    for (const section of document.querySelectorAll('#verifier, [data-verifier]')) attach(section);
  }

  // ==== public API ===============================================================================

  const api = {
    version: '1',
    specs: { draw: DRAW_SPEC, matching: MATCH_SPEC },
    checkOrder: CHECK_ORDER.slice(),
    // whole verifications
    verify, verifyDraw, verifyUrls,
    // hashing
    hasWebCrypto, sha256Hex, sha256HexSync,
    // draw-v1 pieces
    parsePopulation, computeSeed, commitmentOf, ticketKey,
    quotaLine: (quotas) => quotaSet(quotas).line,
    selectPopulation: async (populationBytes, seed, quotas, options) => {
      const pop = parsePopulation(populationBytes);
      const drawn = resolveQuotas(quotaSet(quotas), pop);
      return selectPopulation(pop, seed, drawn, pickEngines((options || {}).engine), null);
    },
    // match-v1 pieces
    parseJson, recordText, canonicalInputs: (inputs) => parseInputs(asJson(inputs)).canonical,
    inputsDigest: (inputs) => parseInputs(asJson(inputs)).digest,
    matchInspectors: (draw, inputs, entropy) => matchInspectors(asJson(draw), asJson(inputs), entropy || []),
    replace: (record, inputs, target, inspector, reason, sequenceNo) => replace(asJson(record), asJson(inputs), target, inspector, reason, sequenceNo),
    checkMatching: (draw, record, inputs) => checkMatching(asJson(draw), asJson(record), asJson(inputs)),
    checkMatchingHashes: (draw, record) => checkMatchingHashes(asJson(draw), asJson(record)),
    matchSeed, pairKey, replacementSeed,
    errors: { PopulationError, QuotaError, MatchingInputError, MatchingInfeasible, JsonError, FetchError },
    // UI
    attach, attachAll,
  };

  global.ShuangsuijiVerifier = api;
  if (typeof document !== 'undefined') {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', attachAll);
    else attachAll();
  }
}(typeof window !== 'undefined' ? window : globalThis));
